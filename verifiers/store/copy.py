"""Moving a whole database to another one (SQLite ↔ PostgreSQL, or the same kind), losslessly.

Every table (but the vectors' change feed, `NOT_COPIED`) is copied row for row with its keys:
claim ids and pks, flag, audit, draft and article ids, timestamps, versions and authorship all
stay as they were, so links and flag numbers people have seen keep working. The copy is
checked before it is committed: each table's rows are written out in a canonical form (one
JSON array per row, in key order, values normalised: UTC timestamps with microseconds, ISO
dates, true/false) and the target's count and SHA-256 over that dump must equal the
source's. A mismatch rolls the whole copy back.

The target must be empty, unless `replace` is given: then what it held is deleted in the same
transaction (so a failed copy leaves it as it was). A copy never merges two databases.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TextIO

from verifiers.domain.errors import Conflict, InvalidInput
from verifiers.store.ports import Store
from verifiers.store.sql.values import ts
from verifiers.store.sqlite.store import SqliteStore

BATCH = 1_000


@dataclass(frozen=True, slots=True)
class Table:
    """A table as the copy sees it: its key and its columns with their kinds.

    Kinds: "i" integer, "t" text, "b" boolean, "ts" timestamp, "d" date, "x" bytes.
    """

    name: str
    key: str
    columns: tuple[tuple[str, str], ...]
    identity: bool = True  # PostgreSQL numbers new rows from a sequence on `key`

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.columns]


def _cols(spec: str) -> tuple[tuple[str, str], ...]:
    return tuple((part.split(":")[0], part.split(":")[1]) for part in spec.split())


# In the order rows must be inserted (referenced tables first).
TABLES: tuple[Table, ...] = (
    Table("claims", "pk", _cols(
        "pk:i id:t text:t status:t explanation:t claimant:t claim_date:d summary:t external_id:t"
        " guild_id:i created_at:ts created_by:t updated_at:ts updated_by:t version:i retired:b"
        " seed_hash:t"
    )),
    Table("sources", "id", _cols(
        "id:i claim_pk:i position:i url:t publisher:t title:t published:d quote:t role:t"
    )),
    Table("audit", "id", _cols("id:i claim_pk:i at:ts actor:t action:t field:t old:t new:t")),
    Table("flags", "id", _cols(
        "id:i claim_pk:i kind:t guild_id:i user_id:t reason:t evidence_url:t message_text:t"
        " state:t created_at:ts resolved_at:ts resolved_by:t resolution_note:t"
        " account_created_at:ts member_joined_at:ts held:t group_dismissed:b"
    )),
    Table("guild_settings", "guild_id", _cols(
        "guild_id:i data:t updated_at:ts updated_by:t"
    ), identity=False),
    Table("articles", "id", _cols(
        "id:i guild_id:i url:t content_hash:t title:t publisher:t ingested_at:ts ingested_by:t"
    )),
    Table("drafts", "id", _cols(
        "id:i article_id:i guild_id:i position:i text:t status:t reason:t explanation:t"
        " claimant:t claim_date:d quote:t sources:t state:t created_at:ts created_by:t"
        " decided_at:ts decided_by:t decision_note:t claim_id:t version:i"
    )),
    Table("source_checks", "url", _cols(
        "url:t state:t checked_at:ts http_status:i detail:t content_hash:t baseline_at:ts"
    ), identity=False),
    Table("notifications", "id", _cols(
        "id:i user_id:t guild_id:i claim_id:t flag_id:i kind:t message:t state:t created_at:ts"
        " claimed_at:ts claimed_by:t finished_at:ts error:t"
    )),
    Table("claim_embeddings", "claim_pk, model", _cols(
        "claim_pk:i model:t text_hash:t vector:x"
    ), identity=False),
)  # fmt: skip

# Tables left out: the claim vectors' change feed is bookkeeping of the database it is in (the
# target's triggers record the copy's vectors as they are written, under its own ids).
NOT_COPIED = frozenset({"vector_changes"})


# -- canonical values ----------------------------------------------------------------------------
def _canonical(kind: str, value: Any) -> Any:
    """A value as the dump shows it, whichever backend it came from."""
    if value is None:
        return None
    if kind == "ts":
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        return ts(moment)
    if kind == "d":
        return (value if isinstance(value, date) else date.fromisoformat(str(value))).isoformat()
    if kind == "b":
        return bool(value)
    if kind == "i":
        return int(value)
    if kind == "x":
        return bytes(value).hex()
    return str(value)


def _for_sqlite(kind: str, value: Any) -> Any:
    if kind == "x" and value is not None:
        return bytes.fromhex(value)
    return int(value) if kind == "b" and value is not None else value


def _for_postgres(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "ts":
        return datetime.fromisoformat(value)
    if kind == "d":
        return date.fromisoformat(value)
    if kind == "x":
        return bytes.fromhex(value)
    return value


def dump_line(row: Iterable[Any]) -> str:
    return json.dumps(list(row), ensure_ascii=False, separators=(",", ":")) + "\n"


@dataclass(frozen=True, slots=True)
class TableCheck:
    name: str
    rows: int
    sha256: str


class _Digest:
    def __init__(self, name: str) -> None:
        self.name = name
        self.rows = 0
        self._hash = hashlib.sha256()

    def add(self, row: list[Any]) -> None:
        self.rows += 1
        self._hash.update(dump_line(row).encode("utf-8"))

    def check(self) -> TableCheck:
        return TableCheck(self.name, self.rows, self._hash.hexdigest())


# -- the two backends -----------------------------------------------------------------------------
class _Side:
    """One open transaction on one store, reading and writing canonical rows."""

    def __init__(self, store: Store, conn: Any) -> None:
        self.store = store
        self.conn = conn
        self.postgres = not isinstance(store, SqliteStore)

    def rows(self, table: Table) -> Iterator[list[Any]]:
        order = f'{table.key} COLLATE "C"' if table.key == "url" and self.postgres else table.key
        query = f"SELECT {', '.join(table.names)} FROM {table.name} ORDER BY {order}"
        kinds = [kind for _, kind in table.columns]
        if self.postgres:
            from psycopg.rows import tuple_row

            cursor = self.conn.cursor(name=f"claimbot_copy_{table.name}", row_factory=tuple_row)
            cursor.itersize = BATCH
        else:
            cursor = self.conn.cursor()
        try:
            cursor.execute(query)
            for row in cursor:
                yield [_canonical(k, v) for k, v in zip(kinds, row, strict=True)]
        finally:
            cursor.close()

    def count(self, table: Table) -> int:
        row = self.conn.execute(f"SELECT count(*) AS n FROM {table.name}").fetchone()
        return int(row["n"] if self.postgres else row[0])

    def delete_all(self) -> None:
        for table in reversed(TABLES):
            self.conn.execute(f"DELETE FROM {table.name}")

    def write(self, table: Table, rows: list[list[Any]]) -> None:
        kinds = [kind for _, kind in table.columns]
        columns = ", ".join(table.names)
        if not self.postgres:
            marks = ", ".join("?" * len(kinds))
            self.conn.executemany(
                f"INSERT INTO {table.name} ({columns}) VALUES ({marks})",
                [[_for_sqlite(k, v) for k, v in zip(kinds, row, strict=True)] for row in rows],
            )
            return
        with (
            self.conn.cursor() as cur,
            cur.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row([_for_postgres(k, v) for k, v in zip(kinds, row, strict=True)])

    def finish(self) -> None:
        """Let PostgreSQL number new rows after the copied ones."""
        if not self.postgres:
            return
        for table in TABLES:
            if table.identity:
                self.conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{table.key}'),"
                    f" coalesce(max({table.key}), 0) + 1, false) FROM {table.name}"
                )


@contextmanager
def _reading(store: Store) -> Iterator[_Side]:
    with store._read() as conn:  # type: ignore[attr-defined]
        yield _Side(store, conn)


@contextmanager
def _writing(store: Store) -> Iterator[_Side]:
    with store._write() as conn:  # type: ignore[attr-defined]
        yield _Side(store, conn)


# -- the copy --------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CopyReport:
    tables: list[TableCheck]


def _same_database(source: Store, target: Store) -> bool:
    if isinstance(source, SqliteStore) and isinstance(target, SqliteStore):
        return source.path.resolve() == target.path.resolve()
    source_at = getattr(source, "target", None)
    target_at = getattr(target, "target", None)
    return source_at is not None and target_at is not None and source_at == target_at


def copy_database(
    source: Store,
    target: Store,
    *,
    replace: bool = False,
    progress: Callable[[str, int], None] = lambda table, rows: None,
) -> CopyReport:
    """Copy every row of `source` into `target` in one transaction, checked before commit."""
    if _same_database(source, target):
        raise InvalidInput("the source and the target are the same database")
    theirs, ours = source.migration_status(), target.migration_status()
    if theirs.applied != ours.applied or theirs.pending or ours.pending:
        raise InvalidInput(
            "the two databases are at different schema versions; run 'claimbot migrate"
            " --upgrade' on both first"
        )
    checks: list[TableCheck] = []
    with ExitStack() as stack:
        src = stack.enter_context(_reading(source))
        dst = stack.enter_context(_writing(target))
        held = {t.name: n for t in TABLES if (n := dst.count(t))}
        if held and not replace:
            summary = ", ".join(f"{n} {name}" for name, n in held.items())
            raise Conflict(
                f"the target database is not empty ({summary}): copy into an empty database,"
                " or add --replace to discard what it holds"
            )
        if held:
            dst.delete_all()
        for table in TABLES:
            digest = _Digest(table.name)
            batch: list[list[Any]] = []
            for row in src.rows(table):
                digest.add(row)
                batch.append(row)
                if len(batch) >= BATCH:
                    dst.write(table, batch)
                    batch = []
            if batch:
                dst.write(table, batch)
            checks.append(digest.check())
            progress(table.name, digest.rows)
        dst.finish()
        for expected in checks:
            table = next(t for t in TABLES if t.name == expected.name)
            written = _Digest(table.name)
            for row in dst.rows(table):
                written.add(row)
            if written.check() != expected:
                raise Conflict(
                    f"the copy of table {table.name} does not match its source"
                    f" ({written.rows} rows written, {expected.rows} read); nothing was copied"
                )
    target.refresh_statistics()
    target.reindex()  # the target's search index held what it held before
    return CopyReport(checks)


def table_checks(store: Store) -> list[TableCheck]:
    """Row count and SHA-256 of the canonical dump of every table."""
    checks = []
    with _reading(store) as side:
        for table in TABLES:
            digest = _Digest(table.name)
            for row in side.rows(table):
                digest.add(row)
            checks.append(digest.check())
    return checks


def write_dump(store: Store, out: TextIO) -> None:
    """The canonical dump itself: each table's name on a line of its own, then its rows."""
    with _reading(store) as side:
        for table in TABLES:
            out.write(f"# {table.name} {json.dumps(table.names)}\n")
            for row in side.rows(table):
                out.write(dump_line(row))
