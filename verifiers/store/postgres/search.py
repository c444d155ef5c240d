"""BM25 search on PostgreSQL, as SQLite computes it, and as fast at a million claims.

Scores are FTS5's `bm25()` (k1 1.2, b 0.75, text weighted 2, summary 1, FTS5's idf), computed
in SQL term by term in FTS5's order from each claim's stored token counts, so both backends give
bit-identical scores. Scoring every claim that holds any query term costs a few microseconds a
row, and common words sit in a tenth of all claims, so large indexes take the same shortcut as
SQLite (`sqlite/search.py`, whose plan and pool sizes are used here unchanged):

1. document counts per token from `search_term_docs`, which the claims triggers keep in the
   same transaction as every change (migration 0006), so they are exact and cost an index
   lookup instead of a pass over every claim holding a common word;
2. terms rarest first within a posting budget; if that is all of them, the exact search;
3. otherwise a pool: the best rows by BM25 over the rare terms, plus the newest rows holding
   two of the rarest common words; the pool is re-scored with every term and cut.

With the same plan, pool and scores, both backends return the same candidates; only rows whose
score ties at a pool's edge may be pooled differently.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import psycopg

from verifiers.models import Candidate
from verifiers.store.postgres.text import any_query, phrase_query
from verifiers.store.sqlite.search import COMMON_PAIR_TERMS, COMMON_POOL, RARE_POOL, Plan

Conn = psycopg.Connection[dict[str, Any]]

K1 = 1.2  # FTS5's bm25() constants
B = 0.75

# idf * (f * (k1 + 1)) / (f + k1 * (1 - b + b * length / avgdl)), summed over the phrases.
SEARCH = (
    "SELECT c.id, c.pk, s.score, c.text, c.summary FROM claims c"
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
NEWEST_WITH = (
    "SELECT pk FROM claims WHERE search_vector @@ %s::tsquery AND NOT retired"
    " ORDER BY pk DESC LIMIT %s"
)
TERM_DOCS = (
    "SELECT term, sum(docs) AS n FROM search_term_docs WHERE term = ANY(%s::text[]) GROUP BY term"
)
VOCABULARY = "SELECT term, sum(docs) AS n FROM search_term_docs GROUP BY term HAVING sum(docs) > 0"
# Fold the rows of tokens that have several into one (or none, at zero).
FOLD_TERM_DOCS = (
    "WITH gone AS (DELETE FROM search_term_docs WHERE term IN"
    " (SELECT term FROM search_term_docs GROUP BY term HAVING count(*) > 1) RETURNING term, docs)"
    " INSERT INTO search_term_docs (term, docs)"
    " SELECT term, sum(docs) FROM gone GROUP BY term HAVING sum(docs) <> 0"
)


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


def token_counts(conn: Conn, tokens: Sequence[str]) -> dict[str, int]:
    """Live claims holding each single token, from the counts the claims triggers keep."""
    counts = dict.fromkeys(tokens, 0)
    if counts:
        rows = conn.execute(TERM_DOCS, (list(counts),))
        counts.update((row["term"], int(row["n"])) for row in rows)
    return counts


def pooled_pks(
    conn: Conn, plan: Plan, counts: dict[str, int], rows: int, avgdl: float
) -> list[int]:
    """Candidate rows, whoever may see them (the caller's scope applies when re-scoring): the
    best by BM25 over the rare terms, and the newest holding two of the rarest common words
    (one common word alone only when nothing rarer was asked)."""
    found: dict[int, None] = {}
    if plan.rare:
        phrases = [[t] for t in plan.rare]
        idfs = [bm25_idf(rows, counts[t]) for t in plan.rare]
        query, args = search_sql(phrases, idfs, avgdl, "TRUE")
        found.update((r["pk"], None) for r in conn.execute(query, (*args, RARE_POOL)))
    words = [phrase_query([t]) for t in plan.common[:COMMON_PAIR_TERMS]]
    if len(words) >= 2 or (words and not plan.rare):
        pairs = [f"({a} & {b})" for i, a in enumerate(words) for b in words[i + 1 :]]
        together = " | ".join(pairs) or words[0]
        found.update((r["pk"], None) for r in conn.execute(NEWEST_WITH, (together, COMMON_POOL)))
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
    return [Candidate(row["id"], float(row["score"]), row["text"], row["summary"]) for row in found]
