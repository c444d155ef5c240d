"""The moderators' review queue buttons (Uphold, Dismiss, paging) and the modal that records
why."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Self

import discord
from discord import ui

from bot import notify, render
from bot.identity import actor, scope_for
from bot.permissions import require_moderator
from bot.replies import guarded, send_ephemeral, thinking
from bot.ui.persistent import PersistentButton
from verifiers.domain.models import Status

if TYPE_CHECKING:
    from bot.client import ClaimBot

GROUP = "cb:gdis:"
VERDICTS = {  # custom_id verb: (label, style, upheld)
    "uphold": ("Uphold", discord.ButtonStyle.success, True),
    "dismiss": ("Dismiss", discord.ButtonStyle.secondary, False),
}
KEEP_STATUS = "keep"


class ResolveButton(PersistentButton, template=r"cb:(?P<verb>uphold|dismiss):(?P<id>\d+)"):
    """Uphold or Dismiss a flag (`cb:uphold:<id>`, `cb:dismiss:<id>`): both ask the moderator
    for a note in the same modal, so one class serves both verdicts."""

    moderators_only = True

    def __init__(self, verb: str, flag_id: int) -> None:
        label, style, self.upheld = VERDICTS[verb]
        super().__init__(f"cb:{verb}:{flag_id}", f"{label} #{flag_id}", style)
        self.flag_id = flag_id

    @classmethod
    def from_match(cls, match: re.Match[str], label: str) -> Self:
        return cls(match["verb"], int(match["id"]))

    async def pressed(self, interaction: discord.Interaction[ClaimBot]) -> None:
        await interaction.response.send_modal(ResolveModal(self.flag_id, upheld=self.upheld))


class GroupDismissButton(
    PersistentButton, template=re.escape(GROUP) + r"(?P<up_to>\d+):(?P<id>.+)"
):
    """Dismiss, as one group, a claim's open disputes held from the public count, up to the
    newest the moderator was shown (`cb:gdis:<flag id>:<claim id>`): one press for a brigade."""

    moderators_only = True

    def __init__(self, claim_id: str, up_to: int, label: str = "") -> None:
        label = label or f"Dismiss held · {claim_id}"
        super().__init__(f"{GROUP}{up_to}:{claim_id}", label, discord.ButtonStyle.danger)
        self.claim_id = claim_id
        self.up_to = up_to

    @classmethod
    def from_match(cls, match: re.Match[str], label: str) -> Self:
        return cls(match["id"], int(match["up_to"]), label)

    async def pressed(self, interaction: discord.Interaction[ClaimBot]) -> None:
        await interaction.response.send_modal(GroupDismissModal(self.claim_id, self.up_to))


class ResolveModal(ui.Modal):
    """A note for the record and, when upholding, the claim's new status."""

    def __init__(self, flag_id: int, *, upheld: bool) -> None:
        verb = "Uphold" if upheld else "Dismiss"
        super().__init__(title=f"{verb} flag #{flag_id}", timeout=900)
        self.flag_id = flag_id
        self.upheld = upheld
        self.note: ui.TextInput[ResolveModal] = ui.TextInput(
            style=discord.TextStyle.paragraph, max_length=1000, custom_id="note"
        )
        self.add_item(ui.Label(text="Note for the record", component=self.note))
        self.status: ui.Select[ResolveModal] | None = None
        if upheld:
            options = [discord.SelectOption(label="Keep the current status", value=KEEP_STATUS)]
            options += [
                discord.SelectOption(label=s.label, value=s.value, description=s.meaning[:100])
                for s in Status
            ]
            self.status = ui.Select(options=options, custom_id="status", required=False)
            self.add_item(ui.Label(text="New status for the claim", component=self.status))

    def _new_status(self) -> Status | None:
        if self.status is None or not self.status.values:
            return None
        value = self.status.values[0]
        return None if value == KEEP_STATUS else Status(value)

    async def on_submit(self, interaction: discord.Interaction[ClaimBot]) -> None:  # type: ignore[override]
        async with guarded(interaction):
            await thinking(interaction)
            await require_moderator(interaction)
            bot = interaction.client
            resolution = await bot.core(
                bot.service.resolve_flag,
                self.flag_id,
                upheld=self.upheld,
                moderator=actor(interaction.user),
                note=self.note.value,
                scope=scope_for(interaction.guild_id),
                new_status=self._new_status(),
            )
            flag, claim = resolution.flag, resolution.claim
            verdict = "upheld" if self.upheld else "dismissed"
            told = notify.queued_note(resolution.notify_user_ids)
            await send_ephemeral(
                interaction,
                f"Flag #{flag.id} {verdict}; the claim is {claim.status.label}. {told}".strip(),
            )
            embed = render.modlog_embed(
                claim,
                action=f"Flag #{flag.id} {verdict}",
                by=actor(interaction.user),
                note=self.note.value,
            )
            await notify.post_modlog(bot, interaction.guild_id, embed)


class GroupDismissModal(ui.Modal, title="Dismiss held flags as a group"):
    """A note for the record, which each dismissed flagger reads in their DM."""

    def __init__(self, claim_id: str, up_to: int) -> None:
        super().__init__(timeout=900)
        self.claim_id = claim_id
        self.up_to = up_to
        self.note: ui.TextInput[GroupDismissModal] = ui.TextInput(
            style=discord.TextStyle.paragraph, max_length=1000, custom_id="note"
        )
        self.add_item(ui.Label(text="Note for the record", component=self.note))

    async def on_submit(self, interaction: discord.Interaction[ClaimBot]) -> None:  # type: ignore[override]
        async with guarded(interaction):
            await thinking(interaction)
            await require_moderator(interaction)
            bot = interaction.client
            done = await bot.core(
                bot.service.dismiss_held_flags,
                self.claim_id,
                moderator=actor(interaction.user),
                note=self.note.value,
                scope=scope_for(interaction.guild_id),
                up_to=self.up_to,
            )
            n, claim = len(done.flags), done.claim
            if not n:
                await send_ephemeral(
                    interaction, f"No held flags were left open on claim `{claim.id}`."
                )
                return
            told = notify.queued_note(done.notify_user_ids)
            await send_ephemeral(
                interaction,
                f"{n} held flag{'s' * (n != 1)} on claim `{claim.id}` dismissed as a group; "
                f"the claim stays {claim.status.label}. {told}".strip(),
            )
            embed = render.modlog_embed(
                claim,
                action=f"{n} held flag{'s' * (n != 1)} dismissed as a group",
                by=actor(interaction.user),
                note=self.note.value,
            )
            await notify.post_modlog(bot, interaction.guild_id, embed)
