"""The `claimbot` command line, run as a user runs it: a real process on a real SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ASKED_MOSCOW = "ft-trump-asked-can-you-hit-moscow"


class Cli:
    def __init__(self, db: Path, cwd: Path) -> None:
        self.db = db
        self.cwd = cwd

    def __call__(
        self, *args: str, stdin: bytes | None = None, db: bool = True
    ) -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-m", "claimbot"]
        if db:
            argv += ["--db", str(self.db)]
        env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMBOT_")}
        proc = subprocess.run(
            [*argv, *args], input=stdin, capture_output=True, cwd=self.cwd, env=env, timeout=60
        )
        return subprocess.CompletedProcess(
            proc.args, proc.returncode, proc.stdout.decode(), proc.stderr.decode()
        )

    def json(self, *args: str, status: int = 0) -> object:
        result = self(*args)
        assert result.returncode == status, result.stderr
        return json.loads(result.stdout)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "claims.db", tmp_path)


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The error line, and nothing else but the notice of a database just created."""
    lines = [x for x in result.stderr.strip().splitlines() if not x.startswith("created database")]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr
    return lines[0]


def test_check_json_answers_from_the_seeded_database(cli: Cli) -> None:
    out = cli.json("check", "--json", "Trump asked Zelensky whether Ukraine could hit Moscow")
    assert out["input"].startswith("Trump asked")
    [result] = out["results"]
    match = result["match"]
    assert match["claim_id"] == ASKED_MOSCOW
    assert match["status"] == "reported"
    assert match["stance"] == "agrees"
    assert 0 < match["score"] <= 1
    assert match["flags"] == 0
    publishers = {s["publisher"] for s in match["sources"]}
    assert {"Financial Times", "Newspoint (Newszop)"} <= publishers
    assert all(
        {"url", "publisher", "title", "published", "quote"} <= s.keys() for s in match["sources"]
    )


def test_check_human_output_names_status_and_sources(cli: Cli) -> None:
    result = cli("check", "Trump gave Russia 50 days to agree a peace deal or face sanctions")
    assert result.returncode == 0, result.stderr
    assert "CONFIRMED" in result.stdout
    assert "Newspoint (Newszop)" in result.stdout


def test_check_chit_chat_is_silent(cli: Cli) -> None:
    out = cli.json("check", "--json", "good morning everyone! lol", status=1)
    assert all(r["match"] is None for r in out["results"])


