"""An opposite predicate or another alternative in one slot, around the same participants.

"The Senate rejected the bill" for "The Senate approved the bill" states the claim's changed
version (a contradiction); "secondary schools" for "primary schools" is another claim. Both
read the lexicons of `verifiers.text.contrasts`, and fire only when the two texts share the
words around the slot (the participants, the object), so that "prices rose in May and fell in
June" against a claim about May is no contradiction, and only when neither text also states
the other's member ("men and women").
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass

from verifiers.text.contrasts import Member, Term, terms
from verifiers.text.names import words
from verifiers.text.tokens import STOPWORDS, stem, word_set
from verifiers.text.verbs import base_form

CONTEXT_REACH = 4  # content words on each side of a slot that say what it is about
NEGATION_REACH = 3  # words before a predicate a negation may stand ("did not even approve")
_NEGATORS = word_set(
    """
    not never cannot nor neither n't didnt doesnt dont isnt arent wasnt werent hasnt havent
    hadnt wont wouldnt couldnt shouldnt cant
    """
)
# "failed to pass", "refused to approve": the act did not happen.
_FAILED = word_set("failed fails fail refused refuses refuse declined declines")
# "stopped opening", "ceased trading", "no longer open": it does not happen any more.
_STOPPED = word_set("stopped stops ceased ceases quit")
# Auxiliaries and fillers are no participants.
_FILLER = word_set("has have had is are was were be been being did does do just also really")


@dataclass(frozen=True, slots=True)
class Opposition:
    """The message's word, the claim's, and whether exactly one of them is negated (a denied
    opposite: "did not reject" for "approved" states the claim)."""

    said: str
    held: str
    negated: bool


def _key(word: str) -> str:
    return stem(base_form(word.removesuffix("'s")))[:4]


def _negated(text_words: list[str], term: Term) -> bool:
    """A negation right before the term: "did not approve", "never rose", "failed to pass",
    "stopped opening", "no rise" ("no" only right before it: "no, the Senate rejected it"
    denies nothing there)."""
    before = text_words[max(0, term.start - NEGATION_REACH) : term.start]
    if before[-1:] == ["no"] or before[-2:] == ["no", "longer"]:
        return True
    if before[-1:] and before[-1] in _STOPPED:
        return True
    for n, word in enumerate(before):
        if word in _NEGATORS or word.endswith("n't"):
            return True
        if word in _FAILED and before[n + 1 : n + 2] == ["to"]:
            return True
    return False


def _content(text_words: list[str]) -> list[tuple[int, str]]:
    """The content words' places and keys, in order (auxiliaries and fillers left out)."""
    return [
        (n, _key(w)) for n, w in enumerate(text_words) if w not in STOPWORDS and w not in _FILLER
    ]


def _context(content: list[tuple[int, str]], term: Term) -> tuple[set[str], set[str]]:
    """The content words' keys before and after the term, a few on each side."""
    at = bisect_left(content, term.start, key=lambda place: place[0])
    after_at = bisect_left(content, term.end, key=lambda place: place[0])
    before = content[max(0, at - CONTEXT_REACH) : at]
    after = content[after_at : after_at + CONTEXT_REACH]
    return {k for _, k in before}, {k for _, k in after}


def _counts(found: list[Term], text_words: list[str] | None = None) -> Counter[Member]:
    """How often a text states each member (not negated, when its words are given)."""
    counts: Counter[Member] = Counter()
    for t in found:
        if text_words is None or not _negated(text_words, t):
            counts.update(set(t.members))
    return counts


@dataclass(frozen=True, slots=True)
class _Read:
    """A text's words, its lexicon terms and its content words, read once."""

    words: list[str]
    terms: list[Term]
    content: list[tuple[int, str]]
    stated: Counter[Member]  # each member, not negated
    named: Counter[Member]  # each member, negated or not
    by_class: dict[tuple[str, int], list[tuple[Term, Member]]]


# A message is judged against several claims, and the claims recur: read each text once.
@functools.lru_cache(maxsize=4_096)
def _read(text: str) -> _Read:
    text_words = words(text)
    found = terms(text_words)
    by_class: dict[tuple[str, int], list[tuple[Term, Member]]] = {}
    for term in found:
        for member in term.members:
            by_class.setdefault((member.lexicon, member.klass), []).append((term, member))
    return _Read(
        text_words,
        found,
        _content(text_words),
        _counts(found, text_words),
        _counts(found),
        by_class,
    )


