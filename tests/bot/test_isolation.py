"""One server's claims, flags and settings are invisible to, and unchangeable from, another."""

from __future__ import annotations

from bot.cogs.check.passive import Outcome
from tests.bot.conftest import Harness
from tests.fakediscord import payloads
from verifiers.domain.models import Scope, Status

MOD = payloads.MODERATOR_PERMISSIONS
LOCAL = "The Alpha town mayor keeps three pet llamas in the town hall"


async def test_a_servers_claim_is_matched_only_there(h: Harness) -> None:
    h.add_claim(LOCAL, Status.FALSE, guild=h.alpha)
    h.listen(h.alpha, "general")
    h.listen(h.beta, "general")

    here = await h.fake.reply_of(await h.slash("check", {"text": LOCAL}, guild=h.alpha))
    assert LOCAL in here["embeds"][0]["description"]
    there = await h.fake.reply_of(await h.slash("check", {"text": LOCAL}, guild=h.beta))
    assert there["embeds"] == []

    _, outcome = await h.say(h.alpha, "general", h.alice, LOCAL)
    assert outcome == Outcome.REPLIED
    message, outcome = await h.say(h.beta, "general", h.alice, LOCAL)
    assert outcome == Outcome.NO_MATCH
    assert h.replies_to(message) == []


async def test_another_server_cannot_see_change_or_flag_the_claim(h: Harness) -> None:
    claim = h.add_claim(LOCAL, Status.FALSE, guild=h.alpha)
    choices = await h.fake.autocomplete(
        "claim show", {"claim": "llamas"}, "claim", guild=h.beta, user=h.mod, permissions=MOD
    )
    assert choices == []
    for command, options in (
        ("claim show", {"claim": claim.id}),
        ("claim status", {"claim": claim.id, "status": "confirmed"}),
        ("claim retire", {"claim": claim.id, "reason": "spite"}),
    ):
        reply = await h.fake.reply_of(
            await h.slash(command, options, guild=h.beta, user=h.mod, permissions=MOD)
        )
        assert reply["content"] == f"no claim with id {claim.id}", command
    flagged = await h.fake.reply_of(
        await h.slash("flag", {"claim": claim.id, "reason": "x"}, guild=h.beta)
    )
    assert flagged["content"] == f"no claim with id {claim.id}"
    assert h.service.store.get_claim(claim.id, Scope.guild(h.alpha.id)).status is Status.FALSE


async def test_flag_queues_and_settings_are_per_server(h: Harness) -> None:
    claim = h.add_claim(LOCAL, Status.FALSE, guild=h.alpha)
    await h.fake.reply_of(await h.slash("flag", {"claim": claim.id, "reason": "I saw them"}))
    alpha_queue = await h.fake.reply_of(await h.as_mod("flags"))
    assert len(alpha_queue["embeds"]) == 1
    beta_queue = await h.fake.reply_of(
        await h.slash("flags", guild=h.beta, user=h.mod, permissions=MOD)
    )
    assert beta_queue["content"] == "No open flags."
    assert beta_queue["embeds"] == []

    await h.fake.reply_of(await h.as_mod("claimbot listen", {"state": "on"}))
    assert h.service.store.get_settings(h.alpha.id).listen_channel_ids == [
        h.alpha.channel("general")
    ]
    assert h.service.store.get_settings(h.beta.id).listen_channel_ids == []
