"""Watching for claim changes made by other connections or processes: the thread both engines'
listeners run in (`sqlite/listen.py` polls, `postgres/listen.py` waits for notifications)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from verifiers.store.ports import ChangeCallback, ChangeListener

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
