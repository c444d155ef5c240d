"""PostgreSQL plumbing for `PostgresStore`.

Reading the URL, connecting, yoyo migrations (under an advisory lock as well as yoyo's, so
that shard processes starting together neither race to create yoyo's own tables nor time out
while another applies a long migration), transactions and row helpers.

Concurrency rests on PostgreSQL's row locks: a write that changes a claim first locks its row
(`SELECT ... FOR UPDATE`, asked for by the shared code through the dialect), so concurrent
edits queue and each sees the one before it; the version check then runs on the locked row, so
of two edits expecting the same version exactly one wins. Reads run in one REPEATABLE READ
snapshot, like SQLite's read transactions.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import psycopg
import yoyo
from psycopg import errors, sql
from psycopg.rows import dict_row

from verifiers.domain.errors import (
    ClaimbotError,
    ConfigError,
    Conflict,
    InvalidInput,
)
from verifiers.store.records import MigrationStatus
from verifiers.store.sql.migrating import apply_pending, foreign, status_of
from verifiers.store.sql.values import BUSY_MESSAGE, short
from verifiers.store.urls import POSTGRES_SCHEMES

log = logging.getLogger(__name__)

MIGRATIONS = "package:verifiers.store:migrations/postgres"
LOCK_TIMEOUT = "10s"  # how long a write waits for a row another process holds
MIGRATION_LOCK_TIMEOUT = "120s"
CONNECT_TIMEOUT = 10
LOST_MESSAGE = "lost the connection to the database; try again in a moment"
_SCHEMA = re.compile(r"[a-z_][a-z0-9_]{0,62}")


@dataclass(frozen=True, slots=True)
class PgTarget:
    """Where a PostgreSQL store lives: libpq connection URL, schema, and a printable name."""

    conninfo: str
    schema: str
    display: str

    @property
    def server_url(self) -> str:
        """The database's URL without password or schema, to show in a command line."""
        return self.display.split("?")[0]

    @property
    def yoyo_uri(self) -> str:
        parts = urlsplit(self.conninfo)
        query = urlencode([*parse_qsl(parts.query), ("schema", self.schema)])
        return urlunsplit(("postgresql+psycopg", parts.netloc, parts.path, query, ""))


def parse_postgres_url(url: str) -> PgTarget:
    """`postgresql://user:pass@host:port/db?schema=name&sslmode=...` (schema default public)."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        params = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError as exc:
        raise ConfigError(f"cannot read database URL: {exc}") from None
    if parts.scheme.lower() not in POSTGRES_SCHEMES:
        raise ConfigError(f"not a PostgreSQL URL: {short(text)!r}")
    schema = next((value for key, value in params if key == "schema"), "public") or "public"
    if not _SCHEMA.fullmatch(schema):
        raise ConfigError(
            f"schema {short(schema)!r} in the database URL: use lower-case letters, digits and _"
        )
    if not parts.path.strip("/") and not any(key == "dbname" for key, _ in params):
        raise ConfigError("the PostgreSQL URL names no database: add /dbname after the host")
    rest = [(key, value) for key, value in params if key != "schema"]
    conninfo = urlunsplit(("postgresql", parts.netloc, parts.path, urlencode(rest), ""))
    host = parts.hostname or "local socket"
    netloc = host + (f":{parts.port}" if parts.port else "")
    if parts.username:
        netloc = f"{quote(parts.username)}@{netloc}"
    display = urlunsplit(("postgresql", netloc, parts.path, f"schema={schema}", ""))
    return PgTarget(conninfo=conninfo, schema=schema, display=display)


# -- connections -------------------------------------------------------------------------------
def connect(target: PgTarget) -> psycopg.Connection[dict[str, Any]]:
    """An autocommit connection in the store's schema, UTC, with a lock timeout."""
    try:
        conn = psycopg.connect(
            target.conninfo, autocommit=True, row_factory=dict_row, connect_timeout=CONNECT_TIMEOUT
        )
    except psycopg.Error as exc:
        raise ConfigError(f"cannot connect to {target.display}: {first_line(exc)}") from None
    try:
        conn.execute("SET TIME ZONE 'UTC'")
        # The store's statements are short; JIT compiling the costly-looking ones (a count over
        # a common word) takes longer than it saves.
        conn.execute("SET jit = off")
        conn.execute(sql.SQL("SET lock_timeout = {}").format(sql.Literal(LOCK_TIMEOUT)))
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(target.schema)))
    except BaseException:
        conn.close()
        raise
    return conn


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _tables(conn: psycopg.Connection[Any], schema: str) -> set[str]:
    rows = conn.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,)
    ).fetchall()
    return {row["table_name"] if isinstance(row, Mapping) else row[0] for row in rows}


