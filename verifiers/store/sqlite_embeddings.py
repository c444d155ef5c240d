"""Claim embeddings for the semantic matcher, SQLite side (table from migration 0004)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from verifiers.models import Claim
from verifiers.store.base import StoredEmbedding
from verifiers.store.sqlite_db import SqliteBase, chunks, marks

# Rows read per transaction while streaming every embedding (keeps the lock short).
ITER_EMBEDDINGS_BATCH = 2_000


class SqliteEmbeddings(SqliteBase):
    def get_embeddings(self, claim_ids: Iterable[str], model: str) -> dict[str, StoredEmbedding]:
        ids = list(dict.fromkeys(claim_ids))
        found: dict[str, StoredEmbedding] = {}
        with self._read() as conn:
            for part in chunks(ids):
                sql = (
                    "SELECT c.id, e.text_hash, e.vector FROM claim_embeddings e"
                    " JOIN claims c ON c.pk = e.claim_pk"
                    f" WHERE e.model = ? AND c.id IN ({marks(len(part))})"
                )
                for row in conn.execute(sql, (model, *part)):
                    found[row[0]] = StoredEmbedding(row[1], bytes(row[2]))
        return found

    def put_embeddings(self, model: str, items: Iterable[tuple[str, StoredEmbedding]]) -> int:
        pairs = list(items)
        stored = 0
        with self._write() as conn:
            pks: dict[str, int] = {}
            for part in chunks([claim_id for claim_id, _ in pairs]):
                sql = f"SELECT id, pk FROM claims WHERE id IN ({marks(len(part))})"
                pks.update((row[0], row[1]) for row in conn.execute(sql, tuple(part)))
            rows = [
                (pks[claim_id], model, e.text_hash, e.vector)
                for claim_id, e in pairs
                if claim_id in pks
            ]
            conn.executemany(
                "INSERT INTO claim_embeddings (claim_pk, model, text_hash, vector)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (claim_pk, model) DO UPDATE SET"
                " text_hash = excluded.text_hash, vector = excluded.vector",
                rows,
            )
            stored = len(rows)
        return stored

    def missing_embeddings(self, model: str, limit: int = 256) -> list[Claim]:
        with self._read() as conn:
            rows = conn.execute(
                "SELECT * FROM claims c WHERE c.retired = 0 AND NOT EXISTS"
                " (SELECT 1 FROM claim_embeddings e WHERE e.claim_pk = c.pk AND e.model = ?)"
                " ORDER BY c.pk LIMIT ?",
                (model, limit),
            ).fetchall()
            return self._claims_from_rows(conn, rows)

    def iter_embeddings(self, model: str) -> Iterator[tuple[str, int | None, StoredEmbedding]]:
        sql = (
            "SELECT c.pk, c.id, c.guild_id, e.text_hash, e.vector FROM claim_embeddings e"
            " JOIN claims c ON c.pk = e.claim_pk"
            " WHERE e.model = ? AND c.retired = 0 AND e.claim_pk > ? ORDER BY e.claim_pk LIMIT ?"
        )
        last = 0
        while True:
            with self._read() as conn:
                rows = conn.execute(sql, (model, last, ITER_EMBEDDINGS_BATCH)).fetchall()
            if not rows:
                return
            last = rows[-1][0]
            for row in rows:
                yield row[1], row[2], StoredEmbedding(row[3], bytes(row[4]))
