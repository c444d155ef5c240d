"""BM25 search on PostgreSQL, as SQLite computes it, and as fast at a million claims.

Scores are FTS5's `bm25()` (k1 1.2, b 0.75, text weighted 2, summary 1, FTS5's idf), computed
in SQL term by term in FTS5's order from each claim's stored token counts, so both backends give
bit-identical scores. Scoring every claim that holds any query term costs a few microseconds a
row, and common words sit in a tenth of all claims, so large indexes take the same shortcut as
SQLite (`sqlite_search`, whose plan and pool sizes are used here unchanged):

1. document counts per token, remembered until claims change (one cheap look at the newest
   audit row and claim tells; every claim change writes both in one transaction);
2. terms rarest first within a posting budget; if that is all of them, the exact search;
3. otherwise a pool: the best rows by BM25 over the rare terms, plus the newest rows holding
   the rarest common words together; the pool is re-scored with every term and cut.

With the same plan, pool and scores, both backends return the same candidates; only rows whose
score ties at a pool's edge may be pooled differently.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import psycopg

from verifiers.models import Candidate
from verifiers.store.postgres_text import any_query, phrase_query
from verifiers.store.sqlite_search import COMMON_AND_TERMS, COMMON_POOL, RARE_POOL, Plan

Conn = psycopg.Connection[dict[str, Any]]

K1 = 1.2  # FTS5's bm25() constants
B = 0.75
MAX_CACHED_COUNTS = 100_000

# idf * (f * (k1 + 1)) / (f + k1 * (1 - b + b * length / avgdl)), summed over the phrases.
SEARCH = (
    "SELECT c.id, c.pk, s.score FROM claims c"
    " CROSS JOIN LATERAL (SELECT %s::float8 * ((1 - %s::float8)"
    " + %s::float8 * c.search_length / %s::float8) AS norm{freqs}) AS t"
    " CROSS JOIN LATERAL (SELECT {score} AS score) AS s"
    " WHERE {match} AND NOT c.retired AND {visible}"
    " ORDER BY s.score DESC, c.pk LIMIT %s"
)
MATCH_ANY = "c.search_vector @@ %s::tsquery"
MATCH_PKS = "c.pk = ANY(%s::bigint[])"
PHRASE_COUNTS = (
    "SELECT (SELECT count(*) FROM claims c WHERE NOT c.retired AND c.search_vector @@ q.query)"
    " AS n FROM unnest(%s::tsquery[]) WITH ORDINALITY AS q (query, i) ORDER BY q.i"
)
NEWEST_WITH_ALL = (
    "SELECT pk FROM claims WHERE search_vector @@ %s::tsquery AND NOT retired"
    " ORDER BY pk DESC LIMIT %s"
)
# Moves with every change to claims: each writes an audit row in the same transaction.
CHANGE_MARK = "SELECT (SELECT max(id) FROM audit) AS audit, (SELECT max(pk) FROM claims) AS pk"


def bm25_idf(rows: int, hits: int) -> float:
    """FTS5's idf: never negative, so a very common term still counts a little."""
    idf = math.log((rows - hits + 0.5) / (hits + 0.5))
    return idf if idf > 0.0 else 1e-6


def search_sql(
    phrases: list[list[str]],
    idfs: list[float],
    avgdl: float,
    visible: str,
    *,
    pks: Sequence[int] | None = None,
) -> tuple[str, list[Any]]:
    """The scoring statement for these phrases over the rows holding any of them (or over the
    rows `pks`), and its arguments before the scope's and the limit."""
    freqs, terms = [], []
    freq_args: list[Any] = []
    term_args: list[Any] = []
    for n, (phrase, idf) in enumerate(zip(phrases, idfs, strict=True)):
        if len(phrase) == 1:
            freqs.append(f", coalesce((c.search_terms ->> %s)::float8, 0) AS f{n}")
            freq_args.append(phrase[0])
        else:
            freqs.append(f", claimbot_phrase_freq(c.search_vector, %s::text[]) AS f{n}")
            freq_args.append(phrase)
        terms.append(f"%s::float8 * ((t.f{n} * %s::float8) / (t.f{n} + t.norm))")
        term_args += [idf, K1 + 1.0]
    match, match_arg = (MATCH_ANY, any_query(phrases)) if pks is None else (MATCH_PKS, list(pks))
    query = SEARCH.format(
        freqs="".join(freqs), score=" + ".join(terms), match=match, visible=visible
    )
    return query, [K1, B, B, avgdl, *freq_args, *term_args, match_arg]


