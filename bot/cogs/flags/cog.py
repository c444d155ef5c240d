"""Members flag disputed claims and withdraw their flags; moderators review the queue."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.autocomplete import claim_choices, own_flag_choices
from bot.cogs.flags.queue import show_flags
from bot.identity import actor, scope_for
from bot.logs import log_event
from bot.permissions import (
    is_moderator,
    member_command,
    member_role_ids,
    moderator_command,
    require_moderator,
)
from bot.replies import send_ephemeral, thinking
from verifiers.errors import NotYetEligible
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


class FlagsCog(commands.Cog):
    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot

    @app_commands.command(name="flag", description="Flag a claim as disputed")
    @app_commands.describe(
        claim="The claim (start typing to search)",
        reason="Why it is disputed",
        evidence="A link to evidence (optional)",
    )
    @app_commands.autocomplete(claim=claim_choices)
    @member_command
    async def flag(
        self,
        interaction: discord.Interaction[ClaimBot],
        claim: app_commands.Range[str, 1, 100],
        reason: app_commands.Range[str, 1, 1000],
        evidence: app_commands.Range[str, 1, 500] | None = None,
    ) -> None:
        await thinking(interaction)
        await file_flag(interaction, claim, reason, evidence)

    @app_commands.command(name="unflag", description="Withdraw one of your open flags")
    @app_commands.describe(flag="Your open flag (start typing to search)")
    @app_commands.autocomplete(flag=own_flag_choices)
    @member_command
    async def unflag(self, interaction: discord.Interaction[ClaimBot], flag: int) -> None:
        await thinking(interaction)
        withdrawn = await self.bot.core(
            self.bot.service.withdraw_flag,
            flag,
            actor(interaction.user),
            scope_for(interaction.guild_id),
        )
        await send_ephemeral(interaction, f"Flag #{withdrawn.id} withdrawn.")

    @app_commands.command(name="flags", description="Review open flags and false-match reports")
    @moderator_command
    async def flags(self, interaction: discord.Interaction[ClaimBot]) -> None:
        await require_moderator(interaction)
        await thinking(interaction)
        await show_flags(interaction)
