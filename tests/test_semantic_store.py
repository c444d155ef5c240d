"""Claim embeddings in the store, on SQLite and PostgreSQL alike (no model needed): stored and
read back, replaced, listed when missing, dropped when a claim's words change, scoped reads
left to the matcher, unknown ids skipped."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import make_fields, postgres_schema
from verifiers.models import ClaimChanges
from verifiers.store import Scope, Store, open_store
from verifiers.store.base import StoredEmbedding

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
