"""Core results → Discord embeds that always fit Discord's limits and never render user markup.

Discord rejects a whole message (400) when one embed is too long, so every builder here takes a
character budget and truncates instead; user text goes through `bot.text.safe`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

import discord

from bot.identity import discord_user_id
from bot.text import (
    CONTENT_MAX,
    DESCRIPTION_MAX,
    FIELD_NAME_MAX,
    FIELD_VALUE_MAX,
    FOOTER_MAX,
    MESSAGE_EMBED_CHARS,
    TITLE_MAX,
    join_lines,
    link,
    safe,
    truncate,
)
from verifiers.domain.models import (
    AuditEntry,
    CheckResult,
    Claim,
    Flag,
    FlagKind,
    GuildSettings,
    Match,
    Source,
    Stance,
    Status,
)
from verifiers.domain.settings import FlagSettings
from verifiers.flagging import FlagPattern

# A reply carries one row of buttons per matched claim; Discord allows five rows.
MAX_MATCHES_SHOWN = 5
# The Sources button answers with at most this many messages.
MAX_SOURCE_PAGES = 5
# Headroom under the 6,000 total, for the rounding of per-embed budgets.
_TOTAL_BUDGET = MESSAGE_EMBED_CHARS - 100

STATUS_COLOURS: dict[Status, int] = {
    Status.CONFIRMED: 0x2ECC71,
    Status.REPORTED: 0x3498DB,
    Status.UNVERIFIED: 0x95A5A6,
    Status.DISPUTED: 0xE67E22,
    Status.MISLEADING: 0xF1C40F,
    Status.FALSE: 0xE74C3C,
}


def status_heading(status: Status) -> str:
    return f"{status.label.upper()}: {status.meaning}"


def source_line(source: Source, *, title_limit: int = 120) -> str:
    """`[Title](url) (host) — Publisher, 2025-07-04, original reporting`."""
    url = str(source.url) if source.url else None
    text = source.title or source.publisher
    parts = [source.publisher if source.title else "", _date(source), source.role.label]
    details = ", ".join(safe(p, 120) for p in parts if p)
    return f"{link(truncate(text, title_limit), url)} — {details}"


def _date(source: Source) -> str:
    return source.published.isoformat() if source.published else ""


def _quote_block(text: str, limit: int) -> str:
    return "> " + safe(" ".join(text.split()), limit)


def _first_quote(claim: Claim) -> Source | None:
    return next((s for s in claim.sources if s.quote), None)


def fit(embed: discord.Embed, budget: int) -> discord.Embed:
    """Shrink the longest free-text parts (never link lists) until the embed fits `budget`."""
    while len(embed) > budget:
        excess = len(embed) - budget
        pieces: list[tuple[int, str]] = [(-1, embed.description or "")]
        pieces += [
            (i, f.value or "") for i, f in enumerate(embed.fields) if f.name not in _LINK_FIELDS
        ]
        index, text = max(pieces, key=lambda piece: len(piece[1]))
        if len(text) <= 20:
            if not embed.fields:
                embed.title = truncate(embed.title or "", max(1, len(embed.title or "") - excess))
                break
            embed.remove_field(len(embed.fields) - 1)
            continue
        shorter = truncate(text, max(20, len(text) - excess))
        if index == -1:
            embed.description = shorter
        else:
            f = embed.fields[index]
            embed.set_field_at(index, name=f.name, value=shorter, inline=f.inline)
    return embed


_SOURCES_FIELD = "Sources"
YOUR_MESSAGE_FIELD = "Your message"
_LINK_FIELDS = {_SOURCES_FIELD, "Evidence"}


def _sources_field(claim: Claim, limit: int) -> str:
    lines = [source_line(s) for s in claim.sources]
    return join_lines(lines, limit, more="…and {n} more: press Sources")


# -- replies to a check -----------------------------------------------------------------------
@dataclass
class CheckReply:
    """What to send for a check: match embeds, the claims they show (for buttons), a note, the
    external fact-checks, and the "possibly related" band, which only the asker may ever see."""

    content: str = ""
    embeds: list[discord.Embed] = field(default_factory=list)
    claim_ids: list[str] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)  # the text each shown claim matched
    related: discord.Embed | None = None
    external: discord.Embed | None = None  # others' fact-checks, when nothing matched here

    @property
    def has_match(self) -> bool:
        return bool(self.claim_ids)

    def public(self) -> list[discord.Embed]:
        """What may be posted for everyone: our matches, or the labelled external results."""
        return [*self.embeds, self.external] if self.external else list(self.embeds)

    def for_asker(self) -> list[discord.Embed]:
        return [*self.public(), self.related] if self.related else self.public()


def match_embed(
    match: Match,
    segment: str,
    *,
    budget: int,
    compact: bool = False,
    number: int = 0,
    counterpart: tuple[str, Match] | None = None,
) -> discord.Embed:
    """One answered claim; `counterpart`: its other half (the statement, or the claim that
    someone made it) with its label, e.g. ("That Trump said it", the attribution claim)."""
    claim = match.claim
    embed = discord.Embed(
        title=truncate(status_heading(claim.status), TITLE_MAX),
        colour=STATUS_COLOURS[claim.status],
        description=_quote_block(claim.text, 1500)
        + ("" if compact or not claim.explanation else "\n\n" + safe(claim.explanation, 1500)),
    )
    if number:
        embed.set_author(name=f"Match {number}")
    if match.stance is Stance.CONTRADICTS:
        reason = f" ({safe(match.stance_reason, 300)})" if match.stance_reason else ""
        embed.add_field(
            name="Stance", value=f"Your message contradicts this claim{reason}.", inline=False
        )
    if counterpart is not None:
        label, other = counterpart
        embed.add_field(
            name=truncate(safe(label, 200), FIELD_NAME_MAX),
            value=f"**{other.claim.status.label}** — {safe(other.claim.text, 300)}"
            f" · `{other.claim.id}`",
            inline=False,
        )
    if not compact:
        embed.add_field(name=YOUR_MESSAGE_FIELD, value=safe(segment, 300) or "…", inline=False)
        if claim.sources:
            value = _sources_field(claim, min(FIELD_VALUE_MAX, max(200, budget // 3)))
            embed.add_field(name=_SOURCES_FIELD, value=value, inline=False)
        quoted = _first_quote(claim)
        if quoted is not None:
            value = f"{_quote_block(quoted.quote, 600)}\n— {safe(quoted.publisher, 100)}"
            embed.add_field(name="Supporting quote", value=value, inline=False)
    flags = f" · {match.open_flags} open flag{'s' * (match.open_flags != 1)}"
    embed.set_footer(
        text=truncate(f"match {match.score:.0%}{flags} · claim {claim.id}", FOOTER_MAX)
    )
    return fit(embed, budget)


def related_embed(related: Sequence[Match], budget: int) -> discord.Embed:
    lines = [
        f"**{m.claim.status.label}** ({m.score:.0%}) {safe(m.claim.text, 200)} · `{m.claim.id}`"
        + (
            f" — a different claim: {safe(m.stance_reason, 150)}"
            if m.stance is Stance.DIFFERENT and m.stance_reason
            else ""
        )
        for m in related
    ]
    embed = discord.Embed(
        title="Possibly related (shown only to you)",
        description=join_lines(lines, min(DESCRIPTION_MAX, budget - 60), more="…and {n} more"),
        colour=0x7F8C8D,
    )
    return fit(embed, budget)


def best_matches(result: CheckResult) -> list[tuple[Match, str]]:
    """One entry per matched claim (its best-scoring segment), in the order of the text."""
    best: dict[str, tuple[Match, str]] = {}
    for segment in result.results:
        match = segment.match
        if match is None:
            continue
        seen = best.get(match.claim.id)
        if seen is None or match.score > seen[0].score:
            best[match.claim.id] = (match, segment.segment)
    return list(best.values())


def related_matches(result: CheckResult, exclude: Iterable[str]) -> list[Match]:
    seen = set(exclude)
    out = []
    for segment in result.results:
        for match in segment.related:
            if match.claim.id not in seen:
                seen.add(match.claim.id)
                out.append(match)
    return out


def check_reply(result: CheckResult, *, compact: bool = False) -> CheckReply:
    """Confident matches as embeds, sized so that they and the related band fit one message."""
    matches = best_matches(result)
    shown = matches[:MAX_MATCHES_SHOWN]
    related = related_matches(result, [m.claim.id for m, _ in matches])
    notes = []
    if len(matches) > len(shown):
        notes.append(
            f"{len(matches) - len(shown)} more matching claims not shown: "
            "check fewer sentences at a time."
        )
    if not matches:
        notes.append("No claim in the database matches this.")
    if result.skipped_segments:
        notes.append(
            f"Checked the {result.checked_segments} most claim-like parts of your message; "
            f"{result.skipped_segments} more were not checked: send them separately."
        )
    halves = {
        r.match.claim.id: (r.counterpart_label, r.counterpart)
        for r in result.results
        if r.match is not None and r.counterpart is not None
    }
    related_budget = min(1500, _TOTAL_BUDGET // 3) if related else 0
    per_match = (_TOTAL_BUDGET - related_budget) // max(1, len(shown))
    numbered = len(shown) > 1
    embeds = [
        match_embed(
            m,
            seg,
            budget=per_match,
            compact=compact,
            number=i + 1 if numbered else 0,
            counterpart=halves.get(m.claim.id),
        )
        for i, (m, seg) in enumerate(shown)
    ]
    return CheckReply(
        content=truncate(" ".join(notes), CONTENT_MAX),
        embeds=embeds,
        claim_ids=[m.claim.id for m, _ in shown],
        segments=[segment for _, segment in shown],
        related=related_embed(related, related_budget) if related else None,
    )


# -- sources, claims, history, flags ----------------------------------------------------------
def _source_block(index: int, source: Source, quote_limit: int, title_limit: int) -> str:
    block = f"**{index}.** {source_line(source, title_limit=title_limit)}"
    if source.quote and quote_limit:
        block += "\n" + _quote_block(source.quote, quote_limit)
    return block


def paginate(blocks: Sequence[str], *, title: str, colour: int) -> list[list[discord.Embed]]:
    """Blocks (each under 4,096 characters) into messages of embeds that Discord accepts."""
    pages: list[list[discord.Embed]] = []
    page: list[discord.Embed] = []
    current: list[str] = []
    used = len(title)

    def flush_embed() -> None:
        page.append(discord.Embed(description="\n\n".join(current), colour=colour))
        current.clear()

    def flush_page() -> None:
        nonlocal page, used
        if current:
            flush_embed()
        pages.append(page)
        page, used = [], 0

    for block in blocks:
        if current and used + len(block) + 2 > _TOTAL_BUDGET:
            flush_page()
        elif current and len("\n\n".join([*current, block])) > DESCRIPTION_MAX:
            flush_embed()
        current.append(block)
        used += len(block) + 2
    flush_page()
    pages[0][0].title = title
    return pages


def sources_pages(claim: Claim) -> list[list[discord.Embed]]:
    """Every source of a claim (the Sources button): one message per page, at most a few."""
    title = safe(f"Sources: {claim.text}", TITLE_MAX)
    colour = STATUS_COLOURS[claim.status]
    if not claim.sources:
        return [[discord.Embed(title=title, description="No sources recorded.", colour=colour)]]
    blocks = [_source_block(i + 1, s, 300, 150) for i, s in enumerate(claim.sources)]
    pages = paginate(blocks, title=title, colour=colour)
    if len(pages) > MAX_SOURCE_PAGES:
        pages = pages[:MAX_SOURCE_PAGES]
        pages[-1][-1].set_footer(text="More sources not shown.")
    return pages


def claim_embed(
    claim: Claim,
    *,
    heading: str = "",
    budget: int = _TOTAL_BUDGET,
    open_flags: int | None = None,
    counted_flags: int | None = None,
) -> discord.Embed:
    """A claim as moderators see it (`/claim show`, confirmations, the mod-log); of its
    `open_flags`, `counted_flags` are those members see counted beside it."""
    embed = discord.Embed(
        title=truncate(status_heading(claim.status), TITLE_MAX),
        colour=STATUS_COLOURS[claim.status],
        description=_quote_block(claim.text, 2000)
        + ("\n\n" + safe(claim.explanation, 1500) if claim.explanation else ""),
    )
    if heading:
        embed.set_author(name=truncate(heading, 256))
    if claim.claimant:
        embed.add_field(name="Claimant", value=safe(claim.claimant, 300), inline=True)
    if claim.claim_date:
        embed.add_field(name="Claim date", value=claim.claim_date.isoformat(), inline=True)
    embed.add_field(
        name="Scope", value="this server" if claim.guild_id else "global (seeded)", inline=True
    )
    if open_flags is not None:
        counted = f" ({counted_flags} counted publicly)" if counted_flags is not None else ""
        embed.add_field(name="Open flags", value=f"{open_flags}{counted}", inline=True)
    if claim.summary:
        embed.add_field(name="Summary", value=safe(claim.summary, FIELD_VALUE_MAX), inline=False)
    if claim.sources:
        embed.add_field(name=_SOURCES_FIELD, value=_sources_field(claim, 700), inline=False)
    retired = " · retired" if claim.retired else ""
    embed.set_footer(
        text=truncate(
            f"claim {claim.id} · v{claim.version}{retired} · updated by {claim.updated_by}",
            FOOTER_MAX,
        )
    )
    return fit(embed, budget)


def history_embed(claim: Claim, entries: Sequence[AuditEntry]) -> discord.Embed:
    lines = []
    for entry in reversed(entries):
        change = ""
        if entry.field:
            old = safe(entry.old or "∅", 80)
            new = safe(entry.new or "∅", 80)
            change = f" {safe(entry.field, 40)}: {old} → {new}"
        when = entry.at.strftime("%Y-%m-%d %H:%M")
        lines.append(f"`{when}` **{safe(entry.action, 40)}**{change} — {mention_of(entry.actor)}")
    text = join_lines(lines, DESCRIPTION_MAX - 200, more="…{n} earlier changes not shown")
    return discord.Embed(
        title=safe(f"History: {claim.text}", TITLE_MAX),
        description=text or "No changes recorded.",
        colour=STATUS_COLOURS[claim.status],
    )


def mention_of(actor: str) -> str:
    """`discord:123` → `<@123>` (rendered, never pinged); anything else shown as text."""
    user_id = discord_user_id(actor)
    return f"<@{user_id}>" if user_id is not None else safe(actor, 100)


def flag_embed(flag: Flag, claim: Claim | None, *, budget: int) -> discord.Embed:
    """One entry of the moderators' review queue; the flagger is shown to moderators only."""
    kind = "Not the same claim" if flag.kind is FlagKind.FALSE_MATCH else "Dispute"
    embed = discord.Embed(
        title=truncate(f"Flag #{flag.id} · {kind}", TITLE_MAX),
        colour=0x9B59B6 if flag.kind is FlagKind.FALSE_MATCH else 0xE67E22,
        description=(
            f"{claim.status.label}: {_quote_block(claim.text, 600)}"
            if claim
            else f"claim `{flag.claim_id}`"
        ),
    )
    embed.add_field(name="Reason", value=safe(flag.reason, 800) or "…", inline=False)
    if flag.evidence_url:
        embed.add_field(name="Evidence", value=link("evidence", str(flag.evidence_url)))
    if flag.message_text:
        embed.add_field(name="Matched message", value=safe(flag.message_text, 600), inline=False)
    embed.add_field(name="Flagged by", value=mention_of(flag.user_id), inline=True)
    standing = _standing(flag)
    if standing:
        embed.add_field(name="When flagging", value=standing, inline=True)
    if flag.held:
        held = ", ".join(r.label for r in flag.held)
        embed.add_field(name="Not counted publicly", value=held, inline=True)
    embed.set_footer(
        text=f"claim {flag.claim_id} · {flag.created_at:%Y-%m-%d %H:%M} UTC · {flag.state.value}"
    )
    return fit(embed, budget)


