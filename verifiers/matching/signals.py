"""The matcher's optional signals: none (lexical), or sentence embeddings and a cross-encoder.

The semantic strategy owns the encoder, the nearest-claims index, the dense query and its
features, and the reranker, with the optional imports they need.

`signals_for` is the one place that chooses between them; the rest of the matcher asks the
strategy it gets and never branches on the matcher kind.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from verifiers.domain.models import Claim, Scope
from verifiers.domain.settings import MatchingSettings
from verifiers.matching.features import FEATURES, SEMANTIC_FEATURES, semantic_features
from verifiers.matching.model import LEXICAL, SEMANTIC, Weights
from verifiers.store.ports import Store
from verifiers.text.normalize import normalize
from verifiers.text.segment import segment

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

    import numpy as np

    from verifiers.matching.rerank import Reranker
    from verifiers.matching.semantic import Encoder, NearestClaims

# Two-stage reranking (lexical matcher): every retrieved candidate is screened with the
# features computed from word sets (`bulk.screen_matrix`), and only the best `SCREEN_KEEP` get
# the full features and the fitted model. Chosen on the CheckThat! train split
# (docs/matching.md): fewer lose answers the full ranking gives, more cost time.
SCREEN_KEEP = 15
# The semantic matcher screens too, with the same word-set features plus its embedding
# features (cheap: the vectors are in memory), before the costly lexical ones (profiles,
# rapidfuzz ratios) on the best `SEMANTIC_SCREEN_KEEP` of up to ~100 candidates.
SEMANTIC_SCREEN_KEEP = 20
# The same meaning in other words: the cosine with the whole text and with its best sentence.
_COSINES = tuple(len(FEATURES) + SEMANTIC_FEATURES.index(f) for f in ("cosine", "segment_cosine"))


@dataclass(frozen=True, slots=True)
class DenseQuery:
    """A query's embeddings: the whole query, and each sentence of the message."""

    vector: np.ndarray
    sentences: np.ndarray


class Signals(Protocol):
    """What the matcher asks of its option: models, extra features, reranking."""

    semantic: bool
    reranking: bool
    weights: Weights
    extra_features: tuple[str, ...]

    def screen_keep(self) -> int:
        """How many screened candidates get the full features."""
        ...

    def segment_queries(self, norms: Sequence[str]) -> list[DenseQuery | None]:
        """Each normalised segment's embeddings, as one query of its own."""
        ...

    def dense_query(self, text: str, query: str) -> DenseQuery | None:
        """The embeddings `Matcher.rank` uses for a message and its normalised `query`."""
        ...

    def nearest(self, dense: DenseQuery, scope: Scope, excluded: Collection[str]) -> list[str]:
        """The ids of the claims nearest the query in meaning, visible in `scope`."""
        ...

    def features(
        self, claims: list[Claim], dense: DenseQuery, retrieved: Collection[str]
    ) -> list[list[float]]:
        """The extra features of each claim (`retrieved`: the ids the word search found)."""
        ...

    def says_the_same(self, features: list[float], settings: MatchingSettings) -> bool:
        """Whether a claim's features show the text states its meaning in other words."""
        ...

    def rerank_scores(
        self, said: str, claims: list[Claim], logits: list[float], keys: list[str]
    ) -> dict[int, float]:
        """The cross-encoder's score of each candidate it reads, by position."""
        ...

    def reranked(
        self, said: str, claims: list[Claim], logits: list[float], keys: list[str]
    ) -> tuple[list[float], list[float]]:
        """The logits to order the candidates by, and those to score answers with."""
        ...

    def invalidate(self) -> None:
        """Forget what the claims' changes make stale."""
        ...

    def refresh(self) -> None:
        """Reload what is loaded, swapping it in when ready."""
        ...


def signals_for(
    store: Store,
    settings: MatchingSettings,
    *,
    encoder: Encoder | None = None,
    reranker: Reranker | None = None,
) -> Signals:
    """The configured matcher's signals (`encoder`, `reranker`: see `SemanticSignals`)."""
    if settings.matcher == "semantic":
        return SemanticSignals(store, settings, encoder=encoder, reranker=reranker)
    return LexicalSignals()


class LexicalSignals:
    """The lexical matcher's option: no models, no extra features, nothing reranked."""

    semantic = False
    reranking = False
    weights = LEXICAL
    extra_features: tuple[str, ...] = ()

    def screen_keep(self) -> int:
        return SCREEN_KEEP  # read at call time: tests widen it

    def segment_queries(self, norms: Sequence[str]) -> list[DenseQuery | None]:
        return [None] * len(norms)

    def dense_query(self, text: str, query: str) -> DenseQuery | None:
        return None

    def nearest(self, dense: DenseQuery, scope: Scope, excluded: Collection[str]) -> list[str]:
        return []

    def features(
        self, claims: list[Claim], dense: DenseQuery, retrieved: Collection[str]
    ) -> list[list[float]]:
        return [[] for _ in claims]

    def says_the_same(self, features: list[float], settings: MatchingSettings) -> bool:
        return False

    def rerank_scores(
        self, said: str, claims: list[Claim], logits: list[float], keys: list[str]
    ) -> dict[int, float]:
        return {}

    def reranked(
        self, said: str, claims: list[Claim], logits: list[float], keys: list[str]
    ) -> tuple[list[float], list[float]]:
        return logits, logits

    def invalidate(self) -> None:
        pass

    def refresh(self) -> None:
        pass


