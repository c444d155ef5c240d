"""The outlet's own narration: which unattributed sentences state a checkable fact.

An article's own voice carries facts people later repeat and misquote: a vote count, a score,
a price, a sentence handed down, a date. Such a sentence is proposed as *reported* by the outlet.
It counts when it holds a number (digits, a number word, an ordinal, a fraction), an explicit
date, or a result, decision or commitment verb ("won", "approved", "jailed", "admitted",
"promised"); it does not count
when it is colour or the writer talking (first or second person, a question or exclamation, an
imperative such as "Expect ministers to…", a labelled line such as "Our verdict:", a
speculative "could"/"may"), when its only number sits in an aside ("…, who has held the post
since 2024, …"), when it opens with a pronoun it cannot resolve ("His party had…"; an
impersonal "It is the third year…" is fine), or when it is too short to be a claim.
"""

from __future__ import annotations

import re

from verifiers.ingest.claimtext import outside_quotes

# Not "first" or "second": "the first half", "at first", "second thoughts" count nothing.
_NUMBER_WORDS = (
    r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty"
    r"|fifty|hundred|hundreds|thousand|thousands|million|millions|billion|billions|dozen|half"
    r"|third|quarter|fifth|fourth|sixth|seventh|eighth|ninth|tenth|once|twice"
)
_MONTHS = r"January|February|March|April|May|June|July|August|September|October|November|December"
_MARKER = re.compile(
    rf"\d|\b(?:{_NUMBER_WORDS})\b(?!\s+(?:decades?|generations?|centuries))|\b(?:{_MONTHS})\b"
    r"|\b(?:won|wins|beat|beats|defeated|drew|lost|approved|approves|rejected|passed|voted"
    r"|elected|re-elected|resigned|jailed|sentenced|convicted|acquitted|admitted|pleaded"
    r"|fined|charged|arrested|banned|signed|ratified|overturned|upheld|scrapped|closed"
    r"|cancelled|suspended|appointed|sacked|fired|evacuated|killed|injured|died|promised"
    r"|pledged|vowed|agreed|decided|ruled)\b",
    re.IGNORECASE,
)
_WRITER = re.compile(
    r"\b(?:I|I'm|I've|I'd|me|my|we|we're|we've|our|us|you|you're|your)\b", re.IGNORECASE
)
_IMPERATIVE = re.compile(
    r"^(?:anyone|expect|stay|sign|email|click|read|get|follow|contact|download|subscribe|listen|watch"
    r"|join|do|don't|let|see|find|tell|send|share|check|keep|remember|note|look)\b",
    re.IGNORECASE,
)
_LABEL = re.compile(r"^[A-Z][\w'’ -]{1,40}:\s|^By\s+[A-Z][\w'’-]+\s+[A-Z]")  # "By Selin Arda, …"
# Lower case only: "May" is a month.
_SPECULATIVE = re.compile(r"\b(?:could|may|might|perhaps|possibly|likely)\b")
_BOILERPLATE = re.compile(
    r"©|all rights reserved|forward-looking|press release contains"
    r"|^(?:last\s+)?(?:updated|published|posted|modified)\b",
    re.I,
)
_PRONOUN_LED = re.compile(
    r"^(?:he|she|they|his|her|their|its|this|these|those|it(?!\s+(?:is|was)\b))\b", re.I
)
_ASIDE = re.compile(r",\s+(?:who|whose|which|whom)\b[^,]{0,200},")
MIN_WORDS = 6


def is_checkable_narration(sentence: str) -> bool:
    """Whether an unattributed sentence states a checkable fact in the outlet's own voice."""
    text = sentence.strip()
    if len(text.split()) < MIN_WORDS or text.endswith(("?", "!", ":")):
        return False
    if any(ch in text for ch in '"“”'):
        return False  # a quotation nobody is credited with is colour, not the outlet's fact
    own = outside_quotes(text)
    if _PRONOUN_LED.match(own):
        return False  # "His party had collected…": whose, the sentence alone cannot say
    if _WRITER.search(own) or _IMPERATIVE.match(own) or _LABEL.match(own):
        return False
    if _SPECULATIVE.search(own) or _BOILERPLATE.search(own):
        return False
    # A number in an aside ("…, who has held the post since 2024, blamed…") is background.
    return bool(_MARKER.search(_ASIDE.sub(" ", own)))
