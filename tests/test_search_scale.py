"""Retrieval that stays fast on large indexes: the pooled path must rank like plain FTS5.

`posting_budget` is lowered on a small real database so that the pooled path (rare terms,
AND of common words, BM25 re-scored in Python) runs, and its answers are compared with FTS5's
own ranking of the same query (budget raised so every query is exact).
"""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import make_fields
from verifiers.models import ClaimChanges
from verifiers.store.base import Scope
from verifiers.store.sqlite.search import index_tokens, index_totals
from verifiers.store.sqlite.store import SqliteStore

OP = Scope.everything()
COMMON = ["people", "government", "vaccine", "city", "water"]
RARE = [
    f"{a}{b}"
    for a in ("zor", "kal", "mib", "tur", "vex", "dop", "hun", "gre")
    for b in ("ana", "ott", "ilu", "eph", "amo")
]
ROOT = Path(__file__).resolve().parent.parent
POOLED = 250  # a budget above three rare words' postings (~60 each), below a common one's


def _text(rng: random.Random) -> str:
    words = rng.sample(COMMON, 3) + rng.sample(RARE, 2) + ["the", "of"]
    rng.shuffle(words)
    return " ".join(words)


@pytest.fixture
def filled(store: SqliteStore) -> SqliteStore:
    rng = random.Random(7)
    store.add_claims(
        [make_fields(_text(rng), summary=" ".join(rng.sample(RARE, 2))) for _ in range(600)],
        actor="test",
    )
    return store


def _search(store: SqliteStore, terms: list[str], budget: int, scope: Scope = OP) -> list:
    store.posting_budget = budget
    return store.search(terms, scope, limit=10)


QUERIES = [
    ["zorana", "people", "government", "vaccine"],  # one rare word among common ones
    ["kalott", "mibilu", "city"],
    ["people", "government", "vaccine"],  # only common words: the AND pool finds them
    ["turana", "vexeph", "zorott", "water", "city", "people"],
]


@pytest.mark.parametrize("terms", QUERIES)
def test_pooled_search_gives_fts5s_ranking_and_scores(filled: SqliteStore, terms) -> None:
    counts = filled.document_frequencies(terms)
    assert max(counts.values()) > POOLED > sum(c for c in counts.values() if c < POOLED)
    exact = _search(filled, terms, budget=10**9)
    pooled = _search(filled, terms, budget=POOLED)
    assert len(pooled) == len(exact) == 10
    exact_hits = {c.claim_id: c for c in exact}
    # Same BM25 values to the last bits for every row both return, and the same best rows
    # (rows whose score ties the 10th may be cut differently; they are not compared).
    for hit in pooled:
        if hit.claim_id in exact_hits:
            assert hit.bm25 == pytest.approx(exact_hits[hit.claim_id].bm25, rel=1e-12)
            assert hit[2:] == exact_hits[hit.claim_id][2:]  # the same text and summary
    cutoff = exact[-1].bm25
    assert [c for c in exact if c.bm25 > cutoff] == [c for c in pooled if c.bm25 > cutoff]


def test_pooled_search_respects_scope_and_retirement(store: SqliteStore) -> None:
    mine = store.add_claim(make_fields("zorana people government city", guild_id=1), "mod")
    theirs = store.add_claim(make_fields("zorana people government city water", guild_id=2), "mod")
    gone = store.add_claim(make_fields("zorana people government city vaccine"), "mod")
    store.add_claims([make_fields(f"people government filler {i}") for i in range(60)], "mod")
    store.retire_claim(gone.id, "mod", OP)
    found = [
        c.claim_id for c in _search(store, ["zorana", "people", "government"], 5, Scope.guild(1))
    ]
    assert mine.id in found
    assert theirs.id not in found
    assert gone.id not in found


def test_counts_follow_writes_from_another_process(filled: SqliteStore, db_path: Path) -> None:
    """A cached document count must not outlive a commit made by another process."""
    before = _search(filled, ["zorana", "people"], budget=POOLED)
    script = (
        "import sys; from tests.conftest import make_fields;"
        "from verifiers.store.sqlite.store import SqliteStore;"
        "s = SqliteStore(sys.argv[1]);"
        "s.add_claims([make_fields('zorana zorana people') for _ in range(40)], 'other');"
        "s.close()"
    )
    subprocess.run([sys.executable, "-c", script, str(db_path)], check=True, cwd=ROOT)
    after = _search(filled, ["zorana", "people"], budget=POOLED)
    assert after == _search(filled, ["zorana", "people"], budget=10**9)
    assert after != before


