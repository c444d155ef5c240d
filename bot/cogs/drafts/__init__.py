"""Drafts: claims proposed from ingested articles, reviewed by moderators (`/drafts`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs.drafts.buttons import DYNAMIC_ITEMS
from bot.cogs.drafts.cog import DraftsCog

if TYPE_CHECKING:
    from bot.client import ClaimBot


async def setup(bot: ClaimBot) -> None:
    await bot.add_cog(DraftsCog(bot))
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
