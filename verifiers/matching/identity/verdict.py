"""The verdicts of claim identity: same claim, its contradiction, another claim, no claim."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Verdict(StrEnum):
    SAME = "same"
    CONTRADICTS = "contradicts"
    DIFFERENT = "different"
    NO_CLAIM = "no_claim"

    @property
    def answerable(self) -> bool:
        """Only the same claim, or its contradiction, may be answered confidently."""
        return self in (Verdict.SAME, Verdict.CONTRADICTS)


@dataclass(frozen=True, slots=True)
class Identity:
    verdict: Verdict
    reason: str = ""
    kind: str = ""  # a contradiction's kind: "negation", "date" or "number"
