"""On-the-record statements: a named person or body with a speech verb, in any of the shapes
news prose gives them.

Direct quotes (`"…," Trump said`, `"…," said Rovers manager Gareth Lyle`, `X replied, "…"`, a
quote split by its speaker), reported speech leading (`Ortiz said the bridge will close`, `X
told reporters on Monday that …`), trailing (`…, Mayor Ellen Ortiz said on Monday`), inside
(`This winter, she says, was the hardest yet`) and "according to Dr Ana Ruiz". The speaker is
read by `speakers.py`; what was said becomes its own claim when it is a checkable assertion.
Every pattern is bounded, so reading is linear in the sentence length.
"""

from __future__ import annotations

import re

from verifiers.ingest.claimtext import (
    as_quote,
    drop_connective,
    finish,
    lower_first,
    outside_quotes,
    sentence_case,
    strip_sourcing,
    tidy_phrase,
)
from verifiers.ingest.speakers import PARTICIPLE, POSSESSIVES, PRONOUNS, Entity, Speakers
from verifiers.ingest.statements import Reading, Sourcing, Statement
from verifiers.ingest.unnamed import ACT_VERBS, SPEECH
from verifiers.ingest.vocabulary import ORG_WORDS

_ACCORDING_PERSON = re.compile(
    r"(?:^|,\s+)[Aa]ccording\s+to\s+(?P<s>(?:[A-Z][\w.'’-]*\s+){0,3}[A-Z][\w'’-]+)\s*(?:[,.;]|$)"
)
_CONNECTIVE_WORD = re.compile(
    r"^(?:but|and|yet|so|still|however|meanwhile|now|then|also|separately|earlier|later)\s+", re.I
)
# `"We tried," said Mayor Tom Bell, "but the money ran out."`: one quotation, split by who said it.
_QUOTE_SPLIT = re.compile(
    r"^[\"“](?P<q1>[^\"“”]{2,600}?),?[\"”]\s*,?\s*(?P<rest>[^\"“”]{2,160}?),\s*"
    r"[\"“](?P<q2>[^\"“”]{2,600})[\"”]\s*$"
)
_IT_IS_A = re.compile(r"^(?:is|was|would\s+be|will\s+be)\s+(?:the|a|an|one|no)\b", re.I)
_LEADING_PHRASE = re.compile(
    r"^(?:in|at|on|during|after|before|with|speaking\s+(?:at|to|in))\s+(?:\w+\s+){1,4}?"
    r"(?=(?:he|she|they|it)\b|[A-Z])",
    re.I,
)
_SAID_WHEN = re.compile(
    r"\s+(?:on\s+\w+|yesterday|today|last\s+\w+|earlier\s+this\s+\w+|this\s+week)$", re.I
)
# "This winter, she says, was the hardest yet": the attribution inside the sentence.
_PARENTHETICAL = re.compile(
    r"^(?P<a>[^,\"“”]{3,80}),\s+(?P<s>[^,\"“”]{1,60}?)\s+(?P<v>says|said|insists|insisted"
    r"|argues|argued|believes|added|adds)\s*,\s+(?P<b>[^\"“”]{3,})$"
)
# After a trailing "said": a new clause ("…, Ortiz said on Monday, ending months of …").
_AFTERWARDS = re.compile(r",\s+(?:[a-z]+ing|and|but|as|after|adding)\b")
_NOT_SUBJECTS = frozenset({"he", "she", "it", "they", "that", "this", "there", "we", "i", "you"})

