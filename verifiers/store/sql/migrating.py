"""What both backends do alike around yoyo migrations: apply the pending ones under yoyo's lock,
report applied and pending ids, and refuse a database that holds another program's tables."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from typing import Any

from yoyo.exceptions import LockTimeout

from verifiers.domain.errors import ConfigError
from verifiers.store.records import MigrationStatus

log = logging.getLogger(__name__)


def apply_pending(
    backend: Any,
    migrations: Any,
    name: str,
    engine_error: type[Exception],
    describe: Callable[[BaseException], str] = str,
    *,
    where: str | None = None,
) -> list[str]:
    """Apply `migrations` not yet applied through the yoyo `backend`, under its lock; the ids
    applied (logged under the database's `name`). A lock timeout or an `engine_error` is a
    one-line ConfigError: "cannot migrate `where` (default: `name`): ..."."""
    where = where or name
    try:
        with backend.lock():
            pending = backend.to_apply(migrations)
            backend.apply_migrations(pending)
    except LockTimeout as exc:
        raise ConfigError(f"cannot migrate {where}: {exc}") from None
    except engine_error as exc:
        raise ConfigError(f"cannot migrate {where}: {describe(exc)}") from None
    applied = [m.id for m in pending]
    if applied:
        log.info("database %s: applied migrations %s", name, ", ".join(applied))
    return applied


def status_of(migrations: Any, done: Collection[str]) -> MigrationStatus:
    """Migration ids in order, split by whether their hash is among those `done`."""
    return MigrationStatus(
        applied=[m.id for m in migrations if m.hash in done],
        pending=[m.id for m in migrations if m.hash not in done],
    )


def foreign(tables: Collection[str]) -> bool:
    """Whether these tables are another program's: some, but neither ours nor yoyo's."""
    ours = "claims" in tables or any(n.startswith(("_yoyo", "yoyo_")) for n in tables)
    return bool(tables) and not ours
