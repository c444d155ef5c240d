"""The score a search hit carries: BM25 as SQLite FTS5's `bm25()` computes it, text weighted.

tantivy finds the top hits with its own BM25 (Lucene's idf, the length of the doubled text
field, lengths rounded to one byte), which orders near-ties differently from the scores the
answer models were fitted on. The hits are scored again here with FTS5's formula, in its
order of operations: idf = ln((N - n + 0.5) / (n + 0.5)) (1e-6 when not positive), term
frequency = 2 × in text + 1 × in summary, and length = text + summary tokens against the
average over all live claims. On the CheckThat! dev set this gives back, to the bit, the
rankings of the FTS5 search the models were fitted on (docs/decisions.md).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

K1 = 1.2  # FTS5's bm25() constants
B = 0.75
TEXT_WEIGHT, SUMMARY_WEIGHT = 2.0, 1.0  # claim text counts twice as much as the summary
BM25_WEIGHTS = (TEXT_WEIGHT, SUMMARY_WEIGHT)


class Bm25:
    """FTS5's bm25() of one query's words (higher is better), for claims given as tokens."""

    def __init__(
        self, words: Sequence[str], claims: int, tokens: int, counts: Mapping[str, int]
    ) -> None:
        """`claims` live claims holding `tokens` tokens of text and summary in all; `counts`
        the claims holding each word."""
        self.avgdl = tokens / claims if claims and tokens else 1.0
        self.idf: list[tuple[str, float]] = []
        for word in dict.fromkeys(words):
            holding = min(counts.get(word, 0), claims)
            idf = math.log((claims - holding + 0.5) / (holding + 0.5)) if claims else 0.0
            self.idf.append((word, idf if idf > 0.0 else 1e-6))
        self._words = frozenset(word for word, _ in self.idf)

    def score(self, text: Sequence[str], summary: Sequence[str]) -> float:
        """The score of a claim whose text and summary are these tokens."""
        words = self._words
        freq: dict[str, float] = {}
        for token in text:  # one pass over the claim's tokens, not one per query word
            if token in words:
                freq[token] = freq.get(token, 0.0) + TEXT_WEIGHT
        for token in summary:
            if token in words:
                freq[token] = freq.get(token, 0.0) + SUMMARY_WEIGHT
        if not freq:
            return 0.0
        norm = K1 * (1 - B + B * (len(text) + len(summary)) / self.avgdl)
        score = 0.0
        for word, idf in self.idf:  # in the query's order, as FTS5 sums (the same bits)
            if word in freq:
                f = freq[word]
                score += idf * ((f * (K1 + 1.0)) / (f + norm))
        return score
