"""`claimbot ingest`, `claimbot drafts …`, `claimbot sources check`: seeding from articles.

Ingesting proposes drafts; only `drafts approve` turns one into a claim that is matched.
"""

from __future__ import annotations

import textwrap
from typing import Any

import click

from claimbot.context import AppContext, Group, limit_option, pass_app
from claimbot.output import echo_as, echo_json, format_sources, source_json
from verifiers.domain.models import Draft, DraftChanges, DraftState, IngestReport, LinkState, Status
from verifiers.domain.validation import build
from verifiers.ingest.pipeline import is_url
from verifiers.sources.liveness import check_sources
from verifiers.store.ports import draft_store, source_check_store

JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON.")
STATUS = click.Choice([s.value for s in Status])


def draft_json(draft: Draft) -> dict[str, Any]:
    data = draft.model_dump(mode="json")
    data["sources"] = [source_json(s) for s in draft.sources]
    return data


def format_draft(draft: Draft) -> str:
    where = "global" if draft.guild_id is None else f"guild {draft.guild_id}"
    wrap = lambda text, indent="    ": textwrap.fill(  # noqa: E731
        text, width=100, initial_indent=indent, subsequent_indent=indent
    )
    lines = [
        f"draft #{draft.id}  [{draft.state.value}]  {where}"
        + (f"  → claim {draft.claim_id}" if draft.claim_id else ""),
        wrap(draft.text, "  "),
        f"  proposed status: {draft.status.label.upper()} — {draft.reason or draft.status.meaning}",
    ]
    if draft.claimant:
        lines.append(f"  claimant: {draft.claimant}")
    if draft.explanation:
        lines.append(wrap(f"why: {draft.explanation}"))
    if draft.quote:
        lines.append(wrap(f"quote: “{draft.quote}”"))
    if draft.sources:
        lines.append("  sources:")
        lines.extend(format_sources(draft.sources, "    "))
    if draft.decision_note:
        lines.append(f"  note: {draft.decision_note}")
    return "\n".join(lines)


def _report_json(report: IngestReport) -> dict[str, Any]:
    return {
        "article": report.article.model_dump(mode="json"),
        "already_ingested": report.already_ingested,
        "drafts": [draft_json(d) for d in report.drafts],
    }


@click.command("ingest")
@click.argument("source")
@JSON
@pass_app
def ingest_command(app: AppContext, source: str, as_json: bool) -> None:
    """Propose draft claims from an article or fact-check page: a URL or a saved FILE.

    A URL is fetched with the safe fetcher (public http/https addresses only). A FILE may be
    HTML, plain text (with a .json of metadata beside it, as in seeds/articles/), or ClaimReview
    JSON-LD. Nothing is matched until `claimbot drafts approve`.
    """
    scope = app.scope
    if is_url(source):
        report = app.service.ingest_url(source, app.actor, scope)
    else:
        report = app.service.ingest_file(source, app.actor, scope)
    if as_json:
        echo_json(_report_json(report))
        return
    article = report.article
    if report.already_ingested:
        click.echo(
            f"already ingested on {article.ingested_at:%Y-%m-%d} by {article.ingested_by}: "
            f"“{article.title}” ({article.publisher}); no new drafts"
        )
    else:
        click.echo(
            f"ingested “{article.title}” ({article.publisher}): "
            f"{len(report.drafts)} draft(s) to review"
        )
    for draft in report.drafts:
        click.echo(
            f"  #{draft.id:<5} {draft.status.value:<11} {draft.state.value:<9} {draft.text[:90]}"
        )
    if report.drafts and not report.already_ingested:
        click.echo("review them with 'claimbot drafts list'")


@click.group("drafts", cls=Group)
def drafts_group() -> None:
    """Review claims proposed from ingested articles: list, approve, edit, reject."""


@drafts_group.command("list")
@click.option(
    "--state",
    type=click.Choice([*(s.value for s in DraftState), "all"]),
    default="pending",
    show_default=True,
    help="Only drafts in this state.",
)
@limit_option("drafts")
@JSON
@pass_app
def list_drafts(app: AppContext, state: str, limit: int, as_json: bool) -> None:
    """List drafts with their proposed status and why, the quote and the sources."""
    drafts = draft_store(app.store).list_drafts(
        app.scope, state=None if state == "all" else DraftState(state), limit=limit
    )
    if as_json:
        echo_json([draft_json(d) for d in drafts])
        return
    if not drafts:
        click.echo(f"no {state} drafts" if state != "all" else "no drafts")
        return
    click.echo("\n\n".join(format_draft(d) for d in drafts))


