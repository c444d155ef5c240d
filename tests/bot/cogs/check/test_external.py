"""External fact-checks in replies, end to end: the real client, the real Google Fact Check
Tools verifier, and a fake `claims:search` on 127.0.0.1
(tests/verifiers/external/test_google.py's), reached through the safe fetcher with the loopback
policy only these tests use."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.bot.conftest import Harness, MakeHarness
from tests.fakediscord import payloads
from tests.support.local_server import LocalServer, loopback_policy
from tests.verifiers.external.test_google import KEY, FakeFactCheck
from verifiers.domain.settings import FactCheckSettings

UNKNOWN = "Drinking seawater cures the flu in two days"
TITLE = "External fact-checks — not from this server's claims database"
EIFFEL = "The Eiffel Tower was sold for scrap metal in 1925"


@pytest.fixture
def api() -> Iterator[FakeFactCheck]:
    with LocalServer() as server:
        yield FakeFactCheck(server)


@pytest.fixture
async def h(make_harness: MakeHarness, api: FakeFactCheck) -> Harness:
    factcheck = FactCheckSettings(
        enabled=True, api_key=KEY, base_url=api.server.url("/v1alpha1"), cache_ttl_seconds=0
    )
    return await make_harness(factcheck=factcheck, fetch_policy=loopback_policy())


def external_of(message: dict[str, Any]) -> dict[str, Any]:
    [embed] = [e for e in message["embeds"] if e.get("title") == TITLE]
    return embed


async def test_check_without_a_match_shows_labelled_external_fact_checks(
    h: Harness, api: FakeFactCheck
) -> None:
    reply = await h.fake.reply_of(await h.slash("check", {"text": UNKNOWN}))
    assert reply["content"] == "No claim in the database matches this."
    embed = external_of(reply)
    lines = embed["description"].split("\n")
    assert lines[0].startswith("**Checkpoint Desk** rated “Missing context”: Trump ordered")
    assert (
        "[Trump did not order Ukraine to bomb Moscow](https://checkpointdesk.example/" in lines[0]
    )
    assert lines[0].endswith("(checkpointdesk.example), 2025-07-17")
    assert lines[1].startswith("**otherchecker.example** rated “Pants on Fire!”")
    assert embed["footer"]["text"].startswith("via Google Fact Check Tools")
    assert not reply.get("components")  # no Flag / Not the same buttons: not our claims
    assert api.params()["query"] == [UNKNOWN]
    assert api.requests[-1].headers["x-goog-api-key"] == KEY


async def test_a_confident_local_match_never_asks_outside(h: Harness, api: FakeFactCheck) -> None:
    h.add_claim(EIFFEL)
    reply = await h.fake.reply_of(await h.slash("check", {"text": EIFFEL}))
    assert reply["embeds"][0]["title"].startswith("FALSE")
    assert all(e.get("title") != TITLE for e in reply["embeds"])
    assert api.requests == []


async def test_mentions_and_the_context_menu_show_them_passive_listening_never_asks(
    h: Harness, api: FakeFactCheck
) -> None:
    h.listen(h.alpha, "general")
    message, _ = await h.say(h.alpha, "general", h.alice, UNKNOWN, mention_bot=True)
    [public] = h.replies_to(message)
    assert external_of(public)["description"].startswith("**Checkpoint Desk**")

    target = await h.fake.post_message(h.alpha, "news", h.bob, UNKNOWN)
    menu = await h.fake.reply_of(
        await h.fake.message_command("Check claims", target, guild=h.alpha, user=h.alice)
    )
    assert menu["flags"] & payloads.EPHEMERAL
    assert external_of(menu)
    asked = len(api.requests)

    _, outcome = await h.say(h.alpha, "general", h.bob, UNKNOWN)  # unasked, in a listening channel
    assert outcome.value == "no_match"
    assert len(api.requests) == asked


async def test_an_unavailable_api_is_a_note_not_a_failure(h: Harness, api: FakeFactCheck) -> None:
    api.status = 500
    reply = await h.fake.reply_of(await h.slash("check", {"text": UNKNOWN}))
    embed = external_of(reply)
    assert embed["description"] == "No external fact-check could be consulted."
    [note] = embed["fields"]
    assert note["name"] == "Not available"
    assert note["value"].startswith("the Google Fact Check Tools API did not answer")
    assert KEY not in str(reply)


async def test_off_by_default(make_harness: MakeHarness, api: FakeFactCheck) -> None:
    h = await make_harness(fetch_policy=loopback_policy())
    reply = await h.fake.reply_of(await h.slash("check", {"text": UNKNOWN}))
    assert reply["content"] == "No claim in the database matches this."
    assert not reply["embeds"]
    assert api.requests == []
