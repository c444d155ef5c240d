"""The fitted scoring model: relevance of one candidate, then confidence of an answer.

Two small logistic models, fitted on the CheckThat! 2020 train split by
`python -m verifiers.matching.fit` (see docs/matching.md), whose coefficients live in
`coefficients.py`. Relevance ranks candidates; the answer model turns a candidate's relevance
and its lead over the runner-up into the calibrated 0..1 score the thresholds apply to.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from verifiers.matching import coefficients
from verifiers.matching.features import FEATURES

if tuple(coefficients.FEATURES) != FEATURES:  # pragma: no cover - guards a stale refit
    raise RuntimeError("verifiers/matching/coefficients.py is stale: refit the model")


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def relevance_logit(features: Sequence[float]) -> float:
    return coefficients.RELEVANCE_BIAS + sum(
        w * x for w, x in zip(coefficients.RELEVANCE_WEIGHTS, features, strict=True)
    )


def rivals(
    sorted_logits: Sequence[float], i: int, floor: float | None = None
) -> tuple[float, float]:
    """The best and second-best logits other than the i-th, in a list sorted best first.

    Rivals below `floor` (a typical weakly related claim's logit, fitted) are raised to it,
    and missing ones take its value: in a small database a weak match with no competition
    must not look like a clear winner.
    """
    low = coefficients.RIVAL_FLOOR if floor is None else floor
    others = [z for j, z in enumerate(sorted_logits[:3]) if j != i][:2]
    others += [low] * (2 - len(others))
    return max(others[0], low), max(others[1], low)


def answer_features(logit: float, rival_logits: tuple[float, float]) -> list[float]:
    """The candidate's relevance and its lead over the two best other candidates."""
    return [logit, logit - rival_logits[0], logit - rival_logits[1]]


def answer_score(logit: float, rival_logits: tuple[float, float]) -> float:
    """Calibrated probability that this candidate is the claim the text is about."""
    x = answer_features(logit, rival_logits)
    return sigmoid(
        coefficients.ANSWER_BIAS
        + sum(w * v for w, v in zip(coefficients.ANSWER_WEIGHTS, x, strict=True))
    )
