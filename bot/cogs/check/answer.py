"""The one way a text becomes a reply: the core's check, rendered in the server's style,
with external fact-checks when asked for and nothing here matched."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import render
from bot.cogs.check.external import external_embed
from bot.identity import scope_for

if TYPE_CHECKING:
    from bot.client import ClaimBot

NO_TEXT = "That message has no text to check."


async def reply_for(
    bot: ClaimBot, text: str, guild_id: int | None, *, asked: bool = False
) -> render.CheckReply:
    """`asked`: a member asked (/check, Check claims, a mention), so the check goes ahead of
    passive ones and, when no claim matches confidently, the enabled external verifiers are
    consulted. A passive check may be shed under load (`bot.scheduler.Shed`)."""
    scope = scope_for(guild_id)
    result = await bot.checks.run(bot.service.check, text, scope, asked=asked)
    compact = False
    if guild_id is not None:
        compact = (await bot.guild_settings(guild_id)).reply_style == "compact"
    reply = render.check_reply(result, compact=compact)
    if asked and not reply.has_match and bot.service.external_verifiers:
        answers = await bot.core(bot.service.external_checks, result, scope)
        reply.external = external_embed(answers)
    return reply
