"""Persistent buttons: the custom_id carries what a button acts on, so it works after a restart."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar, Self

import discord
from discord import ui

from bot.permissions import require_moderator
from bot.replies import guarded

if TYPE_CHECKING:
    from bot.client import ClaimBot

# The template of a base class that is never registered: it matches no custom_id.
NO_TEMPLATE = r"(?!)"


class PersistentButton(ui.DynamicItem[ui.Button[Any]], template=NO_TEMPLATE):
    """A button discord.py rebuilds from its custom_id (a `DynamicItem`) on any message, old or
    new. A subclass gives the `template`, reads a match back in `from_match` and acts in
    `pressed`, where any failure becomes the one-line ephemeral reply; `moderators_only`
    refuses everyone else first."""

    moderators_only: ClassVar[bool] = False

    def __init__(
        self, custom_id: str, label: str, style: discord.ButtonStyle, *, disabled: bool = False
    ) -> None:
        super().__init__(
            ui.Button(label=label, style=style, custom_id=custom_id, disabled=disabled)
        )

    @classmethod
    def from_match(cls, match: re.Match[str], label: str) -> Self:
        """The button again, from its template's `match` and the label it was shown with."""
        raise NotImplementedError

    async def pressed(self, interaction: discord.Interaction[ClaimBot]) -> None:
        raise NotImplementedError

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str]
    ) -> Self:
        return cls.from_match(match, getattr(item, "label", None) or "")

    async def callback(self, interaction: discord.Interaction[ClaimBot]) -> None:
        async with guarded(interaction):
            if self.moderators_only:
                await require_moderator(interaction)
            await self.pressed(interaction)
