"""usearch, hnswlib and faiss-cpu side by side on the same stand-in claim vectors: HNSW build
time, top-50 latency on one thread (the candidates fetched re-ranked exactly), recall@50
against exact search, and memory.

    pip install usearch hnswlib faiss-cpu
    python bench/ann_libraries.py --size 100000 --queries 300

Each library runs in its own child process (its peak RSS is its own). Libraries that are not
installed are skipped. This is how `verifiers/store/index/vectors.py` chose its library
(docs/decisions.md); it measures the libraries, not claimbot.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
import standin

K = 50
EXPANSION_ADD = 128


def _exact(matrix: np.ndarray, queries: np.ndarray) -> list[set[int]]:
    out = []
    for q in queries:
        scores = matrix @ q
        out.append(set(np.argpartition(-scores, K - 1)[:K].tolist()))
    return out


def _timed_search(
    search: Any, queries: np.ndarray, matrix: np.ndarray
) -> tuple[list[list[int]], list[float]]:
    """Each query's candidates from `search`, re-ranked exactly against the float vectors."""
    found, ms = [], []
    for q in queries:
        start = time.perf_counter()
        near = np.asarray(search(q), dtype=np.int64)
        near = near[near >= 0]
        best = np.argsort(-(matrix[near] @ q), kind="stable")[:K]
        found.append(near[best].tolist())
        ms.append(1000 * (time.perf_counter() - start))
    return found, ms


def _pct(ms: list[float], p: float) -> float:
    return float(np.percentile(ms, p, method="inverted_cdf"))


def run_one(
    library: str, size: int, count: int, seed: int, threads: int, links: int, fetches: list[int]
) -> dict[str, Any]:
    matrix = standin.claims(seed, size)
    queries, _ = standin.queries(seed, size, count)
    truth = _exact(matrix, queries)
    keys = np.arange(size, dtype=np.uint64)
    start = time.perf_counter()
    variant, dtype = [*library.split(":"), ""][:2]
    if variant == "usearch":
        from usearch.index import Index

        index = Index(
            ndim=standin.DIMENSIONS,
            metric="ip",
            dtype=dtype or "i8",
            connectivity=links,
            expansion_add=EXPANSION_ADD,
        )
        index.add(keys, matrix, threads=threads)

        def configure(ef: int) -> Any:
            index.expansion_search = ef
            return lambda q: index.search(q, ef, threads=1).keys

        size_mb = index.memory_usage / 2**20
    elif variant == "hnswlib":
        import hnswlib

        index = hnswlib.Index(space="ip", dim=standin.DIMENSIONS)
        index.init_index(max_elements=size, M=links, ef_construction=EXPANSION_ADD)
        index.set_num_threads(threads)
        index.add_items(matrix, keys)
        index.set_num_threads(1)

        def configure(ef: int) -> Any:
            index.set_ef(ef)
            return lambda q: index.knn_query(q, ef)[0][0]

        size_mb = float("nan")
    elif variant == "faiss":
        import faiss

        faiss.omp_set_num_threads(threads)
        if dtype == "sq8":
            index = faiss.IndexHNSWSQ(
                standin.DIMENSIONS,
                faiss.ScalarQuantizer.QT_8bit,
                links,
                faiss.METRIC_INNER_PRODUCT,
            )
            index.train(matrix[: min(size, 100_000)])
        else:
            index = faiss.IndexHNSWFlat(standin.DIMENSIONS, links, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = EXPANSION_ADD
        index.add(matrix)
        faiss.omp_set_num_threads(1)

        def configure(ef: int) -> Any:
            index.hnsw.efSearch = ef
            return lambda q: index.search(q[None, :], ef)[1][0]

        size_mb = float("nan")
    else:
        raise SystemExit(f"unknown library {library}")
    build_s = time.perf_counter() - start
    rows = []
    for ef in fetches:
        found, ms = _timed_search(configure(ef), queries, matrix)
        recall = float(np.mean([len(t & set(f)) / K for t, f in zip(truth, found, strict=True)]))
        rows.append({"ef": ef, "p50": _pct(ms, 50), "p99": _pct(ms, 99), "recall": recall})
    return {
        "library": library,
        "size": size,
        "build_s": build_s,
        "index_mb": size_mb,
        "searches": rows,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=100_000)
    p.add_argument("--queries", type=int, default=300)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=1, help="threads that build the graph")
    p.add_argument("--connectivity", type=int, default=16, help="links per node")
    p.add_argument(
        "--fetch", default="200,300", help="candidates fetched (and searched for), comma-separated"
    )
    p.add_argument(
        "--libraries",
        default="usearch:i8,usearch:f16,hnswlib,faiss:flat,faiss:sq8",
        help="comma-separated; usearch:<dtype>, hnswlib, faiss:flat or faiss:sq8",
    )
    p.add_argument("--one", help=argparse.SUPPRESS)
    opts = p.parse_args()
    if opts.one:
        fetches = [int(f) for f in opts.fetch.split(",")]
        result = run_one(
            opts.one, opts.size, opts.queries, opts.seed, opts.threads, opts.connectivity, fetches
        )
        print(json.dumps(result))
        return 0
    for library in opts.libraries.split(","):
        cmd = [sys.executable, __file__, "--one", library, "--size", str(opts.size)]
        cmd += ["--queries", str(opts.queries), "--seed", str(opts.seed)]
        cmd += ["--threads", str(opts.threads), "--connectivity", str(opts.connectivity)]
        cmd += ["--fetch", opts.fetch]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"{library}: failed: {done.stderr.strip().splitlines()[-1:]}", flush=True)
            continue
        r = json.loads(done.stdout)
        for s in r["searches"]:
            print(
                f"{library:12} n={r['size']:>9,} build {r['build_s']:6.1f} s"
                f" ef={s['ef']:<4} p50/p99 {s['p50']:.2f}/{s['p99']:.2f} ms"
                f" recall@{K} {s['recall']:.4f} peak RSS {r['peak_rss_mb']:.0f} MB",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
