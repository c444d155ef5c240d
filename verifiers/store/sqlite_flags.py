"""Flags for the SQLite store: disputes and false-match reports, their withdrawal and resolution.

A guild's flags are visible only to that guild (the operator sees all). The partial unique index
`flags_one_open` lets at most one OPEN flag exist per (claim, user, kind), even when two
connections race; the losing insert becomes a `Conflict`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from pydantic import HttpUrl, TypeAdapter, ValidationError

from verifiers.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from verifiers.models import MAX_CLAIM_CHARS, Claim, Flag, FlagKind, FlagState, Status
from verifiers.notifications import ClaimEvent, Flagger, Notifier, first_per_user
from verifiers.store.base import Scope
from verifiers.store.sqlite_db import as_text, chunks, marks, now_ts, short
from verifiers.store.sqlite_notifications import SqliteNotifications, insert_notifications

MAX_REASON_CHARS = 1_000
_URL = TypeAdapter(HttpUrl)

FLAG_SELECT = "SELECT f.*, c.id AS claim_id FROM flags f JOIN claims c ON c.pk = f.claim_pk"


def _flag_scope(scope: Scope) -> tuple[str, list[Any]]:
    if scope.operator:
        return "1", []
    return "f.guild_id IS ?", [scope.guild_id]


def _flag(row: sqlite3.Row) -> Flag:
    return Flag(
        id=row["id"],
        claim_id=row["claim_id"],
        kind=row["kind"],
        guild_id=row["guild_id"],
        user_id=row["user_id"],
        reason=row["reason"],
        evidence_url=row["evidence_url"],
        message_text=row["message_text"],
        state=row["state"],
        created_at=row["created_at"],
        resolved_at=row["resolved_at"],
        resolved_by=row["resolved_by"],
        resolution_note=row["resolution_note"],
    )


def _enum(kind: type[Any], value: object, what: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        raise InvalidInput(f"unknown {what} {short(str(value))!r}") from None


class SqliteFlags(SqliteNotifications):
    def add_flag(
        self,
        claim_id: str,
        *,
        user_id: str,
        guild_id: int | None,
        reason: str,
        kind: FlagKind = FlagKind.DISPUTE,
        evidence_url: str | None = None,
        message_text: str = "",
    ) -> Flag:
        user_id = str(user_id or "").strip()
        if not user_id:
            raise InvalidInput("a flag needs the id of the user who raised it")
        kind = _enum(FlagKind, kind, "flag kind")
        reason = (reason or "").strip()
        if len(reason) > MAX_REASON_CHARS:
            raise InvalidInput(f"the reason is too long (at most {MAX_REASON_CHARS} characters)")
        url = None
        if evidence_url and str(evidence_url).strip():
            try:
                url = str(_URL.validate_python(str(evidence_url).strip()))
            except ValidationError:
                raise InvalidInput("the evidence must be an http(s) link") from None
        with self._write() as conn:
            row = self._claim_row(conn, claim_id, Scope(guild_id=guild_id))
            if row["retired"]:
                raise Conflict(f"claim {row['id']} is retired")
            try:
                cursor = conn.execute(
                    "INSERT INTO flags (claim_pk, kind, guild_id, user_id, reason, evidence_url,"
                    " message_text, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?)",
                    (
                        row["pk"],
                        kind.value,
                        guild_id,
                        user_id,
                        reason,
                        url,
                        (message_text or "")[:MAX_CLAIM_CHARS],
                        now_ts(),
                    ),
                )
            except sqlite3.IntegrityError as exc:
                if "flags." not in str(exc):
                    raise
                what = "dispute" if kind is FlagKind.DISPUTE else "false-match report"
                raise Conflict(f"you already have an open {what} on claim {row['id']}") from None
            return self._flag_row(conn, cursor.lastrowid, Scope.everything())

    def _flag_row(self, conn: sqlite3.Connection, flag_id: int | None, scope: Scope) -> Flag:
        visible, params = _flag_scope(scope)
        row = conn.execute(
            f"{FLAG_SELECT} WHERE f.id = ? AND {visible}", (flag_id, *params)
        ).fetchone()
        if row is None:
            raise NotFound(f"no flag #{flag_id}")
        return _flag(row)

    def get_flag(self, flag_id: int, scope: Scope) -> Flag:
        with self._read() as conn:
            return self._flag_row(conn, flag_id, scope)

    def list_flags(
        self,
        scope: Scope,
        *,
        state: FlagState | None = FlagState.OPEN,
        claim_id: str | None = None,
        user_id: str | None = None,
        limit: int = 50,
    ) -> list[Flag]:
        visible, params = _flag_scope(scope)
        clauses = [visible]
        if state is not None:
            clauses.append("f.state = ?")
            params.append(_enum(FlagState, state, "flag state").value)
        if claim_id is not None:
            clauses.append("c.id = ?")
            params.append(str(claim_id))
        if user_id is not None:
            clauses.append("f.user_id = ?")
            params.append(str(user_id))
        sql = f"{FLAG_SELECT} WHERE {' AND '.join(clauses)} ORDER BY f.id LIMIT ?"
        with self._read() as conn:
            return [_flag(row) for row in conn.execute(sql, (*params, max(0, limit)))]

    def withdraw_flag(self, flag_id: int, user_id: str, scope: Scope) -> Flag:
        with self._write() as conn:
            flag = self._flag_row(conn, flag_id, scope)
            if flag.user_id != str(user_id):
                raise PermissionDenied(
                    f"only the person who raised flag #{flag.id} can withdraw it"
                )
            if flag.state is not FlagState.OPEN:
                raise Conflict(f"flag #{flag.id} is already {flag.state.value}")
            conn.execute(
                "UPDATE flags SET state = 'withdrawn', resolved_at = ?, resolved_by = ?"
                " WHERE id = ?",
                (now_ts(), flag.user_id, flag.id),
            )
            return self._flag_row(conn, flag.id, scope)

    def resolve_flag(
        self,
        flag_id: int,
        *,
        upheld: bool,
        moderator: str,
        note: str,
        scope: Scope,
        new_status: Status | None = None,
        notify: Notifier | None = None,
    ) -> Flag:
        moderator = str(moderator or "").strip()
        if not moderator:
            raise InvalidInput("resolving a flag needs the moderator's id")
        if new_status is not None:
            new_status = _enum(Status, new_status, "status")
            if not upheld:
                raise InvalidInput("only an upheld flag can change the claim's status")
        with self._write() as conn:
            flag = self._flag_row(conn, flag_id, scope)
            if flag.state is not FlagState.OPEN:
                raise Conflict(f"flag #{flag.id} is already {flag.state.value}")
            old_status = Status(self._claim_row(conn, flag.claim_id, scope)["status"])
            if new_status is not None:
                row = self._changeable_row(conn, flag.claim_id, scope)
                if row["status"] != new_status.value:
                    at = now_ts()
                    conn.execute(
                        "UPDATE claims SET status = ?, version = version + 1, updated_at = ?,"
                        " updated_by = ? WHERE pk = ?",
                        (new_status.value, at, moderator, row["pk"]),
                    )
                    self._audit(
                        conn, row["pk"], at, moderator, "resolve_flag", "status",
                        row["status"], as_text(new_status),
                    )  # fmt: skip
            conn.execute(
                "UPDATE flags SET state = ?, resolved_at = ?, resolved_by = ?, resolution_note = ?"
                " WHERE id = ?",
                (
                    (FlagState.UPHELD if upheld else FlagState.DISMISSED).value,
                    now_ts(),
                    moderator,
                    (note or "").strip(),
                    flag.id,
                ),
            )
            resolved = self._flag_row(conn, flag.id, scope)
            if notify is not None:
                claim_pk = self._claim_row(conn, flag.claim_id, scope)["pk"]
                claim = self._claim_by_pk(conn, claim_pk)
                self._notify(conn, notify, claim, old_status, scope, resolved)
            return resolved

    def open_flag_counts(self, claim_ids: Iterable[str], scope: Scope) -> dict[str, int]:
        ids = list(dict.fromkeys(str(i) for i in claim_ids))
        counts = dict.fromkeys(ids, 0)
        visible, params = _flag_scope(scope)
        with self._read() as conn:
            for part in chunks(ids):
                sql = (
                    "SELECT c.id, count(*) FROM flags f JOIN claims c ON c.pk = f.claim_pk"
                    f" WHERE c.id IN ({marks(len(part))}) AND f.state = 'open'"
                    f" AND f.kind = 'dispute' AND {visible} GROUP BY c.id"
                )
                counts.update(conn.execute(sql, (*part, *params)).fetchall())
        return counts

    def flaggers(
        self, claim_id: str, scope: Scope, *, kind: FlagKind | None = FlagKind.DISPUTE
    ) -> list[str]:
        with self._read() as conn:
            row = self._claim_row(conn, claim_id, scope)
            return [f.user_id for f in self._flaggers_of(conn, row["pk"], scope, kind)]

    @staticmethod
    def _flaggers_of(
        conn: sqlite3.Connection, claim_pk: int, scope: Scope, kind: FlagKind | None
    ) -> list[Flagger]:
        """Each flagger once, with the guild of their first flag, first flagger first."""
        visible, params = _flag_scope(scope)
        clauses = ["f.claim_pk = ?", "f.state != 'withdrawn'", visible]
        if kind is not None:
            clauses.append("f.kind = ?")
            params.append(_enum(FlagKind, kind, "flag kind").value)
        where = " AND ".join(clauses)
        sql = f"SELECT f.user_id, f.guild_id FROM flags f WHERE {where} ORDER BY f.id"
        return first_per_user([(r[0], r[1]) for r in conn.execute(sql, (claim_pk, *params))])

    def _notify(
        self,
        conn: sqlite3.Connection,
        notify: Notifier,
        claim: Claim,
        old_status: Status,
        scope: Scope,
        resolved: Flag | None = None,
    ) -> None:
        """Write what `notify` says this change owes people, in the change's transaction."""
        if resolved is None and claim.status == old_status:
            return
        pk = conn.execute("SELECT pk FROM claims WHERE id = ?", (claim.id,)).fetchone()[0]
        flaggers = self._flaggers_of(conn, pk, scope, FlagKind.DISPUTE)
        event = ClaimEvent(claim, old_status, flaggers, resolved)
        insert_notifications(conn, notify(event))
