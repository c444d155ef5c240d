"""Claim identity: only the same claim (or its contradiction) is answered, each category shown
on messages written for these tests, none of them in the identity set the rules were tuned on."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import make_fields
from tests.paths import DATA
from verifiers.domain.models import Claim, Scope, Stance
from verifiers.domain.settings import MatchingSettings
from verifiers.evaluation.identity import evaluate_identity, load_identity_set
from verifiers.matching.identity import Verdict, identity_features, judge_identity
from verifiers.matching.pipeline import Matcher
from verifiers.store import open_store

IDENTITY_SET = DATA / "identity" / "pairs.jsonl"


def claim(text: str) -> Claim:
    fields = make_fields(text)
    return Claim(
        **fields.model_dump(),
        id="c1",
        created_at="2025-01-01T00:00:00Z",
        created_by="t",
        updated_at="2025-01-01T00:00:00Z",
        updated_by="t",
    )


CASES = [
    # Each case: its category, the message, the claim text and the verdict expected.
    (
        "paraphrase",
        "so the council really did shut the Millbrook swimming pool in March 2025?",
        "Thornley Borough Council closed Millbrook swimming pool in March 2025.",
        Verdict.SAME,
    ),
    (
        "chatty wrapper",
        "lol my nan keeps sharing that Thornley council closed the millbrook pool in march "
        "2025, is that real??",
        "Thornley Borough Council closed Millbrook swimming pool in March 2025.",
        Verdict.SAME,
    ),
    (
        "alias",
        "Man Utd beat Leeds 3-1 at Old Trafford on 4 October 2025",
        "Manchester United beat Leeds United 3-1 at Old Trafford on 4 October 2025.",
        Verdict.SAME,
    ),
    (
        "alias by initials",
        "the DfE says 14% of teachers quit in their first year",
        "The Department for Education says 14% of teachers quit in their first year.",
        Verdict.SAME,
    ),
    (
        "negative question",
        "Didn't the Rovers sack their manager after the 5-0 loss?",
        "Hartwell Rovers sacked their manager after a 5-0 loss.",
        Verdict.SAME,
    ),
    (
        "number format",
        "Northgate Energy made a profit of £2.4bn last year",
        "Northgate Energy made a profit of 2.4 billion pounds last year.",
        Verdict.SAME,
    ),
    (
        "date format",
        "the ferry strike started on 3 Feb 2025",
        "The ferry strike started on February 3, 2025.",
        Verdict.SAME,
    ),
    (
        "fraction as percent",
        "a third of the town's buses are electric now",
        "33% of Thornley's buses are electric.",
        Verdict.SAME,
    ),
    (
        "negation",
        "Thornley Borough Council never closed the Millbrook swimming pool",
        "Thornley Borough Council closed Millbrook swimming pool in March 2025.",
        Verdict.CONTRADICTS,
    ),
    (
        "number",
        "Northgate Energy made a profit of £4.2bn last year",
        "Northgate Energy made a profit of 2.4 billion pounds last year.",
        Verdict.CONTRADICTS,
    ),
    (
        "date",
        "The ferry strike started on 13 February 2025.",
        "The ferry strike started on February 3, 2025.",
        Verdict.CONTRADICTS,
    ),
    (
        "person in a role: another claim, offered as related",
        "Sarah Okoro was elected mayor of Thornley in May 2025",
        "James Whitfield was elected mayor of Thornley in May 2025.",
        Verdict.DIFFERENT,
    ),
    (
        "roles swapped",
        "Leeds United beat Manchester United 3-1 at Old Trafford on 4 October 2025.",
        "Manchester United beat Leeds United 3-1 at Old Trafford on 4 October 2025.",
        Verdict.DIFFERENT,
    ),
    (
        "modality",
        "Thornley Borough Council plans to close Millbrook swimming pool.",
        "Thornley Borough Council closed Millbrook swimming pool in March 2025.",
        Verdict.DIFFERENT,
    ),
    (
        "modality: could, not will",
        "Astronomers say the comet could hit Jupiter in 2031.",
        "Astronomers say the comet will hit Jupiter in 2031.",
        Verdict.DIFFERENT,
    ),
    (
        "quantifier",
        "Only a few of Thornley's GP surgeries take new patients.",
        "Most of Thornley's GP surgeries take new patients.",
        Verdict.DIFFERENT,
    ),
    (
        "attribution: the proposition for the saying",
        "Fluoride in tap water lowers children's IQ.",
        "Councillor Dan Marsh said fluoride in tap water lowers children's IQ.",
        Verdict.DIFFERENT,
    ),
    (
        "attribution: the saying for the proposition",
        "Councillor Dan Marsh said fluoride in tap water lowers children's IQ.",
        "Fluoride in tap water lowers children's IQ.",
        Verdict.DIFFERENT,
    ),
    (
        "attribution: the same saying",
        "councillor marsh claimed that fluoride in tap water lowers kids' IQ",
        "Councillor Dan Marsh said fluoride in tap water lowers children's IQ.",
        Verdict.SAME,
    ),
    (
        "attribution: the saying after the statement, a title before the name",
        "Fluoride in tap water lowers children's IQ, says Dr Dan Marsh",
        "Fluoride in tap water lowers children's IQ.",
        Verdict.DIFFERENT,
    ),
    (
        "attribution: according to a person quotes them",
        "according to cllr marsh, fluoride in tap water lowers children's IQ",
        "Fluoride in tap water lowers children's IQ.",
        Verdict.DIFFERENT,
    ),
    (
        "attribution: according to a person, for the saying",
        "according to cllr marsh, fluoride in tap water lowers children's IQ",
        "Councillor Dan Marsh said fluoride in tap water lowers children's IQ.",
        Verdict.SAME,
    ),
    (
        "attribution: a lower-case name with a present-tense verb",
        "marsh claims fluoride in tap water lowers kids' IQ",
        "Fluoride in tap water lowers children's IQ.",
        Verdict.DIFFERENT,
    ),
    (
        "attribution: a role speaks, after the statement",
        "Fluoride in tap water lowers children's IQ, the councillor said",
        "Fluoride in tap water lowers children's IQ.",
        Verdict.DIFFERENT,
    ),
    (
        "attribution: police state what they report",
        "Police said a man punched the owner of the Thornley corner shop on 3 May 2025",
        "A man punched the owner of the Thornley corner shop on 3 May 2025.",
        Verdict.SAME,
    ),
    (
        "attribution: the body a speaker belongs to is not the speaker",
        "the new Kestrel Labs battery charges fully in five minutes",
        "Kestrel Labs chief executive Priya Raman said the new battery charges fully in five "
        "minutes.",
        Verdict.DIFFERENT,
    ),
    (
        "attribution: one speaker written two ways, in the past's shift",
        "Cllr Marsh told the meeting the pool would reopen in 2027",
        "Thornley councillor Dan Marsh said the pool will reopen in 2027.",
        Verdict.SAME,
    ),
    (
        "attribution: another speaker of the same council",
        "Thornley councillor Sue Patel said the pool will reopen in 2027.",
        "Thornley councillor Dan Marsh said the pool will reopen in 2027.",
        Verdict.DIFFERENT,
    ),
    (
        "attribution: the speaker named in the claim's qualifier does not deny it",
        "Putin fooled four presidents, says Trump",
        "Putin fooled Presidents Clinton, Bush, Obama and Biden, but not Trump.",
        Verdict.DIFFERENT,
    ),
    (
        "a qualifier left out is no denial",
        "Putin fooled Clinton, Bush, Obama and Biden",
        "Putin fooled Presidents Clinton, Bush, Obama and Biden, but not Trump.",
        Verdict.SAME,
    ),
    (
        "no claim: a reaction to nothing checkable",
        "can't believe people fall for the fluoride thing",
        "Fluoride in tap water lowers children's IQ.",
        Verdict.NO_CLAIM,
    ),
    (
        "a claim written as a reaction",
        "can't believe Thornley Borough Council closed Millbrook swimming pool in March 2025",
        "Thornley Borough Council closed Millbrook swimming pool in March 2025.",
        Verdict.SAME,
    ),
    (
        "no claim: a judgement",
        "Marsh is the worst councillor Thornley has ever had",
        "Councillor Dan Marsh said fluoride in tap water lowers children's IQ.",
        Verdict.NO_CLAIM,
    ),
    (
        "no claim: a why-question",
        "why did thornley close the millbrook pool",
        "Thornley Borough Council closed Millbrook swimming pool in March 2025.",
        Verdict.NO_CLAIM,
    ),
    (
        "quantifier: a ratio for a share",
        "nine in ten of Thornley's GP surgeries take new patients",
        "Only a minority of Thornley's GP surgeries take new patients.",
        Verdict.DIFFERENT,
    ),
    (
        "quantifier: every member against a count of votes",
        "Every single councillor voted for the Thornley budget in March 2025.",
        "Thornley Borough Council passed its budget in March 2025 with 31 votes in favour.",
        Verdict.DIFFERENT,
    ),
    (
        "modality: a progressive bears on its own verb (no less sure than will)",
        "the millbrook pool is reopening in 2027 apparently",
        "Millbrook swimming pool will reopen in 2027.",
        Verdict.SAME,
    ),
    (
        "no claim: a reaction",
        "the queues at the Millbrook pool are insane",
        "Thornley Borough Council closed Millbrook swimming pool in March 2025.",
        Verdict.NO_CLAIM,
    ),
    (
        "no claim: a request",
        "can someone explain the ferry strike to me",
        "The ferry strike started on February 3, 2025.",
        Verdict.NO_CLAIM,
    ),
    (
        "no claim: a verdict on nothing said",
        "this is fake news",
        "The ferry strike started on February 3, 2025.",
        Verdict.NO_CLAIM,
    ),
    (
        "no claim: asking the room",
        "anyone else think the ferry strike is a bit much",
        "The ferry strike started on February 3, 2025.",
        Verdict.NO_CLAIM,
    ),
    (
        "a short claim with a plain verb",
        "Northgate earns billions from gas",
        "Northgate Energy earns billions of pounds from gas.",
        Verdict.SAME,
    ),
    (
        "attribution: a named claimant is no wrapper",
        "A Thornley councillor said fluoride in tap water lowers children's IQ",
        "Fluoride in tap water lowers children's IQ.",
        Verdict.DIFFERENT,
    ),
    (
        "a title is no role: the founder named either way",
        "Priya Raman, who founded Kestrel Labs, was fined £2m in June 2024",
        "Kestrel Labs founder Priya Raman was fined £2m in June 2024.",
        Verdict.SAME,
    ),
    (
        "a quarter of the year is no share",
        "the eurozone grew 0.4% in the second quarter",
        "The eurozone economy grew 0.4% in the second quarter of 2024.",
        Verdict.SAME,
    ),
    (
        "a share written as a number on both sides is a number: another one contradicts",
        "a quarter of the reservoirs were dry by August 2025",
        "Three quarters of the region's reservoirs were dry by August 2025.",
        Verdict.CONTRADICTS,
    ),
    (
        "number format: money in slang",
        "yorkshire water got fined 45 mill for the spills",
        "Yorkshire Water was fined £45m over sewage spills.",
        Verdict.SAME,
    ),
    (
        "number format: abbreviated years",
        "the ex-mayor got 6 yrs for the bribes",
        "The former mayor of Dunmere was jailed for six years for taking bribes.",
        Verdict.SAME,
    ),
    (
        "a day of the month is no count",
        "on 12 March 2025 the judge gave Ortiz 8 years",
        "Carlos Ortiz was sentenced to 8 years in prison in March 2025.",
        Verdict.SAME,
    ),
    (
        "another name in a name's place: another claim, not a contradiction",
        "the Gunners beat Wolves 2-0 on 9 November",
        "Chelsea beat Wolves 2-0 on 9 November.",
        Verdict.DIFFERENT,
    ),
    (
        "negation outranks a changed name",
        "Wolves never beat Chelsea 2-0 on 9 November, the Blues drew",
        "Wolves beat Chelsea 2-0 on 9 November.",
        Verdict.CONTRADICTS,
    ),
    (
        "a newsroom's label is no name",
        "VIDEO: Thornley council shut the Millbrook pool in March 2025",
        "Thornley Borough Council closed Millbrook swimming pool in March 2025.",
        Verdict.SAME,
    ),
    (
        "alias: an acronym the message writes as a name",
        "SCOTUS threw out the state's map in May 2025",
        "The US Supreme Court threw out Alabama's congressional map in May 2025.",
        Verdict.SAME,
    ),
    (
        "alias: a possessive description for a named party",
        "trudeau's party lost 40 seats in the 2025 vote",
        "The Liberal Party lost 40 seats in the 2025 election.",
        Verdict.SAME,
    ),
    (
        "modality: the future said once, anywhere in the message",
        "Comet Hale-B comes within 50,000 km of Earth in 2031, so it'll miss us",
        "Comet Hale-B will come within 50,000 km of Earth in 2031.",
        Verdict.SAME,
    ),
    (
        "modality: a marker elsewhere does not make a past act a plan",
        "Dunmere council closed the Millbrook pool, and it will reopen in 2027",
        "Dunmere council will close the Millbrook pool.",
        Verdict.DIFFERENT,
    ),
    (
        "modality: a relative clause's would is no plan",
        "did the senate pass a bill that would cap rents at 5%?",
        "The state senate passed a bill to cap rents at 5%.",
        Verdict.SAME,
    ),
    (
        "a means after by is no passive",
        "Didn't Ostrava win the cup in 2024 by beating Brno 2-1?",
        "Ostrava beat Brno 2-1 in the 2024 cup final.",
        Verdict.SAME,
    ),
    (
        "a denial outranks a change of how sure",
        "The mayor never proposed closing the Millbrook pool",
        "The mayor proposed closing the Millbrook pool by 2026.",
        Verdict.CONTRADICTS,
    ),
    (
        "two shares as numbers: a number contradiction, not a quantifier",
        "58% of the region's rivers are polluted, the agency says",
        "Only 18% of the region's rivers are polluted, according to the agency.",
        Verdict.CONTRADICTS,
    ),
    (
        "attribution: a claim that names its source is said on someone's word already",
        "the Met Office says 2025 was the sunniest spring on record in the UK",
        "2025 was the UK's sunniest spring on record, according to the weather service.",
        Verdict.SAME,
    ),
    (
        "attribution: a claim without a source is not what someone said",
        "the Met Office says 2025 was the sunniest spring on record in the UK",
        "2025 was the sunniest spring on record in the UK.",
        Verdict.DIFFERENT,
    ),
    (
        "no claim: a topic",
        "ferry strike??",
        "The ferry strike started on February 3, 2025.",
        Verdict.NO_CLAIM,
    ),
]


@pytest.mark.parametrize(("category", "message", "claim_text", "verdict"), CASES)
def test_each_category_gets_its_verdict(
    category: str, message: str, claim_text: str, verdict: Verdict
) -> None:
    identity = judge_identity(message, claim(claim_text))
    assert identity.verdict is verdict, (category, identity.reason)
    if verdict is not Verdict.SAME:
        assert identity.reason  # every verdict but "same" quotes its evidence


@pytest.fixture
def matcher(tmp_path: Path) -> Matcher:
    store = open_store(str(tmp_path / "claims.db"), seed=False)
    store.add_claims(
        [
            make_fields("Manchester United beat Leeds United 3-1 at Old Trafford on 4 Oct 2025."),
            make_fields("Councillor Dan Marsh said fluoride in tap water lowers children's IQ."),
            make_fields("Fluoride in tap water lowers children's IQ.", status="false"),
        ],
        "t",
    )
    return Matcher(store, MatchingSettings())


def test_a_changed_claim_is_offered_as_related_never_answered(matcher: Matcher) -> None:
    result = matcher.check("Leeds United beat Manchester United 3-1 at Old Trafford", Scope())
    [segment] = result.results
    assert segment.match is None
    [related] = segment.related
    assert related.stance is Stance.DIFFERENT
    assert related.stance_reason.startswith("roles swapped")


def test_the_proposition_is_answered_past_the_attribution_above_it(matcher: Matcher) -> None:
    """With both in the database, "Y" is answered with the claim "Y", not with "X said Y"."""
    result = matcher.check("Fluoride in tap water lowers children's IQ", Scope())
    [segment] = result.results
    assert segment.match is not None
    assert segment.match.claim.text == "Fluoride in tap water lowers children's IQ."
    saying = [m for m in segment.related if m.claim.text.startswith("Councillor")]
    assert all(m.stance is Stance.DIFFERENT for m in saying)


def test_the_identity_set_loads_and_holds_out_whole_claims() -> None:
    claims, pairs = load_identity_set(IDENTITY_SET)
    assert len(pairs) >= 800
    assert len(claims) >= 100
    held = {p.claim_id for p in pairs if p.split == "heldout"}
    assert not any(p.split == "tune" and p.claim_id in held for p in pairs)
    per_category = {}
    for pair in pairs:
        per_category.setdefault(pair.category, []).append(pair)
    assert all(len(members) >= 40 for members in per_category.values()), {
        k: len(v) for k, v in per_category.items()
    }


# Floors on the held-out quarter of the identity set (lexical matcher; figures and commands in
# docs/matching.md). Deterministic: they fail only when a change makes identity worse.
HELD_OUT_FLOORS = {
    "paraphrases_answered": 0.80,
    "contradictions_caught": 0.87,
    "attribution_right": 0.90,
}
HELD_OUT_CEILINGS = {"false_answers": 0.15, "false_contradictions": 0.03}


@pytest.mark.slow
def test_identity_regression_on_the_held_out_quarter() -> None:
    claims, pairs = load_identity_set(IDENTITY_SET)
    held_out = [p for p in pairs if p.split == "heldout"]
    report = evaluate_identity(claims, held_out, MatchingSettings())
    for key, floor in HELD_OUT_FLOORS.items():
        assert report.figures[key] >= floor, (key, report.figures[key])
    for key, ceiling in HELD_OUT_CEILINGS.items():
        assert report.figures[key] <= ceiling, (key, report.figures[key])


# The sets written blind, without the rules in view: floors a little under today's figures.
BLIND_SETS = {
    "identity-fresh": (
        {"paraphrases_answered": 0.57, "contradictions_caught": 0.70, "attribution_right": 0.80},
        {"false_answers": 0.11, "false_contradictions": 0.15},
    ),
    "identity-blind": (
        {"paraphrases_answered": 0.59, "contradictions_caught": 0.88, "attribution_right": 0.72},
        {"false_answers": 0.14, "false_contradictions": 0.10},
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(BLIND_SETS))
def test_identity_regression_on_a_set_written_blind(name: str) -> None:
    floors, ceilings = BLIND_SETS[name]
    claims, pairs = load_identity_set(DATA / name / "pairs.jsonl")
    report = evaluate_identity(claims, pairs, MatchingSettings())
    for key, floor in floors.items():
        assert report.figures[key] >= floor, (key, report.figures[key])
    for key, ceiling in ceilings.items():
        assert report.figures[key] <= ceiling, (key, report.figures[key])


# The changed predicates and slots, denials and names and numbers written otherwise, on their
# tune pairs (the rules were written against them, so these guard against regressions, not
# estimate quality): floors under today's figures.
TUNE_CATEGORY_FLOORS = {
    "opposite_predicate": 0.9,
    "alternative_swap": 0.95,
    "negation": 0.9,
    "negative_question": 0.94,
    "alias": 0.83,
    "number_format": 0.93,
}


@pytest.mark.slow
def test_categories_with_rules_of_their_own_on_their_tune_pairs() -> None:
    claims, pairs = load_identity_set(IDENTITY_SET)
    chosen = [p for p in pairs if p.category in TUNE_CATEGORY_FLOORS and p.split == "tune"]
    report = evaluate_identity(claims, chosen, MatchingSettings())
    for category, floor in TUNE_CATEGORY_FLOORS.items():
        assert report.by_category[category]["right"] >= floor, report.by_category[category]


# Swapped roles and replaced parties on the t2- claims' tune pairs, written for the roles read
# around the act (guards, not estimates): the changed claims refused, the paraphrases that keep
# the roles (passives, converses, "X's win over Y", surnames, lower case) answered.
SWAP_FLOORS = {"role_swap": 0.95, "entity_swap": 0.95}
SWAP_PARAPHRASES_ANSWERED = 0.9


@pytest.mark.slow
def test_swapped_roles_and_parties_on_their_tune_pairs() -> None:
    claims, pairs = load_identity_set(IDENTITY_SET)
    chosen = [p for p in pairs if p.claim_id.startswith("t2-")]
    report = evaluate_identity(claims, chosen, MatchingSettings())
    for category, floor in SWAP_FLOORS.items():
        assert report.by_category[category]["right"] >= floor, report.by_category[category]
    answered = report.figures["paraphrases_answered"]
    assert answered >= SWAP_PARAPHRASES_ANSWERED, answered


# The t2a claims' tune pairs (attribution both ways, no claim, quantifiers, modality, and
# paraphrases of the same claims): written for those rules, so they guard against
# regressions; floors under today's figures.
T2A_FLOORS = {"attribution_right": 0.97, "paraphrases_answered": 0.93}
T2A_CEILINGS = {"false_answers": 0.02}


@pytest.mark.slow
def test_attribution_no_claim_quantifiers_and_modality_on_the_t2a_pairs() -> None:
    claims, pairs = load_identity_set(IDENTITY_SET)
    chosen = [p for p in pairs if p.claim_id.startswith("t2a-")]
    assert len(chosen) >= 150
    report = evaluate_identity(claims, chosen, MatchingSettings())
    for key, floor in T2A_FLOORS.items():
        assert report.figures[key] >= floor, (key, report.figures[key])
    for key, ceiling in T2A_CEILINGS.items():
        assert report.figures[key] <= ceiling, (key, report.figures[key])
    for category in ("no_claim", "quantifier", "modality"):
        assert report.by_category[category]["false_answers"] == 0, report.by_category[category]


def test_the_statement_and_the_saying_are_shown_together_labelled(matcher: Matcher) -> None:
    result = matcher.check("Fluoride in tap water lowers children's IQ", Scope())
    [segment] = result.results
    assert segment.counterpart is not None
    assert segment.counterpart.claim.text.startswith("Councillor Dan Marsh said")
    assert segment.counterpart_label == "That Councillor Dan Marsh said it"
    assert all(m.claim.id != segment.counterpart.claim.id for m in segment.related)


def test_a_long_paste_says_how_much_was_not_checked(matcher: Matcher) -> None:
    sentences = [
        f"The harbour in town number {n} handled {n} thousand container ships last spring."
        for n in range(1, 21)
    ]
    result = matcher.check(" ".join(sentences), Scope())
    assert result.checked_segments == MatchingSettings().max_segments == len(result.results)
    assert result.skipped_segments == 20 - result.checked_segments


def test_a_negative_question_is_as_likely_the_claim_as_the_question() -> None:
    """ "Didn't X …?" asks about the claim as "Did X …?" does: the same identity features."""
    held = claim("Dunmere recorded 1,204 burglaries in 2024.")
    asked = identity_features("Did Dunmere record 1,204 burglaries in 2024?", held, Verdict.SAME)
    negative = identity_features(
        "Didn't Dunmere record 1,204 burglaries in 2024?", held, Verdict.SAME
    )
    assert negative == asked
