"""Discord hygiene on the wire: no pings, escaped user markup, every embed within limits."""

from __future__ import annotations

import re

from tests.bot.conftest import Harness
from tests.fakediscord import payloads
from tests.fakediscord.server import embed_problems, embed_size
from verifiers.domain.models import Source, SourceRole, Status

MOD = payloads.MODERATOR_PERMISSIONS
PINGY = "Everyone @everyone and @here and <@&123456789012345678> must see: the moon is hollow"
UNESCAPED_MASKED_LINK = re.compile(r"(?<!\\)\[[^\]]*(?<!\\)\]\(https://evil\.example")


def _message_bodies(h: Harness) -> list[dict]:
    return [s.body for s in h.fake.sent if s.body.get("content") or s.body.get("embeds")]


async def test_nothing_the_bot_sends_can_ping(h: Harness) -> None:
    claim = h.add_claim(PINGY, Status.FALSE, guild=h.alpha, explanation="@everyone it is not")
    h.listen(h.alpha, "general")
    await h.fake.reply_of(
        await h.slash(
            "claimbot settings",
            {"modlog_channel": h.alpha.channel("modlog")},
            user=h.mod,
            permissions=payloads.ADMIN_PERMISSIONS,
        )
    )
    # ephemeral and public /check, the message command, a passive reply and a mention reply
    private = await h.fake.reply_of(await h.slash("check", {"text": PINGY}))
    await h.fake.reply_of(await h.slash("check", {"text": PINGY, "public": True}))
    target = await h.fake.post_message(h.alpha, "news", h.bob, PINGY)
    await h.fake.reply_of(
        await h.fake.message_command("Check claims", target, guild=h.alpha, user=h.alice)
    )
    await h.say(h.alpha, "general", h.alice, PINGY)
    await h.say(h.alpha, "news", h.alice, PINGY, mention_bot=True)
    # buttons, a modal answer, a moderator change (reply + mod-log) and a DM to the flagger
    await h.fake.reply_of(await h.fake.click(private, "Sources", user=h.alice, guild=h.alpha))
    flag = await h.fake.click(private, "Flag as disputed", user=h.alice, guild=h.alpha)
    await h.fake.reply_of(
        await h.fake.submit_modal(
            flag, {"Why is this claim disputed?": "@everyone look"}, guild=h.alpha
        )
    )
    await h.fake.reply_of(await h.as_mod("claim status", {"claim": claim.id, "status": "disputed"}))
    await h.fake.reply_of(await h.slash("flags", user=h.bob))  # a refusal: an immediate answer
    await h.posts_in(h.alpha.channel("modlog"))  # the status change's mod-log post
    await h.dms_to(h.alice)

    bodies = _message_bodies(h)
    assert len(bodies) >= 11
    for body in bodies:
        assert body.get("allowed_mentions") == {"parse": []}, body
    routes = {s.route.split()[0] + " " + s.route.split()[1][:9] for s in h.fake.sent}
    assert {"POST /channels", "POST callback", "POST followup"} <= routes
    for body in bodies:  # and the text itself is defused, for clients that render it
        text = str(body.get("embeds")) + (body.get("content") or "")
        assert "@everyone" not in text
        assert "@here" not in text
        assert "<@&123456789012345678>" not in text


