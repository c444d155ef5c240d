"""Rendering without Discord: escaping, truncation and Discord's size limits."""

from __future__ import annotations

from datetime import UTC, datetime

import discord
import pytest

from bot import render
from bot.text import escape, link, truncate, unescape
from tests.fakediscord.server import embed_problems
from verifiers.domain.models import (
    CheckResult,
    Claim,
    Match,
    SegmentResult,
    Source,
    Stance,
    Status,
    Tier,
)


def _claim(text: str = "The moon is hollow", n_sources: int = 1, **extra: object) -> Claim:
    now = datetime.now(UTC)
    sources = [
        Source(url=f"https://n{i}.example/a", publisher=f"Paper {i}", quote="q" * 500)
        for i in range(n_sources)
    ]
    data = {
        "id": f"c{abs(hash(text)) % 10**8}",
        "text": text,
        "status": Status.FALSE,
        "sources": sources,
        "created_at": now,
        "created_by": "t",
        "updated_at": now,
        "updated_by": "t",
        **extra,
    }
    return Claim.model_validate(data)


def _as_dicts(embeds: list[discord.Embed]) -> list[dict]:
    return [e.to_dict() for e in embeds]


def test_escape_defuses_markup_links_and_mentions_and_round_trips() -> None:
    text = (
        "**bold** [https://who.int](https://evil.example) @everyone <@&123456789012345678>"
        " \\ # head\n> quote"
    )
    escaped = escape(text)
    assert "[https" not in escaped.replace("\\[https", "")
    assert "@everyone" not in escaped
    assert "<@&123456789012345678>" not in escaped
    assert escaped.startswith("\\*\\*bold\\*\\*")
    assert "\n\\> quote" in escaped
    assert escape("1. first\n- second") == "1\\. first\n\\- second"
    assert unescape(escaped) == text


@pytest.mark.parametrize(
    "hidden", ["\u061c", "\u200e", "\u200f", "\u202a", "\u202e", "\u2066", "\u2069", "\u200b",
               "\u200d", "\u2060", "\ufeff", "\u00ad"]
)  # fmt: skip
def test_escape_drops_bidi_and_other_format_characters(hidden: str) -> None:
    assert escape(f"the moon{hidden} is{hidden}{hidden} hollow") == "the moon is hollow"


def test_escape_keeps_the_joiner_inside_an_emoji_sequence() -> None:
    coder = "\U0001f469\u200d\U0001f4bb"
    assert escape(f"a {coder} and a\u200dword") == f"a {coder} and aword"


def test_truncate_respects_the_limit_and_never_ends_in_an_escape() -> None:
    escaped = escape("*" * 50)
    for limit in range(1, 60):
        cut = truncate(escaped, limit)
        assert len(cut) <= limit
        assert not cut.rstrip("…").endswith("\\") or cut.rstrip("…").endswith("\\\\")


def test_link_shows_the_real_host_and_keeps_the_url_intact() -> None:
    shown = link("WHO", "https://evil.example/a_(b) c")
    assert shown == "[WHO](https://evil.example/a_%28b%29%20c) (evil.example)"
    long = link("Paper", "https://x.example/" + "a" * 600)
    assert "](" not in long
    assert "link too long" in long


def test_many_matches_are_capped_at_five_and_fit_one_message() -> None:
    results = []
    for i in range(12):
        claim = _claim(f"Claim number {i} " + "x" * 3900, n_sources=20, explanation="e" * 4000)
        match = Match(
            claim=claim,
            score=0.9,
            tier=Tier.CONFIDENT,
            stance=Stance.CONTRADICTS,
            stance_reason="r" * 2000,
            open_flags=3,
        )
        related = [Match(claim=_claim(f"Related {i}"), score=0.4, tier=Tier.RELATED)]
        results.append(SegmentResult(segment="s" * 4000, match=match, related=related))
    reply = render.check_reply(CheckResult(input="...", results=results))
    assert len(reply.embeds) == 5
    assert len(reply.claim_ids) == 5
    assert reply.content.startswith("7 more matching claims not shown")
    assert embed_problems(_as_dicts(reply.for_asker())) == []
    fields = {f.name: f.value for f in reply.embeds[0].fields}
    assert fields["Stance"].startswith("Your message contradicts this claim")
    assert "3 open flags" in reply.embeds[0].footer.text


