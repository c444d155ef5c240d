"""Errors whose message is safe to show a user as one readable line.

Adapters catch `ClaimbotError` and print `str(error)`; anything else is a bug and is logged,
never shown.
"""


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
