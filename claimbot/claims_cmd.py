"""`claimbot claims ...`: everything a moderator does to claims, from the terminal."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

from claimbot.context import AppContext, Group, limit_option, pass_app
from claimbot.flags_cmd import echo_queued
from claimbot.output import (
    claim_json,
    echo_as,
    echo_claims,
    format_claim,
    format_history,
    shorten,
)
from verifiers.domain.errors import Conflict
from verifiers.domain.models import ClaimChanges, ClaimFields, Source, SourceRole, Status
from verifiers.domain.validation import build

STATUS = click.Choice([s.value for s in Status])
ROLE = click.Choice([r.value for r in SourceRole])
JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


FORMAT_FLAGS = (
    ("--table", "table", "Print a table with a header (the default)."),
    ("--json", "json", "Print a JSON array."),
    ("--nl", "nl", "Print newline-delimited JSON: one object a line."),
    ("--csv", "csv", "Print CSV with a header row."),
)


def output_format(func: Callable[..., None]) -> Callable[..., None]:
    """--table (the default), --json, --nl and --csv: one `fmt` for the command."""
    for flag, value, helptext in reversed(FORMAT_FLAGS):
        default = {"default": True} if value == "table" else {}
        func = click.option(flag, "fmt", flag_value=value, help=helptext, **default)(func)
    return func


SOURCE_PARAMS = ("source_url", "publisher", "source_title", "published", "quote", "role")


def source_options(func: Callable[..., None]) -> Callable[..., None]:
    """The --source-* options, handed to the command as one `source` (None when not given), so
    each command that takes a source neither lists nor checks them again."""

    @functools.wraps(func)
    def with_source(*args: Any, **kwargs: Any) -> None:
        given = {name: kwargs.pop(name) for name in SOURCE_PARAMS}
        func(*args, source=_source(**given), **kwargs)

    command: Callable[..., None] = with_source
    for option in reversed(
        [
            click.option("--source-url", help="Link to the source."),
            click.option("--publisher", help="Who published the source."),
            click.option("--source-title", default="", help="The source's headline."),
            click.option("--published", help="Publication date, YYYY-MM-DD."),
            click.option("--quote", default="", help="The passage that supports the claim."),
            click.option(
                "--role",
                type=ROLE,
                default="original",
                show_default=True,
                help="Why the source is cited: its own reporting, a republication, a statement…",
            ),
        ]
    ):
        command = option(command)
    return command


def _source(
    source_url: str | None,
    publisher: str | None,
    source_title: str,
    published: str | None,
    quote: str,
    role: str,
) -> Source | None:
    if not (source_url or publisher):
        return None
    if not publisher:
        raise click.UsageError("a source needs --publisher")
    return build(
        Source,
        url=source_url,
        publisher=publisher,
        title=source_title,
        published=published,
        quote=quote,
        role=role,
    )


@click.group("claims", cls=Group)
def claims_group() -> None:
    """Add, list, show, edit, retire and unretire claims."""


@claims_group.command("add")
@click.argument("text")
@click.option(
    "--status", type=STATUS, default="unverified", show_default=True, help="The claim's status."
)
@click.option("--explanation", default="", help="Why the claim has this status.")
@click.option("--claimant", help="Who made the claim.")
@click.option("--claim-date", help="When the claim was made, YYYY-MM-DD.")
@click.option("--summary", default="", help="A title or summary that helps matching.")
@click.option(
    "--force", is_flag=True, help="Add it even if a claim with the same text already exists."
)
@source_options
@JSON
@pass_app
def add_claim(
    app: AppContext,
    text: str,
    status: str,
    explanation: str,
    claimant: str | None,
    claim_date: str | None,
    summary: str,
    force: bool,
    source: Source | None,
    as_json: bool,
) -> None:
    """Add a claim with TEXT: global, or owned by the server named by `claimbot --guild ID`."""
    fields = build(
        ClaimFields,
        text=text,
        status=status,
        explanation=explanation,
        claimant=claimant,
        claim_date=claim_date,
        summary=summary,
        sources=[source] if source else [],
        guild_id=app.guild,
    )
    if not force and (same := app.service.near_duplicates(fields.text, app.scope)):
        listed = "; ".join(f"{c.id} [{c.status.value}] {shorten(c.text)}" for c in same)
        raise Conflict(f"already in the database: {listed} (add --force to add it anyway)")
    claim = app.service.add_claim(fields, app.actor, app.scope)
    echo_as(as_json, claim, claim_json, lambda c: f"added {c.id}\n{format_claim(c)}")


@claims_group.command("list")
@click.option("--status", type=STATUS, help="Only claims with this status.")
@click.option("--contains", help="Only claims whose text contains this.")
@click.option("--retired", is_flag=True, help="Include retired claims.")
@limit_option("claims", 10_000)
@click.option(
    "--offset", type=click.IntRange(0), default=0, help="Skip this many claims first (paging)."
)
@output_format
@pass_app
def list_claims(
    app: AppContext,
    status: str | None,
    contains: str | None,
    retired: bool,
    limit: int,
    offset: int,
    fmt: str,
) -> None:
    """List claims, newest first: a table, or --json, --nl (a JSON object a line) or --csv."""
    wanted = {
        "status": Status(status) if status else None,
        "contains": contains,
        "include_retired": retired,
    }
    claims = app.store.list_claims(app.scope, limit=limit, offset=offset, **wanted)
    total = app.store.count_claims(app.scope, **wanted)
    echo_claims(claims, fmt)
    shown = f"{offset + 1}–{offset + len(claims)}" if claims else "none"
    if len(claims) < total:
        # Said on stderr for the machine formats, so that their output stays parseable.
        click.echo(
            f"showing {shown} of {total} claims: use --limit and --offset for the rest",
            err=fmt != "table",
        )
    elif fmt == "table":
        click.echo(f"{total} claim{'s' if total != 1 else ''}")


@claims_group.command("show")
@click.argument("claim_id")
@JSON
@pass_app
def show_claim(app: AppContext, claim_id: str, as_json: bool) -> None:
    """Show one claim with its sources."""
    echo_as(as_json, app.store.get_claim(claim_id, app.scope), claim_json, format_claim)


@claims_group.command("edit")
@click.argument("claim_id")
@click.option("--text", help="The claim's new wording.")
@click.option("--explanation", help="Why the claim has its status.")
@click.option("--claimant", help="Who made the claim.")
@click.option("--claim-date", help="When the claim was made, YYYY-MM-DD.")
@click.option("--summary", help="A title or summary that helps matching.")
@click.option("--expect-version", type=int, help="Refuse if the claim changed meanwhile.")
@pass_app
def edit_claim(
    app: AppContext,
    claim_id: str,
    text: str | None,
    explanation: str | None,
    claimant: str | None,
    claim_date: str | None,
    summary: str | None,
    expect_version: int | None,
) -> None:
    """Edit a claim's text or details (every change is kept in its history)."""
    changes = build(
        ClaimChanges,
        text=text,
        explanation=explanation,
        claimant=claimant,
        claim_date=claim_date,
        summary=summary,
    )
    change = app.service.edit_claim(
        claim_id, changes, app.actor, app.scope, expected_version=expect_version
    )
    click.echo(f"updated {change.claim.id} (now version {change.claim.version})")


