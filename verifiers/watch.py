"""Keeping one process's caches fresh when other processes change claims.

Bot processes (shards) sharing one database hear each other's claim changes through
`Store.listen_for_changes`; each report should refresh the matcher's vocabulary. A reload
costs about a second at a million claims, and an import in another process reports changes
many times a second, so reports are coalesced: the first is acted on at once, and all those
arriving while that runs or during the following pause become one more run.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

PAUSE_SECONDS = 0.5


class Coalescer:
    """Runs `action` in its own thread soon after `poke()`, at most once per `pause` plus the
    time `action` takes; a poke is never lost (a run always follows the last one)."""

    def __init__(
        self,
        action: Callable[[], None],
        *,
        pause: float = PAUSE_SECONDS,
        name: str = "claimbot-coalesce",
    ) -> None:
        self._action = action
        self._pause = pause
        self._poked = threading.Event()
        self._closed = threading.Event()
        self.runs = 0  # how many times `action` ran (for status and tests)
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def poke(self) -> None:
        self._poked.set()

    def _run(self) -> None:
        while True:
            self._poked.wait()
            if self._closed.is_set():
                return
            self._poked.clear()  # before acting: a poke arriving meanwhile means "run again"
            try:
                self._action()
            except Exception:
                log.exception("refreshing after claim changes failed; will retry on the next")
            self.runs += 1
            if self._closed.wait(self._pause):
                return

    def close(self) -> None:
        """Stop; once this returns, `action` is not started again."""
        self._closed.set()
        self._poked.set()
        if threading.current_thread() is not self._thread:
            self._thread.join()
