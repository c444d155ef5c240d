"""What every command needs: settings, the server it acts as, and a store opened only when used."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import click

from verifiers.domain.models import Scope
from verifiers.domain.settings import Settings, load_settings
from verifiers.service import ClaimService
from verifiers.store import open_store
from verifiers.store.ports import Store

F = TypeVar("F", bound=Callable[..., Any])

# Exit statuses, as grep has them: a script can tell "no answer" from a failure.
EXIT_NO_ANSWER = 1
EXIT_ERROR = 2
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130


@dataclass
class AppContext:
    config_path: Path | None
    db_url: str | None
    # The Discord server every command acts as (`claimbot --guild ID ...`); None: the operator.
    guild: int | None = None
    _settings: Settings | None = None
    _store: Store | None = None
    _service: ClaimService | None = None
    actor: str = field(default_factory=lambda: f"cli:{getpass.getuser()}")

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            settings = load_settings(self.config_path)
            if self.db_url:
                settings = settings.model_copy(
                    update={"database": settings.database.model_copy(update={"url": self.db_url})}
                )
            self._settings = settings
        return self._settings

    @property
    def store(self) -> Store:
        if self._store is None:
            database = self.settings.database
            self._store = open_store(
                database.url, seed=database.seed_on_create, on_create=say_created
            )
        return self._store

    @property
    def service(self) -> ClaimService:
        if self._service is None:
            self._service = ClaimService(self.store, self.settings)
        return self._service

    @property
    def scope(self) -> Scope:
        """The operator sees everything unless asked to act as one server."""
        return Scope.guild(self.guild) if self.guild is not None else Scope.everything()

    @property
    def check_scope(self) -> Scope:
        """Checking as nobody in particular matches global claims only, like a DM to the bot."""
        return Scope.guild(self.guild) if self.guild is not None else Scope()

    def use_matcher(self, name: str) -> None:
        """Override the configured matcher for this one command."""
        settings = self.settings
        matching = settings.matching.model_copy(update={"matcher": name})
        self._settings = settings.model_copy(update={"matching": matching})
        self._service = None

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def say_created(line: str) -> None:
    """A new database is announced on stderr, so a mistyped --db is noticed and stdout stays
    clean for --json."""
    click.echo(line, err=True)


pass_app = click.make_pass_decorator(AppContext)


def limit_option(what: str, most: int = 1_000) -> Callable[[F], F]:
    """`--limit`: how many of `what` a listing shows (50 unless told)."""
    return click.option(
        "--limit",
        type=click.IntRange(1, most),
        default=50,
        show_default=True,
        help=f"Show at most this many {what}.",
    )


class Group(click.Group):
    """A command group whose listing shows each command's whole first sentence, wrapped,
    instead of click's cut to the terminal's width ("Write a consistent copy of the...")."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [
            (name, command.get_short_help_str(limit=1_000))
            for name in self.list_commands(ctx)
            if (command := self.get_command(ctx, name)) is not None and not command.hidden
        ]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)
