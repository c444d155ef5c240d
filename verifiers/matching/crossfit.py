"""Out-of-sample features for fitting the semantic matcher's weights (cross-fitting).

    python -m verifiers.matching.fit --data /work/shared/data/checkthat2020 --split train \\
        --matcher semantic --cross-fit 5

The tuned MiniLM is trained on the same train queries the fusion weights are fitted on, so
its cosines on those queries are in-sample: higher and surer than on posts it never saw, and
weights fitted on them trust the cosine too much. Here the queries are dealt into K folds;
for each fold an adapter is trained, exactly as `finetune` trains the shipped one, on the
other folds' pairs, and that model embeds every claim and the fold's queries. Every query's
features then come from a model that did not see it, as a new post's do from the shipped one.
About 5–6 minutes a fold on 2 cores (training, then embedding the 10,375 claims).
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from verifiers.evaluation.data import LabelledSet
from verifiers.evaluation.runner import Collected, collect
from verifiers.matching import finetune
from verifiers.matching.semantic import Encoder

SEED = 0


def folds(query_ids: list[str], k: int, seed: int = SEED) -> list[list[str]]:
    """The query ids dealt into `k` folds after a seeded shuffle (each fold keeps file order)."""
    if k < 2:
        raise ValueError("cross-fitting needs at least 2 folds")
    order = list(query_ids)
    random.Random(seed).shuffle(order)
    fold_of = {q: n % k for n, q in enumerate(order)}
    return [[q for q in query_ids if fold_of[q] == n] for n in range(k)]


def fold_encoders(
    labelled: LabelledSet, k: int, workdir: Path, epochs: float = finetune.EPOCHS
) -> Iterator[tuple[int, list[str], Encoder]]:
    """For each fold: its number (from 1), its query ids, and an encoder whose adapter was
    trained, exactly as `finetune` trains the shipped one, on the other folds' pairs only
    (the adapter files are written in `workdir`)."""
    import torch

    base = Encoder(adapter=None)
    torch.set_num_threads(2)  # alone on the machine: both cores
    claims = finetune.claim_texts(labelled)
    pairs = finetune.pairs_by_query(labelled, claims, base)
    for n, held_out in enumerate(folds(list(labelled.qrels), k), 1):
        left_out = set(held_out)
        train = [p for q, ps in pairs.items() if q not in left_out for p in ps]
        print(f"fold {n}/{k}: training an adapter on {len(train)} pairs", file=sys.stderr)
        adapter = workdir / f"fold{n}.npz"
        model = Encoder(adapter=None)
        torch.set_num_threads(2)
        finetune.save_adapter(finetune.train(model.model, train, claims, epochs), adapter)
        encoder = Encoder(adapter=adapter)
        torch.set_num_threads(2)
        yield n, held_out, encoder


def cross_fitted(
    labelled: LabelledSet, k: int, epochs: float = finetune.EPOCHS, rerankers: bool = False
) -> Collected:
    """Every query's candidate features (present and withheld), each computed by a model
    whose adapter was trained without that query. `rerankers`: each fold also trains a
    cross-encoder without its queries (`rerank_train.trained_without`; ~5 minutes more a
    fold), and every query records that model's scores of the candidates it would rerank."""
    from verifiers.matching import rerank_train

    if rerankers:  # hard negatives from the shipped matcher's ranking, as rerank_train does
        texts = rerank_train.passages(labelled)
        ranked = rerank_train.top_claims(labelled, rerank_train.shipped_vectors())
        groups = rerank_train.training_groups(labelled, ranked)
    out = Collected([], [])
    with tempfile.TemporaryDirectory(prefix="claimbot-crossfit-") as tmp:
        for n, held_out, encoder in fold_encoders(labelled, k, Path(tmp), epochs):
            start = time.monotonic()
            reranker = None
            if rerankers:
                fold = f"fold {n}/{k}"
                reranker = rerank_train.trained_without(
                    held_out, groups, texts, rerank_train.EPOCHS, fold
                )
            print(
                f"fold {n}/{k}: embedding the claims, ranking {len(held_out)} queries",
                file=sys.stderr,
            )
            part = collect(
                labelled.subset(held_out), "semantic", encoder=encoder, reranker=reranker
            )
            out.messages.extend(part.messages)
            out.messages_withheld.extend(part.messages_withheld)
            print(f"fold {n}/{k}: ranked in {time.monotonic() - start:.0f}s", file=sys.stderr)
    return out
