"""Hearing other processes' claim changes: LISTEN on the channel the claims triggers NOTIFY.

Triggers on `claims` send, in the changing transaction, the changed ids comma-separated (or
'*' for more than a hundred at once), so a notification arrives only once the change is
committed and visible. The listener keeps its own connection; if that connection is lost it
reconnects and reports None, since changes made meanwhile were not heard.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import psycopg
from psycopg import sql

from verifiers.domain.errors import ClaimbotError
from verifiers.store.changes import ThreadListener
from verifiers.store.ports import ChangeCallback, ChangeListener
from verifiers.store.postgres.db import PgTarget, connect, first_line

log = logging.getLogger(__name__)

WAIT_SECONDS = 0.5  # longest wait for a notification before checking whether to stop
RETRY_SECONDS = 1.0


def channel_for(conn: psycopg.Connection[Any], schema: str) -> str:
    row = conn.execute("SELECT claimbot_channel(%s) AS channel", (schema,)).fetchone()
    assert row is not None  # a function call returns one row
    return str(row["channel"] if isinstance(row, dict) else row[0])


def parse_payload(payload: str) -> frozenset[str] | None:
    if payload == "*":
        return None
    return frozenset(part for part in payload.split(",") if part)


class PostgresListener(ChangeListener):
    """LISTENs from its own connection, in a daemon thread, until closed."""

    def __init__(self, target: PgTarget, callback: ChangeCallback) -> None:
        self._target = target
        self._pause = threading.Event()
        self._conn = self._listen()  # before returning: later changes are always heard
        self._thread = ThreadListener(
            self._step,
            callback,
            interval=0,
            name=f"claimbot-listen:{target.schema}",
            cleanup=self._close_connection,
        )

    def _listen(self) -> psycopg.Connection[Any]:
        conn = connect(self._target)
        try:
            channel = channel_for(conn, self._target.schema)
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
        except BaseException:
            conn.close()
            raise
        return conn

    def _step(self) -> frozenset[str] | bool | None:
        if self._conn.closed or self._conn.broken:
            try:
                self._conn = self._listen()
            except (ClaimbotError, psycopg.Error) as exc:
                log.warning("cannot listen for claim changes yet: %s", first_line(exc))
                self._pause.wait(RETRY_SECONDS)
                return False
            return None  # changes made while we were away were not heard
        changed: set[str] = set()
        unknown = False
        try:
            for note in self._conn.notifies(timeout=WAIT_SECONDS, stop_after=1):
                ids = parse_payload(note.payload)
                unknown = unknown or ids is None
                changed.update(ids or ())
                break
            # Take what else is already queued without waiting, so a burst is one event.
            for note in self._conn.notifies(timeout=0):
                ids = parse_payload(note.payload)
                unknown = unknown or ids is None
                changed.update(ids or ())
        except psycopg.OperationalError as exc:
            log.warning("lost the connection listening for claim changes: %s", first_line(exc))
            self._conn.close()
            return False
        if unknown:
            return None
        return frozenset(changed) if changed else False

    def _close_connection(self) -> None:
        self._conn.close()

    def close(self) -> None:
        self._pause.set()
        self._thread.close()
