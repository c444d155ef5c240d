"""The check scheduler: asked checks go first, passive ones are shed when the queue is full or
they waited too long, and a cancelled waiter gives its place back. Real threads, real loop."""

from __future__ import annotations

import asyncio
import threading

import pytest

from bot.scheduler import CheckScheduler, Shed, ShedReason


class Gate:
    """A check that blocks its worker thread until opened, then says who it was."""

    def __init__(self) -> None:
        self.opened = threading.Event()
        self.started = threading.Event()

    def __call__(self, name: str) -> str:
        self.started.set()
        self.opened.wait(10)
        return name


@pytest.fixture
def busy() -> Gate:
    return Gate()


async def _occupy(scheduler: CheckScheduler, gate: Gate) -> asyncio.Task[str]:
    """Fill the one worker with a blocked check."""
    task = asyncio.create_task(scheduler.run(gate, "blocker", asked=True))
    await asyncio.to_thread(gate.started.wait, 10)
    return task


async def test_asked_checks_overtake_waiting_passive_ones(busy: Gate) -> None:
    scheduler = CheckScheduler(workers=1, max_waiting=10, max_wait=30)
    order: list[str] = []

    def record(name: str) -> str:
        order.append(name)
        return name

    blocker = await _occupy(scheduler, busy)
    passive = asyncio.create_task(scheduler.run(record, "passive", asked=False))
    await asyncio.sleep(0)  # the passive check queues first
    asked = asyncio.create_task(scheduler.run(record, "asked", asked=True))
    await asyncio.sleep(0)
    assert scheduler.stats().waiting_asked == 1
    assert scheduler.stats().waiting_passive == 1
    busy.opened.set()
    assert await asyncio.gather(blocker, passive, asked) == ["blocker", "passive", "asked"]
    assert order == ["asked", "passive"]
    assert scheduler.stats().completed == 3
    assert scheduler.stats().running == 0
    scheduler.close()


async def test_a_passive_check_is_shed_when_the_queue_is_full(busy: Gate) -> None:
    scheduler = CheckScheduler(workers=1, max_waiting=1, max_wait=30)
    blocker = await _occupy(scheduler, busy)
    waiting = asyncio.create_task(scheduler.run(str, "waits", asked=False))
    await asyncio.sleep(0)
    with pytest.raises(Shed) as shed:
        await scheduler.run(str, "one too many", asked=False)
    assert shed.value.reason is ShedReason.QUEUE_FULL
    # A check a member asked for is never shed, however long the queue.
    asked = [asyncio.create_task(scheduler.run(str, f"asked {n}", asked=True)) for n in range(5)]
    busy.opened.set()
    assert await waiting == "waits"
    assert [await a for a in asked] == [f"asked {n}" for n in range(5)]
    await blocker
    stats = scheduler.stats()
    assert (stats.shed_queue_full, stats.shed_too_late, stats.completed) == (1, 0, 7)
    scheduler.close()


async def test_a_passive_check_that_waited_too_long_is_shed(busy: Gate) -> None:
    scheduler = CheckScheduler(workers=1, max_waiting=10, max_wait=0.05)
    blocker = await _occupy(scheduler, busy)
    late = asyncio.create_task(scheduler.run(str, "late", asked=False))
    await asyncio.sleep(0.2)  # longer than it may wait
    busy.opened.set()
    with pytest.raises(Shed) as shed:
        await late
    assert shed.value.reason is ShedReason.TOO_LATE
    await blocker
    assert await scheduler.run(str, "next", asked=False) == "next"  # the slot was given back
    assert scheduler.stats().shed_too_late == 1
    scheduler.close()


async def test_a_cancelled_waiter_gives_its_place_back(busy: Gate) -> None:
    scheduler = CheckScheduler(workers=1, max_waiting=1, max_wait=30)
    blocker = await _occupy(scheduler, busy)
    gone = asyncio.create_task(scheduler.run(str, "gone", asked=False))
    await asyncio.sleep(0)
    gone.cancel()
    with pytest.raises(asyncio.CancelledError):
        await gone
    # Its place in the queue is free again: another passive check may wait, and runs.
    later = asyncio.create_task(scheduler.run(str, "later", asked=False))
    await asyncio.sleep(0)
    busy.opened.set()
    assert await later == "later"
    await blocker
    assert scheduler.stats().running == 0
    scheduler.close()
