"""Pilot measurement: would a cross-encoder reranker add to the semantic matcher?

    python bench/cross_encoder_pilot.py --data /work/shared/data/checkthat2020 --epochs 2

Not part of the product. The shipped semantic matcher ranks each train and dev post's top 10
claims; a cross-encoder (plain MiniLM read as one sequence "post [SEP] claim | title", a
low-rank adapter as `finetune` trains and a linear head on the mean-pooled tokens) learns on
train to pick each post's relevant claim among it and the matcher's 3 best wrong ones; then
dev's top 10 are reordered by the matcher's answer logit + lambda * the cross-encoder's score,
for a grid of lambdas, and by the cross-encoder alone. Prints MAP@5 and P@1 for each; the
lambda grid is read on dev itself, so the best of it is optimistic (docs/benchmarks.md).
About 6 minutes on 2 cores for 2 epochs (~5 training, ~1 ranking).
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from verifiers.config import MatchingSettings
from verifiers.evaluation.data import LabelledSet, load_split
from verifiers.evaluation.metrics import average_precision_at
from verifiers.evaluation.runner import loaded_store, make_matcher, stored_fields
from verifiers.matching.pipeline import duplicate_key
from verifiers.store import Scope

TOP = 10
NEGATIVES = 3
MAX_TOKENS = 96
POSTS_PER_BATCH = 8
LAMBDAS = (0.0, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0)

Ranked = dict[str, list[tuple[str, float]]]  # post id -> [(claim id, answer score)], best first


def top_claims(labelled: LabelledSet, cache: Path | None) -> Ranked:
    """The shipped semantic matcher's best `TOP` claims for every labelled post."""
    settings = MatchingSettings(matcher="semantic")
    out: Ranked = {}
    with loaded_store(labelled) as (store, ids):
        back = {store_id: bench_id for bench_id, store_id in ids.items()}
        matcher = make_matcher(store, settings, "semantic", cache=cache)
        for post_id in labelled.qrels:
            ranked = matcher.rank(labelled.queries[post_id], Scope.everything(), TOP)
            out[post_id] = [(back[r.claim_id], r.score) for r in ranked]
    return out


def claim_text(labelled: LabelledSet) -> dict[str, str]:
    texts = {}
    for claim_id, row in labelled.claims.items():
        fields = stored_fields(row)
        texts[claim_id] = fields.text + (f" | {fields.summary}" if fields.summary.strip() else "")
    return texts


def training_groups(labelled: LabelledSet, ranked: Ranked) -> list[tuple[str, list[str]]]:
    """(post, [relevant claim, its 3 best-ranked wrong claims]) per relevant claim."""
    key = {claim_id: duplicate_key(row.text) for claim_id, row in labelled.claims.items()}
    groups = []
    for post_id, relevant in labelled.qrels.items():
        same = {key[c] for c in relevant}
        wrong = [c for c, _ in ranked[post_id] if c not in relevant and key[c] not in same]
        if len(wrong) >= NEGATIVES:
            for claim_id in sorted(relevant):
                groups.append((labelled.queries[post_id], [claim_id, *wrong[:NEGATIVES]]))
    return groups