def test_compact_style_leaves_out_sources_and_quote() -> None:
    match = Match(claim=_claim(), score=0.8, tier=Tier.CONFIDENT)
    reply = render.check_reply(
        CheckResult(input="x", results=[SegmentResult(segment="x", match=match)]), compact=True
    )
    assert [f.name for f in reply.embeds[0].fields] == []


def test_sources_are_paged_and_capped() -> None:
    claim = _claim(n_sources=200)
    pages = render.sources_pages(claim)
    assert len(pages) == render.MAX_SOURCE_PAGES
    for page in pages:
        assert embed_problems(_as_dicts(page)) == []
    assert pages[-1][-1].footer.text == "More sources not shown."


def test_fit_shrinks_free_text_but_keeps_the_sources_field_whole() -> None:
    embed = discord.Embed(title="t", description="d" * 4000)
    embed.add_field(name="Sources", value="[a](https://a.example) (a.example)")
    embed.add_field(name="Your message", value="m" * 1000)
    render.fit(embed, 1200)
    assert len(embed) <= 1200
    assert embed.fields[0].value == "[a](https://a.example) (a.example)"


def test_the_reply_shows_the_other_half_labelled_and_what_was_not_checked() -> None:
    statement = _claim("Fluoride in tap water lowers IQ", status=Status.FALSE)
    saying = _claim("Cllr Marsh said fluoride in tap water lowers IQ", status=Status.CONFIRMED)
    answer = Match(claim=statement, score=0.9, tier=Tier.CONFIDENT)
    other = Match(claim=saying, score=0.5, tier=Tier.RELATED, stance=Stance.DIFFERENT)
    result = CheckResult(
        input="...",
        results=[
            SegmentResult(
                segment="fluoride lowers IQ",
                match=answer,
                counterpart=other,
                counterpart_label="That Cllr Marsh said it",
            )
        ],
        checked_segments=12,
        skipped_segments=3,
    )
    reply = render.check_reply(result)
    [embed] = reply.embeds
    field = next(f for f in embed.fields if f.name == "That Cllr Marsh said it")
    assert field.value.startswith(f"**{Status.CONFIRMED.label}**")
    assert "12 most claim-like parts" in reply.content
    assert "3 more were not checked" in reply.content
    assert embed_problems(_as_dicts(reply.embeds)) == []


def test_the_queue_page_with_brigade_lines_fits_and_escapes() -> None:
    from datetime import timedelta

    from bot.text import CONTENT_MAX
    from verifiers.domain.models import Flag
    from verifiers.domain.settings import FlagSettings
    from verifiers.flagging import patterns

    now = datetime.now(UTC)
    claims = [_claim(f"**Loud** @everyone claim {n} " + "x" * 3000) for n in range(4)]
    flags = [
        Flag(
            id=n * 100 + k,
            claim_id=claim.id,
            guild_id=1,
            user_id=f"discord:{k}",
            reason="r" * 999,
            created_at=now - timedelta(seconds=k),
            account_created_at=now - timedelta(days=9),
            member_joined_at=now - timedelta(hours=5),
            held=["new_account", "new_member", "burst"],
        )
        for n, claim in enumerate(claims)
        for k in range(300)
    ]
    found = patterns(flags, FlagSettings())
    note, embeds = render.flags_page(
        [(flags[n * 300], claim) for n, claim in enumerate(claims)],
        total="500+",
        patterns=[(found[c.id], c) for c in claims],
        rules=FlagSettings(),
    )
    assert len(note) <= CONTENT_MAX
    assert embed_problems(_as_dicts(embeds)) == []
    assert "\\*\\*Loud\\*\\* @\u200beveryone" in note  # shown literally, never pinging
    assert "300 open disputes, 300 of them in 5 minutes" in note
    fields = {f.name: f.value for f in embeds[0].fields}
    assert fields["When flagging"] == "account 9 days old · in the server under a day"
    assert fields["Not counted publicly"] == "new account, new member, in a burst"
