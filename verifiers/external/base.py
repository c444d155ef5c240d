"""The Verifier interface: text in, what is known about it out, labelled with where it is from."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import date

from pydantic import BaseModel

from verifiers.domain.models import Scope, Status


class VerifierResult(BaseModel):
    """One verdict on a claim. `external` results never come from this bot's own database and
    must be shown as such (a third party's rating, not ours)."""

    verifier: str  # "claims database", "Google Fact Check Tools"
    external: bool
    claim_text: str
    status: Status | None = None  # our status, mapped from an external rating when external
    rating: str = ""  # the verdict as the source words it ("Missing context")
    claimant: str | None = None
    claim_date: date | None = None
    publisher: str | None = None
    url: str | None = None
    title: str = ""
    review_date: date | None = None
    score: float | None = None  # match score; external APIs give none
    confident: bool = False  # a confident match (local only)
    claim_id: str | None = None  # local only

    @property
    def label(self) -> str:
        if self.external:
            return f"External fact-check via {self.verifier}, not from this server's database"
        return "From the claims database"


class Verifier(ABC):
    name: str
    external: bool

    @abstractmethod
    def lookup(self, text: str, scope: Scope) -> list[VerifierResult]:
        """What this verifier knows about `text`, best first (possibly nothing)."""
