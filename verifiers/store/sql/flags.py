"""Flags: disputes and false-match reports, their withdrawal and resolution, for every engine.

A guild's flags are visible only to that guild (the operator sees all). The partial unique
index `flags_one_open` lets at most one OPEN flag exist per (claim, user, kind), even when two
connections or processes race: the losing insert becomes a `Conflict`. Where the engine locks
rows, withdrawing and resolving lock the flag first, so two moderators deciding the same flag
at once cannot both succeed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pydantic import HttpUrl, TypeAdapter, ValidationError

from verifiers.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from verifiers.domain.models import (
    MAX_CLAIM_CHARS,
    MAX_REASON_CHARS,
    Flag,
    FlagKind,
    FlagRate,
    FlagState,
    HoldReason,
    Scope,
    Status,
    utcnow,
)
from verifiers.notifications import ClaimEvent, Notifier
from verifiers.store.sql.dialect import Db
from verifiers.store.sql.notifications import StoredNotifications, flag_scope
from verifiers.store.sql.values import Row, as_text, check_enum, row_number, short

_URL = TypeAdapter(HttpUrl)

FLAG_SELECT = "SELECT f.*, c.id AS claim_id FROM flags f JOIN claims c ON c.pk = f.claim_pk"


def _flag(row: Row) -> Flag:
    return Flag.model_validate({name: row[name] for name in Flag.model_fields})


def check_evidence_url(evidence_url: str | None) -> str | None:
    if not (evidence_url and str(evidence_url).strip()):
        return None
    try:
        return str(_URL.validate_python(str(evidence_url).strip()))
    except ValidationError:
        raise InvalidInput("the evidence must be an http(s) link") from None


def _held_text(reasons: Iterable[HoldReason]) -> str:
    """Reasons as stored: distinct, in HoldReason's order, comma-separated."""
    wanted = set(reasons)
    return ",".join(r.value for r in HoldReason if r in wanted)


