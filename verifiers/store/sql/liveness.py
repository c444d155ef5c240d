"""Source-check results (verifiers/sources/liveness.py): a row per source URL, its latest check."""

from __future__ import annotations

from verifiers.domain.models import LinkState, SourceCheck
from verifiers.store.sql.core import RelationalBase


class SourceChecks(RelationalBase):
    """The `SourceCheckStore` methods."""

    def get_source_check(self, url: str) -> SourceCheck | None:
        with self._reading() as db:
            row = db.one("SELECT * FROM source_checks WHERE url = ?", (url,))
        return SourceCheck.model_validate(dict(row)) if row else None

    def save_source_check(self, check: SourceCheck) -> None:
        with self._writing() as db:
            stamp = db.dialect.stamp
            db.execute(
                "INSERT INTO source_checks (url, state, checked_at, http_status, detail,"
                " content_hash, baseline_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (url) DO UPDATE SET state = excluded.state,"
                " checked_at = excluded.checked_at, http_status = excluded.http_status,"
                " detail = excluded.detail, content_hash = excluded.content_hash,"
                " baseline_at = excluded.baseline_at",
                (
                    check.url,
                    check.state.value,
                    stamp(check.checked_at),
                    check.http_status,
                    check.detail,
                    check.content_hash,
                    stamp(check.baseline_at) if check.baseline_at else None,
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
        with self._reading() as db:
            rows = db.all(sql, (*params, max(0, limit)))
        return [SourceCheck.model_validate(dict(row)) for row in rows]
