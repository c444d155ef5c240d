"""Where a lexical check's time goes: CPU milliseconds per segment in each stage.

    python bench/scale.py --sizes 100000 --keep-db --messages 1 --baseline-messages 1 --out DIR
    python bench/stages.py --db DIR/claims-100000.db --size 100000 --messages 500

Checks the same synthetic messages as `scale.py` (same seed and size) against a database it
built, with the matcher's stages wrapped in timers. Times are process CPU time
(`time.process_time`), which a busy shared machine inflates less than wall time; the wrappers
add about a microsecond per call. Nested stages are included in their callers (the search's
pool queries in `search`, screening's terms in `screen`). A benchmark, not a test.
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

GUILD = 4242  # as in scale.py

# (module, attribute, label): the stages of `Matcher.check`, outermost first.
STAGES = (
    ("verifiers.matching.pipeline", "Matcher._rank_normalised", "segment, in all"),
    ("verifiers.store.sqlite", "SqliteStore.search", "search (FTS5 + re-scoring)"),
    ("verifiers.store.sqlite", "pooled_rowids", "  pool queries (FTS5)"),
    ("verifiers.store.sqlite", "rows_by_pk", "  pooled rows read"),
    ("verifiers.store.sqlite", "SqliteStore.get_claims", "get_claims"),
    ("verifiers.matching.pipeline", "Matcher._query", "query terms (typos, df)"),
    ("verifiers.matching.pipeline", "Matcher._screened", "screen"),
    ("verifiers.matching.pipeline", "claim_terms", "  claim terms"),
    ("verifiers.matching.pipeline", "screen_features", "  screen features"),
    ("verifiers.matching.pipeline", "claim_profile", "claim profiles"),
    ("verifiers.matching.pipeline", "pair_features", "full features"),
    ("verifiers.matching.pipeline", "rank_candidates", "ranking"),
    ("verifiers.matching.pipeline", "Matcher._decide", "decision + stance"),
    ("verifiers.matching.pipeline", "Matcher._with_flag_counts", "open-flag counts"),
)


def instrument(spent: Counter[str], calls: Counter[str]) -> None:
    """Wrap each stage that exists in this version of the code in a CPU timer."""
    import importlib

    for module_name, attribute, label in STAGES:
        owner: Any = importlib.import_module(module_name)
        *path, name = attribute.split(".")
        for part in path:
            owner = getattr(owner, part, None)
        if owner is None or not hasattr(owner, name):
            continue
        setattr(owner, name, _timed(getattr(owner, name), label, spent, calls))


def _timed(
    fn: Callable[..., Any], label: str, spent: Counter[str], calls: Counter[str]
) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[label] += time.process_time() - start
            calls[label] += 1

    return wrapper


def main(argv: Iterable[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", required=True, help="a database built by scale.py (--keep-db)")
    p.add_argument("--size", type=int, required=True, help="its claim count (picks the messages)")
    p.add_argument("--messages", type=int, default=500)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--warm-up", type=int, default=20, help="messages checked before timing")
    opts = p.parse_args(None if argv is None else list(argv))

    from verifiers.config import MatchingSettings
    from verifiers.matching.pipeline import Matcher
    from verifiers.store import Scope, open_store

    spent: Counter[str] = Counter()
    calls: Counter[str] = Counter()
    instrument(spent, calls)
    msgs = synthetic.messages(opts.seed, opts.size, opts.messages)
    synthetic.forget()
    scope = Scope.guild(GUILD)
    store = open_store(opts.db, seed=False)
    try:
        matcher = Matcher(store, MatchingSettings())
        for m in msgs[: opts.warm_up]:
            matcher.check(m.text, scope)
        spent.clear()
        calls.clear()
        start = time.process_time()
        for m in msgs:
            matcher.check(m.text, scope)
        total = time.process_time() - start
    finally:
        store.close()
    segments = calls["segment, in all"] or 1
    print(
        f"{opts.messages} messages, {segments} claim-like segments, {opts.size:,} claims;"
        f" load {os.getloadavg()[0]:.1f}; check: {1000 * total / opts.messages:.2f} ms CPU"
        " per message"
    )
    print("| stage | ms CPU per segment | calls per segment |")
    print("|---|---|---|")
    for _, _, label in STAGES:
        if calls[label]:
            per = 1000 * spent[label] / segments
            print(f"| {label} | {per:.2f} | {calls[label] / segments:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
