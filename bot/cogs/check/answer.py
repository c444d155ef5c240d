"""The one way a text becomes a reply: the core's check, rendered in the server's style."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import render
from bot.identity import scope_for

if TYPE_CHECKING:
    from bot.client import ClaimBot

NO_TEXT = "That message has no text to check."


async def reply_for(bot: ClaimBot, text: str, guild_id: int | None) -> render.CheckReply:
    result = await bot.core(bot.service.check, text, scope_for(guild_id))
    compact = False
    if guild_id is not None:
        compact = (await bot.guild_settings(guild_id)).reply_style == "compact"
    return render.check_reply(result, compact=compact)
