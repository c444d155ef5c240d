"""Lexical retrieval at scale: the tantivy index (`verifiers/store/index/lexical.py`) against
the store's own search (`Store.search`, SQLite FTS5 with its pruned plan), on the same queries.

    python bench/retrieval.py --sizes 100000,1000000 --out bench-out/retrieval

For each size, in one process: `synthetic.py`'s claims are imported into a SQLite file as
`scale.py` imports them (timed), FTS5 rebuilds its index from them (timed: the store's own
reindex), then the tantivy index is built from the store as a reindex would
(`LexicalIndex.create` over `Store.iter_claims`, timed, with the share spent reading claims
from SQLite). Sizes on disk: the tantivy folder, and the database whole with its FTS5
tables' share. Queries: every claim-like segment of the messages of
`synthetic.messages` that paraphrase a claim, as terms `content_tokens(normalize(segment))`:
the matcher's query words before its typo repair and its cut to the rarest
`max_query_terms`. Each query runs on both (the order alternating), top 50 in one guild's
scope, after the store's term counts are primed as the matcher primes them. Reported: time per
search (p50, p90, p99, mean) and candidate recall, the share of messages whose paraphrased
claim is among the top 50 of one of its segments. Results: `results.json` and `results.md`
in `--out`, and the table on standard output. A benchmark, not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

# The code beside this script is what gets measured (a clean clone, not another installed tree).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale
import synthetic
from arguments import counts, output_folder, positive

TOP = 50


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def fts_mb(db: Path) -> float:
    """The FTS5 index's share of the database file (its shadow tables' pages)."""
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'claims_fts%'"
        ).fetchone()
    return (row[0] or 0) / 2**20


def fts5_rebuild_s(db: Path) -> float:
    """Seconds for FTS5 to rebuild its index from the claims: the store's own reindex."""
    with sqlite3.connect(db) as conn:
        start = time.perf_counter()
        conn.execute("INSERT INTO claims_fts (claims_fts) VALUES ('rebuild')")
        conn.commit()
        return time.perf_counter() - start


def change_sequence(db: Path) -> int:
    """The store's change sequence: the newest audit row (each claim change writes one)."""
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT coalesce(max(id), 0) FROM audit").fetchone()[0])


class TimedReads:
    """The claims as the store yields them, adding up the time spent waiting for them."""

    def __init__(self, claims: Iterable[Any]) -> None:
        self._claims = iter(claims)
        self.seconds = 0.0

    def __iter__(self) -> Iterator[Any]:
        while True:
            start = time.perf_counter()
            try:
                claim = next(self._claims)
            except StopIteration:
                self.seconds += time.perf_counter() - start
                return
            self.seconds += time.perf_counter() - start
            yield claim


def queries(seed: int, size: int, count: int) -> list[tuple[int, list[list[str]]]]:
    """(paraphrased claim's index, each claim-like segment's terms) per claim-like message."""
    from verifiers.text.normalize import normalize
    from verifiers.text.segment import claim_segments
    from verifiers.text.tokens import content_tokens

    most = scale.matching_settings("lexical").max_segments
    out = []
    for m in synthetic.messages(seed, size, count):
        if m.source is None:
            continue
        segments = claim_segments(m.text, most)[0]
        terms = [list(dict.fromkeys(content_tokens(normalize(s)))) for s in segments]
        out.append((m.source, [t for t in terms if t]))
    synthetic.forget()
    return out