class SemanticSignals:
    """Sentence embeddings and the cross-encoder. Thread-safe: the embedding matrix is the
    only mutable state, loaded and swapped under a lock."""

    semantic = True
    weights = SEMANTIC
    extra_features = SEMANTIC_FEATURES

    def __init__(
        self,
        store: Store,
        settings: MatchingSettings,
        *,
        encoder: Encoder | None = None,
        reranker: Reranker | None = None,
    ) -> None:
        """`encoder`, `reranker`: by default the process's shared ones of the configured files
        (cross-fitting passes its own). Vectors are stored and read under the encoder's key."""
        from verifiers.domain.model_files import adapter_file, reranker_file
        from verifiers.matching.semantic import require_semantic

        require_semantic()  # a model passed in stands for its setting's file
        self._store = store
        self._settings = settings
        self._own_encoder = encoder
        self._own_reranker = reranker
        self._adapter: Path | None = (
            adapter_file(settings.minilm_adapter) if encoder is None else None
        )
        self._reranker_file: Path | None = (
            reranker_file(settings.reranker) if reranker is None else None
        )
        self.reranking = (
            settings.rerank_top > 0
            and (settings.rerank_weight > 0 or settings.rerank_order_weight > 0)
            and (reranker is not None or self._reranker_file is not None)
        )
        self._lock = threading.Lock()
        self._index: NearestClaims | None = None

    def screen_keep(self) -> int:
        return SEMANTIC_SCREEN_KEEP  # read at call time: tests widen it

    def segment_queries(self, norms: Sequence[str]) -> list[DenseQuery | None]:
        dense = self._encode(norms)
        return [DenseQuery(dense[n], dense[n : n + 1]) for n in range(len(norms))]

    def dense_query(self, text: str, query: str) -> DenseQuery | None:
        sentences = [normalize(seg) for seg in segment(text, self._settings.max_segments)]
        vectors = self._encode([query, *sentences])
        return DenseQuery(vectors[0], vectors[1:] if sentences else vectors[:1])

    def nearest(self, dense: DenseQuery, scope: Scope, excluded: Collection[str]) -> list[str]:
        index = self._dense_index()
        return index.top(dense.vector, self._settings.semantic_candidates, scope, excluded)

    def features(
        self, claims: list[Claim], dense: DenseQuery, retrieved: Collection[str]
    ) -> list[list[float]]:
        """SEMANTIC_FEATURES of each claim, relative to all of them (gaps, cosine rank)."""
        from verifiers.matching.semantic import claim_vectors

        vectors = claim_vectors(self._dense_index(), self._store, self._encoder(), claims)
        # A claim vector is the sum of two unit vectors: halve the dot products to cosines.
        cosines = (vectors @ dense.vector / 2.0).tolist()
        sentences = (vectors @ dense.sentences.T).max(axis=1) / 2.0
        return semantic_features(cosines, sentences.tolist(), [c.id in retrieved for c in claims])

    def says_the_same(self, features: list[float], settings: MatchingSettings) -> bool:
        return max(features[i] for i in _COSINES) >= settings.min_claim_cosine

    def rerank_scores(
        self, said: str, claims: list[Claim], logits: list[float], keys: list[str]
    ) -> dict[int, float]:
        from verifiers.matching.rerank import passage, reranked_positions, shared_reranker

        reranker = self._own_reranker
        if reranker is None:
            assert self._reranker_file is not None  # `reranking` is only set with one
            reranker = shared_reranker(self._reranker_file)
        chosen = reranked_positions(logits, keys, self._settings.rerank_top)
        read = [passage(claims[i].text, claims[i].summary) for i in chosen]
        return dict(zip(chosen, reranker.scores(said, read), strict=True))

    def reranked(
        self, said: str, claims: list[Claim], logits: list[float], keys: list[str]
    ) -> tuple[list[float], list[float]]:
        from verifiers.matching.rerank import with_rerank_scores

        s = self._settings
        scores = self.rerank_scores(said, claims, logits, keys)
        # The answer score reads the lightly reranked logits, the order the heavier ones
        # (docs/matching.md, "Reranking": each weight is the better one for its use).
        order = with_rerank_scores(logits, scores, s.rerank_order_weight)
        return order, with_rerank_scores(logits, scores, s.rerank_weight)

    def invalidate(self) -> None:
        with self._lock:
            self._index = None

    def refresh(self) -> None:
        """Reload the embedding matrix if one is loaded; checks go on with the old meanwhile."""
        if self._index is None:
            return
        index = self._load_dense_index()
        with self._lock:
            self._index = index

    def _encoder(self) -> Encoder:
        from verifiers.matching.semantic import shared_encoder

        return self._own_encoder or shared_encoder(self._adapter)

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        return self._encoder().encode(texts)

    def _dense_index(self) -> NearestClaims:
        index = self._index
        if index is not None:
            return index
        with self._lock:
            if self._index is None:
                self._index = self._load_dense_index()
            return self._index

    def _load_dense_index(self) -> NearestClaims:
        from verifiers.matching.semantic import embed_missing_few, nearest_claims

        encoder = self._encoder()
        embed_missing_few(self._store, encoder)
        return nearest_claims(self._store, encoder.key, self._settings.approximate_from)
