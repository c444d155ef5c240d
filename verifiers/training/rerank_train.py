"""Train the semantic matcher's cross-encoder, and choose how much its score counts.

    python -m verifiers.training.rerank_train --data /work/shared/data/checkthat2020 \\
        --split train --out verifiers/matching/cross_encoder.npz

The semantic matcher (without reranking) ranks every labelled post's 10 best claims; the
cross-encoder (plain MiniLM reading "post [SEP] claim | summary", a low-rank adapter as
`finetune` trains and a linear head on the mean of the token vectors) learns to pick each
post's relevant claim among it and the matcher's 3 best wrong ones. About 5 minutes on 2
cores for the 2 epochs, after the matcher's ranking (~2 minutes, plus embedding the claims
when no cached vectors are given with `--embeddings-cache`).

`--cross-fit K` first measures, on the same split, what the reranker adds at each rerank
depth (`--tops`) and weight (`--weights`): the posts are dealt into K folds, a cross-encoder
is trained for each on the other folds' posts, and the whole labelled set is evaluated as
`claimbot eval` does, each post reranked by the model that never saw it. The shipped
`rerank_top` and `rerank_weight` are read from that table (docs/matching.md). The matcher
that reranking starts from is the shipped one there, whose embedding adapter was trained on
these posts; `--fold-adapters` trains each fold's adapter as well, so that every post is
ranked and reranked by models that never saw it (~15 minutes a fold; without `--out` the
command only measures):

    python -m verifiers.training.rerank_train --data /work/shared/data/checkthat2020 \\
        --split train --cross-fit 5 --fold-adapters --tops 5 --weights 0,0.25,0.5,0.75,1
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from verifiers.domain.model_files import SHIPPED_RERANKER
from verifiers.domain.models import Scope
from verifiers.domain.settings import MatchingSettings
from verifiers.evaluation.data import LabelledSet
from verifiers.evaluation.embedding_cache import default_cache_path
from verifiers.evaluation.metrics import QueryOutcome, answer_decision, summarise
from verifiers.evaluation.runner import loaded_store, make_matcher, run_queries, stored_fields
from verifiers.matching.model import duplicate_key
from verifiers.matching.rerank import CrossEncoder, passage
from verifiers.matching.semantic import setting_key
from verifiers.training import finetune
from verifiers.training.folds import fold_encoders, folds

TOP = 10  # the matcher's candidates training draws wrong claims from
NEGATIVES = 3
POSTS_PER_BATCH = 8
EPOCHS = 2.0
ADAPTER_RATE, HEAD_RATE = 2e-4, 1e-3
TOPS = (5, 10)
WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5)
# The answer decision is read at each (not at the configured one).
THRESHOLDS = (0.7, 0.75, 0.8, 0.85)

Ranked = dict[str, list[str]]  # post id -> claim ids, best first
Group = tuple[str, list[str]]  # (post, [relevant claim id, wrong claim ids...])


def shipped_vectors() -> Path:
    """Where the configured matcher's claim vectors are cached between runs."""
    return default_cache_path(setting_key(MatchingSettings().minilm_adapter))


def top_claims(labelled: LabelledSet, cache: Path | None = None) -> Ranked:
    """The semantic matcher's best `TOP` claims for every labelled post, without reranking."""
    settings = MatchingSettings(matcher="semantic", reranker="none")
    out: Ranked = {}
    with loaded_store(labelled) as (store, ids):
        back = {store_id: bench_id for bench_id, store_id in ids.items()}
        matcher = make_matcher(store, settings, "semantic", cache=cache)
        for post_id in labelled.qrels:
            ranked = matcher.rank(labelled.queries[post_id], Scope.everything(), TOP)
            out[post_id] = [back[r.claim_id] for r in ranked]
    return out


def passages(labelled: LabelledSet) -> dict[str, str]:
    """Each claim as the matcher's reranker reads it (the benchmark title is its summary)."""
    out = {}
    for claim_id, row in labelled.claims.items():
        fields = stored_fields(row)
        out[claim_id] = passage(fields.text, fields.summary)
    return out


def training_groups(labelled: LabelledSet, ranked: Ranked) -> dict[str, list[Group]]:
    """Per post: (post as written, [a relevant claim, its 3 best-ranked wrong
    claims]) for each relevant claim; exact copies of a relevant claim are not wrong."""
    key = {claim_id: duplicate_key(row.text) for claim_id, row in labelled.claims.items()}
    out: dict[str, list[Group]] = {}
    for post_id, relevant in labelled.qrels.items():
        same = {key[c] for c in relevant}
        wrong = [c for c in ranked[post_id] if c not in relevant and key[c] not in same]
        if len(wrong) >= NEGATIVES:
            post = labelled.queries[post_id]  # as written: the matcher's reranker reads that
            out[post_id] = [(post, [c, *wrong[:NEGATIVES]]) for c in sorted(relevant)]
    return out


