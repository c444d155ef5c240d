"""Fine-tune MiniLM for matching posts to claims, and write the adapter the encoder loads.

    python -m verifiers.training.finetune --data /work/shared/data/checkthat2020 --split train \\
        --out verifiers/matching/minilm_adapter.npz

Off-the-shelf MiniLM places a chatty post ("WOW they are putting microchips in the vaccine!!")
far from the terse fact-check claim it repeats. This trains a low-rank adapter (LoRA: rank 16
on every linear layer of the six transformer blocks, 0.66 M weights, 1.3 MB as float16) on a
labelled set's (post, relevant claim) pairs with the loss sentence-transformers calls
MultipleNegativesRankingLoss: each post must score its claim above the other claims of its
batch and above one hard negative, the claim plain MiniLM ranks highest among the wrong ones.
The adapter is merged into the model's weights at load (`semantic.merge_adapter`), so
encoding costs nothing more. About 10 minutes on 2 cores, most of it embedding the claims for
the hard negatives; seeded, but torch's threaded kernels may change the last digits.

To replace the shipped adapter, change `semantic.ADAPTER_NAME` as well (stored vectors are
then recomputed) and evaluate with `claimbot eval --matcher semantic` on dev. A community with
labelled posts of its own can write its adapter elsewhere (`--out FILE`) and name that file in
the `[matching] minilm_adapter` setting.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from verifiers.domain.errors import InvalidInput
from verifiers.domain.model_files import SHIPPED_ADAPTER
from verifiers.domain.settings import MatchingSettings
from verifiers.evaluation.data import LabelledSet, load_set, load_split
from verifiers.evaluation.runner import stored_fields
from verifiers.matching.pipeline import whole_query
from verifiers.matching.semantic import Encoder, claim_matrix
from verifiers.text.normalize import cap

ROOT = Path(__file__).resolve().parents[2]
RANK = 16
ALPHA = 32.0  # the update is scaled by ALPHA / RANK
EPOCHS = 3
BATCH = 16
LEARNING_RATE = 1e-4
TEMPERATURE = 0.05  # cosine similarities are multiplied by 1 / TEMPERATURE before the softmax
TARGETS = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)
SEED = 0

Pair = tuple[str, str, str]  # (post, relevant claim id, hard negative claim id)
T = TypeVar("T")


def claim_texts(labelled: LabelledSet) -> dict[str, tuple[str, str]]:
    """Claim id → (text, summary), as `claimbot eval` stores them."""
    fields = {claim_id: stored_fields(row) for claim_id, row in labelled.claims.items()}
    return {claim_id: (f.text, f.summary) for claim_id, f in fields.items()}


def training_pairs(
    labelled: LabelledSet, claims: dict[str, tuple[str, str]], base: Encoder
) -> list[Pair]:
    """One pair per (post, relevant claim), each with the claim plain MiniLM ranks first
    among the claims that are neither relevant nor an exact duplicate of a relevant one."""
    return [pair for pairs in pairs_by_query(labelled, claims, base).values() for pair in pairs]


def pairs_by_query(
    labelled: LabelledSet, claims: dict[str, tuple[str, str]], base: Encoder
) -> dict[str, list[Pair]]:
    """`training_pairs`, by query id (in the labelled set's order)."""
    settings = MatchingSettings()
    ids = list(claims)
    print(f"embedding {len(ids)} claims with plain MiniLM for the hard negatives", file=sys.stderr)
    matrix = claim_matrix(base, [claims[i][0] for i in ids], [claims[i][1] for i in ids])
    duplicates = labelled.duplicates()
    pairs: dict[str, list[Pair]] = {}
    for query_id, relevant in labelled.qrels.items():
        post = whole_query(cap(labelled.queries[query_id], settings.max_input_chars))
        if not post:
            continue
        taken = set(relevant)
        for claim_id in relevant:
            taken |= duplicates.get(claim_id, frozenset())
        order = (matrix @ base.encode([post])[0]).argsort()[::-1]
        hard = next(ids[i] for i in order if ids[i] not in taken)
        pairs[query_id] = [(post, claim_id, hard) for claim_id in sorted(relevant)]
    return pairs


def add_lora(model: Any) -> list[Any]:
    """Wrap the target linear layers in trainable low-rank updates; returns the wrappers."""
    import torch
    from torch import nn

    class LoRA(nn.Module):
        def __init__(self, base: nn.Linear) -> None:
            super().__init__()
            self.base = base
            self.A = nn.Parameter(torch.randn(RANK, base.in_features) / math.sqrt(base.in_features))
            self.B = nn.Parameter(torch.zeros(base.out_features, RANK))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.base(x) + (x @ self.A.T @ self.B.T) * (ALPHA / RANK)

    for parameter in model.parameters():
        parameter.requires_grad = False
    wrapped: list[Any] = []
    for name, module in list(model[0].auto_model.named_modules()):
        for child_name, child in list(module.named_children()):
            full = f"{name}.{child_name}"
            if isinstance(child, nn.Linear) and full.endswith(TARGETS) and ".layer." in full:
                lora = LoRA(child)
                lora.name = full  # type: ignore[assignment]
                setattr(module, child_name, lora)
                wrapped.append(lora)
    return wrapped


def train(
    model: Any,
    pairs: Sequence[Pair],
    claims: dict[str, tuple[str, str]],
    epochs: float = EPOCHS,
    learning_rate: float = LEARNING_RATE,
) -> list[Any]:
    """Train low-rank updates of `model` in place; `claims` maps ids to (text, summary)."""
    import torch
    from torch import nn

    torch.manual_seed(SEED)
    wrapped = add_lora(model)
    params = [p for w in wrapped for p in (w.A, w.B)]
    optimiser = torch.optim.AdamW(params, lr=learning_rate, weight_decay=0.0)

    def embed(texts: list[str]) -> torch.Tensor:
        prepare = getattr(model, "preprocess", None) or model.tokenize  # renamed in 6.x
        features = prepare(texts)
        return nn.functional.normalize(model(features)["sentence_embedding"], dim=1)

    def loss_of(batch: list[Pair]) -> torch.Tensor:
        columns = [c for _, c, _ in batch] + [h for _, _, h in batch]
        texts = [claims[c][0] for c in columns]
        summaries = [claims[c][1] if claims[c][1].strip() else claims[c][0] for c in columns]
        vectors = (embed(texts) + embed(summaries)) / 2
        logits = embed([p for p, _, _ in batch]) @ vectors.T / TEMPERATURE
        for row, (_, claim_id, _) in enumerate(batch):  # the same claim twice in a batch
            for column, other in enumerate(columns):
                if column != row and other == claim_id:
                    logits[row, column] = -1e4
        return nn.functional.cross_entropy(logits, torch.arange(len(batch)))

    model.train()
    optimise(optimiser, pairs, BATCH, epochs, loss_of)
    model.eval()
    return wrapped


def optimise(
    optimiser: Any,
    items: Sequence[T],
    batch: int,
    epochs: float,
    loss_of: Callable[[list[T]], Any],
    report_every: int = 10,
) -> None:
    """Minimise `loss_of(batch)` over seeded shuffles of `items` for `epochs`, the learning
    rate warmed up linearly over the first tenth of the steps and then decayed linearly to 0."""
    import torch

    shuffle = random.Random(SEED)
    steps = math.ceil(len(items) / batch * epochs)
    warmup = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda k: min(1.0, (k + 1) / warmup) * max(0.0, (steps - k) / steps)
    )
    order = list(items)
    step, start = 0, time.monotonic()
    while step < steps:
        shuffle.shuffle(order)
        for first in range(0, len(order), batch):
            if step >= steps:
                break
            loss = loss_of(order[first : first + batch])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            step += 1
            if step % report_every == 0 or step == steps:
                elapsed = time.monotonic() - start
                print(f"step {step}/{steps} loss {loss.item():.3f} {elapsed:.0f}s", file=sys.stderr)


