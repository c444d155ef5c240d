"""The "possibly related" band: shown to the asker only, never posted for others to see."""

from __future__ import annotations

from bot.cogs.check.passive import Outcome
from tests.bot.conftest import Harness
from tests.fakediscord import payloads
from verifiers.domain.models import Scope

RELATED = "Possibly related (shown only to you)"
# Texts about the seeded claims; the test picks those the matcher currently treats as wanted.
RELATED_ONLY = [
    "Zelensky asked about hitting Moscow",
    "Ukraine and Moscow talked about weapons",
    "Zelensky wants weapons from the US",
    "Trump is frustrated with Moscow",
]
BOTH = [
    "Trump gave Russia 50 days",
    "Ukraine strikes deep in Russia",
    "Can Ukraine hit Moscow?",
    "Russia sells oil to other countries",
    "Trump asked if Ukraine could hit Moscow",
    "Zelenskyy said Ukraine can hit Moscow if given weapons",
    "Trump says Putin fooled presidents before him",
]


def _pick(h: Harness, texts: list[str], *, confident: bool) -> str:
    for text in texts:
        results = h.service.check(text, Scope.guild(h.alpha.id)).results
        has_match = any(r.match for r in results)
        if has_match == confident and any(r.related for r in results):
            return text
    raise AssertionError(f"none of {texts} gives related claims with confident={confident}")


def _titles(message: dict) -> list[str]:
    return [e.get("title", "") for e in message["embeds"]]


async def test_related_claims_are_shown_only_to_the_asker(h: Harness) -> None:
    text = _pick(h, RELATED_ONLY, confident=False)
    reply = await h.fake.reply_of(await h.slash("check", {"text": text}))
    assert reply["flags"] & payloads.EPHEMERAL
    assert reply["content"] == "No claim in the database matches this."
    assert _titles(reply) == [RELATED]

    both = _pick(h, BOTH, confident=True)
    public = await h.slash("check", {"text": both, "public": True})
    posted = await h.fake.reply_of(public)
    assert not posted["flags"] & payloads.EPHEMERAL
    assert RELATED not in _titles(posted)
    private = await h.fake.reply_of(public, 1)
    assert private["flags"] & payloads.EPHEMERAL
    assert _titles(private) == [RELATED]


async def test_related_claims_are_never_posted_in_a_channel(h: Harness) -> None:
    h.listen(h.alpha, "general")
    related_only = _pick(h, RELATED_ONLY, confident=False)
    message, outcome = await h.say(h.alpha, "general", h.alice, related_only)
    assert outcome == Outcome.NO_MATCH
    assert h.replies_to(message) == []

    both = _pick(h, BOTH, confident=True)
    message, outcome = await h.say(h.alpha, "general", h.bob, both)
    assert outcome == Outcome.REPLIED
    [reply] = h.replies_to(message)
    assert RELATED not in _titles(reply)

    asked, _ = await h.say(h.alpha, "news", h.alice, related_only, mention_bot=True)
    [answer] = h.replies_to(asked)
    assert answer["embeds"] == []
    assert "Apps → Check claims" in answer["content"]
