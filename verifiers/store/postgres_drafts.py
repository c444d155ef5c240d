"""Drafts for the PostgreSQL store: the same rules as `sqlite_drafts`, safe across processes.

Deciding a draft locks its row first, so two moderators approving the same draft at once
cannot both create a claim: the second finds it already approved.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import psycopg

from verifiers.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from verifiers.ingest.drafts import (
    ArticleRecord,
    Draft,
    DraftChanges,
    DraftFields,
    DraftState,
    DraftStore,
    IngestReport,
)
from verifiers.models import Claim, ClaimFields, utcnow
from verifiers.store.base import Scope
from verifiers.store.postgres_db import PostgresBase
from verifiers.store.sqlite_db import as_text, check_actor
from verifiers.store.sqlite_drafts import MAX_NOTE_CHARS

Conn = psycopg.Connection[dict[str, Any]]

DRAFT_INSERT = (
    "INSERT INTO drafts (article_id, guild_id, position, text, status, reason, explanation,"
    " claimant, claim_date, quote, sources, created_at, created_by)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)


def _draft(row: Mapping[str, Any]) -> Draft:
    return Draft.model_validate({**dict(row), "sources": json.loads(row["sources"])})


def _article(row: Mapping[str, Any]) -> ArticleRecord:
    return ArticleRecord.model_validate(dict(row))


def _visible(scope: Scope) -> tuple[str, list[Any]]:
    if scope.operator:
        return "true", []
    return "guild_id IS NOT DISTINCT FROM %s", [scope.guild_id]


def _draft_number(draft_id: object) -> int:
    try:
        number = int(draft_id)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise NotFound(f"no draft with id {draft_id}") from None
    if not -(2**63) <= number < 2**63:
        raise NotFound(f"no draft with id {draft_id}")
    return number


class PostgresDrafts(PostgresBase, DraftStore):
    if TYPE_CHECKING:  # provided by PostgresStore, which mixes this class in
        _insert_claims: Callable[..., list[int]]
        _claim_by_pk: Callable[[Conn, int], Claim]

    # -- articles ----------------------------------------------------------------------------
    def find_article(
        self, guild_id: int | None, *, url: str | None, content_hash: str
    ) -> ArticleRecord | None:
        with self._read() as conn:
            row = self._article_row(conn, guild_id, url, content_hash)
            return _article(row) if row else None

    @staticmethod
    def _article_row(
        conn: Conn, guild_id: int | None, url: str | None, content_hash: str
    ) -> dict[str, Any] | None:
        return conn.execute(
            "SELECT * FROM articles WHERE coalesce(guild_id, 0) = %s"
            " AND (content_hash = %s OR (url IS NOT NULL AND url = %s)) ORDER BY id LIMIT 1",
            (guild_id or 0, content_hash, url),
        ).fetchone()

    def add_article_drafts(
        self,
        *,
        guild_id: int | None,
        url: str | None,
        content_hash: str,
        title: str,
        publisher: str,
        drafts: list[DraftFields],
        actor: str,
    ) -> IngestReport:
        actor = check_actor(actor)
        with self._write() as conn:
            # Two processes ingesting one article take turns, so the second finds the first's.
            conn.execute(
                "SELECT pg_advisory_xact_lock(hashtext('claimbot.ingest'), hashtext(%s))",
                (f"{guild_id or 0}:{content_hash}",),
            )
            existing = self._article_row(conn, guild_id, url, content_hash)
            if existing is not None:
                rows = conn.execute(
                    "SELECT * FROM drafts WHERE article_id = %s ORDER BY position",
                    (existing["id"],),
                ).fetchall()
                return IngestReport(_article(existing), [_draft(r) for r in rows], True)
            at = utcnow()
            article = conn.execute(
                "INSERT INTO articles (guild_id, url, content_hash, title, publisher, ingested_at,"
                " ingested_by) VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING *",
                (guild_id, url, content_hash, title[:500], publisher[:300], at, actor),
            ).fetchone()
            with conn.cursor() as cur:
                cur.executemany(
                    DRAFT_INSERT,
                    [
                        (
                            article["id"], guild_id, position, d.text, d.status.value, d.reason,
                            d.explanation, d.claimant, d.claim_date, d.quote,
                            json.dumps([s.model_dump(mode="json") for s in d.sources]), at, actor,
                        )
                        for position, d in enumerate(drafts, 1)
                    ],
                )  # fmt: skip
            rows = conn.execute(
                "SELECT * FROM drafts WHERE article_id = %s ORDER BY position", (article["id"],)
            ).fetchall()
            return IngestReport(_article(article), [_draft(r) for r in rows])

    # -- reading -----------------------------------------------------------------------------
    def get_draft(self, draft_id: int, scope: Scope) -> Draft:
        with self._read() as conn:
            return _draft(self._draft_row(conn, draft_id, scope))

    @staticmethod
    def _draft_row(conn: Conn, draft_id: int, scope: Scope, lock: str = "") -> dict[str, Any]:
        row = conn.execute(
            f"SELECT * FROM drafts WHERE id = %s {lock}", (_draft_number(draft_id),)
        ).fetchone()
        if row is None or not (scope.operator or row["guild_id"] == scope.guild_id):
            raise NotFound(f"no draft with id {draft_id}")
        return row

    def list_drafts(
        self,
        scope: Scope,
        *,
        state: DraftState | None = DraftState.PENDING,
        article_id: int | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[Draft]:
        clause, params = _visible(scope)
        clauses = [clause]
        if state is not None:
            clauses.append("state = %s")
            params.append(DraftState(state).value)
        if article_id is not None:
            clauses.append("article_id = %s")
            params.append(int(article_id))
        query = f"SELECT * FROM drafts WHERE {' AND '.join(clauses)} ORDER BY id LIMIT %s OFFSET %s"
        with self._read() as conn:
            rows = conn.execute(query, (*params, max(0, limit), max(0, offset))).fetchall()
        return [_draft(row) for row in rows]

    # -- deciding ----------------------------------------------------------------------------
    def _pending_row(
        self, conn: Conn, draft_id: int, scope: Scope, expected_version: int | None = None
    ) -> dict[str, Any]:
        row = self._draft_row(conn, draft_id, scope, lock="FOR UPDATE")
        if not scope.can_change(row["guild_id"]):
            raise PermissionDenied(
                f"draft {draft_id} is global: only the bot operator can decide it"
            )
        if row["state"] != DraftState.PENDING:
            raise Conflict(f"draft {draft_id} was already {row['state']}")
        if expected_version is not None and row["version"] != expected_version:
            raise Conflict(f"draft {draft_id} was changed meanwhile; reload and try again")
        return row

    def edit_draft(
        self,
        draft_id: int,
        changes: DraftChanges,
        actor: str,
        scope: Scope,
        *,
        expected_version: int | None = None,
    ) -> Draft:
        actor = check_actor(actor)
        values = changes.model_dump(exclude_none=True)
        if not values:
            raise InvalidInput("nothing to change: give at least one new value")
        with self._write() as conn:
            row = self._pending_row(conn, draft_id, scope, expected_version)
            assignments = ", ".join(f"{column} = %s" for column in values)
            conn.execute(
                f"UPDATE drafts SET {assignments}, version = version + 1 WHERE id = %s",
                (*(as_text(value) for value in values.values()), row["id"]),
            )
            return _draft(self._draft_row(conn, draft_id, scope))

    def approve_draft(self, draft_id: int, actor: str, scope: Scope) -> tuple[Draft, Claim]:
        actor = check_actor(actor)
        with self._write() as conn:
            row = self._pending_row(conn, draft_id, scope)
            draft = _draft(row)
            at: datetime = utcnow()
            fields: ClaimFields = draft.claim_fields(draft.guild_id)
            pk = self._insert_claims(conn, [(None, fields, None)], actor, at)[0]
            claim = self._claim_by_pk(conn, pk)
            self._audit(conn, pk, at, actor, "from_draft", "draft", None, str(draft.id))
            conn.execute(
                "UPDATE drafts SET state = 'approved', decided_at = %s, decided_by = %s,"
                " claim_id = %s, version = version + 1 WHERE id = %s",
                (at, actor, claim.id, draft.id),
            )
            approved = _draft(self._draft_row(conn, draft_id, scope))
        return approved, claim

    def reject_draft(self, draft_id: int, actor: str, scope: Scope, note: str = "") -> Draft:
        actor = check_actor(actor)
        note = " ".join((note or "").split())
        if len(note) > MAX_NOTE_CHARS:
            raise InvalidInput(f"the note is too long (at most {MAX_NOTE_CHARS} characters)")
        with self._write() as conn:
            row = self._pending_row(conn, draft_id, scope)
            conn.execute(
                "UPDATE drafts SET state = 'rejected', decided_at = %s, decided_by = %s,"
                " decision_note = %s, version = version + 1 WHERE id = %s",
                (utcnow(), actor, note, row["id"]),
            )
            return _draft(self._draft_row(conn, draft_id, scope))
