"""The matcher: pasted text in, per-segment matches with calibrated scores and stance out.

Pipeline per segment: normalise → query terms (typos repaired against the index vocabulary,
pruned to the rarest) → BM25 candidates from the store (semantic matcher: plus the nearest
claims by sentence embedding) → screening on word-set features (semantic matcher: and the
embedding features) keeps the best few → features → fitted relevance → calibrated answer
score → confident match / possibly related / nothing.

`Matcher` wires the parts: retrieval (`retrieval.py`: query, candidates, features), scoring
(`scoring.py`: logits, reranking, calibrated ranking), the semantic option's models
(`signals.py`, chosen once) and the answer decision (`decision.py`).

Thread safety: after construction the only mutable state is the vocabulary snapshot (and, for
the semantic matcher, the embedding matrix), each swapped atomically under a lock and dropped
by `invalidate()`; everything else is per call. The semantic matcher's query encoding takes
10-40 ms of CPU: callers on an event loop run `check` in a worker thread (the bot does).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, NamedTuple

from verifiers.domain.errors import InvalidInput
from verifiers.domain.models import CheckResult, Claim, Scope, SegmentResult
from verifiers.domain.settings import MatchingSettings
from verifiers.matching.decision import (
    Scored,
    Tiers,
    decide,
    shown_claim_ids,
    states_the_claim,
    with_flag_counts,
)
from verifiers.matching.retrieval import Retriever, VocabularySnapshot
from verifiers.matching.scoring import Scorer
from verifiers.matching.signals import DenseQuery, signals_for
from verifiers.store.ports import Store
from verifiers.text.normalize import cap, normalize
from verifiers.text.segment import claim_segments, message_query

if TYPE_CHECKING:  # pragma: no cover
    from verifiers.matching.rerank import Reranker
    from verifiers.matching.semantic import Encoder


EMPTY_INPUT = "nothing to check: the text is empty"


class RankedClaim(NamedTuple):
    """`Matcher.rank`'s answer: a claim, its calibrated score, and whether the text could be
    answered with it (enough words, enough of the claim stated) given a high enough score."""

    claim_id: str
    score: float
    answerable: bool


def whole_query(text: str) -> str:
    """A whole (capped) message as the one query `Matcher.rank` reads: normalised, a tweet's
    signature reduced to its name and date. Evaluation and fine-tuning read posts the same way."""
    return normalize(message_query(text))


class Matcher:
    """Matches text against the claims a `Scope` can see. Safe to share between threads."""

    def __init__(
        self,
        store: Store,
        settings: MatchingSettings,
        *,
        encoder: Encoder | None = None,
        reranker: Reranker | None = None,
    ) -> None:
        """`encoder`, `reranker`: the semantic matcher's models; by default the process's
        shared ones of the configured files (cross-fitting passes its own). Vectors are stored
        and read under the encoder's own key."""
        self._store = store
        self._settings = settings
        self._signals = signals_for(store, settings, encoder=encoder, reranker=reranker)
        self._vocabulary = VocabularySnapshot(store)
        self._retriever = Retriever(store, settings, self._vocabulary, self._signals)
        self._scorer = Scorer(settings, self._signals)
        self.semantic = self._signals.semantic
        self.reranking = self._signals.reranking
        self._tiers = Tiers.of(settings, semantic=self.semantic)
        self.confident_threshold = self._tiers.confident
        self.related_threshold = self._tiers.related

    # -- public API -------------------------------------------------------------------------
    def check(self, text: str, scope: Scope) -> CheckResult:
        """Match every claim-like segment of `text`; chit-chat yields no results."""
        if not text.strip():
            raise InvalidInput(EMPTY_INPUT)
        results: list[SegmentResult] = []
        best_for_claim: dict[str, tuple[float, int]] = {}
        segments, skipped = claim_segments(text, self._settings.max_segments)
        dense = self._signals.segment_queries([normalize(seg) for seg in segments])
        for seg, each in zip(segments, dense, strict=True):
            ranked = self._rank_normalised(
                normalize(seg), scope, self._settings.candidates, dense=each, said=seg, shown=True
            )
            result = decide(seg, ranked, self._tiers)
            if result.match is not None:
                claim_id = result.match.claim.id
                previous = best_for_claim.get(claim_id)
                if previous is not None and previous[0] >= result.match.score:
                    result = result.model_copy(update={"match": None})
                elif previous is not None:
                    index = previous[1]
                    results[index] = results[index].model_copy(update={"match": None})
                if result.match is not None:
                    best_for_claim[claim_id] = (result.match.score, len(results))
            results.append(result)
        return CheckResult(
            input=self._capped(text),
            results=self._with_flag_counts(results, scope),
            checked_segments=len(segments),
            skipped_segments=skipped,
        )

    def rank(
        self,
        text: str,
        scope: Scope,
        k: int = 5,
        *,
        exclude: Collection[str] = (),
        dense: DenseQuery | None = None,
    ) -> list[RankedClaim]:
        """The top `k` claims for the whole text as one query, with calibrated scores.

        `exclude` drops claims before any list-dependent feature or the runner-up margin is
        computed, as if the database did not hold them (used to measure false answers).
        `dense` passes embeddings already computed by `dense_query` for this text (the
        semantic matcher encodes it otherwise). The lexical matcher ranks only the
        `SCREEN_KEEP` candidates that screening keeps, so it returns at most that many.
        """
        text = self._capped(text)
        query = whole_query(text)
        if dense is None:
            dense = self.dense_query(text, query)
        ranked = self._rank_normalised(
            query, scope, max(k, self._settings.candidates), exclude, dense=dense, said=text
        )
        return [
            RankedClaim(
                s.claim.id,
                s.score,
                s.answerable
                and states_the_claim(text, s, self._tiers, self._settings.max_segments),
            )
            for s in ranked[:k]
        ]

    def dense_query(self, text: str, query: str) -> DenseQuery | None:
        """The embeddings `rank` uses for a message (None for the lexical matcher): the whole
        normalised query and each of its claim-like sentences."""
        return self._signals.dense_query(text, query)

    def search_terms(self, norm: str) -> list[str]:
        """The terms the search is given for normalised text `norm` (typos repaired, rarest
        first); public for the benchmarks that compare searches."""
        return self._retriever.query(norm).terms

    def invalidate(self) -> None:
        """Forget the vocabulary snapshot (and embedding matrix) after claims changed; they
        are rebuilt on next use."""
        self._vocabulary.invalidate()
        self._signals.invalidate()

    def refresh(self) -> None:
        """Load a new vocabulary snapshot (and a new embedding matrix, if the semantic matcher
        has one) and swap them in. Unlike `invalidate`, checks meanwhile go on with the old
        ones instead of waiting for the reload (up to a second at 1M claims)."""
        self._vocabulary.refresh()
        self._signals.refresh()

    def candidate_features(
        self,
        norm: str,
        scope: Scope,
        limit: int,
        exclude: Collection[str] = (),
        *,
        dense: DenseQuery | None = None,
        screen: int | None = None,
    ) -> tuple[list[tuple[Claim, list[float]]], int]:
        """Retrieved claims visible in `scope` with their pair features (BM25 hits first, in
        BM25 order, then the semantic matcher's nearest claims), and the query's size in
        distinct content words. With `screen`, only that many candidates, the best by
        `bulk.screen_matrix` (semantic: and the embedding features), are kept, in the same order,
        and given the full features; the lexical matcher loads only those.

        Public for the model fitting in `verifiers.training.fit`; `norm` is normalised text.
        """
        return self._retriever.candidates(norm, scope, limit, exclude, dense=dense, screen=screen)

    def rerank_scores(
        self, said: str, candidates: Sequence[tuple[Claim, list[float]]]
    ) -> dict[int, float]:
        """The cross-encoder's score of each candidate it reads (by position in
        `candidates`, as `candidate_features` gives them). Fitting the answer model on
        reranked logits records these (`verifiers.evaluation.runner.collect`)."""
        return self._scorer.rerank_scores(said, candidates)

    # -- steps ------------------------------------------------------------------------------
    def _capped(self, text: str) -> str:
        text = cap(text, self._settings.max_input_chars)
        if not text.strip():
            raise InvalidInput(EMPTY_INPUT)
        return text

    def _rank_normalised(
        self,
        norm: str,
        scope: Scope,
        limit: int,
        exclude: Collection[str] = (),
        *,
        dense: DenseQuery | None = None,
        said: str = "",
        shown: bool = False,
    ) -> list[Scored]:
        """`said`: the text as written (the reranker reads it: case, links and signatures
        help it, measured on CheckThat! dev), `norm` its normalised form. `shown`: only what
        reaches the related tier matters (`check`), so a segment too far below it is not
        reranked."""
        candidates, size = self._retriever.candidates(
            norm, scope, limit, exclude, dense=dense, screen=self._signals.screen_keep()
        )
        return self._scorer.scored(candidates, size, said or norm, shown=shown)

    def _with_flag_counts(self, results: list[SegmentResult], scope: Scope) -> list[SegmentResult]:
        ids = shown_claim_ids(results)
        return (
            with_flag_counts(results, self._store.open_flag_counts(ids, scope)) if ids else results
        )
