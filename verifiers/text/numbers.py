"""Numbers in text, written in digits or words, with the word they count.

"fifty days", "50 days" and "50-day" must compare equal, and "30 days" must not, so numbers
are read as values together with the unit that follows them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from verifiers.text.tokens import word_memo, word_set

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12,
}  # fmt: skip
_SCALES = {
    "hundred": 100, "thousand": 1_000, "grand": 1_000, "k": 1_000, "million": 1_000_000,
    "mn": 1_000_000, "mln": 1_000_000, "billion": 1_000_000_000, "bn": 1_000_000_000,
    "trillion": 1_000_000_000_000, "tn": 1_000_000_000_000, "mil": 1_000_000,
    "m": 1_000_000, "mill": 1_000_000, "bil": 1_000_000_000,
}  # fmt: skip
# "€60m" is 60 million euros; after a currency sign "m" and "b" scale too.
_CURRENCIES = {"$": "dollar", "€": "euro", "£": "pound", "¥": "yen"}
_CURRENCY_WORDS = {
    "dollars": "dollar", "dollar": "dollar", "usd": "dollar", "euros": "euro", "euro": "euro",
    "eur": "euro", "pounds": "pound", "pound": "pound", "gbp": "pound", "sterling": "pound",
    "yen": "yen",
}  # fmt: skip
_MONEY = re.compile(
    r"([$€£¥])\s?(\d+(?:[.,]\d+)*)\s?(k|m|mn|bn|b|tn|thousand|million|billion|trillion)?\b",
    re.IGNORECASE,
)
_MONEY_SCALES = {**_SCALES, "m": 1_000_000, "b": 1_000_000_000}
# "a third" is about 33%, "half" 50%: compared with a percentage within FRACTION_TOLERANCE.
_FRACTIONS = {
    "half": 50.0, "third": 100 / 3, "quarter": 25.0, "fifth": 20.0, "tenth": 10.0,
    "thirds": 200 / 3, "quarters": 75.0,
}  # fmt: skip
# A share is "half", "a third", "two thirds" or "quarter of": a bare "quarter" or "third" is
# more often an ordinal or a period ("the first quarter", "a third term").
_FRACTION = re.compile(
    r"\b(?:(a|one|two|three|four)[\s-](half|third|thirds|quarter|quarters|fifth|tenth)|"
    r"(?<!first )(?<!second )(?<!the )(?<!last )(?<!final )"
    r"(half|thirds?|quarters?|fifth|tenth)"
    r"(?= of\b)|(?<!the )(?<!a )(half))\b"
    r"(?! (?:of )?(?:a |an |the )?(?:percentage )?(?:point|mile|hour|century|season|year|month|"
    r"day|week|time|final|term|place|round|straight|consecutive|successive|largest|biggest))"
)
# Interest rates move in points: "half a point" = "50 basis points" = "0.5 percentage points".
_POINTS = re.compile(
    r"\b(?:(?P<share>half|a quarter|quarter|three quarters)[\s-](?:of )?(?:a )?"
    r"(?:percentage[\s-])?points?|"
    r"(?P<number>\d+(?:\.\d+)?) ?(?P<kind>basis points?|bps|bp|percentage points?))\b"
)
_POINT_SHARES = {"half": 0.5, "a quarter": 0.25, "quarter": 0.25, "three quarters": 0.75}
FRACTION_TOLERANCE = 3.0  # percentage points: "nearly two thirds" is 64%
# "one in six" is about 16.7%.
_ONE_IN = re.compile(
    # "2,911 in 2024" is a count in a year, not a share.
    r"(?<![\d,.])\b(one|two|three|four|five|\d+) (?:in|out of) (?!(?:18|19|20)\d\d\b)"
    r"(\d+|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|hundred)\b"
    r"(?! (?:of|percent|%))"
)
# What each pattern cannot match without: a text lacking all of a pattern's literals skips it.
# The patterns are most of the cost of reading a text's numbers, and most texts lack them.
_LITERALS: dict[re.Pattern[str], tuple[str, ...]] = {
    _MONEY: tuple(_CURRENCIES),
    _POINTS: ("point", "bp"),
    _FRACTION: ("half", "third", "quarter", "fifth", "tenth"),
    _ONE_IN: (" in ", " out of "),
}


def _matches(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)`, skipped when the text lacks the pattern's literals."""
    if any(literal in text for literal in _LITERALS[pattern]):
        yield from pattern.finditer(text)