def save_adapter(wrapped: Sequence[Any], path: Path, extra: dict[str, Any] | None = None) -> None:
    """The low-rank updates as float16 (and any `extra` arrays), written atomically."""
    import numpy as np

    arrays = {"scale": np.float32(ALPHA / RANK), **(extra or {})}
    for w in wrapped:
        arrays[f"{w.name}.A"] = w.A.detach().numpy().astype(np.float16)
        arrays[f"{w.name}.B"] = w.B.detach().numpy().astype(np.float16)
    tmp = path.with_name(path.name + ".tmp.npz")
    np.savez_compressed(tmp, **arrays)  # type: ignore[arg-type]
    tmp.replace(path)


def add_labelled_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that name a labelled set: a CheckThat!-style directory and split, or the
    three files `claimbot eval` reads (the training commands share them)."""
    parser.add_argument("--data", type=Path, help="CheckThat!-style directory")
    parser.add_argument("--split", default="train")
    parser.add_argument("--claims", type=Path, help="claims TSV: id, claim, title")
    parser.add_argument("--queries", type=Path, help="posts TSV: id, text")
    parser.add_argument("--qrels", type=Path, help="TREC qrels: post 0 claim relevance")


def labelled_from(parser: argparse.ArgumentParser, args: argparse.Namespace) -> LabelledSet:
    """The set `add_labelled_arguments`' options name; bad input ends the command in one line."""
    files = (args.claims, args.queries, args.qrels)
    if (args.data is not None and any(files)) or (args.data is None and not all(files)):
        parser.error("give either --data DIR or all three of --claims, --queries and --qrels")
    try:
        return load_split(args.data, args.split) if args.data else load_set(*files)
    except InvalidInput as exc:
        parser.exit(2, f"error: {exc}\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_labelled_arguments(parser)
    parser.add_argument("--epochs", type=float, default=EPOCHS)
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        help=f"adapter file to write (the shipped one: {SHIPPED_ADAPTER.relative_to(ROOT)})",
    )
    args = parser.parse_args(argv)
    labelled = labelled_from(parser, args)
    import torch

    base = Encoder(adapter=None)
    torch.set_num_threads(2)  # training alone on the machine: both cores
    claims = claim_texts(labelled)
    pairs = training_pairs(labelled, claims, base)
    wrapped = train(base.model, pairs, claims, args.epochs)
    save_adapter(wrapped, args.out)
    source = f"{args.data.name}/{args.split}" if args.data else str(args.qrels)
    print(f"wrote {args.out}: {len(pairs)} pairs from {source}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
