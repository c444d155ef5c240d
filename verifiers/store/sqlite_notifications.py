"""The notifications outbox on SQLite (see verifiers/notifications.py).

Rows are written by the change that causes them, in its transaction (`insert_notifications`).
A bot process takes rows inside `BEGIN IMMEDIATE`, which SQLite serialises across connections
and processes: the `UPDATE ... WHERE state = 'pending'` of one taker and the next never overlap,
so each row is handed out once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from verifiers.errors import Conflict, InvalidInput, NotFound
from verifiers.models import utcnow
from verifiers.notifications import (
    DeliveryState,
    NewNotification,
    Notification,
    short_error,
)
from verifiers.store.sqlite_db import SqliteBase, marks, now_ts, ts

INSERT = (
    "INSERT INTO notifications (user_id, guild_id, claim_id, flag_id, kind, message, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
WAITING = "SELECT 1 FROM notifications WHERE state IN ('pending', 'sending') LIMIT 1"
INTERRUPTED = "interrupted: the bot stopped before it could confirm the DM was sent"


def insert_notifications(conn: sqlite3.Connection, items: Iterable[NewNotification]) -> None:
    """Write notifications inside the caller's transaction."""
    at = now_ts()
    conn.executemany(
        INSERT,
        [
            (n.user_id, n.guild_id, n.claim_id, n.flag_id, n.kind.value, n.message, at)
            for n in items
        ],
    )


def _notification(row: sqlite3.Row) -> Notification:
    return Notification.model_validate(dict(row))


def shard_clause(
    shard_count: int, shard_ids: Sequence[int] | None, param: str = "?", modulo: str = "%"
) -> tuple[str, list[Any]]:
    """SQL keeping the rows whose guild one of `shard_ids` owns (global rows: shard 0), by
    Discord's rule `(guild_id >> 22) % shard_count` (psycopg needs `%%` for the operator)."""
    if shard_count < 1 or any(not 0 <= s < shard_count for s in shard_ids or ()):
        raise InvalidInput(f"shard ids {list(shard_ids or ())} do not fit {shard_count} shards")
    if shard_ids is None:
        return "1 = 1", []
    ids = sorted(set(shard_ids))
    if not ids:
        return "1 = 0", []
    clause = (
        f"(CASE WHEN guild_id IS NULL THEN 0 ELSE (guild_id >> 22) {modulo} {param} END)"
        f" IN ({', '.join([param] * len(ids))})"
    )
    return clause, [shard_count, *ids]


class SqliteNotifications(SqliteBase):
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
        with self._read() as conn:  # the usual answer, without taking the write lock
            if conn.execute(WAITING).fetchone() is None:
                return []
        now = utcnow()
        with self._write() as conn:
            conn.execute(
                "UPDATE notifications SET state = 'failed', finished_at = ?, error = ?"
                " WHERE state = 'sending' AND claimed_at < ?",
                (ts(now), INTERRUPTED, ts(now - timedelta(seconds=stale_after))),
            )
            ids = [
                row[0]
                for row in conn.execute(
                    f"SELECT id FROM notifications WHERE state = 'pending' AND {mine}"
                    " ORDER BY id LIMIT ?",
                    (*params, max(0, limit)),
                )
            ]
            if not ids:
                return []
            conn.execute(
                "UPDATE notifications SET state = 'sending', claimed_at = ?, claimed_by = ?"
                f" WHERE state = 'pending' AND id IN ({marks(len(ids))})",
                (ts(now), worker, *ids),
            )
            rows = conn.execute(
                f"SELECT * FROM notifications WHERE id IN ({marks(len(ids))}) ORDER BY id", ids
            )
            return [_notification(row) for row in rows]

    def finish_notification(
        self, notification_id: int, *, error: str | None = None
    ) -> Notification:
        state = DeliveryState.DELIVERED if error is None else DeliveryState.FAILED
        with self._write() as conn:
            row = conn.execute(
                "SELECT state FROM notifications WHERE id = ?", (int(notification_id),)
            ).fetchone()
            if row is None:
                raise NotFound(f"no notification #{notification_id}")
            if row["state"] != DeliveryState.SENDING:
                raise Conflict(f"notification #{notification_id} is {row['state']}, not sending")
            conn.execute(
                "UPDATE notifications SET state = ?, finished_at = ?, error = ? WHERE id = ?",
                (
                    state.value,
                    now_ts(),
                    "" if error is None else short_error(error),
                    int(notification_id),
                ),
            )
            found = conn.execute(
                "SELECT * FROM notifications WHERE id = ?", (int(notification_id),)
            ).fetchone()
            return _notification(found)

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
        with self._read() as conn:
            rows = conn.execute(sql, (*params, max(0, limit))).fetchall()
        return [_notification(row) for row in rows]


def filters(
    state: DeliveryState | None, user_id: str | None, claim_id: str | None, param: str = "?"
) -> tuple[str, list[Any]]:
    clauses = ["1 = 1"]
    params: list[Any] = []
    if state is not None:
        try:
            params.append(DeliveryState(state).value)
        except ValueError:
            raise InvalidInput(f"unknown delivery state {str(state)[:40]!r}") from None
        clauses.append(f"state = {param}")
    if user_id is not None:
        clauses.append(f"user_id = {param}")
        params.append(str(user_id))
    if claim_id is not None:
        clauses.append(f"claim_id = {param}")
        params.append(str(claim_id))
    return " AND ".join(clauses), params
