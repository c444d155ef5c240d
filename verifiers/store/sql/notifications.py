"""The notifications outbox (see verifiers/notifications.py), written once for every engine.

Rows are written by the change that causes them, in its transaction (`_notify`). A bot process
takes rows in a write transaction: on SQLite `BEGIN IMMEDIATE` serialises takers
across connections and processes; on PostgreSQL the taken rows are locked with
`FOR UPDATE SKIP LOCKED`, so rows another process is taking are skipped rather than waited
for. Either way each row is handed out once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from verifiers.domain.errors import Conflict, InvalidInput, NotFound
from verifiers.domain.models import Claim, Flag, FlagKind, Scope, Status, utcnow
from verifiers.notifications import (
    ClaimEvent,
    DeliveryState,
    Flagger,
    NewNotification,
    Notification,
    Notifier,
    first_per_user,
    short_error,
)
from verifiers.store.sql.core import RelationalBase
from verifiers.store.sql.dialect import Db
from verifiers.store.sql.values import check_enum

INSERT = (
    "INSERT INTO notifications (user_id, guild_id, claim_id, flag_id, kind, message, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
WAITING = "SELECT 1 FROM notifications WHERE state IN ('pending', 'sending') LIMIT 1"
INTERRUPTED = "interrupted: the bot stopped before it could confirm the DM was sent"


def flag_scope(scope: Scope, db: Db) -> tuple[str, list[Any]]:
    """A guild's flags are visible only to that guild (the operator sees all)."""
    if scope.operator:
        return db.dialect.true, []
    return f"f.guild_id {db.dialect.same} ?", [scope.guild_id]


def shard_clause(shard_count: int, shard_ids: Sequence[int] | None) -> tuple[str, list[Any]]:
    """SQL keeping the rows whose guild one of `shard_ids` owns (global rows: shard 0), by
    Discord's rule `(guild_id >> 22) % shard_count`."""
    if shard_count < 1 or any(not 0 <= s < shard_count for s in shard_ids or ()):
        raise InvalidInput(f"shard ids {list(shard_ids or ())} do not fit {shard_count} shards")
    if shard_ids is None:
        return "1 = 1", []
    ids = sorted(set(shard_ids))
    if not ids:
        return "1 = 0", []
    clause = (
        "(CASE WHEN guild_id IS NULL THEN 0 ELSE (guild_id >> 22) % ? END)"
        f" IN ({', '.join('?' * len(ids))})"
    )
    return clause, [shard_count, *ids]


def filters(
    state: DeliveryState | None, user_id: str | None, claim_id: str | None
) -> tuple[str, list[Any]]:
    clauses = ["1 = 1"]
    params: list[Any] = []
    if state is not None:
        try:
            params.append(DeliveryState(state).value)
        except ValueError:
            raise InvalidInput(f"unknown delivery state {str(state)[:40]!r}") from None
        clauses.append("state = ?")
    if user_id is not None:
        clauses.append("user_id = ?")
        params.append(str(user_id))
    if claim_id is not None:
        clauses.append("claim_id = ?")
        params.append(str(claim_id))
    return " AND ".join(clauses), params


