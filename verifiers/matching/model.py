"""The fitted scoring model: relevance of one candidate, then confidence of an answer.

Two small logistic models per matcher, fitted on the CheckThat! 2020 train split by
`python -m verifiers.training.fit` (see docs/matching.md), whose coefficients live in
`answer_model.json` (lexical) and `answer_model_semantic.json` (lexical + embedding features),
each with the feature order it was fitted on.
Relevance ranks candidates; the answer model turns a candidate's relevance and its lead over
the runner-up into the calibrated 0..1 score the thresholds apply to.

Identical claims (same words; a database may hold copies) are one claim: they share the best
relevance of the group, the earliest-retrieved copy comes first, and a copy is never the
"runner-up" that makes the answer look uncertain.
"""

from __future__ import annotations

import importlib.resources
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from verifiers.domain.errors import ConfigError
from verifiers.matching.features import FEATURES, SEMANTIC_FEATURES
from verifiers.text.normalize import normalize
from verifiers.text.tokens import tokenize

LEXICAL_FILE = "answer_model.json"
SEMANTIC_FILE = "answer_model_semantic.json"


def shipped_model(name: str, features: tuple[str, ...], refit: str) -> dict[str, Any]:
    """The shipped model file `name` of this package, read; refused when it was fitted on
    other features than `features` (`refit`: the command that fits it again)."""
    data: dict[str, Any] = json.loads(
        importlib.resources.files("verifiers.matching").joinpath(name).read_text("utf-8")
    )
    if tuple(data["features"]) != features:
        raise ConfigError(
            f"{name} was fitted on other features ({', '.join(data['features'])}):"
            f" refit it with {refit}"
        )
    return data


@dataclass(frozen=True, slots=True)
class Weights:
    """One matcher's fitted coefficients."""

    features: tuple[str, ...]
    relevance: tuple[float, ...]
    relevance_bias: float
    answer: tuple[float, ...]
    answer_bias: float
    rival_floor: float

    @classmethod
    def load(cls, name: str, features: tuple[str, ...]) -> Weights:
        """The shipped model file `name`; it must have been fitted on exactly `features`."""
        data = shipped_model(name, features, "python -m verifiers.training.fit")
        return cls(
            features=features,
            relevance=tuple(float(w) for w in data["relevance_weights"]),
            relevance_bias=float(data["relevance_bias"]),
            answer=tuple(float(w) for w in data["answer_weights"]),
            answer_bias=float(data["answer_bias"]),
            rival_floor=float(data["rival_floor"]),
        )


LEXICAL = Weights.load(LEXICAL_FILE, FEATURES)
SEMANTIC = Weights.load(SEMANTIC_FILE, FEATURES + SEMANTIC_FEATURES)


@lru_cache(maxsize=50_000)
def duplicate_key(text: str) -> str:
    """Claims with the same words (quotes, case, spacing aside) are one claim."""
    return " ".join(tokenize(normalize(text)))


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def relevance_logit(features: Sequence[float], weights: Weights = LEXICAL) -> float:
    return weights.relevance_bias + sum(
        w * x for w, x in zip(weights.relevance, features, strict=True)
    )


@dataclass(frozen=True, slots=True)
class Ranked:
    """A candidate's place after duplicate-aware ranking."""

    index: int  # position in the candidate list given
    logit: float  # its group's best relevance logit
    rivals: tuple[float, float]


def rank_candidates(
    logits: Sequence[float], keys: Sequence[str], floor: float | None = None
) -> list[Ranked]:
    """Candidates best first; copies (same key) share the group's best logit and keep their
    given order; each candidate's rivals are the two best *other* claims (see `rivals`)."""
    best: dict[str, float] = {}
    first: dict[str, int] = {}
    for i, (z, key) in enumerate(zip(logits, keys, strict=True)):
        best[key] = max(z, best.get(key, z))
        first.setdefault(key, i)
    order = sorted(range(len(logits)), key=lambda i: (-best[keys[i]], first[keys[i]], i))
    groups = sorted(best.items(), key=lambda item: (-item[1], first[item[0]]))
    out: list[Ranked] = []
    for i in order:
        others = [z for key, z in groups[:3] if key != keys[i]][:2]
        out.append(Ranked(i, best[keys[i]], rivals(others, floor)))
    return out


def rivals(others: Sequence[float], floor: float | None = None) -> tuple[float, float]:
    """The best and second-best logits of the other claims, sorted best first.

    Rivals below `floor` (a typical weakly related claim's logit, fitted) are raised to it,
    and missing ones take its value: in a small database a weak match with no competition
    must not look like a clear winner.
    """
    low = LEXICAL.rival_floor if floor is None else floor
    pair = [*others[:2], low, low][:2]
    return max(pair[0], low), max(pair[1], low)


def answer_features(logit: float, rival_logits: tuple[float, float]) -> list[float]:
    """The candidate's relevance and its lead over the two best other candidates."""
    return [logit, logit - rival_logits[0], logit - rival_logits[1]]


def answer_score(
    logit: float, rival_logits: tuple[float, float], weights: Weights = LEXICAL
) -> float:
    """Calibrated probability that this candidate is the claim the text is about."""
    x = answer_features(logit, rival_logits)
    return sigmoid(weights.answer_bias + sum(w * v for w, v in zip(weights.answer, x, strict=True)))
