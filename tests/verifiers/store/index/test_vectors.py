"""The approximate nearest-claim index on real files: built, saved, reopened, updated after claims
are added, edited and retired, scopes kept, damaged or foreign folders rebuilt, and the same
answers as exact search on a small set; then wired into the semantic matcher with a real store.
"""

from __future__ import annotations

import importlib.util
import shutil
import threading
import time
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
# Found, not imported: the index module imports usearch itself, after ONNX Runtime (see
# `test_a_process_that_opens_an_index_first_can_still_load_the_onnx_encoder`).
if importlib.util.find_spec("usearch") is None:
    pytest.skip("usearch is not installed", allow_module_level=True)

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


def test_moving_only_the_recorded_change_rewrites_only_the_state(
    tmp_path: Path, claims: tuple[np.ndarray, list[int | None]]
) -> None:
    """A catch-up that changes nothing the index holds (another model's vectors, a vector
    written again as it was) records the new change without writing the graph again; once
    another process has saved other files meanwhile, everything is written anew."""
    folder = tmp_path / "vectors"
    index = vectors.VectorIndex.create(folder, MODEL, DIM, items(*claims), 3, fingerprint="3@then")
    files = {p.name for p in folder.iterdir()}
    index.apply([], [], 5, fingerprint="5@now")
    assert {p.name for p in folder.iterdir()} == files
    index.close()
    reopened = vectors.VectorIndex.open(folder, MODEL, DIM)
    assert (reopened.position, len(reopened)) == ((5, "5@now"), 600)
    # Another process saved the folder (a change of its own) while this one held its copy.
    other = vectors.VectorIndex.open(folder, MODEL, DIM)
    other.apply([], ["c1"], 6, fingerprint="6@later")
    other.close()
    reopened.apply([], [], 7, fingerprint="7@last")
    reopened.close()
    last = vectors.VectorIndex.open(folder, MODEL, DIM)
    assert (last.position, len(last)) == ((7, "7@last"), 600)  # this process's claims, whole
    assert "c1" in last


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


# -- caught up from the store's change feed for vectors --------------------------------------------


@pytest.fixture
def processes() -> Iterator[None]:
    """Each test's vector indexes its own; `restart` stands for a process starting anew."""
    from verifiers.matching import semantic

    semantic._vector_indexes.clear()
    yield
    for index in semantic._vector_indexes.values():
        index.close()
    semantic._vector_indexes.clear()


def restart() -> None:
    from verifiers.matching import semantic

    for index in semantic._vector_indexes.values():
        index.close()
    semantic._vector_indexes.clear()