@drafts_group.command("show")
@click.argument("draft_id", type=int)
@JSON
@pass_app
def show_draft(app: AppContext, draft_id: int, as_json: bool) -> None:
    """Show one draft."""
    echo_as(
        as_json, draft_store(app.store).get_draft(draft_id, app.scope), draft_json, format_draft
    )


@drafts_group.command("approve")
@click.argument("draft_id", type=int)
@pass_app
def approve_draft(app: AppContext, draft_id: int) -> None:
    """Make draft DRAFT_ID a real claim: matched from now on, its creation audited."""
    claim = app.service.approve_draft(draft_id, app.actor, app.scope)
    click.echo(f"approved draft #{draft_id} as claim {claim.id} [{claim.status.value}]")


@drafts_group.command("edit")
@click.argument("draft_id", type=int)
@click.option("--text", help="New claim text.")
@click.option("--status", type=STATUS, help="New proposed status.")
@click.option("--explanation", help="New explanation.")
@click.option("--claimant", help="New claimant.")
@pass_app
def edit_draft(
    app: AppContext,
    draft_id: int,
    text: str | None,
    status: str | None,
    explanation: str | None,
    claimant: str | None,
) -> None:
    """Change a pending draft before approving it."""
    changes = build(
        DraftChanges, text=text, status=status, explanation=explanation, claimant=claimant
    )
    draft = draft_store(app.store).edit_draft(draft_id, changes, app.actor, app.scope)
    click.echo(f"edited draft #{draft.id}")
    click.echo(format_draft(draft))


@drafts_group.command("reject")
@click.argument("draft_id", type=int)
@click.option("--note", default="", help="Why it was rejected (kept with the draft).")
@pass_app
def reject_draft(app: AppContext, draft_id: int, note: str) -> None:
    """Reject a draft; it stays on record and is never matched."""
    draft_store(app.store).reject_draft(draft_id, app.actor, app.scope, note)
    click.echo(f"rejected draft #{draft_id}")


@click.group("sources", cls=Group)
def sources_group() -> None:
    """Check that the claims' source links still work and still say what we quote."""


@sources_group.command("check")
@click.option("--limit", type=click.IntRange(1), help="Check at most this many links.")
@click.option(
    "--rebaseline",
    is_flag=True,
    help="Accept each page's current text as the new baseline for 'changed'.",
)
@click.option("--all", "show_all", is_flag=True, help="List alive links too.")
@JSON
@pass_app
def check_sources_command(
    app: AppContext, limit: int | None, rebaseline: bool, show_all: bool, as_json: bool
) -> None:
    """Re-fetch every source link (safely) and mark it alive, changed or dead.

    A link that gives no answer at all (no network, DNS, timeout) is reported unreachable and
    keeps its last check: being offline never marks links dead.

    This fetches each link from the internet: run it when you want a check, e.g. daily.
    """
    claims = app.store.iter_claims(app.scope)
    report = check_sources(
        claims,
        source_check_store(app.store),
        app.service.fetch_policy,
        limit=limit,
        rebaseline=rebaseline,
    )
    if as_json:
        echo_json(
            [
                {**c.model_dump(mode="json"), "claim_ids": report.claims_by_url.get(c.url, [])}
                for c in report.checks
            ]
        )
        return
    for check in report.checks:
        if check.state is LinkState.ALIVE and not show_all:
            continue
        claims_citing = ", ".join(report.claims_by_url.get(check.url, [])[:5])
        click.echo(f"{check.state.value.upper():<8} {check.url}")
        if check.detail:
            click.echo(f"         {check.detail}")
        click.echo(f"         cited by: {claims_citing}")
    counts = ", ".join(
        f"{report.count(state)} {state.value}"
        for state in LinkState
        if state is not LinkState.UNREACHABLE or report.count(state)
    )
    click.echo(f"checked {len(report.checks)} link(s): {counts}")
    unreachable = report.count(LinkState.UNREACHABLE)
    if unreachable:
        everything = (
            " (none answered: is this machine offline?)"
            if unreachable == len(report.checks)
            else ""
        )
        click.echo(
            f"{unreachable} link(s) could not be reached{everything}; their last check is kept",
            err=True,
        )
