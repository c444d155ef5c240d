"""Lexical features of a (query, claim) pair, each roughly in 0..1.

BM25 alone ranks by shared rare words; these add what it misses: how much of the *claim* the
query covers (tweets are long, claims short), word order and near-spellings (rapidfuzz),
shared word pairs, and agreement of numbers. The fitted logistic model in `model.py`
weighs them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple

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

# The features `screen_features` computes from word sets alone, to pick the candidates worth
# the rest (rapidfuzz ratios, trigrams, numbers); the same values as in FEATURES.
SCREEN_FEATURES: tuple[str, ...] = (
    "bm25_rel",
    "bm25_norm",
    "claim_coverage",
    "query_coverage",
    "summary_coverage",
    "rarest_shared",
    "bm25_rank",
    "stem_bm25_text",
    "stem_bm25_summary",
    "shared_count",
)

# BM25 over stems, per field: k1 and b as usual; typical claim/summary lengths in stems.
K1 = 1.2
B = 0.75
AVG_TEXT_STEMS = 12.0
AVG_SUMMARY_STEMS = 8.0


class Terms(NamedTuple):
    """A text's stemmed content words: all that screening a candidate needs (see
    `screen_features`), and the cheap first half of a `Profile`."""

    norm: str
    tokens: tuple[str, ...]
    stems: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Profile:
    """What the features need from one text, computed once."""

    norm: str
    stems: tuple[str, ...]
    stem_set: frozenset[str]
    bigrams: frozenset[tuple[str, str]]
    numbers: frozenset[float]
    trigrams: frozenset[str]


def terms_normalised(norm: str, replace: dict[str, str] | None = None) -> Terms:
    """Terms of an already-normalised text; `replace` maps typos to indexed spellings and
    glued compounds to their words."""
    tokens = content_tokens(norm)
    if replace:
        # A replacement may be two words (a glued compound split apart).
        norm = " ".join(replace.get(t, t) for t in norm.split())
        tokens = content_tokens(" ".join(replace.get(t, t) for t in tokens))
    return Terms(norm=norm, tokens=tuple(tokens), stems=tuple(stem(t) for t in tokens))


def profile_of(terms: Terms) -> Profile:
    """The full profile: the terms plus word pairs, numbers and character trigrams."""
    return Profile(
        norm=terms.norm,
        stems=terms.stems,
        stem_set=frozenset(terms.stems),
        bigrams=frozenset(pairwise(terms.stems)),
        numbers=number_values(terms.norm),
        trigrams=frozenset(g for t in frozenset(terms.tokens) for g in _token_grams(t)),
    )


def profile_normalised(norm: str, replace: dict[str, str] | None = None) -> Profile:
    """Profile of an already-normalised text (`replace`: see `terms_normalised`)."""
    return profile_of(terms_normalised(norm, replace))


def _grams(word: str) -> list[str]:
    return [word[i : i + 3] for i in range(len(word) - 2)]


@word_memo()
def _token_grams(token: str) -> tuple[str, ...]:
    return tuple(_grams(f" {token} "))


# Claims recur across queries, so their terms and profiles are remembered (keyed by the text
# itself). Every retrieved claim is screened but only the best few are profiled. Terms are kept
# as plain tuples of strings, which the garbage collector stops tracking after one pass (it
# untracks exact tuples only, not a NamedTuple); each profile holds four sets that every full
# collection walks, element by element: hence one cache much larger than the other.
@word_memo(50_000)
def _claim_terms(text: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    terms = terms_normalised(normalize(text))
    return terms.norm, terms.tokens, terms.stems


def claim_terms(text: str) -> Terms:
    """A claim text's terms, from the cache (see above)."""
    return Terms._make(_claim_terms(text))


@word_memo(1_024)
def claim_profile(text: str) -> Profile:
    """A claim text's full profile, from the cache (see above)."""
    return profile_of(claim_terms(text))


def _weighted(terms: frozenset[str], vocab: Vocabulary) -> float:
    return sum(vocab.stem_idfs(terms))


def _stem_bm25(
    shared: frozenset[str], stems: tuple[str, ...], avg_len: float, idf: dict[str, float]
) -> float:
    if not stems:
        return 0.0
    norm = K1 * (1 - B + B * len(stems) / avg_len)
    score = 0.0
    for term in shared.intersection(stems):
        tf = stems.count(term)
        score += idf[term] * tf * (K1 + 1) / (tf + norm)
    return score


