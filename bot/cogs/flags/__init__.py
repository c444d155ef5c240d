"""Flags: members dispute claims, moderators uphold or dismiss."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs.flags.cog import FlagsCog
from bot.cogs.flags.queue import DYNAMIC_ITEMS

if TYPE_CHECKING:
    from bot.client import ClaimBot


async def setup(bot: ClaimBot) -> None:
    await bot.add_cog(FlagsCog(bot))
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
