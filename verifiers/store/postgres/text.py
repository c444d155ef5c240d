"""Search tokens for the PostgreSQL store, cut and folded as SQLite's FTS5 `unicode61` does.

PostgreSQL's own parser (`to_tsvector`) keeps "e-mail", "covid-19", URLs and "3.5" as extra
tokens of their own, so the store tokenizes here instead and writes the vector itself: the
matcher's vocabulary, document frequencies and BM25 lengths then come out the same on both
backends, and a query term becomes a phrase of exactly the tokens SQLite would look for.

Positions carry weight A in the claim text and B in the summary; the summary starts one
position after a gap, so that no phrase runs from the end of the text into the summary.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

from verifiers.store.sql.values import BM25_WEIGHTS, CONTROL

# unicode61's remove_diacritics strips combining accents from Latin letters only ("é" → "e",
# but Cyrillic "й" and Greek "ά" keep theirs), and folds the long s as its case folding does.
_LATIN_ACCENTS = re.compile("([\u0000-\u024f\u1e00-\u1eff])[\u0300-\u036f]+")
_FOLD = str.maketrans({"ſ": "s"})
_TOKEN = re.compile(r"[^\W_]+")  # runs of letters and digits, as unicode61's token characters
MAX_LEXEME_BYTES = 2046  # PostgreSQL refuses longer words in a tsvector
MAX_POSITION = 16383  # PostgreSQL's largest tsvector position
TEXT_WEIGHT, SUMMARY_WEIGHT = BM25_WEIGHTS  # as SQLite's bm25(); claimbot_phrase_freq too


def index_tokens(text: str) -> list[str]:
    """The tokens of `text`: lower-cased, Latin diacritics removed, split on anything else."""
    bare = _LATIN_ACCENTS.sub(r"\1", unicodedata.normalize("NFD", text))
    folded = unicodedata.normalize("NFC", bare).lower().translate(_FOLD)
    return [_fit(token) for token in _TOKEN.findall(folded)]


def _fit(token: str) -> str:
    if len(token) * 4 <= MAX_LEXEME_BYTES:
        return token
    return token.encode("utf-8")[:MAX_LEXEME_BYTES].decode("utf-8", "ignore")


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


class SearchDocument(NamedTuple):
    """A claim's search columns: search_vector, search_length and search_terms."""

    vector: str  # tsvector literal
    length: int  # tokens in text and summary
    terms: str  # JSON object: token -> weighted occurrences (2 in the text, 1 in the summary)


SEARCH_COLUMNS = ("search_vector", "search_length", "search_terms")


def search_document(text: str, summary: str) -> SearchDocument:
    """The search columns of a claim with this text and summary."""
    positions: dict[str, list[str]] = {}
    counts: dict[str, float] = {}
    text_tokens = index_tokens(text)
    summary_tokens = index_tokens(summary)
    for number, token in enumerate(text_tokens, 1):
        positions.setdefault(token, []).append(f"{min(number, MAX_POSITION)}A")
        counts[token] = counts.get(token, 0) + TEXT_WEIGHT
    for number, token in enumerate(summary_tokens, len(text_tokens) + 2):
        positions.setdefault(token, []).append(f"{min(number, MAX_POSITION)}B")
        counts[token] = counts.get(token, 0) + SUMMARY_WEIGHT
    vector = " ".join(f"{_quote(lexeme)}:{','.join(at)}" for lexeme, at in positions.items())
    terms = json.dumps(counts, ensure_ascii=False, separators=(",", ":"))
    return SearchDocument(vector, len(text_tokens) + len(summary_tokens), terms)


def query_phrases(terms: Iterable[str]) -> list[list[str]]:
    """Each distinct term as the phrase of its tokens, as SQLite's `fts_query` quotes them.

    Like FTS5, terms that differ as written but fold to the same tokens stay separate phrases
    (each adds to the score); terms without any token are dropped, as they match nothing.
    """
    phrases = []
    for term in dict.fromkeys(CONTROL.sub(" ", str(t)).strip() for t in terms):
        tokens = index_tokens(term)
        if tokens:
            phrases.append(tokens)
    return phrases


def phrase_query(phrase: list[str]) -> str:
    """A tsquery literal matching the tokens in a row (user text never becomes syntax)."""
    return " <-> ".join(_quote(token) for token in phrase)


def any_query(phrases: list[list[str]]) -> str:
    """A tsquery literal matching any of the phrases."""
    return " | ".join(f"({phrase_query(phrase)})" for phrase in phrases)
