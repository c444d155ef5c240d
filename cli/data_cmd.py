"""`claimbot import | export | seed`: claims in and out, in bulk."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from contextlib import nullcontext
from pathlib import Path

import click

from cli.context import AppContext, pass_app
from cli.files import replaced_whole
from cli.output import claim_json
from verifiers.errors import InvalidInput
from verifiers.files import writable
from verifiers.interchange.claimreview import export_claimreviews, read_claimreviews
from verifiers.interchange.tabular import FORMATS, stream_claims
from verifiers.models import ClaimFields
from verifiers.seeding import load_seed_claims


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice([*FORMATS, "claimreview"]),
    help="File format (default: from the file name).",
)
@pass_app
def import_command(app: AppContext, file: Path, fmt: str | None) -> None:
    """Import claims from a CSV, TSV, JSONL or ClaimReview JSON-LD FILE: all rows or none.

    Columns: id, text, and optionally title, status, explanation, claimant, claim_date and the
    source fields source_url, publisher, source_title, published, quote, role. The file's id is
    kept as the claim's external id; rows whose id is already imported are skipped.
    """
    if not file.is_file():
        raise InvalidInput(f"no such file: {file}")
    if fmt == "claimreview" or (fmt is None and file.suffix.lower() in (".json", ".jsonld")):
        try:
            document = json.loads(file.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InvalidInput(f"{file.name} is not valid JSON: {exc}") from None
        items: Iterable[ClaimFields] = read_claimreviews(document, app.guild)
    else:
        items = stream_claims(file, fmt, app.guild)  # read while importing: never all in memory
    report = app.store.import_claims(items, app.actor)
    click.echo(
        f"imported {report.added} claim(s)"
        + (f"; skipped {report.skipped} already imported" if report.skipped else "")
    )
    if report.added and app.settings.matching.matcher == "semantic":
        from cli.embed_cmd import embed_missing  # the semantic matcher embeds claims once

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
    """Export claims as JSONL (lossless) or as ClaimReview JSON-LD."""
    target = writable(output, "--output") if output else None
    claims = app.store.iter_claims(app.scope, include_retired=retired)
    with replaced_whole(target) if target else nullcontext(sys.stdout) as out:
        if fmt == "jsonl":
            count = sum(
                out.write(json.dumps(claim_json(claim), ensure_ascii=False) + "\n") > 0
                for claim in claims
            )
        else:
            reviews = export_claimreviews(claims)
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
