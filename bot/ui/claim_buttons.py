"""Buttons on a claim that more than one reply shows: its sources (persistent: the custom_id
carries the claim id, so an old message's button works after a restart)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord
from discord import ui

from bot import render
from bot.identity import scope_for
from bot.replies import guarded, send_ephemeral, thinking

if TYPE_CHECKING:
    from bot.client import ClaimBot

SOURCES = "cb:src:"


def claim_button(
    prefix: str, claim_id: str, label: str, style: discord.ButtonStyle
) -> ui.Button[Any]:
    """A button whose custom_id is `prefix` and the claim's id."""
    return ui.Button(label=label, style=style, custom_id=prefix + claim_id)


class SourcesButton(ui.DynamicItem[ui.Button[Any]], template=re.escape(SOURCES) + "(?P<id>.+)"):
    def __init__(self, claim_id: str, label: str = "Sources") -> None:
        super().__init__(claim_button(SOURCES, claim_id, label, discord.ButtonStyle.secondary))
        self.claim_id = claim_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str]
    ) -> SourcesButton:
        return cls(match["id"], getattr(item, "label", None) or "Sources")

    async def callback(self, interaction: discord.Interaction[ClaimBot]) -> None:
        async with guarded(interaction):
            await thinking(interaction)
            bot = interaction.client
            claim = await bot.core(
                bot.service.get_claim, self.claim_id, scope_for(interaction.guild_id)
            )
            for page in render.sources_pages(claim):
                await send_ephemeral(interaction, embeds=page)
