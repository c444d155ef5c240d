"""The notifications outbox: direct messages the bot owes people.

A change that someone should hear about (a flag resolved, the status of a claim they flagged
changed) writes its notification rows in the same transaction as the change itself, whichever
adapter or process made it. The bot delivers them later (see `bot/outbox.py`): a row is claimed
before the DM is sent, so two bot processes never send the same one, and a failed DM is
recorded as failed, never retried.

The rule for who hears what lives here, so the store can apply it inside its transaction.
Messages are plain text: an adapter escapes them as a whole before showing them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from verifiers.domain.models import Claim, Flag, FlagKind, FlagState, Status

MAX_MESSAGE_CHARS = 1_900  # a Discord message holds 2,000
MAX_ERROR_CHARS = 300


class NotificationKind(StrEnum):
    FLAG_RESOLVED = "flag_resolved"
    STATUS_CHANGED = "status_changed"


class DeliveryState(StrEnum):
    PENDING = "pending"  # waiting for a bot process
    SENDING = "sending"  # claimed by one bot process; never handed to another
    DELIVERED = "delivered"
    FAILED = "failed"  # the DM could not be sent (closed DMs, unknown user); not retried


class NewNotification(BaseModel):
    """One message for one person about one claim."""

    model_config = ConfigDict(frozen=True)

    user_id: str  # an actor id as flags record it ("discord:123")
    guild_id: int | None  # the server the flag was raised in; None for a global flag
    claim_id: str
    flag_id: int | None = None
    kind: NotificationKind
    message: str


class Notification(NewNotification):
    id: int
    state: DeliveryState = DeliveryState.PENDING
    created_at: datetime
    claimed_at: datetime | None = None
    claimed_by: str | None = None
    finished_at: datetime | None = None
    error: str = ""


@dataclass(frozen=True)
class Flagger:
    user_id: str
    guild_id: int | None


@dataclass(frozen=True)
class ClaimEvent:
    """What a store knows, inside the transaction, about a change worth telling people of."""

    claim: Claim  # as it is after the change
    old_status: Status
    flaggers: list[Flagger] = field(default_factory=list)  # dispute flaggers, first first
    resolved: Flag | None = None  # the flag this change resolved, if any

    @property
    def status_changed(self) -> bool:
        return self.claim.status != self.old_status


Notifier = Callable[[ClaimEvent], list[NewNotification]]
"""Given a change, the notifications to write with it (the store calls it in its transaction)."""


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def resolution_message(flag: Flag, claim: Claim) -> str:
    verdict = "upheld" if flag.state is FlagState.UPHELD else "dismissed"
    what = "flag"
    if flag.kind is FlagKind.FALSE_MATCH:
        what = "report that a reply matched the wrong claim"
    lines = [
        f"Your {what} #{flag.id} was {verdict}. "
        f"The claim is {claim.status.label}: {claim.status.meaning}",
        f"Claim: {_cut(claim.text, 900)}",
    ]
    if flag.resolution_note:
        lines.append(f"Moderator's note: {_cut(flag.resolution_note, 500)}")
    return _cut_message("\n".join(lines))


def status_change_message(claim: Claim, old_status: Status) -> str:
    lines = [
        f"A claim you flagged changed from {old_status.label} to {claim.status.label}: "
        f"{claim.status.meaning}",
        f"Claim: {_cut(claim.text, 900)}",
    ]
    if claim.explanation:
        lines.append(f"Why: {_cut(claim.explanation, 500)}")
    return _cut_message("\n".join(lines))


def _cut_message(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE_CHARS else text[: MAX_MESSAGE_CHARS - 1] + "…"


def notifications_for(event: ClaimEvent) -> list[NewNotification]:
    """The flag's author hears the verdict; if the status changed, every other flagger of the
    claim hears the new status (once each, whatever number of flags they raised)."""
    out: list[NewNotification] = []
    told: set[str] = set()
    claim = event.claim
    if event.resolved is not None:
        flag = event.resolved
        out.append(
            NewNotification(
                user_id=flag.user_id,
                guild_id=flag.guild_id,
                claim_id=claim.id,
                flag_id=flag.id,
                kind=NotificationKind.FLAG_RESOLVED,
                message=resolution_message(flag, claim),
            )
        )
        told.add(flag.user_id)
    if event.status_changed:
        message = status_change_message(claim, event.old_status)
        for flagger in event.flaggers:
            if flagger.user_id in told:
                continue
            told.add(flagger.user_id)
            out.append(
                NewNotification(
                    user_id=flagger.user_id,
                    guild_id=flagger.guild_id,
                    claim_id=claim.id,
                    kind=NotificationKind.STATUS_CHANGED,
                    message=message,
                )
            )
    return out


class Outbox:
    """A `Notifier` that also remembers what it queued, for the adapter to report."""

    def __init__(self, rule: Notifier = notifications_for) -> None:
        self.rule = rule
        self.queued: list[NewNotification] = []

    def __call__(self, event: ClaimEvent) -> list[NewNotification]:
        made = self.rule(event)
        self.queued.extend(made)  # a group dismissal calls it once per flag
        return made


def first_per_user(rows: list[tuple[str, int | None]]) -> list[Flagger]:
    """(user, guild) rows in flag order → one `Flagger` per user, with their first flag's guild."""
    seen: dict[str, Flagger] = {}
    for user_id, guild_id in rows:
        seen.setdefault(user_id, Flagger(user_id, guild_id))
    return list(seen.values())


def owned_by(guild_id: int | None, shard_count: int) -> int:
    """The shard that owns a guild's notifications (Discord's rule); shard 0 for global ones."""
    if guild_id is None or shard_count <= 1:
        return 0
    return (guild_id >> 22) % shard_count


def short_error(text: str) -> str:
    return _cut(text, MAX_ERROR_CHARS) or "unknown error"
