"""A draft as moderators review it: the proposed claim, its status and why, the supporting
quote and the sources with their publishers, all within Discord's limits."""

from __future__ import annotations

import discord

from bot.render import STATUS_COLOURS, fit, mention_of, source_line, status_heading
from bot.text import FIELD_VALUE_MAX, MESSAGE_EMBED_CHARS, TITLE_MAX, join_lines, safe, truncate
from verifiers.domain.models import Draft

BUDGET = MESSAGE_EMBED_CHARS - 200


def _quote(text: str, limit: int) -> str:
    return "> " + safe(" ".join(text.split()), limit)


def draft_embed(draft: Draft, *, heading: str = "", budget: int = BUDGET) -> discord.Embed:
    embed = discord.Embed(
        title=truncate(f"Proposed: {status_heading(draft.status)}", TITLE_MAX),
        colour=STATUS_COLOURS[draft.status],
        description=_quote(draft.text, 1500),
    )
    if heading:
        embed.set_author(name=truncate(heading, 256))
    if draft.reason:
        embed.add_field(name="Why this status", value=safe(draft.reason, 600), inline=False)
    if draft.explanation:
        embed.add_field(name="Explanation", value=safe(draft.explanation, 800), inline=False)
    if draft.claimant:
        embed.add_field(name="Claimant", value=safe(draft.claimant, 300), inline=True)
    if draft.claim_date:
        embed.add_field(name="Claim date", value=draft.claim_date.isoformat(), inline=True)
    if draft.quote:
        publisher = draft.sources[0].publisher if draft.sources else ""
        credit = f"\n— {safe(publisher, 100)}" if publisher else ""
        embed.add_field(
            name="Supporting quote", value=_quote(draft.quote, 700) + credit, inline=False
        )
    if draft.sources:
        lines = [source_line(s) for s in draft.sources]
        value = join_lines(lines, FIELD_VALUE_MAX, more="…and {n} more")
        embed.add_field(name="Sources", value=value, inline=False)
    place = "global (operator)" if draft.guild_id is None else "this server"
    embed.set_footer(
        text=truncate(
            f"draft {draft.id} · article {draft.article_id} · {place} · "
            f"proposed by {draft.created_by}",
            2048,
        )
    )
    return fit(embed, budget)


def rejected_embed(draft: Draft, *, by: str, note: str) -> discord.Embed:
    """A rejection as posted to the mod-log."""
    embed = draft_embed(draft, heading=f"Draft #{draft.id} rejected", budget=BUDGET - 600)
    embed.add_field(name="By", value=mention_of(by), inline=True)
    if note:
        embed.add_field(name="Note", value=safe(note, 400), inline=False)
    return embed
