"""Source-check results for the PostgreSQL store: one row per source URL, the latest check."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from verifiers.liveness import LinkState, SourceCheck, SourceCheckStore
from verifiers.store.postgres_db import PostgresBase


def _check(row: Mapping[str, Any]) -> SourceCheck:
    return SourceCheck.model_validate(dict(row))


class PostgresLiveness(PostgresBase, SourceCheckStore):
    def get_source_check(self, url: str) -> SourceCheck | None:
        with self._read() as conn:
            row = conn.execute("SELECT * FROM source_checks WHERE url = %s", (url,)).fetchone()
        return _check(row) if row else None

    def save_source_check(self, check: SourceCheck) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO source_checks (url, state, checked_at, http_status, detail,"
                " content_hash, baseline_at) VALUES (%s, %s, %s, %s, %s, %s, %s)"
                " ON CONFLICT (url) DO UPDATE SET state = excluded.state,"
                " checked_at = excluded.checked_at, http_status = excluded.http_status,"
                " detail = excluded.detail, content_hash = excluded.content_hash,"
                " baseline_at = excluded.baseline_at",
                (
                    check.url,
                    check.state.value,
                    check.checked_at,
                    check.http_status,
                    check.detail,
                    check.content_hash,
                    check.baseline_at,
                ),
            )

    def list_source_checks(
        self, *, state: LinkState | None = None, limit: int = 100
    ) -> list[SourceCheck]:
        query = "SELECT * FROM source_checks"
        params: list[object] = []
        if state is not None:
            query += " WHERE state = %s"
            params.append(LinkState(state).value)
        query += " ORDER BY checked_at DESC, url LIMIT %s"
        with self._read() as conn:
            rows = conn.execute(query, (*params, max(0, limit))).fetchall()
        return [_check(row) for row in rows]
