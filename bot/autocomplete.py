"""Autocomplete shared by the commands that take a claim or one of the user's own flags."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.identity import actor, scope_for
from bot.text import truncate
from verifiers.errors import ClaimbotError
from verifiers.models import FlagState

if TYPE_CHECKING:
    from bot.client import ClaimBot

MAX_CHOICES = 25
MAX_CHOICE_CHARS = 100


async def claim_choices(
    interaction: discord.Interaction[ClaimBot], current: str
) -> list[app_commands.Choice[str]]:
    """Claims visible here whose text contains what was typed (choice names are plain text)."""
    bot = interaction.client
    try:
        claims = await bot.core(
            bot.service.list_claims,
            scope_for(interaction.guild_id),
            contains=current.strip() or None,
            limit=MAX_CHOICES,
        )
    except ClaimbotError:
        return []
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
    try:
        flags = await bot.core(
            bot.service.list_flags,
            scope_for(interaction.guild_id),
            state=FlagState.OPEN,
            user_id=actor(interaction.user),
            limit=MAX_CHOICES,
        )
    except ClaimbotError:
        return []
    choices = []
    for flag in flags:
        name = truncate(f"#{flag.id} on {flag.claim_id}: {' '.join(flag.reason.split())}", 100)
        if current.strip().lower() in name.lower():
            choices.append(app_commands.Choice(name=name, value=flag.id))
    return choices
