"""The review queue: which drafts a moderator may see and decide here, one page per draft.

A server's moderators see that server's pending drafts; the bot's owner also sees the
operator's global ones (which become global claims, so only the owner may decide them). No one
ever sees another server's drafts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.permissions import is_owner
from verifiers.domain.errors import NotFound
from verifiers.domain.models import Draft, Scope
from verifiers.store.ports import draft_store

if TYPE_CHECKING:
    from bot.client import ClaimBot

QUEUE_LIMIT = 100


async def pending(interaction: discord.Interaction[ClaimBot]) -> list[Draft]:
    """The drafts this moderator may review here, oldest first."""
    bot = interaction.client
    assert interaction.guild_id is not None
    store = draft_store(bot.service.store)
    drafts = await bot.core(store.list_drafts, Scope.guild(interaction.guild_id), limit=QUEUE_LIMIT)
    if await is_owner(interaction):
        drafts += await bot.core(store.list_drafts, Scope(), limit=QUEUE_LIMIT)
    return sorted(drafts, key=lambda d: d.id)


async def draft_scope(interaction: discord.Interaction[ClaimBot], draft_id: int) -> Scope:
    """The scope to decide `draft_id` in: this server's, or the operator's for a global draft
    and the bot's owner. NotFound alike for another server's draft and a missing one."""
    bot = interaction.client
    assert interaction.guild_id is not None
    here = Scope.guild(interaction.guild_id)
    store = draft_store(bot.service.store)
    try:
        await bot.core(store.get_draft, draft_id, here)
        return here
    except NotFound:
        if not await is_owner(interaction):
            raise
    draft = await bot.core(store.get_draft, draft_id, Scope.everything())
    if draft.guild_id is not None:
        raise NotFound(f"no draft with id {draft_id}")
    return Scope.everything()
