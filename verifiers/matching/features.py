"""Lexical features of a (query, claim) pair, each roughly in 0..1.

BM25 alone ranks by shared rare words; these add what it misses: how much of the *claim* the
query covers (tweets are long, claims short), word order and near-spellings (rapidfuzz),
shared word pairs, and agreement of numbers. The fitted logistic model in `model.py`
weighs them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from rapidfuzz import fuzz

from verifiers.matching.vocab import Vocabulary
from verifiers.text.normalize import normalize
from verifiers.text.numbers import number_values
from verifiers.text.tokens import content_tokens, stem

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
)


@dataclass(frozen=True, slots=True)
class Profile:
    """What the features need from one text, computed once."""

    norm: str
    stems: tuple[str, ...]
    stem_set: frozenset[str]
    bigrams: frozenset[tuple[str, str]]
    numbers: frozenset[float]


def profile_normalised(norm: str, replace: dict[str, str] | None = None) -> Profile:
    """Profile of an already-normalised text; `replace` maps typos to indexed spellings."""
    tokens = content_tokens(norm)
    if replace:
        tokens = [replace.get(t, t) for t in tokens]
        norm = " ".join(replace.get(t, t) for t in norm.split())
    stems = tuple(stem(t) for t in tokens)
    return Profile(
        norm=norm,
        stems=stems,
        stem_set=frozenset(stems),
        bigrams=frozenset(pairwise(stems)),
        numbers=number_values(norm),
    )


@lru_cache(maxsize=50_000)
def claim_profile(text: str) -> Profile:
    """Claims recur across queries, so their profiles are cached (keyed by the text itself)."""
    return profile_normalised(normalize(text))


def _weighted(terms: frozenset[str], vocab: Vocabulary) -> float:
    return sum(vocab.stem_idf(t) for t in terms)


def pair_features(
    query: Profile,
    text: Profile,
    summary: Profile,
    bm25: float,
    best_bm25: float,
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
    ]
