"""`claimbot check`: the main job, from the terminal."""

from __future__ import annotations

import sys

import click

from cli.context import EXIT_NO_ANSWER, AppContext, pass_app
from cli.output import check_json, echo_as, format_check
from verifiers.errors import InvalidInput


@click.command("check")
@click.argument("text", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option(
    "--matcher",
    type=click.Choice(["lexical", "semantic"]),
    help="Matcher to use (default: from config).",
)
@pass_app
def check_command(app: AppContext, text: str | None, as_json: bool, matcher: str | None) -> None:
    """Check TEXT against the claims database; with - or no TEXT, read standard input.

    Exit status 0 when some part of the text is answered confidently, 1 when nothing is.
    """
    if text is None or text == "-":
        if sys.stdin.isatty() and text is None:
            raise InvalidInput("nothing to check: give the text as an argument, or - to read stdin")
        raw = sys.stdin.buffer.read()
        text = raw.decode("utf-8", errors="replace")
    if matcher is not None and matcher != app.settings.matching.matcher:
        app.use_matcher(matcher)
    result = app.service.check(text, app.check_scope)
    echo_as(as_json, result, check_json, format_check)
    if not result.matches:
        click.get_current_context().exit(EXIT_NO_ANSWER)
