"""SQLite plumbing shared by `SqliteStore` and its flag methods.

Opening and checking the file, connection pragmas, yoyo migrations, explicit transactions
(`BEGIN IMMEDIATE` for writes, so writers queue on `busy_timeout` instead of failing halfway),
scope checks, and converting rows to the domain models.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
import secrets
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yoyo
from yoyo.exceptions import LockTimeout

from verifiers.errors import (
    ClaimbotError,
    ConfigError,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from verifiers.models import AuditEntry, Claim, ClaimFields, Source, utcnow
from verifiers.store.base import MigrationStatus, Scope

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000
MIGRATIONS = "package:verifiers.store:migrations/sqlite"
CHUNK = 500  # ids per `IN (...)` list, well under SQLite's bound-parameter limit
SEED_ACTOR = "seed"


# -- opening -----------------------------------------------------------------------------------
def check_database_path(path: Path) -> None:
    """Refuse, in one line, a path that cannot be or is not a SQLite database."""
    if path.is_dir():
        raise ConfigError(f"database path {path} is a folder, not a file")
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
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        raise ConfigError(f"cannot open database {path}: {exc}") from None
    return conn


def check_ours(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse to add tables to another program's SQLite database."""
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    ours = "claims" in names or any(n.startswith(("_yoyo", "yoyo_")) for n in names)
    if names and not ours:
        raise ConfigError(
            f"{path} is a SQLite database of another program (no claimbot tables):"
            " refusing to change it"
        )


def _yoyo_uri(path: Path) -> str:
    # yoyo opens "file:<path>?cache=shared" as a URI, so %-escape anything special in the path.
    return "sqlite:///" + quote(str(path.resolve()))


@contextmanager
def _yoyo_backend(path: Path) -> Iterator[Any]:
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
        try:
            with backend.lock():
                pending = backend.to_apply(migrations)
                backend.apply_migrations(pending)
        except LockTimeout as exc:
            raise ConfigError(f"cannot migrate database {path}: {exc}") from None
        except sqlite3.DatabaseError as exc:
            raise ConfigError(f"cannot migrate database {path}: {exc}") from None
    applied = [m.id for m in pending]
    if applied:
        log.info("database %s: applied migrations %s", path, ", ".join(applied))
    return applied


def migration_status(path: Path) -> MigrationStatus:
    migrations = yoyo.read_migrations(MIGRATIONS)
    with _yoyo_backend(path) as backend:
        done = set(backend.get_applied_migration_hashes())
    return MigrationStatus(
        applied=[m.id for m in migrations if m.hash in done],
        pending=[m.id for m in migrations if m.hash not in done],
    )


# -- values ------------------------------------------------------------------------------------
CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # a NUL would end FTS5's query string early
CLAIM_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")


def new_claim_id() -> str:
    """`c` + 8 lowercase base32 characters (40 random bits)."""
    return "c" + base64.b32encode(secrets.token_bytes(5)).decode("ascii").lower()


def check_claim_id(claim_id: str) -> str:
    if not isinstance(claim_id, str) or not CLAIM_ID.fullmatch(claim_id):
        raise InvalidInput(
            f"invalid claim id {short(str(claim_id))!r}: use 1-64 letters, digits, '.', '_', ':'"
            " or '-', starting with a letter or digit"
        )
    return claim_id


def check_actor(actor: str) -> str:
    actor = str(actor or "").strip()
    if not actor:
        raise InvalidInput("every change needs an actor (who made it)")
    return actor


def seed_hash(fields: ClaimFields) -> str:
    """A stable hash of a seed row's content, to tell whether the seed changed."""
    data = fields.model_dump(mode="json", exclude={"guild_id"})
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def fts_query(terms: Iterable[str]) -> str:
    """An FTS5 query OR-ing the terms, each quoted as a string: user text is never syntax."""
    quoted = []
    for term in dict.fromkeys(CONTROL.sub(" ", str(t)).strip() for t in terms):
        if term:
            quoted.append('"' + term.replace('"', '""') + '"')
    return " OR ".join(quoted)


def plain_word(term: str) -> bool:
    return term.isascii() and term.isalnum()


def like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def column_value(name: str, value: Any) -> Any:
    if name == "claimant" and not value:
        return None
    return as_text(value)


def ts(moment: datetime) -> str:
    """A timestamp as sortable UTC ISO 8601 text with a fixed width."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def now_ts() -> str:
    return ts(utcnow())


def as_text(value: object) -> str | None:
    """A field value as stored in a column and shown in audit history."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "value"):  # StrEnum
        return str(value.value)
    return str(value)


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def marks(count: int) -> str:
    return ", ".join("?" * count)