class CrossEncoder:
    """MiniLM with a trainable low-rank adapter and a linear head: one score per pair."""

    def __init__(self) -> None:
        import torch

        from verifiers.matching import finetune
        from verifiers.matching.semantic import Encoder

        model = Encoder(adapter=None).model
        torch.set_num_threads(2)
        self.adapters = finetune.add_lora(model)
        self.bert, self.tokenizer = model[0].auto_model, model[0].tokenizer
        self.head = torch.nn.Linear(self.bert.config.hidden_size, 1)

    def scores(self, posts: Sequence[str], claims: Sequence[str]) -> Any:
        tokens = self.tokenizer(
            list(posts), list(claims), truncation=True, max_length=MAX_TOKENS,
            padding=True, return_tensors="pt",
        )  # fmt: skip
        hidden = self.bert(**tokens).last_hidden_state
        mask = tokens["attention_mask"].unsqueeze(-1).float()
        return self.head((hidden * mask).sum(1) / mask.sum(1)).squeeze(-1)

    def train(
        self, groups: list[tuple[str, list[str]]], texts: dict[str, str], epochs: float
    ) -> None:
        import torch

        from verifiers.matching.finetune import optimise

        torch.manual_seed(0)
        lora = [p for a in self.adapters for p in (a.A, a.B)]
        optimiser = torch.optim.AdamW(
            [{"params": lora, "lr": 2e-4}, {"params": self.head.parameters(), "lr": 1e-3}]
        )

        def loss_of(batch: list[tuple[str, list[str]]]) -> Any:
            posts = [post for post, claims in batch for _ in claims]
            claims = [texts[c] for _, ids in batch for c in ids]
            logits = self.scores(posts, claims).view(len(batch), NEGATIVES + 1)
            return torch.nn.functional.cross_entropy(
                logits, torch.zeros(len(batch), dtype=torch.long)
            )

        self.bert.train()
        optimise(optimiser, groups, POSTS_PER_BATCH, epochs, loss_of, report_every=20)
        self.bert.eval()


def report(
    labelled: LabelledSet, ranked: Ranked, cross: dict[str, list[float]]
) -> list[tuple[str, float, float]]:
    """(ordering, MAP@5, P@1) for the matcher, each lambda, and the cross-encoder alone."""

    def logit(p: float) -> float:
        p = min(max(p, 1e-6), 1 - 1e-6)
        return math.log(p / (1 - p))

    def measure(name: str, key: Any) -> tuple[str, float, float]:
        ap, first = 0.0, 0
        for post_id, relevant in labelled.qrels.items():
            items = list(zip(ranked[post_id], cross[post_id], strict=True))
            order = [c for (c, _), _ in sorted(items, key=key)]  # stable: ties keep rank order
            ap += average_precision_at(order, relevant, 5)
            first += bool(order) and order[0] in relevant
        n = len(labelled.qrels)
        return name, ap / n, first / n

    rows = [
        measure(
            f"matcher + {lam} x cross-encoder", lambda it, lam=lam: -(logit(it[0][1]) + lam * it[1])
        )
        for lam in LAMBDAS
    ]
    rows.append(measure("cross-encoder alone (top 10)", lambda it: -it[1]))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="CheckThat!-style directory")
    parser.add_argument("--train-split", default="train")
    parser.add_argument("--eval-split", default="dev")
    parser.add_argument("--epochs", type=float, default=2.0)
    parser.add_argument("--embeddings-cache", type=Path, default=None)
    args = parser.parse_args(argv)
    train_set = load_split(args.data, args.train_split)
    eval_set = load_split(args.data, args.eval_split)
    train_ranked = top_claims(train_set, args.embeddings_cache)
    eval_ranked = top_claims(eval_set, args.embeddings_cache)
    model = CrossEncoder()
    model.train(training_groups(train_set, train_ranked), claim_text(train_set), args.epochs)
    texts = claim_text(eval_set)
    cross: dict[str, list[float]] = {}
    start = time.monotonic()
    with torch.no_grad():
        for post_id, ranked in eval_ranked.items():
            ids = [c for c, _ in ranked]
            posts = [eval_set.queries[post_id]] * len(ids)
            cross[post_id] = model.scores(posts, [texts[c] for c in ids]).tolist() if ids else []
    per_post = 1000 * (time.monotonic() - start) / max(1, len(eval_ranked))
    print(f"{args.eval_split}: {len(eval_ranked)} posts, cross-encoder {per_post:.0f} ms a post")
    for name, map5, p1 in report(eval_set, eval_ranked, cross):
        print(f"  {name:<36} MAP@5 {map5:.4f}  P@1 {p1:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
