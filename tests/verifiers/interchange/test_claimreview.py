"""ClaimReview JSON-LD: export, import from a fact-check page or file, and the round trip."""

from __future__ import annotations

import json
from datetime import date

import pytest

from tests.conftest import make_fields
from tests.paths import FIXTURES
from tests.support.local_server import LocalServer, loopback_policy, page
from verifiers.domain.errors import InvalidInput
from verifiers.domain.models import Scope, Source, SourceRole, Status
from verifiers.domain.settings import PublisherSettings, Settings
from verifiers.interchange.claimreview import (
    claim_to_claimreview,
    export_claimreviews,
    read_claimreview_page,
    read_claimreviews,
    status_for_rating,
)
from verifiers.service import ClaimService
from verifiers.sources.fetch import fetch

FACT_CHECK = FIXTURES / "articles" / "factcheck-moscow-order.html"
OP = Scope.everything()
CHECKS = PublisherSettings(name="Example Checks", url="https://checks.example")


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
    review = claim_to_claimreview(claim, CHECKS)
    assert review["@context"] == "https://schema.org"
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == claim.text
    assert review["url"] == f"https://checks.example/claims/{claim.id}"
    assert review["author"] == {
        "@type": "Organization",
        "name": "Example Checks",
        "url": "https://checks.example",
    }
    assert date.fromisoformat(review["datePublished"])
    assert review["reviewRating"]["@type"] == "Rating"
    assert review["reviewRating"]["alternateName"] == "Misleading"
    assert review["itemReviewed"]["@type"] == "Claim"
    assert review["itemReviewed"]["author"]["name"] == "Viral social media posts"
    assert review["itemReviewed"]["datePublished"] == "2025-07-15"
    assert review["citation"] == [
        {
            "@type": "CreativeWork",
            "publisher": {"@type": "Organization", "name": "Example News"},
            "url": "https://example.org/report",
            "genre": "original",
        }
    ]
    json.dumps(review)  # plain JSON all the way down


def test_without_a_publisher_url_the_review_url_is_a_sources_url(store):
    def url_of(*sources: Source) -> str | None:
        stored = store.add_claim(make_fields("A claim with sources", sources=list(sources)), "m")
        return claim_to_claimreview(stored).get("url")

    news = Source(url="https://news.example/a", publisher="News")
    check = Source(url="https://fc.example/b", publisher="FC", role=SourceRole.FACT_CHECK)
    unlinked = Source(publisher="A paywalled paper")
    assert url_of(unlinked, news, check) == "https://fc.example/b"  # the fact-check first
    assert url_of(unlinked, news) == "https://news.example/a"  # else the first with a link
    assert url_of(unlinked) is None
    assert url_of() is None


# -- round trips -----------------------------------------------------------------------------
@pytest.mark.parametrize("status", list(Status))
def test_every_status_survives_export_and_import(store, status):
    stored = store.add_claim(make_fields(f"A claim rated {status.value}", status=status.value), "m")
    [fields] = read_claimreviews(claim_to_claimreview(stored))
    assert fields.status is status
    assert fields.sources == stored.sources  # the review url is the source's: no second copy


def test_round_trip_through_a_fact_check_page(claim):
    exported = claim_to_claimreview(claim, CHECKS)
    [fields] = read_claimreview_page(
        html_page([{"@context": "https://schema.org", "@graph": [exported]}])
    )
    assert fields.text == claim.text
    assert fields.status is claim.status
    assert fields.explanation == claim.explanation
    assert fields.claimant == claim.claimant
    assert fields.claim_date == claim.claim_date
    assert fields.external_id == claim.id
    review, *cited = fields.sources
    assert cited == claim.sources
    assert (review.publisher, review.role) == ("Example Checks", SourceRole.FACT_CHECK)
    assert str(review.url) == f"https://checks.example/claims/{claim.id}"
    assert review.quote == claim.explanation


def test_round_trip_through_a_file_ingested_as_drafts_and_approved(store, claim, tmp_path):
    path = tmp_path / "reviews.jsonld"
    path.write_text(json.dumps(export_claimreviews([claim])))  # its url: the source's
    service = ClaimService(store, Settings())
    [draft] = service.ingest_file(str(path), "mod", OP).drafts
    assert draft.status is Status.MISLEADING
    assert draft.reason == "fact-check verdict “Misleading” by claimbot"
    assert draft.sources == claim.sources
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


