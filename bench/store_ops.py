"""The store's own operations through its API, on one backend: bulk import rate and the time
of single edits, reads and flags. For comparing two versions of the store code (an A/B of a
refactor), run it once per checkout, alternating:

    git archive <rev> | tar -x -C /tmp/store-before
    python bench/store_ops.py --code /tmp/store-before --backend sqlite --size 20000
    python bench/store_ops.py --code . --backend postgres --size 20000 \
        --pg 'postgresql://postgres@127.0.0.1:5432/test'

SQLite writes a file in /tmp; PostgreSQL uses the schema `claimbot_bench_store_ops` (dropped
before and after). The claims are `synthetic.py`'s, imported as `scale.py` does. This is a
benchmark, not a test: it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

SCHEMA = "claimbot_bench_store_ops"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--code", default=".", help="the checkout whose verifiers/ to measure")
    p.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    p.add_argument("--size", type=int, default=20_000, help="claims imported")
    p.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test")
    args = p.parse_args()
    code = Path(args.code).resolve()
    sys.path[:0] = [str(code), str(code / "bench")]
    import scale
    import synthetic

    import verifiers
    from verifiers.domain.models import ClaimChanges, Scope
    from verifiers.store import open_store

    assert Path(verifiers.__file__).is_relative_to(code), verifiers.__file__
    with tempfile.TemporaryDirectory() as folder:
        url = str(Path(folder) / "claims.db")
        if args.backend == "postgres":
            _drop(args.pg)
            url = f"{args.pg}{'&' if '?' in args.pg else '?'}schema={SCHEMA}"
        store = open_store(url, seed=False)
        try:
            spent = 0.0
            claims = [scale.claim_fields(c) for c in synthetic.claims(1, args.size)]
            for start in range(0, len(claims), scale.IMPORT_BATCH):
                begun = time.perf_counter()
                store.add_claims(claims[start : start + scale.IMPORT_BATCH], actor="bench")
                spent += time.perf_counter() - begun
            everyone = Scope.everything()
            ids = [c.id for c in store.list_claims(everyone, limit=300)]
            edits = _each(ids, lambda n, i: store.update_claim(
                i, ClaimChanges(explanation=f"checked {n}"), "bench", everyone
            ))  # fmt: skip
            reads = _each(ids, lambda n, i: store.get_claim(i, everyone))
            flags = _each(ids[:100], lambda n, i: store.add_flag(
                i, user_id="u1", guild_id=None, reason="wrong"
            ))  # fmt: skip
        finally:
            store.close()
            if args.backend == "postgres":
                _drop(args.pg)
    print(
        f"{args.backend} {code.name}: import {args.size / spent:.0f} claims/s;"
        f" per edit {edits:.2f} ms, read {reads:.2f} ms, flag {flags:.2f} ms"
    )


def _each(ids: list[str], op: Callable[[int, str], object]) -> float:
    """Milliseconds per call of `op(n, id)` over `ids`."""
    start = time.perf_counter()
    for n, claim_id in enumerate(ids):
        op(n, claim_id)
    return 1000 * (time.perf_counter() - start) / max(1, len(ids))


def _drop(pg: str) -> None:
    import psycopg

    with psycopg.connect(pg.split("?")[0], autocommit=True) as admin:
        admin.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")


if __name__ == "__main__":
    main()
