"""Shared fixtures. Keep this small: a fixture used by one test module belongs in that module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from verifiers.models import ClaimFields, Source
from verifiers.store.sqlite import SqliteStore


def make_fields(text: str = "The moon is made of cheese", **changes: Any) -> ClaimFields:
    """A valid claim with one source; override any field by keyword."""
    data: dict[str, Any] = {
        "text": text,
        "status": "unverified",
        "summary": "",
        "sources": [Source(url="https://example.org/report", publisher="Example News")],
    }
    data.update(changes)
    return ClaimFields.model_validate(data)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "claims.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[SqliteStore]:
    """An empty, migrated SQLite store on a real file (not seeded)."""
    with SqliteStore(db_path) as opened:
        yield opened  # type: ignore[misc]
