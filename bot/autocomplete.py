"""Autocomplete shared by the commands that take a claim or one of the user's own flags."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import discord
from discord import app_commands

from bot.identity import actor, scope_for
from bot.text import truncate
from verifiers.domain.errors import ClaimbotError
from verifiers.domain.models import FlagState

if TYPE_CHECKING:
    from bot.client import ClaimBot

MAX_CHOICES = 25
MAX_CHOICE_CHARS = 100
T = TypeVar("T")


async def _listed(
    interaction: discord.Interaction[ClaimBot],
    method: Callable[..., Sequence[T]],
    **filters: Any,
) -> Sequence[T]:
    """Up to MAX_CHOICES rows visible here; none on a core error, since a failed lookup while
    typing should offer no choices rather than an error."""
    try:
        return await interaction.client.core(
            method, scope_for(interaction.guild_id), limit=MAX_CHOICES, **filters
        )
    except ClaimbotError:
        return []


async def claim_choices(
    interaction: discord.Interaction[ClaimBot], current: str
) -> list[app_commands.Choice[str]]:
    """Claims visible here whose text contains what was typed (choice names are plain text)."""
    bot = interaction.client
    claims = await _listed(
        interaction, bot.service.store.list_claims, contains=current.strip() or None
    )
    return [
        app_commands.Choice(
            name=truncate(f"[{c.status.label}] {' '.join(c.text.split())}", MAX_CHOICE_CHARS),
            value=c.id,
        )
        for c in claims
        if len(c.id) <= MAX_CHOICE_CHARS
    ]


async def own_flag_choices(
    interaction: discord.Interaction[ClaimBot], current: str
) -> list[app_commands.Choice[int]]:
    bot = interaction.client
    flags = await _listed(
        interaction,
        bot.service.store.list_flags,
        state=FlagState.OPEN,
        user_id=actor(interaction.user),
    )
    choices = []
    for flag in flags:
        name = truncate(
            f"#{flag.id} on {flag.claim_id}: {' '.join(flag.reason.split())}", MAX_CHOICE_CHARS
        )
        if current.strip().lower() in name.lower():
            choices.append(app_commands.Choice(name=name, value=flag.id))
    return choices
