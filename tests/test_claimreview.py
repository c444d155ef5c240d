"""ClaimReview JSON-LD: export, import from a fact-check page or file, and the round trip."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import make_fields
from tests.test_fetch_support import LocalServer, loopback_policy, page
from verifiers.config import Settings
from verifiers.errors import InvalidInput
from verifiers.fetch import fetch
from verifiers.interchange.claimreview import (
    claim_to_claimreview,
    export_claimreviews,
    read_claimreview_page,
    read_claimreviews,
    status_for_rating,
)
from verifiers.models import Source, SourceRole, Status
from verifiers.service import ClaimService
from verifiers.store.base import Scope

FACT_CHECK = (
    Path(__file__).resolve().parent / "fixtures" / "articles" / "factcheck-moscow-order.html"
)
OP = Scope.everything()


def html_page(documents: list[dict]) -> str:
    blocks = "\n".join(
        f'<script type="application/ld+json">{json.dumps(d)}</script>' for d in documents
    )
    return f"<html><head><title>Fact check</title>{blocks}</head><body><p>Text.</p></body></html>"


@pytest.fixture
def claim(store):
    fields = make_fields(
        "Trump ordered Ukraine to bomb Moscow.",
        status="misleading",
        explanation="The reporting is of a question, not an order.",
        claimant="Viral social media posts",
        claim_date="2025-07-15",
    )
    return store.add_claim(fields, "mod")


# -- export ----------------------------------------------------------------------------------
def test_export_is_valid_claimreview_with_the_fields_google_requires(claim):
    review = claim_to_claimreview(
        claim, author="Example Checks", base_url="https://checks.example/c"
    )
    assert review["@context"] == "https://schema.org"
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == claim.text
    assert review["url"] == f"https://checks.example/c/{claim.id}"
    assert review["author"] == {"@type": "Organization", "name": "Example Checks"}
    assert date.fromisoformat(review["datePublished"])
    assert review["reviewRating"]["@type"] == "Rating"
    assert review["reviewRating"]["alternateName"] == "Misleading"
    assert review["itemReviewed"]["@type"] == "Claim"
    assert review["itemReviewed"]["author"]["name"] == "Viral social media posts"
    assert review["itemReviewed"]["datePublished"] == "2025-07-15"
    json.dumps(review)  # plain JSON all the way down


# -- round trips -----------------------------------------------------------------------------
@pytest.mark.parametrize("status", list(Status))
def test_every_status_survives_export_and_import(store, status):
    stored = store.add_claim(make_fields(f"A claim rated {status.value}", status=status.value), "m")
    [fields] = read_claimreviews(claim_to_claimreview(stored))
    assert fields.status is status


def test_round_trip_through_a_fact_check_page(claim):
    exported = claim_to_claimreview(
        claim, author="Example Checks", base_url="https://checks.example/c"
    )
    [fields] = read_claimreview_page(
        html_page([{"@context": "https://schema.org", "@graph": [exported]}])
    )
    assert fields.text == claim.text
    assert fields.status is claim.status
    assert fields.explanation == claim.explanation
    assert fields.claimant == claim.claimant
    assert fields.claim_date == claim.claim_date
    assert fields.external_id == claim.id
    [source] = fields.sources
    assert (source.publisher, source.role) == ("Example Checks", SourceRole.FACT_CHECK)
    assert str(source.url) == f"https://checks.example/c/{claim.id}"


def test_round_trip_through_a_file_ingested_as_drafts_and_approved(store, claim, tmp_path):
    path = tmp_path / "reviews.jsonld"
    path.write_text(json.dumps(export_claimreviews([claim], base_url="https://checks.example/c")))
    service = ClaimService(store, Settings())
    [draft] = service.ingest_file(str(path), "mod", OP).drafts
    assert draft.status is Status.MISLEADING
    assert draft.reason == "fact-check verdict “Misleading” by claimbot"
    copy = service.approve_draft(draft.id, "mod", OP)
    assert (copy.text, copy.status, copy.explanation, copy.claimant, copy.claim_date) == (
        claim.text,
        claim.status,
        claim.explanation,
        claim.claimant,
        claim.claim_date,
    )


# -- import from a real fact-check page ------------------------------------------------------
def test_import_from_a_fact_check_page_maps_the_verdict_and_sources():
    [fields] = read_claimreview_page(FACT_CHECK.read_text())
    assert fields.text == "Trump ordered Ukraine to bomb Moscow."
    assert fields.status is Status.MISLEADING  # "Missing context"
    assert fields.claimant == "Viral social media posts"
    assert fields.claim_date == date(2025, 7, 15)
    assert fields.explanation.startswith("The Financial Times reported that Trump asked")
    assert fields.sources == [
        Source(
            url="https://checkpointdesk.example/fact-check/trump-did-not-order-ukraine-to-bomb-moscow",
            publisher="Checkpoint Desk",
            title="Trump did not order Ukraine to bomb Moscow",
            published=date(2025, 7, 17),
            quote=fields.explanation,
            role=SourceRole.FACT_CHECK,
        )
    ]


def test_import_from_a_page_fetched_safely():
    with LocalServer() as server:
        server.routes["/fc"] = page(FACT_CHECK.read_text())
        result = fetch(server.url("/fc"), loopback_policy())
    [fields] = read_claimreview_page(result.text)
    assert fields.status is Status.MISLEADING


def test_a_page_without_claimreview_is_one_clear_error():
    with pytest.raises(InvalidInput) as caught:
        read_claimreview_page(html_page([{"@type": "NewsArticle", "headline": "News"}]))
    assert str(caught.value) == "no ClaimReview found in the page's JSON-LD"


def test_a_broken_json_ld_block_is_skipped_not_fatal(claim):
    good = claim_to_claimreview(claim)
    text = html_page([good]).replace(
        "<head>", '<head><script type="application/ld+json">{oops</script>'
    )
    assert len(read_claimreview_page(text)) == 1


@pytest.mark.parametrize(
    ("rating", "status"),
    [
        ("Pants on Fire!", Status.FALSE),
        ("Mostly False", Status.FALSE),
        ("Half-True", Status.MISLEADING),
        ("Missing context", Status.MISLEADING),
        ("Unconfirmed report", Status.REPORTED),
        ("Correct", Status.CONFIRMED),
        ("Something new", Status.UNVERIFIED),
    ],
)
def test_textual_ratings_map_to_statuses(rating, status):
    assert status_for_rating(rating) is status
