"""Drafts: claims proposed from an article, waiting for a moderator.

A draft is never matched. Approving one creates a real claim (audited, matchable); rejecting
keeps it for the record, so re-ingesting the article does not bring it back.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from verifiers.errors import ConfigError
from verifiers.models import (
    MAX_EXPLANATION_CHARS,
    MAX_QUOTE_CHARS,
    Claim,
    ClaimFields,
    ClaimText,
    Scope,
    ShortText,
    Source,
    Status,
)

Explanation = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=MAX_EXPLANATION_CHARS)
]


class DraftState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class DraftFields(BaseModel):
    """A proposed claim: what it says, the status its sourcing suggests and why."""

    text: ClaimText
    status: Status
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = ""
    explanation: Explanation = ""
    claimant: ShortText | None = None
    claim_date: date | None = None
    quote: Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_QUOTE_CHARS)] = ""
    sources: list[Source] = Field(default_factory=list)

    def claim_fields(self, guild_id: int | None) -> ClaimFields:
        return ClaimFields(
            text=self.text,
            status=self.status,
            explanation=self.explanation,
            claimant=self.claimant,
            claim_date=self.claim_date,
            sources=self.sources,
            guild_id=guild_id,
        )


class Draft(DraftFields):
    id: int
    article_id: int
    guild_id: int | None
    state: DraftState = DraftState.PENDING
    created_at: datetime
    created_by: str
    decided_at: datetime | None = None
    decided_by: str | None = None
    decision_note: str = ""
    claim_id: str | None = None  # the claim an approved draft became
    version: int = 1


class DraftChanges(BaseModel):
    """A moderator's edit of a pending draft; None leaves a field as it is."""

    text: ClaimText | None = None
    status: Status | None = None
    explanation: Explanation | None = None
    claimant: ShortText | None = None

    def is_empty(self) -> bool:
        return not self.model_dump(exclude_none=True)


class ArticleRecord(BaseModel):
    """An ingested article, remembered so that ingesting it again adds nothing."""

    id: int
    guild_id: int | None
    url: str | None
    content_hash: str
    title: str
    publisher: str
    ingested_at: datetime
    ingested_by: str


@dataclass(frozen=True)
class IngestReport:
    article: ArticleRecord
    drafts: list[Draft]
    already_ingested: bool = False


class DraftStore(ABC):
    """What drafts need from a store; both stores implement it (`store/sql/drafts.py`)."""

    @abstractmethod
    def find_article(
        self, guild_id: int | None, *, url: str | None, content_hash: str
    ) -> ArticleRecord | None: ...

    @abstractmethod
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
        """Record the article and its drafts in one transaction; an article seen before (same
        canonical URL or content hash, same guild) adds nothing and returns what it has."""

    @abstractmethod
    def get_draft(self, draft_id: int, scope: Scope) -> Draft: ...

    @abstractmethod
    def list_drafts(
        self,
        scope: Scope,
        *,
        state: DraftState | None = DraftState.PENDING,
        article_id: int | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[Draft]: ...

    @abstractmethod
    def edit_draft(
        self,
        draft_id: int,
        changes: DraftChanges,
        actor: str,
        scope: Scope,
        *,
        expected_version: int | None = None,
    ) -> Draft: ...

    @abstractmethod
    def approve_draft(self, draft_id: int, actor: str, scope: Scope) -> tuple[Draft, Claim]:
        """Create the claim and mark the draft approved, atomically (audited as a creation)."""

    @abstractmethod
    def reject_draft(self, draft_id: int, actor: str, scope: Scope, note: str = "") -> Draft: ...


def draft_store(store: object) -> DraftStore:
    """The store's drafts, or a one-line error for a backend that has none."""
    if not isinstance(store, DraftStore):
        raise ConfigError("this database backend keeps no drafts")
    return store