def _without(pattern: re.Pattern[str], text: str) -> str:
    """The text with the pattern's matches blanked out (see `_matches`)."""
    if any(literal in text for literal in _LITERALS[pattern]):
        return pattern.sub(" ", text)
    return text


# How many days a duration is: "three months" and "90 days" are one span (within 5%).
_DAYS = {"day": 1.0, "week": 7.0, "fortnight": 14.0, "month": 30.44, "year": 365.25}
DURATION_TOLERANCE = 0.05
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
    """A number as written ("50", "fifty") with its value and the word it counts, if any.
    `tolerance`: how far off another value may be and still be this one ("a third" ≈ 33%)."""

    text: str
    value: float
    unit: str
    tolerance: float = 0.0
    # The words that follow it (their first four letters): what it counts, in more words than
    # its unit ("10 straight rate rises" and "14 consecutive rises" both count rises).
    context: tuple[str, ...] = ()

    def same_value(self, other: Quantity) -> bool:
        slack = max(self.tolerance, other.tolerance, 1e-9 * max(abs(self.value), 1.0))
        if abs(self.value - other.value) <= slack:
            return True
        # "31%" rounds "30.6%": the less precise figure is the other one, rounded, when it has
        # two digits or more ("2%" is no rounded 2.5%).
        mine, theirs = _decimals(self.text), _decimals(other.text)
        if mine is None or theirs is None or mine == theirs:
            return False
        rough = self if mine < theirs else other
        if sum(ch.isdigit() for ch in rough.text.lstrip("0.")) < 2:
            return False
        return abs(self.value - other.value) < 0.5 * 10 ** -min(mine, theirs)


_PLAIN_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})*(?:\.(\d+))?|\d+(?:\.(\d+))?")


def _decimals(text: str) -> int | None:
    """How many decimals a number written in plain digits has ("30.6": 1), else None."""
    match = _PLAIN_NUMBER.fullmatch(text)
    if match is None:
        return None
    return len(match[1] or match[2] or "")


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


# Every quantity holds a digit or one of these words (`_value` and the patterns above read
# nothing else), so a text with neither is passed over at once.
_DIGIT = re.compile(r"\d")
_NUMBER_WORDS = frozenset(_UNITS) | frozenset(_SCALES) | frozenset(_FRACTIONS)


