"""The semantic matcher's nearest-claim search at scale: the vector index against exact search,
on stand-in claim vectors (`standin.py`) at 100k and 1M claims.

    python bench/semantic_scale.py --sizes 100000,1000000 --queries 300 --out DIR

For each size, one child process builds the index in DIR (timed, with its size on disk) and
computes the exact top 50 of every query block by block; a second, fresh, process opens the
saved index (timed: what a restart costs) and answers the queries in one Discord server's scope
(global claims and its own; a tenth of the claims belong to 100 servers). Reported: build and
load time, index size, search p50 / p99 per query (one segment's nearest-claim search), recall@50
against exact search, how often the claim a query restates is among the 50 found (by the index
and by exact search), and each process's peak RSS. Results: `semantic.json` in DIR and the table
on standard output. A benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
import standin
from arguments import counts, positive

K = 50
GUILD = 1  # the server the queries come from
MODEL = "stand-in/v1"


def guild_of(row: int) -> int | None:
    """A tenth of the claims belong to one of 100 servers; the rest are global."""
    return 1 + (row // 10) % 100 if row % 10 == 0 else None


def _visible(rows: np.ndarray) -> np.ndarray:
    guilds = np.where(rows % 10 == 0, 1 + (rows // 10) % 100, 0)
    return (guilds == 0) | (guilds == GUILD)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pct(ms: list[float], p: float) -> float:
    return float(np.percentile(ms, p, method="inverted_cdf"))


def work_build(size: int, count: int, seed: int, folder: Path) -> dict[str, Any]:
    """Build and save the index (timed), and the exact top K of each query in scope (not)."""
    from verifiers.store.index.vectors import VectorIndex

    queries, _ = standin.queries(seed, size, count)
    best_scores = np.full((count, K), -np.inf, dtype=np.float32)
    best_rows = np.zeros((count, K), dtype=np.int64)
    exact_s = 0.0

    def items() -> Any:
        nonlocal best_scores, best_rows, exact_s
        start = 0
        for block in standin.claim_blocks(seed, size):
            rows = np.arange(start, start + len(block))
            began = time.perf_counter()
            scores = queries @ block[_visible(rows)].T
            seen = rows[_visible(rows)]
            both = np.hstack((best_scores, scores))
            rows_all = np.hstack((best_rows, np.broadcast_to(seen, scores.shape)))
            top = np.argpartition(-both, K - 1, axis=1)[:, :K]
            best_scores = np.take_along_axis(both, top, axis=1)
            best_rows = np.take_along_axis(rows_all, top, axis=1)
            exact_s += time.perf_counter() - began
            for i, vector in enumerate(block):
                row = start + i
                yield f"c{row}", guild_of(row), f"h{row}", vector
            start += len(block)

    began = time.perf_counter()
    index = VectorIndex.create(folder, MODEL, standin.DIMENSIONS, items(), 0)
    build_s = time.perf_counter() - began - exact_s
    size_mb = index.size_bytes() / 2**20
    index.close()
    np.save(folder.parent / f"exact-{size}.npy", best_rows)
    return {"build_s": build_s, "index_mb": size_mb, "peak_rss_mb": _peak_rss_mb()}


def work_serve(size: int, count: int, seed: int, folder: Path) -> dict[str, Any]:
    """Open the saved index (timed) and answer the queries in one server's scope."""
    from verifiers.domain.models import Scope
    from verifiers.store.index.vectors import VectorIndex

    queries, restated = standin.queries(seed, size, count)
    exact = np.load(folder.parent / f"exact-{size}.npy")
    began = time.perf_counter()
    index = VectorIndex.open(folder, MODEL, standin.DIMENSIONS)
    load_s = time.perf_counter() - began
    scope = Scope.guild(GUILD)
    index.search(queries[0], K, scope)  # the first search touches the pages it reads
    ms: list[float] = []
    recall: list[float] = []
    found = exact_found = wanted = 0
    for q, truth, row in zip(queries, exact, restated, strict=True):
        began = time.perf_counter()
        ids = index.search(q, K, scope)
        ms.append(1000 * (time.perf_counter() - began))
        got = {int(i[1:]) for i in ids}
        recall.append(len(got & set(truth.tolist())) / K)
        if _visible(np.array([row]))[0]:
            wanted += 1
            found += int(row) in got
            exact_found += int(row) in set(truth.tolist())
    return {
        "load_s": load_s,
        "search": {"p50": _pct(ms, 50), "p99": _pct(ms, 99), "mean": float(np.mean(ms))},
        "recall_at_50": float(np.mean(recall)),
        "restated_found": found / max(1, wanted),
        "restated_found_exact": exact_found / max(1, wanted),
        "peak_rss_mb": _peak_rss_mb(),
    }


def _child(kind: str, size: int, opts: argparse.Namespace) -> dict[str, Any]:
    out = Path(opts.out)
    cmd = [sys.executable, __file__, "--child", kind, "--sizes", str(size)]
    cmd += ["--queries", str(opts.queries), "--seed", str(opts.seed), "--out", str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{kind} at {size}: {done.stderr.strip()[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=counts, default=[100_000, 1_000_000])
    p.add_argument("--queries", type=positive, default=300)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--child", choices=("build", "serve"), help=argparse.SUPPRESS)
    opts = p.parse_args(argv)
    out = Path(opts.out)
    out.mkdir(parents=True, exist_ok=True)
    if opts.child:
        size = opts.sizes[0]
        work = work_build if opts.child == "build" else work_serve
        result = work(size, opts.queries, opts.seed, out / f"vectors-{size}")
        print(json.dumps(result))
        return 0
    report: dict[str, Any] = {"date": time.strftime("%Y-%m-%d"), "sizes": {}}
    for size in opts.sizes:
        entry = {"build": _child("build", size, opts), "serve": _child("serve", size, opts)}
        report["sizes"][str(size)] = entry
        b, s = entry["build"], entry["serve"]
        print(
            f"{size:>9,} claims: build {b['build_s']:.1f} s, {b['index_mb']:.0f} MB,"
            f" load {s['load_s']:.2f} s, search p50/p99 {s['search']['p50']:.2f} /"
            f" {s['search']['p99']:.2f} ms, recall@{K} {s['recall_at_50']:.4f}, restated"
            f" claim found {s['restated_found']:.3f} (exact {s['restated_found_exact']:.3f}),"
            f" peak RSS build / serve {b['peak_rss_mb']:.0f} / {s['peak_rss_mb']:.0f} MB",
            flush=True,
        )
    (out / "semantic.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
