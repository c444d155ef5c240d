"""Opposite predicates and swapped alternatives, on messages written for these tests (none of
them in the identity set): the changed version of a claim contradicts it, another alternative
in one of its slots is another claim, and synonyms, typos, denied opposites and messages that
name both sides are still the same claim."""

from __future__ import annotations

import pytest

from tests.verifiers.matching.test_identity import claim
from verifiers.matching.identity import Verdict, judge_identity

BILL = "The Senate approved the farm subsidies bill in March 2025."
RATES = "The Reserve Bank raised interest rates to 4.1% in May 2025."
PRICES = "Egg prices rose in May 2025."
COURT = "The appeals court sided with the tenants against the landlord in June 2024."
CUP = "City Rovers won the league cup final in April 2025."
TRIAL = "A jury acquitted the former mayor of fraud in 2023."
CENTRE = "The town council closed the Riverside leisure centre in January 2025."
VAPES = "Regulators banned the sale of disposable vapes in June 2025."

OPPOSITES = [
    ("the senate rejected the farm subsidies bill in march 2025", BILL, Verdict.CONTRADICTS),
    ("Did the Senate vote down the farm subsidies bill in March 2025?", BILL, Verdict.CONTRADICTS),
    ("the senate voted against the farm subsidies bill in march", BILL, Verdict.CONTRADICTS),
    ("senators threw out the farm subsidies bill in march 2025", BILL, Verdict.CONTRADICTS),
    ("The Senate shot down the farm subsidies bill in March 2025", BILL, Verdict.CONTRADICTS),
    ("The Senate passed the farm subsidies bill in March 2025.", BILL, Verdict.SAME),
    ("the senate did not reject the farm subsidies bill in march 2025", BILL, Verdict.SAME),
    ("the reserve bank cut interest rates to 4.1% in may 2025", RATES, Verdict.CONTRADICTS),
    ("so the Reserve Bank lowered rates to 4.1% in May 2025??", RATES, Verdict.CONTRADICTS),
    ("Reserve Bank hikes interest rates to 4.1% in May 2025", RATES, Verdict.SAME),
    ("egg prices fell in may 2025", PRICES, Verdict.CONTRADICTS),
    ("there was a drop in egg prices in May 2025", PRICES, Verdict.CONTRADICTS),
    ("egg prices rose in may 2025 and fell in june", PRICES, Verdict.SAME),
    ("egg prices didn't fall in may 2025, they went up", PRICES, Verdict.SAME),
    ("the appeals court ruled against the tenants in june 2024", COURT, Verdict.CONTRADICTS),
    ("The appeals court ruled in favour of the tenants in June 2024", COURT, Verdict.SAME),
    ("city rovers lost the league cup final in april 2025", CUP, Verdict.CONTRADICTS),
    ("A jury convicted the former mayor of fraud in 2023", TRIAL, Verdict.CONTRADICTS),
    ("the former mayor was found not guilty of fraud by a jury in 2023", TRIAL, Verdict.SAME),
    (
        "the town council reopened the riverside leisure centre in january 2025",
        CENTRE,
        Verdict.CONTRADICTS,
    ),
    ("The council shut the Riverside leisure centre in January 2025", CENTRE, Verdict.SAME),
    ("regulators legalised the sale of disposable vapes in june 2025", VAPES, Verdict.CONTRADICTS),
    ("Regulators lifted the ban on disposable vapes in June 2025", VAPES, Verdict.CONTRADICTS),
    ("regulators prohibited the sale of disposable vapes in june 2025", VAPES, Verdict.SAME),
]


@pytest.mark.parametrize(("message", "text", "verdict"), OPPOSITES)
def test_an_opposite_predicate_contradicts_the_claim(
    message: str, text: str, verdict: Verdict
) -> None:
    identity = judge_identity(message, claim(text))
    assert identity.verdict is verdict, identity.reason


