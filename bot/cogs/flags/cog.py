"""Members flag disputed claims and withdraw their flags; moderators review the queue."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.autocomplete import claim_choices, own_flag_choices
from bot.cogs.flags.queue import FLAGS
from bot.identity import actor, scope_for
from bot.permissions import (
    member_command,
    moderator_command,
    require_moderator,
)
from bot.replies import send_ephemeral, thinking
from bot.ui.flagging import file_flag

if TYPE_CHECKING:
    from bot.client import ClaimBot


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
            self.bot.service.store.withdraw_flag,
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
        await FLAGS.show(interaction, edit=False)