def _standing(flag: Flag) -> str:
    """The flagger's account age and time in the server when they flagged, where known."""
    parts = []
    account, member = flag.account_age(), flag.membership()
    if account is not None:
        parts.append(f"account {_age(account)} old")
    if member is not None:
        parts.append(f"in the server {_age(member)}")
    return " · ".join(parts)


def _age(span: timedelta) -> str:
    days = span.days
    return "under a day" if days < 1 else f"{days} day{'s' * (days != 1)}"


def _span(span: timedelta) -> str:
    minutes = round(span.total_seconds() / 60)
    if minutes < 1:
        return "under a minute"
    if minutes < 60:
        return f"{minutes} minute{'s' * (minutes != 1)}"
    hours = round(minutes / 60)
    if hours < 48:
        return "an hour" if hours == 1 else f"{hours} hours"
    return f"{round(hours / 24)} days"


def pattern_line(pattern: FlagPattern, claim: Claim | None, rules: FlagSettings) -> str:
    """How one claim's open disputes arrived, for moderators: e.g. "12 open disputes, 12 of
    them in 9 minutes (a burst: ...); 9 from accounts under 30 days old, ...; 3 counted
    publicly, 9 held"."""
    p = pattern
    what = f"`{p.claim_id}`"
    if claim is not None:
        what += f" ({claim.status.label}: {safe(claim.text, 80)})"
    arrived = f"{p.disputes} open dispute{'s' * (p.disputes != 1)}"
    if p.burst > rules.burst_limit:
        arrived += (
            f", {p.burst} of them in {_span(p.burst_span)} (a burst: more than "
            f"{rules.burst_limit} in {_span(rules.rate.window)})"
        )
    who = []
    if p.new_accounts:
        who.append(f"{p.new_accounts} from accounts under {rules.public_account_days} days old")
    if p.new_members:
        who.append(
            f"{p.new_members} from members in the server under {rules.public_member_days} days"
        )
    counted = f"{p.counted} counted publicly, {p.held} held"
    return f"⚠ Claim {what}: " + "; ".join([arrived, *([", ".join(who)] if who else []), counted])


