"""One queued notification → one DM, or the reason it could not be sent."""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiohttp
import discord

from bot.identity import discord_user_id
from bot.text import CONTENT_MAX, escape, safe, truncate
from verifiers.notifications import Notification

if TYPE_CHECKING:
    from bot.client import ClaimBot

NOT_DISCORD = "not a Discord user"


def dm_text(notification: Notification, server: str | None) -> str:
    """The core's plain text, escaped as a whole, under a line naming the server it is about."""
    head = f"**claimbot** · {safe(server, 100)}" if server else "**claimbot**"
    return truncate(f"{head}\n{escape(notification.message)}", CONTENT_MAX)


async def deliver(bot: ClaimBot, notification: Notification) -> str | None:
    """Send the DM; None when Discord took it, else why not (closed DMs, unknown user, …)."""
    user_id = discord_user_id(notification.user_id)
    if user_id is None:
        return NOT_DISCORD
    guild = bot.get_guild(notification.guild_id) if notification.guild_id else None
    try:
        user = bot.get_user(user_id) or await bot.fetch_user(user_id)
        await user.send(dm_text(notification, guild.name if guild else None))
    except discord.Forbidden as exc:
        return f"DMs closed or blocked (Discord {exc.status}: {exc.text})"
    except discord.NotFound as exc:
        return f"unknown Discord user (Discord {exc.status}: {exc.text})"
    except discord.HTTPException as exc:
        return f"Discord refused the DM ({exc.status}: {exc.text})"
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        return f"could not reach Discord ({type(exc).__name__})"
    return None
