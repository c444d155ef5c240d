"""The operations with rules that every adapter (CLI, Discord bot) calls.

It holds the rules that are about *people* rather than storage: who is told when a claim
changes, that a guild's new claims belong to that guild, which text is accepted as a flag,
and that the matcher learns of changed claims. Storage rules (scope, versioning, audit) live
in the store; matching rules in the matcher. A read or write that needs no rule of its own
(a claim, its history, the flags, the drafts, the settings) is not repeated here: adapters
call `service.store` through the port they need (`verifiers/store/ports.py`).
All methods are synchronous: the bot runs them in a worker thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from rapidfuzz import fuzz

from verifiers.domain.errors import InvalidInput
from verifiers.domain.models import (
    MAX_REASON_CHARS,
    CheckResult,
    Claim,
    ClaimChanges,
    ClaimFields,
    Flag,
    FlagKind,
    HoldReason,
    IngestReport,
    Scope,
    Status,
    utcnow,
)
from verifiers.domain.settings import Settings
from verifiers.external.base import Verifier, VerifierResult
from verifiers.external.chain import ask_external, external_verifiers
from verifiers.flagging import FlagPattern, Standing, age_holds, check_eligible, patterns
from verifiers.heap import settle_heap
from verifiers.ingest.pipeline import ingest, is_url
from verifiers.matching.pipeline import Matcher
from verifiers.notifications import Outbox
from verifiers.sources.fetch import FetchPolicy
from verifiers.store.ports import ChangeListener, Store, draft_store
from verifiers.text.normalize import normalize
from verifiers.watch import Coalescer

# A claim this alike (rapidfuzz token-sort ratio of the normalised texts, 0-100) to one being
# added is shown first: it takes a typo or two, not a changed number or name.
NEAR_DUPLICATE_RATIO = 95
NEAR_DUPLICATE_CANDIDATES = 5


@dataclass(frozen=True)
class ClaimChange:
    """An edited claim and the users (flaggers) a DM was queued for when its status changed."""

    claim: Claim
    status_changed: bool = False
    notify_user_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ExternalAnswer:
    """External fact-checks for one segment our database had no answer for."""

    segment: str
    results: list[VerifierResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. "rate-limited; try again in 20 s"


@dataclass(frozen=True)
class Resolution:
    """A resolved flag, its claim as it now stands, and whom a DM was queued for."""

    flag: Flag
    claim: Claim
    notify_user_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class GroupDismissal:
    """Flags a moderator dismissed together, their claim, and whom a DM was queued for."""

    flags: list[Flag]
    claim: Claim
    notify_user_ids: list[str] = field(default_factory=list)


def _clean_reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput("a reason is required")
    if len(reason) > MAX_REASON_CHARS:
        raise InvalidInput(
            f"the reason is too long ({len(reason)} characters; at most {MAX_REASON_CHARS})"
        )
    return reason


class ClaimService:
    def __init__(
        self,
        store: Store,
        settings: Settings,
        matcher: Matcher | None = None,
        fetch_policy: FetchPolicy | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.matcher = matcher or Matcher(store, settings.matching)
        self.fetch_policy = fetch_policy  # None: the safe defaults; tests allow their own server
        self._external: list[Verifier] | None = None
        self._watch: tuple[ChangeListener, Coalescer] | None = None

    # -- hearing other processes (bot shards sharing one database) -----------------------
    def start_change_listener(self) -> None:
        """Refresh the matcher when claims change in another process, so that every process
        on one database answers with the same claims; reports in a burst are coalesced.

        Long-running adapters (the bot) call this at start-up; one-shot CLI commands need not.
        """
        if self._watch is not None:
            return
        refresh = Coalescer(self._refresh_matcher, name="claimbot-refresh-matcher")
        try:
            listener = self.store.listen_for_changes(lambda _ids: refresh.poke())
        except BaseException:
            refresh.close()
            raise
        self._watch = (listener, refresh)
        refresh.poke()  # load the vocabulary now, in the background, not on the first check

    def _refresh_matcher(self) -> None:
        self.matcher.refresh()
        settle_heap()  # the new snapshot lives until the next reload: see verifiers.heap

    def stop_change_listener(self) -> None:
        watch, self._watch = self._watch, None
        if watch is not None:
            watch[0].close()
            watch[1].close()

    def _claims_changed(self) -> None:
        """The matcher's vocabulary (typo repair) and embeddings must learn a changed claim.

        While listening (the bot), they are reloaded in the background and checks meanwhile go
        on with the old ones: a reload takes about a second at a million claims, which would
        otherwise fall on the next member's check. The claim itself is found at once either
        way: retrieval reads the store. A one-shot command just drops them.
        """
        if self._watch is not None:
            self._watch[1].poke()
        else:
            self.matcher.invalidate()

    @property
    def matcher_refreshes(self) -> int:
        """How often the matcher was refreshed after changes elsewhere (0 when not listening)."""
        return self._watch[1].runs if self._watch is not None else 0

    # -- members -------------------------------------------------------------------------
    def check(self, text: str, scope: Scope) -> CheckResult:
        return self.matcher.check(text, scope)

    def flag(
        self,
        claim_id: str,
        *,
        user_id: str,
        scope: Scope,
        reason: str,
        evidence_url: str | None = None,
        standing: Standing | None = None,
    ) -> Flag:
        """Dispute a claim. `standing` is what the adapter knows of a member (account and
        membership age, moderator): below `[flags]`'s bar they are refused (NotYetEligible,
        saying when they may); below the public bar, or past the claim's rate of new flags,
        the flag is kept for moderators but not counted publicly. Without `standing` the
        caller vouches for the flagger (the operator's command line): no age rule applies,
        the rate still does."""
        rules = self.settings.flags
        now = utcnow()
        held: list[HoldReason] = []
        if standing is not None:
            check_eligible(standing, rules, now)
            held = age_holds(standing, rules, now)
        return self.store.add_flag(
            claim_id,
            user_id=user_id,
            guild_id=scope.guild_id,
            reason=_clean_reason(reason),
            evidence_url=(evidence_url or "").strip() or None,
            account_created_at=standing.account_created_at if standing else None,
            member_joined_at=standing.member_joined_at if standing else None,
            held=held,
            rate=rules.rate,
        )

    def report_false_match(
        self, claim_id: str, *, user_id: str, scope: Scope, message_text: str
    ) -> Flag:
        return self.store.add_flag(
            claim_id,
            user_id=user_id,
            guild_id=scope.guild_id,
            reason="not the same claim",
            kind=FlagKind.FALSE_MATCH,
            message_text=message_text[:2_000],
        )

    # -- reading -------------------------------------------------------------------------
    def near_duplicates(self, text: str, scope: Scope) -> list[Claim]:
        """Claims `scope` sees that say `text` again, but for case, punctuation, word order and
        a typo or two: what a moderator about to add `text` would want to see first."""
        wanted = normalize(text)
        ranked = [r.claim_id for r in self.matcher.rank(text, scope, k=NEAR_DUPLICATE_CANDIDATES)]
        found = self.store.get_claims(ranked)
        return [
            claim
            for claim_id in ranked
            if (claim := found.get(claim_id)) is not None
            and not claim.retired
            and scope.can_see(claim.guild_id)
            and fuzz.token_sort_ratio(normalize(claim.text), wanted) >= NEAR_DUPLICATE_RATIO
        ]

    # -- moderators ----------------------------------------------------------------------
    def add_claim(self, fields: ClaimFields, actor: str, scope: Scope) -> Claim:
        """A claim added from a guild belongs to that guild; only the operator adds global ones."""
        if not scope.operator:
            fields = fields.model_copy(update={"guild_id": scope.guild_id})
        claim = self.store.add_claim(fields, actor)
        self._claims_changed()
        return claim

    def edit_claim(
        self,
        claim_id: str,
        changes: ClaimChanges,
        actor: str,
        scope: Scope,
        expected_version: int | None = None,
    ) -> ClaimChange:
        if changes.is_empty():
            raise InvalidInput("nothing to change: give at least one new value")
        before = self.store.get_claim(claim_id, scope)
        outbox = Outbox()
        after = self.store.update_claim(
            claim_id, changes, actor, scope, expected_version=expected_version, notify=outbox
        )
        if after.text != before.text or after.summary != before.summary:
            self._claims_changed()
        return ClaimChange(
            claim=after,
            status_changed=after.status != before.status,
            notify_user_ids=sorted({n.user_id for n in outbox.queued}),
        )

    def set_status(
        self,
        claim_id: str,
        status: Status,
        explanation: str | None,
        actor: str,
        scope: Scope,
        expected_version: int | None = None,
    ) -> ClaimChange:
        changes = ClaimChanges(status=status, explanation=explanation)
        return self.edit_claim(claim_id, changes, actor, scope, expected_version)

    def retire_claim(self, claim_id: str, actor: str, scope: Scope, reason: str = "") -> Claim:
        claim = self.store.retire_claim(claim_id, actor, scope, reason)
        self._claims_changed()
        return claim

    def unretire_claim(self, claim_id: str, actor: str, scope: Scope, reason: str = "") -> Claim:
        claim = self.store.unretire_claim(claim_id, actor, scope, reason)
        self._claims_changed()
        return claim

    def resolve_flag(
        self,
        flag_id: int,
        *,
        upheld: bool,
        moderator: str,
        note: str,
        scope: Scope,
        new_status: Status | None = None,
    ) -> Resolution:
        if new_status is not None and not upheld:
            raise InvalidInput("a dismissed flag cannot change the claim's status")
        outbox = Outbox()
        resolved = self.store.resolve_flag(
            flag_id,
            upheld=upheld,
            moderator=moderator,
            note=note.strip(),
            scope=scope,
            new_status=new_status,
            notify=outbox,
        )
        after = self.store.get_claim(resolved.claim_id, scope)
        return Resolution(
            flag=resolved,
            claim=after,
            notify_user_ids=sorted({n.user_id for n in outbox.queued}),
        )

    def dismiss_held_flags(
        self, claim_id: str, *, moderator: str, note: str, scope: Scope, up_to: int | None = None
    ) -> GroupDismissal:
        """Dismiss as one group the claim's open disputes held from the public count (new
        accounts, a burst, members dismissed before), filed up to flag `up_to`; each flagger
        is told by DM, as for a single dismissal."""
        outbox = Outbox()
        dismissed = self.store.dismiss_held_flags(
            claim_id,
            moderator=moderator,
            note=note.strip(),
            scope=scope,
            up_to=up_to,
            notify=outbox,
        )
        return GroupDismissal(
            flags=dismissed,
            claim=self.store.get_claim(claim_id, scope),
            notify_user_ids=sorted({n.user_id for n in outbox.queued}),
        )

    def flag_patterns(self, flags: Sequence[Flag]) -> dict[str, FlagPattern]:
        """How each claim's open disputes among `flags` arrived (new accounts, bursts)."""
        return patterns(flags, self.settings.flags)

    # -- external verifiers (off by default; see docs/ingestion.md) ----------------------
    @property
    def external_verifiers(self) -> list[Verifier]:
        """The external verifiers turned on in settings (built on first use)."""
        if self._external is None:
            self._external = external_verifiers(self.settings.factcheck, self.fetch_policy)
        return self._external

    def external_checks(
        self, result: CheckResult, scope: Scope, *, max_segments: int = 3
    ) -> list[ExternalAnswer]:
        """What external fact-checkers say about the segments our database has no answer for.

        Empty when no external verifier is enabled. Results are labelled external.
        """
        if not self.external_verifiers:
            return []
        answers = []
        for segment in [r.segment for r in result.results if r.match is None][:max_segments]:
            found, notes = ask_external(self.external_verifiers, segment, scope)
            answers.append(ExternalAnswer(segment, found, notes))
        return answers

    # -- ingestion and drafts (see docs/ingestion.md) -----------------------------------
    def ingest_url(self, url: str, actor: str, scope: Scope) -> IngestReport:
        """Fetch an article or fact-check page safely and queue its claims as drafts.

        Only http(s) URLs: a Discord user must never make the bot read a local file.
        """
        if not is_url(url):
            raise InvalidInput("give an http or https URL to ingest")
        return self._ingest(url, actor, scope)

    def ingest_file(self, path: str, actor: str, scope: Scope) -> IngestReport:
        """Queue drafts from a saved page or text file (the CLI's `ingest FILE`)."""
        if is_url(path):
            raise InvalidInput(f"{path} is a URL, not a file")
        return self._ingest(path, actor, scope)

    def _ingest(self, source: str, actor: str, scope: Scope) -> IngestReport:
        guild_id = None if scope.operator else scope.guild_id
        return ingest(
            source,
            draft_store(self.store),
            actor=actor,
            guild_id=guild_id,
            policy=self.fetch_policy,
        )

    def approve_draft(self, draft_id: int, actor: str, scope: Scope) -> Claim:
        """The draft becomes a claim (audited) and is matched from now on."""
        claim = draft_store(self.store).approve_draft(draft_id, actor, scope)[1]
        self._claims_changed()
        return claim

    # -- the notifications outbox (see verifiers/notifications.py) ----------------------
    def prune_notifications(self, now: datetime | None = None) -> int:
        """Delete delivered DMs older than the retention period, so the outbox does not grow
        forever; returns how many went. Failed ones stay for the operator to see."""
        days = self.settings.database.notification_retention_days
        cutoff = (now or utcnow()) - timedelta(days=days)
        return self.store.prune_notifications(finished_before=cutoff)
