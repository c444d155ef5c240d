"""Lexical features of a query's candidate claims, each roughly in 0..1, all at once.

BM25 alone ranks by shared rare words; these add what it misses: how much of the *claim* the
query covers (tweets are long, claims short), word order and near-spellings (rapidfuzz),
shared word pairs, and agreement of numbers. The fitted logistic model in `model.py`
weighs them.

Each function takes a query and all its candidates and returns a numpy matrix, a row per
candidate: sums over word sets are numpy reductions, the rapidfuzz ratios one `cdist` call per
ratio, so the per-candidate Python is a few set operations. A candidate's row is the same
whatever else is in the batch (up to the last bit of a sum's rounding).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain, pairwise
from typing import NamedTuple

import numpy as np
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

# The features `screen_matrix` computes from word sets alone, to pick the candidates worth
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
    `screen_matrix`), and the cheap first half of a `Profile`."""

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
    tokens = content_tokens(norm)
    if replace:
        # A replacement may be two words (a glued compound split apart).
        norm = " ".join(replace.get(t, t) for t in norm.split())
        tokens = content_tokens(" ".join(replace.get(t, t) for t in tokens))
    return Terms(norm=norm, tokens=tuple(tokens), stems=tuple(map(stem, tokens)))


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


def claim_stems(text: str) -> tuple[str, ...]:
    """A claim text's stems, from the cache: all that screening reads of it."""
    return _claim_terms(text)[2]


@word_memo(1_024)
def claim_profile(text: str) -> Profile:
    """A claim text's full profile, from the cache (see above)."""
    return profile_of(claim_terms(text))


def _weighted(terms: frozenset[str], vocab: Vocabulary) -> float:
    return sum(vocab.stem_idfs(terms))


class Retrieved(NamedTuple):
    """What the search said of each candidate: its BM25 score and rank (a claim only the
    embeddings found: 0 and the candidate limit), and the best BM25 score of the query."""

    bm25: Sequence[float]
    ranks: Sequence[int]
    best: float


Columns = dict[str, np.ndarray]


def screen_matrix(
    query: Profile,
    query_weight: float,
    texts: Sequence[tuple[str, ...]],
    summaries: Sequence[tuple[str, ...]],
    retrieved: Retrieved,
    vocab: Vocabulary,
) -> np.ndarray:
    """The features of SCREEN_FEATURES, one row per candidate, from the stems of each claim's
    text and summary: those computed from word sets alone.

    Cheap enough for every retrieved candidate: all candidates' stems are numbered once, each
    idf is looked up once, and every sum, count and maximum is a numpy reduction over them.
    `feature_matrix` completes the rows.
    """
    n = len(texts)
    if not n:
        return np.zeros((0, len(SCREEN_FEATURES)))
    bm25 = np.asarray(retrieved.bm25, dtype=np.float64)
    none = np.zeros(n)
    columns = {
        "bm25_rel": bm25 / retrieved.best if retrieved.best > 0 else none,
        "bm25_norm": np.minimum(bm25 / query_weight, 2.0) / 2.0 if query_weight > 0 else none,
        "bm25_rank": 1.0 / (1.0 + np.asarray(retrieved.ranks, dtype=np.float64)),
        **_word_set_columns(query, query_weight or 1.0, texts, summaries, vocab),
    }
    return np.column_stack([columns[name] for name in SCREEN_FEATURES])


