"""Normalisation: spoofed, transliterated and decorated spellings meet the plain one."""

from __future__ import annotations

import pytest

from tests.support import feature_cases
from verifiers.text import numbers
from verifiers.text.normalize import cap, clean, normalize
from verifiers.text.numbers import quantities
from verifiers.text.tokens import content_tokens, stem


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＺＥＬＥＮＳＫＹＹ", "zelenskyy"),  # full-width letters (NFKC)
        ("𝐙𝐞𝐥𝐞𝐧𝐬𝐤𝐲𝐲", "zelenskyy"),  # mathematical bold (NFKC)
        ("Zel\u200benskyy", "zelenskyy"),  # zero-width space
        ("Zel\u00adensk\u200dyy\u2066", "zelenskyy"),  # soft hyphen, ZWJ, bidi isolate
        ("Zеlеnskyy", "zelenskyy"),  # Cyrillic е inside a Latin word
        ("Рutіn", "putin"),  # Cyrillic Р and і
        ("раураl", "paypal"),  # a whole word of convincing look-alikes
        ("Ζelensky", "zelensky"),  # Greek capital zeta
        ("Zelénskyy", "zelenskyy"),  # accents on Latin letters
        ("STRASSE", "strasse"),
    ],
)
def test_spoofs_fold_to_the_plain_spelling(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Зеленский", "zelenskiy"),
        ("Москва", "moskva"),
        ("Санкт-Петербург", "sankt-peterburg"),
        ("Путин", "putin"),
        ("Ζελένσκι", "zelenski"),
    ],
)
def test_whole_cyrillic_and_greek_words_are_transliterated(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_clean_keeps_case_and_straightens_apostrophes() -> None:
    assert clean("Trump’s Ｃall") == "Trump's Call"


def test_other_scripts_are_left_alone() -> None:
    assert normalize("東京 नमस्ते") == "東京 नमस्ते"


def test_cap_truncates_before_anything_else() -> None:
    assert cap("x" * 10_000, 100) == "x" * 100


def test_content_tokens_drop_stop_words_and_split_like_the_index() -> None:
    assert content_tokens("trump's call with putin was 'bad'") == ["trump", "call", "putin", "bad"]


@pytest.mark.parametrize(
    ("a", "b"), [("weapons", "weapon"), ("striking", "strikes"), ("batteries", "battery")]
)
def test_stem_merges_inflections(a: str, b: str) -> None:
    assert stem(a) == stem(b)


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("a 50-day deadline", [(50.0, "day")]),
        ("fifty days", [(50.0, "day")]),
        ("17 patriot batteries", [(17.0, "patriot")]),
        ("1,000 troops and 2.5 billion dollars", [(1000.0, "troop"), (2.5e9, "dollar")]),
        ("twenty five percent", [(25.0, "%")]),
        ("one of them said", []),
    ],
)
def test_quantities_read_digits_and_words(text: str, values: list[tuple[float, str]]) -> None:
    assert [(q.value, q.unit) for q in quantities(text)] == values


def test_number_patterns_are_skipped_only_where_they_cannot_match() -> None:
    """A text lacking a pattern's literals skips it: never a match lost, on every recorded
    message and claim of the feature fixture and on texts made to match each pattern."""
    recorded = feature_cases.load()
    texts = recorded["messages"] + [part for pair in recorded["claims"].values() for part in pair]
    texts += [
        "$5 bn and €60m, £3 thousand",
        "rates rose half a point, then 25 bps and 0.5 percentage points",
        "two thirds of voters, a quarter of them, half the country, one tenth of it",
        "one in six adults, 3 out of 10 children, 1 in 4",
    ]
    found = 0
    for pattern in numbers._LITERALS:
        for text in texts:
            everything = [m.span() for m in pattern.finditer(text)]
            assert [m.span() for m in numbers._matches(pattern, text)] == everything
            assert numbers._without(pattern, text) == pattern.sub(" ", text)
            found += len(everything)
    assert found > 100
