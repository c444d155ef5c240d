"""Moderating claims: `/claim add|edit|status|source add|retire|ingest|show|history`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs.claims.cog import ClaimsCog

if TYPE_CHECKING:
    from bot.client import ClaimBot


async def setup(bot: ClaimBot) -> None:
    await bot.add_cog(ClaimsCog(bot))
