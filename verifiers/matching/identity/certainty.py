"""How sure and how many: modality ("could", "plans to") and quantifiers ("most", "a third")."""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from verifiers.matching.contrast import (
    NOT_PERMITTED,
    denies_permission,
)
from verifiers.matching.identity.asserted import asserted
from verifiers.matching.identity.clauses import REPORTING, is_year, same_word_key, word_key
from verifiers.text.names import (
    words,
)
from verifiers.text.numbers import MONTHS, quantities
from verifiers.text.tokens import STOPWORDS
from verifiers.text.verbs import is_past

# -- how sure, and how many -----------------------------------------------------------------------

MARKER_REACH = 3  # words between a marker and the shared word it says how sure or many of
_MODALITY = (
    (
        "possible",
        r"could|might|may|can|possibly|potentially|able to|chance|risk of|would be able|"
        r"faces|facing|(?:or|could|would|will|to) face|"  # "faces jail": may yet be jailed
        # "sell it or get banned", "or it gets banned": a ban if not
        r"or (?:else )?(?:(?:it|they|he|she|you|we) )?(?:gets?|be|risks?)",
    ),
    # "threatened sanctions": if not … The threat itself was made: only what is threatened,
    # its object, is unsure ("threatened sanctions on buyers of Russian exports" is sure of
    # Russia).
    ("possible", r"threaten(?:s|ed|ing)?(?! to)", 1),
    (
        "planned",
        r"plans? (?:to|an?)|planning (?:to|an?)|planned (?:to|an?)|"
        r"intends? to|intending to|intended to|aims? to|"
        r"aiming to|wants? to|wanting to|wants? an? |"
        r"considering|considers|considered|weighing|weighed|proposed|proposes|proposing|"
        r"threaten(?:s|ed|ing)? to|vow(?:s|ed|ing)? to|promis(?:es|ed|ing) to|"
        r"hopes? to|hoping to|seeks? to|seeking to|trying to|tries to|attempting to|"
        r"mulls?|mulling|bid to|push(?:es|ing)? to|moving to|preparing to|on course to|"
        r"on track to|in talks to|would|(?:i|you|he|she|it|we|they|there|that|who)'d",
    ),
    (
        "future",
        r"will|'ll|it'll|they'll|we'll|he'll|she'll|that'll|there'll|you'll|shall|going to|"
        r"gonna|is to|are to|expected to|expects? (?:\w+ ){0,3}?to|"
        r"likely to|set to|due to (?!\$|\d)",
    ),
    # "is taking four astronauts": the present progressive tells of now or of a plan.
    # The marker is the auxiliary: the "-ing" verb after it is what it bears on ("is opening
    # in 2027" bears on "opening").
    ("either", r"to be|(?:is|are|am|'s|'re)(?= \w+ing\b)", MARKER_REACH + 1),
)


class _Marker(NamedTuple):
    """A kind of marker ("possible", "most"), how it is written, and how many content words
    after it it can bear on."""

    name: str
    pattern: re.Pattern[str]
    reach: int


def _compiled(kinds: tuple[tuple[Any, ...], ...]) -> list[_Marker]:
    """(name, pattern[, reach]) entries, most tentative (or most) first, as `_Marker`s."""
    return [
        _Marker(name, re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE), *(reach or [MARKER_REACH]))
        for name, pattern, *reach in kinds
    ]


_MODAL = _compiled(_MODALITY)
_ASKING_BOT = re.compile(r"\b(?:can|could|will|would) (?:you|u|someone|anyone)\b", re.IGNORECASE)


def _anchors(message: str, claim: str) -> set[str]:
    """The content words the two texts share (by `word_key`): where they speak of one thing."""
    said = {word_key(w) for w in words(message) if w not in STOPWORDS and not w[:1].isdigit()}
    held = {word_key(w) for w in words(claim) if w not in STOPWORDS and not w[:1].isdigit()}
    # Keys of one word cut apart by its endings ("vot" of "voted", "vote" of "votes").
    return (
        (said & held)
        | {a for a in said if any(same_word_key(a, b) for b in held)}
        | {b for b in held if any(same_word_key(a, b) for a in said)}
    )


