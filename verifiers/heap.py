"""Keeping Python's cycle collector off the long-lived heap of a serving process, and out of
the way of a bulk job.

A full collection walks every tracked object: 20-30 ms in a bot that has loaded a million
claims' vocabulary, and it fell on whichever check happened to allocate at the wrong moment
(six of 1,000 checks at a million claims, each 15-40 ms slower: the slowest-check figure).
Objects alive after a start-up or a reload mostly live until the next reload, so they are
frozen (`gc.freeze`): later collections skip them. Unfreezing and collecting first lets the
garbage among the previously frozen objects go (a snapshot replaced by this reload). The
price: a reference cycle among frozen objects that dies between two reloads waits for the next
one (objects without cycles are freed at once, by reference counting, frozen or not).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

BULK_THRESHOLD = 50_000  # new container objects between two young collections in a bulk job


def settle_heap() -> None:
    """Collect once, then move every object alive now out of later collections' reach.

    Call after loading something long-lived (the matcher's vocabulary), never per request.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


@contextmanager
def fewer_collections() -> Iterator[None]:
    """For the length of a bulk job that keeps thousands of new objects alive at a time (an
    import's chunk of claims): young collections come every 50,000 new objects, not every 700.

    With the default thresholds it walks every chunk again and again while the chunk is
    built: 20% of an import's CPU time at 100k claims (measured: docs/decisions.md). Garbage
    without cycles is freed at once as always; cycles wait a little longer.
    """
    before = gc.get_threshold()
    gc.set_threshold(BULK_THRESHOLD, 20, 10)
    try:
        yield
    finally:
        gc.set_threshold(*before)
