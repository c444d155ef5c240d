"""The lexical features of all of a query's candidates at once, as numpy matrices.

Each function takes a query and all its candidates and returns a matrix with a row per
candidate: sums over word sets are numpy reductions, each rapidfuzz ratio one `process.cdist`
call, so what is left per candidate is a few set operations. A candidate's row is the same
whatever else is in the batch, up to the rounding of a sum's last bit. The matcher imports this
module on its first check, so that commands which match nothing start without numpy.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from itertools import chain
from typing import NamedTuple

import numpy as np
from rapidfuzz import fuzz, process

from verifiers.matching.features import FEATURES, SCREEN_FEATURES, Profile
from verifiers.matching.vocab import Vocabulary
from verifiers.text.numbers import number_values
from verifiers.text.tokens import word_memo

# rapidfuzz's partial/set ratios grow with both lengths; long texts are cut for speed.
MAX_FUZZ_CHARS = 600

# BM25 over stems, per field: k1 and b as usual; typical claim/summary lengths in stems.
K1 = 1.2
B = 0.75
AVG_TEXT_STEMS = 12.0
AVG_SUMMARY_STEMS = 8.0
_AVERAGE_STEMS = np.array([AVG_TEXT_STEMS, AVG_SUMMARY_STEMS])


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
    texts: Sequence[Sequence[str]],
    summaries: Sequence[Sequence[str]],
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
    texts: Sequence[Sequence[str]],
    summaries: Sequence[Sequence[str]],
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
    keys, tf = _counted(((field >> 1) * size + code) * 2 + (field & 1))
    in_summary = keys & 1
    owner, code = np.divmod(keys >> 1, size)
    weight = idf[code]
    shared = code < asked
    first = np.ones(len(keys), dtype=bool)  # each distinct (candidate, stem): the claim's set
    first[1:] = (keys[1:] >> 1) != (keys[:-1] >> 1)
    claim = first & shared
    text_weight, summary_weight = _by_field(n, owner, in_summary, weight)
    text_shared, summary_shared = _by_field(n, owner[shared], in_summary[shared], weight[shared])
    rarest_claim = _largest(n, owner[first], weight[first], 1.0)
    rarest_shared = _largest(n, owner[claim], weight[claim], 0.0)
    # BM25 over stems of the shared words in each field.
    norm = (K1 * (1 - B + B * lengths.reshape(n, 2) / _AVERAGE_STEMS)).ravel()
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


def _counted(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values, sorted, and how often each occurs: `np.unique` with counts,
    without its overhead, which is most of its time on a few hundred values."""
    values = np.sort(values)
    new = np.empty(len(values), dtype=bool)
    new[:1] = True
    new[1:] = values[1:] != values[:-1]
    starts = np.flatnonzero(new)
    return values[starts], np.diff(starts, append=len(values))


def _by_field(
    n: int, owner: np.ndarray, in_summary: np.ndarray, values: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per candidate, the sum of `values` over its text's entries and over its summary's."""
    both = np.bincount(owner * 2 + in_summary, weights=values, minlength=2 * n)
    return both[0::2], both[1::2]


def _largest(n: int, owner: np.ndarray, values: np.ndarray, default: float) -> np.ndarray:
    """Per candidate, the largest of its `values`, or `default` if it has none."""
    out = np.full(n, -np.inf)
    np.maximum.at(out, owner, values)
    return np.where(out == -np.inf, default, out)


def _or_one(values: np.ndarray) -> np.ndarray:
    return np.where(values == 0.0, 1.0, values)


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
    `screen_matrix`: the rapidfuzz ratios of all candidates in one call each, the features
    read from sets (word pairs, numbers, trigrams), and fuzzy claim coverage."""
    if not texts:
        return np.zeros((0, len(FEATURES)))
    query_numbers = _numbers(query.norm)
    by_pair = [
        _set_features(query, query_numbers, text, summary)
        for text, summary in zip(texts, summaries, strict=True)
    ]
    screening = dict(zip(SCREEN_FEATURES, screened.T, strict=True))
    columns = {
        **screening,
        **_ratio_columns(query, texts, summaries),
        **dict(zip(_SET_FEATURES, np.array(by_pair).T, strict=True)),
        "fuzzy_claim_coverage": _fuzzy_coverage(query, texts, screening["claim_coverage"], vocab),
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


_SET_FEATURES = ("bigram_overlap", "numbers_agree", "numbers_differ", "trigram_cosine")


def _set_features(
    query: Profile,
    query_numbers: frozenset[float],
    text: Profile,
    summary: Profile,
) -> tuple[float, float, float, float]:
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
        len(query.trigrams & claim_grams)
        / (math.sqrt(len(query.trigrams) * len(claim_grams)) or 1.0),
    )


# Numbers are read from a claim only when a query has some, so they are no part of a profile.
_numbers = word_memo(2_048)(number_values)


def _missing(query: Profile, text: Profile) -> list[str]:
    """The claim's words of 4 letters or more that the query lacks: those a near-spelling
    may stand for."""
    return [t for t in text.stem_set if t not in query.stem_set and len(t) >= 4]


def _near_spellings(query: Profile, missing: Sequence[list[str]]) -> dict[str, float]:
    """For every word any claim misses, the best rapidfuzz ratio (at least 80) of a query
    word to it, all in one call; words with none are left out."""
    words = list(dict.fromkeys(chain.from_iterable(missing)))
    if not words or not query.stems:
        return {}
    best = process.cdist(
        words,
        list(query.stem_set),
        scorer=fuzz.ratio,
        score_cutoff=80,
        dtype=np.float64,
        workers=1,
    ).max(axis=1)
    return {word: score for word, score in zip(words, best.tolist(), strict=True) if score}


def _weighted(terms: frozenset[str], vocab: Vocabulary) -> float:
    return sum(vocab.stem_idfs(terms))


def _fuzzy_coverage(
    query: Profile, texts: Sequence[Profile], coverage: np.ndarray, vocab: Vocabulary
) -> np.ndarray:
    """Share of each claim's weight whose words appear in the query, allowing near-spellings:
    the exact claim coverage (`coverage`, from screening) where the query holds no
    near-spelling of the claim's missing words, else summed again with them."""
    missing = [_missing(query, text) for text in texts]
    near = _near_spellings(query, missing)
    out = coverage.copy()
    for row, (text, words) in enumerate(zip(texts, missing, strict=True)):
        spelt = [word for word in words if word in near]
        if spelt:
            total = _weighted(text.stem_set, vocab) or 1.0
            found = _weighted(text.stem_set & query.stem_set, vocab)
            for word in spelt:
                found += vocab.stem_idf(word) * near[word] / 100.0
            out[row] = found / total
    return out
