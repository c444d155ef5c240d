"""What only the SQLite store does: its file, pragmas, FTS5 tables, online backup, durability.

Everything every backend must do alike is in test_store_contract.py, which runs on SQLite too.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import make_fields
from verifiers.domain.errors import ConfigError, InvalidInput
from verifiers.domain.models import Scope
from verifiers.store import open_store
from verifiers.store.sqlite.db import apply_migrations
from verifiers.store.sqlite.store import SqliteStore

OP = Scope.everything()


def index_ok(store: SqliteStore) -> None:
    """The search index holds exactly the live claims."""
    assert store.claim_count_for_search() == store.count_claims(OP)
    claims = list(store.iter_claims(OP))
    for claim in claims[:: max(1, len(claims) // 50)]:  # 50 at most, spread out
        assert claim.id in [c.claim_id for c in store.search(claim.text.split(), OP, limit=500)]


# -- opening and migrations (the rest is in test_store_contract.py) -----------------------------
def test_new_database_has_no_full_text_tables_and_migrates_once(db_path: Path) -> None:
    """Search is the index beside the file: FTS5's tables and triggers are gone."""
    with SqliteStore(db_path) as store:
        names = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
    assert not {n for n in names if n.startswith(("claims_fts", "claims_vocab", "claims_live"))}
    assert apply_migrations(db_path) == []


def test_connection_pragmas(store: SqliteStore) -> None:
    pragma = lambda name: store.conn.execute(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
    assert pragma("journal_mode") == "wal"
    assert pragma("foreign_keys") == 1
    assert pragma("synchronous") == 1  # NORMAL
    assert pragma("busy_timeout") >= 1000
    assert pragma("cache_size") == -65_536  # 64 MB: imports re-read far fewer pages
    assert pragma("journal_size_limit") == 64 * 2**20
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        store.conn.execute(
            "INSERT INTO sources (claim_pk, position, url, publisher, role)"
            " VALUES (999, 1, 'https://x.example/', 'X', 'original')"
        )


def test_a_big_import_does_not_leave_a_big_write_ahead_log_behind(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bot keeps its connection open while `claimbot import` writes a whole file in one
    transaction; the log that transaction grew must shrink again, not stay on disk."""
    monkeypatch.setattr("verifiers.store.sqlite.db.WAL_LIMIT_BYTES", 256 * 1024)
    wal = Path(f"{db_path}-wal")
    with SqliteStore(db_path) as bot:
        bot.count_claims(Scope.everything())
        with SqliteStore(db_path) as cli:
            claims = (make_fields(f"Claim {n} about the flood in town {n}") for n in range(12_000))
            assert cli.import_claims(claims, actor="importer").added == 12_000
            grown = wal.stat().st_size
        assert grown > 4 * 1024 * 1024  # past the 1,000 pages that start a checkpoint
        bot.add_claim(make_fields("One more claim after the import"), actor="mod")
        assert wal.stat().st_size <= 256 * 1024
        assert bot.count_claims(Scope.everything()) == 12_001


def test_pruning_the_outbox_reads_only_delivered_rows(store: SqliteStore) -> None:
    plan = " ".join(
        row[3]
        for row in store.conn.execute(
            "EXPLAIN QUERY PLAN DELETE FROM notifications"
            " WHERE state = 'delivered' AND finished_at < ?",
            ("2026-01-01",),
        )
    )
    assert "USING INDEX notifications_delivered" in plan, plan


def test_threads_opening_one_database_at_once_all_get_it(tmp_path: Path) -> None:
    """yoyo's shared-cache connections failed "database schema is locked" when two threads of
    one process opened the store together (about 1 try in 8 with 4 threads); each try here
    opens one database from 4 threads released at once."""
    failures: list[str] = []
    for attempt in range(30):
        path = tmp_path / f"claims-{attempt}.db"
        open_store(str(path), seed=False).close()
        start = threading.Barrier(4)

        def open_it(path: Path = path, start: threading.Barrier = start) -> None:
            start.wait()
            try:
                with open_store(str(path), seed=False) as store:
                    store.count_claims(Scope.everything())
            except ConfigError as exc:
                failures.append(str(exc))

        threads = [threading.Thread(target=open_it) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []


def test_missing_folder_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "nope" / "claims.db"
    with pytest.raises(ConfigError, match=re.escape(str(path.parent))):
        SqliteStore(path)


def test_a_file_that_is_not_sqlite_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 20)
    with pytest.raises(ConfigError) as info:
        SqliteStore(path)
    assert str(info.value) == f"{path} is not a SQLite database"
    with pytest.raises(ConfigError, match="folder"):
        SqliteStore(tmp_path)


def test_another_programs_database_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE recipes (name TEXT)")
    other.close()
    with pytest.raises(ConfigError, match="another program"):
        SqliteStore(path)
    with sqlite3.connect(path) as other:
        names = [r[0] for r in other.execute("SELECT name FROM sqlite_master")]
    other.close()
    assert names == ["recipes"]


def test_open_store_urls(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"unsupported .* use a SQLite file path or a postgresql"):
        open_store("mysql://localhost/claims")
    with pytest.raises(ConfigError):
        open_store(":memory:")
    path = tmp_path / "via-url.db"
    with open_store(f"sqlite:///{path}", seed=False) as store:
        store.add_claim(make_fields(), "alice")
    with open_store(str(path), seed=False) as store:
        assert store.count_claims(OP) == 1


# -- backup and durability ---------------------------------------------------------------------
def test_backup_makes_a_usable_copy(store: SqliteStore, tmp_path: Path) -> None:
    claim = store.add_claim(make_fields(), "a")
    dest = tmp_path / "backup.db"
    store.backup(str(dest))
    with SqliteStore(dest) as copy:
        assert copy.get_claim(claim.id, OP) == claim
        assert [h.claim_id for h in copy.search(["moon"], OP)] == [claim.id]
    with pytest.raises(InvalidInput, match="exists"):
        store.backup(str(dest))
    store.add_claim(make_fields("Another one here"), "a")
    store.backup(str(dest), overwrite=True)
    with SqliteStore(dest) as copy:
        assert copy.count_claims(OP) == 2
    assert not list(tmp_path.glob("*.partial"))


WRITER = textwrap.dedent(
    """
    import sys
    from verifiers.domain.models import ClaimFields
    from verifiers.store.sqlite.store import SqliteStore
    store = SqliteStore(sys.argv[1])
    n = 0
    while True:
        claim = store.add_claim(ClaimFields(text=f"claim number {n}"), "writer")
        print(claim.id, flush=True)
        n += 1
    """
)


def test_kill_9_loses_no_acknowledged_write(db_path: Path) -> None:
    SqliteStore(db_path).close()
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db_path)], stdout=subprocess.PIPE, text=True
    )
    acknowledged = []
    assert proc.stdout is not None
    deadline = time.monotonic() + 30
    while len(acknowledged) < 200 and time.monotonic() < deadline:
        acknowledged.append(proc.stdout.readline().strip())
    proc.kill()
    proc.wait()
    with SqliteStore(db_path) as store:
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        index_ok(store)
        assert set(store.get_claims(acknowledged)) == set(acknowledged)
