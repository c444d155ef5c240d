"""External verifiers against a fake `claims:search` served on 127.0.0.1 by the tests.

The fake answers like Google Fact Check Tools (claims with their reviews, no match score).
The SSRF guard is told to allow that one server through `loopback_policy()`, only here.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import make_fields
from tests.support.local_server import LocalServer, loopback_policy, send
from verifiers.domain.errors import ConfigError
from verifiers.domain.models import Scope, Status
from verifiers.domain.settings import FactCheckSettings, Settings
from verifiers.external.cache import TTLCache
from verifiers.external.factcheck import (
    ExternalUnavailable,
    GoogleFactCheckVerifier,
    parse_claims,
)
from verifiers.external.ratelimit import RateLimiter
from verifiers.service import ClaimService

KEY = "test-key-0123456789"
ANSWER = {
    "claims": [
        {
            "text": "Trump ordered Ukraine to bomb Moscow",
            "claimant": "Social media posts",
            "claimDate": "2025-07-15T00:00:00Z",
            "claimReview": [
                {
                    "publisher": {"name": "Checkpoint Desk", "site": "checkpointdesk.example"},
                    "url": "https://checkpointdesk.example/fact-check/moscow-order",
                    "title": "Trump did not order Ukraine to bomb Moscow",
                    "reviewDate": "2025-07-17T10:00:00Z",
                    "textualRating": "Missing context",
                    "languageCode": "en",
                },
                {
                    "publisher": {"site": "otherchecker.example"},
                    "url": "https://otherchecker.example/moscow",
                    "textualRating": "Pants on Fire!",
                },
            ],
        },
        {"text": "", "claimReview": [{"textualRating": "False"}]},
        "not an object",
    ],
    "nextPageToken": "abc",
}


class FakeFactCheck:
    def __init__(self, server: LocalServer) -> None:
        self.server = server
        self.status = 200
        self.answer: object = ANSWER
        server.routes["/v1alpha1/claims:search"] = self._route

    def _route(self, handler) -> None:
        body = json.dumps(self.answer).encode()
        send(handler, self.status, body, "application/json; charset=UTF-8")

    @property
    def requests(self):
        return [s for s in self.server.seen if "claims:search" in s.path]

    def params(self, index: int = -1) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.requests[index].path).query)


@pytest.fixture
def api():
    with LocalServer() as server:
        yield FakeFactCheck(server)


def settings_for(api: FakeFactCheck, **changes) -> FactCheckSettings:
    values = {
        "enabled": True,
        "api_key": KEY,
        "base_url": api.server.url("/v1alpha1"),
        "page_size": 7,
        **changes,
    }
    return FactCheckSettings(**values)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def verifier(api, clock=None, **changes) -> GoogleFactCheckVerifier:
    settings = settings_for(api, **changes)
    clock = clock or Clock()
    return GoogleFactCheckVerifier(
        settings,
        loopback_policy(),
        cache=TTLCache(settings.cache_ttl_seconds, clock=clock),
        limiter=RateLimiter(settings.rate_limit_per_minute, clock=clock),
    )


# -- the Google Fact Check Tools verifier ----------------------------------------------------
def test_claims_search_is_asked_with_query_language_page_size_and_a_header_key(api):
    results = verifier(api).lookup("Did  Trump order Ukraine to bomb Moscow?", Scope())
    [request] = api.requests
    params = api.params()
    assert params == {
        "query": ["Did Trump order Ukraine to bomb Moscow?"],
        "languageCode": ["en"],
        "pageSize": ["7"],
    }
    assert request.headers["x-goog-api-key"] == KEY
    assert KEY not in request.path
    assert len(results) == 2
    first = results[0]
    assert first.external
    assert first.verifier == "Google Fact Check Tools"
    assert first.label == (
        "External fact-check via Google Fact Check Tools, not from this server's database"
    )
    assert (first.claim_text, first.rating, first.status) == (
        "Trump ordered Ukraine to bomb Moscow",
        "Missing context",
        Status.MISLEADING,
    )
    assert first.publisher == "Checkpoint Desk"
    assert first.url == "https://checkpointdesk.example/fact-check/moscow-order"
    assert str(first.claim_date) == "2025-07-15"
    assert str(first.review_date) == "2025-07-17"
    assert first.score is None  # the API gives none, and we invent none
    assert (results[1].publisher, results[1].status) == ("otherchecker.example", Status.FALSE)


def test_answers_are_cached_until_the_ttl_runs_out(api):
    clock = Clock()
    checker = verifier(api, clock, cache_ttl_seconds=600)
    first = checker.lookup("Trump ordered Ukraine to bomb Moscow", Scope())
    again = checker.lookup("  trump ORDERED ukraine to bomb moscow ", Scope())
    assert again == first
    assert len(api.requests) == 1
    clock.now += 601
    checker.lookup("Trump ordered Ukraine to bomb Moscow", Scope())
    assert len(api.requests) == 2


def test_lookups_beyond_the_rate_limit_are_refused_until_tokens_return(api):
    clock = Clock()
    checker = verifier(api, clock, rate_limit_per_minute=2, cache_ttl_seconds=0)
    checker.lookup("first claim about Moscow", Scope())
    checker.lookup("second claim about Moscow", Scope())
    with pytest.raises(ExternalUnavailable, match=r"rate-limited; try again in 30 s"):
        checker.lookup("third claim about Moscow", Scope())
    assert len(api.requests) == 2
    clock.now += 30
    checker.lookup("third claim about Moscow", Scope())
    assert len(api.requests) == 3


@pytest.mark.parametrize("status", [403, 429, 500])
def test_an_api_error_is_one_line_without_the_key(api, status):
    api.status = status
    with pytest.raises(ExternalUnavailable) as caught:
        verifier(api).lookup("Trump ordered Ukraine to bomb Moscow", Scope())
    message = str(caught.value)
    assert message.startswith(
        f"the Google Fact Check Tools API did not answer: 127.0.0.1 answered HTTP {status}"
    )
    assert KEY not in message
    assert "\n" not in message


def test_an_answer_that_is_not_json_is_one_line(api):
    api.server.routes["/v1alpha1/claims:search"] = lambda h: send(
        h, 200, b"<html>", "application/json"
    )
    with pytest.raises(ExternalUnavailable, match="not JSON"):
        verifier(api).lookup("anything at all here", Scope())


def test_the_api_url_goes_through_the_ssrf_guard(api):
    checker = GoogleFactCheckVerifier(settings_for(api))  # production policy: no allowance
    with pytest.raises(ExternalUnavailable, match=r"refused: 127\.0\.0\.1 is a loopback address"):
        checker.lookup("Trump ordered Ukraine to bomb Moscow", Scope())
    assert api.requests == []


def test_malformed_entries_are_skipped():
    assert parse_claims({"claims": [{"text": "x", "claimReview": "nope"}, 5]}) == []
    assert parse_claims("nonsense") == []
    [result] = parse_claims(
        {"claims": [{"text": "A claim", "claimReview": [{"url": "javascript:x"}]}]}
    )
    assert result.url is None
    assert result.status is None


def test_enabled_without_a_key_is_a_config_error_saying_how_to_fix_it(api):
    with pytest.raises(ConfigError, match="CLAIMBOT_FACTCHECK_API_KEY"):
        GoogleFactCheckVerifier(FactCheckSettings(enabled=True))


# -- the chain: database first ---------------------------------------------------------------
@pytest.fixture
def seeded(store):
    store.add_claim(
        make_fields("The Harbor Street bridge will close for eight months", status="confirmed"),
        "mod",
    )
    return store


def service_for(store, api, **changes) -> ClaimService:
    settings = Settings(factcheck=settings_for(api, **changes))
    return ClaimService(store, settings, fetch_policy=loopback_policy())


def test_external_lookups_are_off_by_default(seeded, api):
    service = ClaimService(seeded, Settings(), fetch_policy=loopback_policy())
    assert service.external_verifiers == []
    result = service.check("Trump ordered Ukraine to bomb Moscow", Scope())
    assert service.external_checks(result, Scope()) == []
    assert api.requests == []


def test_a_confident_local_match_means_no_external_call(seeded, api):
    service = service_for(seeded, api)
    result = service.check("the Harbor Street bridge will close for eight months", Scope())
    [answer] = result.matches
    assert answer.claim.status is Status.CONFIRMED
    assert service.external_checks(result, Scope()) == []
    assert api.requests == []


def test_without_a_local_match_external_fact_checks_are_added_and_labelled(seeded, api):
    service = service_for(seeded, api)
    result = service.check("Trump ordered Ukraine to bomb Moscow", Scope())
    assert result.matches == []
    [answer] = service.external_checks(result, Scope())
    assert [r.publisher for r in answer.results] == ["Checkpoint Desk", "otherchecker.example"]
    assert all(r.external for r in answer.results)
    answers = service.external_checks(
        service.check(
            "Trump ordered Ukraine to bomb Moscow. The Harbor Street bridge will close for eight"
            " months",
            Scope(),
        ),
        Scope(),
    )
    assert [a.segment for a in answers] == ["Trump ordered Ukraine to bomb Moscow."]
    assert answers[0].results[0].status is Status.MISLEADING


def test_an_external_failure_becomes_a_note_not_an_error(seeded, api):
    api.status = 500
    service = service_for(seeded, api)
    result = service.check("Trump ordered Ukraine to bomb Moscow", Scope())
    [answer] = service.external_checks(result, Scope())
    assert answer.results == []
    [note] = answer.notes
    assert "HTTP 500" in note