_NOT_MARKERS = re.compile(
    r"\b(?:\d{1,2}(?:st|nd|rd|th)? may|may \d{1,4}|(?:in|since|by|until|till|from|last|"
    r"early|late|mid|this|next|the|that) may|may's|some or all|due to|at all|"
    r"(?:that|which|who) would|"
    # "Facing deadly protests, Ruto withdrew the bill": what he faced, not what may happen.
    r"^facing|(?:after|despite|while|when) facing)\b"
)
# "announced that they would reunite" reports a plan, and the announcement happened: where
# both texts report one, the reported plan tells nothing of how sure either is.
_REPORTING_VERB = rf"(?:{REPORTING}|confirm(?:s|ed)?|pledg(?:es|ed))"
_REPORTS = re.compile(rf"\b{_REPORTING_VERB}\b", re.IGNORECASE)
_REPORTED_PLAN = re.compile(
    rf"\b({_REPORTING_VERB}(?: \w+){{0,6}}?) (?:would|\w+'d)\b", re.IGNORECASE
)
# "Biden's plan to cancel student debt" names a plan: where both texts speak of the plan,
# it is no plan of the sentence's.
_NAMED_PLAN = re.compile(r"\b(\w+'s (?:plans?|bid|proposal)) to\b", re.IGNORECASE)
_PLANNING = re.compile(r"\bplan(?:s|ned|ning)? to\b", re.IGNORECASE)


def _plan_as_a_name(message: str, claim: str) -> tuple[str, str]:
    """Both texts without the plans they name ("Biden's plan to cancel …" for "Biden's student
    loan forgiveness plan"), unless one of them plans something itself."""
    named = _NAMED_PLAN.sub(r"\1 _", message), _NAMED_PLAN.sub(r"\1 _", claim)
    if any(_PLANNING.search(text) for text in named):
        return message, claim
    return named


def _markers(text: str, anchors: set[str], kinds: list[_Marker]) -> set[str]:
    """The kinds of marker ("could", "plans to", "most") of `text` that bear on a shared
    word: one of the few content words right after the marker. "May" the month, "some or
    all" and a "would" of a relative clause mark nothing."""
    core = " ".join(words(_ASKING_BOT.sub(" ", asserted(text))))
    # Each marker that marks nothing stays one word, so that words keep their places.
    core = _NOT_MARKERS.sub(lambda m: "some" if m[0] == "some or all" else "_", core)
    text_words = core.split()
    found: set[str] = set()
    for name, pattern, reach in kinds:
        for match in pattern.finditer(core):
            end = core[: match.end()].count(" ") + 1
            # Numbers are no words to reach past: "to hike to 0.25% in July" bears on July.
            following = [
                w for w in text_words[end : end + 8] if w not in STOPWORDS and not w[:1].isdigit()
            ]
            if any(word_key(w) in anchors for w in following[:reach]):
                found.add(name)
                break
    return found


def _past(text: str, anchors: set[str]) -> bool:
    """Whether `text` puts one of the shared words in the past tense."""
    return any(is_past(w) and word_key(w) in anchors for w in words(asserted(text)))


def _modal_kinds(text: str) -> set[str]:
    """Every kind of modal marker `text` has, whatever it bears on."""
    core = " ".join(words(_ASKING_BOT.sub(" ", asserted(text))))
    core = _NOT_MARKERS.sub(" ", core)
    found = {name for name, pattern, _ in _MODAL if pattern.search(core)}
    # "wants churches taxed" says "wants to tax churches"; on its own, a wish ("Trump wanted
    # Ukraine to strike") is no plan.
    return found | ({"planned"} if _WANTS.search(core) else set())


_WANTS = re.compile(r"\bwants?\b")


