"""Checks under load: a bounded number run at once, asked checks first, passive ones shed.

A check is CPU-bound Python: run unbounded (one thread per message, an unbounded executor
queue) a burst of passive messages queues thousands of checks, holds the GIL against the event
loop and answers everything late. Here `workers` checks run at once in the scheduler's own
threads. A check a member asked for (a slash command, the context menu, a mention) always
waits its turn and is served before any passive one; a passive check is shed, counted and
logged when `max_waiting` passive checks already wait, or when it waited longer than
`max_wait` seconds (its reply would come too late to be useful).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from bot.logs import log_event

T = TypeVar("T")


class ShedReason(StrEnum):
    QUEUE_FULL = "queue_full"
    TOO_LATE = "too_late"


class Shed(Exception):
    """A passive check not run: the queue was full, or it waited past its use."""

    def __init__(self, reason: ShedReason) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class SchedulerStats:
    """What `/claimbot status` and the load log line show."""

    running: int
    waiting_asked: int
    waiting_passive: int
    completed: int
    shed_queue_full: int
    shed_too_late: int

    @property
    def shed(self) -> int:
        return self.shed_queue_full + self.shed_too_late


class CheckScheduler:
    def __init__(self, *, workers: int, max_waiting: int, max_wait: float) -> None:
        self.workers = workers
        self.max_waiting = max_waiting
        self.max_wait = max_wait
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="claimbot-check")
        self._running = 0
        self._asked: deque[asyncio.Future[None]] = deque()
        self._passive: deque[asyncio.Future[None]] = deque()
        self._completed = 0
        self._shed = dict.fromkeys(ShedReason, 0)

    async def run(self, fn: Callable[..., T], /, *args: object, asked: bool) -> T:
        """Run `fn(*args)` in a check thread when a slot is free; raises `Shed` for a passive
        check that cannot be run in time."""
        queued_at = time.monotonic()
        await self._acquire(asked)
        if not asked and time.monotonic() - queued_at > self.max_wait:
            self._release()
            raise self._shedding(ShedReason.TOO_LATE)
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._executor, functools.partial(fn, *args))
        finally:
            self._completed += 1
            self._release()

    def stats(self) -> SchedulerStats:
        return SchedulerStats(
            running=self._running,
            waiting_asked=len(self._asked),
            waiting_passive=len(self._passive),
            completed=self._completed,
            shed_queue_full=self._shed[ShedReason.QUEUE_FULL],
            shed_too_late=self._shed[ShedReason.TOO_LATE],
        )

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    async def _acquire(self, asked: bool) -> None:
        ahead = self._asked if asked else (self._asked or self._passive)
        if self._running < self.workers and not ahead:
            self._running += 1
            return
        if not asked and len(self._passive) >= self.max_waiting:
            raise self._shedding(ShedReason.QUEUE_FULL)
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        (self._asked if asked else self._passive).append(turn)
        try:
            await turn  # `_release` hands its slot over by resolving this
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self._release()  # the slot was handed over as the waiter was cancelled
            else:
                (self._asked if asked else self._passive).remove(turn)
            raise

    def _release(self) -> None:
        for waiting in (self._asked, self._passive):
            while waiting:
                turn = waiting.popleft()
                if not turn.done():
                    turn.set_result(None)  # the slot passes on: `_running` is unchanged
                    return
        self._running -= 1

    def _shedding(self, reason: ShedReason) -> Shed:
        """Count a shed check; the caller raises what this returns."""
        self._shed[reason] += 1
        log_event("check_shed", level=logging.DEBUG, reason=reason.value)
        return Shed(reason)
