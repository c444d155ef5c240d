"""Article extraction and draft proposals, on the saved pages in tests/fixtures/articles/.

The fixtures are pages of our own making shaped like real news pages: JSON-LD metadata,
navigation, share bars, cookie banners, related links. One is an aggregator's republication of
a Financial Times report (the seed article), one a wire pickup of a Reuters story, one an
original local report, one a fact-check page carrying ClaimReview.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from tests.paths import REPO
from verifiers.domain.errors import InvalidInput
from verifiers.domain.models import SourceRole, Status
from verifiers.ingest.article import extract_html, read_article_file
from verifiers.ingest.propose import propose_drafts
from verifiers.ingest.sentences import split_sentences

ROOT = REPO
FIXTURES = ROOT / "tests" / "fixtures" / "articles"
AGGREGATOR = FIXTURES / "aggregator-ft-moscow.html"
GAZETTE = FIXTURES / "gazette-bridge-closure.html"
WIRE = FIXTURES / "wire-measles-europe.html"
SEED_TEXT = ROOT / "seeds" / "articles" / "newspoint-2025-07-can-you-hit-moscow.txt"
SEED_CLAIMS = ROOT / "seeds" / "claims.jsonl"


def drafts_of(path: Path):
    return propose_drafts(read_article_file(path))


def one(drafts, contains: str):
    found = [d for d in drafts if contains in d.text or d.text == contains]
    assert len(found) == 1, [d.text for d in drafts]
    return found[0]


# -- extraction ------------------------------------------------------------------------------
def test_metadata_comes_from_json_ld_and_the_page():
    article = read_article_file(GAZETTE)
    assert article.title == "Harbor Street bridge to close for eight months, mayor says"
    assert article.publisher == "Riverton Gazette"
    assert article.published == date(2025, 3, 4)
    assert article.author == "Dana Whitfield"
    assert article.canonical_url == (
        "https://www.rivertongazette.example/news/2025/03/04/harbor-street-bridge-closure/"
    )


@pytest.mark.parametrize(
    ("path", "furniture"),
    [
        (AGGREGATOR, ["Next Story", "Send Push", "Download the app", "Also Read", "Gold prices"]),
        (GAZETTE, ["cookies", "Subscribe for", "Share on Facebook", "Most read", "newsletter"]),
        (WIRE, ["Trending", "Share this article", "Advertise", "Reporting by", "3 min read"]),
    ],
)
def test_page_furniture_is_stripped(path, furniture):
    text = read_article_file(path).text
    for piece in furniture:
        assert piece not in text
    assert len(read_article_file(path).paragraphs) >= 5


def test_a_page_without_a_date_gets_none_rather_than_a_guess():
    # The aggregator page shows no date; its "© 2025" footer must not become one.
    assert read_article_file(AGGREGATOR).published is None


def test_the_seed_text_file_reads_its_sidecar_metadata_and_drops_furniture():
    article = read_article_file(SEED_TEXT)
    assert article.publisher == "Newspoint (Newszop)"
    assert article.based_on is not None
    assert article.based_on.publisher == "Financial Times"
    assert article.based_on.published == date(2025, 7, 15)
    assert not any(p in article.text for p in ("Next Story", "Send Push", "Loving Newspoint"))
    assert article.paragraphs[0].startswith("In a dramatic shift")


def test_json_ld_is_based_on_credits_the_wire_original():
    article = read_article_file(WIRE)
    assert article.publisher == "Coastline Courier"  # resolved through the @graph @id
    assert article.based_on is not None
    assert article.based_on.publisher == "Reuters"
    assert article.based_on.url == (
        "https://www.reuters.example/world/europe/measles-cases-europe-doubled-2025-03-13/"
    )


def test_a_page_with_no_article_text_is_one_clear_error():
    with pytest.raises(InvalidInput, match="no article text"):
        extract_html("<html><body><nav><a href='/'>Home</a></nav></body></html>")


def test_the_same_words_hash_the_same_whatever_the_markup():
    a = extract_html(GAZETTE.read_text())
    b = extract_html(GAZETTE.read_text().replace("<p>", "<p>\n   "))
    assert a.content_hash == b.content_hash


# -- sentences -------------------------------------------------------------------------------
def test_sentences_keep_quotes_whole_and_with_their_speech_verb():
    text = (
        '"Volodymyr, can you hit Moscow? . . . Can you hit St Petersburg too?" Trump asked '
        'during a July 4 call. Zelenskyy replied, "Absolutely. We can." He met Mr. Smith in '
        "the U.S. on Jan. 5. It rained."
    )
    assert split_sentences(text) == [
        '"Volodymyr, can you hit Moscow? . . . Can you hit St Petersburg too?" Trump asked '
        "during a July 4 call.",
        'Zelenskyy replied, "Absolutely. We can."',
        "He met Mr. Smith in the U.S. on Jan. 5.",
        "It rained.",
    ]


def test_a_quote_followed_by_a_new_sentence_is_split():
    assert split_sentences('"We will go." Some of them stayed, he said.') == [
        '"We will go."',
        "Some of them stayed, he said.",
    ]


def test_an_unbalanced_quote_does_not_swallow_the_text():
    sentences = split_sentences('He said "this is never closed. ' + "Another sentence here. " * 100)
    assert len(sentences) > 50


# -- proposals: an original report -----------------------------------------------------------
def test_on_the_record_statement_is_confirmed_as_said_and_its_content_stays_unverified():
    drafts = drafts_of(GAZETTE)
    said = one(drafts, "Mayor Ellen Ortiz said the Harbor Street bridge will close")
    assert said.status is Status.CONFIRMED
    assert said.claimant == "Ellen Ortiz"
    assert said.reason == "on the record: Ellen Ortiz said it"
    assert "whether it is true is a separate claim" in said.explanation
    assert said.quote.startswith("The Harbor Street bridge will close")
    assert said.claim_date == date(2025, 3, 4)
    content = one(drafts, "The Harbor Street bridge will close for at least eight months")
    assert content.text == (
        "The Harbor Street bridge will close for at least eight months starting in June."
    )
    assert content.status is Status.UNVERIFIED


def test_direct_quote_is_credited_to_the_full_name():
    quote = one(drafts_of(GAZETTE), "We cannot keep sending school buses")
    assert quote.text == (
        'Ortiz told the city council: "We cannot keep sending school buses over a bridge that '
        'inspectors have rated poor."'
    )
    assert quote.status is Status.CONFIRMED
    assert quote.claimant == "Ellen Ortiz"


def test_anonymous_sourcing_is_reported_and_denials_are_recorded():
    draft = one(drafts_of(GAZETTE), "Halvorsen Construction, had asked to stretch")
    assert draft.status is Status.REPORTED
    assert draft.claimant == "Riverton Gazette, citing two people familiar with the contract talks"
    assert draft.reason == "anonymous sourcing: two people familiar with the contract talks"
    assert "Halvorsen Construction denied that it had sought more time." in draft.explanation
    assert "declined to comment" in draft.explanation
    [source] = draft.sources
    assert source.publisher == "Riverton Gazette"
    assert source.role is SourceRole.ORIGINAL
    assert str(source.url).startswith("https://www.rivertongazette.example/news/")
    assert source.quote.startswith("Two people familiar with the contract talks said")


def test_a_cited_document_that_is_not_linked_is_reported():
    draft = one(drafts_of(GAZETTE), "$14.2 million")
    assert draft.text == "The repairs will cost $14.2 million."
    assert draft.status is Status.REPORTED
    assert "a city budget document reviewed by the Gazette" in draft.reason


def test_responses_are_not_drafts_and_the_outlets_own_facts_are_reported_by_it():
    drafts = drafts_of(GAZETTE)
    assert not any("denied" in d.text or "declined" in d.text for d in drafts)
    bridge = one(drafts, "The bridge, built in 1931")
    assert bridge.status is Status.REPORTED
    assert bridge.claimant == "Riverton Gazette"
    assert bridge.reason == "stated by the Riverton Gazette in its own reporting; no source named"


# -- proposals: republications ---------------------------------------------------------------
def test_aggregator_republication_credits_the_financial_times_as_original():
    drafts = drafts_of(AGGREGATOR)
    asked = one(drafts, "can you hit Moscow?")
    assert asked.status is Status.REPORTED
    assert asked.text == (
        '"Volodymyr, can you hit Moscow? . . . Can you hit St Petersburg too?" Trump asked '
        "during a July 4 call with Zelenskyy."
    )
    assert asked.claimant == "Financial Times, citing two people briefed on the conversation"
    original, republication = asked.sources
    assert (original.publisher, original.role, original.url) == (
        "Financial Times",
        SourceRole.ORIGINAL,
        None,
    )
    assert (republication.publisher, republication.role) == ("Newspoint", SourceRole.REPUBLICATION)
    assert str(republication.url).startswith("https://read.newspoint.example/")
    assert "FT reported, citing two people briefed" in republication.quote
    assert "neither the white house nor the ukrainian president’s office" in (
        asked.explanation.lower()
    )


def test_the_lead_credited_to_another_outlet_is_reported_even_with_a_speech_verb():
    lead = one(drafts_of(AGGREGATOR), "privately urged")
    assert lead.status is Status.REPORTED
    assert lead.claimant == "Financial Times"
    assert not lead.text.endswith("reported the Financial Times.")


def test_on_the_record_remarks_in_a_republication_are_statements_with_the_original_credited():
    drafts = drafts_of(AGGREGATOR)
    remark = one(drafts, "very pleasant, and then the missiles go off at night")
    assert remark.status is Status.CONFIRMED
    assert remark.claimant == "Donald Trump"
    assert remark.text.startswith("Trump said: ")
    assert [(s.publisher, s.role) for s in remark.sources] == [
        ("Newspoint", SourceRole.STATEMENT),
        ("Financial Times", SourceRole.ORIGINAL),
    ]
    batteries = [d for d in drafts if "17 Patriot batteries" in d.text]
    assert {d.status for d in batteries} == {Status.CONFIRMED, Status.UNVERIFIED}
    said = next(d for d in batteries if d.status is Status.CONFIRMED)
    assert said.text.startswith("Trump said some or all of 17 Patriot batteries")  # "he" resolved


def test_wire_pickup_credits_reuters_with_its_link_and_drops_the_dateline():
    drafts = drafts_of(WIRE)
    who = one(drafts, "The World Health Organization said on Thursday")
    assert who.status is Status.CONFIRMED
    assert who.claimant == "World Health Organization"
    assert who.explanation.startswith("Said on the record by the World Health Organization, as")
    assert not who.text.startswith("GENEVA")
    assert [(s.publisher, s.role) for s in who.sources] == [
        ("Coastline Courier", SourceRole.STATEMENT),
        ("Reuters", SourceRole.ORIGINAL),
    ]
    assert str(who.sources[1].url).startswith("https://www.reuters.example/")
    official = one(drafts, "funding cuts had forced")
    assert official.status is Status.REPORTED
    assert official.claimant == "Reuters, citing a senior official at the agency"
    assert "did not immediately respond to requests for comment" in official.explanation


def test_an_unclear_outcome_becomes_an_unverified_draft():
    draft = one(drafts_of(AGGREGATOR), "The US will actually provide long-range weapons.")
    assert draft.status is Status.UNVERIFIED
    assert draft.reason == "the article itself says this is unclear"


def test_no_two_drafts_of_one_article_have_the_same_text():
    for path in (AGGREGATOR, GAZETTE, WIRE, SEED_TEXT):
        texts = [d.text.casefold() for d in drafts_of(path)]
        assert len(texts) == len(set(texts))


# -- against the hand-curated seeds ----------------------------------------------------------
# Each seed claim curated from the seed article, and the draft that says the same thing.
SEED_COUNTERPARTS = {
    "ft-trump-urged-deep-strikes": "privately urged Ukrainian President",
    "ft-trump-asked-can-you-hit-moscow": "Volodymyr, can you hit Moscow?",
    "ft-zelenskyy-replied-absolutely": "Absolutely. We can",
    "ft-trump-make-them-feel-the-pain": "feel the pain",
    "ft-trump-putin-call-bad": "described as “bad”",
    "ft-trump-50-day-deadline-secondary-sanctions": "peace deal in 50 days",
    "ft-trump-new-weapons-patriots-nato-pays": "top-of-the-line weapons",
    "ft-trump-said-17-patriot-batteries": "Trump said some or all of 17 Patriot batteries",
    "patriot-17-batteries-delivered-quickly": "Some or all of 17 Patriot batteries",
    "us-to-supply-long-range-weapons": "The US will actually provide long-range weapons",
    "ft-western-official-bring-war-to-muscovites": "bring the war to Muscovites",
    "ft-trump-putin-pleasant-then-missiles": "very pleasant, and then the missiles",
    "ft-trump-said-putin-fooled-presidents": "he didn't fool me",
}
# Not proposed: the outlet's own unattributed narration (the sanctions bill, oil revenue), the
# opinion inside a direct quote ("Putin fooled four presidents"), the "ordered" distortion, and
# the three claims drawn from other coverage.


def test_proposals_agree_with_the_statuses_chosen_by_hand_for_the_seed_article():
    drafts = drafts_of(SEED_TEXT)
    seeds = {c["id"]: c for c in map(json.loads, SEED_CLAIMS.read_text().splitlines())}
    for seed_id, words in SEED_COUNTERPARTS.items():
        candidates = [d for d in drafts if words in d.text]
        draft = next((d for d in candidates if d.text.startswith(words)), candidates[0])
        assert draft.status is Status(seeds[seed_id]["status"]), (seed_id, draft.text)
    # No draft of the article is confirmed unless someone named said it on the record.
    for draft in drafts:
        if draft.status is Status.CONFIRMED:
            assert draft.claimant == "Donald Trump", draft.text
