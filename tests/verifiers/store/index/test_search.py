"""The stores' search index as users meet it, on both backends: a write is searchable at once in
the process that made it and within a second in every other one; concurrent writers lose
nothing; the index is rebuilt when missing, damaged or made from another database."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import make_fields
from tests.paths import REPO
from verifiers.domain.errors import InvalidInput
from verifiers.domain.models import ClaimChanges, Scope
from verifiers.store import Store, open_store

ROOT = REPO
OP = Scope.everything()

WRITER = """
import sys
from tests.conftest import make_fields
from verifiers.store import open_store
with open_store(sys.argv[1], seed=False) as store:
    print("ready", flush=True)
    for line in sys.stdin:
        store.add_claim(make_fields(line.strip()), "other")
        print("written", flush=True)
"""


def found(store: Store, words: str, scope: Scope = OP) -> list[str]:
    return [c.claim_id for c in store.search(words.split(), scope)]


def folder_of(store: Store) -> Path:
    return store.search_index_folder  # type: ignore[attr-defined,no-any-return]


def test_a_write_is_searchable_at_once_in_its_process(database_url: str) -> None:
    with open_store(database_url, seed=False) as store:
        assert found(store, "walrus") == []
        claim = store.add_claim(make_fields("A walrus napped on the ferry ramp"), "m")
        assert found(store, "walrus") == [claim.id]
        store.update_claim(claim.id, ClaimChanges(text="A seal napped on the ramp"), "m", OP)
        assert found(store, "walrus") == []
        assert found(store, "seal") == [claim.id]
        store.retire_claim(claim.id, "m", OP)
        assert found(store, "seal") == []
        assert store.claim_count_for_search() == 0
        store.unretire_claim(claim.id, "m", OP)
        assert found(store, "seal") == [claim.id]


def test_another_process_write_is_searchable_within_a_second(database_url: str) -> None:
    with open_store(database_url, seed=False) as store:
        assert found(store, "albatross") == []  # the index exists and is current
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, database_url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        try:
            assert writer.stdin is not None
            assert writer.stdout is not None
            assert writer.stdout.readline() == "ready\n", writer.stderr.read()
            waits = []
            for word in ("albatross", "pelican", "cormorant"):
                writer.stdin.write(f"An {word} stole a sandwich on the pier\n")
                writer.stdin.flush()
                assert writer.stdout.readline() == "written\n"
                acknowledged = time.monotonic()
                while not found(store, word):
                    assert time.monotonic() - acknowledged < 5, f"{word} never became searchable"
                    time.sleep(0.01)
                waits.append(time.monotonic() - acknowledged)
            writer.stdin.close()
            assert writer.wait(timeout=30) == 0, writer.stderr.read()
        finally:
            writer.kill()
            writer.wait()
    assert max(waits) < 1.0, waits  # the promise: within a second in every process


def test_concurrent_writers_and_a_follower_lose_no_change(database_url: str) -> None:
    """Writers in several connections while another store keeps catching up: each change is
    applied once its audit id is visible, so ids committed out of order would be lost."""
    with open_store(database_url, seed=False) as follower:
        follower.search(["anything"], OP)
        writers = [open_store(database_url, seed=False) for _ in range(3)]
        stop = threading.Event()
        errors: list[BaseException] = []

        def write(store: Store, n: int) -> None:
            try:
                for i in range(25):
                    store.add_claim(make_fields(f"Parade number w{n}x{i} crossed the bridge"), "m")
            except BaseException as exc:  # reported below
                errors.append(exc)

        def follow() -> None:
            while not stop.is_set():
                follower.search(["parade"], OP)

        threads = [threading.Thread(target=write, args=(s, n)) for n, s in enumerate(writers)]
        watcher = threading.Thread(target=follow)
        watcher.start()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        stop.set()
        watcher.join()
        for store in writers:
            store.close()
        assert not errors
        time.sleep(0.6)  # past the follower's next look at the feed
        assert follower.claim_count_for_search() == 75
        for n in range(3):
            for i in range(25):
                assert len(found(follower, f"w{n}x{i}")) == 1, f"w{n}x{i}"


def test_a_change_committed_after_a_later_one_is_not_lost(database_url: str) -> None:
    """A transaction holds an early audit id while another one commits a later id, and a
    follower catches up in between: were the later one allowed to commit first, the follower
    would move past the early id before it became visible and never index that change."""
    with (
        open_store(database_url, seed=False) as early,
        open_store(database_url, seed=False) as late,
        open_store(database_url, seed=False) as follower,
    ):
        assert found(follower, "heron") == []
        thread = threading.Thread(
            target=late.add_claim, args=(make_fields("A stork landed on the chimney"), "m")
        )
        # The store's own transaction for changing claims, held open on purpose.
        with early._changing_claims() as db:  # type: ignore[attr-defined]
            early._insert_claims(db, [(None, make_fields("A heron landed on the roof"), None)], "m")  # type: ignore[attr-defined]
            thread.start()
            time.sleep(0.3)  # the later write has had time to commit, were it let through
            follower.search(["stork"], OP)
            time.sleep(0.6)
            follower.search(["stork"], OP)  # the follower looks at the feed again
        thread.join(timeout=30)
        time.sleep(0.6)
        assert len(found(follower, "heron")) == 1
        assert len(found(follower, "stork")) == 1


def test_a_missing_or_damaged_index_is_rebuilt_on_open(database_url: str) -> None:
    with open_store(database_url, seed=False) as store:
        claim = store.add_claim(make_fields("Otters juggle pebbles at dawn"), "m")
        assert found(store, "otters") == [claim.id]
        folder = folder_of(store)
    shutil.rmtree(folder)
    with open_store(database_url, seed=False) as store:
        assert found(store, "otters") == [claim.id]
    (folder / "state.json").write_text("{not json", encoding="utf-8")
    with open_store(database_url, seed=False) as store:
        assert found(store, "otters") == [claim.id]
    for generation in folder.glob("g-*"):
        for file in generation.iterdir():
            if file.suffix in (".idx", ".store", ".term"):
                file.write_bytes(b"\0" * 64)
    with open_store(database_url, seed=False) as store:
        assert found(store, "otters") == [claim.id]


def test_an_index_of_another_database_is_rebuilt(tmp_path: Path) -> None:
    """A backup restored over the database: the index beside it was made from other claims,
    though its sequence may be the database's."""
    backup = tmp_path / "backup.db"
    live = tmp_path / "claims.db"
    with open_store(str(live), seed=False) as store:
        first = store.add_claim(make_fields("Herons nest on the old mill"), "m")
        store.backup(str(backup))
        store.update_claim(first.id, ClaimChanges(text="Storks nest on the old mill"), "m", OP)
        assert found(store, "herons") == []
    shutil.copy(backup, live)  # the restore: the index still holds the storks
    with open_store(str(live), seed=False) as store:
        assert found(store, "herons") == [first.id]
        assert found(store, "storks") == []


