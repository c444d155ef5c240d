"""The queue's pages and buttons: Approve, Edit, Reject, Previous, Next, and "Review drafts"
under an ingest report.

The buttons are persistent (`DynamicItem`s whose custom_id carries the draft id), so an old
queue message keeps working after a restart; every press re-checks the moderator and re-reads
the queue, so it never acts on a stale page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord
from discord import ui
from discord.utils import MISSING

from bot import notify, render
from bot.cogs.drafts.embeds import draft_embed
from bot.cogs.drafts.modals import EditDraftModal, RejectDraftModal
from bot.cogs.drafts.queue import QUEUE_LIMIT, draft_scope, pending, position
from bot.identity import actor
from bot.permissions import require_moderator
from bot.replies import guarded
from bot.text import CONTENT_MAX, truncate
from bot.ui.drafts import OPEN_LABEL, QUEUE
from verifiers.ingest.drafts import Draft

if TYPE_CHECKING:
    from bot.client import ClaimBot

EMPTY = "No drafts are waiting for review."
DRAFT = "cb:draft:"
ACTIONS = {
    "ok": ("Approve", discord.ButtonStyle.success),
    "edit": ("Edit", discord.ButtonStyle.primary),
    "no": ("Reject", discord.ButtonStyle.danger),
}
MOVES = {"prev": "◀ Previous", "next": "Next ▶", "open": OPEN_LABEL}


# -- pages -----------------------------------------------------------------------------------
def page(
    drafts: Sequence[Draft], index: int, note: str = ""
) -> tuple[str, list[discord.Embed], ui.View | None]:
    """Content, embed and buttons for the draft at `index` (or the empty queue)."""
    if not drafts:
        return truncate(f"{note} {EMPTY}".strip(), CONTENT_MAX), [], None
    draft = drafts[index]
    more = "+" if len(drafts) >= QUEUE_LIMIT else ""
    heading = f"Draft #{draft.id} · {index + 1} of {len(drafts)}{more} waiting"
    view = queue_view(draft.id, first=index == 0, last=index == len(drafts) - 1)
    return truncate(note, CONTENT_MAX), [draft_embed(draft, heading=heading)], view


async def show(
    interaction: discord.Interaction[ClaimBot],
    *,
    at: int | None = None,
    before: int | None = None,
    note: str = "",
    edit: bool,
) -> None:
    """Show a page of the queue in place of the message clicked (`edit`), or as a new message
    only the moderator sees. The interaction must have been deferred."""
    drafts = await pending(interaction)
    content, embeds, view = page(drafts, position(drafts, at=at, before=before), note)
    if edit:
        await interaction.edit_original_response(content=content or None, embeds=embeds, view=view)
    else:
        await interaction.followup.send(
            content or MISSING, embeds=embeds, view=view or MISSING, ephemeral=True
        )


def queue_view(draft_id: int, *, first: bool, last: bool) -> ui.View:
    view = ui.View(timeout=None)
    for action in ACTIONS:
        view.add_item(DraftButton(action, draft_id))
    for move, disabled in (("prev", first), ("next", last)):
        item = QueueButton(move, draft_id)
        item.item.row, item.item.disabled = 1, disabled
        view.add_item(item)
    return view


# -- buttons ---------------------------------------------------------------------------------
class DraftButton(
    ui.DynamicItem[ui.Button[Any]],
    template=re.escape(DRAFT) + r"(?P<action>ok|edit|no):(?P<id>\d+)",
):
    def __init__(self, action: str, draft_id: int) -> None:
        label, style = ACTIONS[action]
        super().__init__(
            ui.Button(label=label, style=style, custom_id=f"{DRAFT}{action}:{draft_id}")
        )
        self.action = action
        self.draft_id = draft_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str]
    ) -> DraftButton:
        return cls(match["action"], int(match["id"]))

    async def callback(self, interaction: discord.Interaction[ClaimBot]) -> None:
        async with guarded(interaction):
            await require_moderator(interaction)
            scope = await draft_scope(interaction, self.draft_id)
            bot = interaction.client
            if self.action == "edit":
                draft = await bot.core(bot.service.get_draft, self.draft_id, scope)
                await interaction.response.send_modal(EditDraftModal(draft, show))
            elif self.action == "no":
                await interaction.response.send_modal(RejectDraftModal(self.draft_id, show))
            else:
                await interaction.response.defer()
                claim = await bot.core(
                    bot.service.approve_draft, self.draft_id, actor(interaction.user), scope
                )
                note = (
                    f"Approved draft #{self.draft_id}: it is now claim `{claim.id}`, "
                    "matched from now on."
                )
                await show(interaction, at=self.draft_id, note=note, edit=True)
                embed = render.modlog_embed(
                    claim, action=f"Draft #{self.draft_id} approved", by=actor(interaction.user)
                )
                await notify.post_modlog(bot, interaction.guild_id, embed)


class QueueButton(
    ui.DynamicItem[ui.Button[Any]],
    template=re.escape(QUEUE) + r"(?P<move>prev|next|open)(?::(?P<id>\d+))?",
):
    def __init__(self, move: str, draft_id: int | None = None) -> None:
        suffix = f":{draft_id}" if draft_id is not None else ""
        style = discord.ButtonStyle.primary if move == "open" else discord.ButtonStyle.secondary
        super().__init__(
            ui.Button(label=MOVES[move], style=style, custom_id=f"{QUEUE}{move}{suffix}")
        )
        self.move = move
        self.draft_id = draft_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str]
    ) -> QueueButton:
        return cls(match["move"], int(match["id"]) if match["id"] else None)

    async def callback(self, interaction: discord.Interaction[ClaimBot]) -> None:
        async with guarded(interaction):
            await require_moderator(interaction)
            if self.move == "open":
                await interaction.response.defer(ephemeral=True, thinking=True)
                await show(interaction, edit=False)
                return
            await interaction.response.defer()
            if self.move == "next":
                await show(interaction, at=(self.draft_id or 0) + 1, edit=True)
            else:
                await show(interaction, before=self.draft_id, edit=True)


DYNAMIC_ITEMS = (DraftButton, QueueButton)
