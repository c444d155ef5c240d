"""Which database a URL names: a PostgreSQL URL, or a SQLite file (a path or `sqlite:///`)."""

from __future__ import annotations

import re
from pathlib import Path

from verifiers.domain.errors import ConfigError

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
        raise ConfigError(
            f"unsupported database URL scheme {scheme!r}:"
            " use a SQLite file path or a postgresql:// URL"
        )
    if not text or text == ":memory:" or text.startswith("file:"):
        raise ConfigError(f"database.url {url!r} must name a SQLite file on disk")
    return Path(text).expanduser()


POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")


def is_postgres_url(url: str) -> bool:
    """Whether `url` names a PostgreSQL database (anything else is taken as a SQLite path)."""
    match = _SCHEME.match(url.strip())
    return match is not None and match.group(1).lower() in POSTGRES_SCHEMES
