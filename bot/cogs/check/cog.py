"""Checking on request: `/check` and the "Check claims" message command (answers only the asker
sees, unless `/check public:True`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import MISSING

from bot.cogs.check.answer import NO_TEXT, reply_for
from bot.cogs.check.buttons import reply_view
from bot.logs import log_event
from bot.permissions import member_command

if TYPE_CHECKING:
    from bot.client import ClaimBot


class CheckCog(commands.Cog):
    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot
        self.menu = app_commands.ContextMenu(name="Check claims", callback=self.check_message)
        member_command(self.menu)

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    # -- asking ------------------------------------------------------------------------------
    @app_commands.command(name="check", description="Check a claim against the claims database")
    @app_commands.describe(
        text="The claim or message to check",
        public="Post the answer in the channel for everyone (default: only you see it)",
    )
    @member_command
    async def check(
        self,
        interaction: discord.Interaction[ClaimBot],
        text: app_commands.Range[str, 1, 4000],
        public: bool = False,
    ) -> None:
        await interaction.response.defer(ephemeral=not public, thinking=True)
        await self._answer(interaction, text, public=public, via="slash")

    async def check_message(
        self, interaction: discord.Interaction[ClaimBot], message: discord.Message
    ) -> None:
        """Message commands carry the message's text even without the message-content intent."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        if not message.content.strip():
            await interaction.followup.send(NO_TEXT, ephemeral=True)
            return
        await self._answer(interaction, message.content, public=False, via="menu")

    async def _answer(
        self, interaction: discord.Interaction[ClaimBot], text: str, *, public: bool, via: str
    ) -> None:
        reply = await reply_for(self.bot, text, interaction.guild_id, asked=True)
        view = reply_view(reply.claim_ids, reply.segments) or MISSING
        embeds = reply.public() if public else reply.for_asker()
        await interaction.followup.send(
            reply.content or MISSING, embeds=embeds, view=view, ephemeral=not public
        )
        if public and reply.related is not None:
            await interaction.followup.send(embeds=[reply.related], ephemeral=True)
        log_event(
            "check",
            via=via,
            guild=interaction.guild_id,
            user=interaction.user.id,
            matches=len(reply.claim_ids),
            public=public,
        )
