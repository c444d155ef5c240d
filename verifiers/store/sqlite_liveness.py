"""Source-check results for the SQLite store: one row per source URL, the latest check."""

from __future__ import annotations

import sqlite3

from verifiers.liveness import LinkState, SourceCheck, SourceCheckStore
from verifiers.store.sqlite_db import SqliteBase, ts


def _check(row: sqlite3.Row) -> SourceCheck:
    return SourceCheck.model_validate(dict(row))


class SqliteLiveness(SqliteBase, SourceCheckStore):
    def get_source_check(self, url: str) -> SourceCheck | None:
        with self._read() as conn:
            row = conn.execute("SELECT * FROM source_checks WHERE url = ?", (url,)).fetchone()
        return _check(row) if row else None

    def save_source_check(self, check: SourceCheck) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO source_checks (url, state, checked_at, http_status, detail,"
                " content_hash, baseline_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (url) DO UPDATE SET state = excluded.state,"
                " checked_at = excluded.checked_at, http_status = excluded.http_status,"
                " detail = excluded.detail, content_hash = excluded.content_hash,"
                " baseline_at = excluded.baseline_at",
                (
                    check.url,
                    check.state.value,
                    ts(check.checked_at),
                    check.http_status,
                    check.detail,
                    check.content_hash,
                    ts(check.baseline_at) if check.baseline_at else None,
                ),
            )

    def list_source_checks(
        self, *, state: LinkState | None = None, limit: int = 100
    ) -> list[SourceCheck]:
        sql = "SELECT * FROM source_checks"
        params: list[object] = []
        if state is not None:
            sql += " WHERE state = ?"
            params.append(LinkState(state).value)
        sql += " ORDER BY checked_at DESC, url LIMIT ?"
        with self._read() as conn:
            rows = conn.execute(sql, (*params, max(0, limit))).fetchall()
        return [_check(row) for row in rows]
