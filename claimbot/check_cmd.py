"""`claimbot check`: the main job, from the terminal: one text, or a file of messages."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import click

from claimbot.context import EXIT_NO_ANSWER, AppContext, pass_app
from claimbot.output import check_json, echo_as, format_check
from verifiers.domain.errors import ClaimbotError, InvalidInput
from verifiers.domain.validation import JsonProblem, parse_json


@click.command("check")
@click.argument("text", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option(
    "--file",
    "batch",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    help="Check every message of this file (- for standard input): one message a line, or "
    'JSON lines with "text" (and optionally "id"). Prints one JSON result a line.',
)
@click.option(
    "--matcher",
    type=click.Choice(["lexical", "semantic"]),
    help="Matcher to use (default: from config).",
)
@pass_app
def check_command(
    app: AppContext, text: str | None, as_json: bool, batch: Path | None, matcher: str | None
) -> None:
    """Check TEXT against the claims database; with - or no TEXT, read standard input.

    Exit status 0 when some part of the text (with --file: of any message) is answered
    confidently, 1 when nothing is.
    """
    if batch is not None and text is not None:
        raise click.UsageError("give TEXT or --file, not both")
    if matcher is not None and matcher != app.settings.matching.matcher:
        app.use_matcher(matcher)
    if batch is not None:
        answered = _check_file(app, batch)
    else:
        if text is None or text == "-":
            if sys.stdin.isatty() and text is None:
                raise InvalidInput(
                    "nothing to check: give the text as an argument, or - to read stdin"
                )
            text = sys.stdin.buffer.read().decode("utf-8", errors="replace")
        result = app.service.check(text, app.check_scope)
        echo_as(as_json, result, check_json, format_check)
        answered = bool(result.matches)
    if not answered:
        click.get_current_context().exit(EXIT_NO_ANSWER)


def _check_file(app: AppContext, path: Path) -> bool:
    """One JSON line a message, in the file's order; a message that cannot be checked gets
    its error on its own line and the rest go on. The matcher (and a model) loads once."""
    answered = False
    with _opened(path) as handle:
        for line_no, message_id, message in _messages(handle):
            row: dict[str, Any] = {"line": line_no, "id": message_id}
            try:
                result = app.service.check(message, app.check_scope)
            except ClaimbotError as exc:
                row["error"] = str(exc)
            else:
                row.update(check_json(result))
                answered = answered or bool(result.matches)
            click.echo(json.dumps(row, ensure_ascii=False))
    return answered


def _opened(path: Path) -> IO[str]:
    if str(path) == "-":
        return open(sys.stdin.fileno(), encoding="utf-8", errors="replace", closefd=False)
    if not path.is_file():
        raise InvalidInput(f"no such file: {path}")
    return path.open(encoding="utf-8-sig", errors="replace")


def _messages(handle: IO[str]) -> Iterator[tuple[int, str | None, str]]:
    """(line number, the message's own id if it gave one, its text) for each non-empty line."""
    for line_no, line in enumerate(handle, 1):
        raw = line.strip()
        if not raw:
            continue
        if raw.startswith("{"):
            try:
                row = parse_json(raw)
            except JsonProblem:  # not JSON after all: the line is the message
                row = None
            if isinstance(row, dict) and isinstance(row.get("text"), str):
                given = row.get("id")
                yield line_no, None if given is None else str(given), row["text"]
                continue
        yield line_no, None, raw
