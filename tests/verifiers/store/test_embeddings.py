"""Claim embeddings in the store, on SQLite and PostgreSQL alike (no model needed): stored and
read back, replaced, listed when missing, dropped when a claim's words change, scoped reads
left to the matcher, unknown ids skipped; their change feed names every claim whose vector
changed, as it is now."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import make_fields, postgres_schema
from verifiers.domain.models import ClaimChanges, Scope
from verifiers.store import Store, open_store
from verifiers.store.records import StoredEmbedding

OP = Scope.everything()
MODEL = "test-model/v1"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        with open_store(str(tmp_path / "claims.db"), seed=False) as opened:
            yield opened
        return
    with postgres_schema() as url, open_store(url, seed=False) as opened:
        yield opened


def vector(*values: float) -> bytes:
    return struct.pack(f"<{len(values)}f", *values)


def test_embeddings_round_trip_and_replace(store: Store) -> None:
    a = store.add_claim(make_fields("The moon is made of cheese"), "t")
    b = store.add_claim(make_fields("Cats can fly over the city", guild_id=7), "t")
    assert store.put_embeddings(MODEL, [(a.id, StoredEmbedding("h-a", vector(1, 2)))]) == 1
    assert store.get_embeddings([a.id, b.id], MODEL) == {a.id: StoredEmbedding("h-a", vector(1, 2))}
    assert store.get_embeddings([a.id], "other-model") == {}
    assert [c.id for c in store.missing_embeddings(MODEL)] == [b.id]
    store.put_embeddings(
        MODEL,
        [(a.id, StoredEmbedding("h-a2", vector(3, 4))), (b.id, StoredEmbedding("h-b", vector(5)))],
    )
    assert store.get_embeddings([a.id], MODEL)[a.id] == StoredEmbedding("h-a2", vector(3, 4))
    assert store.missing_embeddings(MODEL) == []
    # Every live claim, in storage order, with its guild (the matcher filters by scope).
    assert [(i, g) for i, g, _ in store.iter_embeddings(MODEL)] == [(a.id, None), (b.id, 7)]


def test_vectors_of_other_models_are_dropped_and_the_current_ones_kept(store: Store) -> None:
    a = store.add_claim(make_fields("The moon is made of cheese"), "t")
    b = store.add_claim(make_fields("Cats can fly over the city", guild_id=7), "t")
    store.put_embeddings(
        "old-model/v1",
        [(a.id, StoredEmbedding("o", vector(1))), (b.id, StoredEmbedding("o", vector(2)))],
    )
    store.put_embeddings(MODEL, [(a.id, StoredEmbedding("h-a", vector(3)))])
    assert store.drop_other_embeddings(MODEL) == 2
    assert store.get_embeddings([a.id, b.id], "old-model/v1") == {}
    assert store.get_embeddings([a.id, b.id], MODEL) == {a.id: StoredEmbedding("h-a", vector(3))}
    assert store.drop_other_embeddings(MODEL) == 0


def test_unknown_claims_are_skipped_and_nothing_half_written(store: Store) -> None:
    a = store.add_claim(make_fields(), "t")
    stored = store.put_embeddings(
        MODEL,
        [
            ("no-such-claim", StoredEmbedding("x", vector(1))),
            (a.id, StoredEmbedding("y", vector(2))),
        ],
    )
    assert stored == 1
    assert set(store.get_embeddings([a.id, "no-such-claim"], MODEL)) == {a.id}


def test_changed_words_drop_the_embedding_other_edits_keep_it(store: Store) -> None:
    a = store.add_claim(make_fields("The moon is made of cheese", summary="Moon cheese"), "t")
    store.put_embeddings(MODEL, [(a.id, StoredEmbedding("h", vector(1)))])
    store.update_claim(a.id, ClaimChanges(status="false", explanation="It is rock."), "m", OP)
    assert a.id in store.get_embeddings([a.id], MODEL)
    store.update_claim(a.id, ClaimChanges(summary="The moon and cheese"), "m", OP)
    assert store.get_embeddings([a.id], MODEL) == {}
    assert [c.id for c in store.missing_embeddings(MODEL)] == [a.id]
    store.put_embeddings(MODEL, [(a.id, StoredEmbedding("h2", vector(2)))])
    store.update_claim(a.id, ClaimChanges(text="The moon is made of green cheese"), "m", OP)
    assert store.get_embeddings([a.id], MODEL) == {}


def test_retired_claims_are_neither_missing_nor_loaded(store: Store) -> None:
    a = store.add_claim(make_fields("The moon is made of cheese"), "t")
    b = store.add_claim(make_fields("Cats can fly over the city"), "t")
    store.put_embeddings(MODEL, [(a.id, StoredEmbedding("h", vector(1)))])
    store.retire_claim(a.id, "m", OP)
    store.retire_claim(b.id, "m", OP)
    assert store.missing_embeddings(MODEL) == []
    assert list(store.iter_embeddings(MODEL)) == []


def test_the_vector_feed_names_each_changed_claim_as_it_is_now(store: Store) -> None:
    a = store.add_claim(make_fields("The moon is made of cheese"), "t")
    b = store.add_claim(make_fields("Cats can fly over the city", guild_id=7), "t")
    c = store.add_claim(make_fields("Rivers run uphill at night"), "t")
    start = store.latest_vector_change()
    assert start.sequence >= 1  # never empty: a row to name from the start
    assert start.fingerprint
    assert store.vector_change_at(start.sequence) == start
    store.add_claim(make_fields("Nothing embedded here"), "t")
    assert store.latest_vector_change() == start  # a claim without a vector changes no vector
    store.put_embeddings(
        MODEL,
        [(a.id, StoredEmbedding("h-a", vector(1))), (b.id, StoredEmbedding("h-b", vector(2)))],
    )
    store.put_embeddings("other-model/v1", [(c.id, StoredEmbedding("h-c", vector(3)))])
    middle = store.latest_vector_change()
    assert middle.sequence > start.sequence
    changed = {v.claim_id: v for v in store.changed_vectors(MODEL, start.sequence, middle.sequence)}
    assert changed[a.id].embedding == StoredEmbedding("h-a", vector(1))
    assert (changed[b.id].guild_id, changed[b.id].embedding) == (
        7,
        StoredEmbedding("h-b", vector(2)),
    )
    assert changed[c.id].embedding is None  # changed, but has no vector for this model
    # Replaced, retired, words changed (the vector goes), another model's dropped.
    store.put_embeddings(MODEL, [(a.id, StoredEmbedding("h-a2", vector(4)))])
    store.retire_claim(b.id, "m", OP)
    store.update_claim(a.id, ClaimChanges(text="The moon is made of rock"), "m", OP)
    store.drop_other_embeddings(MODEL)
    end = store.latest_vector_change()
    later = list(store.changed_vectors(MODEL, middle.sequence, end.sequence))
    assert {v.claim_id: v.embedding for v in later} == {a.id: None, b.id: None, c.id: None}
    assert list(store.changed_vectors(MODEL, end.sequence, end.sequence)) == []
    assert store.vector_change_at(end.sequence + 1000) is None


@pytest.mark.semantic
def test_the_dense_index_reads_every_live_vector_once_in_blocks(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The matcher's matrix holds each live claim's vector in storage order, read a block at a
    time into one allocation; a claim added while it reads (more vectors than the count it
    started from) makes the matrix grow rather than lose or misplace rows."""
    import numpy as np

    from verifiers.matching import semantic

    claims = [
        store.add_claim(make_fields(f"Claim number {n} about rivers", guild_id=n % 2 or None), "t")
        for n in range(7)
    ]
    store.put_embeddings(
        "some-model/v1",
        [
            (c.id, StoredEmbedding(f"h{n}", vector(*[n] * semantic.DIMENSIONS)))
            for n, c in enumerate(claims)
        ],
    )
    store.retire_claim(claims[2].id, "t", OP)
    live = [n for n in range(7) if n != 2]
    monkeypatch.setattr(semantic, "LOAD_BLOCK", 2)
    for count in (store.claim_count_for_search(), 3):  # 3: four claims came in meanwhile
        monkeypatch.setattr(store, "claim_count_for_search", lambda count=count: count)
        index = semantic.DenseIndex.load(store, "some-model/v1")
        assert index.ids == [claims[n].id for n in live]
        assert index.matrix.shape == (6, semantic.DIMENSIONS)
        assert index.matrix[:, 0].tolist() == [float(n) for n in live]
        assert np.array_equal(index.matrix.min(axis=1), index.matrix.max(axis=1))
        assert index.guilds.tolist() == [-1 if n % 2 == 0 else 1 for n in live]
        assert index.hashes == [f"h{n}" for n in live]