def screen_features(
    query: Profile,
    text: tuple[str, ...],
    summary: tuple[str, ...],
    bm25: float,
    best_bm25: float,
    rank: int,
    query_weight: float,
    vocab: Vocabulary,
) -> list[float]:
    """The features of SCREEN_FEATURES, in that order, from the stems of the claim's `text`
    and `summary`: those computed from word sets alone.

    Cheap enough for every retrieved candidate (each idf is looked up once); `pair_features`
    gives the same values.
    """
    text_set = frozenset(text)
    summary_set = frozenset(summary)
    claim_set = text_set | summary_set
    idf = dict(zip(claim_set, vocab.stem_idfs(claim_set), strict=True))
    get = idf.__getitem__
    shared = query.stem_set & claim_set
    shared_idf = list(map(get, shared))
    rarest_claim = max(idf.values(), default=1.0) or 1.0
    text_weight = sum(map(get, text_set)) or 1.0
    summary_weight = sum(map(get, summary_set)) or 1.0
    return [
        bm25 / best_bm25 if best_bm25 > 0 else 0.0,
        min(bm25 / query_weight, 2.0) / 2.0 if query_weight > 0 else 0.0,
        sum(map(get, shared & text_set)) / text_weight,
        sum(shared_idf) / (query_weight or 1.0),
        sum(map(get, shared & summary_set)) / summary_weight,
        max(shared_idf, default=0.0) / rarest_claim,
        1.0 / (1.0 + rank),
        _stem_bm25(shared, text, AVG_TEXT_STEMS, idf) / (query_weight or 1.0),
        _stem_bm25(shared, summary, AVG_SUMMARY_STEMS, idf) / (query_weight or 1.0),
        min(len(shared), 10) / 10.0,
    ]


def screen_weights(
    features: Sequence[str], relevance: Sequence[float], also: Sequence[str] = ()
) -> list[float]:
    """Weights of SCREEN_FEATURES for screening, then of the features named in `also` (the
    semantic matcher's embedding features), taken from a fitted relevance model.

    Fuzzy claim coverage is the exact claim coverage plus near-spellings, so its weight is
    folded onto the exact one: the two come in a pair whose weights nearly cancel, and keeping
    only one of them would rank by a coverage penalty the full model does not have.
    """
    weight = dict(zip(features, relevance, strict=True))
    out = [weight[name] for name in SCREEN_FEATURES]
    out[SCREEN_FEATURES.index("claim_coverage")] += weight["fuzzy_claim_coverage"]
    return out + [weight[name] for name in also]


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
    (
        bm25_rel,
        bm25_norm,
        claim_coverage,
        query_coverage,
        summary_coverage,
        rarest_shared,
        bm25_rank,
        stem_bm25_text,
        stem_bm25_summary,
        shared_count,
    ) = screen_features(
        query, text.stems, summary.stems, bm25, best_bm25, rank, query_weight, vocab
    )
    q = query.norm[:MAX_FUZZ_CHARS]
    claim_bigrams = text.bigrams | summary.bigrams
    bigram_overlap = (
        len(query.bigrams & claim_bigrams) / len(claim_bigrams) if claim_bigrams else 0.0
    )
    claim_numbers = text.numbers | summary.numbers
    numbers_agree = 1.0 if claim_numbers and claim_numbers & query.numbers else 0.0
    numbers_differ = 1.0 if claim_numbers and query.numbers and not numbers_agree else 0.0
    claim_grams = text.trigrams | summary.trigrams
    return [
        bm25_rel,
        bm25_norm,
        claim_coverage,
        query_coverage,
        summary_coverage,
        fuzz.token_set_ratio(q, text.norm) / 100.0,
        fuzz.token_set_ratio(q, summary.norm) / 100.0 if summary.norm else 0.0,
        fuzz.partial_ratio(text.norm[:MAX_FUZZ_CHARS], q) / 100.0,
        bigram_overlap,
        rarest_shared,
        numbers_agree,
        numbers_differ,
        bm25_rank,
        stem_bm25_text,
        stem_bm25_summary,
        shared_count,
        _fuzzy_coverage(query, text, vocab),
        len(query.trigrams & claim_grams)
        / (math.sqrt(len(query.trigrams) * len(claim_grams)) or 1.0),
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
