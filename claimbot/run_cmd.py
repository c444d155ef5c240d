"""`claimbot run | sync`: the Discord bot, started from the same config as the CLI."""

from __future__ import annotations

import sys

import click

from claimbot.context import AppContext, pass_app


@click.command("run")
@pass_app
def run_command(app: AppContext) -> None:
    """Start the Discord bot (token from config or CLAIMBOT_DISCORD_TOKEN)."""
    from bot.runner import run

    sys.exit(run(app.settings))


@click.command("sync")
@pass_app
def sync_command(app: AppContext) -> None:
    """Sync the bot's slash commands globally (owner action; can take time to propagate)."""
    from bot.runner import sync_global

    sys.exit(sync_global(app.settings))
