"""Drafts: ingested articles, their proposed claims, and the decisions, for every engine.

A guild sees only its own drafts; the operator (CLI) sees all. Approving creates the claim
with the store's own insert (so search and the audit history are kept as for any claim) and
marks the draft approved in the same transaction: both happen, or neither. Where the engine
locks rows, deciding a draft locks it first, so two moderators approving the same draft at
once cannot both create a claim: the second finds it already approved.
"""

from __future__ import annotations

import json
from typing import Any

from verifiers.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from verifiers.domain.models import (
    ArticleRecord,
    Claim,
    Draft,
    DraftChanges,
    DraftFields,
    DraftState,
    IngestReport,
    Scope,
)
from verifiers.store.sql.claims import ClaimRecords
from verifiers.store.sql.dialect import Db
from verifiers.store.sql.values import Row, as_text, check_actor, row_number

MAX_NOTE_CHARS = 1_000
DRAFT_INSERT = (
    "INSERT INTO drafts (article_id, guild_id, position, text, status, reason, explanation,"
    " claimant, claim_date, quote, sources, created_at, created_by)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
DRAFTS_OF = "SELECT * FROM drafts WHERE article_id = ? ORDER BY position"


def _draft(row: Row) -> Draft:
    return Draft.model_validate({**dict(row), "sources": json.loads(row["sources"])})


def _article(row: Row) -> ArticleRecord:
    return ArticleRecord.model_validate(dict(row))


class ArticleDrafts(ClaimRecords):
    """The `DraftStore` methods (verifiers/store/ports.py)."""

    # -- articles ----------------------------------------------------------------------------
    def find_article(
        self, guild_id: int | None, *, url: str | None, content_hash: str
    ) -> ArticleRecord | None:
        with self._reading() as db:
            row = self._article_row(db, guild_id, url, content_hash)
            return _article(row) if row else None

    @staticmethod
    def _article_row(
        db: Db, guild_id: int | None, url: str | None, content_hash: str
    ) -> Row | None:
        return db.one(
            "SELECT * FROM articles WHERE coalesce(guild_id, 0) = ?"
            " AND (content_hash = ? OR (url IS NOT NULL AND url = ?)) ORDER BY id LIMIT 1",
            (guild_id or 0, content_hash, url),
        )

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
        with self._writing() as db:
            # Two processes ingesting one article take turns, so the second finds the first's.
            db.take_turns("claimbot.ingest", f"{guild_id or 0}:{content_hash}")
            existing = self._article_row(db, guild_id, url, content_hash)
            if existing is not None:
                rows = db.all(DRAFTS_OF, (existing["id"],))
                return IngestReport(_article(existing), [_draft(r) for r in rows], True)
            at = db.dialect.now()
            article_id = db.insert(
                "INSERT INTO articles (guild_id, url, content_hash, title, publisher, ingested_at,"
                " ingested_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (guild_id, url, content_hash, title[:500], publisher[:300], at, actor),
            )
            db.many(
                DRAFT_INSERT,
                [
                    (
                        article_id, guild_id, position, d.text, as_text(d.status), d.reason,
                        d.explanation, d.claimant, db.dialect.day(d.claim_date), d.quote,
                        json.dumps([s.model_dump(mode="json") for s in d.sources]), at, actor,
                    )
                    for position, d in enumerate(drafts, 1)
                ],
            )  # fmt: skip
            article = db.one("SELECT * FROM articles WHERE id = ?", (article_id,))
            assert article is not None
            rows = db.all(DRAFTS_OF, (article_id,))
            return IngestReport(_article(article), [_draft(r) for r in rows])

    # -- reading -----------------------------------------------------------------------------
    def get_draft(self, draft_id: int, scope: Scope) -> Draft:
        with self._reading() as db:
            return _draft(self._draft_row(db, draft_id, scope))

    @staticmethod
    def _draft_row(db: Db, draft_id: int, scope: Scope, lock: str = "") -> Row:
        number = row_number(draft_id, f"no draft with id {draft_id}")
        row = db.one(f"SELECT * FROM drafts WHERE id = ? {lock}", (number,))
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
        d = self.dialect
        clauses = [d.true if scope.operator else f"guild_id {d.same} ?"]
        params: list[Any] = [] if scope.operator else [scope.guild_id]
        if state is not None:
            clauses.append("state = ?")
            params.append(DraftState(state).value)
        if article_id is not None:
            clauses.append("article_id = ?")
            params.append(int(article_id))
        sql = f"SELECT * FROM drafts WHERE {' AND '.join(clauses)} ORDER BY id LIMIT ? OFFSET ?"
        with self._reading() as db:
            rows = db.all(sql, (*params, max(0, limit), max(0, offset)))
        return [_draft(row) for row in rows]

    # -- deciding ----------------------------------------------------------------------------
    def _pending_row(
        self, db: Db, draft_id: int, scope: Scope, expected_version: int | None = None
    ) -> Row:
        row = self._draft_row(db, draft_id, scope, lock=db.dialect.lock())
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
        values: dict[str, Any] = changes.model_dump(exclude_none=True)
        if not values:
            raise InvalidInput("nothing to change: give at least one new value")
        with self._writing() as db:
            row = self._pending_row(db, draft_id, scope, expected_version)
            assignments = ", ".join(f"{column} = ?" for column in values)
            db.execute(
                f"UPDATE drafts SET {assignments}, version = version + 1 WHERE id = ?",
                (*(as_text(value) for value in values.values()), row["id"]),
            )
            return _draft(self._draft_row(db, draft_id, scope))

    def approve_draft(self, draft_id: int, actor: str, scope: Scope) -> tuple[Draft, Claim]:
        actor = check_actor(actor)
        with self._changing_claims() as db:
            row = self._pending_row(db, draft_id, scope)
            draft = _draft(row)
            at = db.dialect.now()
            fields = draft.claim_fields(draft.guild_id)
            pk = self._insert_claims(db, [(None, fields, None)], actor, at)[0]
            claim = self._claim_by_pk(db, pk)
            self._audit(db, pk, at, actor, "from_draft", "draft", None, str(draft.id))
            db.execute(
                "UPDATE drafts SET state = 'approved', decided_at = ?, decided_by = ?,"
                " claim_id = ?, version = version + 1 WHERE id = ?",
                (at, actor, claim.id, draft.id),
            )
            approved = _draft(self._draft_row(db, draft_id, scope))
        return approved, claim

    def reject_draft(self, draft_id: int, actor: str, scope: Scope, note: str = "") -> Draft:
        actor = check_actor(actor)
        note = " ".join((note or "").split())
        if len(note) > MAX_NOTE_CHARS:
            raise InvalidInput(f"the note is too long (at most {MAX_NOTE_CHARS} characters)")
        with self._writing() as db:
            row = self._pending_row(db, draft_id, scope)
            db.execute(
                "UPDATE drafts SET state = 'rejected', decided_at = ?, decided_by = ?,"
                " decision_note = ?, version = version + 1 WHERE id = ?",
                (db.dialect.now(), actor, note, row["id"]),
            )
            return _draft(self._draft_row(db, draft_id, scope))
