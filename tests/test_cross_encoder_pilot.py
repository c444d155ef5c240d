"""bench/cross_encoder_pilot.py: its reordering arithmetic is right, and it runs end to end on a
tiny labelled set so that it cannot rot (no figure is asserted: it is a measurement)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.test_finetune import CLAIMS, POSTS
from tests.test_semantic import need_extra
from verifiers.evaluation.data import ClaimRow, LabelledSet

ROOT = Path(__file__).resolve().parent.parent


def pilot() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "pilot", ROOT / "bench" / "cross_encoder_pilot.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["pilot"] = module
    spec.loader.exec_module(module)
    return module


def test_the_cross_encoder_reorders_the_matchers_list_by_its_weight() -> None:
    """The matcher puts the wrong claim first; a confident cross-encoder corrects it once its
    weight is high enough, and alone it orders by its own scores."""
    module = pilot()
    labelled = LabelledSet(
        claims={i: ClaimRow(i, text, title) for i, (text, title) in CLAIMS.items()},
        queries={"q": "a post"},
        qrels={"q": frozenset({"c2"})},
    )
    ranked = {"q": [("c1", 0.6), ("c2", 0.4), ("c3", 0.1)]}
    cross = {"q": [-1.0, 1.0, 3.0]}
    rows = {name: (map5, p1) for name, map5, p1 in module.report(labelled, ranked, cross)}
    assert rows["matcher + 0.0 x cross-encoder"] == (0.5, 0.0)  # c2 second
    assert rows["matcher + 0.2 x cross-encoder"] == (
        0.5,
        0.0,
    )  # logits 0.405 / -0.405: c1 0.205, c2 -0.205
    assert rows["matcher + 0.5 x cross-encoder"] == (1.0, 1.0)  # c1 -0.095, c2 0.095: c2 first
    assert rows["cross-encoder alone (top 10)"] == (0.5, 0.0)  # c3 first, then c2


def test_the_pilot_runs_end_to_end_on_a_tiny_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    need_extra()
    module = pilot()
    (tmp_path / "verified_claims.docs.tsv").write_text(
        "id\tclaim\ttitle\n" + "".join(f"{i}\t{t}\t{s}\n" for i, (t, s) in CLAIMS.items())
    )
    for split in ("train", "dev"):
        (tmp_path / split).mkdir()
        (tmp_path / split / "tweets.queries.tsv").write_text(
            "id\ttext\n" + "".join(f"{q}\t{p}\n" for q, (p, _) in POSTS.items())
        )
        (tmp_path / split / "tweet-vclaim-pairs.qrels").write_text(
            "".join(f"{q} 0 {c} 1\n" for q, (_, c) in POSTS.items())
        )
    assert module.main(["--data", str(tmp_path), "--epochs", "1"]) == 0
    out = capsys.readouterr().out
    assert "dev: 4 posts" in out
    lines = [line for line in out.splitlines() if "MAP@5" in line]
    assert len(lines) == len(module.LAMBDAS) + 1
    assert all(0.0 <= float(line.split("MAP@5 ")[1].split()[0]) <= 1.0 for line in lines)
