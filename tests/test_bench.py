"""The scale benchmark runs end to end on a tiny database, so that it cannot rot.

No time is asserted: only that every phase ran, wrote its figures, and that the matcher found
the claims the synthetic messages paraphrase (a broken generator or matcher shows there).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_URL, need_postgres
from tests.paths import REPO

ROOT = REPO


def test_benchmark_runs_on_500_claims_and_reports_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "bench-out"
    cmd = [
        sys.executable,
        str(ROOT / "bench" / "scale.py"),
        "--sizes",
        "500",
        "--messages",
        "40",
        "--baseline-messages",
        "5",
        "--out",
        str(out),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, check=False)
    assert proc.returncode == 0, proc.stderr
    report = json.loads((out / "results.json").read_text())
    entry = report["sizes"]["500"]
    build = entry["stores"]["sqlite"]["build"]
    assert build["claims"] == 500
    assert build["claims_per_s"] > build["with_index_claims_per_s"] > 0  # the index costs time
    assert build["index_s"] > 0
    assert build["index_mb"] > 0
    lexical = entry["stores"]["sqlite"]["lexical"]
    assert lexical["all"]["n"] == 40
    assert len(lexical["ms"]) == 40
    assert lexical["claim_like"]["n"] > 5
    assert lexical["found"] >= 0.8  # paraphrased claims come back as matches or related
    assert lexical["peak_rss_mb"] > 0
    assert entry["baseline"]["all"]["n"] == 5
    assert report["machine"]["nproc"] >= 1
    table = (out / "results.md").read_text()
    assert "| 500 |" in table
    assert "brute force" in table
    assert "| 500 | sqlite |" in table
    assert "| 500 | sqlite |" in proc.stdout
    assert sorted(p.name for p in out.iterdir()) == ["results.json", "results.md"], (
        "databases and their search indexes are removed unless --keep-db"
    )


@pytest.mark.postgres
def test_benchmark_measures_postgresql_in_a_schema_of_its_own_and_drops_it(
    tmp_path: Path,
) -> None:
    need_postgres()
    import psycopg

    out = tmp_path / "bench-out"
    cmd = [sys.executable, str(ROOT / "bench" / "scale.py"), "--sizes", "300"]
    cmd += ["--messages", "20", "--baseline-messages", "2", "--backends", "sqlite,postgres"]
    cmd += ["--pg", POSTGRES_URL, "--out", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, check=False)
    assert proc.returncode == 0, proc.stderr
    report = json.loads((out / "results.json").read_text())
    stores = report["sizes"]["300"]["stores"]
    assert set(stores) == {"sqlite", "postgres"}
    pg = stores["postgres"]
    assert pg["build"]["claims"] == 300
    assert pg["build"]["index_mb"] > 0
    assert pg["lexical"]["all"]["n"] == 20
    assert pg["lexical"]["found"] >= 0.8
    assert report["machine"]["postgres"]
    assert "| 300 | postgres |" in proc.stdout
    with psycopg.connect(POSTGRES_URL) as conn:
        query = "SELECT 1 FROM pg_namespace WHERE nspname = 'claimbot_scale_300'"
        assert conn.execute(query).fetchone() is None, "the schema is dropped afterwards"


def test_matching_settings_come_from_the_environment_and_are_named_in_the_command(
    tmp_path: Path,
) -> None:
    """An A/B of a setting (e.g. `CLAIMBOT_MATCHING_RERANK_FROM=0`) is a documented command."""
    out = tmp_path / "bench-out"
    cmd = [sys.executable, str(ROOT / "bench" / "scale.py"), "--sizes", "500", "--out", str(out)]
    cmd += ["--messages", "30", "--baseline-messages", "1"]
    never = {
        "CLAIMBOT_MATCHING_CONFIDENT_THRESHOLD": "1.0",
        "CLAIMBOT_MATCHING_RELATED_THRESHOLD": "1.0",
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMBOT_")}
    proc = subprocess.run(
        cmd, capture_output=True, text=True, cwd=tmp_path, env={**env, **never}, check=False
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads((out / "results.json").read_text())
    assert (
        report["sizes"]["500"]["stores"]["sqlite"]["lexical"]["found"] == 0.0
    )  # nothing reaches a tier at 1.0
    assert report["command"].startswith(
        "CLAIMBOT_MATCHING_CONFIDENT_THRESHOLD=1.0 CLAIMBOT_MATCHING_RELATED_THRESHOLD=1.0 python"
    )
    assert report["command"] in (out / "results.md").read_text()


def test_same_seed_gives_the_same_claims_and_messages() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import synthetic
    finally:
        sys.path.remove(str(ROOT / "bench"))
    first = [c.text for c in synthetic.claims(3, 1_500)]
    assert first == [c.text for c in synthetic.claims(3, 1_500)]
    assert first[:1_000] == [c.text for c in synthetic.claims(3, 1_000)]  # 10k ⊂ 100k ⊂ 1M
    assert first[1_234] == synthetic.claim(3, 1_234).text
    assert synthetic.messages(3, 1_500, 50) == synthetic.messages(3, 1_500, 50)
    assert first != [c.text for c in synthetic.claims(4, 1_500)]


def test_stage_breakdown_runs_on_a_benchmark_database(tmp_path: Path) -> None:
    out = tmp_path / "bench-out"
    build = [sys.executable, str(ROOT / "bench" / "scale.py"), "--sizes", "500", "--keep-db"]
    build += ["--messages", "5", "--baseline-messages", "1", "--out", str(out)]
    assert subprocess.run(build, capture_output=True, cwd=tmp_path, check=False).returncode == 0
    stages = [sys.executable, str(ROOT / "bench" / "stages.py"), "--db", str(out / "claims-500.db")]
    stages += ["--size", "500", "--messages", "30", "--warm-up", "2"]
    proc = subprocess.run(stages, capture_output=True, text=True, cwd=tmp_path, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "per message, CPU ms mean / p50 / p99 / max:" in proc.stdout
    rows = {line.split("|")[1].strip() for line in proc.stdout.splitlines() if line.startswith("|")}
    # Every stage of a check that ran shows up (a renamed stage would silently drop out).
    assert {"segment, in all", "search (tantivy index)", "index search", "get_claims"} <= rows
    assert {"screen", "claim profiles", "full features", "decision + stance"} <= rows
    assert "rest of the check" in rows


@pytest.mark.semantic
def test_semantic_path_with_stand_in_vectors_times_without_embedding(tmp_path: Path) -> None:
    """At 100k-1M claims MiniLM would need hours to embed them; stand-in vectors let the
    semantic check be timed at once, and the report says its 'found' means nothing."""
    out = tmp_path / "bench-out"
    cmd = [sys.executable, str(ROOT / "bench" / "scale.py"), "--sizes", "500", "--messages", "12"]
    cmd += ["--baseline-messages", "1", "--semantic-sizes", "500", "--stand-in-vectors"]
    proc = subprocess.run([*cmd, "--out", str(out)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    entry = json.loads((out / "results.json").read_text())["sizes"]["500"]
    semantic = entry["stores"]["sqlite"]["semantic"]
    assert "error" not in semantic, semantic
    assert semantic["stand_in_vectors"] is True
    assert semantic["stand_ins_written"] == 500  # every claim, so nothing was embedded
    assert semantic["all"]["n"] == 12
    assert semantic["peak_rss_mb"] > 0
    assert "| 500 |" in proc.stdout
    assert "(stand-in vectors)" in proc.stdout


@pytest.mark.semantic
def test_vector_index_benchmark_builds_reopens_and_measures_recall(tmp_path: Path) -> None:
    out = tmp_path / "bench-out"
    cmd = [sys.executable, str(ROOT / "bench" / "semantic_scale.py"), "--sizes", "3000"]
    proc = subprocess.run(
        [*cmd, "--queries", "30", "--out", str(out)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    entry = json.loads((out / "semantic.json").read_text())["sizes"]["3000"]
    assert entry["build"]["index_mb"] > 0
    assert entry["serve"]["load_s"] > 0
    assert entry["serve"]["search"]["p99"] > 0
    # A graph of 3,000 claims searched for 400 candidates is all but exact.
    assert entry["serve"]["recall_at_50"] >= 0.95
    assert entry["serve"]["restated_found"] >= entry["serve"]["restated_found_exact"]
    assert "3,000 claims: build" in proc.stdout


@pytest.mark.parametrize(
    ("script", "args", "message"),
    [
        ("scale.py", ["--sizes", "10k"], "argument --sizes: not a whole number: '10k'"),
        ("scale.py", ["--sizes", "0"], "argument --sizes: must be at least 1: '0'"),
        ("scale.py", ["--sizes", ","], "--sizes: give at least one claim count"),
        ("scale.py", ["--messages", "-3"], "argument --messages: must be at least 1: '-3'"),
        ("scale.py", ["--sizes", "500", "--semantic-sizes", "900"], "900 is not one of --sizes"),
        ("scale.py", ["--out", "/proc/no/such"], "--out /proc/no/such: cannot create it"),
        ("stages.py", ["--db", "missing.db", "--size", "500"], "--db missing.db: no such database"),
        ("stages.py", ["--db", "missing.db", "--size", "x"], "argument --size: not a whole number"),
        ("backends.py", ["--backends", "mysql"], "unknown backend 'mysql'"),
        ("backends.py", ["--sizes", "1e5"], "argument --sizes: not a whole number: '1e5'"),
        ("scale.py", ["--backends", "sqlite,mysql"], "unknown backend 'mysql'"),
    ],
)  # fmt: skip
def test_bad_arguments_are_refused_in_one_line_before_any_work(
    tmp_path: Path, script: str, args: list[str], message: str
) -> None:
    """Nothing is built or measured: no results folder appears and a missing database is not
    created (opening it would make an empty one and time checks against nothing)."""
    if "--out" not in args and script != "stages.py":
        args = [*args, "--out", str(tmp_path / "bench-out")]
    cmd = [sys.executable, str(ROOT / "bench" / script), *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, check=False)
    assert proc.returncode == 2
    last = proc.stderr.strip().splitlines()[-1]  # after argparse's usage line
    assert last.startswith(f"{script}: error: ")
    assert message in last
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_load_benchmark_drives_a_bot_process_and_reports_every_figure(tmp_path: Path) -> None:
    """A real `claimbot run` through the fake Discord, a few seconds at a low rate."""
    out = tmp_path / "load"
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    cmd = [sys.executable, str(ROOT / "bench" / "load.py"), "--rates", "20", "--seconds", "3"]
    cmd += ["--claims", "300", "--warmup", "0", "--pause", "0", "--drain", "2", "--settle", "1"]
    cmd += ["--out", str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "load.json").read_text())
    [row] = report["rates"]
    assert row["posted"] == 60
    assert row["replied"] > 0
    assert row["check_asked"] == 6
    assert row["check_unanswered"] == 0
    assert report["rss_mb"]["start"] > 0
    assert "| 20 | 60 |" in (out / "load.md").read_text()
