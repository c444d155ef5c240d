"""Buttons on a claim (persistent: the custom_id carries the claim id, so an old message's
button works after a restart), and the one more than one reply shows: its sources."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar, Self

import discord

from bot import render
from bot.identity import scope_for
from bot.replies import send_ephemeral, thinking
from bot.ui.persistent import NO_TEMPLATE, PersistentButton

if TYPE_CHECKING:
    from bot.client import ClaimBot

SOURCES = "cb:src:"


class ClaimButton(PersistentButton, template=NO_TEMPLATE):
    """A button whose custom_id is `prefix` and a claim's id; a subclass gives its prefix,
    label and style: `class Sources(ClaimButton, prefix=..., label=..., style=...)`."""

    prefix: ClassVar[str]
    default_label: ClassVar[str]
    button_style: ClassVar[discord.ButtonStyle]

    def __init_subclass__(cls, *, prefix: str, label: str, style: discord.ButtonStyle) -> None:
        super().__init_subclass__(template=re.escape(prefix) + "(?P<id>.+)")
        cls.prefix, cls.default_label, cls.button_style = prefix, label, style

    def __init__(self, claim_id: str, label: str = "") -> None:
        super().__init__(self.prefix + claim_id, label or self.default_label, self.button_style)
        self.claim_id = claim_id

    @classmethod
    def from_match(cls, match: re.Match[str], label: str) -> Self:
        return cls(match["id"], label)


class SourcesButton(
    ClaimButton, prefix=SOURCES, label="Sources", style=discord.ButtonStyle.secondary
):
    async def pressed(self, interaction: discord.Interaction[ClaimBot]) -> None:
        await thinking(interaction)
        bot = interaction.client
        claim = await bot.core(
            bot.service.store.get_claim, self.claim_id, scope_for(interaction.guild_id)
        )
        for page in render.sources_pages(claim):
            await send_ephemeral(interaction, embeds=page)
