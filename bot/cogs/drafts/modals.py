"""The forms behind Edit (text, status, explanation, claimant) and Reject (a note)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import discord
from discord import ui

from bot import notify
from bot.cogs.drafts.embeds import rejected_embed
from bot.cogs.drafts.queue import draft_scope
from bot.forms import optional
from bot.identity import actor
from bot.permissions import require_moderator
from bot.replies import guarded
from verifiers.domain.models import Draft, DraftChanges, Status
from verifiers.domain.validation import build
from verifiers.store.ports import draft_store

if TYPE_CHECKING:
    from bot.client import ClaimBot


class ShowPage(Protocol):
    """Shows the queue's page at a draft again, with a note (the queue's `show`, handed in so
    that the forms need not import the views that open them)."""

    async def __call__(
        self, interaction: discord.Interaction[ClaimBot], *, at: int, note: str, edit: bool
    ) -> None: ...


def _text(
    *, custom_id: str, default: str | None, paragraph: bool = True, max_length: int = 4000
) -> ui.TextInput[ui.Modal]:
    return ui.TextInput(
        style=discord.TextStyle.paragraph if paragraph else discord.TextStyle.short,
        custom_id=custom_id,
        required=False,
        max_length=max_length,
        default=default or None,
    )


class EditDraftModal(ui.Modal):
    """Prefilled with the draft; saves only the fields the moderator changed."""

    def __init__(self, draft: Draft, show: ShowPage) -> None:
        super().__init__(title=f"Edit draft #{draft.id}", timeout=1800)
        self.draft = draft
        self.show = show  # the queue shows the page again once saved
        self.text = _text(custom_id="text", default=draft.text)
        self.text.required, self.text.min_length = True, 3
        self.status: ui.Select[EditDraftModal] = ui.Select(
            custom_id="status",
            required=False,
            options=[
                discord.SelectOption(
                    label=s.label,
                    value=s.value,
                    description=s.meaning[:100],
                    default=s is draft.status,
                )
                for s in Status
            ],
        )
        self.explanation = _text(custom_id="explanation", default=draft.explanation)
        self.claimant = _text(
            custom_id="claimant", default=draft.claimant, paragraph=False, max_length=300
        )
        self.add_item(ui.Label(text="Claim", component=self.text))
        self.add_item(ui.Label(text="Status", component=self.status))
        self.add_item(ui.Label(text="Why this status", component=self.explanation))
        self.add_item(ui.Label(text="Claimant", component=self.claimant))

    def changes(self) -> DraftChanges:
        draft = self.draft
        new = {
            "text": self.text.value.strip(),
            "status": self.status.values[0] if self.status.values else draft.status.value,
            "explanation": self.explanation.value.strip(),
            "claimant": optional(self.claimant.value),
        }
        old = {
            "text": draft.text,
            "status": draft.status.value,
            "explanation": draft.explanation,
            "claimant": draft.claimant,
        }
        return build(DraftChanges, **{k: v for k, v in new.items() if v != old[k]})

    async def on_submit(self, interaction: discord.Interaction[ClaimBot]) -> None:  # type: ignore[override]
        async with guarded(interaction):
            await require_moderator(interaction)
            changes = self.changes()
            await interaction.response.defer()
            note = f"Draft #{self.draft.id}: nothing changed."
            if not changes.is_empty():
                bot = interaction.client
                scope = await draft_scope(interaction, self.draft.id)
                await bot.core(
                    draft_store(bot.service.store).edit_draft,
                    self.draft.id,
                    changes,
                    actor(interaction.user),
                    scope,
                )
                note = f"Saved draft #{self.draft.id}."
            await self.show(interaction, at=self.draft.id, note=note, edit=True)


class RejectDraftModal(ui.Modal):
    def __init__(self, draft_id: int, show: ShowPage) -> None:
        super().__init__(title=f"Reject draft #{draft_id}", timeout=900)
        self.draft_id = draft_id
        self.show = show
        self.note = _text(custom_id="note", default=None, max_length=1000)
        self.add_item(ui.Label(text="Why reject it? (kept on record)", component=self.note))

    async def on_submit(self, interaction: discord.Interaction[ClaimBot]) -> None:  # type: ignore[override]
        async with guarded(interaction):
            await require_moderator(interaction)
            await interaction.response.defer()
            bot = interaction.client
            scope = await draft_scope(interaction, self.draft_id)
            who = actor(interaction.user)
            note = self.note.value.strip()
            draft = await bot.core(
                draft_store(bot.service.store).reject_draft, self.draft_id, who, scope, note
            )
            await self.show(
                interaction, at=self.draft_id, note=f"Rejected draft #{draft.id}.", edit=True
            )
            embed = rejected_embed(draft, by=who, note=note)
            await notify.post_modlog(bot, interaction.guild_id, embed)
