"""`claimbot import` on hostile files of every format: imported whole, or refused with error
lines and nothing written; never a traceback, never exit status 70.

Each file goes through the real entry point (`claimbot.main.main`) into one real SQLite file; the
claims are counted before and after, so a refused import that wrote anything is caught.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.claimbot.test_import_export import Claimbot, Run
from tests.fuzz.strategies import (
    INPUTS,
    claimreview_files,
    jsonl_files,
    messages,
    table_files,
)

MAX_LINE = 1_000  # an error line names what is wrong; it never repeats a whole value
IMPORTED = re.compile(r"imported (\d+) claim\(s\)")


@pytest.fixture(scope="module")
def claimbot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Claimbot]:
    return Claimbot(tmp_path_factory.mktemp("fuzz-import"), "claims")


def _count(claimbot: Claimbot) -> int:
    with sqlite3.connect(claimbot.db) as conn:
        return int(conn.execute("SELECT count(*) FROM claims").fetchone()[0])


def assert_clean(run: Run) -> None:
    """Done, or refused the way every error is: `error: ...`, exit status 2, no traceback."""
    assert "Traceback" not in run.err, run.err
    assert "internal error" not in run.err, run.err
    assert run.code in (0, 2), run
    assert all(line and len(line) <= MAX_LINE for line in run.err.splitlines()), run.err
    if run.code == 2:
        assert run.err.startswith("error: "), run.err


def _import(claimbot: Claimbot, name: str, data: bytes, *args: str) -> None:
    INPUTS["import files"] += 1
    path = claimbot.db.parent / name
    path.write_bytes(data)
    before = _count(claimbot)
    run = claimbot("import", *args, str(path))
    assert_clean(run)
    if run.code == 2:  # all or nothing
        assert _count(claimbot) == before, run.err
    else:
        INPUTS["import files imported"] += 1
        added = IMPORTED.search(run.out)
        assert added is not None, run.out
        assert _count(claimbot) == before + int(added.group(1))


@given(jsonl_files(), st.sampled_from(["f.jsonl", "f.ndjson"]))
def test_jsonl(claimbot: Claimbot, data, name) -> None:
    _import(claimbot, name, data)


@given(table_files(","), st.sampled_from(["f.csv", "f.CSV"]))
def test_csv(claimbot: Claimbot, data, name) -> None:
    _import(claimbot, name, data)


@given(table_files("\t") | table_files(";"), st.booleans())
def test_tsv_and_semicolons(claimbot: Claimbot, data, ignore_unknown) -> None:
    flags = ["--ignore-unknown"] if ignore_unknown else []
    name = "f.tsv" if b"\t" in data else "f.csv"
    _import(claimbot, name, data, *flags)


@given(claimreview_files(), st.sampled_from(["f.json", "f.jsonld"]))
def test_claimreview(claimbot: Claimbot, data, name) -> None:
    _import(claimbot, name, data)


@given(
    st.binary(max_size=300) | jsonl_files() | claimreview_files(),
    st.sampled_from(["jsonl", "csv", "tsv", "claimreview"]),
)
def test_any_bytes_in_any_format(claimbot: Claimbot, data, fmt) -> None:
    _import(claimbot, "f.dat", data, "--format", fmt)


@given(st.lists(messages, max_size=5), st.booleans())
def test_check_file(claimbot: Claimbot, lines, as_json) -> None:
    """`claimbot check --file`: one message a line, or JSON lines with `text`."""
    INPUTS["check --file files"] += 1
    if as_json:
        lines = [f'{{"text": "{line}", "id": {len(line)}}}' for line in lines]
    path = claimbot.db.parent / "messages.txt"
    path.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass"))
    run = claimbot("check", "--file", str(path))
    assert "Traceback" not in run.err, run.err
    assert "internal error" not in run.err, run.err
    assert run.code in (0, 1, 2), run
