"""schema.org ClaimReview JSON-LD: the interchange format of the fact-checking world.

Export writes one ClaimReview per claim; import reads ClaimReview objects (alone, in a list, in
an `@graph`, or nested in a page's JSON-LD) into `ClaimFields`, so an export imported into
another database keeps every field. Where each field goes:

- text: `claimReviewed`; summary: `itemReviewed.name`; claimant: `itemReviewed.author.name`;
  claim date: `itemReviewed.datePublished`; the claim's id: `identifier` (read back as the
  external id, so importing the same export again skips it).
- status: `reviewRating.alternateName`, read back with `RATING_TO_STATUS` (which also maps
  other fact-checkers' verdicts); explanation: `reviewRating.ratingExplanation`.
- every source: `citation`, a CreativeWork with `url`, `publisher` (an Organization),
  `headline` (title), `datePublished`, `text` (quote) and `genre` (role, which ClaimReview has
  no field for). A citation is what the review cites: its evidence. `itemReviewed.appearance`
  is where the claim was made (a viral post), so it is not read as a source.
- `author`: the database's publisher, the `[publisher]` settings (an Organization, its `url`
  when set).
- `url`, the review's page: `{publisher url}/claims/{claim id}` when a publisher url is set,
  else the url of the claim's fact-check source, else of its first linked source (none if no
  source has a link). On import a review url that is not one of the citations becomes the
  first source, a `fact_check` credited to the author, quoting the explanation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import ValidationError

from verifiers.domain.errors import InvalidInput
from verifiers.domain.models import (
    MAX_EXPLANATION_CHARS,
    MAX_QUOTE_CHARS,
    STATUS_TEXTUAL_RATINGS,
    Claim,
    ClaimFields,
    Source,
    SourceRole,
    Status,
)
from verifiers.domain.settings import PublisherSettings
from verifiers.domain.validation import JsonProblem, parse_json, problem_message
from verifiers.interchange.jsonld import Graph, jsonld_documents, nodes, types_of
from verifiers.interchange.problems import Problems
from verifiers.interchange.tabular import normal_name

MAX_TITLE_CHARS = 500  # a Source's title
MAX_SUMMARY_CHARS = 1_000  # a claim's summary

RATING_TO_STATUS: dict[str, Status] = {
    **{rating.lower(): status for status, rating in STATUS_TEXTUAL_RATINGS.items()},
    # common fact-checker verdicts
    "correct": Status.CONFIRMED,
    "accurate": Status.CONFIRMED,
    "verified": Status.CONFIRMED,
    "confirmed": Status.CONFIRMED,
    "mostly true": Status.CONFIRMED,
    "reported": Status.REPORTED,
    "unproven": Status.UNVERIFIED,
    "unsupported": Status.UNVERIFIED,
    "unconfirmed": Status.UNVERIFIED,
    "no evidence": Status.UNVERIFIED,
    "research in progress": Status.UNVERIFIED,
    "mixture": Status.DISPUTED,
    "mixed": Status.DISPUTED,
    "contested": Status.DISPUTED,
    "half true": Status.MISLEADING,
    "partly true": Status.MISLEADING,
    "partly false": Status.MISLEADING,
    "partially false": Status.MISLEADING,
    "missing context": Status.MISLEADING,
    "out of context": Status.MISLEADING,
    "miscaptioned": Status.MISLEADING,
    "exaggerated": Status.MISLEADING,
    "distorts the facts": Status.MISLEADING,
    "mostly false": Status.FALSE,
    "incorrect": Status.FALSE,
    "pants on fire": Status.FALSE,
    "fake": Status.FALSE,
    "hoax": Status.FALSE,
    "fabricated": Status.FALSE,
    "wrong": Status.FALSE,
    "scam": Status.FALSE,
}


def status_for_rating(rating: str) -> Status:
    """Map a verdict to a status; an unknown verdict is kept honest as `unverified`."""
    key = re.sub(r"[\s_\-!.]+", " ", rating.strip().lower()).strip()
    return RATING_TO_STATUS.get(key, Status.UNVERIFIED)


# -- export ---------------------------------------------------------------------------------


def _organization(name: str, url: str = "") -> dict[str, str]:
    organization = {"@type": "Organization", "name": name}
    if url:
        organization["url"] = url
    return organization


def review_url(claim: Claim, publisher: PublisherSettings) -> str | None:
    """Where the claim's review is read: its page on the publisher's site, else its fact-check
    source, else its first linked source."""
    if publisher.url:
        return f"{publisher.url}/claims/{claim.id}"
    linked = [source for source in claim.sources if source.url]
    checks = [source for source in linked if source.role is SourceRole.FACT_CHECK]
    return str((checks or linked)[0].url) if linked else None


def _citation(source: Source) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "CreativeWork", "publisher": _organization(source.publisher)}
    if source.url:
        work["url"] = str(source.url)
    if source.title:
        work["headline"] = source.title
    if source.published:
        work["datePublished"] = source.published.isoformat()
    if source.quote:
        work["text"] = source.quote
    work["genre"] = source.role.value
    return work


def claim_to_claimreview(
    claim: Claim, publisher: PublisherSettings | None = None
) -> dict[str, Any]:
    publisher = publisher or PublisherSettings()
    item: dict[str, Any] = {"@type": "Claim"}
    if claim.summary:
        item["name"] = claim.summary
    if claim.claimant:
        item["author"] = _organization(claim.claimant)
    if claim.claim_date:
        item["datePublished"] = claim.claim_date.isoformat()
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "identifier": claim.id,
        "claimReviewed": claim.text,
        "datePublished": claim.updated_at.date().isoformat(),
        "author": _organization(publisher.name, publisher.url),
        "reviewRating": {
            "@type": "Rating",
            "alternateName": claim.status.textual_rating,
            "ratingExplanation": claim.explanation,
        },
        "itemReviewed": item,
    }
    if url := review_url(claim, publisher):
        review["url"] = url
    if claim.sources:
        review["citation"] = [_citation(source) for source in claim.sources]
    return review


# -- import ---------------------------------------------------------------------------------


# Where a fact-check page nests its reviews.
_REVIEWS_THROUGH = ("@graph", "mainEntity", "hasPart", "review")


def _find_reviews(document: Any) -> Iterator[dict[str, Any]]:
    """Each ClaimReview in the document, with the nodes it refers to by `@id` in place."""
    graph = Graph([document])
    for node in nodes(document, _REVIEWS_THROUGH):
        if "ClaimReview" in types_of(node):
            yield graph.embedded(node)


def _name(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    return str(value).strip() if value else None


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _all(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _date(value: Any) -> str | None:
    return str(value)[:10] if value else None


def _text(value: Any, limit: int) -> str:
    """Free text of another fact-checker's review, cut to what a claim holds."""
    return str(value or "")[:limit]


