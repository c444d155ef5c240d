"""Claim embeddings for the semantic matcher (table from migration 0004), for every engine."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from verifiers.domain.models import Claim
from verifiers.store.records import StoredEmbedding
from verifiers.store.sql.core import RelationalBase
from verifiers.store.sql.values import CLAIM_COLUMNS

# Rows read per transaction while streaming every embedding (keeps the lock short).
ITER_EMBEDDINGS_BATCH = 2_000


class ClaimEmbeddings(RelationalBase):
    """get/put/missing/iter/drop_other_embeddings."""

    def get_embeddings(self, claim_ids: Iterable[str], model: str) -> dict[str, StoredEmbedding]:
        ids = list(dict.fromkeys(claim_ids))
        with self._reading() as db:
            rows = db.any_rows(
                "SELECT c.id, e.text_hash, e.vector FROM claim_embeddings e"
                " JOIN claims c ON c.pk = e.claim_pk WHERE e.model = ? AND {any}",
                "c.id",
                ids,
                before=(model,),
            )
        return {r["id"]: StoredEmbedding(r["text_hash"], bytes(r["vector"])) for r in rows}

    def put_embeddings(self, model: str, items: Iterable[tuple[str, StoredEmbedding]]) -> int:
        pairs = list(items)
        with self._writing() as db:
            rows = db.any_rows("SELECT id, pk FROM claims WHERE {any}", "id", [i for i, _ in pairs])
            pks = {r["id"]: r["pk"] for r in rows}
            values = [
                (pks[claim_id], model, e.text_hash, e.vector)
                for claim_id, e in pairs
                if claim_id in pks
            ]
            db.many(
                "INSERT INTO claim_embeddings (claim_pk, model, text_hash, vector)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (claim_pk, model) DO UPDATE SET"
                " text_hash = excluded.text_hash, vector = excluded.vector",
                values,
            )
        return len(values)

    def missing_embeddings(self, model: str, limit: int = 256) -> list[Claim]:
        with self._reading() as db:
            rows = db.all(
                f"SELECT {CLAIM_COLUMNS} FROM claims c WHERE {db.dialect.live} AND NOT EXISTS"
                " (SELECT 1 FROM claim_embeddings e WHERE e.claim_pk = c.pk AND e.model = ?)"
                " ORDER BY c.pk LIMIT ?",
                (model, limit),
            )
            return self._claims_from_rows(db, rows)

    def iter_embeddings(self, model: str) -> Iterator[tuple[str, int | None, StoredEmbedding]]:
        sql = (
            "SELECT c.pk, c.id, c.guild_id, e.text_hash, e.vector FROM claim_embeddings e"
            f" JOIN claims c ON c.pk = e.claim_pk WHERE e.model = ? AND {self.dialect.live}"
            " AND e.claim_pk > ? ORDER BY e.claim_pk LIMIT ?"
        )
        last = 0
        while True:
            with self._reading() as db:
                rows = db.all(sql, (model, last, ITER_EMBEDDINGS_BATCH))
            if not rows:
                return
            last = rows[-1]["pk"]
            for r in rows:
                yield r["id"], r["guild_id"], StoredEmbedding(r["text_hash"], bytes(r["vector"]))

    def drop_other_embeddings(self, model: str) -> int:
        with self._writing() as db:
            cursor = db.execute("DELETE FROM claim_embeddings WHERE model <> ?", (model,))
            return max(0, cursor.rowcount)
