"""How likely a message states the claim: the fitted identity model over its features."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from rapidfuzz import fuzz

from verifiers.domain.models import Claim
from verifiers.matching.identity.clauses import word_key
from verifiers.matching.identity.judge import _as_asked
from verifiers.matching.identity.verdict import Verdict
from verifiers.matching.model import shipped_model
from verifiers.text.names import (
    covered,
    mentions,
    names,
)
from verifiers.text.normalize import normalize
from verifiers.text.tokens import content_tokens

# -- how sure the verdict is --------------------------------------------------------------------

IDENTITY_FEATURES = (
    "contradicts",  # the verdict is a contradiction, not the same claim
    "wording",  # token-set likeness of what the message asserts and the claim
    "claim_stated",  # share of the claim's content words the message states
    "message_extra",  # share of the message's content words the claim lacks
    "names_kept",  # share of the claim's names the message names (1 when it has none)
    "names_added",  # names the message adds that the claim does not have (up to 3, / 3)
)


def identity_features(message: str, claim: Claim, verdict: Verdict) -> list[float]:
    """What the probability that `message` states `claim` (or its contradiction) is read
    from, in the order of `IDENTITY_FEATURES`; `verdict` is `judge_identity`'s, already made.
    A negative question is read as the claim it asks about ("Didn't …" as "Did …")."""
    said = _as_asked(message)
    said_norm, held_norm = normalize(said), normalize(claim.text)
    said_words = {word_key(w) for w in content_tokens(said_norm)}
    held_words = {word_key(w) for w in content_tokens(held_norm)}
    held_names = names(claim.text)
    kept, _ = covered(claim.text, said)
    added = [run for run in names(said) if not mentions(claim.text, " ".join(run))]
    return [
        1.0 if verdict is Verdict.CONTRADICTS else 0.0,
        fuzz.token_set_ratio(said_norm, held_norm) / 100,
        len(said_words & held_words) / max(1, len(held_words)),
        len(said_words - held_words) / max(1, len(said_words)),
        sum(1 for run in held_names if set(run) <= kept) / len(held_names) if held_names else 1.0,
        min(len(added), 3) / 3,
    ]


@dataclass(frozen=True, slots=True)
class IdentityModel:
    """The fitted logistic model over `IDENTITY_FEATURES` (`identity_model.json`, made by
    `python -m verifiers.evaluation.identity_fit`)."""

    weights: tuple[float, ...]
    bias: float

    def probability(self, features: list[float]) -> float:
        z = self.bias + sum(w * f for w, f in zip(self.weights, features, strict=True))
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


@functools.cache
def identity_model() -> IdentityModel:
    """The shipped model; its feature list must be the code's, or it is refused."""
    data = shipped_model(
        MODEL_FILE, IDENTITY_FEATURES, "python -m verifiers.evaluation.identity_fit"
    )
    return IdentityModel(tuple(float(w) for w in data["weights"]), float(data["bias"]))


MODEL_FILE = "identity_model.json"


def identity_probability(message: str, claim: Claim, verdict: Verdict) -> float:
    """How likely `message` states `claim` or its contradiction, given that the rules found
    nothing changed (`verdict`): calibrated on the identity set (docs/matching.md)."""
    return identity_model().probability(identity_features(message, claim, verdict))
