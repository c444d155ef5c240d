"""External fact-checkers, asked about what the claims database has no confident answer for.

External results are a fallback with a clear label ("not from this server's database"), never a
substitute for a curated claim: a segment with a confident local match is never sent out
(`ClaimService.external_checks`). An external verifier that cannot answer (rate limit, network)
leaves a note instead of failing the check.
"""

from __future__ import annotations

from verifiers.domain.errors import ClaimbotError
from verifiers.domain.models import Scope
from verifiers.domain.settings import FactCheckSettings
from verifiers.external.base import Verifier, VerifierResult
from verifiers.external.factcheck import GoogleFactCheckVerifier
from verifiers.sources.fetch import FetchPolicy


def ask_external(
    verifiers: list[Verifier], text: str, scope: Scope
) -> tuple[list[VerifierResult], list[str]]:
    """Every external verifier's results for `text`, and a note for each that could not answer."""
    found: list[VerifierResult] = []
    notes: list[str] = []
    for verifier in verifiers:
        try:
            found.extend(verifier.lookup(text, scope))
        except ClaimbotError as exc:
            notes.append(str(exc))
    return found, notes


def external_verifiers(
    settings: FactCheckSettings, policy: FetchPolicy | None = None
) -> list[Verifier]:
    """The external verifiers the settings turn on (none by default)."""
    if not settings.enabled:
        return []
    return [GoogleFactCheckVerifier(settings, policy)]
