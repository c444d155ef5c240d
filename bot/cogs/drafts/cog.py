"""`/drafts`: the moderators' review queue of claims proposed from ingested articles."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs.drafts.buttons import DRAFTS
from bot.permissions import moderator_command, require_moderator
from bot.replies import thinking

if TYPE_CHECKING:
    from bot.client import ClaimBot


class DraftsCog(commands.Cog):
    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot

    @app_commands.command(name="drafts", description="Review claims proposed from articles")
    @moderator_command
    async def drafts(self, interaction: discord.Interaction[ClaimBot]) -> None:
        await require_moderator(interaction)
        await thinking(interaction)
        await DRAFTS.show(interaction, edit=False)
