"""Who and where, in the core's terms: actors are `discord:<user id>`, places are scopes."""

from __future__ import annotations

import discord

from verifiers.domain.models import Scope

PREFIX = "discord:"


def actor(user: discord.abc.Snowflake) -> str:
    return f"{PREFIX}{user.id}"


def discord_user_id(actor_id: str) -> int | None:
    """The Discord user behind an actor string, or None (e.g. a `cli:` operator)."""
    ident = actor_id.removeprefix(PREFIX)
    return int(ident) if ident != actor_id and ident.isdigit() else None


def scope_for(guild_id: int | None) -> Scope:
    """A server sees its own claims and the global ones; a DM sees global claims only."""
    return Scope.guild(guild_id) if guild_id is not None else Scope()
