"""Stance rules: each contradiction is found and explained; paraphrases are left alone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from verifiers.domain.models import Claim, Stance
from verifiers.matching.stance import judge_stance

DEADLINE = (
    "Trump threatened sanctions on buyers of Russian exports unless Russia agrees a peace deal "
    "within 50 days."
)
CALL = (
    "In a July 4 phone call, Trump asked Zelenskyy whether Ukraine could hit Moscow and "
    "St Petersburg."
)
SHOULDNT = 'Asked by reporters on July 15, Trump said Zelenskyy "shouldn\'t" target Moscow.'
WHITE_HOUSE = (
    'The White House said Trump was "merely asking a question, not encouraging further killing" '
    "when he asked about striking Moscow."
)


def claim(text: str) -> Claim:
    now = datetime.now(UTC)
    return Claim(id="c1", text=text, created_at=now, created_by="t", updated_at=now, updated_by="t")


@pytest.mark.parametrize(
    ("claim_text", "message", "reason"),
    [
        (DEADLINE, "Trump gave Russia 30 days to agree a peace deal",
         "your message says 30 days; the claim says 50 days"),
        (DEADLINE, "Trump gave Russia a 100-day deadline for a peace deal",
         "your message says 100 days; the claim says 50 days"),
        (CALL, "On July 5 Trump asked Zelenskyy if Ukraine could hit Moscow",
         "your message says July 5; the claim says July 4"),
        (CALL, "Trump asked Zelenskyy whether Ukraine could hit Kyiv and St Petersburg",
         "your message says Kyiv; the claim says Moscow"),
        (CALL, "Trump never asked Zelenskyy whether Ukraine could hit Moscow",
         'your message negates it ("never asked Zelenskyy")'),
        (SHOULDNT, "Trump said Zelenskyy should target Moscow",
         'the claim is negative ("shouldn\'t target Moscow") and your message is not'),
    ],
)  # fmt: skip
def test_contradictions_are_explained(claim_text: str, message: str, reason: str) -> None:
    assert judge_stance(message, claim(claim_text)) == (Stance.CONTRADICTS, reason)


@pytest.mark.parametrize(
    ("claim_text", "message"),
    [
        (DEADLINE, "Trump gave Russia fifty days to make peace or see its buyers sanctioned"),
        (CALL, "On July 4 Trump asked Zelenskiy if they could hit Moscow"),
        (CALL, "Trump asked Zelensky if Ukraine can strike Moscow"),
        (SHOULDNT, "Trump said Zelenskyy shouldn't target Moscow"),
        # the claim's own negation is about something the message does not mention
        (WHITE_HOUSE, "The White House said Trump was just asking a question"),
        # acronyms and their expansions are the same name
        ("The National Football League fined the team.", "The NFL fined the team"),
        ("Not only did Putin call, he also wrote.", "Putin called and wrote"),
        # a paraphrase in other words (the semantic matcher finds these) has no "same place"
        (
            "Russia continues to earn hundreds of billions of dollars from shipping oil to "
            "buyers such as China and India.",
            "Moscow still makes enormous revenue selling crude to Beijing and New Delhi",
        ),
    ],
)
def test_agreeing_paraphrases_are_not_contradictions(claim_text: str, message: str) -> None:
    assert judge_stance(message, claim(claim_text)) == (Stance.AGREES, "")


RATE_CUT = "The central bank of Norlandia cut its main rate from 6.25% to 5.75% on 3 March."


@pytest.mark.parametrize(
    ("message", "stance"),
    [
        # a message may leave out where the change started
        ("Norlandia's central bank cut its main rate to 5.75% on 3 March", Stance.AGREES),
        # a number on each side that the other does not have is a clash
        ("Norlandia's central bank cut its main rate to 5.5% on 3 March", Stance.CONTRADICTS),
        ("The central bank of Norlandia cut its main rate from 6.5% to 5.75%", Stance.CONTRADICTS),
        # the claim's end points swapped
        ("Norlandia's central bank cut its main rate to 6.25% on 3 March", Stance.CONTRADICTS),
        ("Norlandia's central bank raised its rate from 5.75% to 6.25%", Stance.CONTRADICTS),
    ],
)
def test_a_message_stating_one_of_the_claims_numbers_agrees(message: str, stance: Stance) -> None:
    assert judge_stance(message, claim(RATE_CUT))[0] is stance


def test_a_message_without_numbers_does_not_contradict_numbers() -> None:
    stance, _ = judge_stance("Trump threatened sanctions on Russia's buyers", claim(DEADLINE))
    assert stance is Stance.AGREES


def test_different_years_contradict() -> None:
    stance, reason = judge_stance(
        "Harambe got 15,000 votes in the 2012 election",
        claim("A dead gorilla named Harambe received 15,000 votes in the 2016 election."),
    )
    assert stance is Stance.CONTRADICTS
    assert reason == "your message says 2012; the claim says 2016"


def test_a_repeated_denial_is_still_a_denial() -> None:
    reply = (
        'Zelenskyy replied that Ukraine could hit Moscow: "Absolutely. We can if you give us the'
        ' weapons."'
    )
    stance, reason = judge_stance(
        "Also, Zelensky said no, Ukraine cannot hit Moscow even with weapons.", claim(reply)
    )
    assert stance is Stance.CONTRADICTS
    assert "cannot" in reason


def test_a_double_negation_agrees() -> None:
    reply = "Zelenskyy replied that Ukraine could hit Moscow if given the weapons."
    assert (
        judge_stance("It is not untrue that Ukraine could hit Moscow", claim(reply))[0]
        is Stance.AGREES
    )


@pytest.mark.parametrize(
    ("claim_text", "message", "reason"),
    [
        ("The appeal court overturned the mayor's conviction in May 2024.",
         "the appeal court upheld the mayor's conviction in may 2024",
         "your message says upheld; the claim says overturned"),
        ("Dunmere council froze its share of council tax for 2025-26.",
         "Dunmere council hiked council tax for 2025-26",
         "your message says hiked; the claim says froze"),
        ("The jury acquitted Dan Marsh of fraud in 2023.",
         "Dan Marsh was convicted of fraud in 2023",
         "your message says convicted; the claim says acquitted"),
    ],
)  # fmt: skip
def test_an_opposite_word_contradicts(claim_text: str, message: str, reason: str) -> None:
    assert judge_stance(message, claim(claim_text)) == (Stance.CONTRADICTS, reason)


@pytest.mark.parametrize(
    ("claim_text", "message"),
    [
        # both words on one side: no opposite is said
        ("Sales fell in May and rose in June.", "Sales rose in June after falling in May"),
        # fake describing a noun denies nothing
        ("Ana Ruiz was jailed for selling 200 fake concert tickets.",
         "Ana Ruiz got jail time for selling 200 fake concert tickets"),
    ],
)  # fmt: skip
def test_no_opposite_no_contradiction(claim_text: str, message: str) -> None:
    assert judge_stance(message, claim(claim_text)) == (Stance.AGREES, "")


def test_an_irregular_past_meets_its_base_form_under_a_negation() -> None:
    stance, reason = judge_stance(
        "Inflation didn't fall in the 12 months to May",
        claim("Inflation fell in the 12 months to May."),
    )
    assert stance is Stance.CONTRADICTS
    assert "didn't fall" in reason


@pytest.mark.parametrize(
    ("claim_text", "message", "stance"),
    [
        ("The board voted by 7 votes to 4 to sell the stadium.",
         "the board voted 9-2 to sell the stadium", Stance.CONTRADICTS),
        ("The board voted by 7 votes to 4 to sell the stadium.",
         "the board voted 7-4 to sell the stadium", Stance.AGREES),
        # a range is no tally: "18 to 24" is the same range
        ("A survey of people aged 18-24 found 40% vote.",
         "a survey of people aged 18 to 24 found 40% vote", Stance.AGREES),
    ],
)  # fmt: skip
def test_a_vote_or_score_is_read_as_a_tally(claim_text: str, message: str, stance: Stance) -> None:
    assert judge_stance(message, claim(claim_text))[0] is stance
