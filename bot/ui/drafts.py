"""The way into the drafts queue from elsewhere (`/claim ingest`): what an ingest proposed, and
the button that opens the queue, which the drafts cog's queue button answers."""

from __future__ import annotations

import discord
from discord import ui

from bot.text import safe
from verifiers.domain.models import DraftState, IngestReport

QUEUE = "cb:drafts:"  # the drafts queue's buttons: <QUEUE>prev|next:<draft id>, and OPEN
OPEN = QUEUE + "open"
OPEN_LABEL = "Review drafts"


def ingest_summary(report: IngestReport) -> str:
    """What an ingest proposed, in one or two lines."""
    article = report.article
    title = f"“{safe(' '.join(article.title.split()), 200)}”" if article.title else "the page"
    source = f"{title} ({safe(article.publisher, 100)})" if article.publisher else title
    waiting = sum(d.state is DraftState.PENDING for d in report.drafts)
    if report.already_ingested:
        return (
            f"Already ingested: {source} has {len(report.drafts)} draft(s), "
            f"{waiting} still waiting for review. Nothing new was added."
        )
    if not report.drafts:
        return f"No attributable claims found in {source}: nothing was proposed."
    return (
        f"Proposed {len(report.drafts)} draft(s) from {source}. "
        "None is matched until a moderator approves it."
    )


def open_view() -> ui.View:
    """A button that opens the drafts queue for the moderator who presses it."""
    view = ui.View(timeout=None)
    view.add_item(ui.Button(label=OPEN_LABEL, style=discord.ButtonStyle.primary, custom_id=OPEN))
    return view
