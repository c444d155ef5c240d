"""Fit the identity probability: how likely a confident answer is the claim the message states.

    python -m verifiers.evaluation.identity_fit --identity tests/data/identity/pairs.jsonl \
        --out verifiers/matching/identity_model.json

Every confident answer the matcher gives on the set is a row (`identity_features`), labelled
right when its claim is the pair's claim and the pair is `same` or `contradicts`, wrong when the
pair is `different` or `none`. A logistic regression is fitted on the `tune` pairs only; the
report shows its reliability on the held-out pairs (predicted against observed, by bin).
Research code: it needs numpy, and the bot never imports it.
"""

from __future__ import annotations

import argparse
import itertools
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from verifiers.domain.models import ClaimFields, Scope, Stance
from verifiers.domain.settings import MatchingSettings
from verifiers.evaluation.identity import IdentityPair, load_identity_set
from verifiers.evaluation.runner import make_matcher
from verifiers.matching.identity import IDENTITY_FEATURES, Verdict, identity_features
from verifiers.store import open_store

L2 = 1.0  # ridge on the weights (not the bias): the set is small
BINS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.01)


@dataclass(frozen=True, slots=True)
class Row:
    features: list[float]
    right: bool
    split: str


def collect(claims: list[ClaimFields], pairs: list[IdentityPair], kind: str) -> list[Row]:
    """One row per confident answer that the pair's label judges."""
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="claimbot-identity-fit-") as tmp:
        store = open_store(str(Path(tmp) / "fit.db"), seed=True)
        try:
            store.add_claims(claims, actor="fit")
            # Every answer the rules allow: the probability being fitted must not pick its rows.
            matcher = make_matcher(store, MatchingSettings(min_identity=0.0), kind)
            set_ids = {c.id: c.external_id or c.id for c in store.iter_claims(Scope.everything())}
            for pair in pairs:
                for segment in matcher.check(pair.message, Scope()).results:
                    match = segment.match
                    if match is None:
                        continue
                    own = set_ids.get(match.claim.id) == pair.claim_id
                    if pair.expected in ("same", "contradicts") and not own:
                        continue  # another claim of the message: the label says nothing of it
                    right = own and pair.expected in ("same", "contradicts")
                    verdict = (
                        Verdict.CONTRADICTS if match.stance is Stance.CONTRADICTS else Verdict.SAME
                    )
                    features = identity_features(segment.segment, match.claim, verdict)
                    rows.append(Row(features, right, pair.split))
        finally:
            store.close()
    return rows


def fit(rows: list[Row]) -> tuple[np.ndarray, float]:
    """Logistic regression by Newton's method, ridge on the weights."""
    x = np.array([r.features for r in rows], dtype=float)
    y = np.array([r.right for r in rows], dtype=float)
    x1 = np.hstack([x, np.ones((len(x), 1))])
    beta = np.zeros(x1.shape[1])
    ridge = np.eye(x1.shape[1]) * L2
    ridge[-1, -1] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-x1 @ beta))
        gradient = x1.T @ (p - y) + ridge @ beta
        hessian = x1.T @ (x1 * (p * (1 - p))[:, None]) + ridge
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return beta[:-1], float(beta[-1])


def reliability(
    rows: list[Row], weights: np.ndarray, bias: float
) -> list[tuple[str, int, float, float]]:
    """(bin, answers, mean predicted, observed right) for each probability bin."""
    x = np.array([r.features for r in rows], dtype=float)
    predicted = 1 / (1 + np.exp(-(x @ weights + bias)))
    observed = np.array([r.right for r in rows], dtype=float)
    out = []
    for low, high in itertools.pairwise(BINS):
        inside = (predicted >= low) & (predicted < high)
        if inside.any():
            label = f"{low:.2f}–{min(high, 1.0):.2f}"
            out.append(
                (
                    label,
                    int(inside.sum()),
                    float(predicted[inside].mean()),
                    float(observed[inside].mean()),
                )
            )
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--identity", type=Path, required=True, help="The identity pairs file.")
    parser.add_argument("--matcher", choices=("lexical", "semantic"), default="lexical")
    parser.add_argument("--out", type=Path, help="Write the fitted model here (JSON).")
    args = parser.parse_args(argv)
    claims, pairs = load_identity_set(args.identity)
    rows = collect(claims, pairs, args.matcher)
    tune = [r for r in rows if r.split == "tune"]
    held = [r for r in rows if r.split == "heldout"]
    weights, bias = fit(tune)
    print(
        f"{len(tune)} answers to fit on ({sum(r.right for r in tune)} right), {len(held)} held out"
    )
    for name, weight in zip(IDENTITY_FEATURES, weights, strict=True):
        print(f"  {name:<14} {weight:+.3f}")
    print(f"  {'bias':<14} {bias:+.3f}")
    for split, chosen in (("tune", tune), ("held out", held)):
        print(f"reliability, {split}: bin, answers, mean predicted, observed right")
        for label, count, mean, seen in reliability(chosen, weights, bias):
            print(f"  {label}  {count:4d}  {mean:.2f}  {seen:.2f}")
    if args.out is not None:
        model = {
            "features": list(IDENTITY_FEATURES),
            "weights": [round(float(w), 6) for w in weights],
            "bias": round(bias, 6),
            "fitted_on": f"{args.identity.name}, tune split, {args.matcher} matcher",
        }
        args.out.write_text(json.dumps(model, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
