"""The claim forms: adding a claim with its first source, editing a claim's text fields."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import ui

from bot import notify
from bot.forms import optional, source_from
from bot.identity import actor, scope_for
from bot.permissions import require_moderator
from bot.replies import guarded, thinking
from verifiers.domain.models import Claim, ClaimChanges, ClaimFields, Status
from verifiers.domain.validation import build

if TYPE_CHECKING:
    from bot.client import ClaimBot


def _text(
    label: str,
    *,
    custom_id: str,
    paragraph: bool = False,
    required: bool = False,
    max_length: int = 4000,
    default: str | None = None,
    min_length: int | None = None,
) -> tuple[ui.Label[ui.Modal], ui.TextInput[ui.Modal]]:
    field: ui.TextInput[ui.Modal] = ui.TextInput(
        style=discord.TextStyle.paragraph if paragraph else discord.TextStyle.short,
        custom_id=custom_id,
        required=required,
        max_length=max_length,
        min_length=min_length,
        default=default,
    )
    return ui.Label(text=label, component=field), field


class ClaimAddModal(ui.Modal, title="Add a claim"):
    """Five fields is Discord's maximum: status and source date come from the command."""

    def __init__(self, status: Status, published: str | None) -> None:
        super().__init__(timeout=1800)
        self.status = status
        self.published = published
        label, self.text = _text(
            "Claim", custom_id="text", paragraph=True, required=True, min_length=3
        )
        self.add_item(label)
        label, self.explanation = _text("Why this status", custom_id="explanation", paragraph=True)
        self.add_item(label)
        label, self.url = _text("Source URL", custom_id="url", max_length=2000)
        self.add_item(label)
        label, self.publisher = _text("Publisher", custom_id="publisher", max_length=300)
        self.add_item(label)
        label, self.quote = _text("Supporting quote", custom_id="quote", paragraph=True)
        self.add_item(label)

    async def on_submit(self, interaction: discord.Interaction[ClaimBot]) -> None:  # type: ignore[override]
        async with guarded(interaction):
            await thinking(interaction)
            await require_moderator(interaction)
            source = source_from(
                self.url.value,
                self.publisher.value,
                published=self.published,
                quote=self.quote.value,
            )
            fields = build(
                ClaimFields,
                text=self.text.value,
                status=self.status,
                explanation=self.explanation.value,
                sources=[source] if source else [],
            )
            bot = interaction.client
            claim = await bot.core(
                bot.service.add_claim,
                fields,
                actor(interaction.user),
                scope_for(interaction.guild_id),
            )
            await notify.announce_change(interaction, claim, "Claim added")


class ClaimEditModal(ui.Modal, title="Edit a claim"):
    """Prefilled with the claim as it was; saved only if nobody changed it meanwhile."""

    def __init__(self, claim: Claim) -> None:
        super().__init__(timeout=1800)
        self.claim = claim
        label, self.text = _text(
            "Claim",
            custom_id="text",
            paragraph=True,
            required=True,
            default=claim.text,
            min_length=3,
        )
        self.add_item(label)
        label, self.explanation = _text(
            "Why this status",
            custom_id="explanation",
            paragraph=True,
            default=claim.explanation or None,
        )
        self.add_item(label)
        label, self.claimant = _text(
            "Claimant", custom_id="claimant", max_length=300, default=claim.claimant
        )
        self.add_item(label)
        label, self.claim_date = _text(
            "Claim date (YYYY-MM-DD)",
            custom_id="claim_date",
            max_length=10,
            default=claim.claim_date.isoformat() if claim.claim_date else None,
        )
        self.add_item(label)
        label, self.summary = _text(
            "Summary",
            custom_id="summary",
            paragraph=True,
            max_length=1000,
            default=claim.summary or None,
        )
        self.add_item(label)

    def changes(self) -> ClaimChanges:
        """Only the fields the moderator actually changed."""
        claim = self.claim
        new = {
            "text": self.text.value.strip(),
            "explanation": self.explanation.value.strip(),
            "claimant": optional(self.claimant.value),
            "claim_date": optional(self.claim_date.value),
            "summary": self.summary.value.strip(),
        }
        old = {
            "text": claim.text,
            "explanation": claim.explanation,
            "claimant": claim.claimant,
            "claim_date": claim.claim_date.isoformat() if claim.claim_date else None,
            "summary": claim.summary,
        }
        changed = {k: v for k, v in new.items() if v != old[k]}
        return build(ClaimChanges, **changed)

    async def on_submit(self, interaction: discord.Interaction[ClaimBot]) -> None:  # type: ignore[override]
        async with guarded(interaction):
            await thinking(interaction)
            await require_moderator(interaction)
            bot = interaction.client
            change = await bot.core(
                bot.service.edit_claim,
                self.claim.id,
                self.changes(),
                actor(interaction.user),
                scope_for(interaction.guild_id),
                expected_version=self.claim.version,
            )
            await notify.announce_change(
                interaction, change.claim, "Claim edited", told=change.notify_user_ids
            )
