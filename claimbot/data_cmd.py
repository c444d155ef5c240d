"""`claimbot import | export | seed`: claims in and out, in bulk."""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Iterable
from contextlib import nullcontext
from pathlib import Path

import click

from claimbot.context import AppContext, pass_app
from claimbot.files import replaced_whole
from claimbot.output import claim_json
from verifiers.domain.errors import InvalidInput
from verifiers.domain.models import ClaimFields
from verifiers.files import writable
from verifiers.interchange.claimreview import export_claimreviews, read_claimreview_file
from verifiers.interchange.tabular import FORMATS, ClaimFile, column_help, quoted_names
from verifiers.seeding import load_seed_claims

IMPORT_HELP = "\n\n".join(
    [
        "Import claims from a CSV, TSV, JSONL or ClaimReview JSON-LD FILE: all rows or none.",
        "Every problem of every row is listed, and nothing is imported until there are none. "
        "The file's id is kept as the claim's external id: rows already imported are skipped.",
        "Columns (JSONL: keys) are matched in any case, with spaces or hyphens for underscores; "
        "a byte-order mark (Excel's 'CSV UTF-8') is ignored, and a CSV whose header has "
        "semicolons and no commas is read as semicolon-separated. An unknown column is an error "
        "unless --ignore-unknown is given. The columns, and the other names they go by:",
        "\b\n"
        + "\n".join(
            textwrap.fill(line, width=98, initial_indent="  ", subsequent_indent="      ")
            for line in column_help()
        ),
        "JSONL rows as `claimbot export` writes them import as they are (created_at, "
        "created_by, updated_at, updated_by and version are the importing database's own). "
        "A .json or .jsonld FILE is read as ClaimReview JSON-LD: the claims, their sources and "
        "verdicts, as `claimbot export --format claimreview` writes them.",
    ]
)


@click.command("import", help=IMPORT_HELP)
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice([*FORMATS, "claimreview"]),
    help="File format (default: from the file name).",
)
@click.option(
    "--ignore-unknown",
    is_flag=True,
    help="Import without the columns (keys) not listed above, naming them on stderr.",
)
@pass_app
def import_command(app: AppContext, file: Path, fmt: str | None, ignore_unknown: bool) -> None:
    if not file.is_file():
        raise InvalidInput(f"no such file: {file}")
    claim_file: ClaimFile | None = None
    if fmt == "claimreview" or (fmt is None and file.suffix.lower() in (".json", ".jsonld")):
        items: Iterable[ClaimFields] = read_claimreview_file(file, app.guild)
    else:  # read while importing: never all in memory
        items = claim_file = ClaimFile(file, fmt, app.guild, ignore_unknown=ignore_unknown)
    report = app.store.import_claims(items, app.actor)
    retired = claim_file.retired if claim_file else 0
    click.echo(
        f"imported {report.added} claim(s)"
        + (f"; skipped {report.skipped} already imported" if report.skipped else "")
        + (f"; skipped {retired} retired" if retired else "")
    )
    if claim_file and claim_file.ignored:
        names = quoted_names(claim_file.ignored)
        click.echo(f"ignored unknown column(s) in {file.name}: {names}", err=True)
    if report.added and app.settings.matching.matcher == "semantic":
        from claimbot.embed_cmd import embed_missing  # the semantic matcher embeds claims once

        embed_missing(app.store, app.settings.matching)


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "claimreview"]),
    default="jsonl",
    show_default=True,
    help="JSONL keeps every field; ClaimReview JSON-LD is what fact-check sites publish.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write here instead of stdout.",
)
@click.option("--retired", is_flag=True, help="Include retired claims.")
@pass_app
def export_command(app: AppContext, fmt: str, output: Path | None, retired: bool) -> None:
    """Export claims as JSONL (lossless) or as ClaimReview JSON-LD (authored by the
    [publisher] of the config; `claimbot import` reads either back)."""
    target = writable(output, "--output") if output else None
    claims = app.store.iter_claims(app.scope, include_retired=retired)
    with replaced_whole(target) if target else nullcontext(sys.stdout) as out:
        if fmt == "jsonl":
            count = sum(
                out.write(json.dumps(claim_json(claim), ensure_ascii=False) + "\n") > 0
                for claim in claims
            )
        else:
            reviews = export_claimreviews(claims, app.settings.publisher)
            json.dump(reviews, out, ensure_ascii=False, indent=2)
            out.write("\n")
            count = len(reviews)
    if output:
        click.echo(f"exported {count} claim(s) to {output}")


@click.command("seed")
@pass_app
def seed_command(app: AppContext) -> None:
    """Load the seed claims (idempotent: never duplicates, never overwrites a moderator's edit)."""
    report = app.store.seed(load_seed_claims())
    click.echo(
        f"seeded: {report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
        f"{report.kept_moderator_edits} kept as edited by moderators"
    )
