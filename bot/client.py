"""The discord.py client: intents, safe defaults, cogs, persistent buttons, dev-guild sync."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.health import HealthMonitor
from bot.logs import log_event
from bot.replies import report_error
from bot.scheduler import CheckScheduler
from verifiers.domain.models import GuildSettings
from verifiers.domain.settings import Settings
from verifiers.service import ClaimService

T = TypeVar("T")

EXTENSIONS = (
    "bot.cogs.check",
    "bot.cogs.flags",
    "bot.cogs.claims",
    "bot.cogs.drafts",
    "bot.cogs.admin",
    "bot.cogs.outbox",
)
SETTINGS_TTL = 30.0
OUTBOX_INTERVAL = 3.0  # seconds between two looks at the notifications outbox


class ClaimTree(app_commands.CommandTree):
    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await report_error(interaction, error)


def intents_for(settings: Settings) -> discord.Intents:
    """Only what the features need; message content is privileged and optional."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    intents.message_content = settings.discord.message_content_intent
    return intents


class ClaimBot(commands.AutoShardedBot):
    """One bot over one `ClaimService`; every core call runs in a worker thread."""

    def __init__(
        self,
        service: ClaimService,
        settings: Settings,
        *,
        sync_dev_guild: bool = True,
        guild_ready_timeout: float = 2.0,
        outbox_interval: float = OUTBOX_INTERVAL,
    ) -> None:
        # The bot has no voice features: skip discord.py's warnings about voice libraries.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        discord_settings = settings.discord
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents_for(settings),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=ClaimTree,
            shard_count=discord_settings.shard_count,
            shard_ids=discord_settings.shard_ids,
            chunk_guilds_at_startup=False,
            guild_ready_timeout=guild_ready_timeout,
        )
        self.service = service
        self.settings = settings
        service.external_verifiers  # noqa: B018 - a misconfigured verifier fails the start
        self.sync_dev_guild = sync_dev_guild
        self.outbox_interval = outbox_interval
        self.started_at = time.monotonic()
        self._guild_settings: dict[int, tuple[float, GuildSettings]] = {}
        self.checks = CheckScheduler(
            workers=discord_settings.check_workers,
            max_waiting=discord_settings.check_queue,
            max_wait=discord_settings.passive_max_wait,
        )
        self.health = HealthMonitor(self.checks)

    # -- the core ----------------------------------------------------------------------------
    async def core(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run a (synchronous, possibly slow) core call without blocking the gateway."""
        return await asyncio.to_thread(fn, *args, **kwargs)

    async def guild_settings(self, guild_id: int) -> GuildSettings:
        """Read on every message in listening checks, so cached briefly; saves refresh it."""
        cached = self._guild_settings.get(guild_id)
        if cached is not None and time.monotonic() - cached[0] < SETTINGS_TTL:
            return cached[1]
        settings = await self.core(self.service.store.get_settings, guild_id)
        self._guild_settings[guild_id] = (time.monotonic(), settings)
        return settings

    async def save_guild_settings(self, settings: GuildSettings, actor: str) -> GuildSettings:
        saved = await self.core(self.service.store.save_settings, settings, actor)
        self._guild_settings[saved.guild_id] = (time.monotonic(), saved)
        return saved

    # -- lifecycle ---------------------------------------------------------------------------
    async def setup_hook(self) -> None:
        self.health.start()
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        if not self.intents.message_content:
            log_event(
                "message_content_off",
                level=logging.WARNING,
                effect="passive listening disabled; /check, Check claims and mentions still work",
            )
        dev_guild = self.settings.discord.dev_guild_id
        if self.sync_dev_guild and dev_guild:
            await self.sync_to_guild(dev_guild)

    async def sync_to_guild(self, guild_id: int) -> None:
        """Development: guild commands update at once, global ones can take an hour."""
        guild = discord.Object(id=guild_id)
        self.tree.copy_global_to(guild=guild)
        try:
            synced = await self.tree.sync(guild=guild)
        except discord.HTTPException as exc:
            log_event(
                "dev_sync_failed",
                level=logging.WARNING,
                guild=guild_id,
                status=exc.status,
                hint="is the bot in that server, invited with the applications.commands scope?",
            )
            return
        log_event("commands_synced", scope="guild", guild=guild_id, count=len(synced))

    async def on_ready(self) -> None:
        log_event(
            "ready",
            user=self.user.id if self.user else None,
            guilds=len(self.guilds),
            shards=self.shard_count,
            message_content=self.intents.message_content,
        )

    async def close(self) -> None:
        await super().close()
        await self.health.stop()
        self.checks.close()

    async def on_message(self, message: discord.Message) -> None:
        """No prefix commands: mentions are handled by the check cog as claim checks."""

    async def on_error(self, event_method: str, /, *args: Any, **kwargs: Any) -> None:
        logging.getLogger("claimbot").exception("event=handler_failed handler=%s", event_method)