def test_a_converse_needs_the_same_party_before_it() -> None:
    # "United lost to Rovers" is "Rovers beat United": no contradiction of "Rovers won".
    final = "City Rovers beat Hale United in the league cup final in April 2025."
    said = "hale united lost to city rovers in the league cup final in april 2025"
    assert judge_identity(said, claim(final)).verdict is not Verdict.CONTRADICTS


def test_the_reason_quotes_both_words() -> None:
    identity = judge_identity("the egg price went down in may 2025", claim(PRICES))
    assert identity.reason == 'your message says "went down"; the claim says "rose"'


SCHOOLS = "Dunmore banned smartphones in its primary schools in September 2025."
ICE = "Arctic sea ice shrank to its smallest summer extent in 2025."
ENERGY = "Solar panels supplied a fifth of the town's electricity in 2024."
BIKES = "Greyhaven council banned e-bikes from the seafront in 2025."
CHAMBER = "The Senate passed the water quality bill in July 2025."
RUN = "Kenyan runners won the women's 10,000m at the 2025 world championships."
AGE = "Most adults in Wales drink less than the recommended limit."
LAUNCH = "The rocket's first flight ended in an explosion in 2024."

ALTERNATIVES = [
    ("dunmore banned smartphones in its secondary schools in sept 2025", SCHOOLS),
    ("Dunmore banned smartphones in its nurseries in September 2025?", SCHOOLS),
    ("antarctic sea ice shrank to its smallest summer extent in 2025", ICE),
    ("arctic sea ice shrank to its smallest winter extent in 2025", ICE),
    ("wind turbines supplied a fifth of the town's electricity in 2024", ENERGY),
    ("greyhaven council banned e-scooters from the seafront in 2025", BIKES),
    ("the house passed the water quality bill in july 2025", CHAMBER),
    ("Kenyan runners won the men's 10,000m at the 2025 world championships", RUN),
    ("most children in wales drink less than the recommended limit", AGE),
    ("the rocket's last flight ended in an explosion in 2024", LAUNCH),
]


@pytest.mark.parametrize(("message", "text"), ALTERNATIVES)
def test_another_alternative_in_a_slot_is_another_claim(message: str, text: str) -> None:
    identity = judge_identity(message, claim(text))
    assert identity.verdict is Verdict.DIFFERENT, identity.reason
    assert identity.reason.startswith("your message says")


SAME = [
    # Synonyms, a misspelling, both alternatives named, a plural that is a unit of time.
    ("dunmore banned smartphones in its elementary schools in september 2025", SCHOOLS),
    ("artic sea ice shrank to its smallest summer extent in 2025", ICE),
    ("most grown-ups in wales drink less than the recommended limit", AGE),
    ("Greyhaven banned e-bikes, not e-scooters, from the seafront in 2025", BIKES),
    ("the senate, the upper house, passed the water quality bill in july 2025", CHAMBER),
    ("the rocket's first flight in 2024 ended in an explosion a second after launch", LAUNCH),
]


@pytest.mark.parametrize(("message", "text"), SAME)
def test_synonyms_typos_and_both_sides_named_are_the_same_claim(message: str, text: str) -> None:
    identity = judge_identity(message, claim(text))
    assert identity.verdict is Verdict.SAME, identity.reason


def test_a_denied_opposite_still_meets_the_other_changes() -> None:
    # "Did not reject" states "approved"; another name or date still changes the claim.
    approved = claim("Trump approved the farm bill in March 2025.")
    assert judge_identity("Trump did not reject the farm bill in March 2025", approved).verdict is (
        Verdict.SAME
    )
    other = judge_identity("Biden did not reject the farm bill in March 2025", approved)
    assert other.verdict is Verdict.DIFFERENT
    later = judge_identity("Trump did not reject the farm bill in May 2025", approved)
    assert later.verdict is Verdict.CONTRADICTS


