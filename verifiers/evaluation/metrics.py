"""Ranking and answer-decision measures, per query and averaged."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


def average_precision_at(ranked: Sequence[str], relevant: frozenset[str], k: int) -> float:
    """AP@k as the CheckThat! scorer computes it: divided by the number of relevant claims."""
    hits = 0
    total = 0.0
    for i, claim_id in enumerate(ranked[:k], 1):
        if claim_id in relevant:
            hits += 1
            total += hits / i
    return total / len(relevant) if relevant else 0.0


def reciprocal_rank(ranked: Sequence[str], relevant: frozenset[str]) -> float:
    for i, claim_id in enumerate(ranked, 1):
        if claim_id in relevant:
            return 1.0 / i
    return 0.0


def recall_at(ranked: Sequence[str], relevant: frozenset[str], k: int) -> float:
    return len(set(ranked[:k]) & relevant) / len(relevant) if relevant else 0.0


@dataclass(frozen=True, slots=True)
class QueryOutcome:
    """One query's ranking, its top score, and its top score with its claims withheld.

    `withheld_top_score` withholds the relevant claims and their exact duplicates;
    `strict_withheld_top_score` only the claims the qrels name.
    """

    query_id: str
    ranked: tuple[str, ...]
    top_score: float
    withheld_top_score: float
    strict_withheld_top_score: float
    relevant: frozenset[str]
    scores: tuple[float, ...] = ()  # each ranked claim's calibrated answer score

    def answered(self, threshold: float) -> bool:
        """Answered confidently: a top claim scoring at or above `threshold`."""
        return bool(self.ranked) and self.top_score >= threshold

    def answered_correctly(self, threshold: float) -> bool:
        return self.answered(threshold) and self.ranked[0] in self.relevant

    def false_answer(self, threshold: float) -> bool:
        """Answered confidently with its relevant claims (and their copies) withheld."""
        return self.withheld_top_score >= threshold

    def as_row(self, text: str, threshold: float, k: int = 5) -> dict[str, object]:
        """This query as one JSON object: what it said, what was meant, what came back, and
        what the answer decision at `threshold` made of it (where to look when a figure moves).
        """
        first = next((i for i, c in enumerate(self.ranked, 1) if c in self.relevant), None)
        return {
            "query_id": self.query_id,
            "text": text,
            "relevant": sorted(self.relevant),
            "top": [
                {"claim_id": claim, "score": score, "relevant": claim in self.relevant}
                for claim, score in zip(self.ranked[:k], self.scores[:k], strict=False)
            ],
            "first_relevant_rank": first,
            "average_precision": average_precision_at(self.ranked, self.relevant, k),
            "answer_score": self.top_score,  # 0 when the top claim cannot be an answer
            "answered": self.answered(threshold),
            "answered_correctly": self.answered_correctly(threshold),
            "false_answer": self.false_answer(threshold),
            "withheld_top_score": self.withheld_top_score,
        }


@dataclass(frozen=True, slots=True)
class Report:
    queries: int
    map_at_5: float
    mrr: float
    p_at_1: float
    recall_at_5: float
    answered_correctly: float
    answered_wrongly: float
    false_answers: float
    false_answers_strict: float
    confident_threshold: float
    ms_per_query: float
    ms_p50: float
    ms_p99: float

    def as_dict(self) -> dict[str, float | int]:
        return {name: getattr(self, name) for name in self.__slots__}


def _percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass(frozen=True, slots=True)
class AnswerDecision:
    """What answering at `threshold` gives: the trade-off a moderator sets in config."""

    threshold: float
    answered_correctly: float
    answered_wrongly: float
    false_answers: float
    false_answers_strict: float


def answer_decision(outcomes: Sequence[QueryOutcome], threshold: float) -> AnswerDecision:
    """Share of queries answered rightly and wrongly, and answered with their claims withheld,
    when an answer is a top score at or above `threshold`."""
    n = len(outcomes) or 1
    answered = sum(1 for o in outcomes if o.answered(threshold))
    correct = sum(1 for o in outcomes if o.answered_correctly(threshold))
    return AnswerDecision(
        threshold=threshold,
        answered_correctly=correct / n,
        answered_wrongly=(answered - correct) / n,
        false_answers=sum(1 for o in outcomes if o.false_answer(threshold)) / n,
        false_answers_strict=sum(1 for o in outcomes if o.strict_withheld_top_score >= threshold)
        / n,
    )


def summarise(
    outcomes: Sequence[QueryOutcome], threshold: float, timings_ms: Sequence[float] = ()
) -> Report:
    """Average the per-query measures; an answer is a top score at or above `threshold`."""
    n = len(outcomes) or 1

    def mean(values: list[float]) -> float:
        return sum(values) / n

    decision = answer_decision(outcomes, threshold)
    return Report(
        queries=len(outcomes),
        map_at_5=mean([average_precision_at(o.ranked, o.relevant, 5) for o in outcomes]),
        mrr=mean([reciprocal_rank(o.ranked, o.relevant) for o in outcomes]),
        p_at_1=mean([1.0 if o.ranked[:1] and o.ranked[0] in o.relevant else 0.0 for o in outcomes]),
        recall_at_5=mean([recall_at(o.ranked, o.relevant, 5) for o in outcomes]),
        answered_correctly=decision.answered_correctly,
        answered_wrongly=decision.answered_wrongly,
        false_answers=decision.false_answers,
        false_answers_strict=decision.false_answers_strict,
        confident_threshold=threshold,
        ms_per_query=sum(timings_ms) / len(timings_ms) if timings_ms else 0.0,
        ms_p50=_percentile(timings_ms, 0.5),
        ms_p99=_percentile(timings_ms, 0.99),
    )
