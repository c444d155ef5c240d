"""`claimbot flag` and `claimbot flags ...`: disputes, from both sides."""

from __future__ import annotations

import click

from cli.context import AppContext, pass_app, scope_for
from cli.output import echo_json, format_flag
from verifiers.models import FlagState, Status
from verifiers.notifications import DeliveryState

STATES = click.Choice([s.value for s in FlagState] + ["all"])


def echo_queued(user_ids: list[str]) -> None:
    """Say truthfully what happens next: the DMs wait in the outbox for the bot to send them."""
    if user_ids:
        click.echo(
            f"queued a DM for {len(user_ids)} flagger(s): the bot sends it within seconds while"
            " `claimbot run` is running, otherwise when it next starts"
        )


@click.command("flag")
@click.argument("claim_id")
@click.option("--reason", required=True, help="Why you dispute the claim.")
@click.option("--evidence", help="A link to evidence.")
@click.option("--user", help="Flag on behalf of this user id (default: you).")
@click.option("--guild", type=int, help="The Discord server the flag belongs to.")
@pass_app
def flag_command(
    app: AppContext,
    claim_id: str,
    reason: str,
    evidence: str | None,
    user: str | None,
    guild: int | None,
) -> None:
    """Flag a claim as disputed."""
    flag = app.service.flag(
        claim_id,
        user_id=user or app.actor,
        scope=scope_for(guild),
        reason=reason,
        evidence_url=evidence,
    )
    click.echo(f"flag #{flag.id} opened on {flag.claim_id}")


@click.group("flags")
def flags_group() -> None:
    """Review and resolve flags."""


@flags_group.command("list")
@click.option("--state", type=STATES, default="open", show_default=True)
@click.option("--claim", "claim_id", help="Only flags on this claim.")
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
@click.option("--guild", type=int, help="Only this Discord server's flags.")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def list_flags(
    app: AppContext,
    state: str,
    claim_id: str | None,
    limit: int,
    guild: int | None,
    as_json: bool,
) -> None:
    """List flags (open ones by default)."""
    flags = app.service.list_flags(
        scope_for(guild),
        state=None if state == "all" else FlagState(state),
        claim_id=claim_id,
        limit=limit,
    )
    if as_json:
        echo_json([f.model_dump(mode="json") for f in flags])
        return
    click.echo("\n\n".join(format_flag(f) for f in flags) or f"no {state} flags")


@flags_group.command("resolve")
@click.argument("flag_id", type=int)
@click.option("--uphold/--dismiss", "upheld", required=True, help="Uphold or dismiss the flag.")
@click.option("--note", required=True, help="The resolution, as the flagger will read it.")
@click.option(
    "--status",
    type=click.Choice([s.value for s in Status]),
    help="New claim status (with --uphold).",
)
@click.option("--guild", type=int)
@pass_app
def resolve_flag(
    app: AppContext, flag_id: int, upheld: bool, note: str, status: str | None, guild: int | None
) -> None:
    """Resolve an open flag."""
    resolution = app.service.resolve_flag(
        flag_id,
        upheld=upheld,
        moderator=app.actor,
        note=note,
        scope=scope_for(guild),
        new_status=Status(status) if status else None,
    )
    click.echo(
        f"flag #{resolution.flag.id} {resolution.flag.state.value}; "
        f"claim {resolution.claim.id} is {resolution.claim.status.value}"
    )
    echo_queued(resolution.notify_user_ids)


@flags_group.command("withdraw")
@click.argument("flag_id", type=int)
@click.option("--user", help="The flagger's user id (default: you).")
@click.option("--guild", type=int)
@pass_app
def withdraw_flag(app: AppContext, flag_id: int, user: str | None, guild: int | None) -> None:
    """Withdraw your own open flag."""
    flag = app.service.withdraw_flag(flag_id, user or app.actor, scope_for(guild))
    click.echo(f"flag #{flag.id} withdrawn")


@flags_group.command("dms")
@click.option(
    "--state",
    type=click.Choice([s.value for s in DeliveryState] + ["all"]),
    default="all",
    show_default=True,
)
@click.option("--user", help="Only DMs to this user id (e.g. discord:123).")
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_app
def list_dms(app: AppContext, state: str, user: str | None, limit: int, as_json: bool) -> None:
    """The DMs owed to flaggers (newest first): pending, sending, delivered or failed."""
    rows = app.service.list_notifications(
        state=None if state == "all" else DeliveryState(state), user_id=user, limit=limit
    )
    if as_json:
        echo_json([n.model_dump(mode="json") for n in rows])
        return
    for n in rows:
        outcome = f": {n.error}" if n.error else ""
        click.echo(
            f"#{n.id} [{n.state.value}{outcome}] {n.kind.value} to {n.user_id} "
            f"about {n.claim_id} at {n.created_at:%Y-%m-%d %H:%M}"
        )
    if not rows:
        click.echo("no DMs")