def _pairs(
    message: str, claim: str, lexicon: str, *, both_named: bool = False
) -> list[tuple[Term, Term, Member]]:
    """The (message term, claim term) pairs of one class and two members of `lexicon`, around
    the same participants. Unless `both_named`, neither text may also state the other's
    member as often as the other does ("rose in May and fell in June" for "rose in May"; the
    Antarctic twice in the claim, once in the message beside "the Arctic" is a swap)."""
    said, held = _read(message), _read(claim)
    out = []
    for h in held.terms:
        for hm in h.members:
            if hm.lexicon != lexicon:
                continue
            for s, sm in said.by_class.get((lexicon, hm.klass), []):
                if sm.member == hm.member:
                    continue
                if not both_named and (
                    said.stated[hm] >= held.named[hm] or held.named[sm] >= said.named[sm]
                ):
                    continue
                if _around_same(said.content, s, held.content, h, converse=sm.converse):
                    out.append((s, h, sm))
    # The message's word the claim does not have at all first: "north" before "northern" in
    # "the northern lights seen in the north" for "… in the south".
    held_texts = {t.text for t in held.terms}
    out.sort(key=lambda pair: (pair[0].start, pair[1].start))
    return sorted(out, key=lambda pair: pair[0].text in held_texts)


def _around_same(
    said_content: list[tuple[int, str]],
    s: Term,
    held_content: list[tuple[int, str]],
    h: Term,
    *,
    converse: bool,
) -> bool:
    """Whether the two slots have a participant in common; a converse ("won" / "lost") needs
    the same party before it ("Palace lost to City" is "City beat Palace")."""
    said_before, said_after = _context(said_content, s)
    held_before, held_after = _context(held_content, h)
    if converse:
        return bool(said_before & held_before)
    return bool((said_before | said_after) & (held_before | held_after))


def opposition(message: str, claim: str) -> Opposition | None:
    """The first opposite predicate of the message against the claim's, or None. `message`
    is what it asserts (its wrapper off)."""
    said_words, held_words = _read(message).words, _read(claim).words
    for s, h, _ in _pairs(message, claim, "opposite"):
        negated = _negated(said_words, s) != _negated(held_words, h)
        return Opposition(s.text, h.text, negated)
    return None


def denies_the_other(message: str, claim: str) -> bool:
    """Whether a negation in the message denies the opposite of the claim or another
    alternative, which states the claim: "did not reject the act, it passed" for "approved",
    "secondary schools (not primaries)" for "secondary schools", "not guilty" for
    "acquitted"."""
    said_words, held_words = _read(message).words, _read(claim).words
    for lexicon in ("opposite", "contrast"):
        for s, h, _ in _pairs(message, claim, lexicon, both_named=True):
            if _negated(said_words, s) and not _negated(held_words, h):
                return True
    said_terms, held_terms = _read(message).terms, _read(claim).terms
    return any(
        set(s.members) & set(h.members) and set(s.text.split()) & _NEGATORS
        for s in said_terms
        for h in held_terms
    )


# A ban stated as what may not be done: "can't run until 2030" for "barred from running until
# 2030", "you won't be able to buy a new petrol car" for "bans sales of new petrol cars".
_PROHIBITION = re.compile(
    r"\b(?:ban(?:s|ned|ning)?|bar(?:s|red|ring)?|prohibit\w*|forbid\w*|outlaw\w*|illegal|"
    r"blocked from|disqualified)\b",
    re.IGNORECASE,
)
NOT_PERMITTED = re.compile(
    r"\b(?:can'?t|cannot|can not|can no longer|(?:won'?t|will not|wo n't) be (?:able|allowed) to|"
    r"(?:not|no longer|never) (?:be )?(?:allowed|permitted|able) to|unable to|"
    r"(?:isn'?t|aren'?t|wasn'?t|weren'?t) (?:allowed|permitted) to|illegal to)\b",
    re.IGNORECASE,
)
_NOT_BANNED = re.compile(
    r"\b(?:not|never|no longer|n't|isnt|wasnt|arent|werent|un)\s*(?:be |been )?"
    r"(?:banned|barred|prohibited|forbidden|outlawed|illegal)\b",
    re.IGNORECASE,
)


def denies_permission(message: str, claim: str) -> bool:
    """Whether the message's negation says the claim's ban: what may not be done ("can't run
    for office until 2030" for "barred from running for office until 2030")."""
    return bool(
        _PROHIBITION.search(claim)
        and not _NOT_BANNED.search(claim)
        and NOT_PERMITTED.search(message)
        and not _NOT_BANNED.search(message)
    )


def swapped_alternative(message: str, claim: str) -> str | None:
    """Why the message names another alternative in the claim's slot ("secondary" for
    "primary" schools, "women" for "men"), or None."""
    for s, h, _ in _pairs(message, claim, "contrast"):
        return f'your message says "{s.text}"; the claim says "{h.text}"'
    return None
