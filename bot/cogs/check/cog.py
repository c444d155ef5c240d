"""Checking claims: `/check`, the "Check claims" message command, mentions, DMs and passive
listening in channels a moderator opted in."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import MISSING

from bot import render
from bot.cogs.check.buttons import reply_view
from bot.cogs.check.passive import Outcome, ReplyGate
from bot.identity import scope_for
from bot.logs import log_event
from bot.ratelimit import user_command_cooldown

if TYPE_CHECKING:
    from bot.client import ClaimBot

HOW_TO_MENTION = "Mention me in a message that states a claim, or in a reply to one, to check it."
CANNOT_READ = (
    "I cannot read that message (the message content intent is off): "
    "use Apps → Check claims on it instead."
)
NO_TEXT = "That message has no text to check."
RELATED_HINT = (
    "Some claims may be related: use /check or Apps → Check claims to see them privately."
)
QUIET = {Outcome.OWN_MESSAGE, Outcome.FROM_BOT, Outcome.NOT_LISTENING, Outcome.NO_CONTENT}


class CheckCog(commands.Cog):
    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot
        self.gate = ReplyGate(bot.settings.discord)
        self.menu = app_commands.ContextMenu(name="Check claims", callback=self.check_message)
        self.menu.allowed_contexts = app_commands.AppCommandContext(guild=True, dm_channel=True)
        self.menu.allowed_installs = app_commands.AppInstallationType(guild=True)
        app_commands.checks.dynamic_cooldown(user_command_cooldown)(self.menu)

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    # -- asking ------------------------------------------------------------------------------
    @app_commands.command(name="check", description="Check a claim against the claims database")
    @app_commands.describe(
        text="The claim or message to check",
        public="Post the answer in the channel for everyone (default: only you see it)",
    )
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    @app_commands.allowed_installs(guilds=True, users=False)
    @app_commands.checks.dynamic_cooldown(user_command_cooldown)
    async def check(
        self,
        interaction: discord.Interaction[ClaimBot],
        text: app_commands.Range[str, 1, 4000],
        public: bool = False,
    ) -> None:
        await interaction.response.defer(ephemeral=not public, thinking=True)
        reply = await self._reply_for(text, interaction.guild_id)
        await self._answer(interaction, reply, public=public)
        log_event(
            "check",
            via="slash",
            guild=interaction.guild_id,
            user=interaction.user.id,
            matches=len(reply.claim_ids),
            public=public,
        )

    async def check_message(
        self, interaction: discord.Interaction[ClaimBot], message: discord.Message
    ) -> None:
        """Message commands carry the message's text even without the message-content intent."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        if not message.content.strip():
            await interaction.followup.send(NO_TEXT, ephemeral=True)
            return
        reply = await self._reply_for(message.content, interaction.guild_id)
        await self._answer(interaction, reply, public=False)
        log_event(
            "check",
            via="menu",
            guild=interaction.guild_id,
            user=interaction.user.id,
            matches=len(reply.claim_ids),
        )

    async def _reply_for(self, text: str, guild_id: int | None) -> render.CheckReply:
        result = await self.bot.core(self.bot.service.check, text, scope_for(guild_id))
        compact = False
        if guild_id is not None:
            compact = (await self.bot.guild_settings(guild_id)).reply_style == "compact"
        return render.check_reply(result, compact=compact)

    async def _answer(
        self, interaction: discord.Interaction, reply: render.CheckReply, *, public: bool
    ) -> None:
        view = reply_view(reply.claim_ids) or MISSING
        embeds = reply.embeds if public else reply.for_asker()
        await interaction.followup.send(
            reply.content or MISSING, embeds=embeds, view=view, ephemeral=not public
        )
        if public and reply.related is not None:
            await interaction.followup.send(embeds=[reply.related], ephemeral=True)

    # -- messages ----------------------------------------------------------------------------
    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        await self._handle(message, edited=False)

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        before, after = payload.cached_message, payload.message
        if after.edited_at is None or (before is not None and before.content == after.content):
            self._finish(after, Outcome.UNCHANGED_EDIT)
            return
        await self._handle(after, edited=True)

    async def _handle(self, message: discord.Message, *, edited: bool) -> None:
        try:
            outcome = await self._route(message, edited=edited)
        except discord.HTTPException as exc:
            log_event(
                "reply_failed",
                level=logging.WARNING,
                message=message.id,
                channel=message.channel.id,
                status=exc.status,
                code=exc.code,
            )
            outcome = Outcome.FAILED
        except Exception:
            logging.getLogger("claimbot").exception("event=message_failed id=%s", message.id)
            outcome = Outcome.FAILED
        self._finish(message, outcome)

    def _finish(self, message: discord.Message, outcome: Outcome) -> None:
        log_event(
            "message",
            level=logging.DEBUG if outcome in QUIET else logging.INFO,
            id=message.id,
            guild=message.guild.id if message.guild else None,
            channel=message.channel.id,
            user=message.author.id,
            outcome=outcome.value,
        )
        self.bot.dispatch("claimbot_message_handled", message.id, outcome)

    async def _route(self, message: discord.Message, *, edited: bool) -> Outcome:
        me = self.bot.user
        if me is not None and message.author.id == me.id:
            return Outcome.OWN_MESSAGE
        if message.author.bot or message.webhook_id is not None:
            return Outcome.FROM_BOT
        if message.guild is None:
            return Outcome.NOT_LISTENING if edited else await self._requested(message)
        if me is not None and me.id in message.raw_mentions and not edited:
            return await self._requested(message)
        return await self._listen(message, edited=edited)

    async def _requested(self, message: discord.Message) -> Outcome:
        """A mention or a DM: the member asked, so the answer (even "no match") is public."""
        why = self.gate.admit(message.id, edited=False)
        if why is not None:
            return why
        if not self.gate.mentions.allows(message.author.id):
            return Outcome.USER_LIMITED
        self.gate.mentions.hit(message.author.id)
        self.gate.answered(message.id)
        text = self._without_my_mention(message.content)
        if message.reference is not None:
            target = await self._referenced(message)
            text = target.content if target is not None else ""
            if not text.strip():
                unreadable = not self.bot.intents.message_content
                await message.reply(CANNOT_READ if unreadable else NO_TEXT)
                return Outcome.NO_CONTENT
        if not text.strip():
            await message.reply(HOW_TO_MENTION)
            return Outcome.NO_CONTENT
        reply = await self._reply_for(text, message.guild.id if message.guild else None)
        content = reply.content
        if not reply.has_match and reply.related is not None:
            content = f"{content} {RELATED_HINT}"
        await message.reply(
            content or None,
            embeds=reply.embeds,
            view=reply_view(reply.claim_ids),
        )
        return Outcome.REPLIED if reply.has_match else Outcome.NO_MATCH

    def _without_my_mention(self, content: str) -> str:
        me = self.bot.user
        return re.sub(rf"<@!?{me.id}>", "", content).strip() if me else content

    async def _referenced(self, message: discord.Message) -> discord.Message | None:
        reference = message.reference
        if reference is None or reference.message_id is None:
            return None
        if isinstance(reference.resolved, discord.Message):
            return reference.resolved
        try:
            return await message.channel.fetch_message(reference.message_id)
        except discord.HTTPException:
            return None

    async def _listen(self, message: discord.Message, *, edited: bool) -> Outcome:
        """Passive listening: only confident matches, only in opted-in channels, quietly (the
        client's `AllowedMentions.none()` also keeps replies from pinging their author)."""
        assert message.guild is not None
        settings = await self.bot.guild_settings(message.guild.id)
        here = {message.channel.id, getattr(message.channel, "parent_id", None)}
        if here.isdisjoint(settings.listen_channel_ids):
            return Outcome.NOT_LISTENING
        if not message.content.strip():
            return Outcome.NO_CONTENT
        why = self.gate.admit(message.id, edited=edited)
        if why is not None:
            return why
        reply = await self._reply_for(message.content, message.guild.id)
        if not reply.has_match:
            return Outcome.NO_MATCH
        why = self.gate.reserve(message.id, message.channel.id, message.author.id)
        if why is not None:
            return why
        await message.reply(
            reply.content or None,
            embeds=reply.embeds,
            view=reply_view(reply.claim_ids),
        )
        return Outcome.REPLIED