def test_counts_stay_cached_across_writes_that_do_not_touch_claims(
    filled: SqliteStore, db_path: Path
) -> None:
    """A flag or a setting written by another process (the bot's outbox, a moderator's
    command) must not cost the next check its cached counts (~8 ms per common word at a
    million claims); an edited claim must."""
    statements: list[str] = []
    filled.conn.set_trace_callback(statements.append)
    terms = ["zorana", "people"]
    first = _search(filled, terms, budget=POOLED)
    assert any("claims_vocab" in s for s in statements)
    claim = next(filled.iter_claims(OP))
    with SqliteStore(db_path) as other:
        other.add_flag(claim.id, user_id="u1", guild_id=None, reason="The date is wrong")
        statements.clear()
        assert _search(filled, terms, budget=POOLED) == first
        assert not any("claims_vocab" in s for s in statements)
        other.update_claim(claim.id, ClaimChanges(text="zorana zorana people city"), "mod", OP)
        statements.clear()
        after = _search(filled, terms, budget=POOLED)
    assert any("claims_vocab" in s for s in statements)
    assert after == _search(filled, terms, budget=10**9)  # fresh counts: FTS5's own ranking
    assert after != first


def test_reading_the_vocabulary_fills_the_search_counts(filled: SqliteStore) -> None:
    """The matcher's vocabulary snapshot reads every term's count; the search then needs no
    count of its own for indexed words, and an index change drops what was read."""
    statements: list[str] = []
    filled.conn.set_trace_callback(statements.append)
    vocabulary = dict(filled.vocabulary())
    statements.clear()
    terms = ["zorana", "people", "government"]
    first = _search(filled, terms, budget=POOLED)
    assert not any("claims_vocab" in s for s in statements)
    assert first == _search(filled, terms, budget=10**9)  # the counts were FTS5's own
    statements.clear()
    _search(filled, ["zorana", "qqqunindexed"], budget=POOLED)  # not in the index: looked up
    assert any("claims_vocab" in s for s in statements)
    filled.add_claims([make_fields("zorana people people") for _ in range(30)], "mod")
    statements.clear()
    after = _search(filled, terms, budget=POOLED)
    assert any("claims_vocab" in s for s in statements)
    assert after == _search(filled, terms, budget=10**9)
    assert vocabulary["zorana"] < filled.document_frequencies(["zorana"])["zorana"]


def test_index_totals_count_live_claims_and_their_tokens(filled: SqliteStore) -> None:
    claims = list(filled.iter_claims(OP))
    filled.retire_claim(claims[0].id, "mod", OP)
    live = claims[1:]
    tokens = sum(len(index_tokens(c.text)) + len(index_tokens(c.summary)) for c in live)
    conn = sqlite3.connect(filled.path)
    try:
        assert index_totals(conn) == (len(live), tokens)
    finally:
        conn.close()
    assert filled.claim_count_for_search() == len(live)


def test_terms_the_index_splits_are_searched_exactly(filled: SqliteStore) -> None:
    """A term that is not one plain index token ("Zorana", "covid-19") takes FTS5's path."""
    exact = _search(filled, ["Zorana", "people"], budget=10**9)
    assert _search(filled, ["Zorana", "people"], budget=1) == exact
    assert exact
    assert exact[0].bm25 > 0


def test_a_single_common_word_still_finds_claims(filled: SqliteStore) -> None:
    found = _search(filled, ["people"], budget=POOLED)
    assert len(found) == 10
    assert all("people" in filled.get_claims([c.claim_id])[c.claim_id].text for c in found)


def test_a_full_count_cache_keeps_the_words_of_the_query_being_answered(
    filled: SqliteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the cache of words read one by one is full, a query that mixes words it holds with
    a new one is still answered, with the same counts as an empty cache gives."""
    monkeypatch.setattr(filled._doc_counts, "MAX_LOOKED_UP", 2)
    terms = ["zorana", "people", "government"]
    first = _search(filled, terms, budget=POOLED)  # three words read: the cache is over its cap
    again = _search(filled, [*terms, "qqqunindexed"], budget=POOLED)  # one more word to read
    assert again == first == _search(filled, terms, budget=10**9)
    for n in range(10):  # many queries past the cap: each answered, the cache stays bounded
        assert _search(filled, ["zorana", f"qqqword{n}", "people"], budget=POOLED)
        assert len(filled._doc_counts._looked_up) <= 2
