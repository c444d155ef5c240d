"""A fake Discord API (REST + gateway) on 127.0.0.1 for driving the real discord.py client."""

from . import payloads
from .server import FakeDiscord, FakeDiscordError, FakeGuild, FakeInteraction, SentMessage

__all__ = [
    "FakeDiscord",
    "FakeDiscordError",
    "FakeGuild",
    "FakeInteraction",
    "SentMessage",
    "payloads",
]
