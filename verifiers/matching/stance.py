"""Stance: does a message agree with the claim it matched, or contradict it?

A negated or altered claim is still about the same fact-check, so retrieval keeps matching
it; this module only says which way the message leans, with a short reason a user can check:
- a changed number or date ("30 days" where the claim says "50 days", "July 5" for "July 4");
- a changed name ("hit Kyiv" where the claim says "hit Moscow");
- negation that the claim does not have, or the reverse ("did not ask" / "asked").
Rules, not a model: each fires only on evidence it can quote back.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

from verifiers.domain.models import Claim, Stance
from verifiers.text.names import (
    ABBREVIATED,
    COMMON_STARTS,
    DESCRIPTIONS,
    TITLES,
    covered,
    same_spelling,
)
from verifiers.text.normalize import clean
from verifiers.text.numbers import (
    MONTHS,
    SPAN_ABBREVIATIONS,
    WEEKDAYS,
    Quantity,
    quantities,
    written_in_another_unit,
)
from verifiers.text.segment import DENIAL, IS_DENIED
from verifiers.text.tokens import STOPWORDS, stem, word_set
from verifiers.text.verbs import base_form

MAX_TOKENS = 120  # alignment is quadratic in the worst case; segments are short anyway

_WORDS = re.compile(r"\d+(?:[.,]\d+)*(?:st|nd|rd|th)?|[^\W_]+(?:'[^\W_]+)?")
_NEGATORS = word_set(
    """
    not no never nobody nothing none neither nor cannot can't won't don't doesn't didn't isn't
    without
    aren't wasn't weren't hasn't haven't hadn't shouldn't wouldn't couldn't mustn't
    false fake untrue hoax debunked myth lie lies denied denies
    cant wont dont doesnt didnt isnt arent wasnt werent hasnt havent hadnt shouldnt wouldnt
    couldnt did'nt does'nt was'nt is'nt
    """
)
# A negation inside a condition ("if he doesn't release", "if there is no deal") states no
# denial: it says when something happens, as "unless" does without a negation.
_CONDITIONS = word_set("if whether unless")
CONDITION_REACH = 4
_LEXICAL_NEGATORS = word_set("false fake untrue hoax debunked myth lie lies denied denies deny")
# Adjectives that deny only when said of the statement, not of a noun after them.
_ATTRIBUTIVE = word_set("false fake untrue")
# "not only X but also Y" and "no doubt" are not denials of the claim.
_NOT_NEGATION_AFTER = {"not": word_set("only just merely"), "no": word_set("doubt wait")}
NEGATION_REACH = 3  # a negation applies to the next few words
NEGATION_WINDOW = 5  # … among this many words, fillers left out
# Words that add only emphasis to a denial: "didn't drop at all in Q1 2025" bears on 2025.
_FILLERS = word_set("at all even ever actually really any anything whatsoever")
MAX_SPAN = 10  # longest replaced stretch of words considered for a changed name
MIN_NAME_ALIGNMENT = 0.3  # share of words aligned between message and claim (difflib ratio)
_NAME_EXCLUDE = word_set("i the a an it this that he she they we you my our his her their")


@dataclass(frozen=True, slots=True)
class _Word:
    text: str
    fold: str
    name_like: bool


# In a message written all in lower case, words that are never names on their own.
_COMMON = (
    DESCRIPTIONS
    | TITLES
    | word_set(
        """
    hit hits cut cuts put puts got get gets set sets won win wins lost lose beat beats made make
    said says told tells took take gave give went go came come saw see new old big small last
    first next year years month months week weeks day days time people thing things
    euro euros dollar dollars pound pounds quid bucks yen rupee rupees
    """
    )
    | set(SPAN_ABBREVIATIONS)
)


def _words(text: str) -> list[_Word]:
    raw = _WORDS.findall(clean(text))[:MAX_TOKENS]
    # A message written all in lower case names people in lower case too.
    lowercase = not any(ch.isupper() for ch in text)
    out: list[_Word] = []
    for i, w in enumerate(raw):
        fold = w.casefold().replace("\u2019", "'")
        fold = ABBREVIATED.get(fold, fold)  # "Utd", "Xmas", "Lincs": the word they shorten
        sentence_start = i == 0
        # A capital at the start of a sentence proves little ("Photos show…"): there a common
        # sentence opener is no name.
        name_like = (
            (w[:1].isupper() or (lowercase and fold not in STOPWORDS and fold not in _COMMON))
            and not w.isdigit()
            and fold not in _NAME_EXCLUDE
            and fold not in MONTHS
            and fold not in WEEKDAYS
            and (not sentence_start or fold not in COMMON_STARTS or (len(w) > 1 and w.isupper()))
            # A sentence's first word is capitalised anyway: a verb there ("Taking …") is none.
            and not (sentence_start and fold.endswith(("ing", "ed")) and not w.isupper())
            and not (fold in ("c", "f") and i > 0 and raw[i - 1][:1].isdigit())  # "40°C"
        )
        out.append(_Word(w, fold, name_like))
    return out


def _key(fold: str) -> str:
    """Words agree if their stems share five letters ("announce"/"announced", "fool"/"fooled");
    an irregular past meets its base form ("fell"/"fall"), and a short verb its past ("raise"/
    "raised", "ban"/"banned"): the stemmer keeps the one's final "e" and the other's doubled
    consonant."""
    key = stem(base_form(fold))
    doubled = key[-1:] in _DOUBLED and key[-1:] == key[-2:-1]
    if len(key) > 3 and (key.endswith("e") or doubled):
        key = key[:-1]
    return key[:5]


_DOUBLED = frozenset("bdgmnprt")  # "banned", "stopped", "planned"; not "sell", "pass"


def _negations(words: list[_Word], other: list[_Word]) -> list[int]:
    """Negations that bear on what the other text says: one of the next few content words is
    also in the other text. "not encouraging killing" in a claim does not make a message that
    never mentions killing a contradiction."""
    other_keys = {_key(w.fold) for w in other if w.fold not in STOPWORDS}
    return [
        i
        for i in _negators(words)
        if _reach_keys(words, i) & other_keys and _denies_the_act(words, i, other_keys)
    ]


def _denies_the_act(words: list[_Word], i: int, other_keys: set[str]) -> bool:
    """ "failed to double", "decided against raising" and "without hitting" deny only the act
    right after them: that verb must be the other text's ("without dropping a set" denies no
    "straight sets"); a plain negator needs no more."""
    fold = words[i].fold
    if fold in _FAILED:
        at = i + 2
    elif fold == "without":
        # An act: "without hitting it"; "without power" names a state, as "cutting power" does.
        at = i + 1
        if at < len(words) and not words[at].fold.endswith("ing"):
            return False
    elif (fold, _next(words, i)) in _FRAMES:
        at = i + 2 + (_next(words, i + 1) in ("on", "of"))
    else:
        return True
    return at < len(words) and _key(words[at].fold) in other_keys


def _next(words: list[_Word], i: int) -> str:
    return words[i + 1].fold if i + 1 < len(words) else ""


# Two-word frames that deny the act after them: "decided against raising", "held off on
# cutting", "stopped short of banning", "ruled out hiking".
_FRAMES = frozenset(
    (verb, particle)
    for verbs, particle in (
        ("decided decides opted opts chose chooses", "against"),
        ("held holds", "off"),
        ("stopped stops", "short"),
        ("ruled rules", "out"),
    )
    for verb in verbs.split()
)


# "failed to double", "refused to sign": the act did not happen.
_FAILED = word_set("failed fails fail refused refuses refuse declined declines")


def _negators(words: list[_Word]) -> list[int]:
    """Where `words` deny what follows (a negator, or "failed to"), conditions and "not only"
    left out."""
    found: list[int] = []
    for i, w in enumerate(words):
        fold = w.fold
        if fold.endswith("n't"):
            fold = "not"
        nxt = words[i + 1].fold if i + 1 < len(words) else ""
        failed = fold in _FAILED and nxt == "to" and i + 2 < len(words)
        failed = failed or (fold, nxt) in _FRAMES
        if fold not in _NEGATORS and fold != "not" and not failed:
            continue
        if nxt in _NOT_NEGATION_AFTER.get(fold, frozenset()) or _not_the_only(words, i):
            continue
        if any(x.fold in _CONDITIONS for x in words[max(0, i - CONDITION_REACH) : i]):
            continue
        if fold in _ATTRIBUTIVE and nxt and nxt not in STOPWORDS:
            continue  # "340 fake tickets" describes the tickets; "it's fake" denies
        found.append(i)
    return found


def _not_the_only(words: list[_Word], i: int) -> bool:
    """ "not the only one", "not the first time it …" say the thing did happen (and more)."""
    return words[i].fold == "not" and [w.fold for w in words[i + 1 : i + 3]] == ["the", "only"]


def _reach_keys(words: list[_Word], i: int) -> set[str]:
    """The keys of the next few content words after a negator at `i`: what it denies
    ("never got anywhere near 411 seats": 411 counts)."""
    after = [x for x in words[i + 1 : i + 1 + 2 * NEGATION_WINDOW] if x.fold not in _FILLERS]
    reach = [x for x in after[:NEGATION_WINDOW] if x.fold not in STOPWORDS][:NEGATION_REACH]
    return {_key(x.fold) for x in _qualified(words, i, reach)}


_CONTRAST = word_set("but yet though although except")


def _qualified(words: list[_Word], i: int, reach: list[_Word]) -> list[_Word]:
    """What a negation bears on. One that qualifies what the text has just said ("fooled
    Clinton … but didn't fool me", "but he never fooled Trump") bears only on what it adds
    (me, Trump), not on the verb said before: a text that leaves the qualifier out does not
    deny it, and one that names Trump among the fooled does."""
    if not any(x.fold in _CONTRAST for x in words[max(0, i - 3) : i]):
        return reach
    before = {_key(x.fold) for x in words[:i] if x.fold not in STOPWORDS}
    return [x for x in reach if _key(x.fold) not in before]


def _snippet(words: list[_Word], i: int) -> str:
    return " ".join(w.text for w in words[i : i + 3])


def _dates(words: list[_Word]) -> dict[int, tuple[int, str]]:
    """Month → (day, "Month D") for each month named with a day next to it ("July 4", "4 July",
    "Sept. 18th")."""
    out: dict[int, tuple[int, str]] = {}
    for i, w in enumerate(words):
        month = MONTHS.get(w.fold)
        if month is None or len(w.fold) < 3:
            continue
        for j in (i + 1, i - 1):
            if 0 <= j < len(words) and words[j].fold.rstrip("stndrh").isdigit():
                day = int(words[j].fold.rstrip("stndrh"))
                if 1 <= day <= 31:
                    out[month] = (day, f"{w.text} {day}")
                    break
    return out


_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
# A day of the month is a date, compared by `_date_clash`: "28 March" is no count of 28.
_DAY_OF_MONTH = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?(?: of)? (?:{_MONTH_NAMES})|"
    rf"(?:{_MONTH_NAMES}) \d{{1,2}}(?:st|nd|rd|th)?)\b(?!\d)"
)


def _without_days(text: str) -> str:
    """The text with each day of the month dropped and its month kept."""

    def month_only(match: re.Match[str]) -> str:
        written = match.group(0).split()
        return written[-1] if written[0][:1].isdigit() else written[0]

    return _DAY_OF_MONTH.sub(month_only, text)


# A vote or a score: "12-3", "by 9 votes to 6", "2–1" (not a season such as "2025-26").
_TALLY = re.compile(r"(?<![\d/.,-])(\d{1,3})\s*(?:-|–|—|votes? to)\s*(\d{1,3})(?!\d|[/.,]\d|-\d)")
# What makes two numbers a tally rather than a range ("aged 18-24"): a vote or a match.
_TALLY_CUES = word_set(
    "vote votes voted voting beat beats beaten won win wins lost lose loses defeated drew draw "
    "score scored scoreline victory defeat final majority by ruled ruling"
)
TALLY_CUE_REACH = 4  # words before a tally that may say it is one


def _tallies(text: str) -> set[tuple[int, int]]:
    """The tallies of a text, each as (larger, smaller): "6-3" and "3-6" are one result."""
    found = set()
    for match in _TALLY.finditer(text):
        a, b = int(match[1]), int(match[2])
        if "to" not in match[0] and len(match[1]) == 2 and b == a + 1:
            continue  # "25-26": a season
        before = text[: match.start()].split()[-TALLY_CUE_REACH:]
        if "to" not in match[0] and not _TALLY_CUES & {w.strip(",.;:") for w in before}:
            continue
        found.add((max(a, b), min(a, b)))
    return found


def _tally_clash(message: str, claim: str) -> str | None:
    """Another vote or score: "voted 12-3" where the claim says "by 9 votes to 6"."""
    said, held = _tallies(message.casefold()), _tallies(claim.casefold())
    if not said or not held or said & held:
        return None
    (a, b), (c, d) = sorted(said)[0], sorted(held)[0]
    return f"your message says {a}-{b}; the claim says {c}-{d}"


_FROM_TO = re.compile(r"\bfrom\s+(\S+)\s+to\s+(\S+)")
_ENDPOINT = re.compile(r"\b(from|to)\s+(\S+)")


def _change_ends(claim: str) -> tuple[Quantity, Quantity] | None:
    """Where a change in the claim starts and ends: 4.75% and 4.5% in "cut from 4.75% to
    4.5%"."""
    held = _FROM_TO.search(claim.casefold())
    if held is None:
        return None
    start, end = quantities(held[1]), quantities(held[2])
    return (start[0], end[0]) if start and end else None


def _change_clash(message: str, claim: str, ends: tuple[Quantity, Quantity] | None) -> str | None:
    """A change's end point moved or swapped: "rose to 3%" or "from 4%" for "rose from 3% to
    5%" (the other checks take a number the claim has anywhere as agreeing)."""
    if ends is None:
        return None
    for said in _ENDPOINT.finditer(message.casefold()):
        value = quantities(said[2])
        own = ends[0] if said[1] == "from" else ends[1]
        if value and value[0].unit == own.unit and not value[0].same_value(own):
            told, held_end = f"{said[1]} {_show(value[0])}", f"{said[1]} {_show(own)}"
            return f"your message says {told}; the claim says {held_end}"
    return None


# "above 40°C", "more than 2 million": a bound, which a figure past it meets.
_ABOVE = re.compile(
    r"\b(?:above|over|more than|passed|past|exceeding|exceeded|topped|at least)\s+$"
)
_BELOW = re.compile(r"\b(?:below|under|less than|fewer than|at most)\s+$")


def _bound_met(
    q: Quantity, claim: str, message: str, said: list[Quantity], held: list[Quantity]
) -> bool:
    """Whether the claim's figure `q` and the message's in its unit are one a bound of the
    other, the figure past the bound: "above 40°C … 40.3°C" is met by "40.3C", and its
    "40.3°C" by "went above 40°C" (a bound the claim gives too: "passed 10 million" is no
    bound of a claim's 100 million)."""
    alike = [s for s in said if s.unit == q.unit]
    direction = _bound(q, claim)
    if direction and any((s.value - q.value) * direction > 0 for s in alike):
        return True
    # The message speaks of the claim's bound ("never recorded 40°C" of "above 40°C … 40.3°C").
    bounds = [h for h in held if h.unit == q.unit and h is not q and _bound(h, claim)]
    if alike and all(any(h.same_value(s) for h in bounds) for s in alike):
        return True
    return any(
        (q.value - s.value) * bound > 0 and any(h.same_value(s) for h in held)
        for s in alike
        if (bound := _bound(s, message))
    )


def _bound(q: Quantity, text: str) -> int:
    """1 if `q` is a lower bound in `text` ("above 40°C"), -1 an upper one, else 0."""
    lowered = text.casefold()
    at = lowered.find(q.text.casefold().split("°")[0])
    if at < 0:
        return 0
    before = lowered[max(0, at - 15) : at]
    return 1 if _ABOVE.search(before) else -1 if _BELOW.search(before) else 0


def _number_clash(message: str, claim: str) -> str | None:
    ends = _change_ends(claim)
    tally = _tally_clash(message, claim) or _change_clash(message, claim, ends)
    if tally is not None:
        return tally
    said = quantities(_without_days(message.casefold()))
    held = quantities(_without_days(claim.casefold()))
    if not said or not held:
        return None
    # A change's start may be left out: "cut to 4.5%" for "cut from 4.75% to 4.5%".
    held = [q for q in held if ends is None or not q.same_value(ends[0])]
    for q in held:
        if _bound_met(q, claim, message, said, held):
            continue
        same_unit = [s for s in said if s.unit == q.unit and q.unit]
        if same_unit and not any(q.same_value(s) for s in said):
            return f"your message says {_show(same_unit[0])}; the claim says {_show(q)}"
    # A lone count on each side, differing, is a clash even when units are phrased differently.
    counts_said = [s for s in said if not _looks_like_year(s)]
    counts_held = [h for h in held if not _looks_like_year(h)]
    shared = any(h.same_value(s) for h in counts_held for s in counts_said)
    if len(counts_said) == 1 and len(counts_held) == 1 and not shared:
        return f"your message says {_show(counts_said[0])}; the claim says {_show(counts_held[0])}"
    # A count of the same thing, told by the words after it ("10 straight rate rises" for
    # "14 consecutive rises", "Twelve of Ashcombe's 14 schools" for "Nine of …").
    for q in counts_held:
        if _bound_met(q, claim, message, said, held):
            continue
        alike = [s for s in counts_said if set(s.context) & set(q.context)]
        if alike and not any(q.same_value(s) for s in counts_said):
            return f"your message says {_show(alike[0])}; the claim says {_show(q)}"
    year_clash = _year_clash(message.casefold(), claim.casefold())
    if year_clash is not None:
        return year_clash
    years_said = {s.value for s in said if _looks_like_year(s)}
    years_held = {h.value for h in held if _looks_like_year(h)}
    if years_said and years_held and not years_said & years_held:
        return f"your message says {int(min(years_said))}; the claim says {int(min(years_held))}"
    return None


_YEAR_AFTER = re.compile(
    r"\b(since|in|of|until|by|from|before|after|during)\s+((?:18|19|20)\d\d)\b"
)


def _year_clash(message: str, claim: str) -> str | None:
    """A year after the same word ("since 2001" for "since 2011"), though others agree."""
    said = {(m[1], m[2]) for m in _YEAR_AFTER.finditer(message)}
    held = {(m[1], m[2]) for m in _YEAR_AFTER.finditer(claim)}
    for word, year in sorted(held):
        other = [y for w, y in said if w == word and y not in claim]
        if other and year not in message:
            return f"your message says {word} {other[0]}; the claim says {word} {year}"
    return None


def _looks_like_year(q: Quantity) -> bool:
    return q.text.isdigit() and len(q.text) == 4 and 1800 <= q.value <= 2100


_SPAN_WRITTEN = re.compile(r"(?:week|month|year|decade|fortnight)s?$")


def _show(q: Quantity) -> str:
    """ "30 days", "17 patriot", "2012" (a year is shown alone)."""
    if _looks_like_year(q) or not q.unit.isalpha() or q.unit == "point" or q.unit in q.text:
        return q.text  # a year, "€60m", "50 basis points", "a third", "three months"
    if q.unit == "day" and _SPAN_WRITTEN.search(q.text):
        return q.text  # a span counted in days keeps its own words: "17 years"
    if q.text[:1] in "$€£¥" or written_in_another_unit(q) or q.unit in ("times", "quarter"):
        return q.text
    return f"{q.text} {q.unit}s" if q.value != 1 else f"{q.text} {q.unit}"


def _date_clash(said: list[_Word], held: list[_Word]) -> str | None:
    said_dates, held_dates = _dates(said), _dates(held)
    for month, (day, text) in held_dates.items():
        if month in said_dates and said_dates[month][0] != day:
            return f"your message says {said_dates[month][1]}; the claim says {text}"
    if said_dates and held_dates and not said_dates.keys() & held_dates.keys():
        shown_said = next(iter(said_dates.values()))[1]
        shown_held = next(iter(held_dates.values()))[1]
        return f"your message says {shown_said}; the claim says {shown_held}"
    # A month named without its day ("in January 2024") against the claim's month.
    said_months, held_months = _months(said), _months(held)
    if said_months and held_months and not said_months.keys() & held_months.keys():
        return (
            f"your message says {next(iter(said_months.values()))}; "
            f"the claim says {next(iter(held_months.values()))}"
        )
    return None


_MONTH_CUES = word_set("in since by until from early late mid last this next of on")


def _months(words: list[_Word]) -> dict[int, str]:
    """The months a text names as dates: next to a number or after "in", "since", "last"…
    ("May" the verb and "march" the walk are not)."""
    out: dict[int, str] = {}
    for i, w in enumerate(words):
        month = MONTHS.get(w.fold)
        if month is None or len(w.fold) < 3:
            continue
        before = words[i - 1].fold if i else ""
        after = words[i + 1].fold if i + 1 < len(words) else ""
        if before in _MONTH_CUES or before[:1].isdigit() or after[:1].isdigit():
            out.setdefault(month, w.text)
    return out


def _absent(names: list[_Word], words: list[_Word]) -> list[_Word]:
    """The names that no word of `words` spells (nearly) the same."""
    return [n for n in names if not any(same_spelling(n.fold, w.fold) for w in words)]


def _abbreviates(a: list[_Word], b: list[_Word]) -> bool:
    """ "KKK" for "Ku Klux Klan", "US" for "U S" (from "U.S."), in either direction."""
    short = "".join(w.fold for w in a)
    return short == "".join(w.fold[0] for w in b) or short == "".join(w.fold for w in b)


def _name_clash(
    said: list[_Word], held: list[_Word], same_names: tuple[set[str], set[str]]
) -> str | None:
    """A name in the claim replaced by a different name in the same place of the message.
    `same_names`: the claim's and the message's words that spell one name two ways ("Man
    City" for "Manchester City", "DOJ" for "Department of Justice"): never a replacement."""
    in_claim, in_message = same_names
    matcher = difflib.SequenceMatcher(
        None, [w.fold for w in held], [w.fold for w in said], autojunk=False
    )
    # A paraphrase sharing few words ("crude to Beijing and New Delhi" for "oil to China and
    # India") has no reliable "same place": only a message worded like the claim is compared.
    if matcher.ratio() < MIN_NAME_ALIGNMENT:
        return None
    held_common = {_key(w.fold) for w in held if not w.name_like and w.fold not in STOPWORDS}
    for op, h1, h2, s1, s2 in matcher.get_opcodes():
        if op != "replace" or h2 - h1 > MAX_SPAN or s2 - s1 > MAX_SPAN:
            continue
        old = _absent(
            [
                w
                for n, w in enumerate(held[h1:h2], h1)
                if w.name_like and w.fold not in in_claim and not _describes(held, n)
            ],
            said,
        )
        new = _absent(
            [
                w
                for n, w in enumerate(said[s1:s2], s1)
                if w.name_like
                and w.fold not in in_message
                and _key(w.fold) not in held_common  # "reply" where the claim says "replied"
                and _stem_of(w) not in DESCRIPTIONS
                and not _describes(said, n)
                and not _attributive(said, n, held)
            ],
            held,
        )
        if old and new and not _abbreviates(new, old) and not _abbreviates(old, new):
            old_text = " ".join(w.text for w in old)
            new_text = " ".join(w.text for w in new)
            return f"your message says {new_text}; the claim says {old_text}"
    return None


DESCRIBED_REACH = 3  # words between a possessive and the description it anchors


def _describes(words: list[_Word], n: int) -> bool:
    """Whether the name at `n` only anchors a description ("Starmer's party", "Brazil's top
    electoral court", "OpenAI's chatbot"): what it refers to may have a name of its own."""
    if not words[n].fold.endswith(("'s", "’s")):
        return False
    return any(_stem_of(w) in DESCRIPTIONS for w in words[n + 1 : n + 1 + DESCRIBED_REACH])


# Nouns of one person's or one body's role that a name before them turns into a description
# of it ("the ChatGPT maker", "the Russian president"); not a group the name picks out
# ("Labour voters", "Arsenal fans"), which is content of the claim.
_ROLE_NOUNS = TITLES | word_set(
    "boss maker makers owner owners founder giant firm company government administration"
)


def _attributive(words: list[_Word], n: int, other: list[_Word]) -> bool:
    """Whether the name at `n` only describes whoever the next word names ("the Russian
    president", "the Tesla boss", "the ChatGPT maker"): another way to refer to one of the
    other text's people or bodies, unless the other text gives that role too ("the Labour
    government" for "the Conservative government") or describes its own party by a name of its
    own ("German Chancellor Olaf Scholz")."""
    if n + 1 >= len(words) or _stem_of(words[n + 1]) not in _ROLE_NOUNS:
        return False
    role = _stem_of(words[n + 1])
    if any(_stem_of(w) == role for w in other):
        return False
    return not any(w.name_like and _stem_of(nxt) in TITLES for w, nxt in pairwise(other))


def _stem_of(word: _Word) -> str:
    """ "town's" → "town": a description in the possessive is still a description."""
    return word.fold.removesuffix("'s").removesuffix("’s")


def _negated(words: list[_Word], hits: list[int]) -> bool:
    """Whether the negations leave the statement negated. Only a negator followed closely by a
    word that itself denies ("not untrue", "didn't deny") cancels out; "no, Ukraine cannot hit
    Moscow" repeats one denial, it does not undo it."""
    cancelled: set[int] = set()
    for a, b in pairwise(hits):
        if a in cancelled or b - a > 2:
            continue
        if words[b].fold in _LEXICAL_NEGATORS and words[a].fold not in _LEXICAL_NEGATORS:
            cancelled |= {a, b}
    return any(i not in cancelled for i in hits)


def _negation_clash(said: list[_Word], held: list[_Word], segment: str = "") -> str | None:
    said_neg, held_neg = _unshared(said, held)
    tail = (_DENIAL_TAIL.search(segment) or _DENIED_FRAME.search(segment)) if segment else None
    said_negated = _negated(said, said_neg) or (tail is not None and not held_neg)
    if said_negated == _negated(held, held_neg):
        return None
    if said_neg:
        return f'your message negates it ("{_snippet(said, said_neg[0])}")'
    if tail is not None and said_negated:
        quoted = tail.group(0).strip(" ,.;!?=-–—").split()
        return f'your message denies it ("{" ".join(quoted[-4:])}")'
    return f'the claim is negative ("{_snippet(held, held_neg[0])}") and your message is not'


def _unshared(said: list[_Word], held: list[_Word]) -> tuple[list[int], list[int]]:
    """The negations of each text that bear on the other, less those both make of the same
    words: "No Harvard study proved they pose no risk" denies a claim that they "pose no risk"
    by its first "no", not its second."""
    said_neg, held_neg = _negations(said, held), _negations(held, said)
    said_reach = {i: _reach_keys(said, i) for i in said_neg}
    held_reach = {j: _reach_keys(held, j) for j in held_neg}
    shared_said = {i for i in said_neg if any(said_reach[i] & r for r in held_reach.values())}
    shared_held = {j for j in held_neg if any(held_reach[j] & r for r in said_reach.values())}
    return (
        [i for i in said_neg if i not in shared_said],
        [j for j in held_neg if j not in shared_held],
    )


# A closing clause that denies all that came before it: "…, it didn't happen", "… that's fake
# news", "… not true". A question ("is that fake?") asks; it does not deny.
_DENIAL_TAIL = re.compile(
    rf"(?:(?:[,.;!?\-–—]|\band\b)\s*{DENIAL}|=\s*(?:fake|false|lies?|a myth)[\s.!]*)$"
    # "X is fake, it was Microsoft", "X never happened, he was forced out": to a clause's end.
    rf"|(?:{IS_DENIED}|\b(?:never|did\s*n[o'’]?t|didnt)\s+happen(?:ed)?\b)(?=[\s]*(?:[,;.!]|$))",
    re.IGNORECASE,
)
# "The claim that X is false", "the story that X was made up": the frame denies X.
_DENIED_FRAME = re.compile(
    r"\b(?:claim|story|rumou?r|idea|notion|report|suggestion|allegation|narrative)s? that\b"
    r".{8,}?\b(?:is|was|are|were|has been|have been)\s+(?:completely |totally |simply |just )?"
    r"(?:false|fake|untrue|wrong|a lie|a myth|a hoax|nonsense|rubbish|debunked|not true|"
    r"baseless|made up)\b[\s.!]*$",
    re.IGNORECASE,
)


# Words that say the opposite of each other, by their `_key`: "upheld" for "struck down",
# "acquitted" for "convicted", "fell" for "rose", "kept open" for "closed".
_OPPOSITES = tuple(
    (frozenset(_key(w) for w in one.split()), frozenset(_key(w) for w in other.split()))
    for one, other in (
        ("upheld uphold upholds", "struck overturned overturn overturns quashed quash"),
        ("convicted guilty", "acquitted innocent"),
        ("rose rise rises risen increased increase increases grew grow grows",
         "fell fall falls fallen decreased decrease decreases dropped declined shrank"),
        ("raised raise raises hiked hike hikes", "froze freeze freezes frozen lowered"),
        ("opened opens reopened reopen", "closed close closes closing shut shuts"),
        ("approved approve approves", "rejected reject rejects vetoed veto vetoes"),
        ("allowed allow allows permitted legalised legalized", "banned ban bans prohibited"),
        ("best highest warmest hottest", "worst lowest coldest"),
        ("jailed imprisoned", "acquitted cleared"),
    )
)  # fmt: skip


def _opposite_clash(said: list[_Word], held: list[_Word]) -> str | None:
    """A word of the claim's replaced by its opposite ("upheld" where the claim says "struck
    down"), when neither text has both and the message does not negate its word."""
    said_keys = {_key(w.fold): n for n, w in reversed(list(enumerate(said)))}
    held_keys = {_key(w.fold): n for n, w in reversed(list(enumerate(held)))}
    for one, other in _OPPOSITES:
        for theirs, ours in ((one, other), (other, one)):
            in_claim = [held_keys[k] for k in theirs if k in held_keys]
            in_message = [said_keys[k] for k in ours if k in said_keys]
            if not in_claim or not in_message:
                continue
            if any(k in held_keys for k in ours) or any(k in said_keys for k in theirs):
                continue
            at = min(in_message)
            before = said[max(0, at - 2) : at]
            if any(w.fold in _NEGATORS or w.fold.endswith("n't") for w in before):
                continue
            return f"your message says {said[at].text}; the claim says {held[min(in_claim)].text}"
    return None


def contradiction(
    segment: str, claim: str, skip: frozenset[str] = frozenset()
) -> tuple[str, str] | None:
    """The first contradiction found, as (kind, reason): kind is "date", "number",
    "negation" or "name" (a kind in `skip` is not looked for); the reason quotes the
    evidence back."""
    said, held = _words(segment), _words(claim)
    rules: tuple[tuple[str, Callable[[], str | None]], ...] = (
        ("date", lambda: _date_clash(said, held)),
        ("number", lambda: _number_clash(segment, claim)),
        ("negation", lambda: _negation_clash(said, held, segment)),
        ("negation", lambda: _opposite_clash(said, held)),
        ("name", lambda: _name_clash(said, held, covered(claim, segment))),
    )
    for kind, rule in rules:  # a rule runs only when those before it found nothing
        if kind in skip:
            continue
        reason = rule()
        if reason is not None:
            return kind, reason
    return None


def judge_stance(segment: str, claim: Claim) -> tuple[Stance, str]:
    """AGREES unless there is quotable evidence of a contradiction; the reason names it."""
    found = contradiction(segment, claim.text)
    if found is None:
        return Stance.AGREES, ""
    return Stance.CONTRADICTS, found[1]
