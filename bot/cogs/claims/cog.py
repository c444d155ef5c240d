"""`/claim ...`: moderators add, edit, re-rate, source, retire, ingest and inspect claims.

Every subcommand is checked in code (`interaction_check`), since server admins can override
the group's default permissions; claims added here belong to this server only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import MISSING

from bot import notify, render
from bot.autocomplete import claim_choices
from bot.cogs.claims.modals import ClaimAddModal, ClaimEditModal
from bot.forms import iso_date, source_from
from bot.identity import actor, scope_for
from bot.logs import log_event
from bot.permissions import moderator_command, require_moderator
from bot.replies import thinking
from bot.ui.claim_buttons import SourcesButton
from bot.ui.drafts import ingest_summary, open_view
from verifiers.domain.models import DraftState, FlagState, SourceRole, Status

if TYPE_CHECKING:
    from bot.client import ClaimBot

STATUS_CHOICES = [
    app_commands.Choice(name=f"{s.label}: {s.meaning}"[:100], value=s.value) for s in Status
]
ROLE_CHOICES = [app_commands.Choice(name=r.label, value=r.value) for r in SourceRole]
HISTORY_SHOWN = 50


@moderator_command
class ClaimsCog(commands.GroupCog, group_name="claim", group_description="Moderate claims"):
    source = app_commands.Group(name="source", description="A claim's sources")

    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction[ClaimBot]) -> bool:  # type: ignore[override]
        await require_moderator(interaction)
        return True

    @app_commands.command(name="add", description="Add a claim to this server's database")
    @app_commands.describe(
        status="The claim's status", source_date="The source's publication date, YYYY-MM-DD"
    )
    @app_commands.choices(status=STATUS_CHOICES)
    async def add(
        self,
        interaction: discord.Interaction[ClaimBot],
        status: str,
        source_date: str | None = None,
    ) -> None:
        await interaction.response.send_modal(ClaimAddModal(Status(status), iso_date(source_date)))

    @app_commands.command(name="edit", description="Edit a claim's text, explanation or details")
    @app_commands.describe(claim="The claim (start typing to search)")
    @app_commands.autocomplete(claim=claim_choices)
    async def edit(self, interaction: discord.Interaction[ClaimBot], claim: str) -> None:
        current = await self.bot.core(
            self.bot.service.store.get_claim, claim, scope_for(interaction.guild_id)
        )
        await interaction.response.send_modal(ClaimEditModal(current))

    @app_commands.command(name="status", description="Change a claim's status")
    @app_commands.describe(
        claim="The claim (start typing to search)",
        status="The new status",
        explanation="Why it has this status now",
    )
    @app_commands.autocomplete(claim=claim_choices)
    @app_commands.choices(status=STATUS_CHOICES)
    async def status(
        self,
        interaction: discord.Interaction[ClaimBot],
        claim: str,
        status: str,
        explanation: app_commands.Range[str, 1, 4000] | None = None,
    ) -> None:
        await thinking(interaction)
        change = await self.bot.core(
            self.bot.service.set_status,
            claim,
            Status(status),
            explanation,
            actor(interaction.user),
            scope_for(interaction.guild_id),
        )
        await notify.announce_change(
            interaction,
            change.claim,
            f"Status set to {change.claim.status.label}",
            told=change.notify_user_ids,
        )

    @source.command(name="add", description="Add a source to a claim")
    @app_commands.describe(
        claim="The claim (start typing to search)",
        url="Link to the source",
        publisher="Who published it (default: the link's site)",
        title="The source's headline",
        date="Publication date, YYYY-MM-DD",
        quote="The passage that supports the claim",
        role="Why it is cited",
    )
    @app_commands.autocomplete(claim=claim_choices)
    @app_commands.choices(role=ROLE_CHOICES)
    async def source_add(
        self,
        interaction: discord.Interaction[ClaimBot],
        claim: str,
        url: app_commands.Range[str, 1, 2000],
        publisher: app_commands.Range[str, 1, 300] | None = None,
        title: app_commands.Range[str, 1, 500] | None = None,
        date: str | None = None,
        quote: app_commands.Range[str, 1, 4000] | None = None,
        role: str = SourceRole.ORIGINAL.value,
    ) -> None:
        source = source_from(
            url, publisher, title=title, published=iso_date(date), quote=quote, role=role
        )
        assert source is not None  # a URL was given
        await thinking(interaction)
        updated = await self.bot.core(
            self.bot.service.store.add_source,
            claim,
            source,
            actor(interaction.user),
            scope_for(interaction.guild_id),
        )
        await notify.announce_change(interaction, updated, "Source added")

    @app_commands.command(
        name="retire", description="Retire a claim: kept for history, never matched"
    )
    @app_commands.describe(claim="The claim (start typing to search)", reason="Why")
    @app_commands.autocomplete(claim=claim_choices)
    async def retire(
        self,
        interaction: discord.Interaction[ClaimBot],
        claim: str,
        reason: app_commands.Range[str, 1, 1000],
    ) -> None:
        await thinking(interaction)
        retired = await self.bot.core(
            self.bot.service.retire_claim,
            claim,
            actor(interaction.user),
            scope_for(interaction.guild_id),
            reason,
        )
        await notify.announce_change(interaction, retired, "Claim retired", note=reason)

    @app_commands.command(
        name="ingest", description="Propose claims from an article or fact-check page"
    )
    @app_commands.describe(url="Link to the article (http or https)")
    async def ingest(
        self, interaction: discord.Interaction[ClaimBot], url: app_commands.Range[str, 1, 2000]
    ) -> None:
        """Fetched through the safe fetcher; a refused or failed fetch answers with its line."""
        await thinking(interaction)
        report = await self.bot.core(
            self.bot.service.ingest_url,
            url.strip(),
            actor(interaction.user),
            scope_for(interaction.guild_id),
        )
        waiting = any(d.state is DraftState.PENDING for d in report.drafts)
        await interaction.followup.send(
            ingest_summary(report), view=open_view() if waiting else MISSING, ephemeral=True
        )
        log_event(
            "ingest",
            guild=interaction.guild_id,
            user=interaction.user.id,
            article=report.article.id,
            drafts=len(report.drafts),
            again=report.already_ingested,
        )

    @app_commands.command(name="show", description="Show a claim with its details and sources")
    @app_commands.describe(claim="The claim (start typing to search)")
    @app_commands.autocomplete(claim=claim_choices)
    async def show(self, interaction: discord.Interaction[ClaimBot], claim: str) -> None:
        await thinking(interaction)
        scope = scope_for(interaction.guild_id)
        found = await self.bot.core(self.bot.service.store.get_claim, claim, scope)
        flags = await self.bot.core(
            self.bot.service.store.list_flags, scope, state=FlagState.OPEN, claim_id=found.id
        )
        view = discord.ui.View(timeout=None)
        view.add_item(SourcesButton(found.id))
        await interaction.followup.send(
            embeds=[
                render.claim_embed(
                    found, open_flags=len(flags), counted_flags=sum(f.counted for f in flags)
                )
            ],
            view=view,
            ephemeral=True,
        )

    @app_commands.command(name="history", description="Every change to a claim: who, when, what")
    @app_commands.describe(claim="The claim (start typing to search)")
    @app_commands.autocomplete(claim=claim_choices)
    async def history(self, interaction: discord.Interaction[ClaimBot], claim: str) -> None:
        await thinking(interaction)
        scope = scope_for(interaction.guild_id)
        found = await self.bot.core(self.bot.service.store.get_claim, claim, scope)
        entries = await self.bot.core(self.bot.service.store.history, found.id, scope)
        await interaction.followup.send(
            embeds=[render.history_embed(found, entries[-HISTORY_SHOWN:])], ephemeral=True
        )
