"""`/claimbot ...`: per-server settings, listening channels, status, and the owner's global sync."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

import verifiers
from bot import render
from bot.identity import actor, scope_for
from bot.logs import log_event
from bot.permissions import moderator_command, require_manager, require_moderator, require_owner
from bot.replies import send_ephemeral, thinking

if TYPE_CHECKING:
    from bot.client import ClaimBot
    from bot.health import Health
    from bot.scheduler import SchedulerStats

REPLY_STYLES = [
    app_commands.Choice(name="Full embeds with sources and quote", value="embed"),
    app_commands.Choice(name="Compact: status and claim only", value="compact"),
]
CLEARABLE = [
    app_commands.Choice(name="Mod-log channel", value="modlog_channel_id"),
    app_commands.Choice(name="Moderator role", value="moderator_role_id"),
]
MESSAGE_CONTENT_OFF = (
    "The message content intent is off, so passive listening cannot read messages until it "
    "is enabled; mentions, /check and Apps → Check claims work without it."
)


def load_lines(checks: SchedulerStats, health: Health) -> list[str]:
    """The load the process is under: checks done, waiting and shed, loop lag, memory."""
    shed = (
        f"{checks.shed} (queue full {checks.shed_queue_full}, too late {checks.shed_too_late})"
        if checks.shed
        else "0"
    )
    memory = f" · **Memory** {health.rss_bytes >> 20} MiB" if health.rss_bytes else ""
    return [
        f"**Checks** {checks.completed} done · {checks.running} running · "
        f"{checks.waiting_asked + checks.waiting_passive} waiting · passive shed {shed}",
        f"**Event loop lag** {health.lag_ms:.0f} ms (worst in the last minute "
        f"{health.worst_lag_ms:.0f} ms){memory}",
    ]


@moderator_command
class AdminCog(commands.GroupCog, group_name="claimbot", group_description="Configure claimbot"):
    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction[ClaimBot]) -> bool:  # type: ignore[override]
        """Sync is the owner's; settings need Manage Server; the rest, a moderator."""
        command = interaction.command.name if interaction.command else ""
        if command == "sync":
            await require_owner(interaction)
        else:
            await require_moderator(interaction)
            if command == "settings":
                require_manager(interaction)
        return True

    @app_commands.command(name="settings", description="Show or change claimbot's settings here")
    @app_commands.describe(
        modlog_channel="Channel where every claim change and flag resolution is posted",
        moderator_role="Members with this role may moderate claims and flags",
        reply_style="How replies look",
        clear="Unset one setting",
    )
    @app_commands.choices(reply_style=REPLY_STYLES, clear=CLEARABLE)
    async def settings(
        self,
        interaction: discord.Interaction[ClaimBot],
        modlog_channel: discord.TextChannel | None = None,
        moderator_role: discord.Role | None = None,
        reply_style: str | None = None,
        clear: str | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        await thinking(interaction)
        current = await self.bot.guild_settings(interaction.guild_id)
        update: dict[str, object] = {}
        if modlog_channel is not None:
            update["modlog_channel_id"] = modlog_channel.id
        if moderator_role is not None:
            update["moderator_role_id"] = moderator_role.id
        if reply_style is not None:
            update["reply_style"] = reply_style
        if clear is not None:
            update[clear] = None
        if update:
            current = await self.bot.save_guild_settings(
                current.model_copy(update=update), actor(interaction.user)
            )
            log_event("settings_saved", guild=interaction.guild_id, fields=",".join(update))
        await send_ephemeral(
            interaction,
            embeds=[
                render.settings_embed(current, message_content=self.bot.intents.message_content)
            ],
        )

    @app_commands.command(name="listen", description="Reply to confident matches in a channel")
    @app_commands.describe(
        state="on: check every new message here; off: stop",
        channel="The channel (default: this one)",
    )
    @app_commands.choices(
        state=[
            app_commands.Choice(name="on", value="on"),
            app_commands.Choice(name="off", value="off"),
        ]
    )
    async def listen(
        self,
        interaction: discord.Interaction[ClaimBot],
        state: str,
        channel: discord.TextChannel | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        await thinking(interaction)
        channel_id = channel.id if channel is not None else interaction.channel_id
        assert channel_id is not None
        current = await self.bot.guild_settings(interaction.guild_id)
        channels = [c for c in current.listen_channel_ids if c != channel_id]
        if state == "on":
            channels.append(channel_id)
        await self.bot.save_guild_settings(
            current.model_copy(update={"listen_channel_ids": channels}), actor(interaction.user)
        )
        log_event("listen", guild=interaction.guild_id, channel=channel_id, state=state)
        text = (
            f"Listening in <#{channel_id}>: I reply to confident matches only."
            if state == "on"
            else f"Stopped listening in <#{channel_id}>."
        )
        if state == "on" and not self.bot.intents.message_content:
            text += " " + MESSAGE_CONTENT_OFF
        await send_ephemeral(interaction, text)

    @app_commands.command(name="status", description="Version, claims, intents and latency")
    async def status(self, interaction: discord.Interaction[ClaimBot]) -> None:
        await thinking(interaction)
        count = await self.bot.core(
            self.bot.service.store.count_claims, scope_for(interaction.guild_id)
        )
        intent = "on" if self.bot.intents.message_content else "off: " + MESSAGE_CONTENT_OFF
        latency = self.bot.latency
        lines = [
            f"**Version** {verifiers.__version__}",
            f"**Claims visible here** {count}",
            f"**Message content intent** {intent}",
            f"**Gateway latency** {latency * 1000:.0f} ms" if math.isfinite(latency) else "",
            f"**Shards** {self.bot.shard_count or 1} · **Servers** {len(self.bot.guilds)}",
            *load_lines(self.bot.checks.stats(), self.bot.health.now()),
        ]
        embed = discord.Embed(
            title="claimbot status", description="\n".join(x for x in lines if x), colour=0x5865F2
        )
        await send_ephemeral(interaction, embeds=[embed])

    @app_commands.command(name="sync", description="Owner only: publish the commands globally")
    async def sync(self, interaction: discord.Interaction[ClaimBot]) -> None:
        await thinking(interaction)
        synced = await self.bot.tree.sync()
        log_event("commands_synced", scope="global", count=len(synced))
        await send_ephemeral(
            interaction,
            f"Synced {len(synced)} commands globally; Discord can take up to an hour to show them.",
        )
