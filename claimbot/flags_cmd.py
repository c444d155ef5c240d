"""`claimbot flag` and `claimbot flags ...`: disputes, from both sides."""

from __future__ import annotations

import click

from claimbot.context import AppContext, Group, limit_option, pass_app
from claimbot.output import echo_json, format_flag
from verifiers.domain.models import FlagState, Status
from verifiers.notifications import DeliveryState

STATES = click.Choice([s.value for s in FlagState] + ["all"])


def echo_queued(user_ids: list[str]) -> None:
    """Say truthfully what happens next: the DMs wait in the outbox for the bot to send them."""
    if user_ids:
        click.echo(
            f"queued a DM for {len(user_ids)} flagger(s): the bot sends it within seconds while"
            " `claimbot run` is running, otherwise when it next starts"
        )


@click.group("flags", cls=Group)
def flags_group() -> None:
    """Dispute claims, and review and resolve the disputes: add, list, resolve, withdraw."""


@flags_group.command("add")
@click.argument("claim_id")
@click.option("--reason", required=True, help="Why you dispute the claim.")
@click.option("--evidence", help="A link to evidence.")
@click.option("--user", help="Flag on behalf of this user id (default: you).")
@pass_app
def add_flag(
    app: AppContext,
    claim_id: str,
    reason: str,
    evidence: str | None,
    user: str | None,
) -> None:
    """Flag claim CLAIM_ID as disputed, for a moderator to resolve."""
    flag = app.service.flag(
        claim_id,
        user_id=user or app.actor,
        scope=app.scope,
        reason=reason,
        evidence_url=evidence,
    )
    click.echo(f"flag #{flag.id} opened on {flag.claim_id}")


# `claimbot flag` was the command's first name: it keeps working, unlisted.
flag_command = click.Command(
    "flag", callback=add_flag.callback, params=add_flag.params, help=add_flag.help, hidden=True
)


@flags_group.command("list")
@click.option(
    "--state", type=STATES, default="open", show_default=True, help="Only flags in this state."
)
@click.option("--claim", "claim_id", help="Only flags on this claim.")
@limit_option("flags")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def list_flags(
    app: AppContext,
    state: str,
    claim_id: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """List flags (open ones by default)."""
    flags = app.store.list_flags(
        app.scope,
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
@pass_app
def resolve_flag(
    app: AppContext, flag_id: int, upheld: bool, note: str, status: str | None
) -> None:
    """Resolve an open flag."""
    resolution = app.service.resolve_flag(
        flag_id,
        upheld=upheld,
        moderator=app.actor,
        note=note,
        scope=app.scope,
        new_status=Status(status) if status else None,
    )
    click.echo(
        f"flag #{resolution.flag.id} {resolution.flag.state.value}; "
        f"claim {resolution.claim.id} is {resolution.claim.status.value}"
    )
    echo_queued(resolution.notify_user_ids)


@flags_group.command("dismiss-held")
@click.argument("claim_id")
@click.option("--note", required=True, help="The resolution, as each flagger will read it.")
@click.option("--up-to", type=int, help="Only flags up to this flag id (default: all of them).")
@pass_app
def dismiss_held(app: AppContext, claim_id: str, note: str, up_to: int | None) -> None:
    """Dismiss as one group the open disputes of CLAIM_ID held from its public count (new
    accounts, a burst, members dismissed with a group before)."""
    done = app.service.dismiss_held_flags(
        claim_id, moderator=app.actor, note=note, scope=app.scope, up_to=up_to
    )
    n = len(done.flags)
    ids = ", ".join(f"#{f.id}" for f in done.flags)
    click.echo(
        f"{n} held flag(s) on {done.claim.id} dismissed as a group" + (f": {ids}" if n else "")
    )
    echo_queued(done.notify_user_ids)


@flags_group.command("withdraw")
@click.argument("flag_id", type=int)
@click.option("--user", help="The flagger's user id (default: you).")
@pass_app
def withdraw_flag(app: AppContext, flag_id: int, user: str | None) -> None:
    """Withdraw your own open flag."""
    flag = app.store.withdraw_flag(flag_id, user or app.actor, app.scope)
    click.echo(f"flag #{flag.id} withdrawn")


@flags_group.command("dms")
@click.option(
    "--state",
    type=click.Choice([s.value for s in DeliveryState] + ["all"]),
    default="all",
    show_default=True,
    help="Only DMs in this state.",
)
@click.option("--user", help="Only DMs to this user id (e.g. discord:123).")
@limit_option("DMs")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def list_dms(app: AppContext, state: str, user: str | None, limit: int, as_json: bool) -> None:
    """The DMs owed to flaggers (newest first): pending, sending, delivered or failed."""
    rows = app.store.list_notifications(
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
