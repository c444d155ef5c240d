"""Find the attributable statements in an article: who says what, and on what sourcing.

Each sentence is read for, in this order:
1. a response: a denial or a non-response ("did not respond to requests for comment") — kept
   for the explanations of the article's reported claims, never a claim of its own;
2. anonymous sourcing ("citing two people briefed on…", "a Western official familiar with the
   matter said", "the sources told", "reportedly", "spoke on condition of anonymity");
3. a document or data cited ("according to figures published by…", "the study found");
4. an on-the-record statement (`onrecord.py`): a named person or body with a speech verb, as a
   direct quote (`"…," Trump said`, `"…," said Rovers manager Gareth Lyle`) or reported speech
   (`Ortiz said the bridge will close`, `…, the ministry said`), the speaker read through titles
   and asides and "he", "the company" resolved (`speakers.py`);
5. credit to another outlet's reporting ("reported the Financial Times", "the Review reported");
6. the outlet's own narration of a checkable fact (`narration.py`).
Every pattern is bounded (no nested quantifiers), so reading is linear in the text length.
"""

from __future__ import annotations

import re

from verifiers.ingest.claimtext import (
    as_quote,
    drop_connective,
    finish,
    is_bare_quote,
    sentence_case,
    strip_sourcing,
)
from verifiers.ingest.documents import cited_document, document_subject
from verifiers.ingest.narration import is_checkable_narration
from verifiers.ingest.onrecord import names_short, on_record
from verifiers.ingest.outlets import DESCRIPTOR, credited_outlets, same_outlet, strip_dateline
from verifiers.ingest.sentences import split_sentences
from verifiers.ingest.speakers import NameIndex, Speakers
from verifiers.ingest.statements import Findings, Reading, Sourcing, Statement
from verifiers.ingest.unnamed import RESPONSE, UNCLEAR, unnamed_source

__all__ = ["Findings", "Sourcing", "Statement", "find_statements", "names_short"]

MAX_SENTENCE_CHARS = 1_200


# -- reading ---------------------------------------------------------------------------------
def find_statements(paragraphs: list[str], publisher: str) -> Findings:
    """Statements with their sourcing, the responses, and the outlets the article credits."""
    findings = Findings()
    names = NameIndex(" ".join(paragraphs))
    ctx = Reading(names, Speakers(names), publisher, findings)
    dated = False
    for index, paragraph in enumerate(paragraphs):
        if index <= 2 and not dated:
            # The dateline opens the story, after a byline or standfirst at most.
            stripped, wire = strip_dateline(paragraph)
            dated = stripped != paragraph
            paragraph = stripped
            if wire and not same_outlet(wire, publisher):
                findings.credited[wire] += 2
        for sentence in split_sentences(paragraph):
            if len(sentence) > MAX_SENTENCE_CHARS:
                ctx.last = None
                continue
            for outlet in credited_outlets(sentence):
                if not same_outlet(outlet, publisher):
                    # Credit in the lead marks a republication; a passing mention later does not.
                    findings.credited[_known(outlet, findings)] += 2 if index <= 1 else 1
            if RESPONSE.search(sentence):
                findings.responses.append(drop_connective(sentence))
                ctx.speakers.mention(sentence)
                continue
            if unclear := UNCLEAR.search(sentence):
                text = finish(sentence_case(unclear.group("x")))
                findings.statements.append(Statement(sentence, Sourcing.UNCLEAR, text))
            ctx.speakers.mention(sentence)  # "Quillnet is cutting …, the company said"
            statement = read_sentence(sentence, ctx)
            if statement is not None:
                findings.statements.append(statement)
            if statement is None or statement.sourcing is not Sourcing.DOCUMENT:
                ctx.last_document = document_subject(sentence) or ctx.last_document
            ctx.last = statement
    return findings


def _known(outlet: str, findings: Findings) -> str:
    """ "Review" after "Mercantile Review" is the same outlet, credited under its full name."""
    for known in findings.credited:
        if same_outlet(outlet, known):
            return known if len(known) >= len(outlet) else outlet
    return outlet


def read_sentence(sentence: str, ctx: Reading) -> Statement | None:
    outlet = _outlet_in(sentence, ctx.findings, ctx.publisher)
    last = ctx.last
    last_by = last.sourced_by if last is not None else None
    last_unnamed = last_by if last is not None and last.sourcing is Sourcing.ANONYMOUS else None
    anonymous = unnamed_source(sentence, last_by, last_unnamed)
    if anonymous is not None:
        claim = strip_sourcing(sentence)
        return Statement(sentence, Sourcing.ANONYMOUS, claim, sourced_by=anonymous, outlet=outlet)
    if outlet is None:
        document = cited_document(sentence, ctx.last_document)
        if document is not None:
            ctx.last_document = document.by
            ctx.speakers.mention_body(document.by)  # "the ministry" may speak later
            return Statement(sentence, Sourcing.DOCUMENT, document.claim, sourced_by=document.by)
    statement = on_record(sentence, ctx)
    if statement is not None and (outlet is None or statement.direct):
        return statement  # an outlet's account of what someone did is that outlet's reporting
    if outlet is not None:
        return Statement(sentence, Sourcing.OUTLET, strip_sourcing(sentence), outlet=outlet)
    if last is not None and is_bare_quote(sentence) and last.speaker:
        # A quotation standing alone continues the previous speaker's statement.
        return Statement(
            sentence,
            last.sourcing,
            f"{names_short(last.speaker)} said: {as_quote(sentence)}",
            speaker=last.speaker,
            sourced_by=last.sourced_by,
            outlet=last.outlet,
            content=sentence.strip('"“” '),
            direct=True,
        )
    if is_checkable_narration(sentence):
        return Statement(sentence, Sourcing.NARRATION, strip_sourcing(sentence))
    return None


def _outlet_in(sentence: str, findings: Findings, publisher: str) -> str | None:
    for outlet in credited_outlets(sentence):
        if not same_outlet(outlet, publisher):
            return _known(outlet, findings)
    for known in findings.credited:
        short = known.split()[-1]
        if len(known.split()) > 1 and re.search(rf"\bthe\s+{re.escape(short)}\b", sentence):
            return known  # "the people told the Ledger", "according to the Review"
    if DESCRIPTOR.search(sentence) and findings.credited:
        return findings.credited.most_common(1)[0][0]
    return None
