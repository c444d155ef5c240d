"""Shape a sentence into a claim: sourcing phrases, hedges and connectives off, quotes kept.

"…, The Mercantile Review first reported on Monday." and "According to a budget document, …"
lose their sourcing (it goes into the draft's claimant and reason); "reportedly" loses its
hedge; a leading "Meanwhile," goes. Patterns are bounded, so shaping is linear in the length.
"""

from __future__ import annotations

import re

from verifiers.ingest.outlets import OUTLET

_CAPS_NAME = r"(?:[A-Z][\w&'’-]*\s+){0,3}[A-Z][\w&'’-]*"
_WHEN = r"(?:\s+(?:on|in|last|this|earlier|late)\s+[\w' ]{1,30}?)?"
SOURCING_TAIL = re.compile(
    rf",(?P<q>[\"”]?)\s+(?:(?:the\s+|The\s+)?(?:{OUTLET}|{_CAPS_NAME})\s+(?:first\s+|also\s+)?"
    rf"(?:reported|reports|revealed){_WHEN}"
    rf"|(?:first\s+)?reported\s+(?:by\s+)?(?:the\s+)?{OUTLET}{_WHEN}"
    rf"|according\s+to\s+[^,.;]{{1,120}}(?:,\s+(?:who|which)\b[^,.;]{{1,120}})?"
    rf"|citing\s+[^,.;]{{1,120}}"
    rf"|the\s+(?:sources?|officials?|people|person)\s+(?:told|said)[^,.;]{{0,60}})"
    rf"(?=[,.;]|$)"
)
_SOURCING_HEAD = re.compile(
    rf"^(?:(?:[Aa]ccording\s+to|[Aa]s\s+per)\s+[^,]{{1,120}},\s+|(?:the\s+|The\s+)?(?:{OUTLET}|{_CAPS_NAME})\s+"
    rf"(?:first\s+|also\s+)?(?:reported|reports|revealed){_WHEN},?\s+(?:that\s+)?)",
)
_HEDGE = re.compile(r"\s+(?:reportedly|allegedly)\b", re.IGNORECASE)
_CONNECTIVE = re.compile(
    r"^(?:meanwhile|however|separately|also|still|but|and|yes|indeed)\s*,?\s+", re.I
)
LOWER_START = frozenset(
    [
        "the",
        "a",
        "an",
        "some",
        "all",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "there",
        "his",
        "her",
        "their",
        "our",
        "we",
        "i",
        "you",
        "many",
        "most",
        "few",
        "several",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "more",
        "less",
        "no",
        "any",
        "each",
        "every",
    ]
)


def strip_sourcing(sentence: str) -> str:
    """The sentence as a claim: "…, FT reported, citing two people briefed…" loses its tail."""
    text = sentence.strip()
    previous = None
    while previous != text:
        previous = text
        text = SOURCING_TAIL.sub(r"\g<q>", text, count=1)
    text = _SOURCING_HEAD.sub("", text)
    text = _HEDGE.sub("", text)
    return finish(sentence_case(drop_connective(text)))


def drop_connective(sentence: str) -> str:
    return sentence_case(_CONNECTIVE.sub("", sentence.strip()))


def tidy_phrase(phrase: str) -> str:
    return " ".join(phrase.strip(" ,;:").split())


def sentence_case(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] if text else text


def lower_first(text: str) -> str:
    first = text.split(" ", 1)[0]
    return text[:1].lower() + text[1:] if first.lower() in LOWER_START else text


def finish(text: str) -> str:
    text = " ".join(text.split()).rstrip(" ,;:-–—")
    if text and text[-1] not in ".!?…" and not (text[-1] in '"”' and text[-2:-1] in ".!?"):
        text += "."
    return text


def as_quote(quote: str) -> str:
    body = quote.strip().strip('"“”').strip().rstrip(",")
    if body and body[-1] not in ".!?…":
        body += "."
    return f'"{body}"'


def is_bare_quote(sentence: str) -> bool:
    text = sentence.strip()
    return (
        len(text) > 2
        and text[0] in '"“'
        and text[-1] in '"”'
        and not any(ch in text[1:-1] for ch in '"“”')
    )


def outside_quotes(text: str) -> str:
    """The text with its quotations removed: what the writer, not the speaker, says."""
    return re.sub(r"[\"“][^\"“”]{0,1000}[\"”]", " ", text)