# `"…," said Trump` / `"…," Trump said of Putin` / `"…?" Trump asked during …`
_QUOTE_FIRST = re.compile(r"^[\"“](?P<q>[^\"“”]{2,1000})[\"”]\s*,?\s*(?P<rest>[^\"“”]{2,300})$")
# `Zelenskyy reportedly replied, "…"` / `Trump said: "…"` / `X told KBN: "…"`
_QUOTE_AFTER = re.compile(
    rf"^(?P<s>[^\"“”]{{2,200}}?)\s+(?:\w+ly\s+)?(?P<v>{SPEECH})"
    rf"(?P<tail>(?:\s+[\w'’-]+){{0,6}}?)\s*[,:]?\s*[\"“](?P<q>[^\"“”]{{2,1000}})[\"”]\s*[.!?]?$"
)
_VERB_AT_END = re.compile(
    rf"^(?P<s>[^\"“”]{{1,160}}?)\s+(?:has\s+|have\s+|had\s+|later\s+|also\s+|then\s+|\w+ly\s+)?"
    rf"(?P<v>{SPEECH})(?P<tail>(?:\s+[^,\"“”]{{1,80}}?)?)\s*[.!?]?$"
)
_VERB_FIRST = re.compile(
    r"^(?P<v>said|says|added|adds|told|wrote|asked)\s+(?P<s>[^\"“”]{2,160}?)\s*[.!?]?$"
)
# What may follow a trailing "said": when, where, to whom, in a few words ("on Monday",
# "in a statement", "told reporters in Kestrad"), never a clause of its own.
_TAIL = re.compile(
    r"^(?:\s+(?:on|in|at|late|earlier|last|this|to|during|after|before|when|while|via|outside)"
    r"\b(?:\s+[\w'’-]+){1,5}|\s+(?:the\s+)?[A-Z][\w&'’-]*(?:\s+[A-Z][\w&'’-]*){0,3}"
    r"|\s+(?:reporters|journalists|lawmakers|supporters|analysts|shareholders|investors|MPs"
    r"|parliament)){0,3}\s*$"
)
_LEADING_VERB = re.compile(
    rf"(?:\s+(?:has|have|had|would|will|also|then|later|again|today|yesterday|previously|\w+ly))?"
    rf"\s+(?P<v>{SPEECH})\b"
)
# After "told"/"asked": who was told ("reporters", "the bank's annual meeting", "KBN").
_LISTENER = re.compile(
    r"^\s+(?:reporters|journalists|lawmakers|supporters|analysts|shareholders|investors|MPs"
    r"|parliament|him|her|them|us|(?:the|a|an|his|her|its|their)\s+(?:(?!that\b)[\w'’-]+\s+){0,3}?"
    r"(?!that\b)[\w'’-]+|[A-Z][\w&'’-]*(?:\s+[A-Z][\w&'’-]*){0,3})(?=\s)"
)
# When and how it was said: "on Tuesday", "in a statement", "before the vote", "last week".
_WHEN_SAID = re.compile(
    r"^\s+(?:(?:on|in|at|late|earlier|last|this|before|after|during|via|over|through|to)\s+"
    r"(?!least\b)(?:a\s+|an\s+|the\s+|its\s+|his\s+|her\s+|their\s+)?"
    r"(?:(?!that\b)[\w'’-]+\s+){0,3}?(?!that\b)[\w'’-]+"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|tonight)(?=\s)",
    re.IGNORECASE,
)
_THAT = re.compile(r"^\s+that\s+(?=\S)")
_LISTENING_VERBS = frozenset({"told", "tells", "asked", "asks", "warned", "warns", "promised"})


def on_record(sentence: str, ctx: Reading) -> Statement | None:
    if m := _QUOTE_SPLIT.match(sentence):
        found = _speaker_after_quote(m.group("rest"), ctx)
        if found is not None:
            entity, written, verb, _ = found
            first, second = m.group("q1").rstrip(", "), m.group("q2")
            joint = ", " if second[:1].islower() else " "  # `"We tried," …, "but the money …"`
            quote = f"{first}{joint}{second}"
            return _quoted(sentence, entity, written, verb, quote, "")
    if m := _QUOTE_FIRST.match(sentence):
        found = _speaker_after_quote(m.group("rest"), ctx)
        if found is None:
            return None
        entity, written, verb, tail = found
        return _quoted(sentence, entity, written, verb, m.group("q"), tail)
    if m := _QUOTE_AFTER.match(sentence):
        speaker = _subject(m.group("s"), ctx)
        if speaker is None:
            return None
        written = _written(m.group("s"), speaker)
        return _quoted(sentence, speaker, written, m.group("v"), m.group("q"), m.group("tail"))
    return (
        _parenthetical(sentence, ctx)
        or _trailing(sentence, ctx)
        or _leading(sentence, ctx)
        or _according_to(sentence, ctx)
    )


def _according_to(sentence: str, ctx: Reading) -> Statement | None:
    """ "The drug halves relapses, according to Dr Ana Ruiz": her account, on the record."""
    if (m := _ACCORDING_PERSON.search(sentence)) is None:
        return None
    entity = _subject(m.group("s"), ctx)
    if entity is None or entity.kind != "person":
        return None
    content = strip_sourcing(sentence)
    said = finish(f"{_written(m.group('s'), entity)} said {lower_first(content)}")
    return _on_record(sentence, said, entity, content)


def _parenthetical(sentence: str, ctx: Reading) -> Statement | None:
    if (m := _PARENTHETICAL.match(sentence)) is None:
        return None
    entity = _subject(m.group("s"), ctx)
    if entity is None:
        return None
    content = finish(sentence_case(f"{m.group('a')} {m.group('b')}"))
    written = _written(m.group("s"), entity)
    said = finish(f"{written} {_verb(m.group('v'))} {lower_first(content)}")
    return _on_record(sentence, said, entity, content)


def _on_record(sentence: str, said: str, entity: Entity, content: str) -> Statement:
    """The speaker's statement, its content proposed as a claim of its own when checkable."""
    return Statement(
        sentence,
        Sourcing.ON_RECORD,
        said,
        speaker=entity.name,
        content=content if _checkable_content(content) else None,
    )


