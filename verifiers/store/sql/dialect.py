"""What SQLite and PostgreSQL spell differently, side by side, for the shared store code.

The shared code writes SQL once with `?` placeholders and asks the dialect for the few pieces
that differ; `Db` runs it on either engine's connection. Everything a backend does in its own
way beyond this (connecting, transactions, migrations, writing new claim rows, search) stays in
the backend's modules.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from verifiers.domain.models import utcnow
from verifiers.store.sql.values import Row, as_text, ts

SQLITE_CHUNK = 500  # values per `IN (...)` list, well under SQLite's bound-parameter limit


@dataclass(frozen=True, slots=True)
class Dialect:
    """One engine's spelling of the things the shared SQL cannot write alike."""

    name: str
    true: str  # a condition that always holds: "1" / "true"
    live: str  # claim `c` is not retired
    retired: str  # the value of `retired` for a retired claim
    same: str  # NULL-safe equality: "IS" / "IS NOT DISTINCT FROM"
    like: str  # text search in list_claims: LIKE folds ASCII only on SQLite, ILIKE folds all
    row_locks: bool  # SELECT ... FOR UPDATE exists (PostgreSQL); SQLite's writers queue instead
    returning: bool  # INSERT ... RETURNING gives new ids (PostgreSQL); SQLite reads lastrowid
    arrays: bool  # `= ANY(array)` takes a whole list; otherwise `IN (?, ...)` in chunks
    stamp: Callable[[datetime], Any]  # a timestamp as its column takes it
    day: Callable[[date | str | None], Any]  # a date as its column takes it
    unique_violation: Callable[[BaseException, str, str], bool]  # (exc, table, constraint)
    sql: Callable[[str], str]  # shared SQL (`?` placeholders) as the driver takes it
    take_turns: str = ""  # SQL taking a transaction lock by (name, key); "" where writers queue

    def lock(self, kind: str = "UPDATE", of: str = "") -> str:
        """`FOR UPDATE` / `FOR SHARE` (optionally `OF` one table) where rows can be locked."""
        if not self.row_locks:
            return ""
        return f"FOR {kind}" + (f" OF {of}" if of else "")

    def any_of(self, column: str, values: Sequence[Any]) -> Iterator[tuple[str, list[Any]]]:
        """(condition, params) pairs that together select `column` in `values` (none if empty)."""
        if not values:
            return
        if self.arrays:
            yield f"{column} = ANY(?)", [list(values)]
            return
        for start in range(0, len(values), SQLITE_CHUNK):
            part = list(values[start : start + SQLITE_CHUNK])
            yield f"{column} IN ({', '.join('?' * len(part))})", part

    def now(self) -> Any:
        return self.stamp(utcnow())


@functools.lru_cache(maxsize=512)
def _pyformat(text: str) -> str:
    """psycopg's placeholders are `%s`, so a `%` of the SQL itself is written `%%`."""
    return text.replace("%", "%%").replace("?", "%s")


def _sqlite_unique(exc: BaseException, table: str, constraint: str) -> bool:
    # SQLite names the columns ("UNIQUE constraint failed: flags.claim_pk, ..."), not the index.
    return isinstance(exc, sqlite3.IntegrityError) and f"{table}." in str(exc)


def _postgres_unique(exc: BaseException, table: str, constraint: str) -> bool:
    from psycopg import errors

    return isinstance(exc, errors.UniqueViolation) and exc.diag.constraint_name == constraint


def _pg_day(value: date | str | None) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


SQLITE = Dialect(
    name="sqlite",
    true="1",
    live="c.retired = 0",
    retired="1",
    same="IS",
    like="LIKE",
    row_locks=False,
    returning=False,
    arrays=False,
    stamp=ts,
    day=as_text,
    unique_violation=_sqlite_unique,
    sql=lambda text: text,
)

POSTGRES = Dialect(
    name="postgres",
    true="true",
    live="NOT c.retired",
    retired="true",
    same="IS NOT DISTINCT FROM",
    like="ILIKE",
    row_locks=True,
    returning=True,
    arrays=True,
    stamp=lambda moment: moment,
    day=_pg_day,
    unique_violation=_postgres_unique,
    sql=_pyformat,
    take_turns="SELECT pg_advisory_xact_lock(hashtext(?), hashtext({key}))",
)


class Db:
    """One connection inside one transaction, speaking the shared SQL in its engine's dialect."""

    __slots__ = ("changing_claims", "dialect", "raw")

    def __init__(self, raw: Any, dialect: Dialect) -> None:
        self.raw = raw  # the engine's own connection, for what only that backend does
        self.dialect = dialect
        self.changing_claims = False

    def execute(self, sql: str, params: Iterable[Any] = ()) -> Any:
        return self.raw.execute(self.dialect.sql(sql), tuple(params))

    def one(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        row: Row | None = self.execute(sql, params).fetchone()
        return row

    def all(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        return list(self.execute(sql, params).fetchall())

    def many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        if not rows:
            return
        cursor = self.raw.cursor()
        try:
            cursor.executemany(self.dialect.sql(sql), rows)
        finally:
            cursor.close()

    def insert(self, sql: str, params: Iterable[Any]) -> int:
        """Run an INSERT of one row; the new row's `id`."""
        if self.dialect.returning:
            row = self.one(f"{sql} RETURNING id", params)
            assert row is not None
            return int(row["id"])
        return int(self.execute(sql, params).lastrowid)

    def any_rows(
        self,
        sql: str,
        column: str,
        values: Sequence[Any],
        before: Sequence[Any] = (),
        after: Sequence[Any] = (),
    ) -> list[Row]:
        """Rows of `sql`, whose `{any}` stands for "`column` in `values`", read chunk by chunk
        where the engine needs it; `before` and `after` are the params around that condition."""
        rows: list[Row] = []
        for clause, params in self.dialect.any_of(column, values):
            rows.extend(self.all(sql.format(any=clause), (*before, *params, *after)))
        return rows

    def audit_rows(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Insert audit rows (see `may_write_audit`)."""
        self.may_write_audit()
        self.many(sql, rows)

    def may_write_audit(self) -> None:
        """Audit rows are written only in a transaction that took the claims' turn (see
        `RelationalBase._changing_claims`): elsewhere their ids could commit out of order."""
        if not self.changing_claims:
            raise RuntimeError("audit rows are written only in a transaction changing claims")

    def take_turns(self, name: str, key: str | None = None) -> None:
        """Wait for other processes doing `name` on `key` (None: this schema) to commit."""
        if self.dialect.take_turns:
            sql = self.dialect.take_turns.format(key="current_schema()" if key is None else "?")
            self.execute(sql, (name,) if key is None else (name, key))
