"""Checking messages: mentions, DMs, and passive listening in channels a moderator opted in.

Every message ends with one `claimbot_message_handled(message_id, outcome)` event and one log
line, whether the bot replied or not (tests wait on the event to assert silence).
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.cogs.check.answer import NO_TEXT, reply_for
from bot.cogs.check.buttons import reply_view
from bot.cogs.check.passive import Outcome, ReplyGate
from bot.logs import log_event
from bot.scheduler import Shed

if TYPE_CHECKING:
    from bot.client import ClaimBot

HOW_TO_MENTION = "Mention me in a message that states a claim, or in a reply to one, to check it."
CANNOT_READ = (
    "I cannot read that message (the message content intent is off): "
    "use Apps → Check claims on it instead."
)
RELATED_HINT = (
    "Some claims may be related: use /check or Apps → Check claims to see them privately."
)
QUIET = {Outcome.OWN_MESSAGE, Outcome.FROM_BOT, Outcome.NOT_LISTENING, Outcome.NO_CONTENT}


class MessageListener(commands.Cog):
    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot
        self.gate = ReplyGate(bot.settings.discord)

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
        guild_id = message.guild.id if message.guild else None
        reply = await reply_for(self.bot, text, guild_id, asked=True)
        content = reply.content
        if not reply.has_match and reply.related is not None:
            content = f"{content} {RELATED_HINT}"
        await message.reply(
            content or None,
            embeds=reply.public(),
            view=reply_view(reply.claim_ids, reply.segments),
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
        why = self.gate.admit(message.id, edited=edited) or self.gate.budget(
            message.channel.id, message.author.id
        )
        if why is not None:
            return why
        try:
            reply = await reply_for(self.bot, message.content, message.guild.id)
        except Shed:
            return Outcome.SHED
        if not reply.has_match:
            return Outcome.NO_MATCH
        why = self.gate.reserve(message.id, message.channel.id, message.author.id)
        if why is not None:
            return why
        await message.reply(
            reply.content or None,
            embeds=reply.embeds,
            view=reply_view(reply.claim_ids, reply.segments),
        )
        return Outcome.REPLIED
