"""When the bot may speak unasked: at most once per message, one re-check per edit, and
within per-channel and per-member reply budgets. Pure bookkeeping, no Discord calls."""

from __future__ import annotations

from enum import StrEnum

from bot.ratelimit import SeenSet, SlidingWindow
from verifiers.domain.settings import DiscordSettings


class Outcome(StrEnum):
    """What became of a message; logged, and dispatched as `claimbot_message_handled`."""

    REPLIED = "replied"
    NO_MATCH = "no_match"
    OWN_MESSAGE = "own_message"
    FROM_BOT = "from_bot"
    NOT_LISTENING = "not_listening"
    NO_CONTENT = "no_content"
    ALREADY_ANSWERED = "already_answered"
    EDIT_ALREADY_CHECKED = "edit_already_checked"
    UNCHANGED_EDIT = "unchanged_edit"
    CHANNEL_LIMITED = "channel_rate_limited"
    USER_LIMITED = "user_rate_limited"
    SHED = "shed"  # under load: a passive check not run (bot/scheduler.py)
    FAILED = "failed"


class ReplyGate:
    def __init__(self, settings: DiscordSettings) -> None:
        self._answered = SeenSet()
        self._rechecked = SeenSet()
        self._channels = SlidingWindow(
            settings.passive_channel_rate, settings.passive_channel_period
        )
        self._users = SlidingWindow(settings.passive_user_rate, settings.passive_user_period)
        self.mentions = SlidingWindow(settings.command_rate, settings.command_period)

    def admit(self, message_id: int, *, edited: bool) -> Outcome | None:
        """Before checking: None to go ahead, or why not."""
        if message_id in self._answered:
            return Outcome.ALREADY_ANSWERED
        if edited:
            if message_id in self._rechecked:
                return Outcome.EDIT_ALREADY_CHECKED
            self._rechecked.add(message_id)
        return None

    def budget(self, channel_id: int, user_id: int) -> Outcome | None:
        """Whether a reply could go out now (None) or why not: asked before a passive check,
        so that a message that could never be answered costs no check."""
        if not self._channels.allows(channel_id):
            return Outcome.CHANNEL_LIMITED
        if not self._users.allows(user_id):
            return Outcome.USER_LIMITED
        return None

    def reserve(self, message_id: int, channel_id: int, user_id: int) -> Outcome | None:
        """Right before replying (no await in between): None if the reply may go out."""
        if message_id in self._answered:
            return Outcome.ALREADY_ANSWERED
        why = self.budget(channel_id, user_id)
        if why is not None:
            return why
        self._answered.add(message_id)
        self._channels.hit(channel_id)
        self._users.hit(user_id)
        return None

    def answered(self, message_id: int) -> None:
        """A message answered on request (a mention) is never answered again by listening."""
        self._answered.add(message_id)