async def test_huge_claim_with_twenty_sources_fits_every_message(h: Harness) -> None:
    text = ("The moon is hollow and full of cheese " * 120)[:4000]
    sources = [
        Source(
            url=f"https://news{i}.example/" + "a" * 300,
            publisher="P" * 300,
            title="Headline " * 55,
            quote="Word " * 800,
            role=SourceRole.REPUBLICATION,
        )
        for i in range(20)
    ]
    claim = h.add_claim(
        text, Status.MISLEADING, guild=h.alpha, sources=sources, explanation="E" * 4000
    )
    h.listen(h.alpha, "general")
    replies = [
        await h.fake.reply_of(await h.slash("check", {"text": text[:2000]})),
        await h.fake.reply_of(await h.as_mod("claim show", {"claim": claim.id})),
        await h.fake.reply_of(await h.as_mod("claim history", {"claim": claim.id})),
    ]
    message, _ = await h.say(h.alpha, "general", h.alice, text[:2000])
    replies += h.replies_to(message)
    click = await h.fake.click(replies[0], "Sources", user=h.bob, guild=h.alpha)
    await h.fake.reply_of(click)
    await h.fake.wait_until(
        lambda: any("**20.**" in str(m["embeds"]) for m in click.messages), what="source 20"
    )
    pages = click.messages  # too long for one message: paged, never a 400

    assert len(replies) == 4
    for reply in replies + pages:
        assert reply["embeds"], reply.get("content")
        assert embed_problems(reply["embeds"]) == []
        assert sum(embed_size(e) for e in reply["embeds"]) <= 6000
    listing = "\n".join(e["description"] for page in pages for e in page["embeds"])
    assert all(f"**{i}.**" in listing for i in range(1, 21))  # all 20 sources
    assert not h.fake.rejected


async def test_masked_links_in_claims_and_sources_are_defused(h: Harness) -> None:
    text = "Vaccines cause autism, as [https://who.int](https://evil.example/phish) admits"
    h.add_claim(
        text,
        Status.FALSE,
        guild=h.alpha,
        sources=[
            Source(
                url="https://evil.example/x",
                publisher="[WHO](https://evil.example/y)",
                title="[https://who.int](https://evil.example/z)",
                quote="**bold**",
            )
        ],
    )
    reply = await h.fake.reply_of(await h.slash("check", {"text": text}))
    sources = await h.fake.reply_of(
        await h.fake.click(reply, "Sources", user=h.alice, guild=h.alpha)
    )
    for embed in [*reply["embeds"], *sources["embeds"]]:
        rendered = embed["description"] + str(embed.get("fields"))
        assert not UNESCAPED_MASKED_LINK.search(rendered), rendered
    listing = sources["embeds"][0]["description"]
    assert "(https://evil.example/x) (evil.example)" in listing  # the real host is shown
    assert "\\*\\*bold\\*\\*" in listing


async def test_an_error_line_cannot_carry_a_masked_link(h: Harness) -> None:
    """An error line repeats what the user typed; it is shown literally, like any user text."""
    reply = await h.fake.reply_of(
        await h.slash("flag", {"claim": "[x](https://evil.example/p)", "reason": "wrong"})
    )
    line = reply["content"]
    assert line.startswith("no claim with id"), line
    assert "evil.example" in line  # still said, so the user sees what was not found
    assert not UNESCAPED_MASKED_LINK.search(line), line


async def test_invisible_format_characters_are_stripped_from_all_that_is_shown(h: Harness) -> None:
    """Bidi controls and other format characters (here U+061C ARABIC LETTER MARK, which the
    bidi list missed, and a zero-width space) can reorder or hide what a reply says."""
    hidden = "\u061c\u200b\u2066"
    h.add_claim(f"The moon is{hidden} made of cheese", Status.FALSE, guild=h.alpha)
    error = await h.fake.reply_of(
        await h.slash("flag", {"claim": f"moon{hidden}cheese", "reason": "wrong"})
    )
    answer = await h.fake.reply_of(await h.slash("check", {"text": "The moon is made of cheese"}))
    shown = [error["content"], str(answer["embeds"])]
    assert "mooncheese" in shown[0], shown[0]
    assert "The moon is made of cheese" in shown[1], shown[1]
    for text in shown:
        assert not any(ch in text for ch in hidden), ascii(text)


async def test_a_link_that_is_not_a_url_is_refused_in_one_line(h: Harness) -> None:
    """With no publisher the source is credited to the link's site; "http://[" has none."""
    claim = h.add_claim("The moon is made of cheese", Status.FALSE, guild=h.alpha)
    reply = await h.fake.reply_of(
        await h.as_mod("claim source add", {"claim": claim.id, "url": "http://["})
    )
    assert reply["content"].startswith("invalid url:"), reply["content"]
    assert "\n" not in reply["content"]
