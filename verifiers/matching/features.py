"""Lexical features of a (query, claim) pair, each roughly in 0..1, and what they read of a text.

BM25 alone ranks by shared rare words; these add what it misses: how much of the *claim* the
query covers (tweets are long, claims short), word order and near-spellings (rapidfuzz),
shared word pairs, and agreement of numbers. The fitted logistic model in `model.py`
weighs them. They are computed for all of a query's candidates at once by `bulk.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain, pairwise
from typing import NamedTuple

from verifiers.text.normalize import normalize
from verifiers.text.tokens import ContentWords, content_words, tokenize, word_memo

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

# The features `bulk.screen_matrix` computes from word sets alone, to pick the candidates worth
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


class Terms(NamedTuple):
    """A text's stemmed content words: all that screening a candidate needs (see
    `bulk.screen_matrix`), and the cheap first half of a `Profile`."""

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
    trigrams: frozenset[str]


def terms_normalised(norm: str, replace: dict[str, str] | None = None) -> Terms:
    """Terms of an already-normalised text; `replace` maps typos to indexed spellings and
    glued compounds to their words."""
    words = content_words(tokenize(norm))
    if replace:
        # A replacement may be two words (a glued compound split apart).
        norm = " ".join(replace.get(t, t) for t in norm.split())
        words = content_words(tokenize(" ".join(replace.get(t, t) for t in words.tokens)))
    return Terms(norm, *words)


def profile_of(terms: Terms) -> Profile:
    """The full profile: the terms plus word pairs and character trigrams."""
    return Profile(
        norm=terms.norm,
        stems=terms.stems,
        stem_set=frozenset(terms.stems),
        bigrams=frozenset(pairwise(terms.stems)),
        trigrams=frozenset(chain.from_iterable(map(_token_grams, frozenset(terms.tokens)))),
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
# itself). The search index keeps each claim's content words (`Candidate`), so the lexical
# matcher screens its hits without these; the semantic matcher's nearest claims are screened
# from this cache. Terms are kept as plain tuples of strings, which the garbage collector stops
# tracking after one pass (it untracks exact tuples only, not a NamedTuple); each profile holds
# four sets that every full collection walks, element by element: hence one cache much larger
# than the other.
@word_memo(50_000)
def _claim_terms(text: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    terms = terms_normalised(normalize(text))
    return terms.norm, terms.tokens, terms.stems


def claim_terms(text: str) -> Terms:
    """A claim text's terms, from the cache (see above)."""
    return Terms._make(_claim_terms(text))


def claim_stems(text: str) -> tuple[str, ...]:
    """A claim text's stems, from the cache: all that screening reads of it."""
    return _claim_terms(text)[2]


@word_memo(1_024)
def claim_profile(text: str, words: ContentWords | None = None) -> Profile:
    """A claim text's full profile, from the cache (see above). `words`: the text's content
    words if already known (the search index keeps them), which spares computing them."""
    if words is None:
        return profile_of(claim_terms(text))
    return profile_of(Terms(normalize(text), *words))


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
