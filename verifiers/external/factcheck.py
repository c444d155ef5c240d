"""Google Fact Check Tools as a Verifier: `claims:search`, cached and rate-limited.

The API returns claims with their reviews (publisher, URL, title, date, textual rating) but no
match score, so its results are shown as "related fact-checks by others", never as our answer.
The key travels in the `X-Goog-Api-Key` header, not the URL, so it cannot leak into an error
message or a log line. Requests go through the safe fetcher like every other fetch.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from verifiers.domain.errors import ClaimbotError, ConfigError
from verifiers.domain.models import Scope
from verifiers.domain.settings import FactCheckSettings
from verifiers.domain.validation import JsonProblem, parse_json
from verifiers.external.base import Verifier, VerifierResult
from verifiers.external.cache import TTLCache
from verifiers.external.ratelimit import RateLimiter
from verifiers.interchange.claimreview import status_for_rating
from verifiers.interchange.jsonld import parse_date
from verifiers.sources.fetch import FetchError, FetchPolicy, FetchResult, fetch

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 500
NAME = "Google Fact Check Tools"


class ExternalUnavailable(ClaimbotError):
    """An external verifier could not answer now (rate limit, network, API error)."""


Fetcher = Callable[..., FetchResult]


class GoogleFactCheckVerifier(Verifier):
    name = NAME
    external = True

    def __init__(
        self,
        settings: FactCheckSettings,
        policy: FetchPolicy | None = None,
        *,
        cache: TTLCache[list[VerifierResult]] | None = None,
        limiter: RateLimiter | None = None,
        fetcher: Fetcher = fetch,
    ) -> None:
        if settings.api_key is None or not settings.api_key.get_secret_value().strip():
            raise ConfigError(
                "factcheck.enabled is true but factcheck.api_key is not set: create a key for the"
                " Fact Check Tools API and set CLAIMBOT_FACTCHECK_API_KEY"
            )
        self.settings = settings
        self.policy = dataclasses.replace(
            policy or FetchPolicy(),
            content_types=frozenset({"application/json"}),
            deadline=settings.timeout_seconds,
            max_bytes=2_000_000,
        )
        self.cache = cache or TTLCache(settings.cache_ttl_seconds)
        self.limiter = limiter or RateLimiter(settings.rate_limit_per_minute)
        self.fetcher = fetcher
        self.calls = 0  # API requests actually sent (the cache and limiter save the rest)

    def lookup(self, text: str, scope: Scope) -> list[VerifierResult]:
        """Reviews of claims like `text`. Raises ExternalUnavailable when it cannot ask now."""
        query = " ".join(text.split())[:MAX_QUERY_CHARS]
        if not query:
            return []
        key = f"{self.settings.language_code}\x00{query.casefold()}"
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        wait = self.limiter.try_acquire()
        if wait > 0:
            raise ExternalUnavailable(
                f"external fact-check lookups are rate-limited; try again in {wait:.0f} s"
            )
        results = self._search(query)
        self.cache.put(key, results)
        return results

    def _search(self, query: str) -> list[VerifierResult]:
        params = {
            "query": query,
            "languageCode": self.settings.language_code,
            "pageSize": self.settings.page_size,
        }
        url = f"{self.settings.base_url.rstrip('/')}/claims:search?{urlencode(params)}"
        api_key = self.settings.api_key.get_secret_value() if self.settings.api_key else ""
        self.calls += 1
        try:
            result = self.fetcher(url, self.policy, headers={"X-Goog-Api-Key": api_key})
        except FetchError as exc:
            log.warning("fact-check lookup failed: %s", exc)
            raise ExternalUnavailable(f"the {NAME} API did not answer: {exc}") from None
        try:
            data = parse_json(result.text)
        except JsonProblem:
            raise ExternalUnavailable(f"the {NAME} API sent something that is not JSON") from None
        return parse_claims(data)


def parse_claims(data: Any) -> list[VerifierResult]:
    """One result per review in a `claims:search` answer; malformed entries are skipped."""
    results = []
    claims = data.get("claims") if isinstance(data, dict) else None
    for claim in claims if isinstance(claims, list) else []:
        if not isinstance(claim, dict) or not str(claim.get("text") or "").strip():
            continue
        reviews = claim.get("claimReview")
        for review in reviews if isinstance(reviews, list) else []:
            if not isinstance(review, dict):
                continue
            rating = " ".join(str(review.get("textualRating") or "").split())
            given = review.get("publisher")
            publisher: dict[str, Any] = given if isinstance(given, dict) else {}
            url = str(review.get("url") or "")
            results.append(
                VerifierResult(
                    verifier=NAME,
                    external=True,
                    claim_text=" ".join(str(claim["text"]).split())[:1_000],
                    status=status_for_rating(rating) if rating else None,
                    rating=rating[:200],
                    claimant=str(claim.get("claimant") or "")[:300] or None,
                    claim_date=parse_date(claim.get("claimDate")),
                    publisher=str(publisher.get("name") or publisher.get("site") or "")[:300]
                    or None,
                    url=url if url.startswith(("http://", "https://")) else None,
                    title=str(review.get("title") or "")[:500],
                    review_date=parse_date(review.get("reviewDate")),
                )
            )
    return results
