"""SQLite plumbing for `SqliteStore`.

Opening and checking the file, connection pragmas, yoyo migrations, explicit transactions
(`BEGIN IMMEDIATE` for writes, so writers queue on `busy_timeout` instead of failing halfway)
and FTS5 query text. The store's logic itself is shared with PostgreSQL (`sql/`).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yoyo

from verifiers.domain.errors import (
    ClaimbotError,
    ConfigError,
    Conflict,
)
from verifiers.paths import default_database_path
from verifiers.store.records import MigrationStatus
from verifiers.store.sql.migrating import apply_pending, foreign, status_of
from verifiers.store.sql.values import BUSY_MESSAGE

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000
# Page cache per connection (SQLite's default is 2 MB). An import writes claims with random ids,
# so the id index and the full-text segments are touched all over; with 2 MB most pages are
# read back from the OS for every chunk. 64 MB: import 5,100 -> 7,000 claims/s at 100k claims
# (docs/storage.md); checks unchanged. It fills only as pages are used: one connection per
# store, so at most 64 MB more per process.
CACHE_KIB = 65_536
# The write-ahead log grows to hold a whole transaction: importing a million claims in one
# leaves a 645 MB log, which SQLite deletes only when the last connection closes (never, while
# the bot runs) and otherwise reuses at full size. With this limit the first commit after a
# checkpoint cuts it back.
WAL_LIMIT_BYTES = 64 * 2**20
MIGRATIONS = "package:verifiers.store:migrations/sqlite"


# -- opening -----------------------------------------------------------------------------------
def check_database_path(path: Path) -> None:
    """Refuse, in one line, a path that cannot be or is not a SQLite database."""
    if path.is_dir():
        raise ConfigError(f"database path {path} is a folder, not a file")
    if path == default_database_path() and not path.parent.exists():
        path.parent.mkdir(parents=True)  # the user data folder is ours to create
    if not path.parent.is_dir():
        raise ConfigError(f"cannot create database {path}: folder {path.parent} does not exist")
    try:
        if path.exists() and path.stat().st_size > 0:
            with path.open("rb") as handle:
                header = handle.read(len(SQLITE_HEADER))
            if header != SQLITE_HEADER:
                raise ConfigError(f"{path} is not a SQLite database")
    except OSError as exc:
        raise ConfigError(f"cannot read database {path}: {exc.strerror or exc}") from None


def connect(path: Path) -> sqlite3.Connection:
    """Open `path` (creating it) in autocommit mode with the pragmas every connection needs."""
    conn: sqlite3.Connection | None = None
    try:
        conn = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
        )
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            log.warning("database %s: WAL mode unavailable, using %s", path, mode)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        conn.execute(f"PRAGMA journal_size_limit = {WAL_LIMIT_BYTES}")
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        raise ConfigError(f"cannot open database {path}: {exc}") from None
    return conn


def check_ours(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse to add tables to another program's SQLite database."""
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if foreign(names):
        raise ConfigError(
            f"{path} is a SQLite database of another program (no claimbot tables):"
            " refusing to change it"
        )


def _yoyo_uri(path: Path) -> str:
    # yoyo opens "file:<path>?cache=shared" as a URI, so %-escape anything special in the path.
    return "sqlite:///" + quote(str(path.resolve()))


# yoyo's connections open SQLite in shared-cache mode, where two threads of one process get
# "database schema is locked" at once instead of waiting, and yoyo's lock row only tells
# processes apart: threads opening a store together took turns failing (1 in ~8 tries with 4
# threads). Within a process they now take turns here; between processes yoyo's lock holds.
_YOYO_TURN = threading.Lock()


@contextmanager
def _yoyo_backend(path: Path) -> Iterator[Any]:
    with _YOYO_TURN:
        try:
            backend = yoyo.get_backend(_yoyo_uri(path))
        except sqlite3.DatabaseError as exc:
            raise ConfigError(f"cannot migrate database {path}: {exc}") from None
        try:
            yield backend
        finally:
            backend.connection.close()


def apply_migrations(path: Path) -> list[str]:
    """Apply pending migrations under yoyo's lock; returns the ids applied (usually none)."""
    migrations = yoyo.read_migrations(MIGRATIONS)
    with _yoyo_backend(path) as backend:
        return apply_pending(
            backend, migrations, str(path), sqlite3.DatabaseError, where=f"database {path}"
        )


def migration_status(path: Path) -> MigrationStatus:
    migrations = yoyo.read_migrations(MIGRATIONS)
    with _yoyo_backend(path) as backend:
        return status_of(migrations, set(backend.get_applied_migration_hashes()))


class SqliteBase:
    """One connection, guarded by a lock so the store can be shared between threads."""

    path: Path

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None

    # -- transactions ------------------------------------------------------------------------
    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ClaimbotError(f"the database {self.path} is closed")
        return self._conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed if the block returns, rolled back if it raises."""
        with self._lock:
            conn = self.conn
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if _is_busy(exc):
                    raise Conflict(BUSY_MESSAGE) from None
                raise
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    try:
                        conn.execute("ROLLBACK")
                    except sqlite3.Error:
                        log.exception("rollback failed on %s", self.path)
                if isinstance(exc, sqlite3.IntegrityError):
                    raise Conflict(f"the change breaks a database rule ({exc})") from None
                if isinstance(exc, sqlite3.OperationalError) and _is_busy(exc):
                    raise Conflict(BUSY_MESSAGE) from None
                raise

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """One read transaction, so that several queries see the same snapshot."""
        with self._lock:
            conn = self.conn
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                if conn.in_transaction:
                    conn.execute("COMMIT")


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    message = str(exc).lower()
    return "database is locked" in message or "database is busy" in message
