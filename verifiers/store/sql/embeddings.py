"""Claim embeddings for the semantic matcher (table from migration 0004) and their change feed
(migration 0010), for every engine."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from verifiers.domain.models import Claim
from verifiers.store.records import Change, StoredEmbedding, VectorChange
from verifiers.store.sql.core import RelationalBase
from verifiers.store.sql.dialect import Db
from verifiers.store.sql.values import CLAIM_COLUMNS, Row, change_of

# Rows read per transaction while streaming every embedding (keeps the lock short).
ITER_EMBEDDINGS_BATCH = 2_000


class ClaimEmbeddings(RelationalBase):
    """get/put/missing/iter/drop_other_embeddings, and the vectors' change feed."""

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
        with self._changing_vectors() as db:
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
        with self._changing_vectors() as db:
            cursor = db.execute("DELETE FROM claim_embeddings WHERE model <> ?", (model,))
            return max(0, cursor.rowcount)

    # -- the change feed -----------------------------------------------------------------------
    def latest_vector_change(self) -> Change:
        with self._reading() as db:
            row = db.one("SELECT id, claim_pk, at FROM vector_changes ORDER BY id DESC LIMIT 1")
        assert row is not None, "migration 0010 writes the feed's first row"
        return change_of(row)

    def vector_change_at(self, sequence: int) -> Change | None:
        with self._reading() as db:
            row = db.one("SELECT id, claim_pk, at FROM vector_changes WHERE id = ?", (sequence,))
        return None if row is None else change_of(row)

    def changed_vectors(self, model: str, after: int, upto: int) -> Iterator[VectorChange]:
        with self._reading() as db:
            rows = db.all(
                "SELECT DISTINCT claim_pk, claim_id FROM vector_changes WHERE id > ? AND id <= ?",
                (after, upto),
            )
        pks = sorted({row["claim_pk"] for row in rows})
        deleted = {row["claim_id"] for row in rows if row["claim_id"] is not None}
        seen: set[str] = set()
        # Each batch its own snapshot, as `iter_embeddings`: one may show a change after
        # `upto`, which the next catch-up reads again (applying a claim twice changes nothing).
        for start in range(0, len(pks), ITER_EMBEDDINGS_BATCH):
            with self._reading() as db:
                found = _claims_with_vectors(db, model, pks[start : start + ITER_EMBEDDINGS_BATCH])
            for row in found:
                seen.add(row["id"])
                yield _vector_of(row)
        for claim_id in sorted(deleted - seen):  # deleted claims, not made again since
            yield VectorChange(claim_id, None, None)


def _claims_with_vectors(db: Db, model: str, pks: list[int]) -> list[Row]:
    """These claims (those that still exist) with their vectors for `model`, if any."""
    rows = db.any_rows(
        "SELECT c.pk, c.id, c.guild_id, c.retired, e.text_hash, e.vector FROM claims c"
        " LEFT JOIN claim_embeddings e ON e.claim_pk = c.pk AND e.model = ? WHERE {any}",
        "c.pk",
        pks,
        before=(model,),
    )
    return sorted(rows, key=lambda row: row["pk"])


def _vector_of(row: Row) -> VectorChange:
    if row["retired"] or row["vector"] is None:
        return VectorChange(row["id"], row["guild_id"], None)
    embedding = StoredEmbedding(row["text_hash"], bytes(row["vector"]))
    return VectorChange(row["id"], row["guild_id"], embedding)
