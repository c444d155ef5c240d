"""schema.org ClaimReview JSON-LD: the interchange format of the fact-checking world.

Export writes one ClaimReview per claim. Import reads ClaimReview objects (alone, in a list,
in an `@graph`, or nested in a page's JSON-LD) into `ClaimFields`, mapping the free-text
verdict (`reviewRating.alternateName`) to a status with the table below — documented in
docs/interchange.md. Our own export ratings map back exactly, so a round trip keeps statuses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import ValidationError

from verifiers.errors import InvalidInput
from verifiers.ingest.jsonld import jsonld_documents
from verifiers.models import STATUS_TEXTUAL_RATINGS, Claim, ClaimFields, Source, SourceRole, Status
from verifiers.validation import describe

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


def _organization(name: str) -> dict[str, str]:
    return {"@type": "Organization", "name": name}


def claim_to_claimreview(
    claim: Claim, *, author: str = "claimbot", base_url: str | None = None
) -> dict[str, Any]:
    item: dict[str, Any] = {"@type": "Claim"}
    if claim.claimant:
        item["author"] = _organization(claim.claimant)
    if claim.claim_date:
        item["datePublished"] = claim.claim_date.isoformat()
    appearances = []
    for source in claim.sources:
        work: dict[str, Any] = {
            "@type": "CreativeWork",
            "publisher": _organization(source.publisher),
        }
        if source.url:
            work["url"] = str(source.url)
        if source.title:
            work["headline"] = source.title
        if source.published:
            work["datePublished"] = source.published.isoformat()
        if source.quote:
            work["text"] = source.quote
        appearances.append(work)
    if appearances:
        item["appearance"] = appearances
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "identifier": claim.id,
        "claimReviewed": claim.text,
        "datePublished": claim.updated_at.date().isoformat(),
        "author": _organization(author),
        "reviewRating": {
            "@type": "Rating",
            "alternateName": claim.status.textual_rating,
            "ratingExplanation": claim.explanation,
        },
        "itemReviewed": item,
    }
    if base_url:
        review["url"] = f"{base_url.rstrip('/')}/{claim.id}"
    return review


# -- import ---------------------------------------------------------------------------------


def _find_reviews(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, list):
        for child in node:
            yield from _find_reviews(child)
    elif isinstance(node, dict):
        kind = node.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if "ClaimReview" in kinds:
            yield node
            return
        for key in ("@graph", "mainEntity", "hasPart", "review"):
            if key in node:
                yield from _find_reviews(node[key])


def _name(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    return str(value).strip() if value else None


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _date(value: Any) -> str | None:
    return str(value)[:10] if value else None


def claimreview_to_fields(review: dict[str, Any], guild_id: int | None = None) -> ClaimFields:
    text = str(review.get("claimReviewed") or "").strip()
    if not text:
        raise InvalidInput("a ClaimReview has no claimReviewed text")
    rating = _first(review.get("reviewRating")) or {}
    verdict = (
        str(rating.get("alternateName") or rating.get("name") or "")
        if isinstance(rating, dict)
        else ""
    )
    item = _first(review.get("itemReviewed")) or {}
    item = item if isinstance(item, dict) else {}
    publisher = _name(review.get("author")) or _name(review.get("publisher")) or "unknown publisher"
    sources = []
    if review.get("url"):
        sources.append(
            Source(
                url=review["url"],
                publisher=publisher,
                title=str(review.get("name") or review.get("headline") or "")[:500],
                published=_date(review.get("datePublished")),
                quote=(
                    str(rating.get("ratingExplanation") or "") if isinstance(rating, dict) else ""
                )[:4000],
                role=SourceRole.FACT_CHECK,
            )
        )
    explanation = f"{publisher} rated it “{verdict}”." if verdict else f"Reviewed by {publisher}."
    if isinstance(rating, dict) and rating.get("ratingExplanation"):
        explanation = str(rating["ratingExplanation"])
    return ClaimFields(
        text=text,
        status=status_for_rating(verdict),
        explanation=explanation[:4000],
        claimant=_name(item.get("author")),
        claim_date=_date(item.get("datePublished")),
        sources=sources,
        external_id=str(review.get("identifier") or review.get("url") or "") or None,
        guild_id=guild_id,
    )


def read_claimreviews(document: Any, guild_id: int | None = None) -> list[ClaimFields]:
    """All ClaimReviews in a JSON-LD document; InvalidInput names the first bad one."""
    results = []
    for index, review in enumerate(_find_reviews(document), start=1):
        try:
            results.append(claimreview_to_fields(review, guild_id))
        except ValidationError as exc:
            raise InvalidInput(f"ClaimReview #{index}: {describe(exc)}") from None
        except InvalidInput as exc:
            raise InvalidInput(f"ClaimReview #{index}: {exc}") from None
    if not results:
        raise InvalidInput("no ClaimReview found in the JSON-LD")
    return results


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


def export_claimreviews(claims: Iterable[Claim], **kwargs: Any) -> list[dict[str, Any]]:
    return [claim_to_claimreview(claim, **kwargs) for claim in claims]
