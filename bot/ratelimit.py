"""Sliding-window rate limits for replies the bot volunteers (passive listening, mentions).

A busy channel must not turn the bot into a wall of embeds, and one member must not be able to
make it talk on demand: each key gets at most `limit` hits in any `period` seconds.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable

import discord
from discord import app_commands


class SlidingWindow:
    """At most `limit` hits per key within any `period` seconds; memory bounded by `max_keys`."""

    def __init__(
        self,
        limit: int,
        period: float,
        *,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.period = period
        self._max_keys = max_keys
        self._clock = clock
        self._hits: OrderedDict[Hashable, deque[float]] = OrderedDict()

    def _window(self, key: Hashable) -> deque[float]:
        now = self._clock()
        hits = self._hits.pop(key, None) or deque()
        while hits and now - hits[0] >= self.period:
            hits.popleft()
        self._hits[key] = hits
        while len(self._hits) > self._max_keys:
            self._hits.popitem(last=False)
        return hits

    def allows(self, key: Hashable) -> bool:
        return len(self._window(key)) < self.limit

    def hit(self, key: Hashable) -> None:
        self._window(key).append(self._clock())

    def retry_after(self, key: Hashable) -> float:
        hits = self._window(key)
        if len(hits) < self.limit:
            return 0.0
        return max(0.0, self.period - (self._clock() - hits[0]))


class SeenSet:
    """Remembers the last `size` ids: "at most once per message" without unbounded memory."""

    def __init__(self, size: int = 20_000) -> None:
        self._size = size
        self._ids: OrderedDict[int, None] = OrderedDict()

    def __contains__(self, item: int) -> bool:
        return item in self._ids

    def add(self, item: int) -> None:
        self._ids[item] = None
        self._ids.move_to_end(item)
        while len(self._ids) > self._size:
            self._ids.popitem(last=False)


def user_command_cooldown(interaction: discord.Interaction) -> app_commands.Cooldown:
    """The per-user cooldown of member commands, from `[discord] command_rate/_period`."""
    settings = interaction.client.settings.discord  # type: ignore[attr-defined]
    return app_commands.Cooldown(settings.command_rate, settings.command_period)
