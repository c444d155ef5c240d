"""The background task that drains the outbox every few seconds.

Each pass takes a batch of pending notifications for this process (only those of the guilds
its shards own, and shard 0 takes the global ones), sends each DM, and records the outcome.
The store hands a notification to one process only, so several bot processes (or a restart
overlapping the old process) never send the same DM twice; a DM that fails is recorded as
failed and not retried. The same loop prunes delivered DMs past their retention
(`[database] notification_retention_days`) once an hour, so the outbox does not grow forever.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import time
from typing import TYPE_CHECKING

from discord.ext import commands, tasks

from bot.cogs.outbox.deliver import deliver
from bot.logs import log_event
from verifiers.domain.errors import ClaimbotError

if TYPE_CHECKING:
    from bot.client import ClaimBot

BATCH = 20
RECORD_TRIES, RECORD_RETRY_DELAY = 3, 0.5
PRUNE_EVERY = 3600.0  # seconds between prunes; any process may prune, deleting is idempotent


def worker_name() -> str:
    """Unique per process and bot, and readable in the outbox (`claimed_by`)."""
    return f"bot:{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class OutboxCog(commands.Cog):
    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot
        self.worker = worker_name()
        self.next_prune = 0.0  # time.monotonic() at which to prune next; the first pass does
        self.drain = tasks.loop(seconds=bot.outbox_interval)(self._pass)
        self.drain.before_loop(self.bot.wait_until_ready)

    async def cog_load(self) -> None:
        self.drain.start()

    async def cog_unload(self) -> None:
        self.drain.cancel()

    def _shards(self) -> tuple[int, list[int] | None]:
        """This process's shards; None when it runs them all (then it takes every row)."""
        configured = self.bot.settings.discord.shard_ids
        return self.bot.shard_count or 1, list(configured) if configured is not None else None

    async def _pass(self) -> None:
        """One pass; a failure is logged and the next pass tries again (the loop must live)."""
        try:
            await self.drain_once()
            await self.prune_when_due()
        except ClaimbotError as exc:  # e.g. the database is busy: next time
            log_event("outbox_unavailable", level=logging.WARNING, reason=str(exc))
        except Exception:
            logging.getLogger("claimbot").exception("event=outbox_failed")

    async def drain_once(self) -> int:
        """Deliver one batch; returns how many notifications this pass took."""
        bot = self.bot
        shard_count, shard_ids = self._shards()
        batch = await bot.core(
            bot.service.store.claim_notifications,
            self.worker,
            limit=BATCH,
            shard_count=shard_count,
            shard_ids=shard_ids,
        )
        for notification in batch:
            error = await deliver(bot, notification)
            recorded = await self._record(notification.id, error)
            log_event(
                "dm",
                id=notification.id,
                kind=notification.kind.value,
                user=notification.user_id,
                guild=notification.guild_id,
                outcome="failed" if error else "delivered",
                reason=error,
                recorded=None if recorded else False,
            )
        return len(batch)

    async def prune_when_due(self) -> int | None:
        """Prune on the drain loop, at most every PRUNE_EVERY seconds, rather than on a thread
        of its own; returns how many rows went, or None when it was not due."""
        now = time.monotonic()
        if now < self.next_prune:
            return None
        self.next_prune = now + PRUNE_EVERY  # a failed prune waits for the next hour too
        pruned = await self.bot.core(self.bot.service.prune_notifications)
        if pruned:
            log_event("outbox_pruned", rows=pruned)
        return pruned

    async def _record(self, notification_id: int, error: str | None) -> bool:
        """Record the outcome; a busy database gets a few tries, and one DM that cannot be
        recorded (it stays "sending", then counts as interrupted) never holds up the rest."""
        for attempt in range(RECORD_TRIES):
            try:
                await self.bot.core(
                    self.bot.service.store.finish_notification, notification_id, error=error
                )
                return True
            except ClaimbotError as exc:
                log_event(
                    "dm_not_recorded",
                    level=logging.WARNING,
                    id=notification_id,
                    attempt=attempt + 1,
                    reason=str(exc),
                )
                await asyncio.sleep(RECORD_RETRY_DELAY)
        return False