def test_reindex_rebuilds_with_progress(database_url: str) -> None:
    with open_store(database_url, seed=False) as store:
        store.add_claims([make_fields(f"Claim number {n} about tides") for n in range(2500)], "m")
        told: list[int] = []
        assert store.reindex(told.append) == 2500
        assert sum(told) == 2500
        assert len(found(store, "tides")) == 50
        assert store.claim_count_for_search() == 2500


def test_the_index_lives_beside_a_sqlite_file_and_in_the_cache_for_postgres(
    database_url: str, cache_folder: Path
) -> None:
    with open_store(database_url, seed=False) as store:
        store.search(["x"], OP)
        folder = folder_of(store)
        if database_url.startswith("postgresql"):
            assert folder.is_relative_to(cache_folder)
        else:
            assert store.index_folder == Path(database_url).with_name("claims.db-index")
        assert folder == store.index_folder / "lexical"
        assert (folder / "state.json").is_file()


def test_an_index_in_an_old_folder_is_removed_and_rebuilt_in_the_store_folder(
    tmp_path: Path,
) -> None:
    database_url = str(tmp_path / "claims.db")
    with open_store(database_url, seed=False) as store:
        claim = store.add_claim(make_fields("Herons nest in the old mill"), "m")
        assert found(store, "herons") == [claim.id]
        index = store.index_folder
    # Where earlier versions kept the indexes: the search index, and a model's vectors.
    shutil.move(index / "lexical", tmp_path / "claims.db-search")
    (tmp_path / "claims.db.vectors" / "abc").mkdir(parents=True)
    (tmp_path / "claims.db.vectors" / "abc" / "state.json").write_text("{}")
    (tmp_path / "claims.db-notes").mkdir()  # not an index: left alone
    with open_store(database_url, seed=False) as store:
        assert not (tmp_path / "claims.db-search").exists()
        assert not (tmp_path / "claims.db.vectors").exists()
        assert (tmp_path / "claims.db-notes").is_dir()
        assert found(store, "herons") == [claim.id]
        assert (index / "lexical" / "state.json").is_file()


def test_an_import_leaves_the_index_current_and_a_refused_one_leaves_it_as_it_was(
    database_url: str,
) -> None:
    with open_store(database_url, seed=False) as store:
        otter = store.add_claim(make_fields("Otters juggle pebbles at dawn"), "m")
        assert found(store, "otters") == [otter.id]
        rows = [make_fields(f"Kingfisher number {n} dives at noon") for n in range(30)]
        report = store.import_claims(rows, "m")
        assert report.added == 30
        status = store.index_status()
        assert (status.search_claims, status.search_current) == (31, True)
        assert len(found(store, "kingfisher")) == 30
        bad = [make_fields("Cormorants dry their wings"), {"text": ""}]
        with pytest.raises(InvalidInput, match="claim #2"):
            store.import_claims(bad, "m")
        assert found(store, "cormorants") == []
        status = store.index_status()
        assert (status.search_claims, status.search_current) == (31, True)


def test_a_guild_never_finds_another_guilds_claim(database_url: str) -> None:
    with open_store(database_url, seed=False) as store:
        mine = store.add_claim(make_fields("Lanterns float on the river", guild_id=1), "m")
        theirs = store.add_claim(make_fields("Lanterns float on the lake", guild_id=2), "m")
        shared = store.add_claim(make_fields("Lanterns float everywhere"), "m")
        assert set(found(store, "lanterns", Scope.guild(1))) == {mine.id, shared.id}
        assert set(found(store, "lanterns", Scope.guild(2))) == {theirs.id, shared.id}
        assert set(found(store, "lanterns")) == {mine.id, theirs.id, shared.id}


def test_a_follower_far_behind_rebuilds_instead_of_applying(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("verifiers.store.index.search.REBUILD_AFTER", 5)
    with (
        open_store(database_url, seed=False) as follower,
        open_store(database_url, seed=False) as writer,
    ):
        first = writer.add_claim(make_fields("Beavers built a dam by the station"), "m")
        assert found(follower, "beavers") == [first.id]
        generations = {p.name for p in folder_of(follower).glob("g-*")}
        made = writer.add_claims([make_fields(f"Beaver number {n} swam") for n in range(8)], "m")
        follower._search.changed()  # type: ignore[attr-defined]  # as its listener would
        assert len(found(follower, "beaver")) == 8
        assert {p.name for p in folder_of(follower).glob("g-*")}.isdisjoint(generations)
        assert follower.claim_count_for_search() == 1 + len(made)
