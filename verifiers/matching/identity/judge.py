"""The verdict: which rule decides whether a message is the claim, its contradiction or another."""

from __future__ import annotations

import re

from verifiers.domain.models import Claim
from verifiers.matching.contrast import (
    Opposition,
    denies_permission,
    denies_the_other,
    opposition,
    swapped_alternative,
)
from verifiers.matching.identity.asserted import asserted, no_claim
from verifiers.matching.identity.attribution import _attribution_clash, _same_speaker, attribution
from verifiers.matching.identity.certainty import _modality_clash, _quantifier_clash
from verifiers.matching.identity.clauses import DENIALS
from verifiers.matching.identity.roles import (
    _agent_replaced,
    _compared,
    _comparison_swap,
    _nominal_doer,
    _role_swap,
    _same_roles,
    _subject_swap,
)
from verifiers.matching.identity.verdict import Identity, Verdict
from verifiers.matching.stance import contradiction
from verifiers.text.normalize import clean

# -- the verdict ----------------------------------------------------------------------------------

_NEGATIVE_QUESTION = re.compile(
    r"(?:^|(?<=[,;:] ))(?P<aux>wasn'?t|weren'?t|isn'?t|aren'?t|didn'?t|doesn'?t|hasn'?t|haven'?t|"
    r"hadn'?t|won't|wouldn'?t|couldn'?t|can't|shouldn'?t|don't)\b(?P<rest>.*)$",
    re.IGNORECASE,
)
_POSITIVE = {
    "wasn't": "was", "weren't": "were", "isn't": "is", "aren't": "are", "didn't": "did",
    "doesn't": "does", "don't": "do", "hasn't": "has", "haven't": "have", "hadn't": "had",
    "won't": "will", "wouldn't": "would", "couldn't": "could", "can't": "can",
    "shouldn't": "should",
}  # fmt: skip
_POSITIVE.update({aux.replace("'", ""): plain for aux, plain in _POSITIVE.items()})


_SPLIT_NEGATIVE_QUESTION = re.compile(
    r"^(?:did|does|do|is|was|were|are|has|have|had)\s+(?:[\w'-]+\s+){1,4}?(?P<neg>not\s+)",
    re.IGNORECASE,
)


def _as_asked(text: str) -> str:
    """A negative question asks about the positive claim: "Wasn't Apple sued?" (or, as chat
    writes it, "didnt apple get sued") is not a denial that Apple was sued."""
    core = asserted(text).replace("’", "'")
    asked = clean(text).rstrip(" !").endswith("?")
    match = _NEGATIVE_QUESTION.search(core)
    if match is None:
        # "Did the ECB not raise rates …?", "Is it not the case that …?": the same question.
        split = _SPLIT_NEGATIVE_QUESTION.match(core) if asked else None
        if split is not None:
            return core[: split.start("neg")] + core[split.end("neg") :]
        return core
    aux = match["aux"].casefold()
    # Opening the message, a negative auxiliary asks ("didnt hungary block …"); elsewhere,
    # and for "don't" (which also commands), only a question mark says it asks.
    if not asked and (match.start() > 0 or aux in ("don't", "dont")):
        return core
    return core[: match.start()] + _POSITIVE[aux] + match["rest"]


