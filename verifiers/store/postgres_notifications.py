"""The notifications outbox on PostgreSQL: the same contract as `sqlite_notifications`.

Bot processes take rows with `SELECT ... FOR UPDATE SKIP LOCKED`: rows another process is
taking are skipped rather than waited for, and each row is handed out once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

import psycopg

from verifiers.errors import Conflict, InvalidInput, NotFound
from verifiers.models import utcnow
from verifiers.notifications import (
    DeliveryState,
    NewNotification,
    Notification,
    short_error,
)
from verifiers.store.postgres_db import PostgresBase
from verifiers.store.sqlite_notifications import INTERRUPTED, filters, shard_clause

Conn = psycopg.Connection[dict[str, Any]]


def insert_notifications(conn: Conn, items: Iterable[NewNotification]) -> None:
    """Write notifications inside the caller's transaction."""
    at = utcnow()
    rows = [
        (n.user_id, n.guild_id, n.claim_id, n.flag_id, n.kind.value, n.message, at) for n in items
    ]
    if not rows:
        return
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO notifications (user_id, guild_id, claim_id, flag_id, kind, message,"
            " created_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            rows,
        )


class PostgresNotifications(PostgresBase):
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
        mine, params = shard_clause(shard_count, shard_ids, "%s", "%%")
        now = utcnow()
        with self._write() as conn:
            conn.execute(
                "UPDATE notifications SET state = 'failed', finished_at = %s, error = %s"
                " WHERE state = 'sending' AND claimed_at < %s",
                (now, INTERRUPTED, now - timedelta(seconds=stale_after)),
            )
            rows = conn.execute(
                "WITH taken AS (SELECT id FROM notifications"
                f" WHERE state = 'pending' AND {mine} ORDER BY id LIMIT %s"
                " FOR UPDATE SKIP LOCKED)"
                " UPDATE notifications n SET state = 'sending', claimed_at = %s, claimed_by = %s"
                " FROM taken WHERE n.id = taken.id RETURNING n.*",
                (*params, max(0, limit), now, worker),
            ).fetchall()
        return sorted((Notification.model_validate(row) for row in rows), key=lambda n: n.id)

    def finish_notification(
        self, notification_id: int, *, error: str | None = None
    ) -> Notification:
        state = DeliveryState.DELIVERED if error is None else DeliveryState.FAILED
        with self._write() as conn:
            row = conn.execute(
                "SELECT state FROM notifications WHERE id = %s FOR UPDATE",
                (int(notification_id),),
            ).fetchone()
            if row is None:
                raise NotFound(f"no notification #{notification_id}")
            if row["state"] != DeliveryState.SENDING:
                raise Conflict(f"notification #{notification_id} is {row['state']}, not sending")
            found = conn.execute(
                "UPDATE notifications SET state = %s, finished_at = %s, error = %s"
                " WHERE id = %s RETURNING *",
                (
                    state.value,
                    utcnow(),
                    "" if error is None else short_error(error),
                    int(notification_id),
                ),
            ).fetchone()
        return Notification.model_validate(found)

    def list_notifications(
        self,
        *,
        state: DeliveryState | None = None,
        user_id: str | None = None,
        claim_id: str | None = None,
        limit: int = 50,
    ) -> list[Notification]:
        clauses, params = filters(state, user_id, claim_id, "%s")
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT * FROM notifications WHERE {clauses} ORDER BY id DESC LIMIT %s",
                (*params, max(0, limit)),
            ).fetchall()
        return [Notification.model_validate(row) for row in rows]
