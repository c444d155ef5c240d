"""Refit the scoring model on a labelled set and rewrite `verifiers/matching/answer_model.json`.

    python -m verifiers.training.fit --data /work/shared/data/checkthat2020 --split train
    CLAIMBOT_MINILM_ADAPTER=none python -m verifiers.training.fit --data DIR --matcher semantic
    python -m verifiers.training.fit --data DIR --matcher semantic --cross-fit 5  (see crossfit.py)

Pure Python (no numpy at run time or fit time): Newton's method on two small convex problems.
1. Relevance: a listwise (softmax) model over each query's candidates — it learns which
   candidate is the relevant one, which is exactly what ranking needs.
2. Answer: a logistic model on the top candidate's relevance logit and its lead over the
   two next-best candidates, fitted on every query twice — with its relevant claims in the
   database (label: is the top one relevant?) and with them and their duplicates withheld
   (label: 0, any answer is false). Its output is the calibrated score the confident/related
   thresholds apply to.
The semantic matcher's coefficients (lexical + embedding features) go to
`answer_model_semantic.json`; its claim embeddings are cached between runs (see
`verifiers.evaluation.embedding_cache`).

`--cross-fit K --fold-rerankers` measures rather than fits: whether the answer model should be
refitted for the cross-encoder's reranked logits (`reranked_answer_sweep`; docs/matching.md,
"How the defaults were chosen", found it should not).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from verifiers.domain.errors import InvalidInput
from verifiers.domain.settings import MatchingSettings
from verifiers.evaluation.runner import Group
from verifiers.matching.features import FEATURES, SEMANTIC_FEATURES
from verifiers.matching.model import answer_features, rank_candidates, sigmoid
from verifiers.matching.rerank import with_rerank_scores

if TYPE_CHECKING:  # pragma: no cover
    from verifiers.evaluation.runner import Collected

Vector = list[float]
Matrix = list[list[float]]
Objective = Callable[[Vector], tuple[float, Vector, Matrix]]

RELEVANCE_L2 = 0.01
ANSWER_L2 = 0.01
MATCHING = Path(__file__).resolve().parent.parent / "matching"  # where the runtime loads them
COEFFICIENTS_FILE = MATCHING / "answer_model.json"
SEMANTIC_COEFFICIENTS_FILE = MATCHING / "answer_model_semantic.json"


def _solve(a: Matrix, b: Vector) -> Vector:
    """Solve a·x = b by Gaussian elimination with partial pivoting (a is small and SPD)."""
    n = len(b)
    m = [[*row, b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        if abs(m[col][col]) < 1e-12:
            raise ArithmeticError("singular system while fitting")
        for r in range(col + 1, n):
            f = m[r][col] / m[col][col]
            if f:
                for c in range(col, n + 1):
                    m[r][c] -= f * m[col][c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][c] * x[c] for c in range(r + 1, n))) / m[r][r]
    return x


def _newton(
    objective: Objective, dim: int, l2: float, iterations: int = 50, tolerance: float = 1e-6
) -> Vector:
    """Minimise a convex objective f(w) -> (value, gradient, hessian), L2-penalised.

    Damped: a step is halved until the objective decreases, so a flat direction cannot send
    the weights off to infinity.
    """

    def penalised(w: Vector) -> tuple[float, Vector, Matrix]:
        value, grad, hess = objective(w)
        for i in range(dim):
            grad[i] += 2 * l2 * w[i]
            hess[i][i] += 2 * l2
        return value + l2 * sum(x * x for x in w), grad, hess

    w = [0.0] * dim
    value, grad, hess = penalised(w)
    for _ in range(iterations):
        step = _solve(hess, grad)
        t = 1.0
        while t > 1e-6:
            candidate = [wi - t * si for wi, si in zip(w, step, strict=True)]
            new_value, new_grad, new_hess = penalised(candidate)
            if new_value <= value:
                break
            t /= 2
        else:
            break
        converged = value - new_value < tolerance
        w, value, grad, hess = candidate, new_value, new_grad, new_hess
        if converged:
            break
    return w


def fit_relevance(groups: Sequence[Group], l2: float = RELEVANCE_L2) -> Vector:
    """Weights maximising the softmax probability of each query's relevant candidates."""
    usable = [g for g in groups if any(g.relevant) and len(g.rows) > 1]
    dim = len(usable[0].rows[0])

    def objective(w: Vector) -> tuple[float, Vector, Matrix]:
        value = 0.0
        grad = [0.0] * dim
        hess = [[0.0] * dim for _ in range(dim)]
        for g in usable:
            z = [sum(wi * xi for wi, xi in zip(w, row, strict=True)) for row in g.rows]
            top = max(z)
            e = [math.exp(zi - top) for zi in z]
            total = sum(e)
            p = [ei / total for ei in e]
            positives = [i for i, rel in enumerate(g.relevant) if rel]
            value -= sum(z[i] - top - math.log(total) for i in positives) / len(positives)
            mean = [sum(pi * row[j] for pi, row in zip(p, g.rows, strict=True)) for j in range(dim)]
            for j in range(dim):
                grad[j] += mean[j] - sum(g.rows[i][j] for i in positives) / len(positives)
            for pi, row in zip(p, g.rows, strict=True):
                if pi < 1e-9:
                    continue
                for a in range(dim):
                    ra = pi * row[a]
                    ha = hess[a]
                    for b in range(a, dim):
                        ha[b] += ra * row[b]
            for a in range(dim):
                for b in range(a, dim):
                    hess[a][b] -= mean[a] * mean[b]
        for a in range(dim):
            for b in range(a):
                hess[a][b] = hess[b][a]
        return value, grad, hess

    return _newton(objective, dim, l2)


