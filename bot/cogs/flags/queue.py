"""The open-flags queue, a page at a time (each flag needs a row of buttons; Discord allows
five rows, so four flags and a row to page through the rest)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord
from discord import ui

from bot import render
from bot.cogs.flags.review import VERDICTS, GroupDismissButton, ResolveButton
from bot.identity import scope_for
from bot.text import truncate
from bot.ui.pager import Page, PageButton, Queue
from verifiers.domain.errors import NotFound
from verifiers.domain.models import Claim, Flag, FlagState

if TYPE_CHECKING:
    from bot.client import ClaimBot


PAGE = "cb:flags:"
ROW_WIDTH = 5  # buttons in a row (Discord's limit)
BUTTON_LABEL_MAX = 80
PAGE_SIZE = 4  # flags per page: a row of buttons each, and one row to page (Discord allows 5)

QUEUE_LIMIT = 500


class FlagQueue(Queue[Flag]):
    """Open flags, a row of buttons each: Uphold, Dismiss."""

    prefix = PAGE
    size = PAGE_SIZE

    async def items(self, interaction: discord.Interaction[ClaimBot]) -> Sequence[Flag]:
        bot = interaction.client
        scope = scope_for(interaction.guild_id)
        flags = await bot.core(
            bot.service.store.list_flags, scope, state=FlagState.OPEN, limit=QUEUE_LIMIT
        )
        return sorted(flags, key=lambda f: f.id)

    async def render(
        self, interaction: discord.Interaction[ClaimBot], page: Page[Flag], note: str
    ) -> tuple[str, list[discord.Embed], ui.View | None]:
        bot = interaction.client
        flags, shown = page.items, page.shown
        claims = [await _claim(bot, f.claim_id, interaction.guild_id) for f in shown]
        total = f"{len(flags)}+" if len(flags) == QUEUE_LIMIT else str(len(flags))
        # How each shown claim's disputes arrived (new accounts, a burst), over the whole queue.
        found = bot.service.flag_patterns(flags)
        on_page = list(dict.fromkeys(f.claim_id for f in shown))
        patterns = [found[c] for c in on_page if c in found and found[c].suspicious]
        titles = {f.claim_id: c for f, c in zip(shown, claims, strict=True)}
        content, embeds = render.flags_page(
            list(zip(shown, claims, strict=True)),
            total=total,
            first=page.start + 1,
            patterns=[(p, titles.get(p.claim_id)) for p in patterns],
            rules=bot.settings.flags,
        )
        groups = [(p.claim_id, p.held, p.last_held_id) for p in patterns if p.held]
        return content, embeds, review_view(page, groups)


FLAGS = FlagQueue()


async def _claim(bot: ClaimBot, claim_id: str, guild_id: int | None) -> Claim | None:
    try:
        return await bot.core(bot.service.store.get_claim, claim_id, scope_for(guild_id))
    except NotFound:
        return None


class FlagPages(PageButton, queue=FLAGS):
    pass


def review_view(page: Page[Flag], groups: Sequence[tuple[str, int, int]] = ()) -> ui.View | None:
    """A row of Uphold / Dismiss per flag shown, and a last row to page when there are more and
    to dismiss each claim's held flags as a group (`groups`: claim id, how many held, the newest
    held flag's id), most held first, as many as the row holds."""
    view = ui.View(timeout=None)
    for row, flag in enumerate(page.shown):
        for item in (ResolveButton(verb, flag.id) for verb in VERDICTS):
            item.item.row = row
            view.add_item(item)
    last_row: list[ui.Item[Any]] = []
    if page.shown and (page.has_previous or page.has_next):
        last_row += FlagPages.pair(page, row=PAGE_SIZE)
    for claim_id, held, up_to in sorted(groups, key=lambda g: -g[1]):
        if len(last_row) == ROW_WIDTH:
            break
        label = truncate(f"Dismiss {held} held · {claim_id}", BUTTON_LABEL_MAX)
        last_row.append(GroupDismissButton(claim_id, up_to, label))
    for item in last_row:
        item.item.row = PAGE_SIZE  # type: ignore[attr-defined]
        view.add_item(item)
    return view if view.children else None


DYNAMIC_ITEMS = (ResolveButton, FlagPages, GroupDismissButton)
