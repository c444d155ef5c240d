"""The fuzz tests' hypothesis profile, and a count of the inputs each part received.

By default (CI) each fuzz test runs a few dozen examples, the same ones every run. Setting
CLAIMBOT_FUZZ_EXAMPLES=N runs N fresh random examples per test instead: the big run of
docs/benchmarks.md ("Fuzzing"). The counts are printed at the end of the run.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from tests.fuzz.strategies import INPUTS

EXAMPLES_VARIABLE = "CLAIMBOT_FUZZ_EXAMPLES"
CI_EXAMPLES = 25

_given = os.environ.get(EXAMPLES_VARIABLE, "").strip()
settings.register_profile(
    "claimbot-fuzz",
    max_examples=int(_given) if _given else CI_EXAMPLES,
    derandomize=not _given,  # CI: the same examples every run, so a red run is reproducible
    database=None,  # no .hypothesis folder in the checkout
    deadline=None,  # a shared 2-core machine has slow moments; speed is measured elsewhere
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("claimbot-fuzz")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if INPUTS:
        counts = ", ".join(f"{kind}: {n:,}" for kind, n in sorted(INPUTS.items()))
        terminalreporter.write_line(f"fuzz inputs ({counts})")
