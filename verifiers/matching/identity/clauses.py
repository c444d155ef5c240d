"""Word lists and clause readers the identity rules share (reporting verbs, parties, spans)."""

from __future__ import annotations

from verifiers.text.names import forms, position
from verifiers.text.tokens import STOPWORDS, stem, word_set
from verifiers.text.verbs import is_verb, may_be_verb

REPORTING = (
    r"said|says|say|claimed|claims|claim|told|tells|stated|states|announced|announces|"
    r"argued|argues|insisted|insists|wrote|writes|posted|posts|tweeted|tweets|alleged|"
    r"alleges|suggested|suggests|admitted|admits|warned|warns|boasted|boasts|declared|"
    r"declares|asserted|asserts|maintained|maintains|revealed|reveals|accused|accuses|"
    r"predicted|predicts|promised|promises|vowed|vows|denied|denies|believes|believed|thinks|"
    r"reckons|reckoned|swears|swore|"
    r"promise|predict|insist|admit|tweet|warn"  # asked about: "did Musk really promise …"
)


def word_key(word: str) -> str:
    """Words meet on their stem's first four letters ("beat"/"beaten", "sued"/"sues")."""
    return stem(word)[:4]


DETERMINERS = word_set("a an the its his her their this that these those our my your")
NEGATIONS = word_set(
    "not never no didnt doesnt dont wasnt werent isnt arent hasnt havent hadnt wont cant couldnt"
)
REPORTING_WORDS = word_set(REPORTING.replace("|", " ")) | word_set(
    "reported reports confirmed confirms"
)
AUXILIARIES = word_set("has have had is are was were will would did does do")


def verb_after(text_words: list[str], start: int) -> str | None:
    """The verb right after a party ("won", "has sued": "sued"), or None if none follows."""
    following = text_words[start : start + 2]
    if following and following[0] in AUXILIARIES and following[0] not in PASSIVE:
        following = following[1:]
    if not following or following[0] in PASSIVE:
        return None
    word = following[0]
    return word if is_verb(word) or may_be_verb(word) else None


def run_span(text_words: list[str], at: int, run: tuple[str, ...]) -> int:
    """How many words the name starting at `at` takes as written there: "Palace" is one word
    of "Crystal Palace", "US" one of "United States"."""
    spelled = {part for form in forms(run) for part in form.split()}
    size = 0
    while size < len(run) and at + size < len(text_words):
        if text_words[at + size].removesuffix("'s") not in spelled:
            break
        size += 1
    return max(size, 1)


def acts_at_once(text_words: list[str], start: int) -> bool:
    """Whether a verb follows the name straight away (an auxiliary counts: "has sued")."""
    if start >= len(text_words):
        return False
    word = text_words[start]
    if word in PASSIVE:
        return False
    return is_verb(word) or (word.endswith("s") and word not in STOPWORDS and len(word) > 3)


def named_parties(text_words: list[str], runs: list[tuple[str, ...]]) -> list[tuple[int, str]]:
    """The claim's names in `text_words` that can be parties, in order of appearance."""
    placed = sorted(
        (at, " ".join(run))
        for run in runs
        if (at := position(text_words, run)) is not None and is_party(text_words, at, run)
    )
    first_at: dict[str, int] = {}
    for at, name in placed:  # in order of appearance: a name's first place is kept
        first_at.setdefault(name, at)
    return [(at, name) for name, at in first_at.items()]


PASSIVE = word_set("was were is are been being be got gets get")
PLACE_WORDS = word_set("in at from of on to for by near into across inside outside within")


def is_party(clause_words: list[str], at: int, run: tuple[str, ...]) -> bool:
    """Whether the name at `at` can be a party to the verb: not a possessive ("India's
    ruling party") nor a place or source after a preposition ("in Manhattan", "from Brazil")."""
    before = clause_words[at - 1] if at > 0 else ""
    written = clause_words[at : at + len(run)]
    return not any(w.endswith("'s") for w in written) and before not in PLACE_WORDS


def same_word_key(a: str, b: str) -> bool:
    """Two word keys of one word ("vote" of "votes", "vot" of "voted")."""
    return min(len(a), len(b)) >= 3 and (a.startswith(b) or b.startswith(a))


def is_year(value: float, text: str) -> bool:
    return text.isdigit() and len(text) == 4 and 1800 <= value <= 2100


# Verbs of a speaker who denies what they are quoted on.
DENIALS = word_set("denied denies deny")
