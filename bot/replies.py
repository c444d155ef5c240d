"""Answering interactions, and turning any failure into one ephemeral line.

A `ClaimbotError` is the user's mistake and its message is shown, escaped like all user text (it
may repeat what the user typed); anything else is a bug: logged with its traceback and answered
with a generic line, never the traceback.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import discord
from discord import app_commands

from bot.logs import log_event
from bot.text import CONTENT_MAX, safe
from verifiers.domain.errors import ClaimbotError

GENERIC_FAILURE = "Something went wrong on our side; it has been logged."


class Refused(app_commands.CheckFailure):
    """A check that failed with a message meant for the user (not a moderator, not a server)."""


async def thinking(interaction: discord.Interaction) -> None:
    """Acknowledge now (Discord's deadline is 3 s); the answer follows when the core is done."""
    if not interaction.response.is_done():
        await interaction.response.defer(ephemeral=True, thinking=True)


async def send_ephemeral(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    embeds: Sequence[discord.Embed] = (),
    view: discord.ui.View | None = None,
) -> None:
    """Reply only the user sees, whether or not the interaction was answered or deferred."""
    kwargs: dict[str, object] = {"embeds": list(embeds), "ephemeral": True}
    if view is not None:
        kwargs["view"] = view
    if interaction.response.is_done():
        await interaction.followup.send(content, **kwargs)  # type: ignore[arg-type]
    else:
        await interaction.response.send_message(content, **kwargs)  # type: ignore[arg-type]


def error_text(error: BaseException) -> str | None:
    """The line to show for an expected failure, or None for a bug."""
    original = getattr(error, "original", None) or error
    if isinstance(original, ClaimbotError):
        return str(original)
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down: try again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command works only inside a server."
    if isinstance(error, Refused):
        return str(error)
    if isinstance(error, app_commands.CheckFailure):
        return "You cannot use this command here."
    return None


async def report_error(interaction: discord.Interaction, error: BaseException) -> None:
    text = error_text(error)
    command = interaction.command.qualified_name if interaction.command else None
    if text is None:
        logging.getLogger("claimbot").error(
            "event=interaction_failed command=%s", command, exc_info=error
        )
        text = GENERIC_FAILURE
    else:
        log_event("refused", command=command, user=interaction.user.id, reason=text)
    try:
        await send_ephemeral(interaction, safe(text, CONTENT_MAX))
    except discord.HTTPException as exc:
        log_event("reply_failed", level=logging.WARNING, status=exc.status, code=exc.code)


@asynccontextmanager
async def guarded(interaction: discord.Interaction) -> AsyncIterator[None]:
    """For button and modal callbacks, which discord.py would otherwise only log."""
    try:
        yield
    except Exception as exc:
        await report_error(interaction, exc)
