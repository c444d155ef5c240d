"""The open-flags queue, a page at a time (each flag needs a row of buttons; Discord allows
five rows, so four flags and a row to page through the rest)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord
from discord import ui
from discord.utils import MISSING

from bot import render
from bot.cogs.flags.review import VERDICTS, GroupDismissButton, ResolveButton
from bot.identity import scope_for
from bot.permissions import require_moderator
from bot.replies import guarded
from bot.text import truncate
from verifiers.errors import NotFound
from verifiers.models import Claim, Flag, FlagState

if TYPE_CHECKING:
    from bot.client import ClaimBot


PAGE = "cb:flags:"
ROW_WIDTH = 5  # buttons in a row (Discord's limit)
BUTTON_LABEL_MAX = 80
PAGE_SIZE = 4  # flags per page: a row of buttons each, and one row to page (Discord allows 5)

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


class PageButton(
    ui.DynamicItem[ui.Button[Any]], template=re.escape(PAGE) + r"(?P<move>prev|next):(?P<id>\d+)"
):
    """◀ / ▶ through the queue: the page before the flag `id`, or after it."""

    def __init__(self, move: str, flag_id: int, *, disabled: bool = False) -> None:
        super().__init__(
            ui.Button(
                label="◀ Previous" if move == "prev" else "Next ▶",
                style=discord.ButtonStyle.secondary,
                custom_id=f"{PAGE}{move}:{flag_id}",
                disabled=disabled,
            )
        )
        self.move = move
        self.flag_id = flag_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str]
    ) -> PageButton:
        return cls(match["move"], int(match["id"]))

    async def callback(self, interaction: discord.Interaction[ClaimBot]) -> None:
        async with guarded(interaction):
            await require_moderator(interaction)
            await interaction.response.defer()
            if self.move == "next":
                await show_flags(interaction, after=self.flag_id, edit=True)
            else:
                await show_flags(interaction, before=self.flag_id, edit=True)


def review_view(
    flag_ids: list[int],
    *,
    has_prev: bool = False,
    has_next: bool = False,
    groups: Sequence[tuple[str, int, int]] = (),
) -> ui.View | None:
    """A row of Uphold / Dismiss per flag, and a last row to page when there are more and to
    dismiss each claim's held flags as a group (`groups`: claim id, how many held, the newest
    held flag's id), most held first, as many as the row holds."""
    view = ui.View(timeout=None)
    for row, flag_id in enumerate(flag_ids[:PAGE_SIZE]):
        for item in (ResolveButton(verb, flag_id) for verb in VERDICTS):
            item.item.row = row
            view.add_item(item)
    last_row: list[ui.Item[Any]] = []
    if flag_ids and (has_prev or has_next):
        for move, flag_id, enabled in (
            ("prev", flag_ids[0], has_prev),
            ("next", flag_ids[-1], has_next),
        ):
            last_row.append(PageButton(move, flag_id, disabled=not enabled))
    for claim_id, held, up_to in sorted(groups, key=lambda g: -g[1]):
        if len(last_row) == ROW_WIDTH:
            break
        label = truncate(f"Dismiss {held} held · {claim_id}", BUTTON_LABEL_MAX)
        last_row.append(GroupDismissButton(claim_id, up_to, label))
    for item in last_row:
        item.item.row = PAGE_SIZE  # type: ignore[attr-defined]
        view.add_item(item)
    return view if view.children else None
