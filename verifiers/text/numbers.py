"""Numbers in text, written in digits or words, with the word they count.

"fifty days", "50 days" and "50-day" must compare equal, and "30 days" must not, so numbers
are read as values together with the unit that follows them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from verifiers.text.tokens import word_memo, word_set

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_ORDINAL_SUFFIX = ("st", "nd", "rd", "th")
MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
WEEKDAYS = word_set("monday tuesday wednesday thursday friday saturday sunday")

# Words, with a number's separators and ordinal suffix kept inside it ("1,000", "2.5", "4th").
# The separator is required between digit groups, so the pattern cannot backtrack.
_WORD = re.compile(r"\d+(?:[.,]\d+)*(?:st|nd|rd|th)?|[^\W_]+|%")


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number as written ("50", "fifty") with its value and the word it counts, if any."""

    text: str
    value: float
    unit: str


@word_memo()
def _value(word: str) -> float | None:
    if word in _UNITS:
        return float(_UNITS[word])
    if word in _SCALES:
        return float(_SCALES[word])
    digits = word
    for suffix in _ORDINAL_SUFFIX:
        if word.endswith(suffix) and word[: -len(suffix)].isdigit():
            digits = word[: -len(suffix)]
            break
    digits = digits.replace(",", "")
    try:
        return float(digits) if digits[:1].isdigit() else None
    except ValueError:
        return None


def quantities(normalised: str) -> list[Quantity]:
    """Numbers in a case-folded text, each with the next word as its unit.

    "17 patriot batteries" → 17 (unit "patriot"); "50-day" → 50 ("day"); "one" alone is
    ignored, because it is far more often a pronoun than a count.
    """
    words = _WORD.findall(normalised)
    out: list[Quantity] = []
    i = 0
    while i < len(words):
        value = _value(words[i])
        if value is None:
            i += 1
            continue
        start = i
        # "two hundred", "3 million", "twenty five": combine a number with what scales it.
        while i + 1 < len(words):
            nxt = words[i + 1]
            if nxt in _SCALES:
                value *= _SCALES[nxt]
            elif words[i] in _UNITS and _UNITS[words[i]] >= 20 and nxt in _UNITS:
                value += _UNITS[nxt]
            else:
                break
            i += 1
        text = " ".join(words[start : i + 1])
        unit = words[i + 1] if i + 1 < len(words) else ""
        if text not in {"one", "a"}:
            out.append(Quantity(text=text, value=value, unit=_singular(unit)))
        i += 1
    return out


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def number_values(normalised: str) -> frozenset[float]:
    """The set of values mentioned, ignoring years and units (for quick agreement checks)."""
    return frozenset(q.value for q in quantities(normalised))
