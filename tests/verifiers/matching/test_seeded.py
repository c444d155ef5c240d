"""Matching against the real seeded SQLite store, as a user pasting text would see it.

Two sets of phrasings: TUNING may have been looked at while the matcher was developed;
HELD_OUT was written before any tuning on the seeds, and was not used to change the matcher —
if it fails, that is a finding, not a reason to edit the phrasing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from verifiers.domain.errors import InvalidInput
from verifiers.domain.models import ClaimFields, Scope, Stance, Tier
from verifiers.domain.settings import MatchingSettings
from verifiers.matching.pipeline import Matcher
from verifiers.store import Store, open_store

EVERYWHERE = Scope.everything()

TUNING: list[tuple[str, str]] = [
    ("Trump asked Zelenskyy if Ukraine could hit Moscow", "ft-trump-asked-can-you-hit-moscow"),
    (
        "Did Trump really ask Zelensky whether Ukraine can strike Moscow and St. Petersburg?",
        "ft-trump-asked-can-you-hit-moscow",
    ),
    (
        "Zelenskyy answered: absolutely, we can if you give us the weapons",
        "ft-zelenskyy-replied-absolutely",
    ),
    (
        "Trump gave Russia 50 days to agree a peace deal or face secondary sanctions",
        "ft-trump-50-day-deadline-secondary-sanctions",
    ),
    (
        "NATO allies will pay for the Patriot missiles Trump is sending to Ukraine",
        "ft-trump-new-weapons-patriots-nato-pays",
    ),
    ("Trump ordered Ukraine to bomb Moscow", "trump-ordered-ukraine-to-bomb-moscow"),
]

HELD_OUT: list[tuple[str, str]] = [
    # paraphrases
    (
        "apparently trump wanted ukraine to make the russians feel the pain "
        "with long range strikes",
        "ft-trump-make-them-feel-the-pain",
    ),
    (
        "Trump called his phone call with Putin the day before 'bad'",
        "ft-trump-putin-call-bad",
    ),
    (
        "Russia keeps making hundreds of billions selling oil to China and India",
        "ft-russia-oil-earnings-china-india",
    ),
    (
        "a bipartisan bill in congress would sanction countries buying Russian oil",
        "ft-bipartisan-bill-russian-oil-sanctions",
    ),
    (
        "Trump says his talks with Putin are very pleasant and then the missiles go off at night",
        "ft-trump-putin-pleasant-then-missiles",
    ),
    # typos and transliterations
    ("Trump asked Zelenksy if Ukraine could hit Moskow", "ft-trump-asked-can-you-hit-moscow"),
    (
        "Trump asked Zelenskiy whether they could hit Moscow and St Petersberg",
        "ft-trump-asked-can-you-hit-moscow",
    ),
    (
        "Трамп asked Зеленский whether Ukraine could hit Moscow",
        "ft-trump-asked-can-you-hit-moscow",
    ),
    # homoglyph spoof: Cyrillic е/о/а inside Latin words, plus a zero-width space
    (
        "Trump аsked Zеlenskyy whеthеr Ukrаine cоuld hit Mos\u200bcow",
        "ft-trump-asked-can-you-hit-moscow",
    ),
    (
        "17 Patriot batteries ordered by other countries will go to Ukraine very quickly",
        "patriot-17-batteries-delivered-quickly",
    ),
]

CHIT_CHAT = [
    "lol",
    "thanks!",
    "good morning everyone",
    "🙂🙂🙂",
    "<@123456789012345678> hi",
    "https://example.com/some/page",
    "```python\nprint('Trump asked Zelenskyy if Ukraine could hit Moscow')\n```",
    "ok see you tomorrow guys",
]

UNRELATED = [
    "The Eiffel Tower was painted bright green last summer.",
    "My cat learned to open the fridge and ate all the cheese.",
    "Bananas are the best source of potassium for marathon runners.",
    "The city council approved a new bike lane on Main Street.",
]


# Messages that share a topic with a seed claim without stating it. The seed database is
# small and on one topic, so such a message often has no rival claim to make its score look
# uncertain; the coverage floor (`min_claim_coverage`) keeps them from being answered.
# TOPIC_ONLY was written while choosing that floor; TOPIC_ONLY_HELD_OUT afterwards, and run
# once without changing anything. (A twelfth held-out message, "China and India are buying
# cheap Russian oil", was answered with the claim that Russia earns billions selling oil to
# China and India: it states most of that claim, so it is not in this list.)
TOPIC_ONLY = [
    "Trump likes weapons",
    "Ukraine and Moscow talked about weapons",
    "that deal was a total fraud",
    "Putin is a dictator and everyone knows it",
    "Zelenskyy met Trump in Washington last week",
    "Russia sells a lot of oil",
    "Trump talked to Putin on the phone",
    "NATO is sending weapons",
    "the Patriot missiles are expensive",
    "Moscow is a big city in Russia",
    "Trump hates Zelenskyy",
    "sanctions on Russia don't work",
    "Ukraine needs more weapons",
    "the US congress passed a bill",
]
TOPIC_ONLY_HELD_OUT = [
    "Zelensky is doing a great job honestly",
    "Trump and Putin should just meet and sort it out",
    "oil prices are going up again because of Russia",
    "the Patriot system is really impressive tech",
    "Congress never agrees on anything about Ukraine",
    "I don't trust anything Trump says about the war",
    "Russia bombed Kyiv again last night",
    "St Petersburg is beautiful in summer",
    "European countries should pay more for NATO",
    "the sanctions deadline keeps moving",
    "Leavitt gave another press briefing today",
]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path = Path(tmp_path_factory.mktemp("seeded")) / "claims.db"
    store = open_store(str(path), seed=True)
    yield store
    store.close()


@pytest.fixture(scope="module")
def matcher(seeded: Store) -> Matcher:
    return Matcher(seeded, MatchingSettings())


def _only_match(matcher: Matcher, text: str) -> str:
    result = matcher.check(text, EVERYWHERE)
    matches = result.matches
    assert len(matches) == 1, f"{text!r}: {[(m.claim.id, round(m.score, 2)) for m in matches]}"
    assert matches[0].tier is Tier.CONFIDENT
    return matches[0].claim.id


@pytest.mark.parametrize(("text", "claim_id"), TUNING)
def test_tuning_phrasings_match_their_claim(matcher: Matcher, text: str, claim_id: str) -> None:
    assert _only_match(matcher, text) == claim_id


@pytest.mark.parametrize(("text", "claim_id"), HELD_OUT)
def test_held_out_phrasings_match_their_claim(matcher: Matcher, text: str, claim_id: str) -> None:
    assert _only_match(matcher, text) == claim_id


def test_several_claims_in_one_message_give_several_results(matcher: Matcher) -> None:
    text = (
        "Good morning! So apparently Trump asked Zelenskyy whether Ukraine could hit Moscow. "
        "Also Trump gave Russia 50 days to agree a peace deal or face secondary sanctions. lol"
    )
    result = matcher.check(text, EVERYWHERE)
    assert [m.claim.id for m in result.matches] == [
        "ft-trump-asked-can-you-hit-moscow",
        "ft-trump-50-day-deadline-secondary-sanctions",
    ]
    assert all(m.stance is Stance.AGREES for m in result.matches)


@pytest.mark.parametrize("text", CHIT_CHAT)
def test_chit_chat_gets_no_match(matcher: Matcher, text: str) -> None:
    result = matcher.check(text, EVERYWHERE)
    assert result.matches == []
    assert all(not r.related for r in result.results)


@pytest.mark.parametrize("text", UNRELATED)
def test_unrelated_claims_get_no_match(matcher: Matcher, text: str) -> None:
    assert matcher.check(text, EVERYWHERE).matches == []


@pytest.mark.parametrize(
    ("text", "claim_id", "reason_part"),
    [
        (
            "Trump gave Russia 30 days to agree a peace deal or face secondary sanctions",
            "ft-trump-50-day-deadline-secondary-sanctions",
            "30 days",
        ),
        (
            "Trump never asked Zelenskyy whether Ukraine could hit Moscow and St Petersburg",
            "ft-trump-asked-can-you-hit-moscow",
            "never",
        ),
        (
            "Trump said 12 Patriot batteries ordered by other countries could be sent to Ukraine",
            "ft-trump-said-17-patriot-batteries",
            "12",
        ),
        (
            "Trump did not announce new weapons for Ukraine paid for by NATO allies",
            "ft-trump-new-weapons-patriots-nato-pays",
            "not",
        ),
    ],
)
def test_contradicting_messages_match_the_same_claim_with_stance(
    matcher: Matcher, text: str, claim_id: str, reason_part: str
) -> None:
    result = matcher.check(text, EVERYWHERE)
    assert [m.claim.id for m in result.matches] == [claim_id]
    match = result.matches[0]
    assert match.stance is Stance.CONTRADICTS
    assert reason_part in match.stance_reason


def test_number_changed_reason_names_both_numbers(matcher: Matcher) -> None:
    text = "Trump threatened sanctions unless Russia agrees a peace deal within 30 days"
    (match,) = matcher.check(text, EVERYWHERE).matches
    assert match.stance_reason == "your message says 30 days; the claim says 50 days"


def test_related_tier_never_repeats_the_confident_match(matcher: Matcher) -> None:
    text = "Trump said 17 Patriot batteries could go to Ukraine quickly"
    result = matcher.check(text, EVERYWHERE)
    for segment in result.results:
        related_ids = [m.claim.id for m in segment.related]
        assert all(m.tier is Tier.RELATED for m in segment.related)
        if segment.match is not None:
            assert segment.match.claim.id not in related_ids
        assert len(related_ids) == len(set(related_ids))


def test_two_word_topic_mention_is_only_related(matcher: Matcher) -> None:
    (segment,) = matcher.check("Patriot batteries!!", EVERYWHERE).results
    assert segment.match is None
    assert "patriot-17-batteries-delivered-quickly" in [m.claim.id for m in segment.related]


@pytest.mark.parametrize("text", ["", "   ", "\n\t  "])
def test_empty_text_is_invalid_input(matcher: Matcher, text: str) -> None:
    with pytest.raises(InvalidInput, match="nothing to check: the text is empty"):
        matcher.check(text, EVERYWHERE)


def test_huge_paste_is_truncated_not_rejected(matcher: Matcher) -> None:
    text = "Trump asked Zelenskyy if Ukraine could hit Moscow. " + "blah " * 20_000
    result = matcher.check(text, EVERYWHERE)
    assert len(result.input) == MatchingSettings().max_input_chars
    assert [m.claim.id for m in result.matches] == ["ft-trump-asked-can-you-hit-moscow"]


def test_guild_claims_are_matched_only_in_their_guild(tmp_path: Path) -> None:
    with open_store(str(tmp_path / "scoped.db"), seed=True) as store:
        text = "The village fountain in Lower Wibbleton was turned into a chocolate fountain."
        store.add_claim(ClaimFields(text=text, guild_id=111), actor="mod")
        m = Matcher(store, MatchingSettings())
        query = "Lower Wibbleton turned its village fountain into a chocolate fountain"
        assert [x.claim.text for x in m.check(query, Scope.guild(111)).matches] == [text]
        assert m.check(query, Scope.guild(222)).matches == []


@pytest.mark.parametrize("text", TOPIC_ONLY + TOPIC_ONLY_HELD_OUT)
def test_a_message_sharing_only_a_topic_is_never_answered(matcher: Matcher, text: str) -> None:
    result = matcher.check(text, EVERYWHERE)
    answered = [(m.claim.id, round(m.score, 2)) for m in result.matches]
    assert answered == [], f"{text!r} was answered with {answered}"
