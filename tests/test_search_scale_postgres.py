"""PostgreSQL search takes SQLite's shortcut at scale and stays its twin.

`posting_budget` is lowered on small real databases so that the pooled path runs on both
backends; they must return the same candidates with the same scores, and rank like the exact
search above its cut-off (see tests/test_search_scale.py for SQLite's own checks).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import make_fields
from tests.test_search_scale import POOLED, QUERIES, RARE, _text
from verifiers.models import ClaimChanges
from verifiers.store.base import Scope
from verifiers.store.postgres.search import phrase_counts
from verifiers.store.postgres.store import FOLD_TOTALS_EVERY, PostgresStore
from verifiers.store.sqlite.store import SqliteStore

pytestmark = pytest.mark.postgres
OP = Scope.everything()


@pytest.fixture
def twins(pg_url: str, tmp_path: Path) -> Iterator[tuple[PostgresStore, SqliteStore]]:
    """The same 600 claims (and ids) in PostgreSQL and in SQLite."""
    rng = random.Random(7)
    fields = [make_fields(_text(rng), summary=" ".join(rng.sample(RARE, 2))) for _ in range(600)]
    with PostgresStore(pg_url) as pg, SqliteStore(tmp_path / "twin.db") as lite:
        for store in (pg, lite):
            for start in range(0, len(fields), 100):
                items = fields[start : start + 100]
                for n, item in enumerate(items, start):
                    store.add_claim(item, "test", claim_id=f"c{n}")
        yield pg, lite


def _both(twins: tuple[PostgresStore, SqliteStore], terms: list[str], budget: int,
          scope: Scope = OP) -> tuple[list, list]:  # fmt: skip
    for store in twins:
        store.posting_budget = budget
    return twins[0].search(terms, scope, limit=10), twins[1].search(terms, scope, limit=10)


@pytest.mark.parametrize("terms", QUERIES)
def test_pooled_search_equals_sqlites_pooled_search(twins, terms: list[str]) -> None:
    counts = twins[0].document_frequencies(terms)
    assert counts == twins[1].document_frequencies(terms)
    assert max(counts.values()) > POOLED  # the pool is really used
    ours, theirs = _both(twins, terms, POOLED)
    assert ours == theirs  # the same ids, ranks and scores, to the last bit
    exact, _ = _both(twins, terms, 10**9)
    cutoff = exact[-1].bm25
    assert [c for c in exact if c.bm25 > cutoff] == [c for c in ours if c.bm25 > cutoff]


def test_pooled_search_respects_scope_and_retirement(pg_url: str) -> None:
    with PostgresStore(pg_url) as store:
        mine = store.add_claim(make_fields("zorana people government city", guild_id=1), "mod")
        theirs = store.add_claim(make_fields("zorana people government water", guild_id=2), "m")
        gone = store.add_claim(make_fields("zorana people government city vaccine"), "mod")
        store.add_claims([make_fields(f"people government filler {i}") for i in range(60)], "m")
        store.retire_claim(gone.id, "mod", OP)
        store.posting_budget = 5
        found = [c.claim_id for c in store.search(["zorana", "people", "government"],
                                                  Scope.guild(1))]  # fmt: skip
        assert mine.id in found
        assert theirs.id not in found
        assert gone.id not in found


def test_remembered_counts_follow_changes_made_elsewhere(twins, pg_url: str) -> None:
    """A cached document count must not outlive a change committed by another process."""
    pg, lite = twins
    before = _both(twins, ["zorana", "people"], POOLED)[0]
    with PostgresStore(pg_url, migrate=False) as other:
        other.add_claims([make_fields("zorana zorana people") for _ in range(40)], "other")
        victim = other.get_claim("c5", OP)
        other.update_claim(victim.id, ClaimChanges(text="people people"), "other", OP)
    lite.add_claims([make_fields("zorana zorana people") for _ in range(40)], "other")
    lite.update_claim("c5", ClaimChanges(text="people people"), "other", OP)
    after, twin_after = _both(twins, ["zorana", "people"], POOLED)
    assert after != before
    assert [c.bm25 for c in after] == [c.bm25 for c in twin_after]
    assert pg.document_frequencies(["zorana", "people"]) == lite.document_frequencies(
        ["zorana", "people"]
    )


def test_terms_the_index_splits_are_searched_exactly(twins) -> None:
    """A term that is not one plain index token ("Zorana", "covid-19") takes the exact path."""
    pooled, twin = _both(twins, ["Zorana", "people", "covid-19"], 1)
    assert pooled == twin == _both(twins, ["Zorana", "people", "covid-19"], 10**9)[0]
    assert pooled
    assert pooled[0].bm25 > 0


def test_token_counts_stay_exact_through_edits_retirement_and_folding(pg_url: str) -> None:
    """search_term_docs, kept by the triggers, agrees with counting through the index."""
    with PostgresStore(pg_url) as store:
        made = store.add_claims([make_fields(f"Rain fell on town {n % 7}") for n in range(70)], "a")
        for n, claim in enumerate(made):
            if n % 3 == 0:
                store.update_claim(claim.id, ClaimChanges(text=f"Snow fell on city {n}"), "b", OP)
            elif n % 3 == 1:  # no change to the words: nothing to count
                store.update_claim(claim.id, ClaimChanges(explanation="checked"), "b", OP)
        for claim in made[:10]:
            store.retire_claim(claim.id, "b", OP)
        vocabulary = dict(store.vocabulary())
        assert list(vocabulary.values()) == _counted(store, list(vocabulary))
        assert vocabulary["rain"] == sum(1 for n in range(10, 70) if n % 3)
        assert "snow" in vocabulary
        for _ in range(FOLD_TOTALS_EVERY):  # the store folds the rows every so many writes
            store._wrote()  # type: ignore[attr-defined]
        with store._read() as conn:  # type: ignore[attr-defined]
            rows = conn.execute(
                "SELECT count(*) AS n, count(DISTINCT term) AS terms FROM search_term_docs"
            ).fetchone()
        assert rows["n"] == rows["terms"] == len(vocabulary)  # one row per live token
        assert dict(store.vocabulary()) == vocabulary


def _counted(store: PostgresStore, tokens: list[str]) -> list[int]:
    """Live claims per token, counted through the search index itself."""
    with store._read() as conn:  # type: ignore[attr-defined]
        return phrase_counts(conn, [[t] for t in tokens])
