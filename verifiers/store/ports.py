"""Every interface of the store, each implemented by both backends (SQLite and PostgreSQL).

`Store` keeps claims, flags, notifications, settings and search; `DraftStore` ingested articles
and their drafts; `SourceCheckStore` the source links' last checks. `store/sql/store.py`
implements all three; a caller that needs drafts or source checks narrows a store with
`draft_store` or `source_check_store`.

Rules every backend keeps, so that adapters never re-implement them:
- every write is one transaction: a failure leaves nothing half-written;
- every change to a claim appends to its audit history in the same transaction;
- every change to a claim's stored vectors, or to who may see them (retired, moved, deleted),
  appends to the vectors' change feed in the same transaction, in commit order;
- a `Scope` decides visibility: a guild sees global claims and its own, never another guild's;
  a guild may change only its own claims; the operator (CLI) sees and changes everything;
- unknown or invisible ids raise `NotFound` (never reveal that another guild's claim exists).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path

from verifiers.domain.errors import ConfigError
from verifiers.domain.models import (
    ArticleRecord,
    AuditEntry,
    Candidate,
    Claim,
    ClaimChanges,
    ClaimFields,
    Draft,
    DraftChanges,
    DraftFields,
    DraftState,
    Flag,
    FlagKind,
    FlagRate,
    FlagState,
    GuildSettings,
    HoldReason,
    IngestReport,
    LinkState,
    Scope,
    Source,
    SourceCheck,
    Status,
)
from verifiers.notifications import DeliveryState, Notification, Notifier
from verifiers.store.records import (
    Change,
    ImportReport,
    IndexStatus,
    MigrationStatus,
    SeedReport,
    StoredEmbedding,
    VectorChange,
)

ChangeCallback = Callable[[frozenset[str] | None], None]
"""Told which claims changed, or None when the backend cannot tell (then assume any did)."""


class ChangeListener(ABC):
    """A running watch for claim changes (see `Store.listen_for_changes`)."""

    @abstractmethod
    def close(self) -> None:
        """Stop watching; once this returns, the callback is not called again."""

    def __enter__(self) -> ChangeListener:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Store(ABC):
    """Persistence for claims, sources, audit history, flags and guild settings."""

    # -- lifecycle -------------------------------------------------------------------------
    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- claims ----------------------------------------------------------------------------
    @abstractmethod
    def add_claim(self, fields: ClaimFields, actor: str, claim_id: str | None = None) -> Claim:
        """Store a new claim; `fields.guild_id` decides its scope. Raises Conflict on a taken id."""

    @abstractmethod
    def add_claims(self, items: Iterable[ClaimFields], actor: str) -> list[Claim]:
        """Store many claims in one transaction: all are stored, or none."""

    @abstractmethod
    def import_claims(self, items: Iterable[ClaimFields], actor: str) -> ImportReport:
        """Store a file's worth of claims in one transaction, a chunk at a time, never holding
        them all (nor returning them): all are stored, or none. A claim whose external id is
        already stored in its scope is skipped and counted; one repeated within `items` is a
        Conflict. Whatever reading `items` raises (a bad row found late) undoes everything."""

    @abstractmethod
    def get_claim(self, claim_id: str, scope: Scope) -> Claim: ...

    @abstractmethod
    def get_claims(self, claim_ids: Iterable[str]) -> dict[str, Claim]:
        """Bulk fetch for the matcher, unfiltered: callers filter by scope."""

    @abstractmethod
    def list_claims(
        self,
        scope: Scope,
        *,
        status: Status | None = None,
        contains: str | None = None,
        include_retired: bool = False,
        limit: int = 50,
        offset: int = 0,
    ) -> list[Claim]: ...

    @abstractmethod
    def iter_claims(self, scope: Scope, *, include_retired: bool = False) -> Iterator[Claim]: ...

    @abstractmethod
    def count_claims(
        self,
        scope: Scope,
        *,
        status: Status | None = None,
        contains: str | None = None,
        include_retired: bool = False,
    ) -> int:
        """How many claims `list_claims` with the same filters would page through."""

    @abstractmethod
    def update_claim(
        self,
        claim_id: str,
        changes: ClaimChanges,
        actor: str,
        scope: Scope,
        *,
        expected_version: int | None = None,
        notify: Notifier | None = None,
    ) -> Claim:
        """Apply a partial edit. Raises Conflict ("changed meanwhile") on a version mismatch.

        When the status changes and `notify` is given, the notifications it returns (told the
        claim's dispute flaggers visible in `scope`) are written in the same transaction."""

    @abstractmethod
    def add_source(self, claim_id: str, source: Source, actor: str, scope: Scope) -> Claim: ...

    @abstractmethod
    def retire_claim(self, claim_id: str, actor: str, scope: Scope, reason: str = "") -> Claim:
        """Retired claims stay for history but are never matched or listed by default."""

    @abstractmethod
    def unretire_claim(self, claim_id: str, actor: str, scope: Scope, reason: str = "") -> Claim:
        """Bring a retired claim back: matched and listed again, its history kept."""

    @abstractmethod
    def history(self, claim_id: str, scope: Scope) -> list[AuditEntry]: ...

    @abstractmethod
    def find_by_external_id(self, external_id: str, guild_id: int | None) -> Claim | None: ...

    # -- retrieval -------------------------------------------------------------------------
    @abstractmethod
    def search(self, terms: list[str], scope: Scope, limit: int = 50) -> list[Candidate]:
        """BM25 over claim text and summary (OR of `terms`, text weighted twice), best first,
        live claims `scope` may see only. Sees every change this store committed, and other
        processes' changes within a second."""

    @abstractmethod
    def document_frequencies(self, terms: list[str]) -> dict[str, int]:
        """How many live claims (in any scope) each term occurs in, keyed by the term as given.

        With `claim_count_for_search()` this lets the matcher keep only a query's rarest terms.
        """

    @abstractmethod
    def claim_count_for_search(self) -> int:
        """How many live claims (in any scope) the search index holds."""

    @property
    @abstractmethod
    def index_folder(self) -> Path:
        """The one folder of the store's derived indexes: `lexical/` (search) and `vectors/`
        (the semantic matcher's); safe to delete, rebuilt from the database."""

    @property
    @abstractmethod
    def search_index_folder(self) -> Path:
        """Where the search index lives (`lexical/` in `index_folder`)."""

    @abstractmethod
    def index_status(self) -> IndexStatus:
        """Where the indexes are, what they hold, whether the search index is current;
        builds nothing."""

    @abstractmethod
    def refresh_statistics(self) -> None:
        """Bring the query planner's statistics of the claim tables up to date, after a bulk
        write (an import, a copy) changed their sizes by much."""

    @abstractmethod
    def reindex(self, progress: Callable[[int], None] | None = None) -> int:
        """Build the search index anew from the claims (it is derived: the database is the
        source of truth); `progress` is told how many claims each batch indexed. Returns the
        claims indexed."""

    @abstractmethod
    def vocabulary(self) -> list[tuple[str, int]]:
        """Every indexed term with the number of live claims holding it: the words the
        matcher repairs typos against, and what it knows of their rarity."""

    # -- embeddings (semantic matcher) ------------------------------------------------------
    @abstractmethod
    def get_embeddings(self, claim_ids: Iterable[str], model: str) -> dict[str, StoredEmbedding]:
        """The stored embeddings of these claims for `model`; claims without one are absent."""

    @abstractmethod
    def put_embeddings(self, model: str, items: Iterable[tuple[str, StoredEmbedding]]) -> int:
        """Store (claim id, embedding) pairs for `model` in one transaction, replacing older
        ones; ids of unknown claims are skipped. Returns how many were stored.

        Changing a claim's text or summary deletes its embeddings in the same transaction.
        """

    @abstractmethod
    def missing_embeddings(self, model: str, limit: int = 256) -> list[Claim]:
        """Live claims (any scope) without an embedding for `model`, oldest first."""

    @abstractmethod
    def iter_embeddings(self, model: str) -> Iterator[tuple[str, int | None, StoredEmbedding]]:
        """(claim id, guild id, embedding) of every live claim embedded for `model`, in
        storage order: what the semantic matcher loads into memory."""

    @abstractmethod
    def drop_other_embeddings(self, model: str) -> int:
        """Delete every stored embedding not computed for `model` (vectors of a model or
        recipe no longer used, 1.5 KB per claim each); returns how many were deleted."""

    @abstractmethod
    def latest_vector_change(self) -> Change:
        """The newest row of the claim vectors' change feed: every vector written, replaced
        or deleted, and every claim retired, brought back, moved or deleted, adds one. Ids
        become visible in order (a follower that has seen id n has seen every change up to
        n); the feed is never empty."""

    @abstractmethod
    def vector_change_at(self, sequence: int) -> Change | None:
        """The row `sequence` of the vectors' change feed, if this database has it (a
        vector index checks that the row it reflects is this database's)."""

    @abstractmethod
    def changed_vectors(self, model: str, after: int, upto: int) -> Iterator[VectorChange]:
        """Every claim with a row in (after, upto] of the vectors' change feed, as it is now:
        its vector for `model` when it is live and has one, otherwise None (drop it)."""

    # -- flags -----------------------------------------------------------------------------
    @abstractmethod
    def add_flag(
        self,
        claim_id: str,
        *,
        user_id: str,
        guild_id: int | None,
        reason: str,
        kind: FlagKind = FlagKind.DISPUTE,
        evidence_url: str | None = None,
        message_text: str = "",
        account_created_at: datetime | None = None,
        member_joined_at: datetime | None = None,
        held: Iterable[HoldReason] = (),
        rate: FlagRate | None = None,
    ) -> Flag:
        """One open flag per user per claim and kind (Conflict otherwise).

        The flagger's account creation and server join times are kept as given. A dispute is
        held from the public count (`Flag.held`) for the reasons in `held`, and also when the
        claim already had `rate.limit` disputes from this guild within `rate.window`, or when
        a moderator dismissed this user's earlier dispute of it in a group; whether it is
        within the rate is decided atomically, however many flag at once."""

    @abstractmethod
    def get_flag(self, flag_id: int, scope: Scope) -> Flag: ...

    @abstractmethod
    def list_flags(
        self,
        scope: Scope,
        *,
        state: FlagState | None = FlagState.OPEN,
        claim_id: str | None = None,
        user_id: str | None = None,
        limit: int = 50,
    ) -> list[Flag]: ...

    @abstractmethod
    def withdraw_flag(self, flag_id: int, user_id: str, scope: Scope) -> Flag:
        """Only the flagger may withdraw, and only while the flag is open."""

    @abstractmethod
    def resolve_flag(
        self,
        flag_id: int,
        *,
        upheld: bool,
        moderator: str,
        note: str,
        scope: Scope,
        new_status: Status | None = None,
        notify: Notifier | None = None,
    ) -> Flag:
        """Uphold or dismiss an open flag; an upheld flag may change the claim's status,
        atomically. With `notify`, the notifications it returns for the resolution (and the
        status change, if any) are written in the same transaction."""

    @abstractmethod
    def dismiss_held_flags(
        self,
        claim_id: str,
        *,
        moderator: str,
        note: str,
        scope: Scope,
        up_to: int | None = None,
        notify: Notifier | None = None,
    ) -> list[Flag]:
        """Dismiss, as one group, the open disputes of the claim visible in `scope` that are
        held from the public count, up to flag id `up_to` (those filed after the moderator
        looked stay open); they are marked `group_dismissed`. With `notify`, each flagger's
        notification is written in the same transaction. Returns them, oldest first."""

    @abstractmethod
    def open_flag_counts(self, claim_ids: Iterable[str], scope: Scope) -> dict[str, int]:
        """The public count of each claim: its open disputes visible in `scope` not held."""

    @abstractmethod
    def flaggers(
        self, claim_id: str, scope: Scope, *, kind: FlagKind | None = FlagKind.DISPUTE
    ) -> list[str]:
        """User ids with a flag (not withdrawn) on the claim, visible in `scope`, first first.

        For telling them when the claim's status changes. `kind=None` means every kind.
        """

    # -- notifications outbox (see verifiers/notifications.py) ------------------------------
    @abstractmethod
    def claim_notifications(
        self,
        worker: str,
        *,
        limit: int = 20,
        shard_count: int = 1,
        shard_ids: Sequence[int] | None = None,
        stale_after: float = 600.0,
    ) -> list[Notification]:
        """Take up to `limit` pending notifications, oldest first, for `worker` to deliver.

        Only those whose guild belongs to one of `shard_ids` (all shards when None) out of
        `shard_count`; global ones belong to shard 0. Taken rows become SENDING in one
        transaction, so two callers (threads or processes) never get the same row. Rows left
        SENDING longer than `stale_after` seconds (a bot that died mid-send) become FAILED:
        delivery is at most once."""

    @abstractmethod
    def finish_notification(
        self, notification_id: int, *, error: str | None = None
    ) -> Notification:
        """Mark a notification this worker took as DELIVERED, or FAILED with `error`."""

    @abstractmethod
    def list_notifications(
        self,
        *,
        state: DeliveryState | None = None,
        user_id: str | None = None,
        claim_id: str | None = None,
        limit: int = 50,
    ) -> list[Notification]:
        """Notifications, newest first (for the operator and for tests)."""

    @abstractmethod
    def prune_notifications(self, *, finished_before: datetime) -> int:
        """Delete the DELIVERED notifications finished before `finished_before`; returns how
        many. Pending, sending and failed rows stay: a failed row is the only record of a DM
        that never arrived."""

    # -- seeds -----------------------------------------------------------------------------
    @abstractmethod
    def seed(self, claims: list[tuple[str, ClaimFields]]) -> SeedReport:
        """Insert or refresh seeded claims by id; never overwrite a claim a person has edited."""

    # -- settings --------------------------------------------------------------------------
    @abstractmethod
    def get_settings(self, guild_id: int) -> GuildSettings: ...

    @abstractmethod
    def save_settings(self, settings: GuildSettings, actor: str) -> GuildSettings: ...

    # -- maintenance -----------------------------------------------------------------------
    @abstractmethod
    def migration_status(self) -> MigrationStatus:
        """Which schema migrations are applied and which are pending (for `claimbot migrate`)."""

    @abstractmethod
    def backup(self, dest: str, *, overwrite: bool = False) -> None:
        """Write a consistent copy of the live database to `dest` (for `claimbot backup`)."""

    # -- change notification ---------------------------------------------------------------
    @abstractmethod
    def listen_for_changes(self, callback: ChangeCallback) -> ChangeListener:
        """Call `callback` from a background thread after claims change, whether through this
        store, another connection or another process, so that caches built from claims (the
        matcher's vocabulary) can be dropped. Changes committed after this returns are always
        reported, normally within a second; a report may repeat or cover several changes."""


class DraftStore(ABC):
    """Ingested articles and the drafts proposed from them (`store/sql/drafts.py`)."""

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


class SourceCheckStore(ABC):
    """The latest check of each source link (`store/sql/liveness.py`)."""

    @abstractmethod
    def get_source_check(self, url: str) -> SourceCheck | None: ...

    @abstractmethod
    def save_source_check(self, check: SourceCheck) -> None: ...

    @abstractmethod
    def list_source_checks(
        self, *, state: LinkState | None = None, limit: int = 100
    ) -> list[SourceCheck]: ...


def source_check_store(store: object) -> SourceCheckStore:
    """The store's source checks, or a one-line error for a backend that keeps none."""
    if not isinstance(store, SourceCheckStore):
        raise ConfigError("this database backend cannot record source checks yet")
    return store
