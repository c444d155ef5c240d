"""What a user of sqlite-utils, datasette or git expects of `claimbot`: data where they expect it,
exit statuses a script can use, tables with headers, global options and helpful refusals."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import click
import pytest

from claimbot.reference import command_contexts, root_command
from tests.claimbot.test_cli import ASKED_MOSCOW, Cli, one_error_line

SEEDS = 19  # the claims the seed file holds


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "claims.db", tmp_path)


def user_folders(tmp_path: Path) -> dict[str, str]:
    """An environment whose user folders (platformdirs' XDG ones) are inside `tmp_path`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAIMBOT_", "XDG_"))}
    env.update(
        HOME=str(tmp_path / "home"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )
    return env


def claimbot(*args: str, env: dict[str, str], cwd: Path, stdin: str | None = None):
    return subprocess.run(
        [sys.executable, "-m", "claimbot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=60,
    )


# -- where the data lives --------------------------------------------------------------------


def test_the_default_database_lives_in_the_user_data_folder_whatever_the_folder(
    tmp_path: Path,
) -> None:
    env = user_folders(tmp_path)
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    expected = tmp_path / "data" / "claimbot" / "claimbot.db"

    before = json.loads(claimbot("info", "--json", env=env, cwd=one).stdout)
    assert before["database"] == str(expected)
    assert not before["database_exists"]
    assert not expected.exists()  # `info` creates nothing

    first = claimbot("claims", "add", "Hedgehogs are lactose intolerant", env=env, cwd=one)
    assert first.returncode == 0, first.stderr
    assert first.stderr == f"created database {expected} with {SEEDS} seed claims\n"
    assert list(one.iterdir()) == []  # nothing left in the folder it ran from

    # From another folder: the same database, and no second announcement.
    listed = claimbot("claims", "list", "--contains", "hedgehogs", env=env, cwd=two)
    assert "Hedgehogs are lactose intolerant" in listed.stdout
    assert listed.stderr == ""
    info = json.loads(claimbot("info", "--json", env=env, cwd=two).stdout)
    assert info["database_exists"]
    assert info["database_bytes"] > 0
    assert info["claims"]["total"] == SEEDS + 1
    assert sum(info["claims"]["by_status"].values()) == SEEDS + 1
    assert info["claims"]["by_status"]["unverified"] >= 1
    assert info["matcher"] == "lexical"
    assert info["config_file"] is None


def test_a_mistyped_db_path_is_announced_and_json_stays_clean(cli: Cli, tmp_path: Path) -> None:
    typo = tmp_path / "claim.db"
    result = cli(
        "--db", str(typo), "check", "--json", "Trump asked Zelensky about Moscow", db=False
    )
    assert result.stderr == f"created database {typo} with {SEEDS} seed claims\n"
    json.loads(result.stdout)  # stdout is the JSON alone
    again = cli("--db", str(typo), "check", "--json", "Trump asked Zelensky about Moscow", db=False)
    assert again.stderr == ""


def test_info_names_the_config_file_in_use_and_counts_by_status(cli: Cli, tmp_path: Path) -> None:
    config = tmp_path / "claimbot.toml"
    config.write_text('[matching]\nmatcher = "lexical"\n')
    cli("claims", "list")
    out = cli("--config", str(config), "info")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("claimbot ")
    assert f"config:   {config}" in lines
    assert any(x.startswith(f"database: {tmp_path / 'claims.db'} (") for x in lines)
    assert any(x.startswith(f"claims:   {SEEDS} (") and "confirmed" in x for x in lines)
    assert f"indexes:  {tmp_path / 'claims.db-index'}" in lines
    assert any(x.startswith("  search:  ") for x in lines)


def test_info_tells_an_index_not_built_yet_and_one_behind(cli: Cli, tmp_path: Path) -> None:
    cli("claims", "list")  # makes the database; only a search builds the index
    assert not (tmp_path / "claims.db-index").exists()
    info = json.loads(cli("info", "--json").stdout)
    assert info["indexes"]["folder"] == str(tmp_path / "claims.db-index")
    assert info["indexes"]["search"] is None
    assert "search:  not built yet" in cli("info").stdout
    cli("check", "Trump asked Zelensky whether Ukraine could hit Moscow")  # builds it
    assert json.loads(cli("info", "--json").stdout)["indexes"]["search"] == {
        "claims": SEEDS,
        "current": True,
    }
    claim = json.loads(cli("claims", "list", "--json").stdout)[0]["id"]
    with sqlite3.connect(tmp_path / "claims.db") as db:  # another program's change
        db.execute(
            "INSERT INTO audit (claim_pk, at, actor, action) SELECT pk, '2030-01-01',"
            " 'x', 'edit' FROM claims WHERE id = ?",
            (claim,),
        )
    assert "behind the database" in cli("info").stdout


# -- exit statuses and standard input ----------------------------------------------------------


def test_check_exit_status_tells_answered_from_silent_from_error(cli: Cli) -> None:
    assert cli("check", "Trump asked Zelensky whether Ukraine could hit Moscow").returncode == 0
    assert cli("check", "good morning everyone! lol").returncode == 1
    assert cli("check", "--matcher", "psychic", "hello").returncode == 2


def test_check_reads_standard_input_with_no_text(cli: Cli) -> None:
    piped = cli("check", "--json", stdin=b"Trump gave Russia 50 days to agree a peace deal")
    assert piped.returncode == 0, piped.stderr
    [result] = json.loads(piped.stdout)["results"]
    assert result["match"]["status"] == "confirmed"


# -- claims list -------------------------------------------------------------------------------


def test_claims_list_is_a_table_with_a_header_and_says_when_there_is_more(cli: Cli) -> None:
    everything = cli("claims", "list")
    lines = everything.stdout.splitlines()
    assert lines[0].split() == ["id", "status", "text"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert lines[-1] == f"{SEEDS} claims"
    assert len(lines) == SEEDS + 3
    some = cli("claims", "list", "--limit", "5", "--offset", "5").stdout.splitlines()
    assert len(some) == 2 + 5 + 1
    assert some[-1] == f"showing 6–10 of {SEEDS} claims: use --limit and --offset for the rest"


def test_claims_list_speaks_csv_json_and_newline_json(cli: Cli) -> None:
    table_ids = [x.split()[0] for x in cli("claims", "list").stdout.splitlines()[2:-1]]
    as_csv = cli("claims", "list", "--csv", "--limit", "3")
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [r["id"] for r in rows] == table_ids[:3]
    assert {"id", "status", "text", "explanation", "sources"} <= set(rows[0])
    assert as_csv.stderr.strip().endswith(
        f"showing 1–3 of {SEEDS} claims: use --limit and --offset for the rest"
    )
    full = cli.json("claims", "show", rows[0]["id"], "--json")
    assert rows[0]["text"] == full["text"]
    assert int(rows[0]["sources"]) == len(full["sources"])
    lines = cli("claims", "list", "--nl", "--limit", "4").stdout.splitlines()
    assert [json.loads(x)["id"] for x in lines] == table_ids[:4]
    as_json = cli.json("claims", "list", "--json", "--limit", "1000")
    assert [c["id"] for c in as_json] == table_ids


# -- global --guild ------------------------------------------------------------------------------


def test_guild_is_one_global_option(cli: Cli) -> None:
    added = cli.json("--guild", "42", "claims", "add", "The pier reopened in June", "--json")
    assert added["guild_id"] == 42
    mine = cli.json("--guild", "42", "claims", "list", "--json", "--limit", "1000")
    other = cli.json("--guild", "7", "claims", "list", "--json", "--limit", "1000")
    assert added["id"] in {c["id"] for c in mine}
    assert added["id"] not in {c["id"] for c in other}
    late = cli("claims", "list", "--guild", "42")
    assert late.returncode == 2
    assert "--guild goes before the command: claimbot --guild ID" in one_error_line(late)


# -- unretire, duplicates ------------------------------------------------------------------------


def test_a_retired_claim_can_be_brought_back(cli: Cli) -> None:
    text = "Trump asked Zelensky whether Ukraine could hit Moscow"
    assert cli("claims", "retire", ASKED_MOSCOW, "--reason", "checking").returncode == 0
    assert cli.json("check", "--json", text, status=1)["results"][0]["match"] is None
    result = cli("claims", "unretire", ASKED_MOSCOW, "--reason", "it stands")
    assert (result.returncode, result.stdout) == (0, f"unretired {ASKED_MOSCOW}\n")
    assert cli.json("check", "--json", text)["results"][0]["match"]["claim_id"] == ASKED_MOSCOW
    history = cli.json("claims", "history", ASKED_MOSCOW, "--json")
    assert [h["action"] for h in history][-2:] == ["retire", "unretire"]
    again = cli("claims", "unretire", ASKED_MOSCOW)
    assert again.returncode == 2
    assert "is not retired" in one_error_line(again)


def test_adding_a_claim_already_there_shows_it_and_needs_force(cli: Cli) -> None:
    first = cli.json(
        "claims", "add", "Octopuses have three hearts", "--status", "confirmed", "--json"
    )
    count = len(cli.json("claims", "list", "--json", "--limit", "1000"))
    for again in ("octopuses have three hearts!", "Octopuses have three heart"):
        result = cli("claims", "add", again)
        assert result.returncode == 2
        line = one_error_line(result)
        assert first["id"] in line
        assert "[confirmed]" in line
        assert "--force" in line
    assert len(cli.json("claims", "list", "--json", "--limit", "1000")) == count
    # a different number is a different claim, not a duplicate
    assert cli("claims", "add", "Octopuses have nine hearts").returncode == 0
    forced = cli("claims", "add", "octopuses have three hearts!", "--force")
    assert forced.returncode == 0, forced.stderr
    assert len(cli.json("claims", "list", "--json", "--limit", "1000")) == count + 2


# -- config, help --------------------------------------------------------------------------------


def test_a_misspelt_setting_is_refused_with_the_closest_name(cli: Cli, tmp_path: Path) -> None:
    config = tmp_path / "claimbot.toml"
    config.write_text("[matching]\nconfident_treshold = 0.9\n")
    line = one_error_line(cli("--config", str(config), "claims", "list"))
    assert line == (
        f"error: unknown setting matching.confident_treshold in {config}"
        " (did you mean 'confident_threshold'?)"
    )
    config.write_text("[matchng]\nmatcher = 'lexical'\n")
    line = one_error_line(cli("--config", str(config), "claims", "list"))
    assert line == f"error: unknown setting matchng in {config} (did you mean 'matching'?)"


def test_help_listings_show_each_commands_whole_first_sentence(cli: Cli) -> None:
    for ctx in command_contexts(root_command()):
        group = ctx.command
        if not isinstance(group, click.Group):
            continue
        path = ctx.command_path
        shown = cli(*path.split()[1:], "--help").stdout
        listing = " ".join(shown.split("Commands:")[1].split())
        assert "..." not in listing, path
        for sub in group.commands.values():
            if not sub.hidden:
                first = " ".join((sub.help or "").split("\n\n")[0].split())
                assert first.split(". ")[0] in listing, f"{path}: {first}"


def test_a_long_paste_reports_checked_and_skipped_parts(cli: Cli) -> None:
    paste = " ".join(
        f"The harbour in town number {n} handled {n} thousand container ships last spring."
        for n in range(1, 21)
    )
    out = cli.json("check", "--json", paste, status=1)
    assert (out["checked_segments"], out["skipped_segments"]) == (12, 8)
    text = cli("check", paste).stdout
    assert "Checked the 12 most claim-like parts of the message; 8 more were not checked" in text


def test_check_file_gives_one_json_line_a_message_and_goes_on_past_a_bad_one(
    cli: Cli, tmp_path: Path
) -> None:
    imported = tmp_path / "mine.csv"
    imported.write_text(
        "id,text,status\nfc-77,The Thornley ferry strike began on 3 February 2025,confirmed\n"
    )
    assert cli("import", str(imported)).returncode == 0
    batch = tmp_path / "messages.txt"
    batch.write_text(
        "Trump asked Zelensky whether Ukraine could hit Moscow\n"
        "\n"
        '{"id": "m2", "text": "the Thornley ferry strike began on 3 February 2025"}\n'
        '{"text": "   "}\n'
        "good morning all\n",
        encoding="utf-8",
    )
    result = cli("check", "--file", str(batch))
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["line"] for r in rows] == [1, 3, 4, 5]
    assert rows[0]["results"][0]["match"]["claim_id"] == ASKED_MOSCOW
    ferry = rows[1]["results"][0]["match"]
    assert (rows[1]["id"], ferry["external_id"]) == ("m2", "fc-77")
    assert "empty" in rows[2]["error"]
    assert rows[3]["results"] == []
    piped = cli("check", "--file", "-", stdin=batch.read_bytes())
    assert piped.stdout == result.stdout
    nothing = cli("check", "--file", "-", stdin=b"good morning all\nlovely weather\n")
    assert nothing.returncode == 1
    assert len(nothing.stdout.splitlines()) == 2
