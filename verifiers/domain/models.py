"""The domain model shared by the store, the matcher and every adapter.

Pydantic models validate at the edges (CLI input, Discord modals, import files) so the
store and the matcher can trust what they are given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, StringConstraints, field_validator


@dataclass(frozen=True, slots=True)
class Scope:
    """Who is looking: one guild, global-only, or the operator who sees everything."""

    guild_id: int | None = None
    operator: bool = False

    @classmethod
    def guild(cls, guild_id: int) -> Scope:
        return cls(guild_id=guild_id)

    @classmethod
    def everything(cls) -> Scope:
        return cls(operator=True)

    def can_see(self, claim_guild_id: int | None) -> bool:
        return self.operator or claim_guild_id is None or claim_guild_id == self.guild_id

    def can_change(self, claim_guild_id: int | None) -> bool:
        return self.operator or (claim_guild_id is not None and claim_guild_id == self.guild_id)


MAX_CLAIM_CHARS = 4_000
MAX_REASON_CHARS = 1_000  # a flag's reason
MAX_EXPLANATION_CHARS = 4_000
MAX_QUOTE_CHARS = 4_000

ClaimText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=MAX_CLAIM_CHARS)
]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]
Explanation = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=MAX_EXPLANATION_CHARS)
]


def utcnow() -> datetime:
    return datetime.now(UTC)


class Status(StrEnum):
    """A claim's confirmation status. The slugs are part of the public interface."""

    CONFIRMED = "confirmed"
    REPORTED = "reported"
    UNVERIFIED = "unverified"
    DISPUTED = "disputed"
    MISLEADING = "misleading"
    FALSE = "false"

    @property
    def meaning(self) -> str:
        return STATUS_MEANINGS[self]

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def textual_rating(self) -> str:
        """The ClaimReview `reviewRating.alternateName` this status exports as."""
        return STATUS_TEXTUAL_RATINGS[self]


STATUS_MEANINGS: dict[Status, str] = {
    Status.CONFIRMED: "On the record or independently verified.",
    Status.REPORTED: (
        "Reported by a credible outlet but not independently confirmed (e.g. anonymous sources)."
    ),
    Status.UNVERIFIED: "No reliable confirmation either way yet.",
    Status.DISPUTED: "Credible sources conflict, or it is under review after flags.",
    Status.MISLEADING: "Contains some truth but leaves a false impression.",
    Status.FALSE: "Shown to be untrue by reliable evidence.",
}

STATUS_TEXTUAL_RATINGS: dict[Status, str] = {
    Status.CONFIRMED: "True",
    Status.REPORTED: "Unconfirmed report",
    Status.UNVERIFIED: "Unverified",
    Status.DISPUTED: "Disputed",
    Status.MISLEADING: "Misleading",
    Status.FALSE: "False",
}


class SourceRole(StrEnum):
    """Why a source is cited: original reporting is credited ahead of a republication."""

    ORIGINAL = "original"
    REPUBLICATION = "republication"
    STATEMENT = "statement"
    OFFICIAL = "official"
    FACT_CHECK = "fact_check"

    @property
    def label(self) -> str:
        return SOURCE_ROLE_LABELS[self]


SOURCE_ROLE_LABELS: dict[SourceRole, str] = {
    SourceRole.ORIGINAL: "original reporting",
    SourceRole.REPUBLICATION: "republication",
    SourceRole.STATEMENT: "on-the-record statement",
    SourceRole.OFFICIAL: "official document",
    SourceRole.FACT_CHECK: "fact-check",
}


class Source(BaseModel):
    """Where a claim's evidence comes from. `url` is None only when no link was recorded
    (e.g. a paywalled original known through its republication)."""

    model_config = ConfigDict(frozen=True)

    url: HttpUrl | None = None
    publisher: ShortText
    title: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""
    published: date | None = None
    quote: Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_QUOTE_CHARS)] = ""
    role: SourceRole = SourceRole.ORIGINAL


class ClaimFields(BaseModel):
    """What a moderator or an import supplies; everything else the store assigns."""

    text: ClaimText
    status: Status = Status.UNVERIFIED
    explanation: Explanation = ""
    claimant: ShortText | None = None
    claim_date: date | None = None
    summary: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1_000)] = ""
    sources: list[Source] = Field(default_factory=list)
    external_id: ShortText | None = None
    guild_id: int | None = None

    @field_validator("claimant")
    @classmethod
    def _blank_claimant_is_none(cls, value: str | None) -> str | None:
        return value or None


class Claim(ClaimFields):
    """A stored claim. `guild_id` None means global (seeded, visible everywhere)."""

    id: str
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    version: int = 1
    retired: bool = False

    @property
    def is_global(self) -> bool:
        return self.guild_id is None


class ClaimChanges(BaseModel):
    """A partial edit; None means "leave as it is"."""

    text: ClaimText | None = None
    status: Status | None = None
    explanation: Explanation | None = None
    claimant: ShortText | None = None
    claim_date: date | None = None
    summary: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1_000)] | None = (
        None
    )

    def is_empty(self) -> bool:
        return not self.model_dump(exclude_none=True)


class FlagKind(StrEnum):
    DISPUTE = "dispute"
    FALSE_MATCH = "false_match"


class FlagState(StrEnum):
    OPEN = "open"
    UPHELD = "upheld"
    DISMISSED = "dismissed"
    WITHDRAWN = "withdrawn"