def test_another_fact_checkers_citations_are_its_sources_and_appearances_are_not():
    review = {
        "@type": "ClaimReview",
        "url": "https://fc.example/check/1",
        "claimReviewed": "The lake dried up in 2024",
        "author": {"@type": "Organization", "name": "FC"},
        "reviewRating": {"alternateName": "Mostly false"},
        "itemReviewed": {"appearance": [{"url": "https://social.example/post/9"}]},
        "citation": [
            "https://www.water.example/report.pdf",
            "An interview with the lake's warden, May 2024",  # words only: no source in it
            {
                "@type": "NewsArticle",
                "url": "https://news.example/lake",
                "genre": "news",
                "author": {"name": "Lake News"},
                "headline": "Lake levels",
                "text": "low",
            },
        ],
    }
    [fields] = read_claimreviews(review)
    assert fields.status is Status.FALSE
    assert fields.explanation == "FC rated it “Mostly false”."
    assert [(str(s.url), s.publisher, s.role) for s in fields.sources] == [
        ("https://fc.example/check/1", "FC", SourceRole.FACT_CHECK),
        ("https://www.water.example/report.pdf", "water.example", SourceRole.ORIGINAL),
        ("https://news.example/lake", "Lake News", SourceRole.ORIGINAL),
    ]
    assert (fields.sources[2].title, fields.sources[2].quote) == ("Lake levels", "low")
    assert fields.external_id == "https://fc.example/check/1"


def test_every_problem_of_every_review_is_named(claim):
    good = claim_to_claimreview(claim)
    no_text = {**good, "claimReviewed": " "}
    bad_citation = {
        **good,
        "citation": [{"url": "not a link", "publisher": {"name": "P"}, "datePublished": "soon"}],
    }
    with pytest.raises(InvalidInput) as caught:
        read_claimreviews([good, no_text, bad_citation], name="reviews.jsonld")
    assert str(caught.value).splitlines() == [
        "reviews.jsonld: nothing imported; 3 errors in 2 reviews:",
        "  ClaimReview #2, claimReviewed: missing: no claim to review",
        "  ClaimReview #3, citation[0].url: Input should be a valid URL, relative URL without a"
        " base",
        "  ClaimReview #3, citation[0].datePublished: Input should be a valid date or datetime,"
        " input is too short",
    ]


def test_a_citation_whose_link_is_not_a_url_is_named(claim):
    """A citation with a link and no publisher is credited to the link's site; "http://[" has
    none, so the link is the problem named, as for any bad link."""
    review = {**claim_to_claimreview(claim), "citation": [{"url": "http://["}]}
    with pytest.raises(InvalidInput) as caught:
        read_claimreviews([review], name="reviews.jsonld")
    assert "citation[0].url: Input should be a valid URL" in str(caught.value)


def test_another_sites_long_verdict_and_name_still_make_a_draft(store, claim, tmp_path):
    """The draft's reason names the verdict and who gave it in at most 300 characters."""
    review = claim_to_claimreview(claim)
    review["reviewRating"]["alternateName"] = "Not quite " * 100
    review["author"] = {"@type": "Organization", "name": "Checks " * 100}
    path = tmp_path / "reviews.jsonld"
    path.write_text(json.dumps([review]))
    [draft] = ClaimService(store, Settings()).ingest_file(str(path), "mod", OP).drafts
    assert draft.reason.startswith("fact-check verdict “Not quite Not quite")
    assert len(draft.reason) <= 300
    assert "…” by Checks Checks" in draft.reason


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


def test_references_inside_the_graph_are_resolved():
    """A fact-check site's `@graph`: the review names its author and the claim's author by
    `@id`, and nests itself in the page's `mainEntity` (schema: prefixes as some sites write)."""
    document = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "Organization", "@id": "#org", "name": "Northbridge Fact Desk"},
            {"@type": "Person", "@id": "#mp", "name": "Cllr Ann Hale"},
            {
                "@type": "WebPage",
                "mainEntity": {
                    "@type": "schema:ClaimReview",
                    "url": "https://factdesk.example/reservoir",
                    "claimReviewed": "Hollin Edge reservoir is only 40% full",
                    "author": {"@id": "#org"},
                    "itemReviewed": {"@type": "Claim", "author": {"@id": "#mp"}},
                    "reviewRating": {"@type": "Rating", "alternateName": "Misleading"},
                },
            },
        ],
    }
    [fields] = read_claimreviews(document)
    assert fields.claimant == "Cllr Ann Hale"
    assert fields.status is Status.MISLEADING
    [own] = fields.sources
    assert own.publisher == "Northbridge Fact Desk"
    assert "Northbridge Fact Desk rated it" in fields.explanation