def judge_identity(message: str, claim: Claim) -> Identity:
    """Whether `message` is `claim`, contradicts it, is another claim or is no claim at all."""
    reason = no_claim(message)
    if reason is not None:
        return Identity(Verdict.NO_CLAIM, reason)
    said = _as_asked(message)
    stated, held, both_quote = _statements(said, claim.text)
    found = _contradiction(said, claim.text, stated, held)
    kind = found[0] if found is not None else ""
    if kind == "negation" and (
        denies_the_other(asserted(said), claim.text) or denies_permission(said, claim.text)
    ):
        # "did not reject" for "approved": the negation denies the opposite, and states
        # the claim; a name or number may still change it.
        found = _contradiction(said, claim.text, stated, held, frozenset({"negation"}))
        kind = found[0] if found is not None else ""
    # A denied fact or another date is this claim's contradiction, whoever is said to state
    # it and however sure it is ("NASA says no asteroid will hit"): checked first. Another
    # number is too, over who says it and how many ("61%, the agency says" for "16%").
    if found is not None and kind in ("negation", "date"):
        return Identity(Verdict.CONTRADICTS, found[1], kind)
    for check in (
        _attribution_clash,
        _role_swap,
        _subject_swap,
        _agent_replaced,
        _nominal_doer,
        _comparison_swap,
        _modality_clash,
        _quantifier_clash,
        _alternative_swap,
    ):
        if kind == "number" and check in (_attribution_clash, _quantifier_clash):
            continue
        # Two reports of one speaker: "said it would open" is "said it will open".
        if both_quote and check is _modality_clash:
            reason = _modality_clash(_backshift(said), _backshift(claim.text), reported=True)
        else:
            reason = check(said, claim.text)
        if reason is not None:
            return Identity(Verdict.DIFFERENT, reason)
    opposed = _opposed(said, claim.text)
    if kind == "name" and opposed is not None and not opposed.negated:
        found = None  # "rose" for "fell" in a lower-case message is no name
    if found is None:
        if opposed is not None and not opposed.negated:
            reason = f'your message says "{opposed.said}"; the claim says "{opposed.held}"'
            return Identity(Verdict.CONTRADICTS, reason, "negation")
        return Identity(Verdict.SAME, "")
    reason = found[1]
    # Another person, team or body in a name's place is another claim, not this one's
    # contradiction; and the name may be an alias nobody listed ("the Reds", "Queen B").
    if kind == "name":
        return Identity(Verdict.DIFFERENT, reason)
    return Identity(Verdict.CONTRADICTS, reason, kind)


def _statements(message: str, claim: str) -> tuple[str, str, bool]:
    """What the two texts state, to be compared, and whether both quote one speaker. A
    message quoting someone where the claim states a fact states what was quoted ("Trump
    says Putin fooled four presidents" does not deny "…, but not Trump" by naming Trump);
    two reports of one speaker ("Cllr Faraday told the meeting …" and "Wexcombe councillor
    Roy Faraday said …") are compared as wholes after the past's shift ("said it would
    open" for "said it will open"), and only what was said may name someone else."""
    quoted = attribution(message)
    if quoted is None or quoted.verb in DENIALS:
        return message, claim, False
    claimed = attribution(claim)
    if claimed is None:
        return quoted.said, claim, False
    if claimed.verb in DENIALS or not _same_speaker(quoted, claimed):
        return message, claim, False
    return quoted.said, claimed.said, True


def _backshift(text: str) -> str:
    """Reported speech without the past's shift: "would open" said then is "will open"."""
    return re.sub(r"\b(?:would|(?<=\w)'d)\b", " will", text, flags=re.IGNORECASE)


def _contradiction(
    message: str, claim: str, stated: str, held: str, skip: frozenset[str] = frozenset()
) -> tuple[str, str] | None:
    """The first contradiction between what the two state. A denial of what was quoted, and
    a date or a number anywhere; another name only where what was said names someone else
    too (a speaker named two ways, "Cllr Faraday" and "councillor Roy Faraday", is no
    other name, and a fragment written without capitals names nobody)."""
    if (stated, held) == (message, claim):
        return contradiction(message, claim, skip)
    whole = message if held != claim else stated
    found = contradiction(whole, claim, skip | {"name"})
    if found is not None or "name" in skip:
        return found
    named = contradiction(message, claim, frozenset({"date", "number", "negation"}))
    if named is not None and contradiction(stated, held, frozenset({"date", "number", "negation"})):
        return named
    return None


def _alternative_swap(message: str, claim: str) -> str | None:
    """Another of mutually exclusive alternatives in the claim's slot: "secondary schools"
    for "primary schools", "the Antarctic" for "the Arctic"."""
    return swapped_alternative(asserted(message), claim)


def _opposed(message: str, claim: str) -> Opposition | None:
    """The opposite predicate of the claim's ("rejected" for "approved"), unless it is a
    comparison turned round: "fewer in B than in A" says "more in A than in B"."""
    found = opposition(asserted(message), claim)
    if found is not None and (_compared_reversed(message, claim) or _same_roles(message, claim)):
        return None
    return found


def _compared_reversed(message: str, claim: str) -> bool:
    said, held = _compared(asserted(message)), _compared(claim)
    if said is None or held is None:
        return False
    first = (held[0] - held[1]) & (said[1] - said[0])
    second = (held[1] - held[0]) & (said[0] - said[1])
    return bool(first and second)
