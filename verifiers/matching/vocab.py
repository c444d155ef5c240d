"""The index vocabulary in memory: document frequencies, stem variants and typo repair.

The full-text index matches exact tokens only, so a query word the index has never seen
("Zelenksy", "Moskow") would find nothing. Such out-of-vocabulary words are mapped to their
nearest indexed spellings by edit distance, looking only at words of the same first letter and
similar length, which keeps the lookup to a few thousand comparisons even with a million claims.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from itertools import repeat

from rapidfuzz import process
from rapidfuzz.distance import OSA

from verifiers.text.tokens import stem

MAX_EXPANSIONS = 2
MAX_STEM_VARIANTS = 3
MIN_COMPOUND_PART = 3


def max_typos(term: str) -> int:
    """Edits allowed for a word of this length: none for short words, where typos collide."""
    if len(term) < 5:
        return 0
    return 1 if len(term) < 9 else 2


class Vocabulary:
    """A read-only snapshot of the indexed terms; rebuilt, never mutated."""

    def __init__(self, document_frequencies: Mapping[str, int], claim_count: int) -> None:
        self.df: dict[str, int] = dict(document_frequencies)
        self.claim_count = max(claim_count, 1)
        buckets: dict[tuple[str, int], list[str]] = defaultdict(list)
        by_stem: dict[str, list[str]] = defaultdict(list)
        # A stem's frequency is its commonest spelling's: claims holding both "weapon" and
        # "weapons" would be counted twice by a sum.
        self.stem_df: dict[str, int] = {}
        for term, df in self.df.items():
            if len(term) >= 4 and term.isalpha():
                buckets[(term[0], len(term))].append(term)
            root = stem(term)
            by_stem[root].append(term)
            self.stem_df[root] = max(df, self.stem_df.get(root, 0))
        # Tuples of strings, not lists: the garbage collector stops tracking them after one
        # pass, where every full collection would walk tens of thousands of lists (a pause of
        # milliseconds in whichever check triggers it).
        self._buckets = {key: tuple(terms) for key, terms in buckets.items()}
        self._by_stem = {
            root: tuple(sorted(terms, key=lambda t: -self.df[t])) for root, terms in by_stem.items()
        }
        # idf is asked for thousands of times per check (every candidate's every word): once
        # per stem here instead of a logarithm per call.
        self._unseen_idf = self._idf(1)
        self._stem_idf = {root: self._idf(df) for root, df in self.stem_df.items()}

    def idf(self, term: str) -> float:
        """BM25's idf, with unseen terms treated as seen once (they are rare, not noise)."""
        return self._idf(self.df.get(term, 1))

    def stem_idf(self, root: str) -> float:
        """idf of a stem (see `stem_df`)."""
        return self._stem_idf.get(root, self._unseen_idf)

    def stem_idfs(self, roots: Iterable[str]) -> list[float]:
        """`stem_idf` of each stem, in one pass (features sum them over every candidate)."""
        return list(map(self._stem_idf.get, roots, repeat(self._unseen_idf)))

    def _idf(self, df: int) -> float:
        return math.log(1.0 + (self.claim_count - df + 0.5) / (df + 0.5))

    def variants(self, term: str) -> list[str]:
        """Indexed words with the same stem ("weapon" → "weapons"), most common first."""
        return [t for t in self._by_stem.get(stem(term), ()) if t != term][:MAX_STEM_VARIANTS]

    def corrections(self, term: str) -> list[str]:
        """Indexed spellings within `max_typos` edits of an out-of-vocabulary word."""
        allowed = max_typos(term)
        if not allowed or not term.isalpha():
            return []
        choices: list[str] = []
        for length in range(len(term) - allowed, len(term) + allowed + 1):
            choices.extend(self._buckets.get((term[0], length), ()))
        if not choices:
            return []
        hits = process.extract(term, choices, scorer=OSA.distance, score_cutoff=allowed, limit=8)
        hits.sort(key=lambda hit: (hit[1], -self.df[hit[0]]))
        best = hits[0][1] if hits else 0
        return [word for word, dist, _ in hits if dist == best][:MAX_EXPANSIONS]

    def split_compound(self, term: str) -> tuple[str, str] | None:
        """Two indexed words an out-of-vocabulary word is glued from ("fyrefestival" →
        "fyre", "festival"): handles and lower-case hashtags glue names and words together.

        Of the possible cuts, the one whose rarer part is most common wins: a cut into two
        everyday words is likelier than one into a rare fragment ("photo|shopping", not
        "photos|hopping").
        """
        if not term.isalpha() or len(term) < 2 * MIN_COMPOUND_PART + 1:
            return None
        best: tuple[int, str, str] | None = None
        for cut in range(MIN_COMPOUND_PART, len(term) - MIN_COMPOUND_PART + 1):
            head, tail = term[:cut], term[cut:]
            df = min(self.df.get(head, 0), self.df.get(tail, 0))
            if df and (best is None or df > best[0]):
                best = (df, head, tail)
        return None if best is None else (best[1], best[2])