def _speaker_after_quote(rest: str, ctx: Reading) -> tuple[Entity, str, str, str] | None:
    """`said Rovers manager Bruno Castellan.` / `she told supporters in Ostburg.`"""
    rest = rest.strip()
    if after := _AFTERWARDS.search(rest):
        rest = rest[: after.start()]  # `"…," Trump said, adding that …`
    match = _VERB_FIRST.match(rest) or _VERB_AT_END.match(rest)
    if match is None:
        return None
    entity = _subject(match.group("s"), ctx, direct=True)
    if entity is None:
        return None
    tail = match.group("tail") if match.re is _VERB_AT_END else ""
    return entity, _written(match.group("s"), entity), match.group("v"), tail or ""


def _trailing(sentence: str, ctx: Reading) -> Statement | None:
    """`…, Mayor Ellen Ortiz said on Monday.` / `…, said Dr. Celia Marchetti, her title.`"""
    body = sentence.rstrip()
    position = len(body)
    for _ in range(6):  # the attribution is within the last few commas
        position = body.rfind(", ", 0, position)
        if position < 12:
            return None
        content, rest = body[:position], body[position + 2 :]
        if after := _AFTERWARDS.search(rest):
            rest = rest[: after.start()]  # "…, Ortiz said on Monday, ending months of …"
        if content.count('"') % 2 or content.count("“") != content.count("”"):
            continue  # the comma is inside a quotation
        match = _VERB_FIRST.match(rest) or _VERB_AT_END.match(rest)
        if match is None:
            continue
        if match.re is _VERB_AT_END and not _TAIL.match(match.group("tail") or ""):
            continue
        if match.re is _VERB_FIRST and match.group("s").split()[0].lower() in _NOT_SUBJECTS:
            continue  # "…, said she would buy a caravan": reported speech, not a speaker
        entity = _subject(match.group("s"), ctx)
        if entity is None:
            continue
        content = drop_connective(content)
        written = _written(match.group("s"), entity)
        said = f"{written} {_verb(match.group('v'))} {lower_first(content)}"
        return Statement(
            sentence,
            Sourcing.ON_RECORD,
            finish(said),
            speaker=entity.name,
            content=finish(content) if _checkable_content(content) else None,
        )
    return None


def _leading(sentence: str, ctx: Reading) -> Statement | None:
    """`Council member Raj Patel said the closure …` / `He said that …`"""
    for match in _LEADING_VERB.finditer(sentence):
        if match.start() > 200:
            return None
        if _inside_quote(sentence, match.start()):
            continue  # a verb inside a quotation is the speaker's, not the attribution
        subject = _SAID_WHEN.sub("", sentence[: match.start()])  # "Venkatesh on Monday said"
        entity = _subject(subject, ctx)
        if entity is None and re.search(r"\s+and$", subject):
            entity = _subject(_opening(subject), ctx)  # "X called the cuts … and said …"
        if entity is None:
            continue
        verb = match.group("v")
        rest = sentence[match.end() :]
        if verb.lower() in ACT_VERBS and not re.match(r"^\s*(?:that\b|[:,]?\s*[\"“])", rest):
            return None  # "declared a state of emergency": an act, the outlet's to report
        clause = _reported_clause(rest, verb.lower())
        reported: str | None = None
        if clause is not None and _checkable_content(clause):
            reported = _resolve_pronoun(clause, entity, ctx.speakers)
        said = f"{_written(subject, entity)} {verb}{rest}"
        return Statement(
            sentence,
            Sourcing.ON_RECORD,
            finish(sentence_case(said)),
            speaker=entity.name,
            content=finish(sentence_case(reported)) if reported else None,
        )
    return None


def _inside_quote(sentence: str, position: int) -> bool:
    before = sentence[:position]
    return before.count('"') % 2 == 1 or before.count("“") > before.count("”")


def _reported_clause(rest: str, verb: str) -> str | None:
    """What was said: after the listener, the circumstances and "that"; None if not a clause."""
    position = 0
    if verb in _LISTENING_VERBS and (listener := _LISTENER.match(rest)):
        position = listener.end()
    for _ in range(4):
        when = _WHEN_SAID.match(rest[position:])
        if when is None:
            break
        position += when.end()
    that = _THAT.match(rest[position:])
    if that is not None:
        return rest[position + that.end() :]
    if verb in ("said", "says", "added", "adds") or (verb in _LISTENING_VERBS and position):
        clause = rest[position:].strip()
        return clause if clause[:1].isalnum() else None
    return None