def flags_page(
    flags: Sequence[tuple[Flag, Claim | None]],
    *,
    total: str,
    first: int = 1,
    patterns: Sequence[tuple[FlagPattern, Claim | None]] = (),
    rules: FlagSettings | None = None,
) -> tuple[str, list[discord.Embed]]:
    """One page of the review queue: these flags, the `first`-th onwards of `total` open ones
    ("500+" when capped), and a line for each shown claim whose disputes came from new
    accounts or in a burst (`patterns`)."""
    if not flags:
        return "No open flags.", []
    budget = _TOTAL_BUDGET // len(flags)
    last = first + len(flags) - 1
    lines = [f"{total} open flags; showing {first}–{last}."] if total != str(len(flags)) else []
    rules = rules or FlagSettings()
    lines += [pattern_line(p, c, rules) for p, c in patterns]
    return truncate("\n".join(lines), CONTENT_MAX), [
        flag_embed(f, c, budget=budget) for f, c in flags
    ]


def settings_embed(settings: GuildSettings, *, message_content: bool) -> discord.Embed:
    listen = ", ".join(f"<#{c}>" for c in settings.listen_channel_ids) or "none"
    embed = discord.Embed(title="claimbot settings", colour=0x5865F2)
    modlog = f"<#{settings.modlog_channel_id}>" if settings.modlog_channel_id else "not set"
    role = f"<@&{settings.moderator_role_id}>" if settings.moderator_role_id else "not set"
    embed.add_field(name="Mod-log channel", value=modlog)
    embed.add_field(name="Moderator role", value=role)
    embed.add_field(name="Reply style", value=settings.reply_style)
    embed.add_field(name="Listening channels", value=truncate(listen, 1000), inline=False)
    if not message_content:
        embed.set_footer(text="Message content intent off: passive listening cannot read messages.")
    return embed


def modlog_embed(claim: Claim, *, action: str, by: str, note: str = "") -> discord.Embed:
    """A claim change or flag resolution as posted to a server's mod-log channel."""
    embed = claim_embed(claim, heading=action, budget=_TOTAL_BUDGET - 500)
    embed.add_field(name="By", value=mention_of(by), inline=True)
    if note:
        embed.add_field(name="Note", value=safe(note, 400), inline=False)
    return embed
