"""BM25 retrieval over the FTS5 index that stays fast at a million claims.

FTS5 has no top-k pruning: an OR query scores every row holding any of its terms, so its cost
grows with the terms' posting lists (about a microsecond per posting here). Common words
("people", "government") sit in a tenth of all claims, which makes a naive query ~25 ms at
100k claims and ~10x that at 1M. So:

1. Terms are taken rarest first while their postings add up to at most `POSTING_BUDGET`. If
   that is all of them (small databases, rare words), FTS5 ranks as before: exact.
2. Otherwise a pool of candidates comes from the rare terms (FTS5 BM25, bounded cost), plus
   the newest rows holding two of the six rarest common words (AND is cheap where OR is not,
   and a message made only of common words still finds its claim).
3. Each pooled row is re-scored with every term by the same BM25 FTS5 computes (k1 1.2,
   b 0.75, text weighted 2, summary 1, FTS5's idf and row lengths), so scores mean the same
   whichever way a query went.

What can be missed is a row that holds none of the rare terms and is not among the newest
`COMMON_POOL` rows holding two common ones. On real claims this costs recall once the budget
is small next to the index (docs/benchmarks.md: "Known gaps"); an engine with top-k
pruning (block-max WAND, e.g. tantivy) would not have to choose.
"""

from __future__ import annotations

import math
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

POSTING_BUDGET = 4_000  # ~3 ms of FTS5 work on this 2-core machine
RARE_POOL = 100  # rows pooled from the rare terms
COMMON_POOL = 100  # rows pooled from pairs of the rarest common words
COMMON_PAIR_TERMS = 6  # so 15 pairs
K1 = 1.2
B = 0.75
FTS5_AVERAGES_ROWID = 1  # FTS5's "averages" record: row count, then tokens per column
FTS5_STRUCTURE_ROWID = 10  # FTS5's "structure" record: rewritten by every commit to the index


@dataclass(frozen=True, slots=True)
class Plan:
    """The query's terms rarest first, split where their postings exceed the budget."""

    rare: list[str]
    common: list[str]

    @property
    def exact(self) -> bool:
        return not self.common


def quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def plan(terms: Sequence[str], counts: dict[str, int], budget: int = POSTING_BUDGET) -> Plan:
    """Rarest terms first while their postings fit `budget`; the rest are common."""
    ordered = sorted(terms, key=lambda t: counts.get(t, 0))
    rare: list[str] = []
    postings = 0
    for term in ordered:
        postings += counts.get(term, 0)
        if postings > budget:
            break
        rare.append(term)
    return Plan(rare, ordered[len(rare) :])


def pooled_rowids(conn: sqlite3.Connection, p: Plan, weights: tuple[float, float]) -> list[int]:
    """Candidate rows: the best by BM25 over the rare terms, plus rows holding two of the
    rarest common words (newest first: BM25 there would scan their whole posting lists for
    its idf). One common word alone is searched only when there is nothing rarer."""
    found: dict[int, None] = {}
    if p.rare:
        sql = (
            "SELECT rowid FROM claims_fts WHERE claims_fts MATCH ?"
            f" ORDER BY bm25(claims_fts, {weights[0]}, {weights[1]}) LIMIT ?"
        )
        query = " OR ".join(quote(t) for t in p.rare)
        found.update((row[0], None) for row in conn.execute(sql, (query, RARE_POOL)))
    words = p.common[:COMMON_PAIR_TERMS]
    if len(words) >= 2 or (words and not p.rare):
        sql = "SELECT rowid FROM claims_fts WHERE claims_fts MATCH ? ORDER BY rowid DESC LIMIT ?"
        pairs = [
            f"({quote(a)} AND {quote(b)})" for i, a in enumerate(words) for b in words[i + 1 :]
        ]
        query = " OR ".join(pairs) or quote(words[0])
        found.update((row[0], None) for row in conn.execute(sql, (query, COMMON_POOL)))
    return list(found)


def _varints(blob: bytes) -> list[int]:
    """SQLite's variable-length integers (as FTS5 writes its averages record)."""
    out: list[int] = []
    i = 0
    while i < len(blob):
        value = 0
        for n in range(9):
            byte = blob[i]
            i += 1
            if n == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        out.append(value)
    return out


def fts_record(conn: sqlite3.Connection, rowid: int) -> bytes:
    """One of FTS5's own records in the index's data table (empty if it is not there)."""
    row = conn.execute("SELECT block FROM claims_fts_data WHERE id = ?", (rowid,)).fetchone()
    return bytes(row[0]) if row is not None and row[0] is not None else b""


def index_totals(conn: sqlite3.Connection) -> tuple[int, int]:
    """Rows in the index and their tokens in all columns, as FTS5's bm25() reads them."""
    record = fts_record(conn, FTS5_AVERAGES_ROWID)
    if not record:
        return 0, 0
    values = _varints(record)
    return values[0], sum(values[1:])