def modality(text: str, anchors: set[str]) -> str:
    """How sure `text` is of what it says about the shared words: possible, planned, future
    or (by default) done."""
    found = _markers(text, anchors, _MODAL)
    for name, *_ in _MODAL:  # the most tentative wins: "could" in "could soon be"
        if name in found:
            return name
    return "done"


def _modality_clash(message: str, claim: str, *, reported: bool = False) -> str | None:
    """Another certainty. In two reports of one speaker (`reported`), a present tense is
    their timetable ("said the extension opens in 2027" for "will open")."""
    anchors = _anchors(asserted(message), claim)
    if _REPORTS.search(message) and _REPORTS.search(claim):
        message, claim = _REPORTED_PLAN.sub(r"\1 _", message), _REPORTED_PLAN.sub(r"\1 _", claim)
    if word_key("plan") in anchors:
        message, claim = _plan_as_a_name(message, claim)
    if denies_permission(message, claim):  # "won't be able to buy" says a ban, not a chance
        message = NOT_PERMITTED.sub(" ", message)
    said, held = modality(message, anchors), modality(claim, anchors)
    if reported and {said, held} == {"done", "future"}:
        done_side = message if said == "done" else claim
        if not _past(done_side, anchors):
            return None
    # "to be paid by NATO" says neither when: it goes with "will pay" and with "paid".
    # "is taking", "to be paid": either when says nothing of how sure, only "could" is less.
    if said == held or ("either" in (said, held) and "possible" not in (said, held)):
        return None
    # Where one side's marker bears on nothing shared, the other's marker anywhere in it
    # ("it'll miss us … and pass 32,000 km away" for "will pass"): as sure, worded apart.
    # A side that tells it in the past ("signed") is done, wherever the other's marker is.
    if (said == "done" and held in _modal_kinds(message) and not _past(message, anchors)) or (
        held == "done" and said in _modal_kinds(claim) and not _past(claim, anchors)
    ):
        return None
    return f"your message says it {_MODAL_WORDS[said]}; the claim says it {_MODAL_WORDS[held]}"


_MODAL_WORDS = {
    "either": "is to happen",
    "possible": "could happen",
    "planned": "is planned or expected",
    "future": "will happen",
    "done": "happened",
}

_QUANTIFIERS = (
    ("all", r"all|every|everyone|everybody|each|always|entire|whole|unanimous|unanimously"),
    (
        "most",
        r"most|majority|mostly|more than half|over half|nearly all|almost all|nearly everyone|"
        r"almost everyone|nearly every|almost every|the bulk|the lion's share|virtually all|"
        r"pretty much all|practically all|the overwhelming majority",
    ),
    (
        "few",
        r"minority|few|fewer than half|less than half|under half|only some|a handful|"
        r"hardly anyone|hardly anybody|barely any|barely anyone|almost no one|"
        r"hardly any|rarely|a couple(?: of)?|a small (?:part|share|number|fraction)|"
        r"only a small|a tiny (?:fraction|number|share|minority)|a sliver|one or two|"
        r"next to no(?:one| one|body)?|virtually no(?:one| one|body)|almost none|barely a",
    ),
    (
        "many",
        r"many|lots of|loads of|a lot of|tons of|plenty of|countless|huge numbers of|"
        r"large numbers of|a (?:good|big|large|huge|significant|sizeable) (?:chunk|share|"
        r"number|proportion|part) of|a high proportion of",
    ),
    ("some", r"some|several|a number of"),
)
_QUANT = _compiled(_QUANTIFIERS)


def quantifier(text: str, anchors: set[str]) -> str | None:
    """How many of the shared thing `text` speaks of: all, most, few, some, half or unsaid.
    A share written as a number counts too: "64%" and "nine of 14" are most, "16%" few."""
    found = _markers(text, anchors, _QUANT)
    named = next((name for name, *_ in _QUANT if name in found), None)
    return named or _share(asserted(text))


def _numeric_share(text: str, anchors: set[str]) -> bool:
    """Whether `text` gives its share only as a number: no quantifier word bears on it."""
    return not _markers(text, anchors, _QUANT) and _share(asserted(text)) is not None


