"""The base every shared store module builds on: transactions (from the backend), claim rows,
scope checks, sources and audit rows."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from verifiers.domain.errors import Conflict, NotFound, PermissionDenied
from verifiers.domain.models import AuditEntry, Claim, Scope, Source
from verifiers.store.sql.dialect import Db, Dialect
from verifiers.store.sql.values import (
    CLAIM_COLUMNS,
    Row,
    as_text,
    claim_from_row,
    short,
    source_from_row,
)

SOURCE_INSERT = (
    "INSERT INTO sources (claim_pk, position, url, publisher, title, published, quote, role)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
AUDIT_INSERT = (
    "INSERT INTO audit (claim_pk, at, actor, action, field, old, new) VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def scope_sql(scope: Scope, d: Dialect, column: str = "c.guild_id") -> tuple[str, list[Any]]:
    """The claims `scope` may see: global ones and its guild's (the operator: all)."""
    if scope.operator:
        return d.true, []
    return f"({column} IS NULL OR {column} = ?)", [scope.guild_id]


def source_row(claim_pk: int, position: int, source: Source, d: Dialect) -> tuple[Any, ...]:
    return (
        claim_pk,
        position,
        None if source.url is None else str(source.url),
        source.publisher,
        source.title,
        d.day(source.published),
        source.quote,
        as_text(source.role),
    )


class RelationalBase:
    """Transactions come from the backend; the rest is written once for every engine."""

    dialect: Dialect

    @abstractmethod
    def _write(self) -> AbstractContextManager[Any]:
        """One write transaction on the engine's own connection: committed if the block
        returns, rolled back if it raises (also used by `copy` and tests)."""

    @abstractmethod
    def _read(self) -> AbstractContextManager[Any]:
        """One read transaction on the engine's own connection, one snapshot."""

    @contextmanager
    def _writing(self) -> Iterator[Db]:
        """`_write`, speaking the shared SQL."""
        with self._write() as conn:
            yield Db(conn, self.dialect)

    @contextmanager
    def _reading(self) -> Iterator[Db]:
        """`_read`, speaking the shared SQL."""
        with self._read() as conn:
            yield Db(conn, self.dialect)

    @contextmanager
    def _changing_claims(self) -> Iterator[Db]:
        """`_writing`, for a transaction that changes claims (and so writes audit rows).

        It takes the claims' turn before anything else, so such transactions commit one after
        another across processes, each allocating its audit ids after the last one committed:
        the audit ids become visible in order, and a follower of the change feed that has seen
        id n has seen every change up to n. Taken first, before any row lock, so that it can
        never wait for a lock held by someone waiting for it. `_wrote` follows the commit.
        """
        with self._writing() as db:
            db.take_turns("claimbot.claims")
            db.changing_claims = True
            yield db
        self._wrote()

    @contextmanager
    def _changing_vectors(self) -> Iterator[Db]:
        """`_writing`, for a transaction that writes claim vectors (and so, through the
        triggers of migration 0010, rows of the vectors' change feed): it takes the claims'
        turn first, as `_changing_claims` does and for the same reason, so the feed's ids
        commit in order too."""
        with self._writing() as db:
            db.take_turns("claimbot.claims")
            yield db

    def _wrote(self) -> None:
        """Called after a transaction that changed claims committed."""

    # -- claims ------------------------------------------------------------------------------
    def _claim_row(self, db: Db, claim_id: str, scope: Scope, *, lock: str = "") -> Row:
        """The claim's row if `scope` may see it; NotFound alike for missing and invisible.

        `lock` is `db.dialect.lock()` (to change the claim) or `db.dialect.lock("SHARE")`
        (to keep it as it is)."""
        row = db.one(f"SELECT {CLAIM_COLUMNS} FROM claims WHERE id = ? {lock}", (str(claim_id),))
        if row is None or not scope.can_see(row["guild_id"]):
            raise NotFound(f"no claim with id {short(claim_id)}")
        return row

    def _changeable_row(
        self,
        db: Db,
        claim_id: str,
        scope: Scope,
        expected_version: int | None = None,
        *,
        allow_retired: bool = False,
    ) -> Row:
        """The claim's row, locked where the engine locks rows, if `scope` may change it
        (NotFound / PermissionDenied / Conflict)."""
        row = self._claim_row(db, claim_id, scope, lock=db.dialect.lock())
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

    @staticmethod
    def _sources_for(db: Db, pks: Sequence[int]) -> dict[int, list[Source]]:
        found: dict[int, list[Source]] = {}
        rows = db.any_rows(
            "SELECT * FROM sources WHERE {any} ORDER BY claim_pk, position", "claim_pk", pks
        )
        for row in rows:
            found.setdefault(row["claim_pk"], []).append(source_from_row(row))
        return found

    def _claims_from_rows(self, db: Db, rows: Iterable[Row]) -> list[Claim]:
        rows = list(rows)
        sources = self._sources_for(db, [row["pk"] for row in rows])
        return [claim_from_row(row, sources.get(row["pk"], [])) for row in rows]

    def _claim_by_pk(self, db: Db, pk: int) -> Claim:
        row = db.one(f"SELECT {CLAIM_COLUMNS} FROM claims WHERE pk = ?", (pk,))
        return self._claims_from_rows(db, [row] if row else [])[0]

    def _claims_by_pk(self, db: Db, pks: Sequence[int]) -> list[Claim]:
        rows = db.any_rows(f"SELECT {CLAIM_COLUMNS} FROM claims WHERE {{any}}", "pk", pks)
        return self._claims_from_rows(db, sorted(rows, key=lambda row: row["pk"]))

    @staticmethod
    def _audit(
        db: Db,
        claim_pk: int,
        at: object,
        actor: str,
        action: str,
        field: str | None = None,
        old: object = None,
        new: object = None,
    ) -> None:
        row = (claim_pk, at, actor, action, field, as_text(old), as_text(new))
        db.audit_rows(AUDIT_INSERT, [row])

    @staticmethod
    def _audit_entry(row: Row, claim_id: str) -> AuditEntry:
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
