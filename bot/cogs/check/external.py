"""External fact-checks (Google Fact Check Tools) under a check that found no confident match.

They are someone else's ratings of claims that only look like the message, so they go in an
embed of their own whose title says so, never in the colours or words of our own statuses.
"""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.render import fit
from bot.text import DESCRIPTION_MAX, join_lines, link, safe
from verifiers.external.base import VerifierResult
from verifiers.service import ExternalAnswer

TITLE = "External fact-checks — not from this server's claims database"
COLOUR = 0x7F8C8D
BUDGET = 2500  # leaves room for the "possibly related" band in the same message
MAX_SHOWN = 8


def result_line(result: VerifierResult) -> str:
    """`**Publisher** rated “Missing context”: claim — [title](url) (host), 2025-07-17`."""
    publisher = safe(result.publisher or "An external fact-checker", 100)
    rating = f" rated “{safe(result.rating, 80)}”" if result.rating else ""
    when = f", {result.review_date.isoformat()}" if result.review_date else ""
    read = link(result.title or "the fact-check", result.url) if result.url else ""
    tail = f" — {read}{when}" if read else when
    return f"**{publisher}**{rating}: {safe(result.claim_text, 200)}{tail}"


def external_embed(answers: Sequence[ExternalAnswer]) -> discord.Embed | None:
    """One labelled embed for every external result (and why a verifier could not answer)."""
    results = [r for a in answers for r in a.results]
    notes = list(dict.fromkeys(n for a in answers for n in a.notes))
    if not results and not notes:
        return None
    lines = [result_line(r) for r in results[:MAX_SHOWN]]
    description = join_lines(lines, min(DESCRIPTION_MAX, BUDGET - 400), more="…and {n} more")
    if not results:
        description = "No external fact-check could be consulted."
    embed = discord.Embed(title=TITLE, description=description, colour=COLOUR)
    if notes:
        embed.add_field(name="Not available", value=safe("; ".join(notes), 300), inline=False)
    verifiers = sorted({r.verifier for r in results}) or ["external fact-checkers"]
    embed.set_footer(
        text=f"via {', '.join(verifiers)} · their ratings, not a match from this server's claims"
    )
    return fit(embed, BUDGET)
