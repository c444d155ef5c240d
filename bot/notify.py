"""Telling moderators: confirmations and posts to a server's mod-log channel.

Posting is best effort: a deleted mod-log channel must not turn a moderator's successful action
into an error, so failures are logged and dropped. DMs to flaggers are not sent from here: the
core queues them with the change itself and `bot/cogs/outbox` delivers them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import discord

from bot import render
from bot.identity import actor
from bot.logs import log_event
from bot.replies import send_ephemeral
from verifiers.domain.models import Claim

if TYPE_CHECKING:
    from bot.client import ClaimBot


async def post_modlog(bot: ClaimBot, guild_id: int | None, embed: discord.Embed) -> None:
    """Post to the server's mod-log channel, if it has one."""
    if guild_id is None:
        return
    settings = await bot.guild_settings(guild_id)
    if settings.modlog_channel_id is None:
        return
    channel = bot.get_partial_messageable(settings.modlog_channel_id, guild_id=guild_id)
    try:
        await channel.send(embed=embed)
    except discord.HTTPException as exc:
        log_event(
            "modlog_failed",
            level=logging.WARNING,
            guild=guild_id,
            channel=settings.modlog_channel_id,
            status=exc.status,
        )


def queued_note(user_ids: Sequence[str]) -> str:
    """What the moderator is told about the DMs their change queued."""
    if not user_ids:
        return ""
    return f"{len(user_ids)} flagger{'s' * (len(user_ids) != 1)} will be told by DM."


async def announce_change(
    interaction: discord.Interaction[ClaimBot],
    claim: Claim,
    action: str,
    note: str = "",
    *,
    told: Sequence[str] = (),
) -> None:
    """Confirm a moderator's change to them, then record it in the mod-log."""
    embeds = [render.claim_embed(claim, heading=action)]
    await send_ephemeral(interaction, queued_note(told) or None, embeds=embeds)
    embed = render.modlog_embed(claim, action=action, by=actor(interaction.user), note=note)
    await post_modlog(interaction.client, interaction.guild_id, embed)