def quantities(normalised: str, *, forms: bool = True) -> list[Quantity]:
    """Numbers in a case-folded text, each with the next word as its unit.

    "17 patriot batteries" → 17 (unit "patriot"); "50-day" → 50 ("day"); "four hundred and
    eleven" → 411; "€60m" and "60 million euros" → 60,000,000 ("euro"); "a third" → 33.3
    ("%", within `FRACTION_TOLERANCE`). "one" alone is ignored, because it is far more often a
    pronoun than a count. `forms`: also read "twelve thousand four hundred", "five and a
    quarter", seasons ("2026-27" is 2026) and miles in kilometres; the matcher's features
    read numbers without them, as they were fitted.
    """
    if (
        not _DIGIT.search(normalised)
        and _NUMBER_WORDS.isdisjoint(_WORD.findall(normalised))
        and not (forms and _FACTOR_HINT.search(normalised))
    ):
        return []  # most texts: nothing below can match
    if forms:
        normalised = _season(_and_a_fraction(_spoken_point(_scaled_share(normalised))))
        normalised = normalised.replace(" per cent", " percent")
    written = normalised
    out: list[Quantity] = []
    if forms:
        out, normalised = _factors_and_quarters(normalised)
    out += [*_money(normalised), *_points(normalised), *_fractions(normalised)]
    out += _one_in(normalised)
    for pattern in (_MONEY, _POINTS, _FRACTION, _ONE_IN):
        normalised = _without(pattern, normalised)
    words = _WORD.findall(normalised)
    i = 0
    while i < len(words):
        value = _value(words[i])
        if value is None:
            i += 1
            continue
        start = i
        above, below = 0.0, None  # value so far, and the small number after its thousands
        # "two hundred", "3 million", "twenty five", "four hundred and eleven": combine a
        # number with what scales it and what it adds.
        while i + 1 < len(words):
            nxt = words[i + 1]
            if forms and nxt in _SCALES and words[i] in _SCALES and _SCALES[words[i]] >= 1_000:
                break  # "thousand million" is not written: two numbers
            if nxt in _SCALES:
                # "twelve thousand four hundred": a hundred scales only what follows the
                # thousand, not the thousands before it.
                big = _SCALES[nxt] >= 1_000
                value = value * _SCALES[nxt] if big or below is None else below * 100 + above
                above, below = value, None
            elif (
                forms
                and nxt in _UNITS
                and words[i] in _SCALES
                and _SCALES[words[i]] >= 1_000
                and words[start] in _UNITS
            ):
                above, below = value, float(_UNITS[nxt])  # "… thousand four": more follows
                value += _UNITS[nxt]
            elif words[i] in _UNITS and _UNITS[words[i]] >= 20 and nxt in _UNITS:
                value += _UNITS[nxt]
            elif (
                nxt == "and"
                and words[i] in ("hundred", "thousand")
                and i + 2 < len(words)
                and words[i + 2] in _UNITS
            ):
                value += _UNITS[words[i + 2]]
                i += 1
                if i + 2 < len(words) and _UNITS[words[i + 1]] >= 20 and words[i + 2] in _UNITS:
                    value += _UNITS[words[i + 2]]
                    i += 1
            else:
                break
            i += 1
        text = " ".join(words[start : i + 1])
        unit = _unit(words[i + 1] if i + 1 < len(words) else "")
        context = tuple(
            w.removesuffix("s")[:4]
            for w in words[i + 1 : i + 4]
            if w not in _NOT_UNITS and not w[:1].isdigit()
        )
        if text not in {"one", "a"}:
            quantity = Quantity(text=text, value=value, unit=unit, context=context)
            out.append(_converted(_as_days(quantity)) if forms else _as_days(quantity))
        i += 1
    return [_hedged(q, written) for q in out] if forms and _HEDGE.search(written) else out


_HEDGES = r"almost|nearly|about|around|roughly|approximately|approx|some|close to|circa|like"
_HEDGE = re.compile(rf"\b(?:{_HEDGES})\s")
HEDGE_TOLERANCE = 0.1  # "almost 2 billion" for 1.8 billion; "about 1,500" for 1,700 is not


def _hedged(quantity: Quantity, written: str) -> Quantity:
    """A figure said to be rough ("almost €2bn", "around 1,700") is met by a figure within
    `HEDGE_TOLERANCE` of it."""
    if re.fullmatch(r"(?:18|19|20)\d\d", quantity.text):
        return quantity  # "around 2019" is a year, and years are compared apart
    pattern = rf"\b(?:{_HEDGES})\s+(?:an?\s+)?{re.escape(quantity.text)}"
    if re.search(pattern, written) is None:
        return quantity
    slack = HEDGE_TOLERANCE * abs(quantity.value) * (1 + 1e-9)
    if quantity.unit == "%":  # a share is rough by points: "about 30%" is not 27%
        slack = min(slack, FRACTION_TOLERANCE)
    return replace(quantity, tolerance=max(quantity.tolerance, slack))


