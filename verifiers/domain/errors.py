"""Errors whose message is safe to show a user as one readable line.

Adapters catch `ClaimbotError` and print `str(error)`; anything else is a bug and is logged,
never shown.
"""

from __future__ import annotations

from datetime import UTC, datetime


class ClaimbotError(Exception):
    """Base class: the message names what was wrong, in one line."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))


class InvalidInput(ClaimbotError):
    """The user gave something we cannot use (empty text, bad status, malformed row)."""


class NotFound(ClaimbotError):
    """No such claim, flag or draft — or it belongs to another server."""


class Conflict(ClaimbotError):
    """The record changed meanwhile, or the action would break a uniqueness rule."""


class PermissionDenied(ClaimbotError):
    """The actor may not do this."""


class ConfigError(ClaimbotError):
    """A setting is missing or invalid."""


class NotYetEligible(PermissionDenied):
    """The member may not flag yet: their account, or their time in the server, is too short.

    `eligible_at` is when they may; `needs` names what is missing, e.g. "a Discord account
    7 days old", so an adapter can say it in its own words and time format.
    """

    def __init__(self, eligible_at: datetime, needs: list[str]) -> None:
        self.eligible_at = eligible_at
        self.needs = needs
        when = eligible_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        super().__init__(
            f"Thanks for wanting to flag this: flagging needs {' and '.join(needs)}, "
            f"so you can flag from {when}."
        )
