"""The lexicons of opposite predicates and of alternatives in one slot: inflections, phrases,
and the ordinals and number words that count only where they rank or measure."""

from __future__ import annotations

import pytest

from verifiers.text.contrasts import CONTRASTS, OPPOSITES, _parse, terms
from verifiers.text.names import words


def found(text: str) -> list[str]:
    return [t.text for t in terms(words(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the court banned it", ["banned"]),  # a regular inflection
        ("prices rose, then fell", ["rose", "fell"]),  # irregular forms, written out
        ("the senate voted against it", ["senate", "voted against"]),  # a phrase
        ("she stepped down", ["stepped down"]),
        ("found not guilty", ["not guilty"]),  # the phrase, not a negated "guilty"
        ("he was re-elected", ["re elected"]),
        ("e-bikes and e-scooters", ["e bikes", "e scooters"]),
        ("the women's final", ["women's", "final"]),
        ("revenue up 5% on the year", ["up"]),  # "up" before a number
        ("they set up a company", []),  # and nowhere else
        ("its first launch", ["first", "launch"]),
        ("first reported in may", []),  # an adverb, not a rank
        ("won by a second", ["won"]),  # a unit of time
        ("last year", []),  # a date
        ("they lifted the ban on vapes", ["lifted the ban"]),
    ],
)
def test_terms_are_read_with_their_inflections_and_phrases(text: str, expected: list[str]) -> None:
    assert found(text) == expected


def test_opposites_are_members_of_one_class() -> None:
    table = _parse(OPPOSITES, "opposite")
    (approved,) = [m for m in table[("approved",)] if m.member == 0]
    assert any(
        m.klass == approved.klass and m.member != approved.member for m in table[("rejected",)]
    )
    assert all(m.converse for m in table[("won",)])  # who won is who lost, the other way


def test_synonyms_share_a_member() -> None:
    table = _parse(CONTRASTS, "contrast")
    assert set(table[("kids",)]) & set(table[("children",)])
    assert set(table[("upper", "house")]) == set(table[("senate",)])
    assert not set(table[("arctic",)]) & set(table[("antarctic",)])