# Units written in other systems, in one: "20,000 miles" is about "32,000 km".
_CONVERSIONS = {
    "mile": ("km", 1.609344), "km": ("km", 1.0), "kilometre": ("km", 1.0),
    "kilometer": ("km", 1.0), "foot": ("m", 0.3048), "feet": ("m", 0.3048), "ft": ("m", 0.3048),
    "metre": ("m", 1.0), "meter": ("m", 1.0), "kilogram": ("kg", 1.0), "kilo": ("kg", 1.0),
    "lb": ("kg", 0.45359), "tonne": ("t", 1.0), "ton": ("t", 1.0),
    "kph": ("km", 1.0), "kmh": ("km", 1.0), "mph": ("km", 1.609344),
    "c": ("°c", 1.0), "°c": ("°c", 1.0), "celsius": ("°c", 1.0), "centigrade": ("°c", 1.0),
}  # fmt: skip
_FAHRENHEIT = frozenset(("f", "°f", "fahrenheit"))
HOT = 60  # "degrees" above it are Fahrenheit: no weather reaches 60°C
TEMPERATURE_TOLERANCE = 0.6  # "104F" is 40°C
CONVERSION_TOLERANCE = 0.03  # a converted figure is rounded: "roughly 20,000 miles"


def _converted(q: Quantity) -> Quantity:
    """A length, speed, weight or temperature in the one unit of its kind, within
    `CONVERSION_TOLERANCE` when it was written in another ("75 mph" for "120 km/h", "104F"
    for "40°C", "40 degrees" for "40C"); its text keeps the unit it was written in."""
    plural = q.value != 1 and len(q.unit) > 3 and q.unit.isalpha()  # "miles", not "mphs"
    written = f"{q.text} {q.unit}{'s' if plural else ''}"
    if q.unit in _FAHRENHEIT or (q.unit == "degree" and q.value > HOT):
        value = (q.value - 32) * 5 / 9
        return Quantity(f"{q.text}°F", value, "°c", TEMPERATURE_TOLERANCE, q.context)
    if q.unit == "degree":
        return Quantity(f"{q.text} degrees", q.value, "°c", q.tolerance, q.context)
    if q.unit not in _CONVERSIONS:
        return q
    unit, factor = _CONVERSIONS[q.unit]
    if unit == "°c":
        return Quantity(f"{q.text}°C", q.value, unit, q.tolerance, q.context)
    if factor == 1.0:
        return Quantity(q.text, q.value, unit, q.tolerance, q.context)
    value = q.value * factor
    return Quantity(written, value, unit, value * CONVERSION_TOLERANCE, q.context)


def written_in_another_unit(q: Quantity) -> bool:
    """Whether `q` was converted from the unit its text ends with ("75 mph")."""
    last = q.text.rsplit(" ", 1)[-1]
    unit = last.removesuffix("s") if last.endswith("s") and len(last) > 4 else last
    if q.text.endswith(("°F", "°C")):
        return True
    return last != q.unit and (unit in _CONVERSIONS or unit in _FAHRENHEIT or last == "degrees")


# How many times over: "doubled", "twice", "threefold", "3x", "four times as many"; and the
# quarter of a year: "Q1" is "the first quarter".
_FACTOR = re.compile(
    r"\b(?:(?P<verb>doubled|doubles|doubling|tripled|triples|tripling|quadrupled|quadruples|"
    r"halved|halves)|(?P<fold>\w+)[\s-]?fold|(?P<x>\d+(?:\.\d+)?)x(?=[\s,.!?;]|$)|(?P<twice>twice)|"
    r"(?P<times>two|three|four|five|ten|\d+) times(?= (?:as|more|higher|bigger|larger|the|over|"
    r"what|that)\b))"
)
_FACTOR_HINT = re.compile(r"doubl|tripl|quadrupl|halv|fold\b|twice|quarter")
_FACTOR_VERBS = {"doub": 2.0, "trip": 3.0, "quad": 4.0, "halv": 0.5}
_QUARTER = re.compile(r"\b(?:q([1-4])|(first|second|third|fourth) quarter)\b")
_QUARTERS = {"first": 1, "second": 2, "third": 3, "fourth": 4}