def measure(size: int, opts: argparse.Namespace) -> dict[str, Any]:
    from verifiers.store import Scope, open_store
    from verifiers.store.index.lexical import LexicalIndex

    out = Path(opts.out)
    db = out / f"claims-{size}.db"
    folder = out / f"lexical-{size}"
    entry: dict[str, Any] = {"claims": size}
    if opts.reuse and db.exists():
        entry["import"] = {"reused": str(db)}
    else:
        built = scale.work_build(argparse.Namespace(db=str(db), seed=opts.seed, size=size))
        entry["import"] = {k: built[k] for k in ("seconds", "claims_per_s")}
    entry["fts5_rebuild_s"] = fts5_rebuild_s(db)
    entry["store_mb"] = {"database": db.stat().st_size / 2**20, "fts5": fts_mb(db)}
    scale.log(f"{size:>9,} claims: import {entry['import']}, sizes {entry['store_mb']}")

    store = open_store(str(db), seed=False)
    try:
        sequence = change_sequence(db)
        shutil.rmtree(folder, ignore_errors=True)
        reads = TimedReads(store.iter_claims(Scope.everything()))
        index, build_ms = scale.timed(lambda: LexicalIndex.create(folder, reads, sequence))
        entry["tantivy_build"] = {
            "seconds": build_ms / 1000,
            "reading_claims_s": reads.seconds,
            "claims_per_s": size / (build_ms / 1000),
            "mb": folder_mb(folder),
        }
        scale.log(f"{size:>9,} claims: tantivy build {entry['tantivy_build']}")
        try:
            entry.update(compare(store, index, size, opts))
        finally:
            index.close()
    finally:
        store.close()
    if not opts.keep:
        shutil.rmtree(folder, ignore_errors=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    return entry


def compare(store: Any, index: Any, size: int, opts: argparse.Namespace) -> dict[str, Any]:
    """Both engines on the same queries: time per search and candidate recall."""
    from verifiers.store import Scope

    scope = Scope.guild(scale.GUILD)
    asked = queries(opts.seed, size, opts.messages)
    wanted = {}
    for source, _ in asked:
        claim = store.find_by_external_id(f"syn-{source}", None)
        assert claim is not None, source
        wanted[source] = claim.id
    store.vocabulary()  # the matcher loads it at start, priming the search's term counts
    engines = {"store": store.search, "tantivy": index.search}
    ms: dict[str, list[float]] = {name: [] for name in engines}
    found = dict.fromkeys(engines, 0)
    turn = 0
    for source, segments in asked:
        hit = dict.fromkeys(engines, False)
        for terms in segments:
            turn += 1
            order = list(engines) if turn % 2 else list(reversed(engines))
            for name in order:
                result, spent = scale.timed(lambda s=engines[name], t=terms: s(t, scope, TOP))
                ms[name].append(spent)
                hit[name] = hit[name] or wanted[source] in {c.claim_id for c in result}
        for name in engines:
            found[name] += hit[name]
    n = max(1, len(asked))
    return {
        "messages": len(asked),
        "queries": len(ms["store"]),
        "search": {name: scale.latency(ms[name]) for name in engines},
        "recall": {name: found[name] / n for name in engines},
        "load": scale.load(),
    }


def markdown(report: dict[str, Any]) -> str:
    lines = [
        scale.run_line(report, f", tantivy {report['tantivy']}"),
        f"Command: `{report['command']}`",
        "",
        "| claims | engine | build s | on disk MB | search p50 / p90 / p99 / mean ms "
        "| recall@50 | queries |",
        "|---|---|---|---|---|---|---|",
    ]
    for size, e in report["sizes"].items():
        imported = e["import"].get("seconds")
        built = {
            "store": f"{e['fts5_rebuild_s']:,.1f} (import "
            + ("reused)" if imported is None else f"{imported:,.1f})"),
            "tantivy": f"{e['tantivy_build']['seconds']:,.1f} "
            f"({e['tantivy_build']['reading_claims_s']:,.1f} reading claims)",
        }
        disk = {
            "store": f"{e['store_mb']['fts5']:,.0f} FTS5 of {e['store_mb']['database']:,.0f}",
            "tantivy": f"{e['tantivy_build']['mb']:,.0f}",
        }
        for name in ("store", "tantivy"):
            s = e["search"][name]
            lines.append(
                f"| {int(size):,} | {name} | {built[name]} | {disk[name]} "
                f"| {s['p50']:.2f} / {s['p90']:.2f} / {s['p99']:.2f} / {s['mean']:.2f} "
                f"| {e['recall'][name]:.1%} | {e['queries']} |"
            )
    return "\n".join(lines) + "\n"


def parse(argv: Iterable[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=counts, default=[100_000], help="comma-separated claim counts")
    p.add_argument("--out", default="bench-out/retrieval", help="folder for data and results")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--messages", type=positive, default=1_000, help="messages per size")
    p.add_argument("--reuse", action="store_true", help="reuse existing databases in --out")
    p.add_argument("--keep", action="store_true", help="keep the databases and indexes")
    opts = p.parse_args(None if argv is None else list(argv))
    if not opts.sizes:
        p.error("--sizes: give at least one claim count")
    output_folder(p, opts.out)
    return opts


def main(argv: Iterable[str] | None = None) -> int:
    from importlib.metadata import version

    opts = parse(argv)
    report: dict[str, Any] = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "machine": scale.machine(),
        "tantivy": version("tantivy"),
        "seed": opts.seed,
        "messages": opts.messages,
        "sizes": {},
    }
    for size in opts.sizes:
        report["sizes"][str(size)] = measure(size, opts)
        scale.log(f"{size:>9,} claims: {json.dumps(report['sizes'][str(size)]['search'])}")
    out = Path(opts.out)
    (out / "results.json").write_text(json.dumps(report, indent=1) + "\n")
    table = markdown(report)
    (out / "results.md").write_text(table)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