def _word_set_columns(
    query: Profile,
    query_weight: float,
    texts: Sequence[tuple[str, ...]],
    summaries: Sequence[tuple[str, ...]],
    vocab: Vocabulary,
) -> Columns:
    """The screening features read from word sets, for every candidate at once."""
    n = len(texts)
    fields = [stems for pair in zip(texts, summaries, strict=True) for stems in pair]
    flat = list(chain.from_iterable(fields))
    # Each distinct stem numbered in order of first sight, the query's first, so that a number
    # below `asked` is a shared word; built with C loops (dict.fromkeys, zip, map).
    distinct = dict.fromkeys(chain(query.stem_set, flat))
    codes = dict(zip(distinct, range(len(distinct)), strict=True))
    asked = len(query.stem_set)
    size = len(codes)
    idf = np.array(vocab.stem_idfs(codes), dtype=np.float64)
    code = np.fromiter(map(codes.__getitem__, flat), dtype=np.int64, count=len(flat))
    lengths = np.fromiter(map(len, fields), dtype=np.int64, count=2 * n)
    field = np.repeat(np.arange(2 * n), lengths)  # candidate c: 2c its text, 2c + 1 its summary
    # Sorted by candidate, stem, then field: each distinct (candidate, stem, field) once, with
    # its count there, and a stem in both text and summary on adjacent entries.
    keys, tf = np.unique(((field >> 1) * size + code) * 2 + (field & 1), return_counts=True)
    in_summary = keys & 1
    owner, code = np.divmod(keys >> 1, size)
    weight = idf[code]
    shared = code < asked
    first = np.ones(len(keys), dtype=bool)  # each distinct (candidate, stem): the claim's set
    first[1:] = (keys[1:] >> 1) != (keys[:-1] >> 1)
    claim = first & shared
    text_weight, summary_weight = _by_field(n, owner, in_summary, weight)
    text_shared, summary_shared = _by_field(n, owner[shared], in_summary[shared], weight[shared])
    rarest_claim = np.zeros(n)
    np.maximum.at(rarest_claim, owner[first], weight[first])
    rarest_shared = np.zeros(n)
    np.maximum.at(rarest_shared, owner[claim], weight[claim])
    # BM25 over stems of the shared words in each field.
    average = np.tile([AVG_TEXT_STEMS, AVG_SUMMARY_STEMS], n)
    norm = K1 * (1 - B + B * lengths / average)
    where = owner[shared] * 2 + in_summary[shared]
    terms = weight[shared] * tf[shared] * (K1 + 1) / (tf[shared] + norm[where])
    text_bm25, summary_bm25 = _by_field(n, owner[shared], in_summary[shared], terms)
    return {
        "claim_coverage": text_shared / _or_one(text_weight),
        "query_coverage": np.bincount(owner[claim], weight[claim], minlength=n) / query_weight,
        "summary_coverage": summary_shared / _or_one(summary_weight),
        "rarest_shared": rarest_shared / _or_one(rarest_claim),
        "stem_bm25_text": text_bm25 / query_weight,
        "stem_bm25_summary": summary_bm25 / query_weight,
        "shared_count": np.minimum(np.bincount(owner[claim], minlength=n), 10) / 10.0,
    }


