"""The buttons under every reply: Sources, Flag as disputed, Not the same claim.

They are persistent (`DynamicItem`s whose custom_id carries the claim id), so they keep working
on old replies after a restart; `setup` registers them once with `bot.add_dynamic_items`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Self

import discord
from discord import ui

from bot import render
from bot.identity import actor, scope_for
from bot.replies import guarded, send_ephemeral, thinking
from bot.text import truncate, unescape
from bot.ui.claim_buttons import ClaimButton, SourcesButton
from bot.ui.flagging import file_flag
from bot.ui.persistent import PersistentButton

if TYPE_CHECKING:
    from bot.client import ClaimBot

MAX_CUSTOM_ID = 100
MIN_CARRIED = 12  # less room than this and the text is not worth carrying
FLAG, NOT_SAME = "cb:flag:", "cb:nsc:"


class FlagButton(
    ClaimButton, prefix=FLAG, label="Flag as disputed", style=discord.ButtonStyle.danger
):
    async def pressed(self, interaction: discord.Interaction[ClaimBot]) -> None:
        await interaction.response.send_modal(FlagModal(self.claim_id))


class NotSameButton(
    PersistentButton,
    template=re.escape(NOT_SAME) + r"(?P<id>[A-Za-z0-9._:-]+)(?:\|(?P<text>.*))?",
):
    """Carries the matched text after the claim id (`cb:nsc:<id>|<text>`, cut to fit the
    100-character custom_id): a compact reply shows no "Your message" field to read it from."""

    def __init__(self, claim_id: str, label: str = "", segment: str = "") -> None:
        custom_id = NOT_SAME + claim_id
        room = MAX_CUSTOM_ID - len(custom_id) - 1
        carried = truncate(" ".join(segment.split()), room) if room >= MIN_CARRIED else ""
        if carried:
            custom_id = f"{custom_id}|{carried}"
        label = label or "Not the same claim"
        super().__init__(custom_id, label, discord.ButtonStyle.secondary)
        self.claim_id = claim_id
        self.segment = carried

    @classmethod
    def from_match(cls, match: re.Match[str], label: str) -> Self:
        return cls(match["id"], label, match["text"] or "")

    async def pressed(self, interaction: discord.Interaction[ClaimBot]) -> None:
        await thinking(interaction)
        bot = interaction.client
        text = matched_text(interaction.message, self.claim_id)
        text = text or await replied_to_text(interaction.message) or self.segment
        await bot.core(
            bot.service.report_false_match,
            self.claim_id,
            user_id=actor(interaction.user),
            scope=scope_for(interaction.guild_id),
            message_text=text,
        )
        await send_ephemeral(interaction, "Thanks: the moderators will review this match.")


async def replied_to_text(message: discord.Message | None) -> str:
    """The whole message a public reply answered (a mention, passive listening), re-fetched;
    empty when there is none or it cannot be read (deleted, no message content intent)."""
    reference = message.reference if message else None
    if message is None or reference is None or reference.message_id is None:
        return ""
    try:
        original = await message.channel.fetch_message(reference.message_id)
    except discord.HTTPException:
        return ""
    return re.sub(rf"<@!?{message.author.id}>", "", original.content).strip()  # not our mention


def matched_text(message: discord.Message | None, claim_id: str) -> str:
    """The user's text a reply matched to `claim_id`, read back off the reply's embed."""
    for embed in message.embeds if message else []:
        if (embed.footer.text or "").endswith(f"claim {claim_id}"):
            for field in embed.fields:
                if field.name == render.YOUR_MESSAGE_FIELD and field.value:
                    return unescape(field.value)
    return ""


class FlagModal(ui.Modal, title="Flag as disputed"):
    """Reason and optional evidence; the flagger's identity is shown to moderators only."""

    def __init__(self, claim_id: str) -> None:
        super().__init__(timeout=900)
        self.claim_id = claim_id
        self.reason: ui.TextInput[FlagModal] = ui.TextInput(
            style=discord.TextStyle.paragraph, max_length=1000, custom_id="reason"
        )
        self.evidence: ui.TextInput[FlagModal] = ui.TextInput(
            required=False, max_length=500, placeholder="https://…", custom_id="evidence"
        )
        self.add_item(ui.Label(text="Why is this claim disputed?", component=self.reason))
        self.add_item(ui.Label(text="Evidence link (optional)", component=self.evidence))

    async def on_submit(self, interaction: discord.Interaction[ClaimBot]) -> None:  # type: ignore[override]
        async with guarded(interaction):
            await thinking(interaction)
            await file_flag(
                interaction, self.claim_id, self.reason.value, self.evidence.value or None
            )


def reply_view(claim_ids: list[str], segments: list[str] | None = None) -> ui.View | None:
    """One row of buttons per shown claim (Discord allows five rows)."""
    view = ui.View(timeout=None)
    numbered = len(claim_ids) > 1
    segments = segments or [""] * len(claim_ids)
    shown = list(zip(claim_ids, segments, strict=True))[: render.MAX_MATCHES_SHOWN]
    for row, (claim_id, segment) in enumerate(shown):
        if len(NOT_SAME + claim_id) > MAX_CUSTOM_ID:
            continue
        suffix = f" ({row + 1})" if numbered else ""
        for item in (
            SourcesButton(claim_id, "Sources" + suffix),
            FlagButton(claim_id, "Flag as disputed" + suffix),
            NotSameButton(claim_id, "Not the same claim" + suffix, segment),
        ):
            item.item.row = row
            view.add_item(item)
    return view if view.children else None


DYNAMIC_ITEMS = (SourcesButton, FlagButton, NotSameButton)