class Counted:
    """A store whose full reads of the vectors (`iter_embeddings`) are counted."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.full_reads = 0

    def iter_embeddings(self, model: str) -> Iterator[tuple[str, int | None, StoredEmbedding]]:
        self.full_reads += 1
        return self._store.iter_embeddings(model)

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)


def padded(row: np.ndarray) -> np.ndarray:
    out = np.zeros(384, dtype=np.float32)
    out[: len(row)] = row
    return out


def spread(store: Store, n: int = 40) -> tuple[list[str], np.ndarray]:
    """`n` claims (global and of guild 1) with vectors, and `n` queries: query i nearest claim i
    (a vector written later as 3 times query i comes before it)."""
    rng = np.random.default_rng(11)
    queries = unit(rng, n)
    ids = [
        store.add_claim(make_fields(f"Claim {i} about tides", guild_id=i % 2 or None), "t").id
        for i in range(n)
    ]
    for claim_id, q in zip(ids, queries, strict=True):
        put(store, claim_id, f"h-{claim_id}", 2 * q)
    return ids, queries


def top(store: Store, q: np.ndarray, scope: Scope = OP, k: int = 1) -> list[str]:
    from verifiers.matching import semantic

    return semantic.vector_index(store, MODEL).search(padded(q), k, scope)


def test_changes_made_elsewhere_are_caught_up_without_reading_every_vector(
    database_url: str, processes: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One process saved the index; another store handle then re-embeds a claim, retires one,
    adds and embeds one, edits one (its vector goes) and moves one to another guild. The next
    process finds every change, reading only the changed claims and building nothing."""
    with open_store(database_url, seed=False) as first:
        ids, queries = spread(first)
        assert [top(first, q) for q in queries] == [[i] for i in ids]
    restart()
    with open_store(database_url, seed=False) as other:
        put(other, ids[0], "h-again", 3 * queries[5])  # re-embedded: now nearest query 5
        other.retire_claim(ids[1], "m", OP)
        added = other.add_claim(make_fields("A new claim about tides"), "m")
        put(other, added.id, "h-new", 3 * queries[2])
        other.update_claim(ids[3], ClaimChanges(text="Claim three, reworded"), "m", OP)
        with other._changing_claims() as db:  # type: ignore[attr-defined]
            db.execute("UPDATE claims SET guild_id = 9 WHERE id = ?", (ids[4],))  # moved
    restart()
    monkeypatch.setattr(vectors.VectorIndex, "create", None)  # building would fail
    with open_store(database_url, seed=False) as later:
        store = Counted(later)
        assert top(store, queries[5], k=2) == [ids[0], ids[5]]  # type: ignore[arg-type]
        assert ids[1] not in top(store, queries[1], k=40)  # type: ignore[arg-type]
        assert top(store, queries[2], k=2) == [added.id, ids[2]]  # type: ignore[arg-type]
        assert ids[3] not in top(store, queries[3], k=40)  # type: ignore[arg-type]
        assert top(store, queries[4], Scope.guild(9)) == [ids[4]]  # type: ignore[arg-type]
        assert ids[4] not in top(store, queries[4], Scope.guild(1), k=40)  # type: ignore[arg-type]
        assert store.full_reads == 0
    # The position it reached was saved: the next process has nothing to catch up.
    restart()
    with open_store(database_url, seed=False) as again:
        from verifiers.matching import semantic

        index = semantic.vector_index(again, MODEL)
        assert index.position == astuple(again.latest_vector_change())
        assert semantic.catch_up(index, again, MODEL) == 0


def astuple(change: object) -> tuple[int, str]:
    return change.sequence, change.fingerprint  # type: ignore[attr-defined]


def test_an_index_naming_no_change_is_compared_once_then_followed(
    tmp_path: Path, processes: None
) -> None:
    """An index saved before the store had a change feed for vectors (its state names no row)
    is compared with every stored vector once; from then on it follows the feed."""
    import json

    from verifiers.matching import semantic

    db = str(tmp_path / "claims.db")
    with open_store(db, seed=False) as first:
        ids, queries = spread(first)
        folder = semantic.vector_index(first, MODEL).folder
        restart()
        state = json.loads((folder / "state.json").read_text())
        del state["fingerprint"]
        state["sequence"] = 0
        (folder / "state.json").write_text(json.dumps(state))
        put(first, ids[0], "h-again", 3 * queries[7])
    for expected_reads in (1, 0):
        restart()
        with open_store(db, seed=False) as later:
            store = Counted(later)
            assert top(store, queries[7], k=2) == [ids[0], ids[7]]  # type: ignore[arg-type]
            assert store.full_reads == expected_reads


