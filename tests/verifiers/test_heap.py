"""The serving process's heap: memoised word functions evict one old entry at a time, and the
long-lived heap is frozen out of the cycle collector's full passes after a reload. Both keep
stalls off the slowest checks (verifiers/heap.py says how)."""

from __future__ import annotations

import gc
import time
import weakref
from pathlib import Path

from tests.conftest import make_fields
from verifiers.domain.settings import Settings
from verifiers.heap import settle_heap
from verifiers.service import ClaimService
from verifiers.store.sqlite.store import SqliteStore
from verifiers.text.tokens import word_memo


def test_a_full_memo_forgets_only_its_oldest_word() -> None:
    computed: list[str] = []

    @word_memo(3)
    def upper(word: str) -> str:
        computed.append(word)
        return word.upper()

    for word in ("a", "b", "c", "d"):  # "d" pushes out "a", and only "a"
        upper(word)
    computed.clear()
    assert [upper(w) for w in ("b", "c", "d")] == ["B", "C", "D"]
    assert computed == []  # still remembered: the cache was not emptied to make room
    assert upper("a") == "A"
    assert computed == ["a"]  # forgotten, so computed again (and "b" is now the oldest)
    computed.clear()
    upper("c"), upper("d"), upper("a")
    assert computed == []
    upper("b")
    assert computed == ["b"]


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cycle collector can free it


def test_settling_freezes_what_is_alive_and_frees_garbage_frozen_before() -> None:
    node = Node()
    gone = weakref.ref(node)
    settle_heap()
    assert gc.get_freeze_count() > 0
    del node  # garbage now, but frozen: a collection does not look at it
    gc.collect()
    assert gone() is not None
    settle_heap()  # the next reload's settle collects it
    assert gone() is None


def test_the_bot_s_service_settles_the_heap_after_loading_the_vocabulary(
    db_path: Path,
) -> None:
    with SqliteStore(db_path) as store:
        store.add_claim(make_fields("Zemblastan banned fluoridation of drinking water"), "t")
        service = ClaimService(store, Settings())
        gc.unfreeze()
        service.start_change_listener()  # loads the vocabulary in the background
        try:
            deadline = time.monotonic() + 15
            while not service.matcher_refreshes and time.monotonic() < deadline:
                time.sleep(0.01)
            assert service.matcher_refreshes == 1
            assert gc.get_freeze_count() > 0
        finally:
            service.stop_change_listener()
