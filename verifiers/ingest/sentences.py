"""Split news prose into sentences without breaking quotations.

News sentences carry their sourcing after the quote (`"…?" Trump asked, citing…`), so a
quotation is never split, and a quote ending in "." or "?" stays with the speech verb that
follows it. The scan is one left-to-right pass over the characters (linear time).
"""

from __future__ import annotations

import re

OPEN_QUOTES = '"“„«'
CLOSE_QUOTES = '"”»'
TERMINALS = ".!?…"
ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "sr",
        "jr",
        "prof",
        "gen",
        "gov",
        "sen",
        "rep",
        "col",
        "lt",
        "sgt",
        "capt",
        "vs",
        "etc",
        "inc",
        "ltd",
        "co",
        "corp",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "no",
        "approx",
        "est",
        "fig",
        "u.s",
        "u.k",
        "u.n",
        "e.g",
        "i.e",
        "a.m",
        "p.m",
    ]
)
SPEECH_VERBS = (
    "said|says|say|asked|asks|told|tells|added|adds|replied|replies|wrote|writes|noted|notes"
    "|stated|states|explained|insisted|claimed|warned|argued|tweeted|posted|declared|continued"
)
# After a closing quote, a speech verb within the next few words continues the sentence.
_CONTINUES = re.compile(rf"^\s*(?:[\w'’.-]+\s+){{0,4}}?(?:{SPEECH_VERBS})\b", re.IGNORECASE)
_CONTINUES_LOWER = re.compile(r"^\s*[a-z(]")


MAX_QUOTE_CHARS = 1_500  # an unbalanced quote mark must not swallow the rest of the text


def split_sentences(paragraph: str) -> list[str]:
    """The paragraph's sentences, whitespace collapsed, quotations kept whole."""
    text = " ".join(paragraph.split())
    sentences: list[str] = []
    start = 0
    quote_start: int | None = None
    i = 0
    n = len(text)
    while i < n:
        if quote_start is not None and i - quote_start > MAX_QUOTE_CHARS:
            # Never closed: read again from just after the quote mark, as plain text. The
            # next quote mark is over MAX_QUOTE_CHARS away, so this stays linear.
            i, quote_start = quote_start + 1, None
            continue
        ch = text[i]
        closing = quote_start is not None and (ch in CLOSE_QUOTES)
        if closing:
            quote_start = None
            if i > 0 and text[i - 1] in TERMINALS:
                end = _skip(text, i + 1, CLOSE_QUOTES + ")")
                if _is_break(text[start:end], text[end:], closes_quote=True):
                    sentences.append(text[start:end].strip())
                    start = end
                i = end
                continue
        elif ch in OPEN_QUOTES and quote_start is None:
            quote_start = i
        elif ch in TERMINALS and quote_start is None:
            end = _skip(text, i + 1, TERMINALS)
            end = _skip(text, end, ")’'")
            if _is_break(text[start:end], text[end:], closes_quote=False):
                sentences.append(text[start:end].strip())
                start = end
            i = end
            continue
        i += 1
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def _skip(text: str, index: int, chars: str) -> int:
    while index < len(text) and text[index] in chars:
        index += 1
    return index


def _is_break(sentence: str, rest: str, closes_quote: bool) -> bool:
    if not rest.strip():
        return True
    if not rest.startswith((" ", "\n")):
        return False  # "U.S.A", "3.5"
    if _CONTINUES_LOWER.match(rest):
        return False
    if closes_quote and _CONTINUES.match(rest) and sentence.lstrip()[:1] in OPEN_QUOTES:
        return False  # `"…?" Trump asked`; after `X said: "…."` a new sentence may start
    return not _ends_with_abbreviation(sentence)


def _ends_with_abbreviation(sentence: str) -> bool:
    words = sentence.rstrip(TERMINALS + CLOSE_QUOTES + ")’'").split()
    if not words:
        return False
    word = words[-1].lstrip("(\"'“").lower()
    return word in ABBREVIATIONS or (len(word) == 1 and word.isalpha())