def _identifier(value: Any) -> str | None:
    value = _first(value)
    if isinstance(value, dict):  # a PropertyValue, or a node
        value = value.get("value") or value.get("@id")
    return None if value is None else str(value).strip() or None


def reviewer(review: dict[str, Any]) -> str:
    """Who wrote the review: its author's (or publisher's) name."""
    return _name(review.get("author")) or _name(review.get("publisher")) or "unknown publisher"


def _role(genre: Any) -> SourceRole:
    """A citation's role from its `genre`; another site's genres are original sources."""
    slug = normal_name(str(_first(genre) or ""))
    return SourceRole(slug) if slug in {role.value for role in SourceRole} else SourceRole.ORIGINAL


def _host(url: str) -> str | None:
    """The site of a link, without "www."; None if it is not a URL (its check names it)."""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:  # e.g. "http://[": no host to name
        return None
    return host.removeprefix("www.") or None


def _citation_source(work: Any) -> dict[str, Any] | None:
    """A citation's Source fields; None for one in words only (no link, no publisher)."""
    if isinstance(work, str):
        work = {"url": work} if work.strip().startswith(("http://", "https://")) else {}
    if not isinstance(work, dict):
        return None
    url = _first(work.get("url"))
    publisher = _name(work.get("publisher")) or _name(work.get("author"))
    if not publisher and isinstance(url, str):
        publisher = _host(url)
    if not url and not publisher:
        return None
    return {
        "url": url or None,
        "publisher": publisher,
        "title": _text(work.get("headline") or work.get("name"), MAX_TITLE_CHARS),
        "published": _date(work.get("datePublished")),
        "quote": _text(work.get("text"), MAX_QUOTE_CHARS),
        "role": _role(work.get("genre")),
    }


# Where each ClaimFields and Source field is in a ClaimReview, for naming a problem.
_REVIEW_KEYS = {
    "text": "claimReviewed",
    "explanation": "reviewRating.ratingExplanation",
    "claimant": "itemReviewed.author",
    "claim_date": "itemReviewed.datePublished",
    "summary": "itemReviewed.name",
    "external_id": "identifier",
}
_CITATION_KEYS = {"title": "headline", "published": "datePublished", "quote": "text"}


