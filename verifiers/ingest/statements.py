"""What attribution finds in an article: statements with their sourcing, and the reading state.

A `Statement` is one sentence read as a claim: who (or what) it is sourced to and how; `Findings`
gather an article's statements, its responses ("declined to comment") and the outlets it
credits; `Reading` is what reading one sentence may look back on (the names, the entities met
so far, the previous statement and the last document cited).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

from verifiers.ingest.speakers import NameIndex, Speakers


class Sourcing(StrEnum):
    ON_RECORD = "on_record"  # a named person or body, speaking publicly
    UNCLEAR = "unclear"  # the article itself says it is unclear whether…
    ANONYMOUS = "anonymous"  # unnamed people, officials, sources
    DOCUMENT = "document"  # a document or data the article cites
    OUTLET = "outlet"  # another outlet's reporting
    NARRATION = "narration"  # the outlet's own statement of a checkable fact


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


@dataclass
class Reading:
    names: NameIndex
    speakers: Speakers
    publisher: str
    findings: Findings
    last: Statement | None = None
    last_document: str | None = None