def _factors_and_quarters(text: str) -> tuple[list[Quantity], str]:
    """The factors and quarters of `text` (unit "times", "quarter"), and the text without
    them."""
    found: list[Quantity] = []
    if (
        "x" in text
        or "fold" in text
        or "twice" in text
        or "times" in text
        or "dou" in text
        or "trip" in text
        or "quad" in text
        or "halv" in text
    ):
        for match in _FACTOR.finditer(text):
            if match["verb"]:
                value: float | None = _FACTOR_VERBS[match["verb"][:4]]
            elif match["twice"]:
                value = 2.0
            else:
                value = _value(match["fold"] or match["x"] or match["times"])
            if value is not None:
                found.append(Quantity(match.group(0), value, "times"))
        text = _FACTOR.sub(" ", text)
    if "q" in text or "quarter" in text:
        for match in _QUARTER.finditer(text):
            number = int(match[1]) if match[1] else _QUARTERS[match[2]]
            found.append(Quantity(match.group(0), float(number), "quarter"))
        text = _QUARTER.sub(" ", text)
    return found, text


# "half a million" is 500,000, not a share; "a quarter of a billion", "three quarters of a
# million" too; "1.5 thousand million" is the British way to write 1.5 billion.
_SCALED_SHARE = re.compile(
    r"\b(?:(half|a quarter|quarter|three quarters)(?: of)? an?|(\d+(?:\.\d+)?|a|one) thousand)"
    r" (million|billion|trillion|mn|bn)\b"
)
_BIGGER = {"million": "billion", "mn": "billion", "billion": "trillion", "bn": "trillion"}


def _scaled_share(text: str) -> str:
    """ "half a million" → "0.5 million", "1.5 thousand million" → "1.5 billion"."""
    if "thousand" not in text and "half" not in text and "quarter" not in text:
        return text

    def value(match: re.Match[str]) -> str:
        share, count, scale = match.groups()
        if share is not None:
            return f"{_POINT_SHARES[share]:g} {scale}"
        if scale not in _BIGGER:
            return match[0]
        return f"{1 if count in ('a', 'one') else count} {_BIGGER[scale]}"

    return _SCALED_SHARE.sub(value, text)


_AND_A_FRACTION = re.compile(
    r"\b(\d+|" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r") and (a half|a quarter|"
    r"three quarters)\b"
)
_AND_SHARES = {"a half": 0.5, "a quarter": 0.25, "three quarters": 0.75}


def _and_a_fraction(text: str) -> str:
    """ "five and a quarter" → "5.25": the fraction belongs to the number, not a share."""
    if " and " not in text:
        return text

    def value(match: re.Match[str]) -> str:
        whole = _value(match[1]) or 0.0
        return f"{whole + _AND_SHARES[match[2]]:g}"

    return _AND_A_FRACTION.sub(value, text)


_DIGIT_WORD = r"(?:zero|one|two|three|four|five|six|seven|eight|nine|\d)"
_SPOKEN_POINT = re.compile(
    r"\b(\d+|"
    + "|".join(sorted(_UNITS, key=len, reverse=True))
    + rf") point ((?:{_DIGIT_WORD} ?)+)\b"
)


def _spoken_point(text: str) -> str:
    """ "two point three million" → "2.3 million": a decimal said as it is read aloud."""
    if " point " not in text:
        return text

    def value(match: re.Match[str]) -> str:
        if match[1] == "one" and text[: match.start()].endswith("at "):
            return match[0]  # "at one point seven people …": the idiom, then a count
        whole = _value(match[1])
        digits = "".join(str(_UNITS.get(d, d)) for d in match[2].split())
        return f"{whole:g}.{digits}" if whole is not None else match[0]

    return _SPOKEN_POINT.sub(value, text)


