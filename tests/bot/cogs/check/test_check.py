"""Checking claims through the real client: /check, the message command, DMs, cooldowns."""

from __future__ import annotations

from bot.render import STATUS_COLOURS
from tests.bot.conftest import Harness, MakeHarness
from tests.fakediscord import payloads
from verifiers.domain.models import Status

EIFFEL = "The Eiffel Tower was sold for scrap metal in 1925"


async def test_check_answers_with_status_claim_score_sources_and_buttons(h: Harness) -> None:
    claim = h.add_claim(EIFFEL, Status.FALSE, explanation="It still stands in Paris.")
    ix = await h.slash(
        "check", {"text": "my uncle says the Eiffel Tower was sold for scrap metal in 1925"}
    )

    reply = await h.fake.reply_of(ix)
    assert ix.callbacks[0]["type"] == 5  # deferred first: matching may take longer than 3 s
    assert reply["flags"] & payloads.EPHEMERAL
    [embed] = reply["embeds"]
    assert embed["color"] == STATUS_COLOURS[Status.FALSE]
    assert embed["title"].startswith("FALSE: Shown to be untrue")
    assert EIFFEL in embed["description"]
    assert "It still stands in Paris." in embed["description"]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert "Example News" in fields["Sources"]
    assert "(https://example.org/report)" in fields["Sources"]
    assert "uncle" in fields["Your message"]
    assert embed["footer"]["text"].endswith(f"claim {claim.id}")
    assert "% match" not in embed["footer"]["text"]
    assert "match " in embed["footer"]["text"]
    labels = [c["label"] for row in reply["components"] for c in row["components"]]
    assert labels == ["Sources", "Flag as disputed", "Not the same claim"]


async def test_check_without_a_match_says_so_and_shows_no_claim(h: Harness) -> None:
    h.add_claim(EIFFEL)
    ix = await h.slash("check", {"text": "what a lovely afternoon for a picnic"})
    reply = await h.fake.reply_of(ix)
    assert reply["content"] == "No claim in the database matches this."
    assert reply["embeds"] == []
    assert reply["components"] == []


async def test_public_check_posts_for_everyone(h: Harness) -> None:
    h.add_claim(EIFFEL)
    ix = await h.slash("check", {"text": EIFFEL, "public": True})
    reply = await h.fake.reply_of(ix)
    assert not reply["flags"] & payloads.EPHEMERAL
    assert EIFFEL in reply["embeds"][0]["description"]


async def test_sources_button_lists_every_source(h: Harness) -> None:
    from verifiers.domain.models import Source

    sources = [
        Source(url=f"https://news{i}.example/story", publisher=f"Paper {i}", quote=f"Quote {i}")
        for i in range(3)
    ]
    h.add_claim(EIFFEL, sources=sources)
    ix = await h.slash("check", {"text": EIFFEL})
    reply = await h.fake.reply_of(ix)
    click = await h.fake.click(reply, "Sources", user=h.bob, guild=h.alpha)
    listing = await h.fake.reply_of(click)
    assert listing["flags"] & payloads.EPHEMERAL
    text = "\n".join(e["description"] for e in listing["embeds"])
    for i in range(3):
        assert f"(https://news{i}.example/story)" in text
        assert f"Quote {i}" in text


async def test_context_menu_checks_the_target_message(h: Harness) -> None:
    h.add_claim(EIFFEL)
    target = await h.fake.post_message(h.alpha, "news", h.bob, f"BREAKING: {EIFFEL}!!")
    ix = await h.fake.message_command("Check claims", target, guild=h.alpha, user=h.alice)
    reply = await h.fake.reply_of(ix)
    assert reply["flags"] & payloads.EPHEMERAL
    assert EIFFEL in reply["embeds"][0]["description"]


async def test_dm_check_sees_only_global_claims(h: Harness) -> None:
    h.add_claim(EIFFEL, guild=h.alpha)
    ix = await h.slash("check", {"text": EIFFEL}, guild=None)
    reply = await h.fake.reply_of(ix)
    assert reply["embeds"] == []
    assert "No claim" in reply["content"]


async def test_check_cooldown_refuses_a_burst(make_harness: MakeHarness) -> None:
    h = await make_harness(command_rate=1, command_period=600)
    await h.fake.reply_of(await h.slash("check", {"text": "anything at all"}))
    refused = await h.fake.reply_of(await h.slash("check", {"text": "anything at all"}))
    assert refused["content"].startswith("Slow down: try again in")
    assert refused["flags"] & payloads.EPHEMERAL
    other = await h.fake.reply_of(await h.slash("check", {"text": "anything"}, user=h.bob))
    assert "No claim" in other["content"]  # the cooldown is per member


async def test_a_bug_is_logged_and_answered_with_one_generic_line(h: Harness) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the matcher fell over\nTraceback line")

    h.bot.service.check = broken  # type: ignore[method-assign]
    h.fake.errors_expected = True
    reply = await h.fake.reply_of(await h.slash("check", {"text": "anything"}))
    assert reply["content"] == "Something went wrong on our side; it has been logged."
    assert reply["flags"] & payloads.EPHEMERAL
    assert any("event=interaction_failed" in e and "fell over" in e for e in h.fake.client_errors)
    h.fake.client_errors.clear()
    h.fake.errors_expected = False