def _by_field(
    n: int, owner: np.ndarray, in_summary: np.ndarray, values: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per candidate, the sum of `values` over its text's entries and over its summary's."""
    both = np.bincount(owner * 2 + in_summary, weights=values, minlength=2 * n)
    return both[0::2], both[1::2]


def _or_one(values: np.ndarray) -> np.ndarray:
    return np.where(values == 0.0, 1.0, values)


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


def weighted_sums(matrix: np.ndarray, weights: Sequence[float]) -> np.ndarray:
    """Each row's sum of weight × feature, added up column by column in order: the same
    floating-point sum as Python's `sum(w * x ...)` over the row, so ties stay ties."""
    total = np.zeros(len(matrix))
    for column, weight in enumerate(weights):
        total = total + weight * matrix[:, column]
    return total


def feature_matrix(
    query: Profile,
    texts: Sequence[Profile],
    summaries: Sequence[Profile],
    screened: np.ndarray,
    vocab: Vocabulary,
) -> np.ndarray:
    """The features of FEATURES, one row per candidate, given each candidate's row of
    `screen_matrix`: the rapidfuzz ratios of all candidates in one call each, then the
    features read from sets (word pairs, numbers, near-spellings, trigrams)."""
    if not texts:
        return np.zeros((0, len(FEATURES)))
    near = _near_spellings(query, texts)
    query_numbers = _numbers(query.norm)
    by_pair = [
        _set_features(query, query_numbers, text, summary, near, vocab)
        for text, summary in zip(texts, summaries, strict=True)
    ]
    columns = {
        **dict(zip(SCREEN_FEATURES, screened.T, strict=True)),
        **_ratio_columns(query, texts, summaries),
        **dict(zip(_SET_FEATURES, np.array(by_pair).T, strict=True)),
    }
    return np.column_stack([columns[name] for name in FEATURES])


def _ratio_columns(
    query: Profile, texts: Sequence[Profile], summaries: Sequence[Profile]
) -> Columns:
    """The rapidfuzz ratios as 0..1, each over all candidates in one call."""
    q = query.norm[:MAX_FUZZ_CHARS]
    cut = [text.norm[:MAX_FUZZ_CHARS] for text in texts]

    def ratios(queries: list[str], choices: list[str], scorer: Callable[..., float]) -> np.ndarray:
        return process.cdist(queries, choices, scorer=scorer, dtype=np.float64, workers=1) / 100.0

    return {
        "text_set_ratio": ratios([q], [t.norm for t in texts], fuzz.token_set_ratio)[0],
        "summary_set_ratio": ratios([q], [s.norm for s in summaries], fuzz.token_set_ratio)[0],
        "partial_ratio": ratios(cut, [q], fuzz.partial_ratio)[:, 0],
    }


_SET_FEATURES = (
    "bigram_overlap",
    "numbers_agree",
    "numbers_differ",
    "fuzzy_claim_coverage",
    "trigram_cosine",
)


def _set_features(
    query: Profile,
    query_numbers: frozenset[float],
    text: Profile,
    summary: Profile,
    near: dict[str, float],
    vocab: Vocabulary,
) -> tuple[float, float, float, float, float]:
    """The features of _SET_FEATURES for one candidate, from C set operations."""
    claim_bigrams = text.bigrams | summary.bigrams
    bigram_overlap = (
        len(query.bigrams & claim_bigrams) / len(claim_bigrams) if claim_bigrams else 0.0
    )
    # A claim's numbers matter only against the query's: not read when the query has none.
    claim_numbers = _numbers(text.norm) | _numbers(summary.norm) if query_numbers else None
    numbers_agree = 1.0 if claim_numbers and claim_numbers & query_numbers else 0.0
    numbers_differ = 1.0 if claim_numbers and not numbers_agree else 0.0
    claim_grams = text.trigrams | summary.trigrams
    return (
        bigram_overlap,
        numbers_agree,
        numbers_differ,
        _fuzzy_coverage(query, text, near, vocab),
        len(query.trigrams & claim_grams)
        / (math.sqrt(len(query.trigrams) * len(claim_grams)) or 1.0),
    )


# Numbers are read from a claim only when a query has some, so they are no part of a profile.
_numbers = word_memo(2_048)(number_values)


def _missing(query: Profile, text: Profile) -> list[str]:
    """The claim's words of 4 letters or more that the query lacks: those a near-spelling
    may stand for."""
    return [t for t in text.stem_set if t not in query.stem_set and len(t) >= 4]


def _near_spellings(query: Profile, texts: Sequence[Profile]) -> dict[str, float]:
    """For every word any claim misses, the best rapidfuzz ratio (at least 80) of a query
    word to it, all in one call; words with none are left out."""
    missing = list(dict.fromkeys(t for text in texts for t in _missing(query, text)))
    if not missing or not query.stems:
        return {}
    best = process.cdist(
        missing,
        list(query.stem_set),
        scorer=fuzz.ratio,
        score_cutoff=80,
        dtype=np.float64,
        workers=1,
    ).max(axis=1)
    return {word: score for word, score in zip(missing, best.tolist(), strict=True) if score}


def _fuzzy_coverage(
    query: Profile, text: Profile, near: dict[str, float], vocab: Vocabulary
) -> float:
    """Share of the claim's weight whose words appear in the query, allowing near-spellings
    (`near`: see `_near_spellings`)."""
    total = _weighted(text.stem_set, vocab) or 1.0
    found = _weighted(text.stem_set & query.stem_set, vocab)
    for term in _missing(query, text):
        if term in near:
            found += vocab.stem_idf(term) * near[term] / 100.0
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
