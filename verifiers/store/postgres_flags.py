"""Flags for the PostgreSQL store: the same rules as `sqlite_flags`, safe across processes.

The partial unique index `flags_one_open` allows one OPEN flag per (claim, user, kind): of two
processes inserting at once, the second waits for the first to commit and then fails, which
becomes a `Conflict`. Withdrawing and resolving lock the flag's row first, so two moderators
deciding the same flag at once cannot both succeed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import psycopg
from psycopg import errors
from pydantic import ValidationError

from verifiers.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from verifiers.models import MAX_CLAIM_CHARS, Claim, Flag, FlagKind, FlagState, Status, utcnow
from verifiers.notifications import ClaimEvent, Flagger, Notifier, first_per_user
from verifiers.store.base import Scope
from verifiers.store.postgres_notifications import PostgresNotifications, insert_notifications
from verifiers.store.sqlite_db import as_text, short
from verifiers.store.sqlite_flags import _URL, MAX_REASON_CHARS, _enum

FLAG_SELECT = "SELECT f.*, c.id AS claim_id FROM flags f JOIN claims c ON c.pk = f.claim_pk"

Conn = psycopg.Connection[dict[str, Any]]


def _flag_scope(scope: Scope) -> tuple[str, list[Any]]:
    if scope.operator:
        return "true", []
    return "f.guild_id IS NOT DISTINCT FROM %s", [scope.guild_id]


def _flag(row: Mapping[str, Any]) -> Flag:
    return Flag.model_validate({k: row[k] for k in Flag.model_fields})


class PostgresFlags(PostgresNotifications):
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
            # FOR SHARE: the claim cannot be retired while the flag is being added.
            row = self._claim_row(conn, claim_id, Scope(guild_id=guild_id), lock="FOR SHARE")
            if row["retired"]:
                raise Conflict(f"claim {row['id']} is retired")
            try:
                flag_id = conn.execute(
                    "INSERT INTO flags (claim_pk, kind, guild_id, user_id, reason, evidence_url,"
                    " message_text, state, created_at)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, 'open', %s) RETURNING id",
                    (
                        row["pk"],
                        kind.value,
                        guild_id,
                        user_id,
                        reason,
                        url,
                        (message_text or "")[:MAX_CLAIM_CHARS],
                        utcnow(),
                    ),
                ).fetchone()["id"]
            except errors.UniqueViolation as exc:
                if exc.diag.constraint_name != "flags_one_open":
                    raise
                what = "dispute" if kind is FlagKind.DISPUTE else "false-match report"
                raise Conflict(f"you already have an open {what} on claim {row['id']}") from None
            return self._flag_row(conn, flag_id, Scope.everything())

    def _flag_row(self, conn: Conn, flag_id: int | None, scope: Scope, lock: str = "") -> Flag:
        visible, params = _flag_scope(scope)
        try:
            number = int(flag_id)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise NotFound(f"no flag #{short(str(flag_id))}") from None
        if not -(2**63) <= number < 2**63:
            raise NotFound(f"no flag #{number}")
        flag_id = number
        row = conn.execute(
            f"{FLAG_SELECT} WHERE f.id = %s AND {visible} {lock}", (flag_id, *params)
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
            clauses.append("f.state = %s")
            params.append(_enum(FlagState, state, "flag state").value)
        if claim_id is not None:
            clauses.append("c.id = %s")
            params.append(str(claim_id))
        if user_id is not None:
            clauses.append("f.user_id = %s")
            params.append(str(user_id))
        query = f"{FLAG_SELECT} WHERE {' AND '.join(clauses)} ORDER BY f.id LIMIT %s"
        with self._read() as conn:
            return [_flag(row) for row in conn.execute(query, (*params, max(0, limit)))]

    def withdraw_flag(self, flag_id: int, user_id: str, scope: Scope) -> Flag:
        with self._write() as conn:
            flag = self._flag_row(conn, flag_id, scope, lock="FOR UPDATE OF f")
            if flag.user_id != str(user_id):
                raise PermissionDenied(
                    f"only the person who raised flag #{flag.id} can withdraw it"
                )
            if flag.state is not FlagState.OPEN:
                raise Conflict(f"flag #{flag.id} is already {flag.state.value}")
            conn.execute(
                "UPDATE flags SET state = 'withdrawn', resolved_at = %s, resolved_by = %s"
                " WHERE id = %s",
                (utcnow(), flag.user_id, flag.id),
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
            flag = self._flag_row(conn, flag_id, scope, lock="FOR UPDATE OF f")
            if flag.state is not FlagState.OPEN:
                raise Conflict(f"flag #{flag.id} is already {flag.state.value}")
            old_status = Status(self._claim_row(conn, flag.claim_id, scope)["status"])
            if new_status is not None:
                row = self._changeable_row(conn, flag.claim_id, scope)
                if row["status"] != new_status.value:
                    at = utcnow()
                    conn.execute(
                        "UPDATE claims SET status = %s, version = version + 1, updated_at = %s,"
                        " updated_by = %s WHERE pk = %s",
                        (new_status.value, at, moderator, row["pk"]),
                    )
                    self._audit(
                        conn, row["pk"], at, moderator, "resolve_flag", "status",
                        row["status"], as_text(new_status),
                    )  # fmt: skip
            conn.execute(
                "UPDATE flags SET state = %s, resolved_at = %s, resolved_by = %s,"
                " resolution_note = %s WHERE id = %s",
                (
                    (FlagState.UPHELD if upheld else FlagState.DISMISSED).value,
                    utcnow(),
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
        if not ids:
            return counts
        visible, params = _flag_scope(scope)
        query = (
            "SELECT c.id, count(*) AS n FROM flags f JOIN claims c ON c.pk = f.claim_pk"
            " WHERE c.id = ANY(%s) AND f.state = 'open' AND f.kind = 'dispute'"
            f" AND {visible} GROUP BY c.id"
        )
        with self._read() as conn:
            counts.update((row["id"], row["n"]) for row in conn.execute(query, (ids, *params)))
        return counts

    def flaggers(
        self, claim_id: str, scope: Scope, *, kind: FlagKind | None = FlagKind.DISPUTE
    ) -> list[str]:
        with self._read() as conn:
            row = self._claim_row(conn, claim_id, scope)
            return [f.user_id for f in self._flaggers_of(conn, row["pk"], scope, kind)]

    @staticmethod
    def _flaggers_of(
        conn: Conn, claim_pk: int, scope: Scope, kind: FlagKind | None
    ) -> list[Flagger]:
        """Each flagger once, with the guild of their first flag, first flagger first."""
        visible, params = _flag_scope(scope)
        clauses = ["f.claim_pk = %s", "f.state <> 'withdrawn'", visible]
        if kind is not None:
            clauses.append("f.kind = %s")
            params.append(_enum(FlagKind, kind, "flag kind").value)
        where = " AND ".join(clauses)
        query = f"SELECT f.user_id, f.guild_id FROM flags f WHERE {where} ORDER BY f.id"
        rows = conn.execute(query, (claim_pk, *params))
        return first_per_user([(r["user_id"], r["guild_id"]) for r in rows])

    def _notify(
        self,
        conn: Conn,
        notify: Notifier,
        claim: Claim,
        old_status: Status,
        scope: Scope,
        resolved: Flag | None = None,
    ) -> None:
        """Write what `notify` says this change owes people, in the change's transaction."""
        if resolved is None and claim.status == old_status:
            return
        pk = conn.execute("SELECT pk FROM claims WHERE id = %s", (claim.id,)).fetchone()
        assert pk is not None
        flaggers = self._flaggers_of(conn, pk["pk"], scope, FlagKind.DISPUTE)
        insert_notifications(conn, notify(ClaimEvent(claim, old_status, flaggers, resolved)))
