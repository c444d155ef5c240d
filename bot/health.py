"""How the bot process is holding up: event-loop lag, memory and the check queue, watched in the
background, logged as one `load` line while there is traffic, and shown by `/claimbot status`."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.logs import log_event

if TYPE_CHECKING:
    from bot.scheduler import CheckScheduler

TICK = 0.1  # seconds between two looks at the loop: its lag is how late the look comes
REPORT_EVERY = 10.0  # seconds between two `load` lines (none while nothing happens)
WINDOW = 60.0  # the worst lag shown is over this many seconds


def rss_bytes() -> int | None:
    """This process's resident memory, where the system tells it (Linux)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


@dataclass(frozen=True, slots=True)
class Health:
    lag_ms: float  # the latest lag
    worst_lag_ms: float  # over the last `WINDOW` seconds
    rss_bytes: int | None


class HealthMonitor:
    """A task that wakes every `TICK` and measures how late it wakes."""

    def __init__(self, checks: CheckScheduler) -> None:
        self._checks = checks
        self._lags: deque[tuple[float, float]] = deque()  # (when, lag in seconds)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._watch(), name="claimbot-health")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def now(self) -> Health:
        cutoff = time.monotonic() - WINDOW
        recent = [lag for when, lag in self._lags if when >= cutoff]
        latest = self._lags[-1][1] if self._lags else 0.0
        return Health(latest * 1000, max(recent, default=0.0) * 1000, rss_bytes())

    async def _watch(self) -> None:
        reported_at = time.monotonic()
        last = self._checks.stats()
        while True:
            due = time.monotonic() + TICK
            await asyncio.sleep(TICK)
            now = time.monotonic()
            self._lags.append((now, max(0.0, now - due)))
            while self._lags and self._lags[0][0] < now - WINDOW:
                self._lags.popleft()
            if now - reported_at >= REPORT_EVERY:
                stats = self._checks.stats()
                if (stats.completed, stats.shed) != (last.completed, last.shed):
                    health = self.now()
                    log_event(
                        "load",
                        checks=stats.completed - last.completed,
                        shed=stats.shed - last.shed,
                        waiting=stats.waiting_asked + stats.waiting_passive,
                        worst_lag_ms=round(
                            max(lag for when, lag in self._lags if when >= reported_at) * 1000
                        ),
                        rss_mb=None if health.rss_bytes is None else health.rss_bytes >> 20,
                    )
                reported_at, last = now, stats