@claims_group.command("status")
@click.argument("claim_id")
@click.argument("status", type=STATUS)
@click.option("--explanation", help="Why the claim now has this status.")
@pass_app
def set_status(app: AppContext, claim_id: str, status: str, explanation: str | None) -> None:
    """Change a claim's STATUS."""
    change = app.service.set_status(claim_id, Status(status), explanation, app.actor, app.scope)
    click.echo(
        f"{change.claim.id} is now {change.claim.status.value} (version {change.claim.version})"
    )
    echo_queued(change.notify_user_ids)


@claims_group.command("add-source")
@click.argument("claim_id")
@source_options
@pass_app
def add_source(
    app: AppContext,
    claim_id: str,
    source: Source | None,
) -> None:
    """Add a source to a claim."""
    if source is None:
        raise click.UsageError("give at least --publisher (and usually --source-url)")
    claim = app.store.add_source(claim_id, source, app.actor, app.scope)
    click.echo(f"{claim.id} now has {len(claim.sources)} source(s)")


@claims_group.command("retire")
@click.argument("claim_id")
@click.option("--reason", default="", help="Why it is retired.")
@pass_app
def retire_claim(app: AppContext, claim_id: str, reason: str) -> None:
    """Retire a claim: kept with its history, never matched again."""
    claim = app.service.retire_claim(claim_id, app.actor, app.scope, reason)
    click.echo(f"retired {claim.id}")


@claims_group.command("unretire")
@click.argument("claim_id")
@click.option("--reason", default="", help="Why it is brought back.")
@pass_app
def unretire_claim(app: AppContext, claim_id: str, reason: str) -> None:
    """Bring a retired claim back: matched and listed again, its history kept."""
    claim = app.service.unretire_claim(claim_id, app.actor, app.scope, reason)
    click.echo(f"unretired {claim.id}")


@claims_group.command("history")
@click.argument("claim_id")
@JSON
@pass_app
def claim_history(app: AppContext, claim_id: str, as_json: bool) -> None:
    """Show every change made to a claim: who, when, old and new values."""
    entries = app.store.history(claim_id, app.scope)
    echo_as(as_json, entries, lambda es: [e.model_dump(mode="json") for e in es], format_history)
