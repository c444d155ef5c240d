"""Where a check's time goes: CPU milliseconds per segment in each stage.

    python bench/scale.py --sizes 100000 --keep-db --messages 1 --baseline-messages 1 --out DIR
    python bench/stages.py --db DIR/claims-100000.db --size 100000 --messages 500
    python bench/stages.py --db DIR/claims-100000.db --size 100000 --messages 1000 --no-stages
    python bench/stages.py --size 100000 --messages 500 \
        --db 'postgresql://postgres@127.0.0.1:5432/test?schema=claimbot_scale_100000'
    CLAIMBOT_MATCHING_RERANKER=none python bench/stages.py --matcher semantic \
        --db DIR/claims-1000000.db --size 1000000 --messages 300

With `--matcher semantic` the database must hold the claims' vectors already (`scale.py
--semantic-sizes N --stand-in-vectors --keep-db`, or `claimbot embed`): the semantic stages
(MiniLM encoding, the vector index's search and its float rows, the cosine features, the
cross-encoder) are timed too.

Checks the same synthetic messages as `scale.py` (same seed and size) against a database it
built and kept (a SQLite file, or a PostgreSQL URL naming the schema), after a warm-up, with
the matcher's stages wrapped in timers; prints each message's wall-clock and CPU time (mean,
p50, p99, max) and both per stage. CPU time (`time.process_time`) is what a busy shared
machine inflates least, but it leaves out the time spent waiting for PostgreSQL's
server: compare wall and CPU time per message. The wrappers add about a microsecond per call:
`--no-stages` times the messages without them. Messages with one claim-like segment are
also timed apart: what one segment's whole check costs (its encoding included). Nested
stages are included in their callers (the index search in the search, the claim terms in
screening); "rest of the check" is the message's CPU time outside the segments, their
decisions and flag counts (splitting, and the semantic matcher's encoding). Stages
missing from the code are skipped, so a copy of this script times an older commit too (A/B
on one database). Any `CLAIMBOT_MATCHING_*` variable applies, as in `scale.py`. A benchmark,
not a test.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic
from arguments import existing_database, positive
from scale import matching_settings, percentile

GUILD = 4242  # as in scale.py

# (module, attribute, label): the stages of `Matcher.check`, outermost first.
STAGES = (
    ("verifiers.matching.pipeline", "Matcher._rank_normalised", "segment, in all"),
    ("verifiers.matching.retrieval", "search_query", "query terms (typos, df)"),
    ("verifiers.store.sql.search", "SearchedClaims.document_frequencies", "  df of unknown words"),
    ("verifiers.store.sql.search", "SearchedClaims.search", "search (tantivy index)"),
    ("verifiers.store.index.search", "ClaimSearch._catch_up", "  change feed check"),
    ("verifiers.store.index.lexical", "LexicalIndex.search", "  index search"),
    ("verifiers.store.index.lexical", "_scored", "  hits read and scored"),
    ("verifiers.store.sql.claims", "ClaimRecords.get_claims", "get_claims"),
    ("verifiers.matching.retrieval", "screened", "screen"),
    ("verifiers.matching.retrieval", "claim_stems", "  claim terms"),
    ("verifiers.matching.bulk", "screen_matrix", "  screen features"),
    ("verifiers.matching.retrieval", "claim_profile", "claim profiles"),
    ("verifiers.matching.bulk", "feature_matrix", "full features"),
    ("verifiers.matching.scoring", "rank_candidates", "ranking"),
    ("verifiers.matching.pipeline", "decide", "decision + stance"),
    ("verifiers.matching.pipeline", "Matcher._with_flag_counts", "open-flag counts"),
    # The semantic matcher's own stages (nested in the segment's, but for the cross-encoder).
    ("verifiers.matching.semantic", "Encoder.encode", "MiniLM encoding"),
    ("verifiers.store.index.vectors", "VectorIndex.search", "vector index search"),
    ("verifiers.store.index.vectors", "_FloatRows.take", "  float rows read"),
    ("verifiers.matching.signals", "SemanticSignals.features", "cosine features"),
    ("verifiers.matching.signals", "SemanticSignals.rerank_scores", "cross-encoder"),
)


TOP_LEVEL = ("segment, in all", "decision + stance", "open-flag counts")
REST = "rest of the check"


def instrument(spent: Counter[str], waited: Counter[str], calls: Counter[str]) -> None:
    """Wrap each stage that exists in this version of the code in a CPU timer."""
    import importlib

    for module_name, attribute, label in STAGES:
        try:
            owner: Any = importlib.import_module(module_name)
        except ModuleNotFoundError:  # a module of a later version
            continue
        *path, name = attribute.split(".")
        for part in path:
            owner = getattr(owner, part, None)
        if owner is None or not hasattr(owner, name):
            continue
        setattr(owner, name, _timed(getattr(owner, name), label, spent, waited, calls))


def _timed(
    fn: Callable[..., Any],
    label: str,
    spent: Counter[str],
    waited: Counter[str],
    calls: Counter[str],
) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start, start_wall = time.process_time(), time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[label] += time.process_time() - start
            waited[label] += time.perf_counter() - start_wall
            calls[label] += 1

    return wrapper


def main(argv: Iterable[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--db",
        required=True,
        help="a database built by scale.py (--keep-db): a SQLite file or a PostgreSQL URL",
    )
    p.add_argument(
        "--size", type=positive, required=True, help="its claim count (picks the messages)"
    )
    p.add_argument("--messages", type=positive, default=500)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--warm-up", type=int, default=20, help="messages checked before timing")
    p.add_argument("--no-stages", action="store_true", help="time whole messages only")
    p.add_argument("--matcher", choices=("lexical", "semantic"), default="lexical")
    opts = p.parse_args(None if argv is None else list(argv))
    if not opts.db.startswith(("postgresql:", "postgres:")):
        existing_database(p, opts.db)

    from verifiers.domain.models import Scope
    from verifiers.evaluation.runner import make_matcher
    from verifiers.store import open_store

    try:
        from verifiers.heap import settle_heap
    except ImportError:  # an older commit (A/B), which did not settle the heap

        def settle_heap() -> None:
            pass

    spent: Counter[str] = Counter()
    waited: Counter[str] = Counter()  # wall-clock: the database server's time shows here
    calls: Counter[str] = Counter()
    if not opts.no_stages:
        instrument(spent, waited, calls)
    msgs = synthetic.messages(opts.seed, opts.size, opts.messages)
    synthetic.forget()
    scope = Scope.guild(GUILD)
    store = open_store(opts.db, seed=False)
    try:
        matcher = make_matcher(store, matching_settings(opts.matcher), opts.matcher)
        for m in msgs[: opts.warm_up]:
            matcher.check(m.text, scope)
        settle_heap()  # as the bot's service does once the vocabulary is loaded
        spent.clear()
        waited.clear()
        calls.clear()
        wall: list[float] = []
        cpu: list[float] = []
        single: list[tuple[float, float]] = []  # (wall, CPU) of one-segment claim-like messages
        for m in msgs:
            before = calls["segment, in all"]
            start, start_cpu = time.perf_counter(), time.process_time()
            matcher.check(m.text, scope)
            wall.append(1000 * (time.perf_counter() - start))
            cpu.append(1000 * (time.process_time() - start_cpu))
            if calls["segment, in all"] - before == 1:
                single.append((wall[-1], cpu[-1]))
    finally:
        store.close()
    print(
        f"{opts.matcher}: {opts.messages} messages, {opts.size:,} claims;"
        f" load {os.getloadavg()[0]:.1f}"
    )
    for name, ms in (("wall", wall), ("CPU", cpu)):
        figures = " / ".join(
            f"{v:.2f}" for v in (sum(ms) / len(ms), percentile(ms, 50), percentile(ms, 99), max(ms))
        )
        print(f"per message, {name} ms mean / p50 / p99 / max: {figures}")
    if opts.no_stages:
        return 0
    # A message of one claim-like segment is what a segment's whole check costs.
    for name, ms in (("wall", [w for w, _ in single]), ("CPU", [c for _, c in single])):
        if ms:
            figures = " / ".join(f"{percentile(ms, q):.2f}" for q in (50, 99))
            print(f"one-segment messages ({len(ms)}), {name} ms p50 / p99: {figures}")
    segments = calls["segment, in all"] or 1
    print(f"{segments} claim-like segments")
    print("| stage | ms CPU per segment | ms wall per segment | calls per segment |")
    print("|---|---|---|---|")
    # The messages' CPU time outside the top-level stages: splitting into segments, the rest.
    outer = sum(spent[label] for label in TOP_LEVEL)
    spent[REST] = sum(cpu) / 1000 - outer
    waited[REST] = sum(wall) / 1000 - sum(waited[label] for label in TOP_LEVEL)
    calls[REST] = len(msgs)
    labels = [*dict.fromkeys(label for _, _, label in STAGES), REST]
    for label in labels:  # a label may name two stages
        if calls[label]:
            per, per_wall = 1000 * spent[label] / segments, 1000 * waited[label] / segments
            print(f"| {label} | {per:.2f} | {per_wall:.2f} | {calls[label] / segments:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
