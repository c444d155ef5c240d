"""Watching for claim changes made by other connections or processes (SQLite's half).

SQLite has no notifications, so a thread polls its own connection: `PRAGMA data_version`
moves whenever another connection commits, and only then is the newest audit entry read
(every change to a claim writes one, in the same transaction; reading the largest rowid costs
nothing), so that flags or settings written elsewhere do not count as claim changes. SQLite
cannot tell which claims changed: the callback gets None.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from verifiers.store.base import ChangeCallback, ChangeListener

log = logging.getLogger(__name__)

POLL_SECONDS = 0.2


class ThreadListener(ChangeListener):
    """Runs `step` every `interval` seconds in a daemon thread until closed.

    `step` returns the event to deliver (a set of claim ids, None for "unknown"), or False
    when nothing changed. A failing callback is logged and the watch goes on.
    """

    def __init__(
        self,
        step: Callable[[], frozenset[str] | bool | None],
        callback: ChangeCallback,
        *,
        interval: float = POLL_SECONDS,
        name: str = "claimbot-changes",
        cleanup: Callable[[], None] = lambda: None,
    ) -> None:
        self._step = step
        self._callback = callback
        self._interval = interval
        self._cleanup = cleanup
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while not self._stop.wait(self._interval):
                try:
                    event = self._step()
                except Exception:
                    log.exception("watching for claim changes failed; trying again")
                    continue
                if event is not False and not self._stop.is_set():
                    self.deliver(event)  # type: ignore[arg-type]
        finally:
            self._cleanup()

    def deliver(self, event: frozenset[str] | None) -> None:
        try:
            self._callback(event)
        except Exception:
            log.exception("a claim-change callback failed")

    def close(self) -> None:
        self._stop.set()
        if threading.current_thread() is not self._thread:
            self._thread.join()


def listen_sqlite(path: Path, callback: ChangeCallback) -> ChangeListener:
    """Poll the SQLite file at `path` for changes to claims committed by any connection."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
    conn.execute("PRAGMA busy_timeout = 10000")

    def signature() -> tuple[int, object]:
        version = conn.execute("PRAGMA data_version").fetchone()[0]
        return version, conn.execute("SELECT max(id) FROM audit").fetchone()[0]

    try:
        last = signature()
    except BaseException:
        conn.close()
        raise

    def step() -> frozenset[str] | bool | None:
        nonlocal last
        version = conn.execute("PRAGMA data_version").fetchone()[0]
        if version == last[0]:
            return False
        previous, last = last, signature()
        return None if last[1:] != previous[1:] else False

    return ThreadListener(step, callback, name=f"claimbot-changes:{path.name}", cleanup=conn.close)
