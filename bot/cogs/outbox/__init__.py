"""The notifications outbox: DMs the core queued (resolved flags, status changes) delivered
by a background task, whichever adapter or process made the change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs.outbox.cog import OutboxCog

if TYPE_CHECKING:
    from bot.client import ClaimBot


async def setup(bot: ClaimBot) -> None:
    await bot.add_cog(OutboxCog(bot))
