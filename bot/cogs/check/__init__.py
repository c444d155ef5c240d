"""Checking claims: slash command, message command, mentions, DMs, passive listening."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs.check.buttons import DYNAMIC_ITEMS
from bot.cogs.check.cog import CheckCog
from bot.cogs.check.listener import MessageListener

if TYPE_CHECKING:
    from bot.client import ClaimBot


async def setup(bot: ClaimBot) -> None:
    await bot.add_cog(CheckCog(bot))
    await bot.add_cog(MessageListener(bot))
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
