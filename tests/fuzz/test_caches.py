"""The caches under any sequence of use: always the right answer, never over their bound.

The search index's term counts, after any changes to a real store, against counts made afresh
from the live claims; the external lookups' TTL cache against a plain dict.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import make_fields
from tests.fuzz.strategies import INPUTS
from verifiers.domain.models import ClaimChanges, Scope
from verifiers.external.cache import TTLCache
from verifiers.store.sqlite.store import SqliteStore
from verifiers.text.normalize import normalize
from verifiers.text.tokens import tokenize

WORDS = ["moon", "cheese", "vaccine", "bridge", "closes", "people", "Café", "e-mail"]
CLAIM_TEXT = st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(
    lambda words: "Claim " + " ".join(words)
)
CHANGES = st.lists(
    st.tuples(
        st.sampled_from(["add", "edit", "retire", "unretire"]), st.integers(0, 5), CLAIM_TEXT
    ),
    max_size=12,
)


def live_counts(store: SqliteStore) -> Counter[str]:
    """Each word's live claims, counted afresh from the claims themselves."""
    counts: Counter[str] = Counter()
    for claim in store.iter_claims(Scope.everything()):
        counts.update(set(tokenize(normalize(claim.text)) + tokenize(normalize(claim.summary))))
    return counts


@settings(max_examples=25, deadline=None)
@given(CHANGES)
def test_search_counts_follow_any_changes(changes: list[tuple[str, int, str]]) -> None:
    """After any adds, edits, retirements and returns, the index's vocabulary and document
    frequencies are those of the live claims, deleted index entries not counted."""
    op = Scope.everything()
    with tempfile.TemporaryDirectory() as folder, SqliteStore(Path(folder) / "c.db") as store:
        ids: list[str] = []
        for kind, n, text in changes:
            INPUTS["cache operations"] += 1
            if kind == "add" or not ids:
                ids.append(store.add_claim(make_fields(text), "fuzz").id)
                continue
            claim = store.get_claim(ids[n % len(ids)], op)
            if kind == "edit" and not claim.retired:
                store.update_claim(claim.id, ClaimChanges(text=text), "fuzz", op)
            elif kind == "retire" and not claim.retired:
                store.retire_claim(claim.id, "fuzz", op)
            elif kind == "unretire" and claim.retired:
                store.unretire_claim(claim.id, "fuzz", op)
        truth = live_counts(store)
        assert dict(store.vocabulary()) == dict(truth)
        asked = [*WORDS, "zzunseen"]
        expected = {w: truth[tokenize(normalize(w))[0]] if "-" not in w else 0 for w in asked}
        expected["e-mail"] = sum(
            1 for c in store.iter_claims(op) if {"e", "mail"} <= set(tokenize(normalize(c.text)))
        )
        assert store.document_frequencies(asked) == expected
        assert store.claim_count_for_search() == store.count_claims(op)


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
