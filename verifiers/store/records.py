"""What the store returns beside the domain models: reports of bulk work, stored vectors,
points in its change feeds."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class SeedReport:
    added: int
    updated: int
    unchanged: int
    kept_moderator_edits: int


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What a bulk import did: claims added, and claims skipped as imported before (same
    external id in the same scope)."""

    added: int
    skipped: int


@dataclass(frozen=True, slots=True)
class MigrationStatus:
    """Schema migrations by id: those applied to the database and those still to apply."""

    applied: list[str]
    pending: list[str]


@dataclass(frozen=True, slots=True)
class IndexStatus:
    """A store's derived indexes as `claimbot info` shows them."""

    folder: Path  # the store's one index folder: lexical/ and vectors/
    search_claims: int | None  # live claims the search index holds; None: not built yet
    search_current: bool  # it reflects the newest change to claims
    vectors: dict[str, int]  # embedding model -> claims its vector index holds


@dataclass(frozen=True, slots=True)
class StoredEmbedding:
    """A claim's sentence embedding as stored: a hash of the text it was computed from (so a
    reader can tell a stale one) and the vector as little-endian float32 bytes (so stores need
    no numpy)."""

    text_hash: str
    vector: bytes


@dataclass(frozen=True, slots=True)
class Change:
    """A point in one of the store's change feeds (claims' audit rows, claim vectors' changes):
    a row's id, and what tells that row from another database's row of the same id."""

    sequence: int
    fingerprint: str


NO_CHANGE = Change(0, "")


@dataclass(frozen=True, slots=True)
class VectorChange:
    """A claim whose vector for one model may have changed, as it is now: its vector when the
    claim is live and embedded for that model, None when a vector index should drop it."""

    claim_id: str
    guild_id: int | None
    embedding: StoredEmbedding | None
