"""Scoring: relevance logits, reranking, rival-aware ranking, calibrated `Scored` items.

The answer decision (`decision.py`) reads the `Scored` items, best first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from verifiers.domain.models import Claim
from verifiers.domain.settings import MatchingSettings
from verifiers.matching.decision import Scored
from verifiers.matching.features import FEATURES
from verifiers.matching.model import answer_score, duplicate_key, rank_candidates, relevance_logit
from verifiers.matching.signals import Signals

# How much of the claim the text states in its words (idf-weighted, near-spellings allowed).
_COVERAGE = FEATURES.index("fuzzy_claim_coverage")


@dataclass(frozen=True, slots=True)
class Scorer:
    """Ranks candidates with their features by the matcher's fitted models."""

    settings: MatchingSettings
    signals: Signals

    def scored(
        self,
        candidates: Sequence[tuple[Claim, list[float]]],
        size: int,
        said: str,
        *,
        shown: bool = False,
    ) -> list[Scored]:
        """The candidates best first, with calibrated scores. `size`: the query's distinct
        content words; `said`: the text the reranker reads. `shown`: only what reaches the
        related tier matters (`check`), so a segment too far below it is not reranked."""
        weights = self.signals.weights
        logits = [relevance_logit(f, weights) for _, f in candidates]
        keys = [duplicate_key(claim.text) for claim, _ in candidates]
        floor = weights.rival_floor
        s = self.settings
        order = logits
        if self.signals.reranking and (not shown or self._worth_reranking(logits, keys)):
            claims = [claim for claim, _ in candidates]
            order, logits = self.signals.reranked(said, claims, logits, keys)
        answers = {r.index: r for r in rank_candidates(logits, keys, floor)}
        ordered = rank_candidates(order, keys, floor) if order is not logits else answers.values()
        return [
            Scored(
                candidates[r.index][0],
                answers[r.index].logit,
                answer_score(answers[r.index].logit, answers[r.index].rivals, weights),
                # A two-word mention ("Patriot batteries") names a topic rather than stating a
                # claim, and a text that states too little of a claim only shares its topic.
                # The calibrated score cannot see either when a small database holds no rival.
                size >= s.min_confident_words and self.states_enough(candidates[r.index][1]),
                size >= s.min_confident_words
                and candidates[r.index][1][_COVERAGE] >= s.min_denial_coverage,
            )
            for r in ordered
        ]

    def rerank_scores(
        self, said: str, candidates: Sequence[tuple[Claim, list[float]]]
    ) -> dict[int, float]:
        """See `Matcher.rerank_scores`."""
        logits = [relevance_logit(f, self.signals.weights) for _, f in candidates]
        keys = [duplicate_key(claim.text) for claim, _ in candidates]
        return self.signals.rerank_scores(said, [c for c, _ in candidates], logits, keys)

    def states_enough(self, features: list[float]) -> bool:
        """Whether the text says enough of the claim to be answered with it: enough of its
        words or, for the semantic matcher, the same meaning in other words."""
        if features[_COVERAGE] >= self.settings.min_claim_coverage:
            return True
        return self.signals.says_the_same(features, self.settings)

    def _worth_reranking(self, logits: list[float], keys: list[str]) -> bool:
        """Whether the best candidate's answer score before reranking reaches `rerank_from`.
        Below it the cross-encoder (~15 ms a pair) cannot lift a claim to the related tier
        (CheckThat! 2020 train, docs/matching.md), so chatter skips it; a ranked list (`rank`)
        is always reranked, since its order below the tiers is seen there."""
        if not logits:
            return False
        weights = self.signals.weights
        top = rank_candidates(logits, keys, weights.rival_floor)[0]
        return answer_score(top.logit, top.rivals, weights) >= self.settings.rerank_from
