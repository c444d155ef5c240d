"""Out-of-sample features for fitting the semantic matcher's weights (cross-fitting).

    python -m verifiers.training.fit --data /work/shared/data/checkthat2020 --split train \\
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

import sys
import tempfile
import time
from pathlib import Path

from verifiers.evaluation.data import LabelledSet
from verifiers.evaluation.runner import Collected, collect
from verifiers.training import finetune, rerank_train
from verifiers.training.folds import fold_encoders


def cross_fitted(
    labelled: LabelledSet, k: int, epochs: float = finetune.EPOCHS, rerankers: bool = False
) -> Collected:
    """Every query's candidate features (present and withheld), each computed by a model
    whose adapter was trained without that query. `rerankers`: each fold also trains a
    cross-encoder without its queries (`rerank_train.trained_without`; ~5 minutes more a
    fold), and every query records that model's scores of the candidates it would rerank."""
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