def _opening(subject: str) -> str:
    """The subject of "X called the cuts … and said …": the name or pronoun opening the clause,
    after a leading phrase ("In a short speech he thanked … and said")."""
    subject = _LEADING_PHRASE.sub("", subject)
    if pronoun := re.match(r"^(?:he|she|they|it)\b", subject, re.I):
        return pronoun.group(0)
    match = re.match(r"^(?:[A-Z][\w'’.-]*\s+|[a-z-]+\s+(?=[A-Z])){1,6}", subject)
    return match.group(0) if match else ""


def _subject(phrase: str, ctx: Reading, *, direct: bool = False) -> Entity | None:
    phrase = _CONNECTIVE_WORD.sub("", tidy_phrase(phrase))  # "But Councillor Ann Ryde said"
    if not phrase or len(phrase) > 160 or any(ch in phrase for ch in '"“”'):
        return None
    entity = ctx.speakers.subject(phrase)
    if entity is None and direct and phrase.lower().startswith("the "):
        # "the gran-of-three told the Clarion", "the 58-year-old said": the person just named.
        last = ctx.speakers.last("person")
        if last is not None and ctx.last is not None and ctx.last.speaker == last.name:
            return last
    return entity


def _quoted(
    sentence: str, entity: Entity, written: str, verb: str, quote: str, tail: str | None
) -> Statement:
    tail = (tail or "").strip().rstrip(".!?")
    keep = bool(tail) and len(tail.split()) <= 10 and tail[:1].islower()
    verb = verb.lower() if keep else _verb(verb)  # "told the council: …", never "told: …"
    said = f"{written} {verb}{' ' + tail if keep else ''}: {as_quote(quote)}"
    return Statement(
        sentence,
        Sourcing.ON_RECORD,
        said,
        speaker=entity.name,
        content=finish(quote.strip().rstrip(",")),
        direct=True,
    )


def _verb(verb: str) -> str:
    """ "told" loses its listener in a claim ("X told: …" reads wrong): it becomes "said"."""
    return {"told": "said", "tells": "says"}.get(verb.lower(), verb.lower())


def _written(subject: str, entity: Entity) -> str:
    """How the claim names the speaker: as the article did ("Mayor Ellen Ortiz"), asides left
    out; the resolved name for "he", "the company" and the like."""
    key = entity.name.split("'")[0].split("’")[0].split()[-1]
    subject = _CONNECTIVE_WORD.sub("", tidy_phrase(subject))
    for part in tidy_phrase(re.sub(r"\([^)]*\)", "", subject)).split(","):
        words = part.split()
        if key in words or any(w.startswith((key + "'", key + "’")) for w in words):
            while len(words) > 1 and PARTICIPLE.fullmatch(words[0]):
                words = words[1:]  # "Thrilled Sandra Pike"
            lead = words[0].lower() in ("the", "in", "on")
            if words[0][:1].isupper() and not (lead and not words[1:2][0][:1].isupper()):
                return " ".join(words)
    return names_short(entity.name) if entity.kind == "person" else entity.name


def _checkable_content(clause: str) -> bool:
    """Reported speech worth its own draft: an assertion the writer paraphrased. When the
    speaker's words are quoted, the quote is what is on record; its own claim only when a
    number stands outside the quotation marks."""
    words = clause.split()
    if len(words) < 4 or words[0].lower() in ("this", "that", "these", "those"):
        return False
    if any(ch in clause for ch in '"“”'):
        return bool(re.search(r"\d", outside_quotes(clause)))
    return True


def _resolve_pronoun(clause: str, entity: Entity, speakers: Speakers) -> str | None:
    """ "it would shut 38 stores" said by Corvane Foods → "Corvane Foods would shut 38 stores".
    A pronoun that cannot be the speaker ("it was the biggest win") leaves no claim."""
    first, _, rest = clause.strip().partition(" ")
    word = first.lower()
    if word not in PRONOUNS and word not in POSSESSIVES:
        return clause.strip()
    kind = PRONOUNS.get(word) or POSSESSIVES.get(word)
    if word == "it" and _IT_IS_A.match(rest):
        return None  # "it was the biggest win": not the speaker ("it was not aware" is)
    referent: Entity | None = entity
    # "Smith said she had waited": she is the speaker unless the speaker is plainly a body.
    plainly_body = bool({w.lower() for w in entity.name.split()} & ORG_WORDS)
    if kind not in ("any", entity.kind) and (kind != "person" or plainly_body):
        referent = speakers.last(kind or "any")  # a person speaking of "its" team: the body
    if referent is None:
        return None
    if word in POSSESSIVES:
        owner = referent.name + ("’" if referent.name.endswith("s") else "’s")
        return f"{owner} {rest}"
    return f"{referent.name} {rest}"


def names_short(name: str) -> str:
    parts = name.split()
    person = len(parts) == 2 and parts[0][:1].isupper() and parts[0] != "The"
    return parts[-1] if person else name