@contextmanager
def _migration_lock(target: PgTarget) -> Iterator[psycopg.Connection[dict[str, Any]]]:
    """Hold an advisory lock for this schema (released by PostgreSQL if the process dies)."""
    conn = connect(target)
    try:
        conn.execute(sql.SQL("SET lock_timeout = {}").format(sql.Literal(MIGRATION_LOCK_TIMEOUT)))
        conn.execute(
            "SELECT pg_advisory_lock(hashtext('claimbot.migrate'), hashtext(%s))",
            (target.schema,),
        )
        yield conn
    except errors.LockNotAvailable:
        raise ConfigError(
            f"cannot migrate {target.display}: another process has been migrating it for"
            f" over {MIGRATION_LOCK_TIMEOUT}"
        ) from None
    finally:
        conn.close()  # ends the session, and with it the advisory lock


def _check_ours(conn: psycopg.Connection[Any], target: PgTarget) -> None:
    if foreign(_tables(conn, target.schema)):
        raise ConfigError(
            f"schema {target.schema} of {target.display} holds another program's tables"
            " (no claimbot tables): refusing to change it; choose another ?schema="
        )


def apply_migrations(target: PgTarget) -> list[str]:
    """Create the schema if needed and apply pending migrations; returns the ids applied."""
    migrations = yoyo.read_migrations(MIGRATIONS)
    with _migration_lock(target) as conn:
        create = sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(target.schema))
        conn.execute(create)
        _check_ours(conn, target)
        try:
            backend = yoyo.get_backend(target.yoyo_uri)
        except psycopg.Error as exc:
            raise ConfigError(f"cannot migrate {target.display}: {first_line(exc)}") from None
        try:
            return apply_pending(backend, migrations, target.display, psycopg.Error, first_line)
        finally:
            backend.connection.close()


def migration_status(target: PgTarget) -> MigrationStatus:
    """Applied and pending migrations, without creating anything in a fresh database."""
    migrations = yoyo.read_migrations(MIGRATIONS)
    conn = connect(target)
    try:
        fresh = "_yoyo_migration" not in _tables(conn, target.schema)
        done: set[str] = set()
        if not fresh:
            rows = conn.execute("SELECT migration_hash FROM _yoyo_migration").fetchall()
            done = {row["migration_hash"] for row in rows}
    finally:
        conn.close()
    return status_of(migrations, done)


# -- transactions ------------------------------------------------------------------------------
class PostgresBase:
    """One connection, guarded by a lock so the store can be shared between threads."""

    target: PgTarget

    def __init__(self, target: PgTarget) -> None:
        self.target = target
        self._lock = threading.RLock()
        self._conn: psycopg.Connection[dict[str, Any]] | None = None
        self._closed = False

    # -- connection --------------------------------------------------------------------------
    @property
    def conn(self) -> psycopg.Connection[dict[str, Any]]:
        """The open connection, reconnecting once if the server dropped it while idle."""
        if self._closed:
            raise ClaimbotError(f"the database {self.target.display} is closed")
        if self._conn is None or self._conn.closed or self._conn.broken:
            if self._conn is not None:
                self._conn.close()
            self._conn = connect(self.target)
        return self._conn

    def _begin(self, statement: str) -> psycopg.Connection[dict[str, Any]]:
        """Start a transaction; a connection found dead here is replaced, since nothing ran."""
        for attempt in (1, 2):
            conn = self.conn
            try:
                conn.execute(statement)
                return conn
            except psycopg.OperationalError:
                conn.close()
                if attempt == 2:
                    raise ClaimbotError(LOST_MESSAGE) from None
        raise AssertionError("unreachable")

    def _write(self) -> AbstractContextManager[psycopg.Connection[dict[str, Any]]]:
        """One write transaction: committed if the block returns, rolled back if it raises."""
        return self._transaction("BEGIN")

    def _read(self) -> AbstractContextManager[psycopg.Connection[dict[str, Any]]]:
        """One read-only snapshot, so that several queries see the same state."""
        return self._transaction("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[psycopg.Connection[dict[str, Any]]]:
        """Database errors leave as the one-line errors of `translated`."""
        with self._lock:
            conn = self._begin(begin)
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                self._rollback(conn)
                error = translated(exc)
                if error is exc:
                    raise
                raise error from None

    def _rollback(self, conn: psycopg.Connection[Any]) -> None:
        if conn.closed or conn.broken:
            return
        try:
            conn.execute("ROLLBACK")
        except psycopg.Error:
            log.exception("rollback failed on %s", self.target.display)
            conn.close()


def translated(exc: BaseException) -> BaseException:
    """A database error as the one-line `ClaimbotError` a user can act on; others unchanged."""
    if isinstance(exc, errors.IntegrityError):
        return Conflict(f"the change breaks a database rule ({first_line(exc)})")
    if isinstance(exc, errors.LockNotAvailable | errors.DeadlockDetected):
        return Conflict(BUSY_MESSAGE)
    if isinstance(exc, errors.SerializationFailure):
        return Conflict(BUSY_MESSAGE)
    if isinstance(exc, psycopg.DataError):
        return InvalidInput(f"the value cannot be stored: {first_line(exc)}")
    if isinstance(exc, psycopg.OperationalError):
        return ClaimbotError(LOST_MESSAGE)
    return exc