def train(groups: Sequence[Group], texts: dict[str, str], epochs: float = EPOCHS) -> CrossEncoder:
    """A cross-encoder trained from plain MiniLM to score each group's first claim highest."""
    import torch

    model = CrossEncoder(weights=None)
    torch.set_num_threads(2)  # training alone on the machine: both cores
    torch.manual_seed(finetune.SEED)
    model.head.reset_parameters()  # seeded: the head's start no longer depends on the load
    model.adapters = finetune.add_lora(model.model)
    lora = [p for a in model.adapters for p in (a.A, a.B)]
    optimiser = torch.optim.AdamW(
        [{"params": lora, "lr": ADAPTER_RATE}, {"params": model.head.parameters(), "lr": HEAD_RATE}]
    )

    def loss_of(batch: list[Group]) -> torch.Tensor:
        posts = [post for post, claims in batch for _ in claims]
        claims = [texts[c] for _, ids in batch for c in ids]
        logits = model.logits(posts, claims).view(len(batch), NEGATIVES + 1)
        return torch.nn.functional.cross_entropy(logits, torch.zeros(len(batch), dtype=torch.long))

    model.bert.train()
    finetune.optimise(optimiser, list(groups), POSTS_PER_BATCH, epochs, loss_of, report_every=20)
    model.bert.eval()
    return model


def save(model: CrossEncoder, path: Path) -> None:
    """The adapter (float16, as `finetune` writes it) and the head (float32) in one file."""
    head = {
        "head.weight": model.head.weight.detach().numpy().copy(),
        "head.bias": model.head.bias.detach().numpy().copy(),
    }
    finetune.save_adapter(model.adapters, path, extra=head)


def trained_without(
    held_out: Sequence[str],
    groups: dict[str, list[Group]],
    texts: dict[str, str],
    epochs: float,
    fold: str,
) -> CrossEncoder:
    """A cross-encoder trained on every post's groups but those of the `held_out` posts."""
    left_out = set(held_out)
    train_on = [g for q, gs in groups.items() if q not in left_out for g in gs]
    print(f"{fold}: training a cross-encoder on {len(train_on)} groups", file=sys.stderr)
    return train(train_on, texts, epochs)


class FoldReranker:
    """Reranks each post with the cross-encoder of its fold (one that never trained on it)."""

    def __init__(self, fold_of: dict[str, int], models: Sequence[CrossEncoder]) -> None:
        self._fold_of = fold_of  # post as written -> fold
        self._models = models

    def scores(self, post: str, texts: Sequence[str]) -> list[float]:
        if post not in self._fold_of:  # not a labelled post (the evaluation's warm-up)
            return [0.0] * len(texts)
        return self._models[self._fold_of[post]].scores(post, texts)


def cross_fitted(
    labelled: LabelledSet,
    groups: dict[str, list[Group]],
    texts: dict[str, str],
    k: int,
    epochs: float = EPOCHS,
) -> FoldReranker:
    """K cross-encoders, each trained without one fold of the posts, reranking that fold."""
    fold_of: dict[str, int] = {}
    models = []
    for n, held_out in enumerate(folds(list(labelled.qrels), k)):
        start = time.monotonic()
        fold_of.update((labelled.queries[q], n) for q in held_out)
        models.append(trained_without(held_out, groups, texts, epochs, f"fold {n + 1}/{k}"))
        print(f"fold {n + 1}/{k}: done in {time.monotonic() - start:.0f}s", file=sys.stderr)
    return FoldReranker(fold_of, models)


Grid = dict[tuple[int, float], list[QueryOutcome]]  # (depth, weight) -> each post's outcome


def _settings(top: int, weight: float) -> MatchingSettings:
    """One weight for both the order and the answer score: what each row of `table` measures
    (the shipped order weight was read from the MAP@5 column, the answer weight from the
    answer decision's)."""
    return MatchingSettings(
        matcher="semantic", rerank_top=top, rerank_weight=weight, rerank_order_weight=weight
    )


def table(grid: Grid) -> list[str]:
    """A row per (depth, weight): the ranking, and the answer decision at each of
    `THRESHOLDS`, as `claimbot eval` measures them."""
    lines = [
        "top weight  MAP@5   P@1    " + "   ".join(f"answered/false@{t:.2f}" for t in THRESHOLDS)
    ]
    for (top, weight), outcomes in grid.items():
        report = summarise(outcomes, THRESHOLDS[0])
        decisions = [answer_decision(outcomes, t) for t in THRESHOLDS]
        cells = [f"{d.answered_correctly:.3f}/{d.false_answers:.3f}" for d in decisions]
        lines.append(
            f"{top:>3} {weight:>6.2f}  {report.map_at_5:.4f}  {report.p_at_1:.3f}  "
            + "          ".join(cells)
        )
    return lines


