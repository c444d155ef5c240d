"""Ingesting hostile pages and files, and the JSON-LD and ClaimReview walkers on any JSON.

Each page or file is saved and ingested through `ClaimService.ingest_file` into a real SQLite
file: drafts are proposed, or one line says why not and nothing is written. (A URL goes through
the safe fetch first, tested in tests/verifiers/sources/test_fetch.py; a hostile page behind one
through the bot in tests/bot/cogs/drafts/test_drafts.py.)
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.strategies import (
    INPUTS,
    articles,
    claimreview_documents,
    claimreview_files,
    html_pages,
    json_text,
    json_values,
    messages,
)
from verifiers.domain.errors import ClaimbotError
from verifiers.domain.models import Scope
from verifiers.domain.settings import Settings
from verifiers.external.factcheck import parse_claims
from verifiers.interchange.claimreview import (
    find_claimreviews,
    read_claimreviews,
    reviewer,
    verdict_of,
)
from verifiers.interchange.jsonld import Graph, parse_date
from verifiers.service import ClaimService
from verifiers.store.sqlite.store import SqliteStore


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClaimService]:
    with SqliteStore(tmp_path_factory.mktemp("fuzz-ingest") / "claims.db") as store:
        yield ClaimService(store, Settings())


def _written(service: ClaimService) -> tuple[int, int]:
    with sqlite3.connect(service.store.path) as conn:  # type: ignore[attr-defined]
        row = conn.execute("SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM drafts)")
        return tuple(row.fetchone())  # type: ignore[return-value]


def _ingest(service: ClaimService, files: dict[str, bytes]) -> None:
    INPUTS["ingest files"] += 1
    folder = service.store.path.parent  # type: ignore[attr-defined]
    for name, data in files.items():
        (folder / name).write_bytes(data)
    before = _written(service)
    try:
        service.ingest_file(str(folder / next(iter(files))), "cli:fuzz", Scope.everything())
    except ClaimbotError as exc:
        assert str(exc)
        assert "\n" not in str(exc), str(exc)
        assert _written(service) == before  # nothing half-stored


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # a lone surrogate: bytes that are not UTF-8


@given(html_pages())
def test_pages(service: ClaimService, page: str) -> None:
    _ingest(service, {"page.html": _utf8(page)})


@given(claimreview_files(), st.sampled_from(["review.json", "review.jsonld"]))
def test_claimreview_files(service: ClaimService, data: bytes, name: str) -> None:
    _ingest(service, {name: data})


@given(st.lists(messages, max_size=8), json_text(articles) | json_text())
def test_text_files_with_their_metadata(
    service: ClaimService, paragraphs: list[str], metadata: str
) -> None:
    """A saved article as text, with its metadata in a .json file beside it."""
    _ingest(service, {"note.txt": _utf8("\n\n".join(paragraphs)), "note.json": _utf8(metadata)})


@given(claimreview_documents | json_values)
def test_the_walkers_take_any_json(document: Any) -> None:
    """What the JSON readers may hand on: every walker answers or says in one line why not."""
    INPUTS["JSON-LD documents walked"] += 1
    reviews = find_claimreviews(document)
    for review in reviews:
        verdict_of(review)
        reviewer(review)
    try:
        read_claimreviews(document)
    except ClaimbotError as exc:
        assert str(exc)
    graph = Graph([document])
    graph.article()
    for node in graph.nodes:
        graph.name(node.get("author"))
        graph.name(node.get("publisher"))
        graph.url(node.get("url"))
        graph.resolve(node.get("isBasedOn"))
        parse_date(node.get("datePublished"))
    parse_claims(document)  # the Google Fact Check API's answer, from a server we do not run
