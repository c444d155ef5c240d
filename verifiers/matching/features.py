"""Lexical features of a (query, claim) pair, each roughly in 0..1.

BM25 alone ranks by shared rare words; these add what it misses: how much of the *claim* the
query covers (tweets are long, claims short), word order and near-spellings (rapidfuzz),
shared word pairs, and agreement of numbers. The fitted logistic model in `model.py`
weighs them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from rapidfuzz import fuzz, process

from verifiers.matching.vocab import Vocabulary
from verifiers.text.normalize import normalize
from verifiers.text.numbers import number_values
from verifiers.text.tokens import content_tokens, stem, word_memo

# rapidfuzz's partial/set ratios grow with both lengths; long texts are cut for speed.
MAX_FUZZ_CHARS = 600

FEATURES: tuple[str, ...] = (
    "bm25_rel",
    "bm25_norm",
    "claim_coverage",
    "query_coverage",
    "summary_coverage",
    "text_set_ratio",
    "summary_set_ratio",
    "partial_ratio",
    "bigram_overlap",
    "rarest_shared",
    "numbers_agree",
    "numbers_differ",
    "bm25_rank",
    "stem_bm25_text",
    "stem_bm25_summary",
    "shared_count",
    "fuzzy_claim_coverage",
    "trigram_cosine",
)

# BM25 over stems, per field: k1 and b as usual; typical claim/summary lengths in stems.
K1 = 1.2
B = 0.75
AVG_TEXT_STEMS = 12.0
AVG_SUMMARY_STEMS = 8.0


@dataclass(frozen=True, slots=True)
class Profile:
    """What the features need from one text, computed once."""

    norm: str
    stems: tuple[str, ...]
    stem_set: frozenset[str]
    bigrams: frozenset[tuple[str, str]]
    numbers: frozenset[float]
    trigrams: frozenset[str]


def profile_normalised(norm: str, replace: dict[str, str] | None = None) -> Profile:
    """Profile of an already-normalised text; `replace` maps typos to indexed spellings and
    glued compounds to their words."""
    tokens = content_tokens(norm)
    if replace:
        # A replacement may be two words (a glued compound split apart).
        norm = " ".join(replace.get(t, t) for t in norm.split())
        tokens = content_tokens(" ".join(replace.get(t, t) for t in tokens))
    stems = tuple(stem(t) for t in tokens)
    return Profile(
        norm=norm,
        stems=stems,
        stem_set=frozenset(stems),
        bigrams=frozenset(pairwise(stems)),
        numbers=number_values(norm),
        trigrams=frozenset(g for t in frozenset(tokens) for g in _token_grams(t)),
    )


def _grams(word: str) -> list[str]:
    return [word[i : i + 3] for i in range(len(word) - 2)]


@word_memo()
def _token_grams(token: str) -> tuple[str, ...]:
    return tuple(_grams(f" {token} "))


@lru_cache(maxsize=50_000)
def claim_profile(text: str) -> Profile:
    """Claims recur across queries, so their profiles are cached (keyed by the text itself)."""
    return profile_normalised(normalize(text))


def _weighted(terms: frozenset[str], vocab: Vocabulary) -> float:
    return sum(vocab.stem_idf(t) for t in terms)


def _stem_bm25(query: Profile, doc: Profile, avg_len: float, vocab: Vocabulary) -> float:
    if not doc.stems:
        return 0.0
    norm = K1 * (1 - B + B * len(doc.stems) / avg_len)
    score = 0.0
    for term in query.stem_set & doc.stem_set:
        tf = doc.stems.count(term)
        score += vocab.stem_idf(term) * tf * (K1 + 1) / (tf + norm)
    return score


def pair_features(
    query: Profile,
    text: Profile,
    summary: Profile,
    bm25: float,
    best_bm25: float,
    rank: int,
    query_weight: float,
    vocab: Vocabulary,
) -> list[float]:
    """Features in the order of FEATURES."""
    claim_terms = text.stem_set | summary.stem_set
    shared = query.stem_set & claim_terms
    shared_weight = _weighted(shared, vocab)
    claim_weight = _weighted(text.stem_set, vocab) or 1.0
    summary_weight = _weighted(summary.stem_set, vocab) or 1.0
    q = query.norm[:MAX_FUZZ_CHARS]
    rarest_claim = max((vocab.stem_idf(t) for t in claim_terms), default=1.0) or 1.0
    rarest_shared = max((vocab.stem_idf(t) for t in shared), default=0.0)
    claim_bigrams = text.bigrams | summary.bigrams
    bigram_overlap = (
        len(query.bigrams & claim_bigrams) / len(claim_bigrams) if claim_bigrams else 0.0
    )
    claim_numbers = text.numbers | summary.numbers
    numbers_agree = 1.0 if claim_numbers and claim_numbers & query.numbers else 0.0
    numbers_differ = 1.0 if claim_numbers and query.numbers and not numbers_agree else 0.0
    return [
        bm25 / best_bm25 if best_bm25 > 0 else 0.0,
        min(bm25 / query_weight, 2.0) / 2.0 if query_weight > 0 else 0.0,
        _weighted(query.stem_set & text.stem_set, vocab) / claim_weight,
        shared_weight / (query_weight or 1.0),
        _weighted(query.stem_set & summary.stem_set, vocab) / summary_weight,
        fuzz.token_set_ratio(q, text.norm) / 100.0,
        fuzz.token_set_ratio(q, summary.norm) / 100.0 if summary.norm else 0.0,
        fuzz.partial_ratio(text.norm[:MAX_FUZZ_CHARS], q) / 100.0,
        bigram_overlap,
        rarest_shared / rarest_claim,
        numbers_agree,
        numbers_differ,
        1.0 / (1.0 + rank),
        _stem_bm25(query, text, AVG_TEXT_STEMS, vocab) / (query_weight or 1.0),
        _stem_bm25(query, summary, AVG_SUMMARY_STEMS, vocab) / (query_weight or 1.0),
        min(len(shared), 10) / 10.0,
        _fuzzy_coverage(query, text, vocab),
        len(query.trigrams & (text.trigrams | summary.trigrams))
        / (math.sqrt(len(query.trigrams) * len(text.trigrams | summary.trigrams)) or 1.0),
    ]


def _fuzzy_coverage(query: Profile, text: Profile, vocab: Vocabulary) -> float:
    """Share of the claim's weight whose words appear in the query, allowing near-spellings."""
    missing = [t for t in text.stem_set if t not in query.stem_set and len(t) >= 4]
    total = _weighted(text.stem_set, vocab) or 1.0
    found = _weighted(text.stem_set & query.stem_set, vocab)
    if missing and query.stems:
        choices = list(query.stem_set)
        for term in missing:
            hit = process.extractOne(term, choices, scorer=fuzz.ratio, score_cutoff=80)
            if hit is not None:
                found += vocab.stem_idf(term) * hit[1] / 100.0
    return found / total


# -- semantic matcher: embedding features appended to the lexical ones ---------------------------
SEMANTIC_FEATURES: tuple[str, ...] = (
    "cosine",
    "cosine_gap",
    "cosine_rank",
    "segment_cosine",
    "segment_gap",
    "bm25_retrieved",
)


def semantic_features(
    cosines: list[float], segment_cosines: list[float], retrieved: list[bool]
) -> list[list[float]]:
    """Per candidate, in the order of SEMANTIC_FEATURES: cosine with the whole query, its gap
    to the best candidate's, its rank by cosine; the best cosine with any one sentence of the
    message (a tweet often states the claim in one of several) and its gap; and whether the
    full-text search found it too."""
    if not cosines:
        return []
    best = max(cosines)
    best_segment = max(segment_cosines)
    order = sorted(range(len(cosines)), key=lambda i: -cosines[i])
    rank = [0] * len(cosines)
    for position, i in enumerate(order):
        rank[i] = position
    return [
        [
            cosines[i],
            cosines[i] - best,
            1.0 / (1.0 + rank[i]),
            segment_cosines[i],
            segment_cosines[i] - best_segment,
            1.0 if retrieved[i] else 0.0,
        ]
        for i in range(len(cosines))
    ]
