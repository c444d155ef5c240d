"""Server configuration and bot status: `/claimbot settings|listen|status|sync`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs.admin.cog import AdminCog

if TYPE_CHECKING:
    from bot.client import ClaimBot


async def setup(bot: ClaimBot) -> None:
    await bot.add_cog(AdminCog(bot))
