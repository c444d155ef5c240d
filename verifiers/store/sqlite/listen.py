"""Watching a SQLite file for claim changes committed by other connections or processes.

SQLite has no notifications, so a thread polls its own connection: `PRAGMA data_version`
moves whenever another connection commits, and only then is the newest audit entry read
(every change to a claim writes one, in the same transaction; reading the largest rowid costs
nothing), so that flags or settings written elsewhere do not count as claim changes. SQLite
cannot tell which claims changed: the callback gets None.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from verifiers.store.changes import ThreadListener
from verifiers.store.ports import ChangeCallback, ChangeListener


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