def test_check_reads_stdin(cli: Cli) -> None:
    result = cli(
        "check",
        "--json",
        "-",
        stdin=b"Trump said Putin fooled Clinton, Bush, Obama and Biden",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["results"][0]["match"] is not None


def test_check_empty_text_is_one_clear_line(cli: Cli) -> None:
    result = cli("check", "   ")
    assert result.returncode == 2
    assert "empty" in one_error_line(result)


def test_check_huge_and_binary_input_do_not_crash(cli: Cli) -> None:
    huge = "Trump asked Zelensky whether Ukraine could hit Moscow. " * 2_000
    assert len(huge) > 100_000
    result = cli("check", "--json", "-", stdin=huge.encode())
    assert result.returncode == 0, result.stderr
    junk = bytes(range(256)) * 50
    result = cli("check", "--json", "-", stdin=junk)
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr


def test_sql_metacharacters_are_just_text(cli: Cli) -> None:
    before = len(cli.json("claims", "list", "--json", "--limit", "1000"))
    for text in ["'; DROP TABLE claims; --", 'Moscow" OR 1=1 --', "NEAR(moscow trump) * ^ :"]:
        result = cli("check", "--json", text)
        assert result.returncode in (0, 1), result.stderr
        assert "Traceback" not in result.stderr
    assert len(cli.json("claims", "list", "--json", "--limit", "1000")) == before


def test_claim_lifecycle_with_history(cli: Cli) -> None:
    added = cli.json(
        "claims",
        "add",
        "The city council banned e-scooters downtown in March 2025",
        "--status",
        "unverified",
        "--source-url",
        "https://example.org/scooters",
        "--publisher",
        "Example Gazette",
        "--published",
        "2025-03-02",
        "--quote",
        "the ban",
        "--json",
    )
    claim_id = added["id"]
    assert added["version"] == 1
    assert (
        cli("claims", "edit", claim_id, "--explanation", "Council minutes pending.").returncode == 0
    )
    result = cli("claims", "status", claim_id, "confirmed", "--explanation", "Minutes published.")
    assert result.returncode == 0, result.stderr
    shown = cli.json("claims", "show", claim_id, "--json")
    assert shown["status"] == "confirmed"
    assert shown["version"] == 3
    history = cli.json("claims", "history", claim_id, "--json")
    changed = {(h["field"], h["old"], h["new"]) for h in history if h["field"]}
    assert ("status", "unverified", "confirmed") in changed
    assert all(h["actor"].startswith("cli:") for h in history)
    # the new claim is matchable at once
    out = cli.json("check", "--json", "e-scooters were banned downtown by the city council")
    assert out["results"][0]["match"]["claim_id"] == claim_id


def test_stale_edit_is_refused(cli: Cli) -> None:
    result = cli("claims", "edit", ASKED_MOSCOW, "--explanation", "x y z", "--expect-version", "7")
    assert result.returncode == 2
    assert "changed meanwhile" in one_error_line(result)


def test_bad_input_gets_one_line(cli: Cli) -> None:
    unknown = cli("claims", "show", "no-such-claim")
    assert unknown.returncode == 2
    assert "no-such-claim" in one_error_line(unknown)
    bad_status = cli("claims", "status", ASKED_MOSCOW, "sorta-true")
    assert bad_status.returncode == 2
    assert "sorta-true" in one_error_line(bad_status)
    bad_date = cli("claims", "add", "Something happened somewhere", "--claim-date", "yesterday")
    assert bad_date.returncode == 2
    assert "claim_date" in one_error_line(bad_date)


def test_flag_and_resolve(cli: Cli) -> None:
    result = cli("flags", "add", ASKED_MOSCOW, "--reason", "The call was on July 3", "--user", "u1")
    assert result.returncode == 0, result.stderr
    # `claimbot flag`, the command's first name, still works
    again = cli("flag", ASKED_MOSCOW, "--reason", "again", "--user", "u1")
    assert again.returncode == 2
    assert "already have an open dispute" in one_error_line(again)
    one_error_line(again)
    [flag] = cli.json("flags", "list", "--json")
    assert flag["claim_id"] == ASKED_MOSCOW
    assert flag["user_id"] == "u1"
    out = cli.json("check", "--json", "Trump asked Zelensky whether Ukraine could hit Moscow")
    assert out["results"][0]["match"]["flags"] == 1
    result = cli(
        "flags",
        "resolve",
        str(flag["id"]),
        "--uphold",
        "--status",
        "disputed",
        "--note",
        "reviewing",
    )
    assert result.returncode == 0, result.stderr
    assert cli.json("claims", "show", ASKED_MOSCOW, "--json")["status"] == "disputed"
    assert cli.json("flags", "list", "--json") == []


def test_held_flags_are_shown_and_dismissed_as_a_group(cli: Cli) -> None:
    for n in range(7):  # five new disputes an hour count publicly; the rest are held
        result = cli("flags", "add", ASKED_MOSCOW, "--reason", "no", "--user", f"u{n}")
        assert result.returncode == 0, result.stderr
    out = cli.json("check", "--json", "Trump asked Zelensky whether Ukraine could hit Moscow")
    assert out["results"][0]["match"]["flags"] == 5
    listed = cli("flags", "list").stdout
    assert listed.count("not counted publicly: in a burst") == 2
    done = cli("flags", "dismiss-held", ASKED_MOSCOW, "--note", "a rush")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"2 held flag(s) on {ASKED_MOSCOW} dismissed as a group: #")
    assert "queued a DM for 2 flagger(s)" in done.stdout
    assert len(cli.json("flags", "list", "--json")) == 5
    dismissed = cli.json("flags", "list", "--state", "dismissed", "--json")
    assert [f["group_dismissed"] for f in dismissed] == [True, True]


def test_import_is_all_or_nothing_and_names_the_row(cli: Cli, tmp_path: Path) -> None:
    before = len(cli.json("claims", "list", "--json", "--limit", "1000"))
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "id,text,status\n"
        "a1,The river flooded the old town in 2024,confirmed\n"
        "a2,The mayor resigned after the flood,sorta\n",
        encoding="utf-8",
    )
    result = cli("import", str(bad))
    assert result.returncode == 2
    line = one_error_line(result)
    assert "line 3" in line
    assert "status" in line
    assert len(cli.json("claims", "list", "--json", "--limit", "1000")) == before

    good = tmp_path / "good.tsv"
    good.write_text(
        "id\ttext\ttitle\tstatus\tsource_url\tpublisher\n"
        'b1\t"A multi-line\nclaim about bridges"\tBridges\tfalse\thttps://example.org/b\tEx\n'
        "b2\tThe bridge reopened in May\t\tconfirmed\t\t\n",
        encoding="utf-8",
    )
    result = cli("import", str(good))
    assert result.returncode == 0, result.stderr
    assert "imported 2" in result.stdout
    assert "skipped 2" in cli("import", str(good)).stdout
    claims = cli.json("claims", "list", "--json", "--limit", "1000")
    assert len(claims) == before + 2
    assert {c["external_id"] for c in claims} >= {"b1", "b2"}