def short(text: str, limit: int = 40) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def source_row(claim_pk: int, position: int, source: Source) -> tuple[Any, ...]:
    return (
        claim_pk,
        position,
        None if source.url is None else str(source.url),
        source.publisher,
        source.title,
        as_text(source.published),
        source.quote,
        as_text(source.role),
    )


SOURCE_INSERT = (
    "INSERT INTO sources (claim_pk, position, url, publisher, title, published, quote, role)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
AUDIT_INSERT = (
    "INSERT INTO audit (claim_pk, at, actor, action, field, old, new) VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def source_from_row(row: sqlite3.Row) -> Source:
    return Source.model_validate(
        {
            "url": row["url"],
            "publisher": row["publisher"],
            "title": row["title"],
            "published": row["published"],
            "quote": row["quote"],
            "role": row["role"],
        }
    )


def claim_from_row(row: sqlite3.Row, sources: list[Source]) -> Claim:
    return Claim.model_validate(
        {
            "id": row["id"],
            "text": row["text"],
            "status": row["status"],
            "explanation": row["explanation"],
            "claimant": row["claimant"],
            "claim_date": row["claim_date"],
            "summary": row["summary"],
            "sources": sources,
            "external_id": row["external_id"],
            "guild_id": row["guild_id"],
            "created_at": row["created_at"],
            "created_by": row["created_by"],
            "updated_at": row["updated_at"],
            "updated_by": row["updated_by"],
            "version": row["version"],
            "retired": bool(row["retired"]),
        }
    )


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

    # -- claims ------------------------------------------------------------------------------
    def _claim_row(self, conn: sqlite3.Connection, claim_id: str, scope: Scope) -> sqlite3.Row:
        """The claim's row if `scope` may see it; NotFound alike for missing and invisible."""
        row = conn.execute("SELECT * FROM claims WHERE id = ?", (str(claim_id),)).fetchone()
        if row is None or not scope.can_see(row["guild_id"]):
            raise NotFound(f"no claim with id {short(claim_id)}")
        return row

    def _changeable_row(
        self,
        conn: sqlite3.Connection,
        claim_id: str,
        scope: Scope,
        expected_version: int | None = None,
        *,
        allow_retired: bool = False,
    ) -> sqlite3.Row:
        """The claim's row if `scope` may change it (NotFound / PermissionDenied / Conflict)."""
        row = self._claim_row(conn, claim_id, scope)
        if not scope.can_change(row["guild_id"]):
            raise PermissionDenied(
                f"claim {row['id']} is global: only the bot operator can change it"
            )
        if expected_version is not None and row["version"] != expected_version:
            raise Conflict(
                f"claim {row['id']} was changed meanwhile (now version {row['version']});"
                " reload and try again"
            )
        if row["retired"] and not allow_retired:
            raise Conflict(f"claim {row['id']} is retired and can no longer be changed")
        return row

    def _sources_for(self, conn: sqlite3.Connection, pks: Sequence[int]) -> dict[int, list[Source]]:
        found: dict[int, list[Source]] = {}
        for part in chunks(pks):
            rows = conn.execute(
                f"SELECT * FROM sources WHERE claim_pk IN ({marks(len(part))})"
                " ORDER BY claim_pk, position",
                tuple(part),
            )
            for row in rows:
                found.setdefault(row["claim_pk"], []).append(source_from_row(row))
        return found

    def _claims_from_rows(
        self, conn: sqlite3.Connection, rows: Iterable[sqlite3.Row]
    ) -> list[Claim]:
        rows = list(rows)
        sources = self._sources_for(conn, [row["pk"] for row in rows])
        return [claim_from_row(row, sources.get(row["pk"], [])) for row in rows]

    def _claim_by_pk(self, conn: sqlite3.Connection, pk: int) -> Claim:
        row = conn.execute("SELECT * FROM claims WHERE pk = ?", (pk,)).fetchone()
        return self._claims_from_rows(conn, [row])[0]

    @staticmethod
    def _audit(
        conn: sqlite3.Connection,
        claim_pk: int,
        at: str,
        actor: str,
        action: str,
        field: str | None = None,
        old: object = None,
        new: object = None,
    ) -> None:
        conn.execute(AUDIT_INSERT, (claim_pk, at, actor, action, field, as_text(old), as_text(new)))

    @staticmethod
    def _audit_entry(row: sqlite3.Row, claim_id: str) -> AuditEntry:
        return AuditEntry(
            id=row["id"],
            claim_id=claim_id,
            at=row["at"],
            actor=row["actor"],
            action=row["action"],
            field=row["field"],
            old=row["old"],
            new=row["new"],
        )


BUSY_MESSAGE = "the database is busy right now; try again in a moment"


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    message = str(exc).lower()
    return "database is locked" in message or "database is busy" in message
