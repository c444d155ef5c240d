"""Claim embeddings for the semantic matcher, PostgreSQL side (table from migration 0004)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from verifiers.models import Claim
from verifiers.store.base import StoredEmbedding
from verifiers.store.postgres_db import CLAIM_COLUMNS, PostgresBase

# Rows read per transaction while streaming every embedding (keeps the lock short).
ITER_EMBEDDINGS_BATCH = 2_000


class PostgresEmbeddings(PostgresBase):
    def get_embeddings(self, claim_ids: Iterable[str], model: str) -> dict[str, StoredEmbedding]:
        ids = list(dict.fromkeys(claim_ids))
        if not ids:
            return {}
        with self._read() as conn:
            rows = conn.execute(
                "SELECT c.id, e.text_hash, e.vector FROM claim_embeddings e"
                " JOIN claims c ON c.pk = e.claim_pk WHERE e.model = %s AND c.id = ANY(%s)",
                (model, ids),
            ).fetchall()
        return {r["id"]: StoredEmbedding(r["text_hash"], bytes(r["vector"])) for r in rows}

    def put_embeddings(self, model: str, items: Iterable[tuple[str, StoredEmbedding]]) -> int:
        pairs = list(items)
        if not pairs:
            return 0
        with self._write() as conn:
            rows = conn.execute(
                "SELECT id, pk FROM claims WHERE id = ANY(%s)", ([i for i, _ in pairs],)
            ).fetchall()
            pks = {r["id"]: r["pk"] for r in rows}
            values = [
                (pks[claim_id], model, e.text_hash, e.vector)
                for claim_id, e in pairs
                if claim_id in pks
            ]
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO claim_embeddings (claim_pk, model, text_hash, vector)"
                    " VALUES (%s, %s, %s, %s) ON CONFLICT (claim_pk, model) DO UPDATE SET"
                    " text_hash = excluded.text_hash, vector = excluded.vector",
                    values,
                )
        return len(values)

    def missing_embeddings(self, model: str, limit: int = 256) -> list[Claim]:
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT {CLAIM_COLUMNS} FROM claims c WHERE NOT c.retired AND NOT EXISTS"
                " (SELECT 1 FROM claim_embeddings e WHERE e.claim_pk = c.pk AND e.model = %s)"
                " ORDER BY c.pk LIMIT %s",
                (model, limit),
            ).fetchall()
            return self._claims_from_rows(conn, rows)

    def iter_embeddings(self, model: str) -> Iterator[tuple[str, int | None, StoredEmbedding]]:
        sql = (
            "SELECT c.pk, c.id, c.guild_id, e.text_hash, e.vector FROM claim_embeddings e"
            " JOIN claims c ON c.pk = e.claim_pk"
            " WHERE e.model = %s AND NOT c.retired AND e.claim_pk > %s"
            " ORDER BY e.claim_pk LIMIT %s"
        )
        last = 0
        while True:
            with self._read() as conn:
                rows = conn.execute(sql, (model, last, ITER_EMBEDDINGS_BATCH)).fetchall()
            if not rows:
                return
            last = rows[-1]["pk"]
            for r in rows:
                yield r["id"], r["guild_id"], StoredEmbedding(r["text_hash"], bytes(r["vector"]))
