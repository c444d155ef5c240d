"""Drafts for the SQLite store: ingested articles, their proposed claims, and the decisions.

A guild sees only its own drafts; the operator (CLI) sees all. Approving creates the claim
with the store's own insert (so the full-text index and the audit history are kept as for any
claim) and marks the draft approved in the same transaction: both happen, or neither.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

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
from verifiers.models import Claim, ClaimFields
from verifiers.store.base import Scope
from verifiers.store.sqlite_db import SqliteBase, as_text, check_actor, now_ts

MAX_NOTE_CHARS = 1_000
DRAFT_INSERT = (
    "INSERT INTO drafts (article_id, guild_id, position, text, status, reason, explanation,"
    " claimant, claim_date, quote, sources, created_at, created_by)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _draft(row: sqlite3.Row) -> Draft:
    return Draft.model_validate({**dict(row), "sources": json.loads(row["sources"])})


def _article(row: sqlite3.Row) -> ArticleRecord:
    return ArticleRecord.model_validate(dict(row))


def _visible(scope: Scope, column: str = "guild_id") -> tuple[str, list[Any]]:
    if scope.operator:
        return "1", []
    return f"{column} IS ?", [scope.guild_id]


class SqliteDrafts(SqliteBase, DraftStore):
    if TYPE_CHECKING:  # provided by SqliteStore, which mixes this class in
        _insert_claims: Callable[
            [sqlite3.Connection, list[tuple[str | None, ClaimFields, str | None]], str, str],
            list[int],
        ]
        _claim_by_pk: Callable[[sqlite3.Connection, int], Claim]

    # -- articles ----------------------------------------------------------------------------
    def find_article(
        self, guild_id: int | None, *, url: str | None, content_hash: str
    ) -> ArticleRecord | None:
        with self._read() as conn:
            row = self._article_row(conn, guild_id, url, content_hash)
            return _article(row) if row else None

    @staticmethod
    def _article_row(
        conn: sqlite3.Connection, guild_id: int | None, url: str | None, content_hash: str
    ) -> sqlite3.Row | None:
        return conn.execute(
            "SELECT * FROM articles WHERE coalesce(guild_id, 0) = ?"
            " AND (content_hash = ? OR (url IS NOT NULL AND url = ?)) ORDER BY id LIMIT 1",
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
            existing = self._article_row(conn, guild_id, url, content_hash)
            if existing is not None:
                rows = conn.execute(
                    "SELECT * FROM drafts WHERE article_id = ? ORDER BY position", (existing["id"],)
                ).fetchall()
                return IngestReport(_article(existing), [_draft(r) for r in rows], True)
            at = now_ts()
            article_id = conn.execute(
                "INSERT INTO articles (guild_id, url, content_hash, title, publisher, ingested_at,"
                " ingested_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (guild_id, url, content_hash, title[:500], publisher[:300], at, actor),
            ).lastrowid
            conn.executemany(
                DRAFT_INSERT,
                [
                    (
                        article_id,
                        guild_id,
                        position,
                        d.text,
                        as_text(d.status),
                        d.reason,
                        d.explanation,
                        d.claimant,
                        as_text(d.claim_date),
                        d.quote,
                        json.dumps([s.model_dump(mode="json") for s in d.sources]),
                        at,
                        actor,
                    )
                    for position, d in enumerate(drafts, 1)
                ],
            )
            article = conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
            rows = conn.execute(
                "SELECT * FROM drafts WHERE article_id = ? ORDER BY position", (article_id,)
            ).fetchall()
            return IngestReport(_article(article), [_draft(r) for r in rows])

    # -- reading -----------------------------------------------------------------------------
    def get_draft(self, draft_id: int, scope: Scope) -> Draft:
        with self._read() as conn:
            return _draft(self._draft_row(conn, draft_id, scope))

    @staticmethod
    def _draft_row(conn: sqlite3.Connection, draft_id: int, scope: Scope) -> sqlite3.Row:
        row = conn.execute("SELECT * FROM drafts WHERE id = ?", (int(draft_id),)).fetchone()
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
            clauses.append("state = ?")
            params.append(DraftState(state).value)
        if article_id is not None:
            clauses.append("article_id = ?")
            params.append(int(article_id))
        sql = f"SELECT * FROM drafts WHERE {' AND '.join(clauses)} ORDER BY id LIMIT ? OFFSET ?"
        with self._read() as conn:
            rows = conn.execute(sql, (*params, max(0, limit), max(0, offset))).fetchall()
        return [_draft(row) for row in rows]

    # -- deciding ----------------------------------------------------------------------------
    def _pending_row(
        self,
        conn: sqlite3.Connection,
        draft_id: int,
        scope: Scope,
        expected_version: int | None = None,
    ) -> sqlite3.Row:
        row = self._draft_row(conn, draft_id, scope)
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
        columns: Sequence[str] = list(values)
        with self._write() as conn:
            self._pending_row(conn, draft_id, scope, expected_version)
            assignments = ", ".join(f"{column} = ?" for column in columns)
            conn.execute(
                f"UPDATE drafts SET {assignments}, version = version + 1 WHERE id = ?",
                (*(as_text(values[c]) for c in columns), int(draft_id)),
            )
            return _draft(self._draft_row(conn, draft_id, scope))

    def approve_draft(self, draft_id: int, actor: str, scope: Scope) -> tuple[Draft, Claim]:
        actor = check_actor(actor)
        with self._write() as conn:
            row = self._pending_row(conn, draft_id, scope)
            draft = _draft(row)
            at = now_ts()
            pk = self._insert_claims(
                conn, [(None, draft.claim_fields(draft.guild_id), None)], actor, at
            )[0]
            claim = self._claim_by_pk(conn, pk)
            self._audit(conn, pk, at, actor, "from_draft", "draft", None, str(draft.id))
            conn.execute(
                "UPDATE drafts SET state = 'approved', decided_at = ?, decided_by = ?,"
                " claim_id = ?, version = version + 1 WHERE id = ?",
                (at, actor, claim.id, draft.id),
            )
            return _draft(self._draft_row(conn, draft_id, scope)), claim

    def reject_draft(self, draft_id: int, actor: str, scope: Scope, note: str = "") -> Draft:
        actor = check_actor(actor)
        note = " ".join((note or "").split())
        if len(note) > MAX_NOTE_CHARS:
            raise InvalidInput(f"the note is too long (at most {MAX_NOTE_CHARS} characters)")
        with self._write() as conn:
            self._pending_row(conn, draft_id, scope)
            conn.execute(
                "UPDATE drafts SET state = 'rejected', decided_at = ?, decided_by = ?,"
                " decision_note = ?, version = version + 1 WHERE id = ?",
                (now_ts(), actor, note, int(draft_id)),
            )
            return _draft(self._draft_row(conn, draft_id, scope))
