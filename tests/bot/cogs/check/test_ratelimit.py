"""Sliding windows and the once-per-message bookkeeping of passive replies."""

from __future__ import annotations

from bot.cogs.check.passive import Outcome, ReplyGate
from bot.ratelimit import SeenSet, SlidingWindow
from verifiers.domain.settings import DiscordSettings


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_sliding_window_allows_limit_hits_per_period_per_key() -> None:
    clock = Clock()
    window = SlidingWindow(2, 60, clock=clock)
    for _ in range(2):
        assert window.allows("a")
        window.hit("a")
    assert not window.allows("a")
    assert window.allows("b")
    assert window.retry_after("a") == 60
    clock.now = 59.9
    assert not window.allows("a")
    clock.now = 60.0
    assert window.allows("a")
    assert window.retry_after("a") == 0


def test_memory_is_bounded() -> None:
    window = SlidingWindow(1, 60, max_keys=3, clock=Clock())
    for key in range(10):
        window.hit(key)
    assert not window.allows(9)
    assert window.allows(0)
    seen = SeenSet(size=2)
    for item in (1, 2, 3):
        seen.add(item)
    assert 1 not in seen
    assert 2 in seen
    assert 3 in seen


def test_reply_gate_answers_a_message_once_and_rechecks_one_edit() -> None:
    gate = ReplyGate(DiscordSettings(passive_user_rate=5, passive_channel_rate=5))
    assert gate.admit(1, edited=False) is None
    assert gate.admit(1, edited=True) is None
    assert gate.admit(1, edited=True) == Outcome.EDIT_ALREADY_CHECKED
    assert gate.reserve(1, channel_id=10, user_id=20) is None
    assert gate.reserve(1, channel_id=10, user_id=20) == Outcome.ALREADY_ANSWERED
    assert gate.admit(1, edited=False) == Outcome.ALREADY_ANSWERED
