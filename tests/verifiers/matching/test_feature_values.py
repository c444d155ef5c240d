"""The matcher's features keep their recorded values on 12,000 varied (message, claim) pairs."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest

from tests.support import feature_cases
from verifiers.matching.bulk import weighted_sums
from verifiers.matching.features import FEATURES, SCREEN_FEATURES

TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def recorded() -> dict[str, Any]:
    return feature_cases.load()


@pytest.fixture(scope="module")
def computed(recorded: dict[str, Any]) -> tuple[list[list[float]], list[list[float]]]:
    by_id = {i: (t, s) for i, (t, s) in recorded["claims"].items()}
    cases = [feature_cases.Pair(*p) for p in recorded["pairs"]]
    vocab = feature_cases.vocabulary(by_id)
    return feature_cases.features(recorded["messages"], by_id, cases, vocab)


def _differences(
    names: tuple[str, ...], old: list[list[float]], new: list[list[float]]
) -> list[tuple[int, str, float, float]]:
    assert len(new) == len(old)
    return [
        (n, name, a, b)
        for n, (was, now) in enumerate(zip(old, new, strict=True))
        for name, a, b in zip(names, was, now, strict=True)
        if abs(a - b) > TOLERANCE
    ]


def test_full_features_keep_their_values(
    recorded: dict[str, Any], computed: tuple[list[list[float]], list[list[float]]]
) -> None:
    assert _differences(FEATURES, recorded["features"], computed[0])[:10] == []


def test_screening_features_keep_their_values(
    recorded: dict[str, Any], computed: tuple[list[list[float]], list[list[float]]]
) -> None:
    assert _differences(SCREEN_FEATURES, recorded["screen_features"], computed[1])[:10] == []


def test_the_pairs_are_varied(recorded: dict[str, Any]) -> None:
    """Every feature takes several values, and the edge cases are there."""
    columns = list(zip(*recorded["features"], strict=True))
    assert all(len(set(column)) >= 2 for column in columns)
    assert {"edge-no-summary", "edge-long"} <= {p[1] for p in recorded["pairs"]}
    assert any(p[3] == 0.0 for p in recorded["pairs"])  # nothing retrieved by BM25


def test_screening_scores_add_up_as_python_does() -> None:
    """Column by column, in order: the same floats as `sum(w * x ...)` over each row, so
    candidates that tie keep their order."""
    rng = random.Random(7)
    weights = [rng.uniform(-3, 3) for _ in SCREEN_FEATURES]
    rows = [[rng.choice((0.0, 1.0, rng.random())) for _ in SCREEN_FEATURES] for _ in range(200)]
    expected = [sum(w * x for w, x in zip(weights, row, strict=True)) for row in rows]
    assert weighted_sums(np.array(rows), weights).tolist() == expected
