"""Storage: the `Store` interface and `open_store`, which picks the backend from a URL."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from verifiers.errors import ConfigError
from verifiers.store.base import MigrationStatus, Scope, SeedReport, Store

__all__ = ["MigrationStatus", "Scope", "SeedReport", "Store", "open_store"]

log = logging.getLogger(__name__)

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def sqlite_path(url: str) -> Path:
    """The file a SQLite URL names: a plain path, or `sqlite:///relative` / `sqlite:////absolute`."""
    text = url.strip()
    if not text:
        raise ConfigError("database.url is empty: give a SQLite file path")
    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///") :]
    elif text.startswith("sqlite:"):
        raise ConfigError(f"cannot read database URL {url!r}: write sqlite:///path/to/file.db")
    elif match := _SCHEME.match(text):
        scheme = match.group(1).lower()
        if scheme.startswith("postgres"):
            raise ConfigError(
                "PostgreSQL support is not built yet: use a SQLite file path for database.url"
            )
        raise ConfigError(f"unsupported database URL scheme {scheme!r}: use a SQLite file path")
    if not text or text == ":memory:" or text.startswith("file:"):
        raise ConfigError(f"database.url {url!r} must name a SQLite file on disk")
    return Path(text).expanduser()


def open_store(url: str, *, seed: bool = True) -> Store:
    """Open (creating and migrating if needed) the store at `url`; seed it when `seed` is true.

    Seeding is idempotent: it adds missing seeded claims, refreshes ones nobody has edited, and
    keeps moderators' edits.
    """
    path = sqlite_path(url)
    from verifiers.store.sqlite import SqliteStore

    store = SqliteStore(path)
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
                path,
                report.added,
                report.updated,
                report.unchanged,
                report.kept_moderator_edits,
            )
    return store
