"""Flags that resist brigading: who may flag, which flags the public count shows, and the
pattern of a claim's open flags that moderators see.

The adapter says what it knows of the member as plain data (`Standing`); the rules come from
`[flags]` in the settings. See docs/decisions.md, "Flags that resist brigading".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from verifiers.domain.errors import NotYetEligible
from verifiers.domain.models import Flag, FlagKind, FlagState, HoldReason
from verifiers.domain.settings import FlagSettings

DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Standing:
    """What an adapter knows of the member who flags: when their account was made, when they
    joined the server (None outside one), and whether they moderate it (then no age rule)."""

    account_created_at: datetime | None = None
    member_joined_at: datetime | None = None
    moderator: bool = False


def _days(n: int) -> str:
    return f"{n} day{'s' * (n != 1)}"


def check_eligible(standing: Standing, rules: FlagSettings, now: datetime) -> None:
    """Raise NotYetEligible, saying when the member may flag, if their account or their time
    in the server is below the bar. Moderators, and what is not known, pass."""
    if standing.moderator:
        return
    needs: list[str] = []
    dates: list[datetime] = []
    if standing.account_created_at is not None:
        ready = standing.account_created_at + rules.min_account_days * DAY
        if ready > now:
            needs.append(f"a Discord account {_days(rules.min_account_days)} old")
            dates.append(ready)
    if standing.member_joined_at is not None:
        ready = standing.member_joined_at + rules.min_member_days * DAY
        if ready > now:
            needs.append(f"{_days(rules.min_member_days)} in this server")
            dates.append(ready)
    if needs:
        raise NotYetEligible(max(dates), needs)


def age_holds(standing: Standing, rules: FlagSettings, now: datetime) -> list[HoldReason]:
    """The reasons a member's dispute, though allowed, is not counted publicly: their account,
    or their membership, is younger than the public bar. None for moderators."""
    if standing.moderator:
        return []
    held = []
    created, joined = standing.account_created_at, standing.member_joined_at
    if created is not None and now - created < rules.public_account_days * DAY:
        held.append(HoldReason.NEW_ACCOUNT)
    if joined is not None and now - joined < rules.public_member_days * DAY:
        held.append(HoldReason.NEW_MEMBER)
    return held


@dataclass(frozen=True, slots=True)
class FlagPattern:
    """How a claim's open disputes arrived, for the moderators' queue."""

    claim_id: str
    disputes: int  # open disputes
    counted: int  # of them, counted publicly
    held: int  # kept for moderators only
    new_accounts: int  # filed from accounts younger than the public bar
    new_members: int  # filed by members newer than the public bar
    burst: int  # the most filed within one window
    burst_span: timedelta  # from the first to the last of those
    last_held_id: int  # the newest held flag: a group dismissal goes up to it, no further

    @property
    def suspicious(self) -> bool:
        """Worth a line of its own in the queue: something was held, or it came in a burst."""
        return self.held > 0 or self.new_accounts > 0 or self.new_members > 0


def _densest(times: list[datetime], window: timedelta) -> tuple[int, timedelta]:
    """The most of `times` (sorted) within one `window`, and the span they cover."""
    best, span, start = 0, timedelta(0), 0
    for end, moment in enumerate(times):
        while moment - times[start] > window:
            start += 1
        if end - start + 1 > best:
            best, span = end - start + 1, moment - times[start]
    return best, span


def patterns(flags: Iterable[Flag], rules: FlagSettings) -> dict[str, FlagPattern]:
    """Each claim's pattern, from its open disputes among `flags`."""
    by_claim: dict[str, list[Flag]] = defaultdict(list)
    for flag in flags:
        if flag.state is FlagState.OPEN and flag.kind is FlagKind.DISPUTE:
            by_claim[flag.claim_id].append(flag)
    out = {}
    for claim_id, group in by_claim.items():
        group.sort(key=lambda f: (f.created_at, f.id))
        burst, span = _densest([f.created_at for f in group], rules.rate.window)
        young_account = rules.public_account_days * DAY
        young_member = rules.public_member_days * DAY
        accounts = [f.account_age() for f in group]
        members = [f.membership() for f in group]
        held = [f for f in group if f.held]
        out[claim_id] = FlagPattern(
            claim_id=claim_id,
            disputes=len(group),
            counted=sum(f.counted for f in group),
            held=len(held),
            new_accounts=sum(a is not None and a < young_account for a in accounts),
            new_members=sum(m is not None and m < young_member for m in members),
            burst=burst,
            burst_span=span,
            last_held_id=max((f.id for f in held), default=0),
        )
    return out