class StoredNotifications(RelationalBase):
    """Writing notifications with a change; claim/finish/list_notifications."""

    # -- written with the change -------------------------------------------------------------
    @staticmethod
    def _insert_notifications(db: Db, items: Iterable[NewNotification]) -> None:
        """Write notifications inside the caller's transaction."""
        at = db.dialect.now()
        db.many(
            INSERT,
            [
                (n.user_id, n.guild_id, n.claim_id, n.flag_id, n.kind.value, n.message, at)
                for n in items
            ],
        )

    @staticmethod
    def _flaggers_of(db: Db, claim_pk: int, scope: Scope, kind: FlagKind | None) -> list[Flagger]:
        """Each flagger once, with the guild of their first flag, first flagger first."""
        visible, params = flag_scope(scope, db)
        clauses = ["f.claim_pk = ?", "f.state <> 'withdrawn'", visible]
        if kind is not None:
            clauses.append("f.kind = ?")
            params.append(check_enum(FlagKind, kind, "flag kind").value)
        where = " AND ".join(clauses)
        rows = db.all(
            f"SELECT f.user_id, f.guild_id FROM flags f WHERE {where} ORDER BY f.id",
            (claim_pk, *params),
        )
        return first_per_user([(r["user_id"], r["guild_id"]) for r in rows])

    def _notify(
        self,
        db: Db,
        notify: Notifier,
        claim: Claim,
        old_status: Status,
        scope: Scope,
        resolved: Flag | None = None,
    ) -> None:
        """Write what `notify` says this change owes people, in the change's transaction."""
        if resolved is None and claim.status == old_status:
            return
        row = db.one("SELECT pk FROM claims WHERE id = ?", (claim.id,))
        assert row is not None
        flaggers = self._flaggers_of(db, row["pk"], scope, FlagKind.DISPUTE)
        self._insert_notifications(db, notify(ClaimEvent(claim, old_status, flaggers, resolved)))

    # -- delivering --------------------------------------------------------------------------
    def claim_notifications(
        self,
        worker: str,
        *,
        limit: int = 20,
        shard_count: int = 1,
        shard_ids: Sequence[int] | None = None,
        stale_after: float = 600.0,
    ) -> list[Notification]:
        worker = str(worker or "").strip()
        if not worker:
            raise InvalidInput("taking notifications needs the worker's name")
        mine, params = shard_clause(shard_count, shard_ids)
        with self._reading() as db:  # the usual answer, without taking a write lock
            if db.one(WAITING) is None:
                return []
        now = utcnow()
        with self._writing() as db:
            stamp = db.dialect.stamp
            db.execute(
                "UPDATE notifications SET state = 'failed', finished_at = ?, error = ?"
                " WHERE state = 'sending' AND claimed_at < ?",
                (stamp(now), INTERRUPTED, stamp(now - timedelta(seconds=stale_after))),
            )
            taken = db.all(
                f"SELECT id FROM notifications WHERE state = 'pending' AND {mine}"
                f" ORDER BY id LIMIT ? {db.dialect.lock('UPDATE SKIP LOCKED')}",
                (*params, max(0, limit)),
            )
            ids = [row["id"] for row in taken]
            if not ids:
                return []
            for clause, id_params in db.dialect.any_of("id", ids):
                db.execute(
                    "UPDATE notifications SET state = 'sending', claimed_at = ?, claimed_by = ?"
                    f" WHERE state = 'pending' AND {clause}",
                    (stamp(now), worker, *id_params),
                )
            rows = db.any_rows("SELECT * FROM notifications WHERE {any} ORDER BY id", "id", ids)
            return [Notification.model_validate(dict(row)) for row in rows]

    def finish_notification(
        self, notification_id: int, *, error: str | None = None
    ) -> Notification:
        state = DeliveryState.DELIVERED if error is None else DeliveryState.FAILED
        number = int(notification_id)
        with self._writing() as db:
            row = db.one(
                f"SELECT state FROM notifications WHERE id = ? {db.dialect.lock()}", (number,)
            )
            if row is None:
                raise NotFound(f"no notification #{notification_id}")
            if row["state"] != DeliveryState.SENDING:
                raise Conflict(f"notification #{notification_id} is {row['state']}, not sending")
            db.execute(
                "UPDATE notifications SET state = ?, finished_at = ?, error = ? WHERE id = ?",
                (
                    state.value,
                    db.dialect.now(),
                    "" if error is None else short_error(error),
                    number,
                ),
            )
            found = db.one("SELECT * FROM notifications WHERE id = ?", (number,))
            return Notification.model_validate(dict(found or {}))

    def prune_notifications(self, *, finished_before: datetime) -> int:
        with self._writing() as db:
            cursor = db.execute(
                "DELETE FROM notifications WHERE state = 'delivered' AND finished_at < ?",
                (db.dialect.stamp(finished_before),),
            )
            return max(0, cursor.rowcount)

    def list_notifications(
        self,
        *,
        state: DeliveryState | None = None,
        user_id: str | None = None,
        claim_id: str | None = None,
        limit: int = 50,
    ) -> list[Notification]:
        clauses, params = filters(state, user_id, claim_id)
        sql = f"SELECT * FROM notifications WHERE {clauses} ORDER BY id DESC LIMIT ?"
        with self._reading() as db:
            rows = db.all(sql, (*params, max(0, limit)))
        return [Notification.model_validate(dict(row)) for row in rows]