# A season or financial year: "2026-27", "26/27" and "2026/27" are the one that starts in 2026.
_SEASON = re.compile(r"\b(?:20)?(\d\d)[/-](\d\d)\b(?![/-]\d)")


def _season(text: str) -> str:
    if "/" not in text and "-" not in text:
        return text

    def start(match: re.Match[str]) -> str:
        first, second = int(match[1]), int(match[2])
        short = not match[0].startswith("20") or len(match[0]) == 5
        if second != (first + 1) % 100 or (short and "/" not in match[0]):
            return match[0]  # a score ("12-13") or a date, not a season
        return f"20{match[1]}"

    return _SEASON.sub(start, text)


def _as_days(q: Quantity) -> Quantity:
    """A span of weeks, months or years counted in days, so that spans compare; a year such
    as 2024 (four digits after no unit) is not a span."""
    if q.unit not in _DAYS or q.unit == "day":
        return q
    days = q.value * _DAYS[q.unit]
    written = f"{q.text} {q.unit}" + ("s" if q.value != 1 else "")
    return Quantity(written, days, "day", tolerance=days * DURATION_TOLERANCE, context=q.context)


def _one_in(normalised: str) -> list[Quantity]:
    found = []
    for match in _matches(_ONE_IN, normalised):
        part, whole = (_value(w) for w in match.groups())
        if part and whole:
            share = 100 * part / whole
            found.append(Quantity(match.group(0), share, "%", tolerance=FRACTION_TOLERANCE))
    return found


def _unit(word: str) -> str:
    """The word a number counts, singular; a currency by one name; a stop word counts nothing."""
    if word in _CURRENCY_WORDS:
        return _CURRENCY_WORDS[word]
    if word in SPAN_ABBREVIATIONS:
        return SPAN_ABBREVIATIONS[word]
    if word in ("percent", "pct", "pc"):
        return "%"
    return "" if word in _NOT_UNITS else _singular(word)


SPAN_ABBREVIATIONS = {
    "yr": "year", "yrs": "year", "y/o": "year", "mo": "month", "mos": "month", "mth": "month",
    "mths": "month", "wk": "week", "wks": "week",
}  # fmt: skip
_NOT_UNITS = word_set(
    "and or to in of on at by for from the a an with as than after before since over under"
)


def _money(normalised: str) -> list[Quantity]:
    found = []
    for match in _matches(_MONEY, normalised):
        sign, digits, scale = match.groups()
        value = _value(digits)
        if value is None:
            continue
        value *= _MONEY_SCALES.get((scale or "").casefold(), 1)
        found.append(Quantity(text=match.group(0).strip(), value=value, unit=_CURRENCIES[sign]))
    return found


def _points(normalised: str) -> list[Quantity]:
    found = []
    for match in _matches(_POINTS, normalised):
        if match["share"]:
            value = _POINT_SHARES[match["share"]]
        else:
            value = float(match["number"])
            if not match["kind"].startswith("percentage"):
                value /= 100  # basis points
        found.append(Quantity(text=match.group(0), value=value, unit="point"))
    return found


def _fractions(normalised: str) -> list[Quantity]:
    found = []
    for match in _matches(_FRACTION, normalised):
        count, counted, of_part, bare = match.groups()
        part = counted or of_part or bare
        share = _FRACTIONS[part]
        if part in ("thirds", "quarters") and count in ("two", "three"):
            share = _FRACTIONS[part.rstrip("s")] * _UNITS[count]
        text = match.group(0).strip()
        found.append(Quantity(text, share, "%", tolerance=FRACTION_TOLERANCE))
    return found


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def number_values(normalised: str) -> frozenset[float]:
    """The set of values mentioned, ignoring years and units (for quick agreement checks)."""
    return frozenset(q.value for q in quantities(normalised, forms=False))
