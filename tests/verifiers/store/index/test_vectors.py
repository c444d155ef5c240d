"""The approximate nearest-claim index on real files: built, saved, reopened, updated after claims
are added, edited and retired, scopes kept, damaged or foreign folders rebuilt, and the same
answers as exact search on a small set; then wired into the semantic matcher with a real store.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import make_fields
from verifiers.domain.models import ClaimChanges, Scope
from verifiers.store import Store, open_store
from verifiers.store.records import StoredEmbedding

pytestmark = pytest.mark.semantic

np = pytest.importorskip("numpy")
vectors = pytest.importorskip("verifiers.store.index.vectors")
pytest.importorskip("usearch")

DIM = 32
MODEL = "test-model/v1"
OP = Scope.everything()


@pytest.fixture(autouse=True)
def one_build_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """A graph built on one thread is the same every run (on several, insertion order varies);
    the tests compare its answers with exact search's, one for one."""
    monkeypatch.setattr(vectors, "BUILD_THREADS", 1)


def unit(rng: np.random.Generator, n: int) -> np.ndarray:
    rows = rng.standard_normal((n, DIM)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def exact(
    matrix: np.ndarray, guilds: list[int | None], q: np.ndarray, k: int, scope: Scope
) -> list[str]:
    """The answer of exact search: every visible claim scored, best first."""
    scores = matrix @ q
    order = [int(i) for i in np.argsort(-scores, kind="stable") if scope.can_see(guilds[i])]
    return [f"c{i}" for i in order[:k]]


@pytest.fixture
def claims() -> tuple[np.ndarray, list[int | None]]:
    rng = np.random.default_rng(7)
    matrix = unit(rng, 600) + unit(rng, 600)  # text + summary, as the matcher stores them
    guilds = [None if i % 3 == 0 else (1 if i % 3 == 1 else 2) for i in range(600)]
    return matrix, guilds


def items(matrix: np.ndarray, guilds: list[int | None]) -> Iterator[vectors.Item]:
    for i, row in enumerate(matrix):
        yield f"c{i}", guilds[i], f"h{i}", row


def build(folder: Path, claims: tuple[np.ndarray, list[int | None]], sequence: int = 3) -> object:
    matrix, guilds = claims
    return vectors.VectorIndex.create(folder, MODEL, DIM, items(matrix, guilds), sequence)


def test_built_saved_and_reopened_it_answers_as_exact_search(
    tmp_path: Path, claims: tuple[np.ndarray, list[int | None]]
) -> None:
    matrix, guilds = claims
    folder = tmp_path / "vectors"
    build(folder, claims).close()
    index = vectors.VectorIndex.open(folder, MODEL, DIM)
    assert (len(index), index.sequence, index.model) == (600, 3, MODEL)
    assert index.text_hash("c5") == "h5"
    assert np.array_equal(index.vector("c5"), matrix[5])
    queries = unit(np.random.default_rng(1), 20)
    for scope in (OP, Scope.guild(1), Scope.guild(2), Scope()):
        for q in queries:
            assert index.search(q, 10, scope) == exact(matrix, guilds, q, 10, scope)
    q = queries[0]
    top = exact(matrix, guilds, q, 12, OP)
    assert index.search(q, 10, OP, exclude=set(top[:2])) == top[2:12]
    # Every file it wrote is named by its state; nothing half-written is left.
    names = {p.name for p in folder.iterdir()}
    assert len(names - {"state.json", "writer.lock"}) == 3
    assert not [n for n in names if n.endswith(".partial")]


def test_changes_are_applied_in_place_and_saved(
    tmp_path: Path, claims: tuple[np.ndarray, list[int | None]]
) -> None:
    folder = tmp_path / "vectors"
    index = build(folder, claims)
    q = unit(np.random.default_rng(2), 1)[0]
    first = index.search(q, 1, OP)[0]
    edited = q * 2  # an edited claim whose new vector is the query's
    written = index.apply(
        [("c9", None, "h9-new", edited), ("new", 1, "h-new", 1.9 * q)], [first], sequence=4
    )
    assert written == 2
    assert index.search(q, 2, OP) == ["c9", "new"]
    assert first not in index.search(q, 600, OP)
    assert index.search(q, 1, Scope.guild(2)) != ["new"]
    index.close()
    reopened = vectors.VectorIndex.open(folder, MODEL, DIM)
    assert (reopened.sequence, len(reopened)) == (4, 600)
    assert reopened.search(q, 2, OP) == ["c9", "new"]
    assert reopened.text_hash("c9") == "h9-new"
    assert first not in reopened
    assert np.array_equal(reopened.vector("new"), (1.9 * q).astype(np.float32))
    with pytest.raises(ValueError, match="behind"):
        reopened.apply([], [], sequence=3)


@pytest.mark.parametrize("scan_from", [20_000, 10])
def test_a_guild_never_sees_another_guilds_claim(
    tmp_path: Path,
    claims: tuple[np.ndarray, list[int | None]],
    scan_from: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Even when the other guild's claims are all the nearest: the search over-fetches, drops
    them, and falls back to exact search over what the guild may see (its vectors read one by
    one, or, when many, by reading the file through)."""
    monkeypatch.setattr(vectors, "SCAN_FROM", scan_from)
    monkeypatch.setattr(vectors, "ADD_BLOCK", 256)  # the file read through in several blocks
    matrix, guilds = claims
    rng = np.random.default_rng(3)
    q = unit(rng, 1)[0]
    crowd = [(f"x{i}", 2, f"hx{i}", 2 * q + 0.01 * unit(rng, 1)[0]) for i in range(400)]
    index = build(tmp_path / "vectors", claims)
    index.apply(crowd, [], sequence=4)
    mine = index.search(q, 10, Scope.guild(1))
    assert mine == exact(matrix, guilds, q, 10, Scope.guild(1))
    assert index.search(q, 10, Scope()) == exact(matrix, guilds, q, 10, Scope())
    assert all(c.startswith("x") for c in index.search(q, 10, Scope.guild(2)))


def test_a_damaged_or_foreign_folder_is_refused(
    tmp_path: Path, claims: tuple[np.ndarray, list[int | None]]
) -> None:
    folder = tmp_path / "vectors"
    with pytest.raises(vectors.IndexUnusable, match="no vector index"):
        vectors.VectorIndex.open(folder, MODEL, DIM)
    build(folder, claims).close()
    with pytest.raises(vectors.IndexUnusable, match="another-model"):
        vectors.VectorIndex.open(folder, "another-model/v1", DIM)
    with pytest.raises(vectors.IndexUnusable):
        vectors.VectorIndex.open(folder, MODEL, DIM + 1)
    state = folder / "state.json"
    text = state.read_text()
    graph = next(folder.glob("g-*.usearch"))
    graph.write_bytes(graph.read_bytes()[:1000])  # cut short
    with pytest.raises(vectors.IndexUnusable, match="damaged"):
        vectors.VectorIndex.open(folder, MODEL, DIM)
    state.write_text(text[:20])
    with pytest.raises(vectors.IndexUnusable, match="unreadable"):
        vectors.VectorIndex.open(folder, MODEL, DIM)


# -- wired into the semantic matcher -----------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    from verifiers.matching import semantic

    semantic._vector_indexes.clear()  # each test a process of its own
    with open_store(str(tmp_path / "claims.db"), seed=False) as opened:
        yield opened
    for index in semantic._vector_indexes.values():
        index.close()
    semantic._vector_indexes.clear()


def put(store: Store, claim_id: str, text_hash: str, vector: np.ndarray) -> None:
    padded = np.zeros(384, dtype="<f4")
    padded[: len(vector)] = vector
    store.put_embeddings(MODEL, [(claim_id, StoredEmbedding(text_hash, padded.tobytes()))])


def test_the_matcher_finds_the_same_claims_through_the_index_as_exactly(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from verifiers.matching import semantic

    rng = np.random.default_rng(5)
    matrix = unit(rng, 90) + unit(rng, 90)
    claims = [
        store.add_claim(make_fields(f"Claim {n} about rivers", guild_id=n % 3 or None), "t")
        for n in range(90)
    ]
    for claim, row in zip(claims, matrix, strict=True):
        put(store, claim.id, f"h-{claim.id}", row)
    queries = np.zeros((10, 384), dtype=np.float32)
    queries[:, :DIM] = unit(rng, 10)
    assert isinstance(semantic.nearest_claims(store, MODEL, 91), semantic.DenseIndex)
    near = semantic.nearest_claims(store, MODEL, 90)
    assert isinstance(near, semantic.ApproximateIndex)
    folder = tmp_path / "claims.db-index" / "vectors"
    assert [p.parent for p in folder.glob("*/state.json")] == [semantic.vector_folder(store, MODEL)]

    def agrees() -> None:
        exact_index = semantic.DenseIndex.load(store, MODEL)
        index = semantic.nearest_claims(store, MODEL, 0)
        for scope in (OP, Scope.guild(1), Scope()):
            for q in queries:
                assert index.top(q, 10, scope) == exact_index.top(q, 10, scope)
        for claim_id, h, row in zip(
            exact_index.ids, exact_index.hashes, exact_index.matrix, strict=True
        ):
            assert np.array_equal(index.stored(claim_id, h), row)
        assert index.stored(exact_index.ids[0], "stale") is None

    agrees()
    # A moderator retires one claim and edits another (its vector goes); one is added.
    store.retire_claim(claims[0].id, "t", OP)
    store.update_claim(claims[1].id, ClaimChanges(text="Claim one about lakes"), "t", OP)
    assert store.get_embeddings([claims[1].id], MODEL) == {}
    put(store, claims[1].id, "h-edited", queries[0, :DIM] * 2)  # the new words' hash
    added = store.add_claim(make_fields("A new claim about seas"), "t")
    put(store, added.id, f"h-{added.id}", queries[1, :DIM] * 2)
    agrees()
    index = semantic.vector_index(store, MODEL)
    assert claims[0].id not in index
    assert added.id in index
    assert semantic.nearest_claims(store, MODEL, 0).top(queries[0], 1, OP) == [claims[1].id]

    # Another process starts: it opens the saved index, and builds nothing.
    semantic._vector_indexes.pop(folder / index.folder.name).close()

    def no_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("rebuilt a saved index")

    monkeypatch.setattr(vectors.VectorIndex, "create", no_build)
    agrees()
    monkeypatch.undo()

    # A damaged state file: the next process rebuilds the index from the store.
    semantic._vector_indexes.pop(index.folder).close()
    (index.folder / "state.json").write_text("{", encoding="utf-8")
    agrees()
    assert vectors.VectorIndex.open(index.folder, MODEL, 384).model == MODEL
