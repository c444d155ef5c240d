"""The queue's pages and buttons: Approve, Edit, Reject, Previous, Next, and "Review drafts"
under an ingest report.

The buttons are persistent (their custom_id carries the draft id), so an old queue message
keeps working after a restart; every press re-checks the moderator and re-reads the queue, so
it never acts on a stale page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Self

import discord
from discord import ui

from bot import notify, render
from bot.cogs.drafts.embeds import draft_embed
from bot.cogs.drafts.modals import EditDraftModal, RejectDraftModal
from bot.cogs.drafts.queue import QUEUE_LIMIT, draft_scope, pending
from bot.identity import actor
from bot.text import CONTENT_MAX, truncate
from bot.ui.drafts import OPEN, OPEN_LABEL, QUEUE
from bot.ui.pager import Page, PageButton, Queue
from bot.ui.persistent import PersistentButton
from verifiers.domain.models import Draft
from verifiers.store.ports import draft_store

if TYPE_CHECKING:
    from bot.client import ClaimBot

EMPTY = "No drafts are waiting for review."
DRAFT = "cb:draft:"
ACTIONS = {
    "ok": ("Approve", discord.ButtonStyle.success),
    "edit": ("Edit", discord.ButtonStyle.primary),
    "no": ("Reject", discord.ButtonStyle.danger),
}


# -- pages -----------------------------------------------------------------------------------
class DraftQueue(Queue[Draft]):
    """One draft a page, with its buttons and a row to page."""

    prefix = QUEUE
    size = 1

    async def items(self, interaction: discord.Interaction[ClaimBot]) -> Sequence[Draft]:
        return await pending(interaction)

    async def render(
        self, interaction: discord.Interaction[ClaimBot], page: Page[Draft], note: str
    ) -> tuple[str, list[discord.Embed], ui.View | None]:
        if not page.shown:
            return truncate(f"{note} {EMPTY}".strip(), CONTENT_MAX), [], None
        [draft] = page.shown
        total = len(page.items)
        more = "+" if total >= QUEUE_LIMIT else ""
        heading = f"Draft #{draft.id} · {page.start + 1} of {total}{more} waiting"
        view = ui.View(timeout=None)
        for action in ACTIONS:
            view.add_item(DraftButton(action, draft.id))
        for item in DraftPages.pair(page, row=1):
            view.add_item(item)
        return truncate(note, CONTENT_MAX), [draft_embed(draft, heading=heading)], view


DRAFTS = DraftQueue()


class DraftPages(PageButton, queue=DRAFTS):
    pass


# -- buttons ---------------------------------------------------------------------------------
class DraftButton(
    PersistentButton, template=re.escape(DRAFT) + r"(?P<action>ok|edit|no):(?P<id>\d+)"
):
    moderators_only = True

    def __init__(self, action: str, draft_id: int) -> None:
        label, style = ACTIONS[action]
        super().__init__(f"{DRAFT}{action}:{draft_id}", label, style)
        self.action = action
        self.draft_id = draft_id

    @classmethod
    def from_match(cls, match: re.Match[str], label: str) -> Self:
        return cls(match["action"], int(match["id"]))

    async def pressed(self, interaction: discord.Interaction[ClaimBot]) -> None:
        scope = await draft_scope(interaction, self.draft_id)
        bot = interaction.client
        if self.action == "edit":
            draft = await bot.core(draft_store(bot.service.store).get_draft, self.draft_id, scope)
            await interaction.response.send_modal(EditDraftModal(draft, DRAFTS.show))
        elif self.action == "no":
            await interaction.response.send_modal(RejectDraftModal(self.draft_id, DRAFTS.show))
        else:
            await interaction.response.defer()
            claim = await bot.core(
                bot.service.approve_draft, self.draft_id, actor(interaction.user), scope
            )
            note = (
                f"Approved draft #{self.draft_id}: it is now claim `{claim.id}`, "
                "matched from now on."
            )
            await DRAFTS.show(interaction, at=self.draft_id, note=note, edit=True)
            embed = render.modlog_embed(
                claim, action=f"Draft #{self.draft_id} approved", by=actor(interaction.user)
            )
            await notify.post_modlog(bot, interaction.guild_id, embed)


class OpenQueueButton(PersistentButton, template=re.escape(OPEN)):
    """ "Review drafts" under an ingest report: the queue, for the moderator who presses it."""

    moderators_only = True

    def __init__(self) -> None:
        super().__init__(OPEN, OPEN_LABEL, discord.ButtonStyle.primary)

    @classmethod
    def from_match(cls, match: re.Match[str], label: str) -> Self:
        return cls()

    async def pressed(self, interaction: discord.Interaction[ClaimBot]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await DRAFTS.show(interaction, edit=False)


DYNAMIC_ITEMS = (DraftButton, DraftPages, OpenQueueButton)