class HoldReason(StrEnum):
    """Why a dispute is kept for moderators but left out of the public "N open flags"."""

    NEW_ACCOUNT = "new_account"  # the Discord account was younger than the public bar
    NEW_MEMBER = "new_member"  # the flagger had been in the server less than the public bar
    BURST = "burst"  # the claim had already had its share of new disputes in the window
    DISMISSED_BEFORE = "dismissed_before"  # their earlier flag on it was dismissed in a group

    @property
    def label(self) -> str:
        return HOLD_LABELS[self]


HOLD_LABELS: dict[HoldReason, str] = {
    HoldReason.NEW_ACCOUNT: "new account",
    HoldReason.NEW_MEMBER: "new member",
    HoldReason.BURST: "in a burst",
    HoldReason.DISMISSED_BEFORE: "dismissed with a group before",
}


class FlagRate(NamedTuple):
    """At most `limit` new disputes of one claim (in one server) per `window` count publicly."""

    limit: int
    window: timedelta


class Flag(BaseModel):
    """A user's dispute of a claim, or a report that a reply matched the wrong claim."""

    id: int
    claim_id: str
    kind: FlagKind = FlagKind.DISPUTE
    guild_id: int | None
    user_id: str
    reason: str
    evidence_url: HttpUrl | None = None
    message_text: str = ""
    state: FlagState = FlagState.OPEN
    created_at: datetime
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    resolution_note: str = ""
    # What the adapter knew of the flagger when the flag was filed (None: not known, e.g. the
    # operator's command line); the queue shows the ages they give.
    account_created_at: datetime | None = None
    member_joined_at: datetime | None = None
    held: list[HoldReason] = Field(default_factory=list)  # empty: counted publicly while open
    group_dismissed: bool = False  # dismissed with others in one moderator action

    @field_validator("held", mode="before")
    @classmethod
    def _held_from_text(cls, value: object) -> object:
        """Stored as comma-separated reasons ("new_account,burst"; "" for none)."""
        if isinstance(value, str):
            return [part for part in value.split(",") if part]
        return value

    @property
    def counted(self) -> bool:
        """Whether this flag counts in the public "N open flags" beside its claim."""
        return self.state is FlagState.OPEN and self.kind is FlagKind.DISPUTE and not self.held

    def account_age(self) -> timedelta | None:
        """How old the flagger's account was when the flag was filed."""
        return self.created_at - self.account_created_at if self.account_created_at else None

    def membership(self) -> timedelta | None:
        """How long the flagger had been in the server when the flag was filed."""
        return self.created_at - self.member_joined_at if self.member_joined_at else None


class AuditEntry(BaseModel):
    """One change to a claim: who, when, what, and the values before and after."""

    id: int
    claim_id: str
    at: datetime
    actor: str
    action: str
    field: str | None = None
    old: str | None = None
    new: str | None = None


class Stance(StrEnum):
    """How a message stands to a claim: states it, contradicts it, or states another claim
    (roles, people, certainty, quantities or attribution changed: shown only as related)."""

    AGREES = "agrees"
    CONTRADICTS = "contradicts"
    DIFFERENT = "different"


class Tier(StrEnum):
    """How sure the matcher is: confident matches are answered, related ones only suggested."""

    CONFIDENT = "confident"
    RELATED = "related"


class Match(BaseModel):
    claim: Claim
    score: float = Field(ge=0.0, le=1.0)
    tier: Tier
    stance: Stance = Stance.AGREES
    stance_reason: str = ""
    open_flags: int = 0


class SegmentResult(BaseModel):
    segment: str
    match: Match | None = None
    related: list[Match] = Field(default_factory=list)
    # The answered claim's other half, when the database holds both a statement and the claim
    # that someone made it: shown beside the answer with its label ("That X said it").
    counterpart: Match | None = None
    counterpart_label: str = ""


class CheckResult(BaseModel):
    input: str
    results: list[SegmentResult] = Field(default_factory=list)
    # A long message: the most claim-like segments are checked, and the rest counted.
    checked_segments: int = 0
    skipped_segments: int = 0

    @property
    def matches(self) -> list[Match]:
        return [r.match for r in self.results if r.match is not None]


class Candidate(NamedTuple):
    """A retrieval hit before reranking; bm25 is higher-is-better. It carries the claim's text
    and summary with their tokens (`tokenize`, normalised) and the stems of their content
    tokens, which the search index keeps, so that the matcher can screen the hits without
    loading or tokenizing every one of them."""

    claim_id: str
    bm25: float
    text: str
    summary: str
    text_tokens: Sequence[str]
    summary_tokens: Sequence[str]
    text_stems: Sequence[str]
    summary_stems: Sequence[str]


class GuildSettings(BaseModel):
    guild_id: int
    modlog_channel_id: int | None = None
    moderator_role_id: int | None = None
    listen_channel_ids: list[int] = Field(default_factory=list)
    reply_style: str = "embed"


# A draft is a claim proposed from an article, waiting for a moderator (verifiers/ingest/).
# It is never matched: approving one creates a real claim (audited, matchable); rejecting keeps
# it for the record, so re-ingesting the article does not bring it back.
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


class LinkState(StrEnum):
    """What the last check of a source link found (verifiers/sources/liveness.py)."""

    ALIVE = "alive"
    CHANGED = "changed"
    DEAD = "dead"
    # No answer came (offline, DNS, timeout): not judged, and not recorded over the last check.
    UNREACHABLE = "unreachable"


class SourceCheck(BaseModel):
    url: str
    state: LinkState
    checked_at: datetime
    http_status: int | None = None
    detail: str = ""
    content_hash: str | None = None  # the first text recorded: what "changed" compares with
    baseline_at: datetime | None = None