class ClaimFlags(StoredNotifications):
    """add/get/list/withdraw/resolve_flag, dismiss_held_flags, open_flag_counts, flaggers."""

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
        account_created_at: datetime | None = None,
        member_joined_at: datetime | None = None,
        held: Iterable[HoldReason] = (),
        rate: FlagRate | None = None,
    ) -> Flag:
        user_id = str(user_id or "").strip()
        if not user_id:
            raise InvalidInput("a flag needs the id of the user who raised it")
        kind = check_enum(FlagKind, kind, "flag kind")
        reason = (reason or "").strip()
        if len(reason) > MAX_REASON_CHARS:
            raise InvalidInput(f"the reason is too long (at most {MAX_REASON_CHARS} characters)")
        url = check_evidence_url(evidence_url)
        with self._writing() as db:
            # Locked for share: the claim cannot be retired while the flag is being added.
            row = self._claim_row(
                db, claim_id, Scope(guild_id=guild_id), lock=db.dialect.lock("SHARE")
            )
            if row["retired"]:
                raise Conflict(f"claim {row['id']} is retired")
            holds = [check_enum(HoldReason, r, "hold reason") for r in held]
            if kind is FlagKind.DISPUTE:
                holds += self._dispute_holds(db, row["pk"], guild_id, user_id, rate)
            stamp = db.dialect.stamp
            try:
                flag_id = db.insert(
                    "INSERT INTO flags (claim_pk, kind, guild_id, user_id, reason, evidence_url,"
                    " message_text, state, created_at, account_created_at, member_joined_at,"
                    " held) VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?)",
                    (
                        row["pk"], kind.value, guild_id, user_id, reason, url,
                        (message_text or "")[:MAX_CLAIM_CHARS], db.dialect.now(),
                        stamp(account_created_at) if account_created_at else None,
                        stamp(member_joined_at) if member_joined_at else None,
                        _held_text(holds),
                    ),
                )  # fmt: skip
            except Exception as exc:
                if not db.dialect.unique_violation(exc, "flags", "flags_one_open"):
                    raise
                what = "dispute" if kind is FlagKind.DISPUTE else "false-match report"
                raise Conflict(f"you already have an open {what} on claim {row['id']}") from None
            return self._flag_row(db, flag_id, Scope.everything())

    @staticmethod
    def _dispute_holds(
        db: Db, claim_pk: int, guild_id: int | None, user_id: str, rate: FlagRate | None
    ) -> list[HoldReason]:
        """Why a new dispute of this claim, from this server, is held whoever files it: the
        claim already had `rate.limit` new disputes there within the window (withdrawn and
        resolved ones too, so refiling does not reset it), or a moderator dismissed this
        member's earlier flag on it together with others."""
        # Flaggers of one claim take turns here, so two at once cannot both be under the limit.
        db.take_turns("add_flag", str(claim_pk))
        holds = []
        if rate is not None:
            since = db.dialect.stamp(utcnow() - rate.window)
            recent = db.one(
                "SELECT count(*) AS n FROM flags WHERE claim_pk = ? AND kind = 'dispute'"
                f" AND guild_id {db.dialect.same} ? AND created_at >= ?",
                (claim_pk, guild_id, since),
            )
            if recent is not None and recent["n"] >= rate.limit:
                holds.append(HoldReason.BURST)
        dismissed = db.one(
            "SELECT 1 AS x FROM flags WHERE claim_pk = ? AND kind = 'dispute' AND user_id = ?"
            f" AND guild_id {db.dialect.same} ? AND group_dismissed LIMIT 1",
            (claim_pk, user_id, guild_id),
        )
        if dismissed is not None:
            holds.append(HoldReason.DISMISSED_BEFORE)
        return holds

    def _flag_row(self, db: Db, flag_id: int | None, scope: Scope, lock: str = "") -> Flag:
        number = row_number(flag_id, f"no flag #{short(str(flag_id))}")
        visible, params = flag_scope(scope, db)
        row = db.one(f"{FLAG_SELECT} WHERE f.id = ? AND {visible} {lock}", (number, *params))
        if row is None:
            raise NotFound(f"no flag #{number}")
        return _flag(row)

    def get_flag(self, flag_id: int, scope: Scope) -> Flag:
        with self._reading() as db:
            return self._flag_row(db, flag_id, scope)

    def list_flags(
        self,
        scope: Scope,
        *,
        state: FlagState | None = FlagState.OPEN,
        claim_id: str | None = None,
        user_id: str | None = None,
        limit: int = 50,
    ) -> list[Flag]:
        with self._reading() as db:
            visible, params = flag_scope(scope, db)
            clauses = [visible]
            if state is not None:
                clauses.append("f.state = ?")
                params.append(check_enum(FlagState, state, "flag state").value)
            if claim_id is not None:
                clauses.append("c.id = ?")
                params.append(str(claim_id))
            if user_id is not None:
                clauses.append("f.user_id = ?")
                params.append(str(user_id))
            sql = f"{FLAG_SELECT} WHERE {' AND '.join(clauses)} ORDER BY f.id LIMIT ?"
            return [_flag(row) for row in db.all(sql, (*params, max(0, limit)))]

    def withdraw_flag(self, flag_id: int, user_id: str, scope: Scope) -> Flag:
        with self._writing() as db:
            flag = self._flag_row(db, flag_id, scope, lock=db.dialect.lock(of="f"))
            if flag.user_id != str(user_id):
                raise PermissionDenied(
                    f"only the person who raised flag #{flag.id} can withdraw it"
                )
            if flag.state is not FlagState.OPEN:
                raise Conflict(f"flag #{flag.id} is already {flag.state.value}")
            db.execute(
                "UPDATE flags SET state = 'withdrawn', resolved_at = ?, resolved_by = ?"
                " WHERE id = ?",
                (db.dialect.now(), flag.user_id, flag.id),
            )
            return self._flag_row(db, flag.id, scope)

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
            new_status = check_enum(Status, new_status, "status")
            if not upheld:
                raise InvalidInput("only an upheld flag can change the claim's status")
        # Only a new status changes the claim (and writes an audit row).
        writing = self._writing if new_status is None else self._changing_claims
        with writing() as db:
            flag = self._flag_row(db, flag_id, scope, lock=db.dialect.lock(of="f"))
            if flag.state is not FlagState.OPEN:
                raise Conflict(f"flag #{flag.id} is already {flag.state.value}")
            old_status = Status(self._claim_row(db, flag.claim_id, scope)["status"])
            if new_status is not None:
                row = self._changeable_row(db, flag.claim_id, scope)
                if row["status"] != new_status.value:
                    at = db.dialect.now()
                    db.execute(
                        "UPDATE claims SET status = ?, version = version + 1, updated_at = ?,"
                        " updated_by = ? WHERE pk = ?",
                        (new_status.value, at, moderator, row["pk"]),
                    )
                    self._audit(
                        db, row["pk"], at, moderator, "resolve_flag", "status",
                        row["status"], as_text(new_status),
                    )  # fmt: skip
            db.execute(
                "UPDATE flags SET state = ?, resolved_at = ?, resolved_by = ?,"
                " resolution_note = ? WHERE id = ?",
                (
                    (FlagState.UPHELD if upheld else FlagState.DISMISSED).value,
                    db.dialect.now(),
                    moderator,
                    (note or "").strip(),
                    flag.id,
                ),
            )
            resolved = self._flag_row(db, flag.id, scope)
            if notify is not None:
                claim_pk = self._claim_row(db, flag.claim_id, scope)["pk"]
                claim = self._claim_by_pk(db, claim_pk)
                self._notify(db, notify, claim, old_status, scope, resolved)
            return resolved

    def dismiss_held_flags(
        self,
        claim_id: str,
        *,
        moderator: str,
        note: str,
        scope: Scope,
        up_to: int | None = None,
        notify: Notifier | None = None,
    ) -> list[Flag]:
        moderator = str(moderator or "").strip()
        if not moderator:
            raise InvalidInput("dismissing flags needs the moderator's id")
        with self._writing() as db:
            claim_pk = self._claim_row(db, claim_id, scope)["pk"]
            visible, seen = flag_scope(scope, db)
            clauses = [visible, "f.claim_pk = ?", "f.state = 'open'", "f.kind = 'dispute'"]
            params = [*seen, claim_pk]
            clauses.append("f.held <> ''")
            if up_to is not None:
                clauses.append("f.id <= ?")
                params.append(row_number(up_to, f"no flag #{short(str(up_to))}"))
            where = " AND ".join(clauses)
            lock = db.dialect.lock(of="f")
            rows = db.all(f"{FLAG_SELECT} WHERE {where} ORDER BY f.id {lock}", params)
            ids = [row["id"] for row in rows]
            for chunk, chunk_params in db.dialect.any_of("id", ids):
                db.execute(
                    "UPDATE flags SET state = 'dismissed', resolved_at = ?, resolved_by = ?,"
                    f" resolution_note = ?, group_dismissed = {db.dialect.true} WHERE {chunk}",
                    (db.dialect.now(), moderator, (note or "").strip(), *chunk_params),
                )
            dismissed = [
                _flag(row)
                for row in db.any_rows(f"{FLAG_SELECT} WHERE {{any}} ORDER BY f.id", "f.id", ids)
            ]
            if notify is not None and dismissed:
                claim = self._claim_by_pk(db, claim_pk)
                for flag in dismissed:  # each flagger hears the verdict on their own flag
                    self._insert_notifications(
                        db, notify(ClaimEvent(claim, claim.status, [], flag))
                    )
            return dismissed

    def open_flag_counts(self, claim_ids: Iterable[str], scope: Scope) -> dict[str, int]:
        ids = list(dict.fromkeys(str(i) for i in claim_ids))
        counts = dict.fromkeys(ids, 0)
        with self._reading() as db:
            visible, params = flag_scope(scope, db)
            rows = db.any_rows(
                "SELECT c.id, count(*) AS n FROM flags f JOIN claims c ON c.pk = f.claim_pk"
                " WHERE {any} AND f.state = 'open' AND f.kind = 'dispute' AND f.held = ''"
                f" AND {visible} GROUP BY c.id",
                "c.id",
                ids,
                after=params,
            )
        counts.update((row["id"], row["n"]) for row in rows)
        return counts

    def flaggers(
        self, claim_id: str, scope: Scope, *, kind: FlagKind | None = FlagKind.DISPUTE
    ) -> list[str]:
        with self._reading() as db:
            row = self._claim_row(db, claim_id, scope)
            return [f.user_id for f in self._flaggers_of(db, row["pk"], scope, kind)]
