"""Filing a flag as a member: the same rules and words for `/flag` and the button's form."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.identity import actor, scope_for
from bot.logs import log_event
from bot.permissions import is_moderator, member_role_ids
from bot.replies import send_ephemeral
from verifiers.domain.errors import NotYetEligible
from verifiers.flagging import Standing

if TYPE_CHECKING:
    from bot.client import ClaimBot


async def standing_of(interaction: discord.Interaction[ClaimBot]) -> Standing:
    """What the core's flag rules need to know of the member, as plain data: when their account
    was made (from the snowflake), when they joined this server (None in DMs), and whether they
    moderate it."""
    user = interaction.user
    joined = user.joined_at if isinstance(user, discord.Member) else None
    moderator = False
    if interaction.guild_id is not None:
        settings = await interaction.client.guild_settings(interaction.guild_id)
        moderator = is_moderator(interaction.permissions, member_role_ids(user), settings)
    return Standing(
        account_created_at=user.created_at, member_joined_at=joined, moderator=moderator
    )


def not_yet_line(refusal: NotYetEligible) -> str:
    """The one line a member below the bar reads: what flagging needs, and when they may,
    in their own time zone (a Discord timestamp)."""
    when = refusal.eligible_at
    return (
        f"Thanks for wanting to flag this. To keep a rush of new accounts from drowning out "
        f"members' disputes, flagging needs {' and '.join(refusal.needs)}: you can flag from "
        f"{discord.utils.format_dt(when, 'f')} ({discord.utils.format_dt(when, 'R')})."
    )


async def file_flag(
    interaction: discord.Interaction[ClaimBot], claim_id: str, reason: str, evidence: str | None
) -> None:
    """`/flag` and the "Flag as disputed" button's modal file the same flag and say the same
    thing; the interaction must have been deferred."""
    bot = interaction.client
    try:
        flag = await bot.core(
            bot.service.flag,
            claim_id,
            user_id=actor(interaction.user),
            scope=scope_for(interaction.guild_id),
            reason=reason,
            evidence_url=evidence,
            standing=await standing_of(interaction),
        )
    except NotYetEligible as refusal:
        log_event(
            "flag_refused", user=interaction.user.id, claim=claim_id, until=refusal.eligible_at
        )
        await send_ephemeral(interaction, not_yet_line(refusal))
        return
    await send_ephemeral(
        interaction,
        f"Thanks: flag #{flag.id} is with the moderators. You will get a DM when it is "
        "resolved; `/unflag` withdraws it.",
    )
