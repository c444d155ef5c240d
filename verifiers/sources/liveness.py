"""Source liveness: re-fetch every source link and mark it dead, changed or alive.

A claim is only as good as its sources, and links rot: pages vanish (dead), or are edited so
the quote we kept is gone (changed). Each link is fetched through the safe fetcher, so a
source URL can never be used to reach an internal address. A page is compared by its main
text (not the raw HTML, whose ads and scripts change on every load) against the first text
recorded for it, and every quote kept from it is looked for in that text.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from verifiers.domain.errors import InvalidInput
from verifiers.domain.models import Claim, LinkState, SourceCheck, utcnow
from verifiers.ingest.article import extract_html, text_hash, tidy_text
from verifiers.sources.fetch import FetchError, FetchPolicy, FetchResult, FetchUnreachable, fetch
from verifiers.store.ports import SourceCheckStore

log = logging.getLogger(__name__)

QUOTE_MATCH = 90  # rapidfuzz partial ratio at which a quote counts as still on the page
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
LIVENESS_CONTENT_TYPES = frozenset({*HTML_TYPES, "text/plain", "application/pdf"})


@dataclass
class Link:
    """One source URL, the quotes kept from it and the claims citing it."""

    url: str
    quotes: list[str] = field(default_factory=list)
    claim_ids: list[str] = field(default_factory=list)


def links_of(claims: Iterable[Claim]) -> list[Link]:
    """Every distinct source URL of the claims, in first-seen order."""
    links: dict[str, Link] = {}
    for claim in claims:
        for source in claim.sources:
            if source.url is None:
                continue
            url = str(source.url)
            link = links.setdefault(url, Link(url))
            if source.quote and source.quote not in link.quotes:
                link.quotes.append(source.quote)
            if claim.id not in link.claim_ids:
                link.claim_ids.append(claim.id)
    return list(links.values())


Fetcher = Callable[[str, FetchPolicy], FetchResult]


def _fetch(url: str, policy: FetchPolicy) -> FetchResult:
    return fetch(url, policy, allow_error_status=True)


def check_link(
    link: Link,
    previous: SourceCheck | None,
    policy: FetchPolicy,
    *,
    rebaseline: bool = False,
    fetcher: Fetcher = _fetch,
) -> SourceCheck:
    """Fetch one link and say whether it is alive, changed (quote gone, text edited) or dead."""
    now = utcnow()
    baseline = None if rebaseline or previous is None else previous.content_hash
    baseline_at = None if baseline is None or previous is None else previous.baseline_at
    kept = {"content_hash": baseline, "baseline_at": baseline_at}
    try:
        result = fetcher(link.url, policy)
    except FetchUnreachable as exc:
        return SourceCheck(
            url=link.url, state=LinkState.UNREACHABLE, checked_at=now, detail=str(exc)
        )
    except FetchError as exc:
        return SourceCheck(
            url=link.url, state=LinkState.DEAD, checked_at=now, detail=str(exc), **kept
        )
    if result.status >= 400:
        return SourceCheck(
            url=link.url,
            state=LinkState.DEAD,
            checked_at=now,
            http_status=result.status,
            detail=f"HTTP {result.status}",
            **kept,
        )
    text = page_text(result)
    digest = text_hash(text) if text else None
    missing = [q for q in link.quotes if text is not None and not quote_present(q, text)]
    if baseline is None:
        baseline, baseline_at = digest, now if digest else None
    state, detail = LinkState.ALIVE, ""
    if missing:
        state = LinkState.CHANGED
        detail = f"quote no longer on the page: “{_short(missing[0])}”"
    elif digest is not None and baseline is not None and digest != baseline:
        state = LinkState.CHANGED
        detail = "the page's text changed since it was first checked"
    return SourceCheck(
        url=link.url,
        state=state,
        checked_at=now,
        http_status=result.status,
        detail=detail,
        content_hash=baseline,
        baseline_at=baseline_at,
    )


def page_text(result: FetchResult) -> str | None:
    """The main text of a fetched page; None for a document we cannot read (a PDF)."""
    if result.content_type in HTML_TYPES:
        try:
            return extract_html(result.text, url=result.url).text
        except InvalidInput:
            return ""
    if result.content_type.startswith("text/"):
        return tidy_text(result.text)
    return None


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[“”„«»\"]", '"', text)
    text = re.sub(r"[‘’`´]", "'", text)
    return " ".join(text.split())


def quote_present(quote: str, text: str) -> bool:
    """Whether the quote is on the page, allowing for typography and small edits."""
    needle, haystack = _normal(quote), _normal(text)
    if not needle or needle in haystack:
        return True
    return fuzz.partial_ratio(needle, haystack) >= QUOTE_MATCH


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class LivenessReport:
    checks: list[SourceCheck]
    claims_by_url: dict[str, list[str]]

    def count(self, state: LinkState) -> int:
        return sum(1 for c in self.checks if c.state is state)


def check_sources(
    claims: Iterable[Claim],
    checks: SourceCheckStore,
    policy: FetchPolicy | None = None,
    *,
    limit: int | None = None,
    rebaseline: bool = False,
    fetcher: Fetcher = _fetch,
) -> LivenessReport:
    """Check every source link of `claims` (at most `limit`) and record each result that
    judged the link (an unreachable one keeps its last check)."""
    policy = policy or FetchPolicy(content_types=LIVENESS_CONTENT_TYPES)
    links = links_of(claims)[: limit if limit is not None else None]
    results = []
    for link in links:
        result = check_link(
            link, checks.get_source_check(link.url), policy, rebaseline=rebaseline, fetcher=fetcher
        )
        if result.state is not LinkState.UNREACHABLE:
            checks.save_source_check(result)
        log.info("source %r: %s %s", link.url, result.state, result.detail)
        results.append(result)
    return LivenessReport(results, {link.url: link.claim_ids for link in links})
