"""Documents and data as sources: studies, reports, filings, polls, figures, records.

Three shapes cover how news prose cites them:
- "according to figures published by the Finance Ministry" / "according to a staff memo";
- a document as the subject of a finding verb: "A study published in the Journal of … found
  that …", "Figures published by the regulator show …", "An opinion poll … put the party on
  31 %", "the council's published minutes show", and "It found that …" after a study;
- the finding first and the document after it: "…, the study found." / "…, the filing showed."
What the document says is *reported*: the article relays it, and the claimant names the
document so a moderator can look it up. Patterns are bounded (linear in the sentence length).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from verifiers.ingest.claimtext import finish, sentence_case, strip_sourcing, tidy_phrase
from verifiers.ingest.vocabulary import ORG_WORDS

DOC_NOUN = (
    r"(?:study|studies|research|report|reports|survey|poll|filing|filings|figures|data"
    r"|statistics|records?|minutes|accounts|review|analysis|archive|results|census|memo"
    r"|documents?|letter|emails?|draft|estimates?|red\s+book|press\s+release|paper|audit"
    r"|inquiry|assessment|forecast|projections|register|returns|release|trial)"
)
_FIND_VERB = (
    r"(?:found|finds|find|shows?|showed|shown|suggests?|suggested|puts?|estimated|estimates"
    r"|concluded|concludes|revealed|reveals|indicates?|indicated|recorded|records|says|said)"
)
_ACCORDING = re.compile(
    rf"\b(?:according\s+to|as\s+per)\s+(?P<by>(?:an?\s+|the\s+|its\s+|their\s+)?(?:[\w'’$£€.-]+\s+){{0,6}}?"
    rf"{DOC_NOUN}\b[^,;]{{0,80}})",
    re.IGNORECASE,
)
_SUBJECT = re.compile(
    rf"(?:^|\bbut\s+|;\s+|\band\s+)(?P<by>(?:(?:[\w'’-]+\s+){{0,6}}?{DOC_NOUN}\b"
    rf"(?:\s+(?:by|from|of|in)\s+[^,;]{{1,60}}?)?(?:,[^,;\"“]{{1,90}},)?"
    rf"(?:\s+(?:published|released|issued|seen|obtained|presented)\b[^,;]{{0,90}}?)?)"
    rf"|[Ii]t|[Tt]hey)\s+(?:has\s+|have\s+|had\s+|later\s+|also\s+|now\s+)?"
    rf"(?P<v>{_FIND_VERB})\b(?P<that>\s+that)?\s+(?P<x>.{{8,}})$",
    re.IGNORECASE,
)
# "according to the Environment Office": a named body's figures or account, not its words.
_ACCORDING_BODY = re.compile(
    r"\baccording\s+to\s+(?:the\s+)?(?P<by>(?:[A-Z][\w&'’-]*\s+(?:(?:of|for|and)\s+)?){0,4}"
    r"[A-Z][\w&'’-]*)(?=\s*[,.;]|\s*$)"
)
_TRAILING = re.compile(
    rf"^(?P<x>.{{12,}}?),\s+(?P<by>(?:the|a|an|its|their)\s+(?:[\w'’-]+\s+){{0,8}}?{DOC_NOUN}"
    rf"\b(?:\s+[\w'’-]+){{0,5}}?)\s+(?:has\s+|have\s+|had\s+|later\s+|also\s+)?"
    rf"(?:{_FIND_VERB})(?:\s+[\w'’-]+){{0,3}}\s*[.!]?$",
    re.IGNORECASE,
)
_OPENS_WITH_DOCUMENT = re.compile(
    rf"^(?:the|a|an|their|its)\s+(?:[\w'’-]+\s+){{0,3}}?{DOC_NOUN}\b", re.IGNORECASE
)
_DOC_WORD = re.compile(rf"\b{DOC_NOUN}\b", re.IGNORECASE)
_WHEN = re.compile(
    r"\s+(?:last|this|on|in|earlier)\s+(?:week|month|year|monday|tuesday|wednesday|thursday"
    r"|friday|saturday|sunday|january|february|march|april|may|june|july|august|september"
    r"|october|november|december)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DocumentCitation:
    by: str  # "figures published by the Marovian Statistics Office"
    claim: str  # what the document says, as a claim


def cited_document(sentence: str, last_document: str | None) -> DocumentCitation | None:
    """The document a sentence cites for its content, if it cites one."""
    if match := _ACCORDING.search(sentence):
        return DocumentCitation(_name(match.group("by")), strip_sourcing(sentence))
    body = _ACCORDING_BODY.search(sentence)
    if body and any(w.lower().strip("'’s") in ORG_WORDS for w in body.group("by").split()):
        return DocumentCitation(body.group("by"), strip_sourcing(sentence))
    # "according to Dr Ana Ruiz" (a person) is attribution: read as a statement, not here.
    if match := _TRAILING.match(sentence):
        return DocumentCitation(_name(match.group("by")), finish(sentence_case(match.group("x"))))
    if match := _SUBJECT.search(sentence):
        by = match.group("by")
        if by.lower() in ("it", "they"):
            if last_document is None:
                return None
            by_name = last_document
            subject = sentence_case(_the(last_document))
        else:
            if not _DOC_WORD.search(by):
                return None
            by_name, subject = _name(by), sentence_case(by.strip())
        verb = match.group("v")
        if verb.lower() in ("says", "said") and by.lower() in ("it", "they"):
            return None  # "it said": a body speaking, read as a statement
        that = " that" if match.group("that") else ""
        claim = f"{subject} {verb}{that} {match.group('x')}"
        return DocumentCitation(by_name, finish(sentence_case(claim)))
    return None


def document_subject(sentence: str) -> str | None:
    """The document a sentence is about ("The study, published in …, followed 41,000 pupils"),
    for an "It found that …" after it."""
    match = _OPENS_WITH_DOCUMENT.match(sentence)
    return _name(match.group(0)) if match else None


def _name(phrase: str) -> str:
    """ "Figures published by the regulator in July" → "figures published by the regulator"."""
    phrase = tidy_phrase(phrase.split(",", 1)[0]).rstrip(".")
    phrase = _WHEN.sub("", phrase)  # "… published on Monday in the Journal of …": when is not who
    first = phrase.split(" ", 1)[0]
    if first in ("The", "A", "An", "Its", "Their", "Figures", "Data") or first.lower() in (
        "figures",
        "data",
    ):
        phrase = phrase[:1].lower() + phrase[1:]
    return phrase


def _the(name: str) -> str:
    words = name.split()
    if words and words[0].lower() in ("a", "an"):
        return "the " + " ".join(words[1:])
    return name
