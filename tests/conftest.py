"""Shared fixtures. Keep this small: a fixture used by one test module belongs in that module."""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from verifiers.domain.models import ClaimFields, Source
from verifiers.matching.semantic import SEMANTIC_MISSING, semantic_available
from verifiers.store.sqlite.store import SqliteStore


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


@pytest.fixture(autouse=True, scope="session")
def cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The user cache folder (PostgreSQL stores keep their search index there) in the test
    run's own temporary folder, for this process and the ones it starts."""
    folder = tmp_path_factory.mktemp("cache")
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    yield folder
    if before is None:
        del os.environ["XDG_CACHE_HOME"]
    else:
        os.environ["XDG_CACHE_HOME"] = before


@pytest.fixture(autouse=True)
def unfrozen_heap() -> Iterator[None]:
    """A service that loads its matcher freezes the heap (`verifiers.heap`): undo it after
    each test, so that the next test's garbage is collected as usual."""
    yield
    gc.unfreeze()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "claims.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[SqliteStore]:
    """An empty, migrated SQLite store on a real file (not seeded)."""
    with SqliteStore(db_path) as opened:
        yield opened  # type: ignore[misc]


def need(reason: str | None, required_by: str) -> None:
    """Skip, saying why, when `reason` names something missing; fail instead when the
    environment variable `required_by` is 1 (CI, where it must be there)."""
    if reason is None:
        return
    if os.environ.get(required_by) == "1":
        pytest.fail(reason)
    pytest.skip(reason)


# -- the semantic extra ---------------------------------------------------------------------------
# Tests marked `semantic` need numpy, torch and MiniLM. Without them they skip, saying how to
# install them; REQUIRE_SEMANTIC=1 (CI's run of `pytest -m semantic`) turns that skip into a
# failure, so a broken install cannot pass for a green run.
def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("semantic") is not None:
        need(None if semantic_available() else SEMANTIC_MISSING, "REQUIRE_SEMANTIC")


# -- PostgreSQL ---------------------------------------------------------------------------------
# Tests marked `postgres` get a schema of their own on this server, dropped afterwards, so runs
# can repeat and overlap. Without the server they skip, saying why; REQUIRE_POSTGRES=1 (CI)
# turns that skip into a failure, so a broken server cannot pass for a green run.
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


@functools.cache
def postgres_unavailable() -> str | None:
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install -e '.[postgres]')"
    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=5).close()
    except psycopg.Error as exc:
        return f"PostgreSQL is not reachable at {POSTGRES_URL}: {str(exc).strip().splitlines()[0]}"
    return None


def need_postgres() -> None:
    need(postgres_unavailable(), "REQUIRE_POSTGRES")


@contextlib.contextmanager
def postgres_schema() -> Iterator[str]:
    """The URL of a new, empty schema (named claimbot_test_*), dropped on exit."""
    need_postgres()
    import psycopg

    schema = f"claimbot_test_{secrets.token_hex(6)}"
    joiner = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{joiner}schema={schema}"
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new database on each engine in turn: a SQLite file, then a PostgreSQL schema."""
    if request.param == "sqlite":
        yield str(tmp_path / "claims.db")
        return
    with postgres_schema() as url:
        yield url


@pytest.fixture
def pg_url() -> Iterator[str]:
    with postgres_schema() as url:
        yield url
