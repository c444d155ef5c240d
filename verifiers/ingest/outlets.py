"""Recognise when an article credits another outlet's reporting ("reported the Financial Times").

A republication (an aggregator, a wire pickup) must credit the original reporting as its own
source. News prose names the original in a handful of ways: "reported the Financial Times",
"FT reported", "according to Reuters", a "GENEVA (Reuters) -" dateline, and later "the British
daily". Outlets are recognised from a short list of well-known names and abbreviations, or by
a capitalised name ending in a newspaper word ("… Times", "… Gazette"). Patterns are bounded
(no nested quantifiers), so matching is linear in the sentence length.
"""

from __future__ import annotations

import re

# Abbreviations and short forms mapped to the name credited in sources.
KNOWN_OUTLETS: dict[str, str] = {
    "FT": "Financial Times",
    "Financial Times": "Financial Times",
    "NYT": "The New York Times",
    "New York Times": "The New York Times",
    "WSJ": "The Wall Street Journal",
    "Wall Street Journal": "The Wall Street Journal",
    "Washington Post": "The Washington Post",
    "WaPo": "The Washington Post",
    "Reuters": "Reuters",
    "AP": "Associated Press",
    "Associated Press": "Associated Press",
    "AFP": "Agence France-Presse",
    "Agence France-Presse": "Agence France-Presse",
    "Bloomberg": "Bloomberg",
    "Bloomberg News": "Bloomberg",
    "BBC": "BBC",
    "CNN": "CNN",
    "Axios": "Axios",
    "Politico": "Politico",
    "Guardian": "The Guardian",
    "The Economist": "The Economist",
    "Al Jazeera": "Al Jazeera",
    "Le Monde": "Le Monde",
    "Der Spiegel": "Der Spiegel",
    "NPR": "NPR",
    "Sky News": "Sky News",
    "Semafor": "Semafor",
    "ProPublica": "ProPublica",
    "Kyiv Independent": "The Kyiv Independent",
    "TASS": "TASS",
    "Interfax": "Interfax",
    "Xinhua": "Xinhua",
    "Nikkei": "Nikkei",
}
_NEWSPAPER_WORDS = (
    "Times|Post|Journal|News|Herald|Gazette|Tribune|Daily|Telegraph|Chronicle|Examiner|Observer"
    "|Independent|Express|Mirror|Standard|Courier|Inquirer|Press|Wire|Agency|Dispatch|Sentinel"
)
_KNOWN = "|".join(re.escape(name) for name in sorted(KNOWN_OUTLETS, key=len, reverse=True))
_CAP = r"[A-Z][\w&'’-]*"
OUTLET = rf"(?:{_KNOWN}|(?:{_CAP}\s+){{0,3}}(?:{_NEWSPAPER_WORDS}))"
_CREDIT_VERB = r"reported|reports|has\s+reported|first\s+reported|revealed|wrote|said|cited"

_CREDITS = (
    re.compile(
        rf"\b(?:reported|reports|revealed|first\s+reported\s+by|reported\s+by|as\s+reported\s+by"
        rf"|according\s+to|told|citing|cited\s+by|wrote\s+in)\s+(?:the\s+)?(?P<o>{OUTLET})\b"
    ),
    re.compile(rf"(?:^|[\s,(])(?:the\s+|The\s+)?(?P<o>{OUTLET})\s+(?:{_CREDIT_VERB})\b"),
)
DATELINE = re.compile(rf"^\s*[A-Z][A-Za-z .,'’-]{{0,40}}\((?P<o>{OUTLET})\)\s*[-–—]+\s*")
# Any wire or press-release dateline: "KESTRAD, Marovia (MWS) —", "CAMBRIDGE, Mass., Aug. 19,
# 2026 --". The place is in capitals; an agency in brackets may be one we do not know.
ANY_DATELINE = re.compile(
    r"^\s*[A-Z][A-Z'’.-]{2,}(?:\s+[A-Z][A-Z'’.-]+){0,3}(?:,\s*[A-Z][\w.]*\.?(?:\s+[A-Z][\w.]*)?){0,2}"
    r"(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2},\s+\d{4})?\s*(?:\((?P<o>[^()]{2,40})\))?\s*(?:--|[-–—])\s*"
)
# Prose naming an outlet we may not know by its reporting verb: "The Mercantile Review first
# reported", "the Review reported", "first reported by the Harwick Ledger".
_REPORTED_BY = (
    re.compile(
        r"(?:^|[,;]\s+|\bas\s+)(?:the\s+|The\s+)?(?P<o>(?:[A-Z][\w&'’-]*\s+){0,3}[A-Z][\w&'’-]*)"
        r"\s+(?:first\s+|also\s+|previously\s+|originally\s+|has\s+)?(?:reported|revealed)\b"
    ),
    re.compile(
        r"\b(?:first\s+)?reported\s+by\s+(?:the\s+|The\s+)?"
        r"(?P<o>(?:[A-Z][\w&'’-]*\s+){0,3}[A-Z][\w&'’-]*)"
    ),
)
# "the British daily", "the newspaper": the outlet credited earlier in the article.
DESCRIPTOR = re.compile(
    r"\bthe\s+(?:[A-Z][\w-]*\s+|[a-z]+-based\s+|business\s+|financial\s+){0,2}"
    r"(?:daily|newspaper|paper|outlet|broadcaster|news\s+agency|wire\s+service|publication)\b"
)


def canonical_outlet(name: str) -> str:
    """The name an outlet is credited under ("FT" → "Financial Times")."""
    name = " ".join(name.split())
    bare = name.removeprefix("the ").removeprefix("The ")
    return KNOWN_OUTLETS.get(bare, KNOWN_OUTLETS.get(name, name))


def same_outlet(a: str, b: str) -> bool:
    """ "The Gazette" and "Riverton Gazette" are the same outlet; "FT" and "Financial Times" too,
    and "MWS" and "Marovia Wire Service"."""
    a, b = canonical_outlet(a), canonical_outlet(b)
    words_a, words_b = _words(a), _words(b)
    if not words_a or not words_b:
        return False
    if _initials(a) == b or _initials(b) == a:
        return True
    return words_a <= words_b or words_b <= words_a


def _initials(name: str) -> str:
    words = [w for w in re.findall(r"[A-Za-z]+", name) if w.lower() not in {"the", "of", "and"}]
    return "".join(w[0].upper() for w in words) if len(words) > 1 else ""


def _words(name: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", name.casefold()) if w not in {"the", "news"}}


def credited_outlets(sentence: str) -> list[str]:
    """Outlets the sentence credits with reporting, in order of appearance."""
    found: list[tuple[int, str]] = []
    match = DATELINE.match(sentence)
    if match:
        found.append((match.start("o"), canonical_outlet(match.group("o"))))
    for pattern in (*_CREDITS, *_REPORTED_BY):
        for m in pattern.finditer(sentence):
            found.append((m.start("o"), canonical_outlet(m.group("o"))))
    seen: list[str] = []
    for _, name in sorted(found):
        if name not in seen:
            seen.append(name)
    return seen


def strip_dateline(paragraph: str) -> tuple[str, str | None]:
    """A wire dateline removed ("GENEVA (Reuters) - …") and the outlet it names, if any."""
    match = DATELINE.match(paragraph) or ANY_DATELINE.match(paragraph)
    if not match:
        return paragraph, None
    outlet = match.group("o")
    return paragraph[match.end() :], canonical_outlet(outlet) if outlet else None
