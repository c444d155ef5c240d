"""The open-flags queue, a page at a time (each flag needs a row of buttons; Discord allows
five rows, so four flags and a row to page through the rest)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord.utils import MISSING

from bot import render
from bot.cogs.flags.review import PAGE_SIZE, review_view
from bot.identity import scope_for
from verifiers.errors import NotFound
from verifiers.models import Claim, Flag, FlagState

if TYPE_CHECKING:
    from bot.client import ClaimBot

QUEUE_LIMIT = 500


def page_of(
    flags: list[Flag], *, after: int | None = None, before: int | None = None
) -> tuple[int, list[Flag]]:
    """(index of the first shown, the flags shown): after flag `after`, or the page before
    flag `before`, or the first page."""
    if before is not None:
        end = sum(f.id < before for f in flags)
        start = max(0, end - PAGE_SIZE)
        return start, flags[start : start + PAGE_SIZE]
    start = sum(f.id <= after for f in flags) if after is not None else 0
    if start >= len(flags):  # everything after it was resolved meanwhile: the last page
        start = max(0, len(flags) - PAGE_SIZE)
    return start, flags[start : start + PAGE_SIZE]


async def show_flags(
    interaction: discord.Interaction[ClaimBot],
    *,
    after: int | None = None,
    before: int | None = None,
    edit: bool = False,
) -> None:
    """Show a page of open flags, in place of the message clicked (`edit`) or as a new message
    only the moderator sees. The interaction must have been deferred."""
    bot = interaction.client
    scope = scope_for(interaction.guild_id)
    flags = await bot.core(bot.service.list_flags, scope, state=FlagState.OPEN, limit=QUEUE_LIMIT)
    start, shown = page_of(sorted(flags, key=lambda f: f.id), after=after, before=before)
    claims = [await _claim(bot, f.claim_id, interaction.guild_id) for f in shown]
    total = f"{len(flags)}+" if len(flags) == QUEUE_LIMIT else str(len(flags))
    # How each shown claim's disputes arrived (new accounts, a burst), over the whole queue.
    found = bot.service.flag_patterns(flags)
    on_page = list(dict.fromkeys(f.claim_id for f in shown))
    patterns = [found[c] for c in on_page if c in found and found[c].suspicious]
    titles = {f.claim_id: c for f, c in zip(shown, claims, strict=True)}
    note, embeds = render.flags_page(
        list(zip(shown, claims, strict=True)),
        total=total,
        first=start + 1,
        patterns=[(p, titles.get(p.claim_id)) for p in patterns],
        rules=bot.settings.flags,
    )
    view = review_view(
        [f.id for f in shown],
        has_prev=start > 0,
        has_next=start + len(shown) < len(flags),
        groups=[(p.claim_id, p.held, p.last_held_id) for p in patterns if p.held],
    )
    if edit:
        await interaction.edit_original_response(content=note or None, embeds=embeds, view=view)
    else:
        await interaction.followup.send(
            note or MISSING, embeds=embeds, view=view or MISSING, ephemeral=True
        )


async def _claim(bot: ClaimBot, claim_id: str, guild_id: int | None) -> Claim | None:
    try:
        return await bot.core(bot.service.get_claim, claim_id, scope_for(guild_id))
    except NotFound:
        return None