DOMAINS = [
    # Health, economy, sport, crime, science and politics, each both ways.
    (
        "the vaccine increased hospital admissions by 80%",
        "The vaccine cut hospital admissions by 80%.",
        Verdict.CONTRADICTS,
    ),
    (
        "the vaccine reduced hospital admissions by 80%",
        "The vaccine cut hospital admissions by 80%.",
        Verdict.SAME,
    ),
    (
        "did unemployment go up in march 2025?",
        "Unemployment fell to 4.2% in March 2025.",
        Verdict.CONTRADICTS,
    ),
    (
        "the uk ran a trade deficit with the us in 2024",
        "The UK had a trade surplus with the US in 2024.",
        Verdict.CONTRADICTS,
    ),
    (
        "leeds were relegated from the premier league in 2025",
        "Leeds were promoted to the Premier League in 2025.",
        Verdict.CONTRADICTS,
    ),
    (
        "the suspect was jailed after the hearing",
        "The suspect was released after the hearing.",
        Verdict.CONTRADICTS,
    ),
    (
        "the ozone hole over the antarctic grew in 2024",
        "The ozone hole over the Antarctic shrank in 2024.",
        Verdict.CONTRADICTS,
    ),
    (
        "the study found the drug is unsafe for children",
        "The study found the drug is safe for children.",
        Verdict.CONTRADICTS,
    ),
    (
        "the government imposed a hosepipe ban in september",
        "The government lifted the hosepipe ban in September.",
        Verdict.CONTRADICTS,
    ),
    (
        "council cuts library budget 10%, protests grow",
        "The council cut the library budget by 10%.",
        Verdict.SAME,
    ),
    (
        "electric car sales rose 20% in 2024 while petrol car sales fell",
        "Sales of electric cars rose 20% in 2024.",
        Verdict.SAME,
    ),
    (
        "the study found the drug is safe for children",
        "The study found the drug is safe for adults.",
        Verdict.DIFFERENT,
    ),
    (
        "the first vaccine dose cut infections by half",
        "The second vaccine dose cut infections by half.",
        Verdict.DIFFERENT,
    ),
    (
        "the northern lights were seen in the north of england",
        "The northern lights were seen in the south of England.",
        Verdict.DIFFERENT,
    ),
    (
        "the 2024 summer olympics were in paris",
        "The 2024 Summer Olympics were held in Paris.",
        Verdict.SAME,
    ),
]


@pytest.mark.parametrize(("message", "text", "verdict"), DOMAINS)
def test_each_domain_gets_its_verdict(message: str, text: str, verdict: Verdict) -> None:
    identity = judge_identity(message, claim(text))
    assert identity.verdict is verdict, identity.reason


def test_the_reason_quotes_the_word_the_claim_lacks() -> None:
    identity = judge_identity(
        "the northern lights were seen in the north of england",
        claim("The northern lights were seen in the south of England."),
    )
    assert identity.reason == 'your message says "north"; the claim says "south"'


BARRED = "The Norland electoral court barred Ivo Brand from running for office until 2030."
PETROL = "Norland has adopted a law that bans sales of new petrol cars from 2035."


@pytest.mark.parametrize(
    ("message", "text", "expected"),
    [
        # a ban said as what may not be done states the claim
        ("Ivo Brand can't run for office again until 2030", BARRED, Verdict.SAME),
        ("from 2035 you won't be able to buy a new petrol car in Norland", PETROL, Verdict.SAME),
        ("New petrol cars will not be allowed to be sold in Norland from 2035", PETROL,
         Verdict.SAME),
        # a ban denied is its contradiction
        ("Ivo Brand is not barred from running for office until 2030", BARRED,
         Verdict.CONTRADICTS),
    ],
)  # fmt: skip
def test_a_ban_said_as_what_may_not_be_done(message: str, text: str, expected: Verdict) -> None:
    assert judge_identity(message, claim(text)).verdict is expected