def fit_logistic(rows: Sequence[Vector], labels: Sequence[bool], l2: float = ANSWER_L2) -> Vector:
    """Logistic regression; the last weight returned is the bias."""
    data = [[*row, 1.0] for row in rows]
    dim = len(data[0])

    def objective(w: Vector) -> tuple[float, Vector, Matrix]:
        value = 0.0
        grad = [0.0] * dim
        hess = [[0.0] * dim for _ in range(dim)]
        for x, y in zip(data, labels, strict=True):
            z = sum(wi * xi for wi, xi in zip(w, x, strict=True))
            p = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
            value -= math.log(max(p if y else 1.0 - p, 1e-15))
            for a in range(dim):
                grad[a] += (p - y) * x[a]
                for b in range(dim):
                    hess[a][b] += p * (1 - p) * x[a] * x[b]
        return value, grad, hess

    return _newton(objective, dim, l2)


def rival_floor(groups: Sequence[Group], weights: Vector) -> float:
    """The 5th percentile of third-ranked candidates' logits: a typical weak candidate."""
    thirds = sorted(
        sorted(sum(w * x for w, x in zip(weights, row, strict=True)) for row in g.rows)[-3]
        for g in groups
        if len(g.rows) >= 3
    )
    return thirds[len(thirds) // 20]


def answer_rows(
    groups: Sequence[Group],
    withheld: Sequence[Group],
    weights: Vector,
    floor: float,
    rerank_weight: float = 0.0,
) -> tuple[list[Vector], list[bool]]:
    """Answer-model training rows: each query's top candidate, with and without its claims,
    after reranking with `rerank_weight` where the groups carry cross-encoder scores (which
    were read with these relevance `weights`: the same candidates are reranked)."""
    rows: list[Vector] = []
    labels: list[bool] = []
    for group_set, can_be_right in ((groups, True), (withheld, False)):
        for g in group_set:
            if g.rows:
                row, right = top_row(g, weights, floor, rerank_weight)
                rows.append(row)
                labels.append(can_be_right and right)
    return rows, labels


def top_row(
    g: Group, weights: Vector, floor: float, rerank_weight: float = 0.0
) -> tuple[Vector, bool]:
    """The answer features of a query's top candidate, and whether it is relevant."""
    logits = [sum(w * x for w, x in zip(weights, row, strict=True)) for row in g.rows]
    if g.rerank:
        logits = with_rerank_scores(logits, g.rerank, rerank_weight)
    keys = g.keys or [str(i) for i in range(len(logits))]
    top = rank_candidates(logits, keys, floor)[0]
    return answer_features(top.logit, top.rivals), g.relevant[top.index]


def save_features(path: Path, data: Collected, features: Sequence[str]) -> None:
    """Write the collected candidate features (JSON), so that a refit needs no re-ranking."""
    import json

    def groups(gs: Sequence[Group]) -> list[dict[str, object]]:
        return [
            {"rows": g.rows, "relevant": g.relevant, "keys": g.keys, "rerank": g.rerank} for g in gs
        ]

    body = {
        "features": list(features),
        "messages": groups(data.messages),
        "messages_withheld": groups(data.messages_withheld),
    }
    path.write_text(json.dumps(body), encoding="utf-8")


def load_features(path: Path, features: Sequence[str]) -> Collected:
    """Read what `save_features` wrote; refuses features of another feature set."""
    import json

    from verifiers.evaluation.runner import Collected

    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SystemExit(f"{path}: cannot read saved features ({exc})") from None
    if body.get("features") != list(features):
        raise SystemExit(f"{path}: saved for other features than this matcher's; collect again")

    def groups(key: str) -> list[Group]:
        return [
            Group(g["rows"], g["relevant"], g["keys"], _positions(g.get("rerank")))
            for g in body[key]
        ]

    return Collected(groups("messages"), groups("messages_withheld"))


def _positions(scores: dict[str, float] | None) -> dict[int, float] | None:
    """JSON keeps a cross-encoder score's row number as text."""
    return None if scores is None else {int(row): score for row, score in scores.items()}


def answer_probability(answer: Vector, row: Vector) -> float:
    """The answer model `answer` (weights, then the bias, as `fit_logistic` returns them)
    applied to one row of `answer_features`."""
    return sigmoid(sum(w * x for w, x in zip(answer, [*row, 1.0], strict=True)))


SWEEP = (0.6, 0.65, 0.7, 0.75, 0.8, 0.85)


def answer_sweep(
    data: Collected, relevance: Vector, answer: Vector, floor: float
) -> list[tuple[float, float, float]]:
    """(threshold, answered correctly, false answers) on the fitting queries themselves, by
    the answer score alone (without `claimbot eval`'s floors on words, coverage and cosine):
    with cross-fitted features, an out-of-sample view to choose the confident threshold from."""

    def scores(rows: list[Vector], labels: list[bool]) -> list[tuple[float, bool]]:
        return [(answer_probability(answer, row), y) for row, y in zip(rows, labels, strict=True)]

    present = scores(*answer_rows(data.messages, [], relevance, floor))
    withheld = scores(*answer_rows([], data.messages_withheld, relevance, floor))
    n = max(1, len(data.messages))
    return [
        (
            t,
            sum(p >= t and y for p, y in present) / n,
            sum(p >= t for p, _ in withheld) / n,
        )
        for t in SWEEP
    ]


def reranked_answer_sweep(
    data: Collected, rerank_weight: float, k: int = 5
) -> list[tuple[float, tuple[float, float], tuple[float, float]]]:
    """Whether the semantic answer model should be refitted for reranked logits: per
    threshold, (answered correctly, false answers) with the shipped answer model and with one
    refitted on these logits (cross-validated over `k` folds of the queries, so that neither
    is in sample), on `data` collected with fold cross-encoders (`--fold-rerankers`), by the
    score alone. The relevance weights are the shipped ones, which chose the scored
    candidates."""
    from verifiers.matching.model import SEMANTIC
    from verifiers.training.folds import folds

    relevance, floor = list(SEMANTIC.relevance), SEMANTIC.rival_floor
    queries = []  # (top row with the claims present, is it relevant, top row withheld)
    for g, h in zip(data.messages, data.messages_withheld, strict=True):
        if g.rows and h.rows:
            present, right = top_row(g, relevance, floor, rerank_weight)
            queries.append((present, right, top_row(h, relevance, floor, rerank_weight)[0]))
    shipped = [*SEMANTIC.answer, SEMANTIC.answer_bias]
    refitted: list[Vector] = [shipped] * len(queries)  # each query's model, fitted without it
    for part in folds([str(i) for i in range(len(queries))], k):
        held_out = {int(i) for i in part}
        others = [q for i, q in enumerate(queries) if i not in held_out]
        rows = [row for present, _, withheld in others for row in (present, withheld)]
        labels = [label for _, right, _ in others for label in (right, False)]
        model = fit_logistic(rows, labels)
        for i in held_out:
            refitted[i] = model

    n = max(1, len(data.messages))
    out = []
    for t in SWEEP:
        cells = []
        for models in ([shipped] * len(queries), refitted):
            scored = [
                (
                    answer_probability(m, present) >= t and right,
                    answer_probability(m, withheld) >= t,
                )
                for m, (present, right, withheld) in zip(models, queries, strict=True)
            ]
            cells.append((sum(a for a, _ in scored) / n, sum(f for _, f in scored) / n))
        out.append((t, cells[0], cells[1]))
    return out


def write_coefficients(
    relevance: Vector,
    answer: Vector,
    floor: float,
    note: str,
    path: Path = COEFFICIENTS_FILE,
    features: Sequence[str] = FEATURES,
) -> None:
    """The model file the matcher loads (`verifiers.matching.model.Weights.load`): the
    feature order it was fitted on, its weights, and how it was fitted."""
    model = {
        "fitted_by": "python -m verifiers.training.fit",
        "fitted_on": note,
        "features": list(features),
        "relevance_weights": [round(v, 6) for v in relevance],
        "relevance_bias": 0.0,
        "answer_weights": [round(v, 6) for v in answer[:-1]],
        "answer_bias": round(answer[-1], 6),
        "rival_floor": round(floor, 6),
    }
    path.write_text(json.dumps(model, indent=2) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    from verifiers.evaluation.runner import collect_groups

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="CheckThat!-style directory")
    parser.add_argument("--split", default="train")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--matcher", choices=["lexical", "semantic"], default="lexical")
    parser.add_argument("--embeddings-cache", type=Path, default=None)
    parser.add_argument(
        "--cross-fit",
        type=int,
        default=0,
        metavar="K",
        help="semantic: features from K adapters, each trained without the queries it ranks",
    )
    parser.add_argument(
        "--fold-rerankers",
        action="store_true",
        help="with --cross-fit: each fold trains a cross-encoder too, and the answer decision"
        " on reranked logits is measured with the shipped answer model and a refitted one"
        " (writes no coefficients)",
    )
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--save-features", type=Path, default=None, help="also write the collected features"
    )
    parser.add_argument(
        "--from-features",
        type=Path,
        default=None,
        help="fit on features saved by --save-features instead of collecting them",
    )
    args = parser.parse_args(argv)
    if args.fold_rerankers and not args.cross_fit:
        parser.error("--fold-rerankers needs --cross-fit K")
    semantic = args.matcher == "semantic"
    out = args.out or (SEMANTIC_COEFFICIENTS_FILE if semantic else COEFFICIENTS_FILE)
    cache = None
    plain = MatchingSettings().minilm_adapter.strip().lower() == "none"
    if args.cross_fit:
        if not semantic or plain:
            parser.error(
                "--cross-fit is for the tuned semantic matcher (--matcher semantic, "
                "without CLAIMBOT_MINILM_ADAPTER=none)"
            )
    elif semantic:
        from verifiers.evaluation.embedding_cache import default_cache_path
        from verifiers.matching.semantic import setting_key

        key = setting_key(MatchingSettings().minilm_adapter)
        cache = args.embeddings_cache or default_cache_path(key)
        if not plain and not args.from_features:
            print(
                "note: fitting on the tuned MiniLM's features, which are in-sample on train; "
                "the shipped weights are fitted with CLAIMBOT_MINILM_ADAPTER=none "
                "(--cross-fit 5 gives out-of-sample features)",
                file=sys.stderr,
            )

    features = FEATURES + SEMANTIC_FEATURES if semantic else FEATURES
    try:
        if args.from_features:
            data = load_features(args.from_features, features)
        elif args.cross_fit:
            from verifiers.evaluation.data import load_split
            from verifiers.training.crossfit import cross_fitted

            labelled = load_split(args.data, args.split).limited(args.limit)
            data = cross_fitted(labelled, args.cross_fit, rerankers=args.fold_rerankers)
        else:
            data = collect_groups(args.data, args.split, args.limit, args.matcher, cache)
    except InvalidInput as exc:
        parser.exit(2, f"error: {exc}\n")
    if args.save_features:
        save_features(args.save_features, data, features)
    if any(g.rerank for g in data.messages):
        _print_reranked_sweep(data, args.split)
        return 0
    relevance = fit_relevance(data.messages)
    floor = rival_floor(data.messages, relevance)
    rows, labels = answer_rows(data.messages, data.messages_withheld, relevance, floor)
    answer = fit_logistic(rows, labels)
    note = (
        f"{args.matcher.capitalize()} matcher, fitted on {args.data.name}/{args.split}: "
        f"{len(data.messages)} queries"
        f"{f', features cross-fitted over {args.cross_fit} folds' if args.cross_fit else ''} "
        f"(relevance: listwise softmax, L2 {RELEVANCE_L2}; answer: logistic, L2 {ANSWER_L2})."
    )
    write_coefficients(relevance, answer, floor, note, out, features)
    print(f"wrote {out}: {note}", file=sys.stderr)
    sample = "out of sample (cross-fitted)" if args.cross_fit else "in sample"
    print(f"answer decision on {args.split}, {sample}, by the score alone:", file=sys.stderr)
    for t, right, false in answer_sweep(data, relevance, answer, floor):
        print(
            f"  {t:.2f}: answered correctly {right:.1%}, false answers {false:.1%}", file=sys.stderr
        )
    return 0


def _print_reranked_sweep(data: Collected, split: str) -> None:
    weight = MatchingSettings().rerank_weight
    print(
        f"answer decision on {split}, logits reranked at weight {weight} by cross-encoders and"
        " adapters cross-fitted without each query, by the score alone:\n"
        "         shipped answer model      refitted (cross-validated)",
        file=sys.stderr,
    )
    for t, (right, false), (right2, false2) in reranked_answer_sweep(data, weight):
        print(
            f"  {t:.2f}: {right:6.1%} correct, {false:4.1%} false    "
            f"{right2:6.1%} correct, {false2:4.1%} false",
            file=sys.stderr,
        )
    print("no coefficients written (measurement only)", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
