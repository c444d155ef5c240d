"""Storage: the `Store` interface and `open_store`, which picks the backend from a URL."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import yoyo

from verifiers.domain.errors import ConfigError
from verifiers.store.ports import ChangeCallback, ChangeListener, Store
from verifiers.store.records import MigrationStatus, SeedReport
from verifiers.store.urls import is_postgres_url, sqlite_path

__all__ = [
    "ChangeCallback",
    "ChangeListener",
    "MigrationStatus",
    "SeedReport",
    "Store",
    "database_exists",
    "describe_database",
    "is_postgres_url",
    "migrate",
    "migration_status",
    "open_store",
    "sqlite_path",
]

log = logging.getLogger(__name__)


def _postgres() -> Any:
    try:
        from verifiers.store.postgres import store as postgres
    except ImportError as exc:
        raise ConfigError(
            f"PostgreSQL needs the psycopg package ({exc.name} is missing):"
            " pip install 'psycopg[binary]'"
        ) from None
    return postgres


def _open(url: str, *, migrate: bool = True) -> Store:
    if is_postgres_url(url):
        return _postgres().PostgresStore(url, migrate=migrate)
    from verifiers.store.sqlite.store import SqliteStore

    return SqliteStore(sqlite_path(url), migrate=migrate)


def describe_database(url: str) -> str:
    """The database's name for logs: never a password."""
    if is_postgres_url(url):
        from verifiers.store.postgres.db import parse_postgres_url

        return parse_postgres_url(url).display
    return str(sqlite_path(url))


def migration_status(url: str) -> MigrationStatus:
    """Applied and pending schema migrations of the database at `url`, changing nothing."""
    if is_postgres_url(url):
        from verifiers.store.postgres.db import migration_status as postgres_status
        from verifiers.store.postgres.db import parse_postgres_url

        return postgres_status(parse_postgres_url(url))
    from verifiers.store.sqlite import db as sqlite_db

    path = sqlite_path(url)
    if not path.exists():
        ids = [m.id for m in yoyo.read_migrations(sqlite_db.MIGRATIONS)]
        return MigrationStatus(applied=[], pending=ids)
    sqlite_db.check_database_path(path)
    return sqlite_db.migration_status(path)


def migrate(url: str) -> list[str]:
    """Create the database at `url` if needed and apply pending migrations; the ids applied."""
    before = set(migration_status(url).applied)
    _open(url).close()
    return [m for m in migration_status(url).applied if m not in before]


def database_exists(url: str) -> bool:
    """Whether the database at `url` holds claimbot's schema already (opening creates nothing)."""
    if is_postgres_url(url):
        return bool(migration_status(url).applied)
    path = sqlite_path(url)
    return path.is_file() and path.stat().st_size > 0


def open_store(
    url: str, *, seed: bool = True, on_create: Callable[[str], None] | None = None
) -> Store:
    """Open (creating and migrating if needed) the store at `url`; seed it when `seed` is true.

    `url` is a SQLite file path (or sqlite:///path) or a postgresql:// URL, whose optional
    `?schema=name` keeps claimbot's tables in that schema (created if missing).
    Seeding is idempotent: it adds missing seeded claims, refreshes ones nobody has edited, and
    keeps moderators' edits. When the database is created here, `on_create` is told in one line
    (where, and how many seed claims it holds), so a mistyped path is noticed at once.
    """
    created = on_create is not None and not database_exists(url)
    store = _open(url)
    report = None
    if seed:
        from verifiers.seeding import load_seed_claims

        try:
            report = store.seed(load_seed_claims())
        except BaseException:
            store.close()
            raise
        if report.added or report.updated or report.kept_moderator_edits:
            log.info(
                "seeded %s: %d added, %d updated, %d unchanged, %d kept (edited by moderators)",
                describe_database(url),
                report.added,
                report.updated,
                report.unchanged,
                report.kept_moderator_edits,
            )
    if created and on_create is not None:
        seeded = f"{report.added} seed claims" if report else "no claims (seeding is off)"
        on_create(f"created database {describe_database(url)} with {seeded}")
    return store