class Scorer:
    """FTS5's bm25() for one query of single-token terms, for rows fetched by the caller.

    Same formula and operation order as FTS5 (fts5_aux.c), so scores come out identical.
    """

    def __init__(
        self,
        terms: Sequence[str],
        counts: dict[str, int],
        totals: tuple[int, int],
        weights: tuple[float, float],
    ) -> None:
        rows, tokens = totals
        self.weights = weights
        self.avgdl = tokens / rows if rows else 1.0
        self.idf: list[tuple[str, float]] = []
        for term in terms:
            hits = counts.get(term, 0)
            idf = math.log((rows - hits + 0.5) / (hits + 0.5)) if rows else 0.0
            self.idf.append((term, idf if idf > 0.0 else 1e-6))
        self.terms = frozenset(terms)

    def score(self, text: list[str], summary: list[str]) -> float:
        """Higher is better (FTS5's bm25() is the negative of this)."""
        present = self.terms.intersection(text) | self.terms.intersection(summary)
        if not present:
            return 0.0
        norm = K1 * (1 - B + B * (len(text) + len(summary)) / self.avgdl)
        score = 0.0
        # A term the row lacks adds exactly 0.0, so skipping it changes no bit of the sum.
        for term, idf in self.idf:
            if term in present:
                freq = self.weights[0] * text.count(term) + self.weights[1] * summary.count(term)
                score += idf * ((freq * (K1 + 1.0)) / (freq + norm))
        return score


class DocCounts:
    """Documents per index token, remembered until the full-text index changes.

    A common word's count costs FTS5 a scan of its posting list (~8 ms for one in 16% of a
    million claims), and the same words recur in every other message. The key is the index's
    structure record, which every commit that adds, edits or retires a claim rewrites (by any
    connection): flags, notifications and settings written meanwhile leave the counts cached.
    `prime` takes every term's count from a scan the caller made anyway (the matcher's
    vocabulary); words the index lacks are remembered apart, at most `MAX_LOOKED_UP` (the
    oldest are dropped first).
    Call inside a read transaction, so the key and the counts come from one snapshot.
    """

    MAX_LOOKED_UP = 100_000

    def __init__(self) -> None:
        self._key: bytes | None = None
        self._primed: dict[str, int] = {}
        self._looked_up: dict[str, int] = {}

    def prime(self, conn: sqlite3.Connection, counts: dict[str, int]) -> None:
        """Every indexed term's count, read in the current read transaction."""
        self._key = fts_record(conn, FTS5_STRUCTURE_ROWID)
        self._primed, self._looked_up = counts, {}

    def get(self, conn: sqlite3.Connection, tokens: Sequence[str]) -> dict[str, int]:
        key = fts_record(conn, FTS5_STRUCTURE_ROWID)
        if key != self._key:
            self._key, self._primed, self._looked_up = key, {}, {}
        primed, looked_up = self._primed, self._looked_up
        missing = [t for t in dict.fromkeys(tokens) if t not in primed and t not in looked_up]
        found: dict[str, int] = dict.fromkeys(missing, 0)
        if missing:
            for start in range(0, len(missing), 500):
                part = missing[start : start + 500]
                marks = ", ".join("?" * len(part))
                sql = f"SELECT term, doc FROM claims_vocab WHERE term IN ({marks})"
                found.update(conn.execute(sql, part).fetchall())
        counts = {
            t: primed[t] if t in primed else looked_up[t] if t in looked_up else found[t]
            for t in tokens
        }
        # The answer is taken before evicting, so a full cache cannot drop a word this query
        # needs. Oldest words go first (dicts keep insertion order).
        looked_up.update(found)
        for word in list(islice(looked_up, max(0, len(looked_up) - self.MAX_LOOKED_UP))):
            del looked_up[word]
        return counts


_ASCII_TOKEN = re.compile(r"[a-z0-9]+")


def index_tokens(text: str) -> list[str]:
    """Tokens as FTS5's unicode61 tokenizer cuts and folds them. ASCII text (most claims) is
    just lower-cased letter and digit runs; anything else goes through the implementation
    shared with the PostgreSQL store (imported late: that module imports the SQLite store)."""
    if text.isascii():
        return _ASCII_TOKEN.findall(text.lower())
    from verifiers.store.postgres.text import index_tokens as tokens

    return tokens(text)


def single_token(term: str) -> bool:
    """True if the index holds `term` as one token spelled exactly so (then its document count
    is a row of the vocabulary table and its BM25 can be computed here)."""
    return bool(term) and index_tokens(term) == [term]


def rows_by_pk(
    conn: sqlite3.Connection, pks: Sequence[int], visible: str, params: list[Any]
) -> list[Any]:
    """(pk, id, text, summary) of the live rows among `pks` that the scope can see."""
    if not pks:
        return []
    sql = (
        "SELECT c.pk, c.id, c.text, c.summary FROM claims c"
        f" WHERE c.pk IN ({', '.join('?' * len(pks))}) AND c.retired = 0 AND {visible}"
    )
    return conn.execute(sql, (*pks, *params)).fetchall()
