"""The generated reference pages match the code: every command, option and setting, current."""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from claimbot.claims_cmd import claims_group
from claimbot.reference import (
    EXAMPLE,
    REFERENCE,
    REGENERATE,
    command_contexts,
    example_keys,
    example_value,
    model_fields,
    pages,
    root_command,
    settings_markdown,
    slug,
    visible_options,
)
from tests.paths import REPO

ROOT = REPO


def _stale(name: str, expected: str) -> str | None:
    """None when docs/reference/<name> holds `expected`; else what to do and where it differs."""
    path = REFERENCE / name
    actual = path.read_text(encoding="utf-8") if path.is_file() else ""
    if actual == expected:
        return None
    diff = difflib.unified_diff(
        actual.splitlines(), expected.splitlines(), "committed", "generated", lineterm="", n=1
    )
    shown = "\n".join(list(diff)[:40])
    return (
        f"docs/reference/{name} is out of date: run `{REGENERATE}` from the repository root "
        f"and commit docs/reference/\n{shown}"
    )


@pytest.mark.parametrize("name", ["cli.md", "settings.md"])
def test_the_committed_reference_is_what_the_code_generates(name: str) -> None:
    problem = _stale(name, pages()[name])
    if problem:
        pytest.fail(problem, pytrace=False)


def test_the_cli_page_has_every_command_with_every_option_and_its_help() -> None:
    page = pages()["cli.md"]
    sections = {part.split("\n", 1)[0]: part for part in page.split("\n## ")[1:]}
    contexts = list(command_contexts(root_command()))
    assert len(contexts) > 30  # the whole tree, not the root alone
    for ctx in contexts:
        section = sections.get(ctx.command_path)
        assert section is not None, f"no section for {ctx.command_path}"
        assert f"](#{slug(ctx.command_path)})" in page  # listed in the contents
        assert f"Usage: {ctx.command_path}" in section
        for option in visible_options(ctx):
            assert option.opts[0] in section, f"{ctx.command_path} {option.opts[0]}"
    assert "claimbot claims add" in sections
    assert "--source-url" in sections["claimbot claims add"]


def test_hidden_commands_are_left_out() -> None:
    @click.group()
    def root() -> None:
        """Root."""

    @root.command("shown")
    @click.option("--level", help="How much.")
    def shown(level: str) -> None:
        """A command people use."""

    @root.command("secret", hidden=True)
    def secret() -> None:
        """An alias kept for old scripts."""

    paths = [ctx.command_path for ctx in command_contexts(root, "tool")]
    assert paths == ["tool", "tool shown"]


def test_the_page_does_not_depend_on_what_showed_a_command_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # click keeps a command's first help option; this test's is dropped afterwards
    monkeypatch.setattr(claims_group, "_help_option", None)
    elsewhere = click.Group("other", commands=[claims_group])  # no -h there
    assert CliRunner().invoke(elsewhere, ["claims", "--help"]).exit_code == 0
    section = pages()["cli.md"].split("\n## claimbot claims\n", 1)[1].split("\n## ", 1)[0]
    assert "-h, --help" in section


def test_regenerating_writes_the_pages(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "claimbot.reference", "--out", str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for name, text in pages().items():
        assert (tmp_path / name).read_text(encoding="utf-8") == text
        assert str(tmp_path / name) in done.stdout


def test_every_option_has_help() -> None:
    missing = [
        f"{ctx.command_path} {max(option.opts, key=len)}"
        for ctx in command_contexts(root_command())
        for option in visible_options(ctx)
        if not (option.help or "").strip()
    ]
    assert missing == []


# -- settings -------------------------------------------------------------------------------


def test_the_example_file_and_the_settings_models_name_the_same_settings() -> None:
    in_example = [(key.section, key.key) for key in example_keys()]
    in_models = set(model_fields())
    assert len(in_example) == len(set(in_example)), "a key is written twice in the example"
    assert sorted(in_models - set(in_example), key=str) == [], "settings the example lacks"
    assert sorted(set(in_example) - in_models, key=str) == [], "example keys that are no setting"


def test_the_example_file_writes_each_default(monkeypatch: pytest.MonkeyPatch) -> None:
    # the adapter's default reads this variable's older name: the default is what it is unset
    monkeypatch.delenv("CLAIMBOT_MINILM_ADAPTER", raising=False)
    fields = model_fields()
    written = {(k.section, k.key): example_value(k) for k in example_keys() if not k.commented}
    defaults = {where: fields[where].get_default(call_default_factory=True) for where in written}
    assert written == defaults
    unset = [k for k in example_keys() if k.commented]
    assert unset
    assert all(
        fields[(key.section, key.key)].get_default(call_default_factory=True) is None
        for key in unset
    ), "a key shown commented out must be unset by default"


def test_a_setting_without_a_comment_is_refused(tmp_path: Path) -> None:
    example = tmp_path / "config.toml"
    example.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace(
            "# At most this many sentences/clauses of one message are checked.\n", "\n"
        ),
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"\[matching\] max_segments has no comment"):
        settings_markdown(example)


def test_the_settings_page_gives_each_setting_its_default_variable_and_comment() -> None:
    page = pages()["settings.md"]
    row = next(line for line in page.splitlines() if line.startswith("| `max_segments` |"))
    assert "`12`" in row
    assert "integer, ≥ 1, ≤ 50" in row
    assert "`CLAIMBOT_MATCHING_MAX_SEGMENTS`" in row
    assert "At most this many sentences/clauses of one message are checked." in row
    token = next(line for line in page.splitlines() if line.startswith("| `token` |"))
    assert "unset" in token
    assert "`CLAIMBOT_DISCORD_TOKEN`" in token
