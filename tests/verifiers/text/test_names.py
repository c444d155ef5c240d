"""Names: a name written another way (acronym, nickname, possessive, capital) is the same name."""

from __future__ import annotations

import pytest

from verifiers.text.names import covered, names


@pytest.mark.parametrize(
    ("claim", "message", "spelled"),
    [
        # an acronym that is a name of its own in the message
        ("The US Supreme Court blocked the tariffs in May 2025.", "SCOTUS blocked the tariffs",
         {"scotus"}),
        # a possessive
        ("Britain's oldest pier reopened in 2024.", "The UK's oldest pier reopened", {"uk"}),
        # joiners in a name: von der
        ("Anna von der Berg won the mayoral race.", "AVB won the mayoral race", {"avb"}),
        # a capital for its government
        ("Canada banned the import of handguns in 2022.", "Ottawa banned handgun imports",
         {"ottawa"}),
        # a nickname
        ("West Ham beat Everton 1-0 in March.", "the Hammers beat the Toffees 1-0",
         {"hammers", "toffees"}),
    ],
)  # fmt: skip
def test_a_name_written_another_way_is_covered(claim: str, message: str, spelled: set[str]) -> None:
    assert spelled <= covered(claim, message)[1]


def test_a_known_name_of_generic_words_is_a_name() -> None:
    assert ("united", "states") in names("The United States left the accord.", known=True)
    assert ("european", "union") in names("The European Union fined the firm.", known=True)
    assert ("united", "states") not in names("The United States left the accord.")
    assert names("The Party met in the City.", known=True) == []


def test_another_name_sharing_a_word_is_not_covered() -> None:
    assert not covered("Thames Water was fined £10m.", "Southern Water was fined £10m")[1]