def phrase_counts(conn: Conn, phrases: list[list[str]]) -> list[int]:
    """Live claims holding each phrase, counted through the index (no cache)."""
    queries = [phrase_query(p) for p in phrases]
    return [int(row["n"]) for row in conn.execute(PHRASE_COUNTS, (queries,))]


class DocCounts:
    """Live claims per single token, remembered until claims change.

    A common word's count reads a tenth of the table at a million claims; the same words recur
    in every other message. Call within one snapshot (the store's read transaction), so the
    change mark and the counts agree.
    """

    def __init__(self) -> None:
        self._mark: tuple[Any, Any] | None = None
        self._counts: dict[str, int] = {}

    def get(self, conn: Conn, tokens: Sequence[str]) -> dict[str, int]:
        row = conn.execute(CHANGE_MARK).fetchone()
        mark = (row["audit"], row["pk"]) if row else None
        if mark != self._mark or len(self._counts) > MAX_CACHED_COUNTS:
            self._mark, self._counts = mark, {}
        missing = [t for t in dict.fromkeys(tokens) if t not in self._counts]
        if missing:
            found = phrase_counts(conn, [[t] for t in missing])
            self._counts.update(zip(missing, found, strict=True))
        return {t: self._counts[t] for t in tokens}


def pooled_pks(
    conn: Conn, plan: Plan, counts: dict[str, int], rows: int, avgdl: float
) -> list[int]:
    """Candidate rows, whoever may see them (the caller's scope applies when re-scoring): the
    best by BM25 over the rare terms, and the newest holding the rarest common words together
    (one common word alone only when nothing rarer was asked)."""
    found: dict[int, None] = {}
    if plan.rare:
        phrases = [[t] for t in plan.rare]
        idfs = [bm25_idf(rows, counts[t]) for t in plan.rare]
        query, args = search_sql(phrases, idfs, avgdl, "TRUE")
        found.update((r["pk"], None) for r in conn.execute(query, (*args, RARE_POOL)))
    if len(plan.common) >= 2 or (plan.common and not plan.rare):
        together = " & ".join(phrase_query([t]) for t in plan.common[:COMMON_AND_TERMS])
        rows_found = conn.execute(NEWEST_WITH_ALL, (together, COMMON_POOL))
        found.update((r["pk"], None) for r in rows_found)
    return list(found)


def search(
    conn: Conn,
    phrases: list[list[str]],
    counts: list[int],
    totals: tuple[int, int],
    visible: tuple[str, list[Any]],
    limit: int,
    plan: Plan | None = None,
) -> list[Candidate]:
    """The best `limit` claims for the phrases: exact without a `plan` (or when the plan keeps
    every term), else through the pool. With a plan, every phrase is one token."""
    rows, tokens = totals
    avgdl = tokens / rows
    idfs = [bm25_idf(rows, n) for n in counts]
    where, params = visible
    pks: list[int] | None = None
    if plan is not None and not plan.exact:
        by_token = {p[0]: n for p, n in zip(phrases, counts, strict=True)}
        pks = pooled_pks(conn, plan, by_token, rows, avgdl)
        if not pks:
            return []
    query, args = search_sql(phrases, idfs, avgdl, where, pks=pks)
    found = conn.execute(query, (*args, *params, limit)).fetchall()
    return [Candidate(row["id"], float(row["score"])) for row in found]
