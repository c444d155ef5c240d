"""`claimbot check`: the main job, from the terminal."""

from __future__ import annotations

import sys

import click

from cli.context import AppContext, check_scope_for, pass_app
from cli.output import check_json, echo_as, format_check
from verifiers.errors import InvalidInput


@click.command("check")
@click.argument("text", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option(
    "--guild", type=int, help="Check as this Discord server (its claims plus global ones)."
)
@click.option(
    "--matcher",
    type=click.Choice(["lexical", "semantic"]),
    help="Matcher to use (default: from config).",
)
@pass_app
def check_command(
    app: AppContext, text: str | None, as_json: bool, guild: int | None, matcher: str | None
) -> None:
    """Check TEXT (or standard input, with -) against the claims database."""
    if text is None or text == "-":
        if sys.stdin.isatty() and text is None:
            raise InvalidInput("nothing to check: give the text as an argument, or - to read stdin")
        raw = sys.stdin.buffer.read()
        text = raw.decode("utf-8", errors="replace")
    if matcher is not None and matcher != app.settings.matching.matcher:
        app.use_matcher(matcher)
    echo_as(as_json, app.service.check(text, check_scope_for(guild)), check_json, format_check)
