"""`claimbot eval` end to end, the labelled-set loaders, the measures, and stance accuracy."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from claimbot.main import main
from tests.paths import DATA
from verifiers.domain.errors import InvalidInput
from verifiers.domain.models import Scope
from verifiers.domain.settings import MatchingSettings
from verifiers.evaluation.data import LabelledSet, load_claims, load_qrels, load_queries, load_set
from verifiers.evaluation.metrics import average_precision_at, recall_at, reciprocal_rank
from verifiers.evaluation.runner import loaded_store
from verifiers.evaluation.stance import evaluate_stance, load_stance_pairs
from verifiers.matching.pipeline import Matcher

SLICE = DATA / "checkthat2020-dev-slice"

# Floors for the 120-query dev slice (measured with the default thresholds: MAP@5 0.826, P@1
# 0.783, R@5 0.883, answered correctly 49.2% (the identity stage answers only the same claim),
# false answers 2.5%). The matcher is deterministic, so these only fail when a change makes
# matching worse.
FLOORS = {"map_at_5": 0.8, "p_at_1": 0.755, "recall_at_5": 0.865, "answered_correctly": 0.48}
CEILINGS = {"false_answers": 0.05}


@pytest.fixture(scope="module")
def slice_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    tmp = tmp_path_factory.mktemp("slice")
    claims = tmp / "verified_claims.docs.tsv"
    with gzip.open(SLICE / "verified_claims.docs.tsv.gz", "rb") as src, claims.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    return claims, SLICE / "tweets.queries.tsv", SLICE / "tweet-vclaim-pairs.qrels"


def run_eval(*args: str) -> tuple[int, str]:
    """Run `claimbot eval` through the real entry point; (exit status, stdout + stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(["eval", *args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return code, out.getvalue() + err.getvalue()


def test_eval_regression_on_dev_slice(slice_files: tuple[Path, Path, Path], tmp_path: Path) -> None:
    claims, queries, qrels = slice_files
    sweep = "0.9,0.3,0.5,0.7"
    details = tmp_path / "per-query.jsonl"
    code, out = run_eval(
        "--claims", str(claims), "--queries", str(queries), "--qrels", str(qrels), "--json",
        "--sweep", sweep, "--per-query", str(details),
    )  # fmt: skip
    assert code == 0, out
    figures = json.loads(out)
    rows = [json.loads(line) for line in details.read_text(encoding="utf-8").splitlines()]
    labelled = load_set(claims, queries, qrels)
    check_per_query_rows(rows, figures, labelled.qrels, labelled.queries)
    assert figures["queries"] == 120
    assert figures["claims"] == 10_375
    for key, floor in FLOORS.items():
        assert figures[key] >= floor, (key, figures[key])
    for key, ceiling in CEILINGS.items():
        assert figures[key] <= ceiling, (key, figures[key])
    for key in ("map_at_5", "mrr", "p_at_1", "recall_at_5", "answered_correctly"):
        assert 0.0 <= figures[key] <= 1.0
    # The sweep comes from the same run: sorted, and at the default threshold it is the report.
    points = figures["sweep"]
    assert [p["threshold"] for p in points] == [0.3, 0.5, 0.7, 0.9]
    default = next(p for p in points if p["threshold"] == figures["confident_threshold"])
    for key in ("answered_correctly", "answered_wrongly", "false_answers", "false_answers_strict"):
        assert default[key] == figures[key]
        # A higher threshold answers fewer queries, rightly and falsely.
        assert [p[key] for p in points] == sorted((p[key] for p in points), reverse=True)
    assert points[0]["false_answers"] > points[-1]["false_answers"]


def check_per_query_rows(
    rows: list[dict[str, Any]],
    figures: dict[str, Any],
    qrels: dict[str, frozenset[str]],
    queries: dict[str, str],
) -> None:
    """`--per-query` tells each query's story in the set's own ids, and adds up to the report."""
    assert [r["query_id"] for r in rows] == list(qrels)
    n = len(rows)
    assert sum(r["average_precision"] for r in rows) / n == pytest.approx(figures["map_at_5"])
    for row_key, key in (
        ("answered_correctly", "answered_correctly"),
        ("false_answer", "false_answers"),
    ):
        assert sum(r[row_key] for r in rows) / n == pytest.approx(figures[key])
    for row in rows:
        assert row["text"] == queries[row["query_id"]]
        assert row["relevant"] == sorted(qrels[row["query_id"]])
        top = row["top"]
        assert 1 <= len(top) <= 5
        assert all(t["relevant"] == (t["claim_id"] in row["relevant"]) for t in top)
        hits = [i for i, t in enumerate(top, 1) if t["relevant"]]
        if hits:
            assert row["first_relevant_rank"] == hits[0]
        assert row["answer_score"] in (top[0]["score"], 0.0)
        assert row["answered"] == (row["answer_score"] >= figures["confident_threshold"])
        assert row["answered_correctly"] == (row["answered"] and top[0]["relevant"])
    assert any(not r["answered_correctly"] for r in rows)  # there are misses to look at


def test_per_query_into_a_missing_folder_is_refused_before_the_run(
    slice_files: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    claims, queries, qrels = slice_files
    target = tmp_path / "gone" / "rows.jsonl"
    code, out = run_eval(
        "--claims", str(claims), "--queries", str(queries), "--qrels", str(qrels),
        "--per-query", str(target),
    )  # fmt: skip
    assert code == 2
    assert (
        out == f"error: --per-query: cannot write {target}: folder {target.parent} does not exist\n"
    )
    code, out = run_eval("--stance", str(DATA / "stance_pairs.jsonl"), "--per-query", str(target))
    assert code == 2
    assert "--per-query needs a labelled set" in out
    assert out.count("\n") == 1


def test_eval_data_dir_with_limit_reads_a_checkthat_layout(
    slice_files: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    claims, queries, qrels = slice_files
    (tmp_path / "dev").mkdir()
    shutil.copy(claims, tmp_path / "verified_claims.docs.tsv")
    shutil.copy(queries, tmp_path / "dev" / "tweets.queries.tsv")
    shutil.copy(qrels, tmp_path / "dev" / "tweet-vclaim-pairs.qrels")
    rows = tmp_path / "rows.jsonl"
    code, out = run_eval(
        "--data", str(tmp_path), "--split", "dev", "--limit", "5", "--sweep", "0.5,0.8",
        "--per-query", str(rows),
    )  # fmt: skip
    assert code == 0, out
    assert "5 queries against 10,375 claims" in out
    assert out.endswith(f"each query's outcome: {rows} (5 lines)\n")
    assert len(rows.read_text(encoding="utf-8").splitlines()) == 5
    assert "MAP@5" in out
    assert "false answers" in out
    table = out[out.index("threshold  answered correctly") :].splitlines()
    assert [row.split()[0] for row in table[1:] if row.startswith("  ")] == ["0.50", "0.80"]
    # The report's figures line up in one column, whatever the length of their labels.
    report = out[out.index("5 queries against") : out.index("  time per query")].splitlines()
    figures = [re.search(r"\d+\.\d+%?(?= |$)", line) for line in report[1:]]
    assert len(figures) == 8
    assert all(figures)
    assert len({m.end() for m in figures if m}) == 1


def test_eval_finds_the_files_of_the_2020_test_release_layout(
    slice_files: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """The lab shipped its 2020 test split as test-input/, the queries one folder further down."""
    claims, queries, qrels = slice_files
    (tmp_path / "test-input" / "test-input").mkdir(parents=True)
    shutil.copy(claims, tmp_path / "verified_claims.docs.tsv")
    shutil.copy(queries, tmp_path / "test-input" / "test-input" / "tweets.queries.tsv")
    shutil.copy(qrels, tmp_path / "test-input" / "tweet-vclaim-pairs.qrels")
    code, out = run_eval("--data", str(tmp_path), "--split", "test", "--limit", "3")
    assert code == 0, out
    assert "3 queries against 10,375 claims" in out


def test_eval_data_dir_problems_are_one_line_naming_the_files(tmp_path: Path) -> None:
    (tmp_path / "test-gold").mkdir()
    (tmp_path / "test-input").mkdir()
    write(tmp_path / "verified_claims.docs.tsv", "\tvclaim\ttitle\n1\tSome claim\tT\n")
    write(tmp_path / "test-input" / "tweets.queries.tsv", "\ttweet\n7\tSome tweet\n")
    write(tmp_path / "test-input" / "a.qrels", "7\t0\t1\t1\n")
    write(tmp_path / "test-gold" / "b.qrels", "7\t0\t1\t1\n")
    code, out = run_eval("--data", str(tmp_path), "--split", "test")
    assert code != 0
    [line] = out.strip().splitlines()
    assert "several *.qrels files for split 'test'" in line
    assert "test-gold/b.qrels" in line
    assert "test-input/a.qrels" in line
    assert "Traceback" not in out

    code, out = run_eval("--data", str(tmp_path), "--split", "dev")
    assert code != 0
    [line] = out.strip().splitlines()
    assert f"{tmp_path}/dev/tweets.queries.tsv: file not found" in line


@pytest.mark.parametrize("sweep", ["0.5,high", "0.5,1.5", "0.5,,0.7"])
def test_a_bad_sweep_is_one_line_naming_the_item(sweep: str) -> None:
    code, out = run_eval("--stance", str(DATA / "stance_pairs.jsonl"), "--sweep", sweep)
    assert code != 0
    assert out.count("\n") == 1
    assert "--sweep:" in out
    assert "between 0 and 1" in out


def test_withholding_by_exclusion_matches_a_database_without_the_claims(
    slice_files: tuple[Path, Path, Path],
) -> None:
    """The false-answer shortcut (exclude at rank time) agrees with really removing claims on
    what the figure counts: the top answer and its score. (Lower places may differ: a word
    only the withheld claims hold is unknown to the smaller database, which then tries to
    repair or split it.)"""
    full = load_set(*slice_files)
    wanted = list(full.qrels)[:6]
    relevant = set().union(*(full.qrels[q] for q in wanted))
    keep = sorted(relevant) + [c for c in list(full.claims)[:1500] if c not in relevant]
    small = LabelledSet(
        {c: full.claims[c] for c in keep},
        {q: full.queries[q] for q in wanted},
        {q: full.qrels[q] for q in wanted},
    )
    without = LabelledSet(
        {c: full.claims[c] for c in keep if c not in relevant}, small.queries, small.qrels
    )
    scope = Scope.everything()
    settings = MatchingSettings()
    with loaded_store(small) as (store, ids), loaded_store(without) as (store2, ids2):
        m, m2 = Matcher(store, settings), Matcher(store2, settings)
        back = {v: k for k, v in ids.items()}
        back2 = {v: k for k, v in ids2.items()}
        for q in wanted:
            hide = frozenset(ids[c] for c in full.qrels[q])
            excluded = m.rank(small.queries[q], scope, 3, exclude=hide)
            removed = m2.rank(small.queries[q], scope, 3)
            assert back[excluded[0].claim_id] == back2[removed[0].claim_id]
            assert excluded[0].score == pytest.approx(removed[0].score, abs=0.05)
            assert excluded[0].answerable == removed[0].answerable


def test_a_sweep_without_a_labelled_set_is_refused_not_ignored() -> None:
    code, out = run_eval("--stance", str(DATA / "stance_pairs.jsonl"), "--sweep", "0.5,0.7")
    assert code != 0
    assert out.count("\n") == 1
    assert "--sweep needs a labelled set" in out


def test_eval_needs_something_to_evaluate() -> None:
    code, out = run_eval()
    assert code != 0
    assert "nothing to evaluate" in out


def test_stance_option_reports_accuracy() -> None:
    code, out = run_eval("--stance", str(DATA / "stance_pairs.jsonl"), "--json")
    assert code == 0, out
    stance = json.loads(out)["stance"]
    assert stance["pairs"] >= 100
    assert stance["stance_accuracy"] >= 0.95


def test_stance_accuracy_on_held_out_pairs() -> None:
    report = evaluate_stance(load_stance_pairs(DATA / "stance_pairs_heldout.jsonl"))
    assert report.pairs == 25
    assert report.accuracy >= 0.9


# -- loaders -----------------------------------------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_claims_with_quoted_multiline_fields_load(tmp_path: Path) -> None:
    path = write(
        tmp_path / "claims.tsv",
        '\tvclaim\ttitle\n1\t"A ""quoted""\nclaim over two lines"\tIts title\n2\tPlain claim\t\n',
    )
    claims = load_claims(path)
    assert claims["1"].text == 'A "quoted" claim over two lines'
    assert claims["1"].title == "Its title"
    assert claims["2"].title == ""


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"missing\.tsv: file not found"):
        load_claims(tmp_path / "missing.tsv")


def test_wrong_columns_name_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path / "q.tsv", "\ttweet\n1\tfine\n2\ttoo\tmany\n")
    with pytest.raises(InvalidInput, match=r"q\.tsv, row at line 3: expected 2 columns"):
        load_queries(path)


def test_qrels_with_unknown_claim_name_file_and_line(tmp_path: Path) -> None:
    claims = load_claims(write(tmp_path / "c.tsv", "\tvclaim\ttitle\n1\tSome claim\tT\n"))
    queries = load_queries(write(tmp_path / "q.tsv", "\ttweet\n7\tSome tweet\n"))
    qrels = write(tmp_path / "r.qrels", "7 0 1 1\n7 0 99 1\n")
    with pytest.raises(InvalidInput, match=r"r\.qrels, line 2: unknown claim id 99"):
        load_qrels(qrels, claims, queries)


def test_duplicate_claims_are_grouped(tmp_path: Path) -> None:
    claims = load_claims(
        write(
            tmp_path / "c.tsv",
            "\tvclaim\ttitle\n1\tHe said 'hello there'.\tA\n2\tHe said \"Hello there.\"\tB\n"
            "3\tSomething else\tC\n",
        )
    )
    dup = LabelledSet(claims, {}, {}).duplicates()
    assert dup == {"1": frozenset({"1", "2"}), "2": frozenset({"1", "2"})}


# -- measures ----------------------------------------------------------------------------------


def test_measures_by_hand() -> None:
    ranked = ["a", "b", "c", "d", "e", "f"]
    assert average_precision_at(ranked, frozenset({"c"}), 5) == pytest.approx(1 / 3)
    assert average_precision_at(ranked, frozenset({"f"}), 5) == 0.0
    assert average_precision_at(ranked, frozenset({"a", "c"}), 5) == pytest.approx((1 + 2 / 3) / 2)
    assert reciprocal_rank(ranked, frozenset({"d"})) == 0.25
    assert reciprocal_rank(ranked, frozenset({"z"})) == 0.0
    assert recall_at(ranked, frozenset({"b", "f"}), 5) == 0.5