def sweep(
    labelled: LabelledSet,
    reranker: FoldReranker,
    tops: Sequence[int],
    weights: Sequence[float],
    cache: Path | None,
) -> list[str]:
    """`table` of the whole labelled set, each post reranked by its fold's cross-encoder (the
    matcher itself is the shipped one: in-sample on its own training posts)."""
    grid: Grid = {}
    for top in tops:
        for weight in weights:
            grid[top, weight], _ = run_queries(
                labelled, _settings(top, weight), matcher="semantic", cache=cache, reranker=reranker
            )
            print(table({(top, weight): grid[top, weight]})[1], file=sys.stderr)
    return table(grid)


def sweep_out_of_sample(
    labelled: LabelledSet,
    groups: dict[str, list[Group]],
    texts: dict[str, str],
    k: int,
    tops: Sequence[int],
    weights: Sequence[float],
    epochs: float = EPOCHS,
) -> list[str]:
    """`table` with the whole semantic matcher out of sample: for each fold, an embedding
    adapter (`folds.fold_encoders`) and a cross-encoder are trained on the other folds'
    posts, and the fold's posts are evaluated with both, as a new post would be by the
    shipped models (~15 minutes a fold on 2 cores). The fusion weights stay the shipped ones,
    fitted on plain MiniLM's features of all the posts (17 numbers; the adapter and the
    cross-encoder are where the in-sample advantage lies)."""
    grid: Grid = {(top, weight): [] for top in tops for weight in weights}
    with tempfile.TemporaryDirectory(prefix="claimbot-rerank-crossfit-") as tmp:
        for n, held_out, encoder in fold_encoders(labelled, k, Path(tmp)):
            start = time.monotonic()
            model = trained_without(held_out, groups, texts, epochs, f"fold {n}/{k}")
            cache = Path(tmp) / f"fold{n}-vectors.npz"  # embedded once, read for every cell
            for top, weight in grid:
                outcomes, _ = run_queries(
                    labelled.subset(held_out),
                    _settings(top, weight),
                    matcher="semantic",
                    cache=cache,
                    encoder=encoder,
                    reranker=model,
                )
                grid[top, weight].extend(outcomes)
            print(f"fold {n}/{k}: done in {time.monotonic() - start:.0f}s", file=sys.stderr)
    return table(grid)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    finetune.add_labelled_arguments(parser)
    parser.add_argument("--epochs", type=float, default=EPOCHS)
    parser.add_argument("--embeddings-cache", type=Path, help="claim vectors of a previous run")
    parser.add_argument("--cross-fit", type=int, default=0, metavar="K", help="measure first")
    parser.add_argument("--tops", type=_numbers(int), default=TOPS, help="e.g. 5,10")
    parser.add_argument("--weights", type=_numbers(float), default=WEIGHTS, help="e.g. 0,0.5,1")
    parser.add_argument(
        "--fold-adapters",
        action="store_true",
        help="with --cross-fit: train each fold's embedding adapter too (all out of sample)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help=f"file to write (the shipped one: {SHIPPED_RERANKER.relative_to(finetune.ROOT)});"
        " optional with --cross-fit, which measures",
    )
    args = parser.parse_args(argv)
    if args.cross_fit == 1 or args.cross_fit < 0:
        parser.error("--cross-fit needs at least 2 folds")
    if args.fold_adapters and not args.cross_fit:
        parser.error("--fold-adapters needs --cross-fit K")
    if args.out is None and not args.cross_fit:
        parser.error("give --out FILE (or --cross-fit K to measure only)")
    labelled = finetune.labelled_from(parser, args)
    cache = args.embeddings_cache or shipped_vectors()
    texts = passages(labelled)
    groups = training_groups(labelled, top_claims(labelled, cache))
    if not groups:
        parser.exit(2, f"error: no post has {NEGATIVES} wrong claims among its best {TOP}\n")
    if args.fold_adapters:
        k, tops, weights = args.cross_fit, args.tops, args.weights
        print(
            "\n".join(sweep_out_of_sample(labelled, groups, texts, k, tops, weights, args.epochs))
        )
    elif args.cross_fit:
        reranker = cross_fitted(labelled, groups, texts, args.cross_fit, args.epochs)
        print("\n".join(sweep(labelled, reranker, args.tops, args.weights, cache)))
    if args.out is None:
        return 0
    model = train([g for gs in groups.values() for g in gs], texts, args.epochs)
    save(model, args.out)
    print(f"wrote {args.out}: trained on {len(groups)} posts", file=sys.stderr)
    return 0


def _numbers(kind: Callable[[str], float]) -> Callable[[str], tuple[float, ...]]:
    """An argparse type for comma-separated numbers."""

    def parse(text: str) -> tuple[float, ...]:
        try:
            return tuple(kind(part) for part in text.split(",") if part.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from None

    return parse


if __name__ == "__main__":
    raise SystemExit(main())
