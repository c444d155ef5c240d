"""Ingest a URL or a file: read it, propose drafts, store them once.

A news article gives drafts from its sourced statements (see `propose`); a fact-check page
with ClaimReview JSON-LD gives one draft per review, its status mapped from the verdict. Either
way nothing becomes a claim until a moderator approves it, and the same page ingested twice
(same canonical URL or same text) adds nothing the second time.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from verifiers.errors import InvalidInput
from verifiers.fetch import FetchPolicy, fetch
from verifiers.ingest.article import Article, extract_html, read_article_file
from verifiers.ingest.drafts import DraftFields, DraftStore, IngestReport
from verifiers.ingest.propose import propose_drafts
from verifiers.interchange.claimreview import (
    claimreview_to_fields,
    claimreviews_in_page,
    find_claimreviews,
    reviewer,
    verdict_of,
)
from verifiers.validation import JsonProblem, parse_json

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


def ingest(
    source: str,
    store: DraftStore,
    *,
    actor: str,
    guild_id: int | None = None,
    policy: FetchPolicy | None = None,
) -> IngestReport:
    """Read `source`, propose drafts and store them (or find them, if ingested before)."""
    page = read_page(source, policy)
    reviews = _reviews(page)
    if reviews:
        url, title, publisher, digest, drafts = _fact_check(page, reviews)
    else:
        article = _article(page)
        url, title, publisher = article.link, article.title, article.publisher
        digest, drafts = article.content_hash, propose_drafts(article)
    return store.add_article_drafts(
        guild_id=guild_id,
        url=url,
        content_hash=digest,
        title=title,
        publisher=publisher,
        drafts=drafts,
        actor=actor,
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


def _fact_check(
    page: Page, reviews: list[dict[str, Any]]
) -> tuple[str | None, str, str, str, list[DraftFields]]:
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
    digest = hashlib.sha256(json.dumps(reviews, sort_keys=True).encode()).hexdigest()
    return url, title, publisher, digest, drafts
