"""Ask the claims database first; ask external verifiers only when it has no confident match.

External results are a fallback with a clear label ("not from this server's database"), never a
substitute for a curated claim: a confident local match always wins and no external call is
made. An external verifier that cannot answer (rate limit, network) leaves a note instead of
failing the check.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from verifiers.config import FactCheckSettings
from verifiers.errors import ClaimbotError
from verifiers.external.base import Verifier, VerifierResult
from verifiers.external.factcheck import GoogleFactCheckVerifier
from verifiers.fetch import FetchPolicy
from verifiers.store.base import Scope


@dataclass(frozen=True)
class Lookup:
    local: list[VerifierResult]
    external: list[VerifierResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # why an external verifier said nothing

    @property
    def confident(self) -> bool:
        return any(r.confident for r in self.local)


class VerifierChain:
    def __init__(self, local: Verifier, external: list[Verifier] | None = None) -> None:
        self.local = local
        self.external = external or []

    def lookup(self, text: str, scope: Scope) -> Lookup:
        local = self.local.lookup(text, scope)
        if any(r.confident for r in local) or not self.external:
            return Lookup(local)
        found, notes = ask_external(self.external, text, scope)
        return Lookup(local, found, notes)


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
