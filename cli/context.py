"""What every command needs: settings, and a store and service opened only when used."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from pathlib import Path

import click

from verifiers.config import Settings, load_settings
from verifiers.service import ClaimService
from verifiers.store import open_store
from verifiers.store.base import Scope, Store


@dataclass
class AppContext:
    config_path: Path | None
    db_url: str | None
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
            self._store = open_store(database.url, seed=database.seed_on_create)
        return self._store

    @property
    def service(self) -> ClaimService:
        if self._service is None:
            self._service = ClaimService(self.store, self.settings)
        return self._service

    def use_matcher(self, name: str) -> None:
        """Override the configured matcher for this one command."""
        settings = self.settings
        matching = settings.matching.model_copy(update={"matcher": name})
        self._settings = settings.model_copy(update={"matching": matching})
        self._service = None

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def scope_for(guild: int | None) -> Scope:
    """The CLI is the operator: it sees everything unless asked to act as one guild."""
    return Scope.guild(guild) if guild is not None else Scope.everything()


def check_scope_for(guild: int | None) -> Scope:
    """Checking as nobody in particular matches global claims only, like a DM to the bot."""
    return Scope.guild(guild) if guild is not None else Scope()


pass_app = click.make_pass_decorator(AppContext)
