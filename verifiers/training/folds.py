"""Queries dealt into folds, and per fold an embedding adapter trained without them: the
out-of-sample models cross-fitting (`crossfit`) and the reranker's cross-fit share."""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from pathlib import Path

from verifiers.evaluation.data import LabelledSet
from verifiers.matching.semantic import Encoder
from verifiers.training import finetune

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