def _read_review(
    review: dict[str, Any], guild_id: int | None
) -> tuple[ClaimFields | None, list[tuple[str, str]]]:
    """The review's claim, or None and each problem as (where in the review, what)."""
    problems: list[tuple[str, str]] = []
    text = str(review.get("claimReviewed") or "").strip()
    if not text:
        problems.append(("claimReviewed", "missing: no claim to review"))
    rating = _first(review.get("reviewRating"))
    rating = rating if isinstance(rating, dict) else {}
    verdict = str(rating.get("alternateName") or rating.get("name") or "")
    item = _first(review.get("itemReviewed"))
    item = item if isinstance(item, dict) else {}
    author = reviewer(review)
    explanation = rating.get("ratingExplanation")
    if not isinstance(explanation, str):  # an export's own, even empty; else say who rated it
        explanation = f"{author} rated it “{verdict}”." if verdict else f"Reviewed by {author}."
    sources: list[Source] = []
    for index, work in enumerate(_all(review.get("citation"))):
        data = _citation_source(work)
        try:
            sources.extend([Source.model_validate(data)] if data else [])
        except ValidationError as exc:
            problems.extend(
                (
                    f"citation[{index}].{_CITATION_KEYS.get(str(p['loc'][0]), p['loc'][0])}",
                    problem_message(p),
                )
                for p in exc.errors()
            )
    if review.get("url"):
        try:
            own = Source(
                url=str(_first(review["url"])),
                publisher=author[:300],
                title=_text(review.get("name") or review.get("headline"), MAX_TITLE_CHARS),
                published=_date(review.get("datePublished")),
                quote=_text(rating.get("ratingExplanation"), MAX_QUOTE_CHARS),
                role=SourceRole.FACT_CHECK,
            )
        except ValidationError as exc:
            problems.extend(("url", problem_message(p)) for p in exc.errors())
        else:
            if own.url not in {source.url for source in sources}:
                sources.insert(0, own)
    try:
        fields = ClaimFields(
            text=text,
            status=status_for_rating(verdict),
            explanation=explanation[:MAX_EXPLANATION_CHARS],
            claimant=_name(item.get("author")),
            claim_date=_date(item.get("datePublished")),
            summary=_text(item.get("name"), MAX_SUMMARY_CHARS),
            sources=sources,
            external_id=_identifier(review.get("identifier")) or _identifier(review.get("url")),
            guild_id=guild_id,
        )
    except ValidationError as exc:
        problems.extend(
            (_REVIEW_KEYS.get(str(p["loc"][0]), str(p["loc"][0])), problem_message(p))
            for p in exc.errors()
            if text or p["loc"][0] != "text"  # a missing text is named once, above
        )
        return None, problems
    return (None, problems) if problems else (fields, [])


def claimreview_to_fields(review: dict[str, Any], guild_id: int | None = None) -> ClaimFields:
    """One ClaimReview's claim; InvalidInput names every problem of it."""
    fields, problems = _read_review(review, guild_id)
    if fields is None:
        raise InvalidInput("; ".join(f"{where}: {what}" for where, what in problems))
    return fields


def read_claimreviews(
    document: Any, guild_id: int | None = None, name: str = "the JSON-LD"
) -> list[ClaimFields]:
    """All ClaimReviews in a JSON-LD document; InvalidInput names every problem of every one."""
    results = []
    problems = Problems(name, unit="reviews")
    for index, review in enumerate(_find_reviews(document), start=1):
        fields, found = _read_review(review, guild_id)
        for where, what in found:
            problems.add(f"ClaimReview #{index}", what, where)
        if fields is not None:
            results.append(fields)
    problems.raise_if_any()
    if not results:
        raise InvalidInput(f"no ClaimReview found in {name}")
    return results


def read_claimreview_file(path: Path, guild_id: int | None = None) -> list[ClaimFields]:
    """The claims of a ClaimReview JSON(-LD) file, such as `claimbot export` writes."""
    try:
        document = parse_json(path.read_text(encoding="utf-8-sig"))  # a BOM is no JSON
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"{path.name} is not UTF-8 text") from None
    except JsonProblem as exc:
        raise InvalidInput(f"{path.name}: {exc}") from None
    return read_claimreviews(document, guild_id, path.name)


def verdict_of(review: dict[str, Any]) -> str:
    """The review's textual verdict (`reviewRating.alternateName`), or ""."""
    rating = _first(review.get("reviewRating")) or {}
    if not isinstance(rating, dict):
        return ""
    return " ".join(str(rating.get("alternateName") or rating.get("name") or "").split())


def find_claimreviews(document: Any) -> list[dict[str, Any]]:
    """The ClaimReview objects anywhere in a JSON-LD document (possibly none)."""
    return list(_find_reviews(document))


def claimreviews_in_page(html: str) -> list[dict[str, Any]]:
    """The ClaimReview objects in a fact-check page's JSON-LD blocks (possibly none)."""
    return [review for document in jsonld_documents(html) for review in _find_reviews(document)]


def read_claimreview_page(html: str, guild_id: int | None = None) -> list[ClaimFields]:
    """Claims from the ClaimReview JSON-LD of a fact-check page; InvalidInput if it has none."""
    reviews = claimreviews_in_page(html)
    if not reviews:
        raise InvalidInput("no ClaimReview found in the page's JSON-LD")
    return read_claimreviews(reviews, guild_id)


def export_claimreviews(
    claims: Iterable[Claim], publisher: PublisherSettings | None = None
) -> list[dict[str, Any]]:
    return [claim_to_claimreview(claim, publisher) for claim in claims]
