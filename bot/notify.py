"""Telling people: DMs to flaggers, posts to a server's mod-log channel.

Both are best effort: a member with DMs closed or a deleted mod-log channel must not turn a
moderator's successful action into an error, so failures are logged and dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

import discord

from bot import render
from bot.identity import actor, discord_user_id
from bot.logs import log_event
from bot.replies import send_ephemeral
from bot.text import CONTENT_MAX, safe, truncate
from verifiers.models import Claim, Flag, FlagState
from verifiers.service import ClaimChange, Resolution

if TYPE_CHECKING:
    from bot.client import ClaimBot


async def dm_users(bot: ClaimBot, actor_ids: Iterable[str], text: str) -> int:
    """DM every Discord user among `actor_ids`; returns how many DMs went out."""
    sent = 0
    for actor_id in actor_ids:
        user_id = discord_user_id(actor_id)
        if user_id is None:
            continue
        try:
            user = bot.get_user(user_id) or await bot.fetch_user(user_id)
            await user.send(truncate(text, CONTENT_MAX))
            sent += 1
        except discord.HTTPException as exc:
            log_event("dm_failed", level=logging.INFO, user=user_id, status=exc.status)
    return sent


def status_change_text(claim: Claim) -> str:
    return (
        f"A claim you flagged is now **{claim.status.label}**: {claim.status.meaning}\n"
        f"{safe(claim.text, 1200)}"
    )


def resolution_text(flag: Flag, claim: Claim) -> str:
    verdict = "upheld" if flag.state is FlagState.UPHELD else "dismissed"
    note = f"\nModerator's note: {safe(flag.resolution_note, 500)}" if flag.resolution_note else ""
    return (
        f"Your flag #{flag.id} was {verdict}. The claim is **{claim.status.label}**:\n"
        f"{safe(claim.text, 1000)}{note}"
    )


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


async def tell_flaggers(bot: ClaimBot, outcome: Resolution | ClaimChange) -> None:
    """After a resolution or a status change: the flag's author hears the verdict, the other
    flaggers of the claim (if its status changed) hear the new status."""
    flag = outcome.flag if isinstance(outcome, Resolution) else None
    others = [u for u in outcome.notify_user_ids if flag is None or u != flag.user_id]
    if flag is not None:
        await dm_users(bot, [flag.user_id], resolution_text(flag, outcome.claim))
    if others:
        await dm_users(bot, others, status_change_text(outcome.claim))


async def announce_change(
    interaction: discord.Interaction[ClaimBot], claim: Claim, action: str, note: str = ""
) -> None:
    """Confirm a moderator's change to them, then record it in the mod-log."""
    await send_ephemeral(interaction, embeds=[render.claim_embed(claim, heading=action)])
    embed = render.modlog_embed(claim, action=action, by=actor(interaction.user), note=note)
    await post_modlog(interaction.client, interaction.guild_id, embed)
