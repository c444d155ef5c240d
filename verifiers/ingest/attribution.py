"""Find the attributable statements in an article: who says what, and on what sourcing.

Each sentence is read for, in this order:
1. a response: a denial or a non-response ("did not respond to requests for comment") — kept
   for the explanations of the article's reported claims, never a claim of its own;
2. anonymous sourcing ("citing two people briefed on…", "a Western official familiar with the
   matter said", "the sources told", "reportedly", "spoke on condition of anonymity");
3. a document that is cited but not linked ("according to a budget document");
4. credit to another outlet's reporting ("reported the Financial Times", "FT reported");
5. an on-the-record statement: a named person or body with a speech verb, as a direct quote
   (`"…," Trump said`) or reported speech (`Ortiz said the bridge will close`).
Sentences with none of these (the outlet's own narration) are not claims we can source.

Every pattern is bounded (no nested quantifiers), so reading is linear in the text length.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

from verifiers.ingest.outlets import (
    DESCRIPTOR,
    OUTLET,
    credited_outlets,
    same_outlet,
    strip_dateline,
)
from verifiers.ingest.sentences import split_sentences

MAX_SENTENCE_CHARS = 1_200


class Sourcing(StrEnum):
    ON_RECORD = "on_record"  # a named person or body, speaking publicly
    UNCLEAR = "unclear"  # the article itself says it is unclear whether…
    ANONYMOUS = "anonymous"  # unnamed people, officials, sources
    DOCUMENT = "document"  # a document cited but not linked
    OUTLET = "outlet"  # another outlet's reporting


@dataclass(frozen=True)
class Statement:
    sentence: str  # the supporting quote, as printed
    sourcing: Sourcing
    claim_text: str  # the sentence as a claim, sourcing phrases removed
    speaker: str | None = None  # canonical name of who said it ("Donald Trump")
    sourced_by: str | None = None  # "two people briefed on the conversation"
    outlet: str | None = None  # the outlet whose reporting it is, if another outlet's
    content: str | None = None  # what was asserted, for on-record reported speech
    direct: bool = False  # the content is a direct quotation


@dataclass
class Findings:
    statements: list[Statement] = field(default_factory=list)
    responses: list[str] = field(default_factory=list)
    credited: Counter[str] = field(default_factory=Counter)


# -- vocabulary ------------------------------------------------------------------------------
SPEECH = (
    r"said|says|told|tells|asked|asks|added|adds|replied|replies|wrote|writes|noted|notes"
    r"|stated|states|announced|announces|explained|insisted|claimed|claims|warned|warns"
    r"|argued|tweeted|posted|declared"
)
_SAY = frozenset({"said", "says", "told", "tells", "added", "adds", "stated", "states", "noted"})
_WORD = r"[\w'’.&-]+"

_RESPONSE = re.compile(
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
        rf"\baccording\s+to\s+(?P<by>(?:the\s+|two\s+|three\s+|several\s+|some\s+|unnamed\s+)"
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
_UNCLEAR = re.compile(
    r"\bit\s+(?:remains|is|was)\s+(?:still\s+)?(?:unclear|not\s+clear|not\s+known|unknown)"
    r"\s+(?:whether|if)\s+(?P<x>[^,;:]{12,300})",
    re.IGNORECASE,
)
_DOCUMENT = re.compile(
    r"\baccording\s+to\s+(?P<by>(?:an?|the)\s+(?:[\w'’-]+\s+){0,4}?(?:document|documents|memo"
    r"|report|filing|letter|email|draft|records|data|figures|study|survey|analysis|estimate)"
    r"\b[^,.;]{0,60})",
    re.IGNORECASE,
)
_TITLES = frozenset(
    [
        "president",
        "vice",
        "prime",
        "minister",
        "mayor",
        "council",
        "councillor",
        "councilman",
        "councilwoman",
        "member",
        "senator",
        "sen.",
        "rep.",
        "representative",
        "governor",
        "gov.",
        "secretary",
        "general",
        "chancellor",
        "director",
        "regional",
        "spokesperson",
        "spokesman",
        "spokeswoman",
        "chief",
        "executive",
        "ceo",
        "chairman",
        "chairwoman",
        "chair",
        "judge",
        "justice",
        "ambassador",
        "foreign",
        "defence",
        "defense",
        "us",
        "u.s.",
        "uk",
        "ukrainian",
        "russian",
        "american",
        "british",
        "french",
        "german",
        "chinese",
        "indian",
        "nato",
        "who",
        "un",
        "eu",
        "white",
        "house",
        "press",
        "deputy",
        "king",
        "queen",
        "pope",
        "dr.",
        "dr",
        "mr.",
        "mr",
        "mrs.",
        "mrs",
        "ms.",
        "ms",
        "professor",
        "prof.",
        "commissioner",
        "head",
        "leader",
        "former",
        "interim",
        "acting",
        "state",
        "federal",
        "health",
        "finance",
        "interior",
        "economy",
        "trade",
        "officer",
        "lt.",
        "col.",
        "gen.",
        "sgt.",
        "captain",
    ]
)
_NUMBERS = frozenset(["two", "three", "four", "five", "six", "several"])
_PRONOUNS = frozenset({"he", "she", "they", "it", "his", "her"})
_INSTITUTION = re.compile(
    r"\b(?:office|ministry|department|agency|company|government|spokes(?:person|man|woman)|police"
    r"|court|council|army|military|embassy|commission|administration|authority|authorities"
    r"|kremlin|white\s+house|campaign|firm|board|committee)\b",
    re.IGNORECASE,
)
_LOWER_START = frozenset(
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

# `"…," said Trump` / `"…," Trump said of Putin` / `"…?" Trump asked during …`
_QUOTE_FIRST = re.compile(
    rf"^[\"“](?P<q>[^\"“”]{{2,1000}})[\"”]\s*,?\s*"
    rf"(?:(?P<v1>{SPEECH})\s+(?P<s1>(?:the\s+)?[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){{0,3}}|the\s+\w+)"
    rf"|(?P<s2>(?:{_WORD}\s+){{0,5}}?{_WORD})\s+(?P<v2>{SPEECH}))\b(?P<tail>[^,;]{{0,80}})"
)
# `Zelenskyy reportedly replied, "…"` / `Trump said: "…"`
_QUOTE_AFTER = re.compile(
    rf"^(?P<s>(?:{_WORD}\s+){{0,5}}?{_WORD})\s+(?:\w+ly\s+)?(?P<v>{SPEECH})"
    rf"(?P<tail>(?:\s+[\w'’-]+){{0,4}}?)\s*[,:]?\s*[\"“](?P<q>[^\"“”]{{2,1000}})[\"”]"
)
# `…, Mayor Ellen Ortiz said on Monday, ending …` / `…, he said.`
_TRAILING = re.compile(
    rf"^(?P<c>.{{12,}}?),\s+(?P<s>(?:{_WORD}\s+){{0,5}}?{_WORD})\s+(?P<v>said|says|added|noted"
    rf"|told\s+[\w' ]{{1,30}}?|wrote|stated|warned|insisted|argued)"
    rf"(?P<tail>(?:\s+(?:on|in|at|late|earlier|last|this)\s+[\w' ]{{1,30}}?)?)\s*(?:[,.]|$)"
)
# `Trump then said that …` / `Council member Raj Patel said the closure …` / `X announced …`
_LEADING = re.compile(
    rf"^(?P<lead>[^,\"“]{{0,100}},\s+)?(?P<s>(?:{_WORD}\s+){{0,5}}?{_WORD})\s+"
    rf"(?:then\s+|also\s+|later\s+|\w+ly\s+)?(?P<v>{SPEECH})\b(?P<rest>.{{8,}})$"
)
_THAT = re.compile(
    r"^(?:\s+(?:reporters|journalists|the\s+[\w ]{1,30}?|[A-Z]\w+|\w+))?"
    r"(?:\s+(?:on|in|at|late|earlier|last|this)\s+[\w' ]{1,30}?)?\s+that\s+"
)


# -- reading ---------------------------------------------------------------------------------
def find_statements(paragraphs: list[str], publisher: str) -> Findings:
    """Statements with their sourcing, the responses, and the outlets the article credits."""
    findings = Findings()
    names = NameIndex(" ".join(paragraphs))
    last: Statement | None = None
    for index, paragraph in enumerate(paragraphs):
        if index == 0:
            paragraph, wire = strip_dateline(paragraph)
            if wire and not same_outlet(wire, publisher):
                findings.credited[wire] += 2
        for sentence in split_sentences(paragraph):
            if len(sentence) > MAX_SENTENCE_CHARS:
                last = None
                continue
            for outlet in credited_outlets(sentence):
                if not same_outlet(outlet, publisher):
                    # Credit in the lead marks a republication; a passing mention later does not.
                    findings.credited[outlet] += 2 if index <= 1 else 1
            if _RESPONSE.search(sentence):
                findings.responses.append(_drop_connective(sentence))
                continue
            if unclear := _UNCLEAR.search(sentence):
                text = _finish(_sentence_case(unclear.group("x")))
                findings.statements.append(Statement(sentence, Sourcing.UNCLEAR, text))
            statement = read_sentence(sentence, names, last, findings, publisher)
            if statement is not None:
                findings.statements.append(statement)
            last = statement
    return findings


def read_sentence(
    sentence: str,
    names: NameIndex,
    last: Statement | None,
    findings: Findings,
    publisher: str,
) -> Statement | None:
    outlet = _outlet_in(sentence, findings, publisher)
    anonymous = _anonymous(sentence, last)
    if anonymous is not None:
        claim = strip_sourcing(sentence)
        return Statement(sentence, Sourcing.ANONYMOUS, claim, sourced_by=anonymous, outlet=outlet)
    document = _DOCUMENT.search(sentence)
    if document:
        by = _sourced_by(document.group("by"))
        return Statement(sentence, Sourcing.DOCUMENT, strip_sourcing(sentence), sourced_by=by)
    on_record = _on_record(sentence, names, last)
    if on_record is not None and (outlet is None or on_record.direct):
        return on_record  # an outlet's account of what someone did is that outlet's reporting
    if outlet is not None:
        return Statement(sentence, Sourcing.OUTLET, strip_sourcing(sentence), outlet=outlet)
    if last is not None and _is_bare_quote(sentence):
        # A quotation standing alone continues the previous speaker's statement.
        return Statement(
            sentence,
            last.sourcing,
            f"{_short(last)} said: {_as_quote(sentence)}",
            speaker=last.speaker,
            sourced_by=last.sourced_by,
            outlet=last.outlet,
            content=sentence.strip('"“” '),
            direct=True,
        )
    return None


def _outlet_in(sentence: str, findings: Findings, publisher: str) -> str | None:
    for outlet in credited_outlets(sentence):
        if not same_outlet(outlet, publisher):
            return outlet
    if DESCRIPTOR.search(sentence) and findings.credited:
        return findings.credited.most_common(1)[0][0]
    return None


def _anonymous(sentence: str, last: Statement | None) -> str | None:
    """Who the unnamed sourcing is ("two people briefed on the call"), or None if named."""
    for pattern in _ANONYMOUS:
        match = pattern.search(sentence)
        if match is None:
            continue
        by = match.groupdict().get("by")
        if by:
            by = _sourced_by(by)
            if by.lower().startswith("the ") and last is not None and last.sourced_by:
                return last.sourced_by  # "the sources told…": the ones named before
            return by
        if last is not None and last.sourcing is Sourcing.ANONYMOUS and last.sourced_by:
            return last.sourced_by
        return "unnamed sources"
    return None


def _on_record(sentence: str, names: NameIndex, last: Statement | None) -> Statement | None:
    if m := _QUOTE_FIRST.match(sentence):
        subject = m.group("s1") or m.group("s2")
        verb = m.group("v1") or m.group("v2")
        return _quoted(sentence, subject, verb, m.group("q"), m.group("tail"), names, last)
    if m := _QUOTE_AFTER.match(sentence):
        return _quoted(
            sentence, m.group("s"), m.group("v"), m.group("q"), m.group("tail"), names, last
        )
    if m := _TRAILING.match(sentence):
        speaker = _speaker(m.group("s"), names, last)
        if speaker is None:
            return None
        content = _sentence_case(m.group("c").strip())
        said = f"{_said_by(m.group('s'), speaker)} said {_lower_first(content)}"
        return Statement(
            sentence,
            Sourcing.ON_RECORD,
            _finish(said),
            speaker=speaker,
            content=_finish(content),
        )
    if m := _LEADING.match(sentence):
        speaker = _speaker(m.group("s"), names, last)
        if speaker is None:
            return None
        rest = m.group("rest")
        reported: str | None = None
        that = _THAT.match(rest)
        verb = m.group("v").lower()
        if verb in _SAY and that:
            reported = _finish(_sentence_case(rest[that.end() :]))
        elif (
            verb in {"said", "says"}
            and rest.split(" ", 2)[1:2]
            and (rest.split()[0].lower() in _LOWER_START)
        ):
            reported = _finish(_sentence_case(rest))
        claim = sentence[len(m.group("lead") or "") :] if m.group("lead") else sentence
        return Statement(
            sentence,
            Sourcing.ON_RECORD,
            _finish(_sentence_case(claim)),
            speaker=speaker,
            content=reported,
        )
    return None


def _quoted(
    sentence: str,
    subject: str,
    verb: str,
    quote: str,
    tail: str | None,
    names: NameIndex,
    last: Statement | None,
) -> Statement | None:
    speaker = _speaker(subject, names, last)
    if speaker is None:
        return None
    tail = (tail or "").strip().rstrip(".!?")
    tail = f" {tail}" if tail and len(tail.split()) <= 10 and tail[:1].islower() else ""
    said = f"{_said_by(subject, speaker)} {verb}{tail}: {_as_quote(quote)}"
    return Statement(
        sentence,
        Sourcing.ON_RECORD,
        said,
        speaker=speaker,
        content=_finish(quote.strip().rstrip(",")),
        direct=True,
    )


def _speaker(subject: str, names: NameIndex, last: Statement | None) -> str | None:
    """The canonical name of a named subject, or None when it names nobody on the record."""
    phrase = _tidy_phrase(subject)
    words = phrase.split()
    if not words:
        return None
    if words[-1].lower() in _PRONOUNS and len(words) <= 2:
        if last is not None and last.sourcing is Sourcing.ON_RECORD and last.speaker:
            return last.speaker
        return None
    if not any(w[:1].isupper() for w in words) and not _INSTITUTION.search(phrase):
        return None
    if not any(w[:1].isupper() for w in words[1:]) and words[0].lower() in _LOWER_START:
        # "The company", "the city's engineering office": a body speaking, not a name
        return _sentence_case(phrase) if _INSTITUTION.search(phrase) else None
    return names.full(phrase)


def _said_by(subject: str, speaker: str) -> str:
    """How a claim names the speaker: as the article did, or the full name for a pronoun."""
    phrase = _tidy_phrase(subject)
    if phrase.lower() in _PRONOUNS or phrase.split()[-1].lower() in _PRONOUNS:
        return names_short(speaker)
    return _sentence_case(phrase)


def names_short(name: str) -> str:
    parts = name.split()
    return parts[-1] if len(parts) == 2 and parts[0][:1].isupper() else name


def _short(statement: Statement) -> str:
    return names_short(statement.speaker or "someone")


# -- names -----------------------------------------------------------------------------------
class NameIndex:
    """Full names seen in the article, so "Trump" is credited as "Donald Trump"."""

    # A lookahead, so "President Donald Trump" yields both "President Donald" and "Donald Trump".
    _FULL = re.compile(r"\b(?=([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\s+([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b)")

    def __init__(self, text: str) -> None:
        self.full_names: dict[str, Counter[str]] = {}
        for first, last in self._FULL.findall(text):
            if first.lower() in _TITLES or last.lower() in _TITLES:
                continue
            self.full_names.setdefault(last, Counter())[first] += 1

    def full(self, phrase: str) -> str:
        words = phrase.split()
        if words and words[0].lower() == "the" and len(words) > 1:
            return "the " + " ".join(words[1:])  # a body, not a person: "the White House"
        while len(words) > 1 and (words[0].lower() in _TITLES or words[0][:1].islower()):
            words = words[1:]
        if len(words) == 1 and words[0] in self.full_names:
            first = self.full_names[words[0]].most_common(1)[0][0]
            return f"{first} {words[0]}"
        return " ".join(words)


# -- shaping the claim text ------------------------------------------------------------------
_SOURCING_TAIL = re.compile(
    rf",(?P<q>[\"”]?)\s+(?:(?:the\s+)?{OUTLET}\s+(?:reported|reports|said)|reported\s+(?:by\s+)?(?:the\s+)?{OUTLET}"
    rf"|according\s+to\s+[^,.;]{{1,120}}|citing\s+[^,.;]{{1,120}}"
    rf"|the\s+(?:sources?|officials?|people|person)\s+(?:told|said)[^,.;]{{0,60}})"
    rf"(?=[,.;]|$)"
)
_SOURCING_HEAD = re.compile(r"^according\s+to\s+[^,]{1,120},\s+", re.IGNORECASE)
_HEDGE = re.compile(r"\s+(?:reportedly|allegedly)\b", re.IGNORECASE)
_CONNECTIVE = re.compile(r"^(?:meanwhile|however|separately|also|still|but|and)\s*,?\s+", re.I)


def strip_sourcing(sentence: str) -> str:
    """The sentence as a claim: "…, FT reported, citing two people briefed…" loses its tail."""
    text = _SOURCING_HEAD.sub("", sentence)
    previous = None
    while previous != text:
        previous = text
        text = _SOURCING_TAIL.sub(r"\g<q>", text, count=1)
    text = _HEDGE.sub("", text)
    return _finish(_sentence_case(_drop_connective(text)))


def _drop_connective(sentence: str) -> str:
    return _sentence_case(_CONNECTIVE.sub("", sentence.strip()))


def _tidy_phrase(phrase: str) -> str:
    return " ".join(phrase.strip(" ,;:").split())


def _sourced_by(phrase: str) -> str:
    """ "A senior official at the agency, who spoke…" → "a senior official at the agency"."""
    phrase = _tidy_phrase(phrase.split(",", 1)[0])
    words = phrase.split(" ")
    if len(words) > 2 and words[0].lower() == "the" and words[1].lower() in _NUMBERS:
        phrase = " ".join(words[1:])  # "the two individuals…" → "two individuals…"
    first = phrase.split(" ", 1)[0]
    return phrase[:1].lower() + phrase[1:] if first.lower() in _LOWER_START else phrase


def _sentence_case(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] if text else text


def _lower_first(text: str) -> str:
    first = text.split(" ", 1)[0]
    return text[:1].lower() + text[1:] if first.lower() in _LOWER_START else text


def _finish(text: str) -> str:
    text = " ".join(text.split()).rstrip(" ,;:-–—")
    if text and text[-1] not in ".!?…" and not (text[-1] in '"”' and text[-2:-1] in ".!?"):
        text += "."
    return text


def _as_quote(quote: str) -> str:
    body = quote.strip().strip('"“”').strip().rstrip(",")
    if body and body[-1] not in ".!?…":
        body += "."
    return f'"{body}"'


def _is_bare_quote(sentence: str) -> bool:
    text = sentence.strip()
    return (
        len(text) > 2
        and text[0] in '"“'
        and text[-1] in '"”'
        and not any(ch in text[1:-1] for ch in '"“”')
    )
