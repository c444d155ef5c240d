"""Ingest a URL or a file: read it, propose drafts, store them once.

A news article gives drafts from its sourced statements (see `propose`); a fact-check page
with ClaimReview JSON-LD gives one draft per review, its status mapped from the verdict, and
drafts for the other checkable claims of its text. Either way nothing becomes a claim until a
moderator approves it, and the same page ingested twice (same canonical URL or same text) adds
nothing the second time. `propose_page` is the store-free half, shared with the evaluation.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from verifiers.domain.errors import InvalidInput
from verifiers.domain.models import DraftFields, IngestReport
from verifiers.domain.validation import JsonProblem, parse_json
from verifiers.ingest.article import Article, extract_html, read_article_file
from verifiers.ingest.propose import propose_drafts
from verifiers.interchange.claimreview import (
    claimreview_to_fields,
    claimreviews_in_page,
    find_claimreviews,
    reviewer,
    verdict_of,
)
from verifiers.interchange.jsonld import parse_date
from verifiers.sources.fetch import FetchPolicy, fetch
from verifiers.store.ports import DraftStore

ARTICLE_CONTENT_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})


@dataclass(frozen=True)
class Page:
    """What was read: the HTML (or plain text) and where it came from."""

    body: str
    url: str | None
    is_html: bool
    path: Path | None = None


def is_url(source: str) -> bool:
    return "://" in source.strip()[:16]


def read_page(source: str, policy: FetchPolicy | None = None) -> Page:
    """Fetch a URL safely, or read a local file."""
    source = source.strip()
    if not source:
        raise InvalidInput("give a URL or a file to ingest")
    if is_url(source):
        policy = policy or FetchPolicy(content_types=ARTICLE_CONTENT_TYPES)
        result = fetch(source, policy)
        return Page(result.text, result.url, result.content_type != "text/plain")
    path = Path(source).expanduser()
    if not path.is_file():
        raise InvalidInput(f"no such file: {path}")
    is_html = path.suffix.lower() in {".html", ".htm", ".xhtml"}
    try:
        body = (
            path.read_text(encoding="utf-8", errors="replace") if is_html or _is_json(path) else ""
        )
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from None
    return Page(body, None, is_html, path)


@dataclass(frozen=True)
class Proposal:
    """What a page proposes: its identity and metadata, and the drafts."""

    url: str | None
    title: str
    publisher: str
    published: date | None
    content_hash: str
    drafts: list[DraftFields]


def ingest(
    source: str,
    store: DraftStore,
    *,
    actor: str,
    guild_id: int | None = None,
    policy: FetchPolicy | None = None,
) -> IngestReport:
    """Read `source`, propose drafts and store them (or find them, if ingested before)."""
    proposal = propose_page(read_page(source, policy))
    return store.add_article_drafts(
        guild_id=guild_id,
        url=proposal.url,
        content_hash=proposal.content_hash,
        title=proposal.title,
        publisher=proposal.publisher,
        drafts=proposal.drafts,
        actor=actor,
    )


def propose_page(page: Page) -> Proposal:
    """The drafts a page proposes: from its ClaimReviews (if any) and its article text."""
    reviews = _reviews(page)
    if reviews:
        return _fact_check(page, reviews)
    article = _article(page)
    return Proposal(
        article.link,
        article.title,
        article.publisher,
        article.published,
        article.content_hash,
        propose_drafts(article),
    )


def _is_json(path: Path | None) -> bool:
    return path is not None and path.suffix.lower() in {".json", ".jsonld"}


def _reviews(page: Page) -> list[dict[str, Any]]:
    """ClaimReviews in a page's JSON-LD, or in a ClaimReview JSON(-LD) file."""
    if page.is_html:
        return claimreviews_in_page(page.body)
    if _is_json(page.path):
        try:
            document = parse_json(page.body)
        except JsonProblem as exc:
            raise InvalidInput(f"{page.path}: {exc}") from None
        reviews = find_claimreviews(document)
        if not reviews:
            raise InvalidInput(f"no ClaimReview found in {page.path}")
        return reviews
    return []


def _article(page: Page) -> Article:
    if page.path is not None:
        return read_article_file(page.path)
    if page.is_html:
        return extract_html(page.body, url=page.url)
    return Article(
        title=page.url or "untitled", publisher="unknown publisher", text=page.body, url=page.url
    )


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fact_check(page: Page, reviews: list[dict[str, Any]]) -> Proposal:
    drafts = []
    for number, review in enumerate(reviews, 1):
        try:
            fields = claimreview_to_fields(review)
        except (ValidationError, InvalidInput) as exc:
            raise InvalidInput(f"ClaimReview #{number} on the page is unusable: {exc}") from None
        # Another site's words, cut so the reason fits its 300 characters.
        publisher = _cut(reviewer(review), 120)
        verdict = _cut(verdict_of(review), 120) or "no verdict given"
        drafts.append(
            DraftFields(
                text=fields.text,
                status=fields.status,
                reason=f"fact-check verdict “{verdict}” by {publisher}",
                explanation=fields.explanation,
                claimant=fields.claimant,
                claim_date=fields.claim_date,
                quote=fields.sources[0].quote if fields.sources else "",
                sources=fields.sources,
            )
        )
    first = reviews[0]
    url = page.url or (str(first["url"]) if first.get("url") else None)
    title = str(first.get("name") or first.get("headline") or drafts[0].text)[:500]
    publisher = _cut(reviewer(first), 300)
    published = parse_date(first.get("datePublished"))
    digest = hashlib.sha256(json.dumps(reviews, sort_keys=True).encode()).hexdigest()
    article = _body(page)
    if article is not None:
        if reviewer(first) != "unknown publisher":
            article = replace(article, publisher=publisher)  # the fact-checker's own words
        # The page's own text: the checkable claims it makes around the review.
        reviewed = {" ".join(d.text.casefold().split()) for d in drafts}
        for draft in propose_drafts(article, may_republish=False):
            if " ".join(draft.text.casefold().split()) not in reviewed:
                drafts.append(draft)
        title = article.title if article.title != "untitled" else title
        published = published or article.published
    return Proposal(url, title, publisher, published, digest, drafts)


def _body(page: Page) -> Article | None:
    """A fact-check page's article text, or None (a bare ClaimReview file, a page of markup)."""
    if not page.is_html:
        return None
    try:
        return extract_html(page.body, url=page.url)
    except InvalidInput:
        return None
