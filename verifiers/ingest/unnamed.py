"""Unnamed sourcing, responses and admitted uncertainty in news prose.

"Citing two people briefed on…", "a Western official familiar with the matter said", "the
sources told", "reportedly", "spoke on condition of anonymity" name nobody on the record; "did
not respond to requests for comment" and "denied" are responses, never claims; "it remains
unclear whether X" is the article's own doubt. Every pattern is bounded (linear time).
"""

from __future__ import annotations

import re

from verifiers.ingest.claimtext import LOWER_START, tidy_phrase

SPEECH = (
    r"said|says|told|tells|asked|asks|added|adds|replied|replies|wrote|writes|noted|notes"
    r"|stated|states|announced|announces|explained|insisted|claimed|claims|warned|warns"
    r"|argued|tweeted|posted|declared|confirmed|confirms|estimated|predicted|promised"
    r"|admitted|admits|acknowledged|conceded|found|argues|insists|explains|believes"
    r"|points\s+out|pointed\s+out"
)
# Verbs that are also acts ("declared a state of emergency", "admitted fraud", "found the car"):
# speech only before "that" or a quotation, or after what was said ("…, the minister admitted").
ACT_VERBS = frozenset(
    {"declared", "admitted", "admits", "acknowledged", "conceded", "found", "promised"}
)
_WORD = r"[\w'’.&-]+"
RESPONSE = re.compile(
    r"\b(?:did\s+not|didn't|has\s+not|have\s+not|had\s+not|hasn't|haven't|hadn't)\s+"
    r"(?:immediately\s+)?(?:respond|responded|reply|replied|return|returned)\w*"
    r"|\bdeclined\s+to\s+(?:comment|be\s+interviewed|elaborate)"
    r"|\b(?:respond|responded|reply|replied)\s+to\s+(?:\w+\s+)?requests?\s+for\s+comment"
    r"|\bcould\s+not\s+(?:immediately\s+)?be\s+reached"
    r"|\b(?:denied|denies|has\s+denied|rejected\s+the\s+report|dismissed\s+the\s+report)\b",
    re.IGNORECASE,
)
_PEOPLE = r"(?:people|persons|person|sources?|officials?|individuals?|diplomats?|aides?|insiders?)"
_ANONYMOUS = (
    re.compile(rf"\bciting\s+(?P<by>(?:{_WORD}\s+){{0,3}}?{_PEOPLE}\b[^,.;]{{0,80}})", re.I),
    re.compile(
        rf"\baccording\s+to\s+(?P<by>(?:the\s+|two\s+|three\s+|several\s+|some\s+|unnamed\s+|an?\s+)"
        rf"(?:{_WORD}\s+){{0,2}}?{_PEOPLE}\b[^,.;]{{0,80}})",
        re.I,
    ),
    re.compile(
        rf"(?:^|[,;]\s+|\bwhile\s+)(?P<by>(?:an?|one|two|three|four|several|some|multiple|"
        rf"unnamed|anonymous)\s+(?:{_WORD}\s+){{0,3}}?{_PEOPLE}\b[^;\"“]{{0,120}}?)"
        rf",?\s+(?:{SPEECH})\b",
        re.I,
    ),
    re.compile(rf"\b(?P<by>the\s+{_PEOPLE})\s*,?\s+(?:{SPEECH})\b", re.I),
    re.compile(
        rf"\b(?P<by>{_PEOPLE}\s+(?:briefed\s+on|familiar\s+with|close\s+to|with\s+knowledge\s+of"
        rf"|knowledgeable\s+about)\b[^,.;]{{0,60}})",
        re.I,
    ),
    re.compile(
        r"\b(?:spoke\s+on\s+(?:the\s+)?condition\s+of\s+anonymity|speaking\s+anonymously"
        r"|asked\s+not\s+to\s+be\s+(?:named|identified)|not\s+authori[sz]ed\s+to\s+(?:speak|brief))",
        re.I,
    ),
    re.compile(
        r"\b(?:reportedly|allegedly|is\s+said\s+to|are\s+said\s+to|was\s+said\s+to)\b", re.I
    ),
)
UNCLEAR = re.compile(
    r"\bit\s+(?:remains|is|was)\s+(?:still\s+)?(?:unclear|not\s+clear|not\s+known|unknown)"
    r"\s+(?:whether|if)\s+(?P<x>[^,;:]{12,300})",
    re.IGNORECASE,
)
_NUMBERS = frozenset(["two", "three", "four", "five", "six", "several"])


def unnamed_source(sentence: str, last_by: str | None, last_unnamed: str | None) -> str | None:
    """Who the unnamed sourcing is ("two people briefed on the call"), or None if named.
    `last_by` is the previous statement's source, `last_unnamed` the same if it was unnamed."""
    for pattern in _ANONYMOUS:
        match = pattern.search(sentence)
        if match is None:
            continue
        by = match.groupdict().get("by")
        if by:
            by = sourced_by(by)
            if by.lower().startswith("the ") and last_by:
                return last_by  # "the sources told…": the ones named before
            return by
        return last_unnamed or "unnamed sources"
    return None


def sourced_by(phrase: str) -> str:
    """ "A senior official at the agency, who spoke…" → "a senior official at the agency"."""
    phrase = tidy_phrase(phrase.split(",", 1)[0])
    words = phrase.split(" ")
    if len(words) > 2 and words[0].lower() == "the" and words[1].lower() in _NUMBERS:
        phrase = " ".join(words[1:])  # "the two individuals…" → "two individuals…"
    first = phrase.split(" ", 1)[0]
    lower = first.lower() in LOWER_START or first.lower() in _NUMBERS or first in ("A", "An")
    return phrase[:1].lower() + phrase[1:] if lower else phrase
