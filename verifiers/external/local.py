"""The claims database as a Verifier: the matcher's answers, confident and related."""

from __future__ import annotations

from verifiers.external.base import Verifier, VerifierResult
from verifiers.matching.pipeline import Matcher
from verifiers.models import Match, Tier
from verifiers.store.base import Scope


class LocalClaimsVerifier(Verifier):
    name = "claims database"
    external = False

    def __init__(self, matcher: Matcher) -> None:
        self.matcher = matcher

    def lookup(self, text: str, scope: Scope) -> list[VerifierResult]:
        result = self.matcher.check(text, scope)
        matches = [m for r in result.results for m in ([r.match] if r.match else []) + r.related]
        return [self._result(m) for m in sorted(matches, key=lambda m: -m.score)]

    def _result(self, match: Match) -> VerifierResult:
        claim = match.claim
        first = claim.sources[0] if claim.sources else None
        return VerifierResult(
            verifier=self.name,
            external=False,
            claim_text=claim.text,
            status=claim.status,
            rating=claim.status.label,
            claimant=claim.claimant,
            claim_date=claim.claim_date,
            publisher=first.publisher if first else None,
            url=str(first.url) if first and first.url else None,
            score=match.score,
            confident=match.tier is Tier.CONFIDENT,
            claim_id=claim.id,
        )
