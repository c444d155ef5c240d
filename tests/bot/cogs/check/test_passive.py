"""Messages: passive listening in opted-in channels, mentions, replies to replies, DMs."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from bot.cogs.check.passive import Outcome
from tests.bot.conftest import Harness, MakeHarness
from tests.fakediscord.server import MESSAGE_CONTENT_INTENT

EIFFEL = "The Eiffel Tower was sold for scrap metal in 1925"


async def test_listening_channel_gets_a_quiet_reply_to_a_confident_match(h: Harness) -> None:
    h.add_claim(EIFFEL)
    h.listen(h.alpha, "general")
    message, outcome = await h.say(h.alpha, "general", h.alice, f"did you know {EIFFEL}")
    assert outcome == Outcome.REPLIED
    [reply] = h.replies_to(message)
    [sent] = [s for s in h.fake.sent if s.message is reply]
    assert str(sent.body["message_reference"]["message_id"]) == message["id"]
    assert sent.body["allowed_mentions"] == {"parse": []}  # no ping, not even the author
    assert EIFFEL in reply["embeds"][0]["description"]


@pytest.mark.parametrize(
    ("channel", "author", "text", "expected"),
    [
        ("general", "alice", "anyone up for lunch at noon?", Outcome.NO_MATCH),
        ("news", "alice", EIFFEL, Outcome.NOT_LISTENING),
        ("general", "other_bot", EIFFEL, Outcome.FROM_BOT),
    ],
    ids=["chit-chat", "channel-that-did-not-opt-in", "another-bot"],
)
async def test_gets_no_reply(
    h: Harness, channel: str, author: str, text: str, expected: Outcome
) -> None:
    h.add_claim(EIFFEL)
    h.listen(h.alpha, "general")
    message, outcome = await h.say(h.alpha, channel, getattr(h, author), text)
    assert outcome == expected
    assert h.replies_to(message) == []


async def test_its_own_messages_get_no_reply(h: Harness) -> None:
    h.add_claim(EIFFEL)
    h.listen(h.alpha, "general")
    # The bot's own reply comes back through the gateway, like on Discord; it is ignored.
    trigger, _ = await h.say(h.alpha, "general", h.alice, EIFFEL)
    [reply] = h.replies_to(trigger)
    assert await h.outcome_of(reply) == Outcome.OWN_MESSAGE
    assert len(h.fake.sent) == 1


async def test_listen_command_turns_listening_on_and_off(h: Harness) -> None:
    h.add_claim(EIFFEL)
    on = await h.as_mod("claimbot listen", {"state": "on"}, channel="news")
    assert "Listening in" in (await h.fake.reply_of(on))["content"]
    _, outcome = await h.say(h.alpha, "news", h.alice, EIFFEL)
    assert outcome == Outcome.REPLIED
    off = await h.as_mod("claimbot listen", {"state": "off"}, channel="news")
    await h.fake.reply_of(off)
    message, outcome = await h.say(h.alpha, "news", h.alice, EIFFEL)
    assert outcome == Outcome.NOT_LISTENING
    assert h.replies_to(message) == []


async def test_an_edit_is_rechecked_once_and_a_message_answered_once(h: Harness) -> None:
    h.add_claim(EIFFEL)
    h.listen(h.alpha, "general")
    message, outcome = await h.say(h.alpha, "general", h.alice, "hello everyone")
    assert outcome == Outcome.NO_MATCH
    await h.fake.edit_message(message, "hello everyone, just saying hi")
    assert await h.outcome_of(message, 1) == Outcome.NO_MATCH
    await h.fake.edit_message(message, EIFFEL)  # a second edit is not re-checked
    assert await h.outcome_of(message, 2) == Outcome.EDIT_ALREADY_CHECKED
    assert h.replies_to(message) == []

    answered, outcome = await h.say(h.alpha, "general", h.bob, EIFFEL)
    assert outcome == Outcome.REPLIED
    await h.fake.edit_message(answered, f"{EIFFEL} (source: my uncle)")
    assert await h.outcome_of(answered, 1) == Outcome.ALREADY_ANSWERED
    assert len(h.replies_to(answered)) == 1


async def test_per_member_rate_limit(make_harness: MakeHarness) -> None:
    h = await make_harness(passive_user_rate=2, passive_user_period=600)
    h.add_claim(EIFFEL)
    h.listen(h.alpha, "general")
    outcomes = [(await h.say(h.alpha, "general", h.alice, EIFFEL))[1] for _ in range(3)]
    assert outcomes == [Outcome.REPLIED, Outcome.REPLIED, Outcome.USER_LIMITED]
    _, outcome = await h.say(h.alpha, "general", h.bob, EIFFEL)
    assert outcome == Outcome.REPLIED  # the limit is per member


async def test_per_channel_rate_limit(make_harness: MakeHarness) -> None:
    h = await make_harness(passive_channel_rate=1, passive_channel_period=600)
    h.add_claim(EIFFEL)
    h.listen(h.alpha, "general")
    h.listen(h.alpha, "news")
    assert (await h.say(h.alpha, "general", h.alice, EIFFEL))[1] == Outcome.REPLIED
    assert (await h.say(h.alpha, "general", h.bob, EIFFEL))[1] == Outcome.CHANNEL_LIMITED
    assert (await h.say(h.alpha, "news", h.bob, EIFFEL))[1] == Outcome.REPLIED


async def test_mention_checks_the_message_and_answers_even_without_a_match(h: Harness) -> None:
    h.add_claim(EIFFEL)
    asked, outcome = await h.say(h.alpha, "news", h.alice, EIFFEL, mention_bot=True)
    assert outcome == Outcome.REPLIED
    assert EIFFEL in h.replies_to(asked)[0]["embeds"][0]["description"]
    nothing, outcome = await h.say(h.alpha, "news", h.alice, "good morning", mention_bot=True)
    assert outcome == Outcome.NO_MATCH
    assert h.replies_to(nothing)[0]["content"].startswith("No claim in the database matches")


async def test_mention_in_a_reply_checks_the_replied_to_message(h: Harness) -> None:
    h.add_claim(EIFFEL)
    original = await h.fake.post_message(h.alpha, "news", h.bob, f"lol {EIFFEL}")
    asked, outcome = await h.say(
        h.alpha, "news", h.alice, "is this true?", mention_bot=True, reply_to=original
    )
    assert outcome == Outcome.REPLIED
    [reply] = h.replies_to(asked)
    assert EIFFEL in reply["embeds"][0]["description"]
    assert "lol" in {f["name"]: f["value"] for f in reply["embeds"][0]["fields"]}["Your message"]


async def test_direct_message_is_checked_against_global_claims(h: Harness) -> None:
    h.add_claim(EIFFEL)  # global
    message, outcome = await h.say(None, h.fake.dm_channel_id(h.alice), h.alice, EIFFEL)
    assert outcome == Outcome.REPLIED
    assert EIFFEL in h.replies_to(message)[0]["embeds"][0]["description"]


async def test_without_message_content_intent_everything_but_listening_works(
    make_harness: MakeHarness,
) -> None:
    h = await make_harness(message_content_allowed=False, message_content_intent=False)
    assert not h.fake.identifies[0]["intents"] & MESSAGE_CONTENT_INTENT
    h.add_claim(EIFFEL)
    h.listen(h.alpha, "general")

    passive, outcome = await h.say(h.alpha, "general", h.alice, EIFFEL)
    assert outcome == Outcome.NO_CONTENT  # Discord sent it without its text
    assert h.replies_to(passive) == []

    ix = await h.fake.message_command("Check claims", passive, guild=h.alpha, user=h.bob)
    assert EIFFEL in (await h.fake.reply_of(ix))["embeds"][0]["description"]

    _, outcome = await h.say(h.alpha, "general", h.bob, EIFFEL, mention_bot=True)
    assert outcome == Outcome.REPLIED

    status = await h.as_mod("claimbot status")
    text = (await h.fake.reply_of(status))["embeds"][0]["description"]
    assert "Message content intent** off" in text


async def test_a_message_over_the_reply_budget_costs_no_check(make_harness: MakeHarness) -> None:
    h = await make_harness(passive_channel_rate=1)
    h.add_claim(EIFFEL)
    h.listen(h.alpha, "general")
    _, first = await h.say(h.alpha, "general", h.alice, EIFFEL)
    _, second = await h.say(h.alpha, "general", h.bob, f"apparently {EIFFEL}")
    assert (first, second) == (Outcome.REPLIED, Outcome.CHANNEL_LIMITED)
    assert h.bot.checks.stats().completed == 1  # the second message was never checked


async def test_under_load_passive_checks_are_shed_and_asked_ones_still_answered(
    make_harness: MakeHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One worker, no passive queue: while a passive check holds the worker, another passive
    message is shed at once, and a /check waits its turn and is answered."""
    h = await make_harness(check_workers=1, check_queue=0)
    h.add_claim(EIFFEL)
    h.listen(h.alpha, "general")
    started, release = threading.Event(), threading.Event()
    check = h.service.check

    def held_check(*args: Any) -> Any:
        started.set()
        release.wait(10)
        return check(*args)

    monkeypatch.setattr(h.service, "check", held_check)
    holding = await h.fake.post_message(h.alpha, "general", h.alice, EIFFEL)
    await asyncio.to_thread(started.wait, 10)
    _, shed = await h.say(h.alpha, "general", h.bob, f"did you know {EIFFEL}")
    assert shed == Outcome.SHED
    asked = await h.slash("check", {"text": EIFFEL}, user=h.bob)
    await h.fake.wait_until(lambda: asked.callbacks, what="the /check to be acknowledged")
    assert asked.callbacks[0]["type"] == 5  # deferred while the worker is still held
    release.set()
    assert await h.outcome_of(holding) == Outcome.REPLIED
    assert EIFFEL in (await h.fake.reply_of(asked))["embeds"][0]["description"]

    status = await h.as_mod("claimbot status")
    text = (await h.fake.reply_of(status))["embeds"][0]["description"]
    assert "passive shed 1 (queue full 1, too late 0)" in text
    assert "Event loop lag" in text
