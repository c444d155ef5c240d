"""CheckThat! at scale: among up to a million synthetic claims, is the right claim still found?

    python bench/padded.py --data $D --split dev --pad 90000,990000 --out DIR

For the set alone and each padding, a SQLite database holds the set's claims (titles as
summaries, as `claimbot eval` stores them) plus that many synthetic claims (`synthetic.py`,
seed 1); every query of the split is then checked with the lexical matcher. Reported per
padding: the share of queries whose labelled claim is among the search's candidates
(recall@50, before any screening), MAP@5 of the full ranking, CPU ms per query, and, for
comparison, recall@50 of an unpruned SQLite FTS5 search (a plain OR of the same terms,
`bm25(2, 1)`, over a table of the same claims built beside the database). The search is exact
top-k at any size, so a loss can only come from synthetic claims that outscore the right one.
The search index is made ready before the queries are timed; the first queries still pay for
filling the caches of word counts and claim terms, as a freshly started bot would.
Databases are built once in DIR and reused (`--rebuild` to start again). A benchmark, not a
test.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic
from arguments import counts

from verifiers.domain.models import ClaimFields, Scope
from verifiers.domain.settings import MatchingSettings
from verifiers.evaluation.data import LabelledSet, load_split
from verifiers.evaluation.runner import stored_fields
from verifiers.matching.pipeline import Matcher, whole_query
from verifiers.store import Store, open_store

SEED = 1
CANDIDATES = 50
EVERYONE = Scope.everything()


def padded_fields(labelled: LabelledSet, pad: int) -> Iterator[ClaimFields]:
    """The set's claims first, then `pad` synthetic ones."""
    for row in labelled.claims.values():
        yield stored_fields(row)
    for claim in synthetic.claims(SEED, pad):
        yield ClaimFields(text=claim.text, summary=claim.summary)


def build(path: Path, labelled: LabelledSet, pad: int, rebuild: bool) -> Store:
    """The padded database at `path`, built if missing (or asked to)."""
    if rebuild:
        for leftover in path.parent.glob(path.stem + ".*"):
            if leftover.is_file():
                leftover.unlink()
    fresh = not path.exists()
    store = open_store(str(path), seed=False)
    if fresh:
        started = time.perf_counter()
        store.add_claims(padded_fields(labelled, pad), actor="bench")
        print(f"  built {path.name} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    started = time.perf_counter()
    store.search(["claim"], EVERYONE, limit=1)  # the search index is built or caught up here
    print(f"  search index ready in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return store


def fts5_table(store: Store, path: Path) -> sqlite3.Connection:
    """An FTS5 table of the store's live claims in its own file (built once)."""
    fresh = not path.exists()
    conn = sqlite3.connect(path)
    if fresh:
        conn.execute("CREATE VIRTUAL TABLE claims USING fts5(id UNINDEXED, text, summary)")
        rows = ((c.id, c.text, c.summary) for c in store.iter_claims(EVERYONE))
        conn.executemany("INSERT INTO claims VALUES (?, ?, ?)", rows)
        conn.commit()
    return conn


def fts5_top(conn: sqlite3.Connection, terms: list[str]) -> list[str]:
    """The top claims of an unpruned FTS5 search for `terms`, as the former search ranked."""
    if not terms:
        return []
    match = " OR ".join('"' + term.replace('"', '""') + '"' for term in terms)
    rows = conn.execute(
        "SELECT id FROM claims WHERE claims MATCH ? ORDER BY bm25(claims, 0, 2.0, 1.0) LIMIT ?",
        (match, CANDIDATES),
    ).fetchall()
    return [row[0] for row in rows]


def measure(store: Store, labelled: LabelledSet, fts5: sqlite3.Connection) -> dict[str, float]:
    """Recall@50 of the candidates, MAP@5 and CPU ms per query of the lexical matcher, and
    recall@50 of an unpruned FTS5 search for the same terms."""
    matcher = Matcher(store, MatchingSettings(matcher="lexical"))
    stored = {c.external_id: c.id for c in store.iter_claims(EVERYONE) if c.external_id}
    found = fts5_found = ap_sum = 0.0
    cpu = 0.0
    queries = [(qid, text) for qid, text in labelled.queries.items() if labelled.qrels.get(qid)]
    for qid, text in queries:
        relevant = {stored[c] for c in labelled.qrels[qid] if c in stored}
        started = time.process_time()
        query = whole_query(text)
        candidates, _ = matcher.candidate_features(query, EVERYONE, CANDIDATES)
        ranked = matcher.rank(text, EVERYONE, k=5)
        cpu += time.process_time() - started
        found += any(claim.id in relevant for claim, _ in candidates)
        fts5_found += bool(relevant.intersection(fts5_top(fts5, matcher.search_terms(query))))
        hits = precision_sum = 0.0
        for n, item in enumerate(ranked, start=1):
            if item.claim_id in relevant:
                hits += 1
                precision_sum += hits / n
        ap_sum += precision_sum / min(len(relevant), 5) if relevant else 0.0
    n = len(queries)
    return {
        "queries": n,
        "recall_at_50": found / n,
        "fts5_unpruned_recall_at_50": fts5_found / n,
        "map_at_5": ap_sum / n,
        "cpu_ms_per_query": 1000 * cpu / n,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, required=True, help="the CheckThat! folder")
    p.add_argument("--split", default="dev")
    p.add_argument(
        "--pad", type=counts, default=[90_000], help="synthetic claims to add, e.g. 90000,990000"
    )
    p.add_argument("--out", type=Path, required=True, help="folder for the databases")
    p.add_argument("--rebuild", action="store_true", help="build the databases again")
    opts = p.parse_args(argv)
    labelled = load_split(opts.data, opts.split)
    opts.out.mkdir(parents=True, exist_ok=True)
    report = {}
    for pad in [0, *opts.pad]:
        size = len(labelled.claims) + pad
        print(f"{size:,} claims ({pad:,} synthetic)", file=sys.stderr)
        path = opts.out / f"padded-{pad}.db"
        with build(path, labelled, pad, opts.rebuild) as store:
            fts5 = fts5_table(store, path.with_suffix(".fts5"))
            try:
                report[str(size)] = measure(store, labelled, fts5)
            finally:
                fts5.close()
        print(f"  {json.dumps(report[str(size)])}", file=sys.stderr)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
