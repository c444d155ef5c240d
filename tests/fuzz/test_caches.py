"""The caches under any sequence of use: always the right answer, never over their bound.

The SQLite search's document counts are read through a real connection to a real file and
compared with counts read afresh; the external lookups' TTL cache against a plain dict.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import make_fields
from tests.fuzz.strategies import INPUTS
from verifiers.external.cache import TTLCache
from verifiers.store.sqlite.search import DocCounts
from verifiers.store.sqlite.store import SqliteStore

INDEXED = ["moon", "cheese", "vaccine", "bridge", "closes", "people"]
WORDS = [*INDEXED, "zzunseen", "qqabsent", "xxnowhere", "wwnever", "vvmissing"]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqliteStore]:
    with SqliteStore(tmp_path_factory.mktemp("fuzz-caches") / "claims.db") as opened:
        texts = [" ".join(INDEXED[i:] + INDEXED[:i]) for i in range(len(INDEXED))]
        opened.add_claims([make_fields(f"{t} number {n}") for n, t in enumerate(texts)], "fuzz")
        yield opened


@given(
    st.lists(st.lists(st.sampled_from(WORDS), max_size=6), max_size=20),
    st.integers(min_value=0, max_value=4),
    st.booleans(),
)
def test_document_counts(store: SqliteStore, queries: list[list[str]], cap: int, primed: bool):
    truth = store.document_frequencies(WORDS)
    counts = DocCounts()
    counts.MAX_LOOKED_UP = cap  # type: ignore[misc]
    with store._read() as conn:
        if primed:  # as the matcher's vocabulary read leaves it
            counts.prime(conn, {w: n for w, n in truth.items() if n})
        for tokens in queries:
            INPUTS["cache operations"] += 1
            assert counts.get(conn, tokens) == {t: truth[t] for t in tokens}
            assert len(counts._looked_up) <= cap


OPS = st.lists(
    st.tuples(st.sampled_from(["get", "put", "tick"]), st.sampled_from("abcdefg"), st.integers()),
    max_size=60,
)


@given(OPS, st.integers(min_value=1, max_value=4), st.sampled_from([0.0, 1.0, 5.0]))
def test_ttl_cache(ops: list[tuple[str, str, int]], max_items: int, ttl: float) -> None:
    now = [0.0]
    cache: TTLCache[int] = TTLCache(ttl, max_items, clock=lambda: now[0])
    stored: dict[str, tuple[float, int]] = {}  # what was put last, and when it expires
    for op, key, value in ops:
        INPUTS["cache operations"] += 1
        if op == "tick":
            now[0] += abs(value) % 3
        elif op == "put":
            cache.put(key, value)
            if ttl > 0:
                stored[key] = (now[0] + ttl, value)
        else:
            found = cache.get(key)
            expires, kept = stored.get(key, (0.0, None))
            if found is not None:  # evicted early is allowed (the bound); a wrong value is not
                assert found == kept
                assert now[0] < expires
            elif key in stored and now[0] >= expires:
                del stored[key]
        assert len(cache._items) <= max_items