def test_an_index_of_another_database_is_rebuilt(
    database_url: str, processes: None, tmp_path: Path
) -> None:
    """The database is made anew (a SQLite file deleted, a PostgreSQL schema dropped) and holds
    other claims, its feed as far along as the one the index followed: the index beside it
    names a row this database does not have, and is rebuilt from it."""
    with open_store(database_url, seed=False) as first:
        ids, queries = spread(first, 10)
        index = top(first, queries[0])
        assert index == [ids[0]]
        folder = first.index_folder
    restart()
    if database_url.endswith(".db"):
        Path(database_url).unlink()
    else:
        import psycopg

        from verifiers.store.postgres.db import parse_postgres_url

        target = parse_postgres_url(database_url)
        with psycopg.connect(target.conninfo, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {target.schema} CASCADE")
    with open_store(database_url, seed=False) as anew:
        assert anew.index_folder == folder
        others, _ = spread(anew, 10)  # the same vectors, other claims
        assert top(anew, queries[0]) == [others[0]]
        assert not set(ids) & set(top(anew, queries[0], k=10))


def test_an_index_of_a_restored_backup_is_rebuilt(tmp_path: Path, processes: None) -> None:
    """A backup restored over the database: the feed row the index names exists again once
    the restored database has changed as often, but it is another row."""
    live, backup = tmp_path / "claims.db", tmp_path / "backup.db"
    with open_store(str(live), seed=False) as first:
        ids, queries = spread(first, 10)
        first.backup(str(backup))
        put(first, ids[0], "h-moved", 3 * queries[9])
        assert top(first, queries[9], k=2) == [ids[0], ids[9]]
    restart()
    shutil.copy(backup, live)
    with open_store(str(live), seed=False) as restored:
        put(restored, ids[1], "h-moved", 3 * queries[8])  # the feed at the index's row again
        assert top(restored, queries[9]) == [ids[9]]
        assert top(restored, queries[8], k=2) == [ids[1], ids[8]]
        assert top(restored, queries[0]) == [ids[0]]


def test_a_vector_committed_after_a_later_one_is_not_lost(
    database_url: str, processes: None
) -> None:
    """A transaction holds an early change of the vectors' feed while another one would commit
    a later one, and a follower catches up in between: were the later one let through first,
    the follower would move past the early one before it became visible and never see it."""
    from verifiers.matching import semantic

    with (
        open_store(database_url, seed=False) as early,
        open_store(database_url, seed=False) as late,
        open_store(database_url, seed=False) as follower,
    ):
        ids, queries = spread(early, 10)
        index = semantic.vector_index(follower, MODEL)
        vector = padded(3 * queries[9]).astype("<f4").tobytes()
        thread = threading.Thread(target=put, args=(late, ids[1], "h-late", 3 * queries[8]))
        # The store's own transaction for writing vectors, held open on purpose.
        with early._changing_vectors() as db:  # type: ignore[attr-defined]
            db.execute(
                "UPDATE claim_embeddings SET text_hash = ?, vector = ? WHERE claim_pk ="
                " (SELECT pk FROM claims WHERE id = ?)",
                ("h-early", vector, ids[0]),
            )
            thread.start()
            time.sleep(0.3)  # the later write has had time to commit, were it let through
            semantic.catch_up(index, follower, MODEL)
        thread.join(timeout=30)
        semantic.catch_up(index, follower, MODEL)
        assert index.search(padded(queries[9]), 2, OP) == [ids[0], ids[9]]
        assert index.search(padded(queries[8]), 2, OP) == [ids[1], ids[8]]


def test_a_copy_over_the_database_is_caught_up_claim_by_claim(
    database_url: str, processes: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`claimbot copy --replace` deletes every claim of the target and writes the source's: the
    feed names the deleted claims by id, so the target's index drops them and takes the
    copied ones, without a build or a full read."""
    from verifiers.store.copy import copy_database

    with open_store(database_url, seed=False) as target:
        gone, queries = spread(target, 12)
        assert top(target, queries[3]) == [gone[3]]
    restart()
    with open_store(str(tmp_path / "source.db"), seed=False) as source:
        kept = [source.add_claim(make_fields(f"Copied claim {i}"), "t").id for i in range(4)]
        for i, claim_id in enumerate(kept):
            put(source, claim_id, f"h-{claim_id}", 3 * queries[i])
        with open_store(database_url, seed=False) as target:
            copy_database(source, target, replace=True)
    monkeypatch.setattr(vectors.VectorIndex, "create", None)  # building would fail
    with open_store(database_url, seed=False) as target:
        store = Counted(target)
        for i in range(4):
            assert top(store, queries[i]) == [kept[i]]  # type: ignore[arg-type]
        assert set(top(store, queries[3], k=12)) == set(kept)  # type: ignore[arg-type]
        assert store.full_reads == 0


def test_an_index_far_behind_is_rebuilt_rather_than_caught_up(
    tmp_path: Path, processes: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More rows of the feed since its own than claims in the index (every claim embedded
    again): building anew on every core beats adding them one thread at a time."""
    from verifiers.matching import semantic

    monkeypatch.setattr(semantic, "REBUILD_AFTER", 5)
    with open_store(str(tmp_path / "claims.db"), seed=False) as store:
        ids, queries = spread(store, 10)
        assert top(store, queries[0]) == [ids[0]]
        restart()
        put(store, ids[0], "h-few", 3 * queries[1])  # a row behind: caught up
        counted = Counted(store)
        assert top(counted, queries[1], k=2) == [ids[0], ids[1]]  # type: ignore[arg-type]
        assert counted.full_reads == 0
        for i, claim_id in enumerate(ids):  # 10 rows behind, as many as the index holds + 1
            put(store, claim_id, f"h-all-{i}", 3 * queries[(i + 1) % 10])
        put(store, ids[0], "h-last", 4 * queries[5])
        index = semantic._vector_indexes[semantic.vector_folder(store, MODEL)]
        assert semantic.catch_up(index, counted, MODEL) == 10  # type: ignore[arg-type]
        assert counted.full_reads == 1
        assert index.search(padded(queries[5]), 1, OP) == [ids[0]]


def test_vectors_computed_during_a_check_serve_it_when_the_store_is_busy(
    tmp_path: Path, processes: None
) -> None:
    """Writing vectors waits for the claims' turn, which a long import holds: a check that had
    to embed claims uses the vectors it computed even when storing them times out, and a
    matcher's load embedding the few claims without a vector goes on without storing them."""
    from verifiers.domain.errors import Conflict
    from verifiers.matching import semantic

    class Encoder:
        key = MODEL

        def encode(self, texts: list[str]) -> np.ndarray:
            return np.ones((len(texts), 384), dtype=np.float32) / np.sqrt(384)

    class Busy(Counted):
        def put_embeddings(self, model: str, items: object) -> int:
            raise Conflict("the database is busy")

    with open_store(str(tmp_path / "claims.db"), seed=False) as store:
        claim = store.add_claim(make_fields("A claim nobody embedded yet"), "t")
        near = semantic.DenseIndex.load(store, MODEL)
        out = semantic.claim_vectors(near, Busy(store), Encoder(), [claim])  # type: ignore[arg-type]
        assert np.allclose(out[0], 2 / np.sqrt(384))  # the text's vector twice: no summary
        assert store.get_embeddings([claim.id], MODEL) == {}
        # Nor does a matcher's load fail: the claims wait for the next one.
        assert semantic.embed_missing_few(Busy(store), Encoder()) == 0  # type: ignore[arg-type]


def test_a_process_that_opens_an_index_first_can_still_load_the_onnx_encoder(
    tmp_path: Path,
) -> None:
    """usearch's extension loaded before ONNX Runtime's crashed the process at the latter's
    import: the order is fixed by the index module, whatever the process needs first."""
    import subprocess
    import sys

    if importlib.util.find_spec("onnxruntime") is None:
        pytest.skip("onnxruntime is not installed")
    script = (
        "import numpy as np\n"
        "from verifiers.store.index.vectors import VectorIndex\n"
        f"folder = {str(tmp_path / 'v')!r}\n"
        "item = ('c1', None, 'h', np.ones(4, dtype=np.float32) / 2)\n"
        "VectorIndex.create(folder, 'm', 4, [item], 1).close()\n"
        "import onnxruntime\n"
        "print('loaded', onnxruntime.get_device())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("loaded")
