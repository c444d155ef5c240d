"""PostgreSQL beside SQLite: import rate, check latency and answers on the same synthetic claims.

    python bench/backends.py --sizes 100000,1000000 --out bench-out/backends \
        --pg 'postgresql://postgres@127.0.0.1:5432/test'
    python bench/backends.py --quick --out bench-out/backends --pg ...   # 10k, a few minutes

For each size, both databases are filled with the same claims through `Store.add_claims` (the
claims of `synthetic.py`, as in `scale.py`), PostgreSQL in a schema of its own
(`claimbot_bench_<size>`, replaced) followed by `VACUUM ANALYZE`; any search index of an
earlier run is removed, so the first search builds it (untimed: `scale.py` times the build).
Then the same messages are checked against each, as the bot serves them (`Matcher.check`, one
Discord server's scope), after a warm-up pass over the first messages. Also timed: loading
the matcher's vocabulary, which is what a process pays after claims changed elsewhere
(`Matcher.refresh`). Every measurement runs in a child process of its own. The report says how
many messages got the same answer on both backends. This is a benchmark, not a test: it
asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale
import synthetic
from arguments import counts, positive, results_folder, settle_sizes

BACKENDS = ("sqlite", "postgres")
WARMUP = 50


def pg_url(base: str, size: int) -> str:
    joiner = "&" if "?" in base else "?"
    return f"{base}{joiner}schema=claimbot_bench_{size}"


def db_for(opts: argparse.Namespace, backend: str, size: int) -> str:
    if backend == "sqlite":
        return str(Path(opts.out) / f"claims-{size}.db")
    return pg_url(opts.pg, size)


# -- workers (each runs in a child process) ---------------------------------------------------
def _vacuum_analyze(db: str) -> float:
    """PostgreSQL's planner needs statistics on freshly loaded tables (SQLite: nothing to do)."""
    if not db.startswith(("postgresql:", "postgres:")):
        return 0.0
    import psycopg

    schema = db.rsplit("schema=", 1)[1]
    with psycopg.connect(db.split("?")[0], autocommit=True) as conn:
        return scale.timed(lambda: conn.execute(f"VACUUM ANALYZE {schema}.claims"))[1] / 1000


def work_build(args: argparse.Namespace) -> dict[str, Any]:
    """Import `size` claims through `store.add_claims` in batches; time only those calls."""
    from verifiers.store import open_store

    scale.remove_database(args.db)  # and its search index
    store = open_store(args.db, seed=False)
    spent = 0.0
    batch: list[dict[str, Any]] = []
    try:
        for c in synthetic.claims(args.seed, args.size):
            batch.append(scale.claim_fields(c))
            if len(batch) == scale.IMPORT_BATCH:
                spent += scale.timed(lambda b=batch: store.add_claims(b, actor="bench"))[1]
                batch = []
        if batch:
            spent += scale.timed(lambda b=batch: store.add_claims(b, actor="bench"))[1]
    finally:
        store.close()
    return {
        "claims": args.size,
        "seconds": spent / 1000,
        "claims_per_s": args.size / (spent / 1000),
        "vacuum_analyze_s": _vacuum_analyze(args.db),
        "peak_rss_mb": scale.peak_rss_mb(),
    }


def _answer(result: Any) -> str | None:
    """The confident match of each segment (external ids), to compare the backends by."""
    ids = [r.match.claim.external_id if r.match else "-" for r in result.results]
    return ",".join(ids) if ids else None


def work_check(args: argparse.Namespace) -> dict[str, Any]:
    """Serve checks as the bot does: open the store, build the matcher, check each message."""
    from verifiers.domain.models import Scope
    from verifiers.domain.settings import MatchingSettings
    from verifiers.matching.pipeline import Matcher
    from verifiers.matching.retrieval import load_vocabulary
    from verifiers.store import open_store

    msgs = synthetic.messages(args.seed, args.size, args.messages)
    synthetic.forget()
    scope = Scope.guild(scale.GUILD)
    store, open_ms = scale.timed(lambda: open_store(args.db, seed=False))
    try:
        matcher = Matcher(store, MatchingSettings())
        vocab_ms = [scale.timed(lambda: load_vocabulary(store))[1] for _ in range(3)]
        for m in msgs[:WARMUP]:
            matcher.check(m.text, scope)
        ms: list[float] = []
        answers: list[str | None] = []
        found = 0
        for m in msgs:
            result, spent = scale.timed(lambda m=m: matcher.check(m.text, scope))
            ms.append(spent)
            answers.append(_answer(result))
            found += scale._found(result, m.source)
    finally:
        store.close()
    claim_like = [t for t, m in zip(ms, msgs, strict=True) if m.source is not None]
    return {
        "open_ms": open_ms,
        "vocabulary_ms": min(vocab_ms),
        "all": scale.latency(ms),
        "claim_like": scale.latency(claim_like),
        "found": found / max(1, len(claim_like)),
        "answers": answers,
        "peak_rss_mb": scale.peak_rss_mb(),
    }


WORKERS: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    "build": work_build,
    "check": work_check,
}


# -- orchestration ----------------------------------------------------------------------------
def run_worker(kind: str, backend: str, size: int, opts: argparse.Namespace) -> dict[str, Any]:
    result_file = Path(opts.out) / f".{kind}-{backend}-{size}.json"
    result_file.unlink(missing_ok=True)
    cmd = [
        sys.executable, __file__, "--worker", kind, "--size", str(size),
        "--seed", str(opts.seed), "--db", db_for(opts, backend, size),
        "--messages", str(opts.messages), "--result", str(result_file),
    ]  # fmt: skip
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0 or not result_file.exists():
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
        return {"error": tail[0]}
    data: dict[str, Any] = json.loads(result_file.read_text())
    result_file.unlink()
    data["wall_s"] = time.perf_counter() - started
    return data