def test_import_of_a_large_file_is_still_all_or_nothing(cli: Cli, tmp_path: Path) -> None:
    """The file is read while it is imported, a chunk at a time; a bad row after the first
    chunk has been written still leaves the database as it was, and the message names it."""
    from verifiers.store.sql.claims import IMPORT_CHUNK

    before = len(cli.json("claims", "list", "--json", "--limit", "1000"))
    rows = [
        f"big{n},Claim {n}: the harbour handled {n} ships in March,confirmed"
        for n in range(IMPORT_CHUNK + 1)
    ]
    big = tmp_path / "big.csv"
    big.write_text("id,text,status\n" + "\n".join([*rows, "late,The harbour closed,maybe"]) + "\n")
    result = cli("import", str(big))
    assert result.returncode == 2
    line = one_error_line(result)
    assert f"line {IMPORT_CHUNK + 3}" in line
    assert "status" in line
    assert "nothing imported" in line
    assert len(cli.json("claims", "list", "--json", "--limit", "1000")) == before
    big.write_text("id,text,status\n" + "\n".join(rows) + "\n")
    assert f"imported {IMPORT_CHUNK + 1} claim(s)" in cli("import", str(big)).stdout


def test_export_and_claimreview_round_trip(cli: Cli, tmp_path: Path) -> None:
    jsonl = cli("export")
    rows = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert {r["id"] for r in rows} >= {ASKED_MOSCOW}
    target = tmp_path / "reviews.jsonld"
    assert cli("export", "--format", "claimreview", "-o", str(target)).returncode == 0
    reviews = json.loads(target.read_text())
    assert all(r["@type"] == "ClaimReview" and r["claimReviewed"] for r in reviews)
    other = Cli(tmp_path / "other.db", tmp_path)
    assert other("--db", str(other.db), "claims", "list", db=False).returncode == 0
    # into a guild of a fresh database, so seeded ids do not collide
    result = other("--guild", "42", "import", str(target))
    assert result.returncode == 0, result.stderr
    imported = other.json("--guild", "42", "claims", "list", "--json", "--limit", "1000")
    mine = {c["text"]: c["status"] for c in imported if c["guild_id"] == 42}
    original = {r["text"]: r["status"] for r in rows}
    assert mine == original


def test_export_is_written_whole_or_not_at_all(cli: Cli, tmp_path: Path) -> None:
    missing = tmp_path / "gone" / "claims.jsonl"
    line = one_error_line(cli("export", "-o", str(missing)))
    assert (
        line == f"error: --output: cannot write {missing}: folder {missing.parent} does not exist"
    )
    assert not missing.parent.exists()
    assert "is a directory" in one_error_line(cli("export", "-o", str(tmp_path)))
    target = tmp_path / "claims.jsonl"
    target.write_text("yesterday's export\n")
    (tmp_path / "claims.jsonl.partial").mkdir()  # the file cannot be written: an OS error
    failed = cli("export", "-o", str(target))
    assert failed.returncode == 2
    assert one_error_line(failed) == f"error: {target}.partial: Is a directory"
    assert target.read_text() == "yesterday's export\n"  # the old export is kept whole
    (tmp_path / "claims.jsonl.partial").rmdir()
    assert "exported" in cli("export", "-o", str(target)).stdout
    assert ASKED_MOSCOW in target.read_text()
    assert not (tmp_path / "claims.jsonl.partial").exists()


def test_a_file_interrupted_while_written_leaves_the_old_one(tmp_path: Path) -> None:
    from claimbot.files import replaced_whole

    target = tmp_path / "rows.jsonl"
    target.write_text("old\n")
    with pytest.raises(KeyboardInterrupt), replaced_whole(target) as out:  # noqa: PT012 - the interrupt comes mid-write
        out.write("half of the new\n")
        raise KeyboardInterrupt
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["rows.jsonl"]


def test_new_db_path_is_created_and_seeded_once(cli: Cli, tmp_path: Path) -> None:
    first = cli.json("claims", "list", "--json", "--limit", "1000")
    assert len(first) >= 12
    report = cli("seed")
    assert report.returncode == 0
    assert "0 added" in report.stdout
    assert len(cli.json("claims", "list", "--json", "--limit", "1000")) == len(first)


def test_db_in_missing_directory_and_bad_config_are_one_line(cli: Cli, tmp_path: Path) -> None:
    result = cli("--db", str(tmp_path / "nope" / "x.db"), "claims", "list", db=False)
    assert result.returncode == 2
    one_error_line(result)
    config = tmp_path / "bad.toml"
    config.write_text("[matching]\nconfident_threshold = 3\n")
    result = cli("--config", str(config), "check", "hello there friend")
    assert result.returncode == 2
    assert "matching.confident_threshold" in one_error_line(result)