_OF_TOTAL = re.compile(
    r"\b(\d+|[a-z]+) (?:out )?of (?:its |the |their |his |her |[a-z]+'s )?(\d+)\b"
)
# "one in three", "nine in ten", "2 in 5": a share as a ratio.
_IN_EVERY = re.compile(r"\b(\d+|[a-z]+) (?:in|out of) (?:every )?(\d+|[a-z]+)\b")


# A percentage by which something changed is no share of it: "raised by an average of 7.5%",
# "deforestation dropped about 31 per cent".
_CHANGE_BY = re.compile(
    r"\b(?:by|up|down|increase of|rise of|fall of|cut of|drop of|"
    r"(?:rose|fell|dropped|grew|jumped|climbed|slumped|plunged|declined|increased|decreased|"
    r"surged|soared|shrank|slid|tumbled|sank)(?: by)?)\s+(?:an? )?(?:average of )?"
    r"(?:about |around |nearly |almost )?[\d.,]+\s*(?:%|per ?cent|percent)"
)


def _share(text: str) -> str | None:
    """The quantifier a percentage, a fraction or "N of M" amounts to."""
    lowered = _CHANGE_BY.sub(" ", text.casefold())
    shares = [q.value for q in quantities(lowered) if q.unit == "%"]
    for match in _OF_TOTAL.finditer(lowered):
        part = quantities(match[1])
        total = float(match[2])
        if part and total:
            shares.append(100 * part[0].value / total)
    for match in _IN_EVERY.finditer(lowered):
        part, whole = quantities(match[1]), quantities(match[2])
        if part and whole and 1 < whole[0].value <= 1000 and part[0].value < whole[0].value:
            shares.append(100 * part[0].value / whole[0].value)
    if not shares:
        return None
    share = shares[0]
    if share >= 99.5:
        return "all"
    if share > 50.5:
        return "most"
    return "half" if share >= 49.5 else "few"


def _quantifier_clash(message: str, claim: str) -> str | None:
    anchors = _anchors(asserted(message), claim)
    said, held = quantifier(message, anchors), quantifier(claim, anchors)
    if _numeric_share(message, anchors) and _numeric_share(claim, anchors):
        return None  # two numbers ("46%", "64%") agree or clash as numbers (`stance`)
    if held is None and said in ("all", "most", "few"):
        return _count_clash(message, claim, said)
    if said is None or held is None or said == held or {said, held} <= {"some", "few"}:
        return None
    if "some" in (said, held) and {said, held} & {"half", "most", "many"}:
        return None  # "some" does not deny that it is half
    if "many" in (said, held) and {said, held} & {"half", "most"}:
        return None  # nor does "many" deny that it is most; but it denies "a few"
    return f"your message says {said}; the claim says {held}"


def _count_clash(message: str, claim: str, said: str) -> str | None:
    """ "Every pothole" or "most students" where the claim counts them ("12,400 potholes",
    "four students"): a share is not the count, unless the message gives the count too
    ("all 34 counts")."""
    said_counts = quantities(asserted(message).casefold())
    said_keys = {word_key(w) for w in words(asserted(message)) if w not in STOPWORDS}
    for q in quantities(claim.casefold()):
        if q.unit in ("%", "") or not q.unit.isalpha() or q.unit in MONTHS:
            continue  # a share, a sum of money or a day of the month is no count
        if is_year(q.value, q.text):
            continue
        # "unanimously approved" counts the votes without naming them
        counted = any(same_word_key(c, k) for c in q.context for k in said_keys) or (
            "vote" in q.context and bool(_UNANIMOUS.search(asserted(message)))
        )
        if counted and not any(q.same_value(s) for s in said_counts):
            return f"your message says {said}; the claim counts {q.text} {q.unit}s"
    return None


_UNANIMOUS = re.compile(r"\bunanimous(?:ly)?\b", re.IGNORECASE)