def run(opts: argparse.Namespace) -> dict[str, Any]:
    out = Path(opts.out)
    sizes = opts.sizes
    report: dict[str, Any] = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "machine": {**scale.machine(), "postgres": scale.server_version(opts.pg)},
        "seed": opts.seed,
        "messages": opts.messages,
        "sizes": {},
    }
    for size in sizes:
        entry: dict[str, Any] = {}
        for backend in opts.backends.split(","):
            if opts.reuse:
                build: dict[str, Any] = {"reused": True}
            else:
                build = run_worker("build", backend, size, opts)
            scale.log(f"{size:>9,} claims, {backend}: import {_brief(build)}")
            check = run_worker("check", backend, size, opts)
            scale.log(f"{size:>9,} claims, {backend}: {scale.summary(check)}")
            entry[backend] = {"build": build, "check": check}
        report["sizes"][str(size)] = entry
    (out / "backends.json").write_text(json.dumps(report, indent=1) + "\n")
    table = markdown(report)
    (out / "backends.md").write_text(table)
    print(table)
    return report


def _brief(build: dict[str, Any]) -> str:
    if "claims_per_s" not in build:
        return str(build)
    return f"{build['claims_per_s']:,.0f} claims/s ({build['seconds']:,.0f} s)"


# -- report -----------------------------------------------------------------------------------
def _same(a: dict[str, Any] | None, b: dict[str, Any] | None) -> str:
    if a is None or b is None or "answers" not in a or "answers" not in b:
        return "–"
    same = sum(x == y for x, y in zip(a["answers"], b["answers"], strict=True))
    return f"{same}/{len(a['answers'])}"


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    ms = scale._ms
    lines = [
        f"Run {m['date']}: {m['nproc']} cores ({m['cpu']}), {m['ram_gb']} GB RAM, "
        f"Python {m['python']}, SQLite {m['sqlite']}, PostgreSQL {m['postgres']} (same machine, "
        f"default server settings); seed {report['seed']}, {report['messages']} messages per "
        "size after a warm-up pass.",
        f"Command: `{report['command']}`",
        "",
        "| claims | backend | import claims/s | check p50 / p90 / p99 ms (all) "
        "| claim-like p50 / p99 ms | found | vocabulary load ms | peak RSS MB (serve) "
        "| same answers |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for size, entry in report["sizes"].items():
        checks = {b: entry[b]["check"] for b in BACKENDS if b in entry}
        for backend in checks:
            build, check = entry[backend]["build"], checks[backend]
            rate = f"{build['claims_per_s']:,.0f}" if "claims_per_s" in build else "(reused)"
            if "error" in check:
                lines.append(f"| {int(size):,} | {backend} | {rate} | error: {check['error']} |")
                continue
            a, c = check["all"], check["claim_like"]
            lines.append(
                f"| {int(size):,} | {backend} | {rate} "
                f"| {ms(a['p50'])} / {ms(a['p90'])} / {ms(a['p99'])} "
                f"| {ms(c['p50'])} / {ms(c['p99'])} | {check['found']:.1%} "
                f"| {ms(check['vocabulary_ms'])} | {check['peak_rss_mb']:.0f} "
                f"| {_same(checks.get('sqlite'), checks.get('postgres'))} |"
            )
    return "\n".join(lines) + "\n"


# -- command line -----------------------------------------------------------------------------
def parse(argv: Iterable[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    p.add_argument(
        "--sizes",
        type=counts,
        default=[100_000, 1_000_000],
        help="comma-separated claim counts (default 100000,1000000)",
    )
    p.add_argument("--quick", action="store_true", help="10k claims only")
    p.add_argument("--out", default="bench-out/backends", help="folder for SQLite files, results")
    p.add_argument(
        "--pg",
        default="postgresql://postgres@127.0.0.1:5432/test",
        help="PostgreSQL database (URL without schema) for the benchmark's schemas",
    )
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--messages", type=positive, default=1_000, help="messages checked per size")
    p.add_argument("--reuse", action="store_true", help="reuse the databases of an earlier run")
    p.add_argument("--backends", default=",".join(BACKENDS), help="sqlite,postgres or one")
    # Internal: one measurement in a child process.
    p.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    p.add_argument("--size", type=int, help=argparse.SUPPRESS)
    p.add_argument("--db", help=argparse.SUPPRESS)
    p.add_argument("--result", help=argparse.SUPPRESS)
    opts = p.parse_args(None if argv is None else list(argv))
    unknown = [b for b in opts.backends.split(",") if b not in BACKENDS]
    if unknown:
        p.error(f"--backends: unknown backend {unknown[0]!r} (use {','.join(BACKENDS)} or one)")
    settle_sizes(p, opts)
    results_folder(p, opts)
    return opts


def main(argv: Iterable[str] | None = None) -> int:
    opts = parse(argv)
    if opts.worker:
        data = WORKERS[opts.worker](opts)
        Path(opts.result).write_text(json.dumps(data))
        return 0
    report = run(opts)
    failed = [
        f"{size} {backend} {part}"
        for size, entry in report["sizes"].items()
        for backend, parts in entry.items()
        for part, data in parts.items()
        if "error" in data
    ]
    for item in failed:
        scale.log(f"failed: {item}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
