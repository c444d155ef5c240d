"""Who did what to whom: parties in their roles around the claim's act, and other doers."""

from __future__ import annotations

import functools
import re
from itertools import pairwise
from typing import NamedTuple

from verifiers.matching.identity.asserted import asserted
from verifiers.matching.identity.clauses import (
    AUXILIARIES,
    DETERMINERS,
    NEGATIONS,
    PASSIVE,
    PLACE_WORDS,
    REPORTING_WORDS,
    acts_at_once,
    named_parties,
    run_span,
    verb_after,
    word_key,
)
from verifiers.text.names import (
    COMMON_STARTS,
    DESCRIPTIONS,
    GENERIC,
    TITLES,
    WORD,
    covered,
    forms,
    mentions,
    names,
    position,
    same_spelling,
    words,
)
from verifiers.text.normalize import clean
from verifiers.text.numbers import MONTHS
from verifiers.text.tokens import STOPWORDS, word_set
from verifiers.text.verbs import base_form, is_past, is_verb, may_be_verb

# -- who did what to whom -----------------------------------------------------------------------

MAX_ROLE_GAP = 6  # words between two names for them to be two roles of one verb
_SYMMETRIC = word_set(
    """
    met meets meet talked talks spoke speaks played plays drew draws tied ties married marries
    between both signed agreed agree
    """
)
# Words that join two names as one party ("City and Palace", "City vs Palace"): they make
# the pair symmetric only next to a name, not in "came out and endorsed Kennedy".
_JOINING = word_set("and with vs v versus against")
# Verbs whose subject is the other party of another verb: "Palace lost to City" is "City
# beat Palace", "Rice joined Arsenal" is "Arsenal signed Rice", "X sold Y to Z" is "Z
# bought (or signed) Y from X".
# Verbs on one side of a pair mean alike ("won over" is "beat"); across it, the converse.
_CONVERSES = (
    (
        word_set("beat defe thra hamm crus down edge win vict knoc elim oust"),
        word_set("lose fall"),
    ),
    (word_set("sign hire recr poac"), word_set("join go move sell")),
    (word_set("buy acqu purc take"), word_set("sell")),
    (word_set("send give lend sell ship supp"), word_set("rece get borr")),
    (word_set("lead ahea"), word_set("trai behi")),
)


def _verb_key(word: str) -> str:
    return word_key(base_form(word))


def _converse(one: set[str], other: set[str]) -> bool:
    """Whether a verb among `one` is the converse of one among `other`."""
    return any((one & a and other & b) or (one & b and other & a) for a, b in _CONVERSES)


def _same_act(one: set[str], other: set[str]) -> bool:
    """Whether the two share a verb, or verbs of one meaning ("beat" / "win over")."""
    return bool(one & other) or any(
        (one & side and other & side) for pair in _CONVERSES for side in pair
    )


_LINKING = word_set("whether if that to whom")


def _role_swap(message: str, claim: str) -> str | None:
    """Two names on either side of one verb in the claim, the other way round around the same
    verb in the message ("Palace beat City" / "City beat Palace"); "City were beaten by
    Palace" turns the order back. The roles read around the act decide when they find the
    claim's parties in the claim's roles ("Sunderland's defeat to Leeds") or another way
    round (`_exchanged`)."""
    exchanged = _exchanged(message, claim)
    if exchanged is not None or _same_roles(message, claim, converse_only=False):
        return exchanged
    claim_words, said_words = words(claim), words(asserted(message))
    located = []
    for name in names(claim, known=True):
        at_claim, at_said = position(claim_words, name), position(said_words, name)
        if at_claim is not None and at_said is not None:
            located.append((at_claim, at_said, " ".join(name)))
    located.sort()
    for (c1, s1, first), (c2, s2, second) in pairwise(located):
        if first == second or not 1 < c2 - c1 <= MAX_ROLE_GAP + 1:
            continue
        if not 1 < abs(s2 - s1) <= MAX_ROLE_GAP + 1:
            continue
        # The words between the two names, the first name's own words left out (it may be
        # written in full or by one of its words: "Jannik Sinner", "Sinner").
        between_claim = [w for w in claim_words[c1 + 1 : c2] if w not in first.split()]
        (low, low_name), (high, _) = sorted(((s1, first), (s2, second)))
        between_said = [w for w in said_words[low + 1 : high] if w not in low_name.split()]
        if _symmetric(between_claim) or _symmetric(between_said):
            continue
        if all(_is_title(w) for w in between_claim):
            continue  # a title, not an act ("FTX founder Sam Bankman-Fried")
        verbs = {
            _verb_key(w)
            for w in between_claim
            if w not in STOPWORDS
            and w not in _LINKING
            and w.isalpha()  # "3-1" is no act
            and not _is_title(w)
        }
        said_verbs = {_verb_key(w) for w in between_said if not _is_title(w)}
        converse = not _same_act(verbs, said_verbs) and _converse(verbs, said_verbs)
        if not _same_act(verbs, said_verbs) and not converse:
            continue  # not the same verb between them: no roles to compare
        passive_claim = _passive_by(between_claim)
        passive_said = _passive_by(between_said)
        if (s2 < s1) != ((passive_claim != passive_said) != converse):
            return f"roles swapped: the claim says {first} … {second}, your message the reverse"
    return None


def _symmetric(between: list[str]) -> bool:
    """Whether the words between two names make them one party or a pair alike: "met", or
    "and" right next to one of them ("City and Palace fans")."""
    return any(w in _SYMMETRIC for w in between) or bool(
        between and (between[0] in _JOINING or between[-1] in _JOINING)
    )


def _passive_by(between: list[str]) -> bool:
    """Whether "by" names an agent ("beaten by Sinner"), not a means ("by beating Sinner")."""
    return any(
        w == "by" and (not nxt.endswith("ing") or nxt in TITLES)  # "by King Charles"
        for w, nxt in pairwise([*between, ""])
    )


def _is_title(word: str) -> bool:
    """A word that names what someone is, not what they did: "founder", "chief", "owner"."""
    return word in TITLES or word in DESCRIPTIONS or word.endswith(("er", "or", "ist", "man"))


def _subject_swap(message: str, claim: str) -> str | None:
    """Another of the claim's parties doing what the claim's first party does: "China put
    tariffs on US goods" for "the United States raised tariffs on China", "West Ham signed
    Rice from Arsenal" for "Arsenal signed Rice from West Ham". Not when the message's first
    party is followed by what follows it in the claim too ("Ukraine could hit Moscow, Trump
    asked" for "Trump asked whether Ukraine could hit Moscow"), nor in the passive."""
    said = words(asserted(message))
    held = words(claim)
    runs = [run for run in names(claim, known=True) if position(held, run) is not None]
    placed_said = named_parties(said, runs)
    placed_held = named_parties(held, runs)
    if not placed_said or not placed_held:
        return None
    (at_said, first_said), (_, first_held) = placed_said[0], placed_held[0]
    # The other side may name them anywhere, as a party or not ("from West Ham").
    in_said = {" ".join(run) for run in runs if _referred(said, run, held) is not None}
    in_held = {" ".join(run): position(held, run) for run in runs}
    at_held = in_held.get(first_said)
    if first_said == first_held or first_held not in in_said or at_held is None:
        return None
    # "Ellery's claim that wind farms killed … Ohio birds": the claim's first party, named
    # as the owner of what the message tells, still comes first.
    held_run = next(run for run in runs if " ".join(run) == first_held)
    named_at = _referred(said, held_run, held)
    if named_at is not None and named_at < at_said:
        owner = said[named_at + run_span(said, named_at, held_run) - 1]
        if owner.endswith("'s"):
            return None
    said_run = next(run for run in runs if " ".join(run) == first_said)
    end_said = _past_conjunct(said, at_said + run_span(said, at_said, said_run), runs)
    after_said = _next_content(said, end_said)
    after_held = _next_content(held, at_held + run_span(held, at_held, said_run))
    if after_said is None or after_said == after_held or not _acts(said, end_said):
        return None
    # "Bellingham went to Real" and "Palace sold Olise to Bayern" put the other party first.
    acting = {_verb_key(w) for w in said[end_said : end_said + 2]}
    if _converse(acting, {_verb_key(w) for w in held}):
        return None
    # The claim's first party must do what the claim says ("Ofwat fined …", not "A Manhattan
    # jury found …", "Samples from Bennu …"), and the message must not name it as the agent
    # of a passive ("… was fined by Ofwat").
    first_run = next(run for run in runs if " ".join(run) == first_held)
    claim_at = in_held[first_held]
    if claim_at is None or not acts_at_once(held, claim_at + len(first_run)):
        return None
    by_at = position(said, first_run)
    if by_at is not None and by_at > 0 and said[by_at - 1] == "by":
        return None
    return f"roles swapped: the claim says {first_held} … {first_said}, your message the reverse"


# -- who did what to whom, read around the act ---------------------------------------------------
# The parties on either side of the claim's act, in the message and in the claim, each given
# the role the act gives its place: "Palace beat City", "City were beaten by Palace", "City
# lost to Palace", "Palace's win over City" and "City's defeat to Palace" all make Palace the
# winner. Roles: the doer, the one done to, where something moves from, and what is won.
_DOER, _DONE_TO, _SOURCE, _TITLE = "doer", "done to", "source", "title"

# Acts of one meaning (the first word names it), each with the role of every place a party
# can stand in around it: "subj" (before it), "obj" (straight after it), a preposition before
# the party, and in the passive the subject takes the object's role and "by" the subject's.
_ACT_TABLE: tuple[tuple[str, str, dict[str, str]], ...] = (
    (
        "beat",
        """beat beats beaten beating defeat defeated defeats thrash thrashed thrashing hammered
        crushed edged knocked knockout ousted eliminated victory victories battered routed""",
        {"subj": _DOER, "obj": _DONE_TO, "over": _DONE_TO, "against": _DONE_TO,
         "of": _DONE_TO, "by": _DOER, "to": _DOER},
    ),
    ("beat", "win wins won winning",
     {"subj": _DOER, "obj": _TITLE, "over": _DONE_TO, "against": _DONE_TO, "by": _DOER}),
    ("beat", "lose loses lost losing loss losses",
     {"subj": _DONE_TO, "obj": _TITLE, "to": _DOER, "against": _DOER, "by": _DOER}),
    ("lead", "ahead lead leads led leading", {"subj": _DOER, "obj": _DONE_TO, "of": _DONE_TO}),
    ("lead", "behind trail trails trailed trailing", {"subj": _DONE_TO, "obj": _DOER}),
    # Something or someone moving from one party to another: "doer" is who ends up with it.
    (
        "move",
        """sign signs signed signing hire hires hired hiring recruit recruited poach poached
        poaching appoint appointed buy buys bought buying acquire acquired acquisition
        purchase purchased takeover""",
        {"subj": _DOER, "obj": _DONE_TO, "from": _SOURCE, "by": _DOER, "of": _DONE_TO},
    ),
    ("move", "receive receives received", {"subj": _DOER, "obj": _DONE_TO, "from": _SOURCE}),
    ("move", "join joins joined joining", {"subj": _DONE_TO, "obj": _DOER, "from": _SOURCE}),
    ("move", "leave leaves left leaving quit quits", {"subj": _DONE_TO, "obj": _SOURCE}),
    (
        "move",
        """sell sells sold selling sale send sends sent sending give gives gave given lend lent
        ship shipped supply supplied deliver delivered delivery donate donated""",
        {"subj": _SOURCE, "obj": _DONE_TO, "to": _DOER, "by": _SOURCE},
    ),
    ("sue", "sue sues sued suing lawsuit lawsuits suit",
     {"subj": _DOER, "obj": _DONE_TO, "against": _DONE_TO, "by": _DOER}),
    ("sack", "sack sacks sacked sacking fire fires fired firing dismiss dismissed dismissal axed",
     {"subj": _DOER, "obj": _DONE_TO, "by": _DOER}),
    ("accuse", "accuse accuses accused accusation accusations blame blames blamed",
     {"subj": _DOER, "obj": _DONE_TO, "by": _DOER, "against": _DONE_TO}),
    ("endorse", "endorse endorses endorsed endorsement backed",
     {"subj": _DOER, "obj": _DONE_TO, "by": _DOER, "of": _DONE_TO}),
    ("attack", "attack attacks attacked attacking assault assaults assaulted assaulting",
     {"subj": _DOER, "obj": _DONE_TO, "by": _DOER}),
    ("hit", "hit hits hitting struck strike strikes crashed crashes smashed ploughed",
     {"subj": _DOER, "obj": _DONE_TO, "by": _DOER, "into": _DONE_TO}),
    ("host", "host hosts hosted hosting welcome welcomed",
     {"subj": _DOER, "obj": _DONE_TO, "by": _DOER}),
    ("fine", "fine fines fined", {"subj": _DOER, "obj": _DONE_TO, "by": _DOER, "from": _DOER}),
)  # fmt: skip
# Any other act the two texts share reads its parties in the plainest way.
_PLAIN_ACT = {"subj": _DOER, "obj": _DONE_TO, "by": _DOER, "against": _DONE_TO}
_ACT_PLACES: dict[str, tuple[str, dict[str, str]]] = {
    form: (meaning, slots) for meaning, forms_, slots in _ACT_TABLE for form in forms_.split()
}

_LISTED = frozenset(meaning for meaning, _, _ in _ACT_TABLE)
_RELATIVE = word_set("where who whom which whose when while")
_PRONOUNS = word_set("i we you he she it they")
_ACRONYM = re.compile(r"[A-Z]{2,5}s?")
_AMOUNTS = word_set("million billion trillion thousand hundred bn mn per cent percent times")
_ROLE_PREPOSITIONS = word_set("by to from over against of")
_PARTICLES = word_set("out off up down")
_OWNERS = word_set("its his her their our my your")
_COURT = ("to", "court")
ACT_REACH = 6  # words between a subject and its act
OBJECT_REACH = 12  # words after an act that may hold its parties
SLOT_REACH = 4  # words between a party and the preposition (or act) that places it


class _Frame(NamedTuple):
    meaning: str
    act: str  # the act as written
    roles: dict[str, str]  # role → party (the claim's name for it)
    done_to_something: bool = True  # an object follows the act, a party or not


def _tokens(text: str) -> list[str]:
    """The words of `text` lower-cased, with commas and sentence ends kept as "," and "."."""
    out: list[str] = []
    for match in re.finditer(rf"{WORD.pattern}|[,;:.!?]", clean(text)):
        token = match.group().casefold().replace("’", "'")
        if token == "." and out and (len(out[-1]) == 1 or out[-1] in TITLES):
            continue  # "U.S. Steel", "Dr. Hale": no sentence ends there
        out.append("." if token in ";:!?" else token)
    return out


def _occurrences(tokens: list[str], runs: list[tuple[str, ...]]) -> dict[int, tuple[int, str]]:
    """Where each party is written among `tokens` (every time): start → (end, name). A word two
    of the names share ("Steel" in Nippon Steel and U.S. Steel) places neither of them."""
    own = {run: set(forms(run)) for run in runs}
    shared = {f for run in runs for f in own[run] if any(f in own[o] for o in runs if o != run)}
    bare = [t.removesuffix("'s") for t in tokens]
    found: dict[int, tuple[int, str]] = {}
    for run in runs:
        for form in sorted(own[run] - shared, key=lambda f: -len(f.split())):
            parts = form.split()
            for at in range(len(tokens) - len(parts) + 1):
                spelled = bare[at : at + len(parts)] == parts or (
                    len(parts) == 1 and len(form) >= 5 and same_spelling(bare[at], form)
                )
                taken = any(s <= at < e for s, (e, _) in found.items())
                if spelled and not taken:
                    found[at] = (at + len(parts), " ".join(run))
    return dict(sorted(found.items()))


def _frames(text: str, runs: list[tuple[str, ...]], acts: frozenset[str]) -> list[_Frame]:
    """The acts of `text` (listed ones, or any of `acts` by its key) with the parties in their
    roles."""
    tokens = _tokens(text)
    placed = _occurrences(tokens, runs)
    # A party right before another is a modifier: "Helix Bank chair Ruth Okafor", "his
    # McLaren teammate Lando Norris", "supermarket chain Fernley's".
    for start, (end, _) in list(placed.items()):
        ahead = tokens[end : end + 3]
        nxt = next((s for s in placed if end <= s <= end + 1), None)
        if nxt is not None and all(_describing(t) for t in ahead[: nxt - end]):
            del placed[start]
    frames = []
    for at, token in enumerate(tokens):
        if any(s <= at < e for s, (e, _) in placed.items()):
            continue
        # A noun of an act ("fine", "win") right before a party or after "did" is its verb.
        verbal = (
            (at > 0 and tokens[at - 1] in _VERB_BEFORE)
            or any(t in _VERB_BEFORE - {"to"} for t in tokens[max(0, at - 4) : at])
            or at + 1 in placed
        )
        found = _acting(token, acts, tokens[at + 1 : at + 7], verbal=verbal)
        if found is None or any(_denies(t) for t in tokens[max(0, at - 2) : at]):
            continue  # no act, or one denied ("didn't lose"): that is the stance's to read
        meaning, slots = found
        roles = _fill(tokens, placed, at, slots, acts, verbal=verbal)
        if roles:
            nxt = at + 1
            while nxt < len(tokens) and tokens[nxt] in DETERMINERS | _PARTICLES:
                nxt += 1
            done_to = nxt < len(tokens) and (nxt in placed or _noun(tokens[nxt]))
            frames.append(_Frame(meaning, token, roles, done_to))
    return frames


_PEERS = word_set("teammate rival partner colleague boss")


def _describing(word: str) -> bool:
    """A word between a name and another that makes the first describe the second: "Helix
    Bank chair Ruth Okafor", "his McLaren teammate Lando Norris", "Asteroid 2024 YR4"."""
    if word in STOPWORDS or word in _LINKING:
        return False  # "asked Zelenskyy whether Ukraine …"
    return _is_title(word) or word in _PEERS or word[:1].isdigit()


def _denies(token: str) -> bool:
    return token in NEGATIONS or token.endswith("n't")


_VERB_BEFORE = word_set("did does do to will would could can may might")


def _as_act(after: list[str]) -> bool:
    """Whether a noun of an act is used as one: followed by the preposition of a party ("win
    over", "lawsuit against", "a fine from"), not a word it describes ("delivery app")."""
    return bool(after) and (after[0] in _ROLE_PREPOSITIONS or after[0] in _PARTICLES)


def _act_at(tokens: list[str], at: int, acts: frozenset[str]) -> bool:
    """Whether the word at `at` is an act (a noun of one only when used as one)."""
    verbal = (at > 0 and tokens[at - 1] in _VERB_BEFORE) or any(
        t in _VERB_BEFORE - {"to"} for t in tokens[max(0, at - 4) : at]
    )
    return _acting(tokens[at], acts, tokens[at + 1 : at + 7], verbal=verbal) is not None


def _acting(
    token: str, acts: frozenset[str], after: list[str] | None = None, *, verbal: bool = False
) -> tuple[str, dict[str, str]] | None:
    """The meaning and places of an act written as `token`, or None if it is no act."""
    if after is not None and base_form(token) == "take" and _COURT in pairwise(after):
        return _ACT_PLACES["sue"]  # "took Veltro to court"
    listed = _ACT_PLACES.get(token)
    if listed and (
        verbal or is_verb(token) or may_be_verb(token) or after is None or _as_act(after)
    ):
        return listed
    key = _verb_key(token)
    if key in acts and len(token) > 2 and token not in STOPWORDS and not _is_title(token):
        return key, _PLAIN_ACT
    return None


def _fill(
    tokens: list[str],
    placed: dict[int, tuple[int, str]],
    at: int,
    slots: dict[str, str],
    acts: frozenset[str],
    *,
    verbal: bool = False,
) -> dict[str, str]:
    """The roles the parties around the act at `at` take."""
    roles: dict[str, str] = {}
    # "Cole's knockout win", not "Japan's government accused …" (a past is a verb).
    owner = None if is_past(tokens[at]) else _owner(tokens, placed, at)
    # A noun, not a verb: "a €798m fine", "the 3-1 win", "its lawsuit".
    before = []
    for n in range(at - 1, max(-1, at - 3), -1):
        if any(s <= n < e for s, (e, _) in placed.items()) or tokens[n] in (",", "."):
            break
        before.append(tokens[n])
    nominal = owner is not None or (
        not verbal
        and bool(before)
        and (
            before[0] in DETERMINERS
            or before[0][:1].isdigit()
            or (len(before) > 1 and before[1] in DETERMINERS and not is_verb(before[0]))
        )
    )
    found = None if nominal else _subject(tokens, placed, at, acts)
    subject = found[1] if found is not None else None
    passive = not nominal and _in_passive(tokens, at, found[0] if found is not None else None)
    places: dict[str, str] = {}
    for slot, name, end in _after(tokens, placed, at, acts):
        if nominal and slot == "obj":
            continue  # "the retired GP Alan Purcell": a noun takes its parties by "of"
        # "sent Ukraine the jets": the first of two objects is who gets it.
        giving = slot == "obj" and slots.get("subj") == _SOURCE and end < len(tokens)
        if giving and (tokens[end] in DETERMINERS or tokens[end][:1].isdigit()):
            slot = "to"
        places.setdefault(slot, name)
    for slot, name in places.items():
        if passive and slot == "by":
            role = slots.get("subj")
        elif passive and slot == "obj":
            continue
        else:
            role = slots.get(slot)
        if role is not None:
            roles.setdefault(role, name)
    if subject is not None:
        role = slots.get("obj" if passive else "subj")
        if role is not None:
            roles.setdefault(role, subject)
    if owner is not None:
        # "Okafor's sacking by Marsh": the owner is done to when another does it.
        taken = slots.get("subj") in roles
        role = slots.get("obj") if taken else slots.get("subj")
        if role is not None:
            roles.setdefault(role, owner)
    return roles


def _owner(tokens: list[str], placed: dict[int, tuple[int, str]], at: int) -> str | None:
    """The party whose act this is as a noun: "Harlow's 3-1 win", "Cole's knockout win"."""
    owner = None
    for end, name in placed.values():  # in order: the nearest one last
        if at - SLOT_REACH <= end - 1 < at and tokens[end - 1].endswith("'s"):
            between = tokens[end:at]
            if all(t not in (",", ".") and t not in PLACE_WORDS for t in between):
                owner = name
    return owner


def _subject(
    tokens: list[str], placed: dict[int, tuple[int, str]], at: int, acts: frozenset[str]
) -> tuple[int, str] | None:
    """The party the act at `at` is said of: the nearest one before it in its clause. An act
    straight after another ("finished behind") has that one's subject; a participle after a
    comma ("…, finishing ahead of") the sentence's first party; an infinitive ("to win") none."""
    if at > 0 and tokens[at - 1] == "to":
        return None
    inside = any(s <= at - 1 < e for s, (e, _) in placed.items())
    previous = tokens[at - 1] if at > 0 else ""
    done = is_past(previous) or previous.endswith("ing")  # "finished behind", not "could hit"
    if done and not inside and _other_verb(previous) and not _act_at(tokens, at - 1, acts):
        return _subject(tokens, placed, at - 1, acts)
    if tokens[at].endswith("ing") and at > 0 and tokens[at - 1] not in AUXILIARIES | PASSIVE:
        # A participle is said of its clause's first party, or its sentence's after a comma.
        ends = (".",) if tokens[at - 1] == "," else (".", ",")
        start = max((i for i in range(at - 1) if tokens[i] in ends), default=-1) + 1
        first = [
            (s, n)
            for s, (e, n) in placed.items()
            if start <= s < at and not (s > 0 and tokens[s - 1] in PLACE_WORDS)
        ]
        return first[0] if first else None
    best = None
    for start, (end, name) in placed.items():
        if end > at or at - end > ACT_REACH:
            continue
        if any(t in (",", ".") for t in tokens[end:at]):
            continue
        # A possessive owns what follows it, unless the act follows it at once ("Fernley's
        # hired …": a name ending so).
        if (tokens[end - 1].endswith("'s") and end != at) or _in_place(tokens, placed, start):
            continue
        between = tokens[end:at]
        if any(_act_at(tokens, n, acts) or _other_verb(t) for n, t in enumerate(between, end)):
            continue
        if any(t in _RELATIVE or t in _LINKING or t in _PRONOUNS for t in between):
            continue  # "the Voice referendum where 60% voted", "asked X whether they could hit"
        # A place said of the party ("a teacher at Marrowby Academy punched …") is passed over.
        between = [
            t
            for n, t in enumerate(between, end)
            if not any(s <= n < e for s, (e, _) in placed.items()) and t not in DETERMINERS
        ]
        if between and between[-1] in PLACE_WORDS:
            between = between[:-1]
        if any(t in PLACE_WORDS or t == "with" for t in between):
            continue
        best = (start, name)
    return best


def _in_place(tokens: list[str], placed: dict[int, tuple[int, str]], start: int) -> bool:
    """Whether the party at `start` is a place or source after a preposition, past the names
    and determiners before it ("in Brazil's Amazon", "from the US")."""
    at = start - 1
    while at >= 0 and (
        tokens[at] in DETERMINERS or any(s <= at < e for s, (e, _) in placed.items())
    ):
        at -= 1
    return at >= 0 and tokens[at] in PLACE_WORDS


def _other_verb(token: str) -> bool:
    """A verb between a party and an act, which makes the party that verb's subject."""
    return (is_verb(token) or token.endswith("ing")) and token not in AUXILIARIES | PASSIVE


def _in_passive(tokens: list[str], at: int, subject: int | None) -> bool:
    """Whether the act is in the passive: "was sacked", "got knocked out", "Was Varga
    endorsed"."""
    if not is_past(tokens[at]) and not tokens[at].endswith("en"):
        return False
    start = max((i for i in range(at) if tokens[i] in (",", ".")), default=-1) + 1
    window = tokens[max(start, at - 3) : at]
    if any(t in PASSIVE for t in window):
        return True
    asked = tokens[start] in ("was", "were", "is", "are")  # "Was Varga endorsed by …"
    return asked and subject == start + 1


def _after(
    tokens: list[str], placed: dict[int, tuple[int, str]], at: int, acts: frozenset[str]
) -> list[tuple[str, str, int]]:
    """The parties after the act at `at`, each with the place it stands in: "obj" straight
    after it, or the preposition before it ("by", "to", "over"…)."""
    out = []
    for start, (end, name) in placed.items():
        if start <= at or start - at > OBJECT_REACH:
            continue
        between = tokens[at + 1 : start]
        stop = next(
            (
                i
                for i, t in enumerate(between)
                if t == "."
                or (t == "," and not (i and _is_title(between[i - 1])))
                or t in ("who", "which", "and", "but", "after", "before", "while", "when")
                # another act, not a word that describes ("its 24 promised jets")
                or (
                    (_act_at(tokens, at + 1 + i, acts) or _other_verb(t))
                    and not (i and (between[i - 1] in DETERMINERS or between[i - 1][:1].isdigit()))
                )
            ),
            None,
        )
        if stop is not None:
            break
        slot = _slot(tokens, at, start, acts)
        # A name before a noun describes the noun: "topped the Paris 2024 medal table".
        rest = [t for t in tokens[end : end + 3] if not t[:1].isdigit()]
        if rest and _noun(rest[0]) and rest[0] not in _AMOUNTS and end not in placed:
            continue
        if slot is not None:
            out.append((slot, name, end))
    return out


def _slot(tokens: list[str], at: int, start: int, acts: frozenset[str]) -> str | None:
    """The place of the party at `start` after the act at `at`: the preposition before it,
    past determiners and descriptions ("by its battery supplier Aramind"), or "obj"."""
    i = start - 1
    for _ in range(SLOT_REACH + 1):
        if i == at or (i == at + 1 and tokens[i] in _PARTICLES):
            return "obj"
        word = tokens[i]
        if word in ("of",) and i >= 2 and tokens[i - 2 : i] == ["the", "hands"]:
            return "by"  # "at the hands of"
        if word in _ROLE_PREPOSITIONS or (word == "into" and i == at + 1):
            return word  # "crashed into a bus"
        if word in PLACE_WORDS or word in (",", ".") or is_verb(word) or _act_at(tokens, i, acts):
            return None
        i -= 1
    return None


@functools.lru_cache(maxsize=4_096)
def _claim_frames(
    claim: str, *, nouns: bool = False
) -> tuple[list[tuple[str, ...]], frozenset[str], list[_Frame]]:
    """The claim's parties (its names, and with `nouns` the common nouns that are parties of
    its acts where it names none), the keys of its acts, and its acts' frames."""
    runs = [
        run
        for run in names(claim, known=True)
        if position(words(claim), run) is not None and len("".join(run)) > 1
    ]
    claim_acts = frozenset(
        _verb_key(w) for w in words(claim) if is_verb(w) and w not in AUXILIARIES | PASSIVE
    )
    if nouns:
        runs = runs + _noun_parties(claim, runs, claim_acts)
    if not runs:
        return runs, claim_acts, []
    return runs, claim_acts, _frames(claim, runs, claim_acts)


def _noun_parties(
    claim: str, runs: list[tuple[str, ...]], acts: frozenset[str]
) -> list[tuple[str, ...]]:
    """The common nouns that are parties of the claim's acts where no name is: "a patient"
    and "a nurse" in "A patient attacked a nurse", "a bus" in "A bus hit a cyclist"."""
    tokens = _tokens(claim)
    inside = {n for s, (e, _) in _occurrences(tokens, runs).items() for n in range(s, e)}
    heads: list[tuple[str, ...]] = []
    for at in range(len(tokens)):
        if at in inside or not _act_at(tokens, at, acts):
            continue
        if at > 0 and (tokens[at - 1] in DETERMINERS or tokens[at - 1][:1].isdigit()):
            continue  # a noun: "a fine", "the 3-1 win"
        if at > 1 and tokens[at - 2] in _OWNERS:
            continue  # "its first cut"
        before = at - 1
        while before >= 0 and tokens[before] in AUXILIARIES | PASSIVE:
            before -= 1
        # Past a place said of the subject: "A shopkeeper in Kelham punched …".
        place = before
        while place >= 0 and (place in inside or tokens[place] in DETERMINERS):
            place -= 1
        if place < before and place > 0 and tokens[place] in PLACE_WORDS:
            before = place - 1
        if before >= 0 and before not in inside and _noun(tokens[before]):
            heads.append((tokens[before],))
        after = at + 1
        while after < len(tokens) and tokens[after] in DETERMINERS | _PARTICLES:
            after += 1
        last = None
        while after < len(tokens) and after not in inside and _noun(tokens[after]):
            last, after = tokens[after], after + 1  # "pupils' mobile phones": phones
        if last is not None:
            heads.append((last,))
    return [run for n, run in enumerate(heads) if run not in heads[:n] and run not in runs]


def _noun(word: str) -> bool:
    """A word that may be a common noun naming a party: no function word, verb or number."""
    return (
        word.isalpha()
        and len(word) >= 3
        and word not in STOPWORDS
        and word not in DETERMINERS
        and word not in _LINKING
        and word not in _RELATIVE
        and word not in PLACE_WORDS
        and word not in MONTHS
        and word not in _ACT_PLACES
        and not is_verb(word)
        and not word.endswith("ly")
    )


def _same_roles(message: str, claim: str, *, converse_only: bool = True) -> bool:
    """Whether the message states one of the claim's acts with the same parties in the same
    roles (two at least, none other), in other words ("U.S. Steel was sold to Nippon Steel"
    for "Nippon Steel bought U.S. Steel"): a converse there is no opposite."""
    runs, claim_acts, held = _claim_frames(claim)
    if not held:
        return False
    said = _frames(asserted(message), runs, claim_acts)
    return any(
        s.meaning == h.meaning
        and len(set(s.roles.items()) & set(h.roles.items())) >= 2
        and all(h.roles.get(r, p) == p for r, p in s.roles.items())
        and (s.act != h.act or not converse_only)
        for h in held
        for s in said
    )


def _exchanged(message: str, claim: str) -> str | None:
    """A party of the claim's act in a role the claim gives another party of that act:
    "Denby's win over Harlow", "Harlow lost to Denby" for "Harlow beat Denby"."""
    runs, claim_acts, held = _claim_frames(claim, nouns=True)
    if not held:
        return None
    said = _frames(asserted(message), runs, claim_acts)
    # A message that also states the claim's own act ("Spain beat England …, then England
    # beat Spain …") is not read as turning that act round.
    stated = {
        h.meaning for h in held for s in said if s.meaning == h.meaning and s.roles == h.roles
    }
    held = [h for h in held if h.meaning not in stated or len(h.roles) < 2]
    named = {
        " ".join(run)
        for run in names(claim, known=True)
        if not all(_is_title(w) or w in STOPWORDS for w in run)  # "About 60% …", "No"
    }
    for h in held:
        for s in said:
            # An act the table does not know may be said of what it is done to ("Europa
            # Clipper launched on …"): read only with two parties, or with an object.
            alone = len(s.roles) < 2 and not s.done_to_something
            if s.meaning != h.meaning or (s.meaning not in _LISTED and alone):
                continue
            for role, party in s.roles.items():
                other = h.roles.get(role)
                if other is None or other == party or role == _TITLE:
                    continue
                theirs = next((r for r, p in h.roles.items() if p == party), None)
                if theirs is not None and s.roles.get(theirs) in (None, other):
                    return (
                        f"roles swapped: in the claim {party} is the {theirs} and {other} the"
                        f" {role} ({h.act}); your message makes {party} the {role}"
                    )
                # Another of the claim's named parties, one it never gives this act: "the EU
                # fined Spotify … after Apple complained" for "… fined Apple after a
                # complaint from Spotify".
                if (
                    theirs is None
                    and role in (_DOER, _DONE_TO)
                    and {party, other} <= named
                    and not _joined(claim, party, other)
                    and not any(g.meaning == h.meaning and party in g.roles.values() for g in held)
                    and not (role == _DOER and _alternated(s, h))
                ):
                    return (
                        f"your message makes {party} the {role} ({s.act}); the claim makes"
                        f" {other} the {role} ({h.act})"
                    )
    return None


def _alternated(said: _Frame, held: _Frame) -> bool:
    """Whether one side tells the act without saying who or what did it, the other with a
    doer: "Hurricane Dorian washed up bricks of cocaine" for "bricks of cocaine washed ashore
    after Hurricane Dorian" (what the claim's doer did is done to it), "the immigration
    website has crashed" for "Americans crashed Canada's immigration website" (nothing is done
    to anything, where the claim's act is done to something)."""
    return said.roles.get(_DONE_TO) == held.roles.get(_DOER) or (
        not said.done_to_something and _DONE_TO not in said.roles and held.done_to_something
    )


def _joined(claim: str, one: str, other: str) -> bool:
    """Whether the claim writes two names as one ("the Competition and Markets Authority")."""
    text = " ".join(words(claim))
    return f"{one} and {other}" in text or f"{other} and {one}" in text


_ClaimDoer = tuple[str, list[str], list[str], list[tuple[str, ...]], int, str, tuple[str, ...]]


def _claim_doer(message: str, claim: str) -> _ClaimDoer | None:
    """What the doer rules read: the message's asserted text and words, the claim's words and
    placed names, and the claim's first party (where it stands, its name, its run)."""
    said_text = asserted(message)
    said, held = words(said_text), words(claim)
    runs = [run for run in names(claim) if position(held, run) is not None]
    placed_held = named_parties(held, runs)
    if not placed_held:
        return None
    claim_at, claim_agent = placed_held[0]
    agent_run = next(run for run in runs if " ".join(run) == claim_agent)
    return said_text, said, held, runs, claim_at, claim_agent, agent_run


def _agent_replaced(message: str, claim: str) -> str | None:
    """Another name in a party's place: the claim's doer's (`_doer_replaced`), or any role of
    the claim's act whose party the message never names (`_slot_replaced`)."""
    return _doer_replaced(message, claim) or _slot_replaced(message, claim)


def _doer_replaced(message: str, claim: str) -> str | None:
    """Another name doing what the claim's first party does: "Congress won 240 seats" for
    "The BJP won 240 seats", "Croatia's Baby Lasagna beat Nemo" for "Nemo won". The message's
    doer must be a name the claim never mentions, doing the claim's act (or acting on the
    claim's doer), and the claim's doer must not be named before it."""
    first = _claim_doer(message, claim)
    if first is None:
        return None
    said_text, said, held, runs, claim_at, claim_agent, agent_run = first
    held_verb = verb_after(held, claim_at + run_span(held, claim_at, agent_run))
    if held_verb is None:
        return None
    new_runs = [run for run in names(said_text) if not mentions(claim, " ".join(run))]
    placed = named_parties(said, [*new_runs, *runs])
    if not placed or placed[0][1] not in {" ".join(run) for run in new_runs}:
        return None
    at, doer = placed[0]
    doer_run = next(run for run in new_runs if " ".join(run) == doer)
    verb_at = at + run_span(said, at, doer_run)
    said_verb = verb_after(said, verb_at)
    if said_verb is None or said_verb in REPORTING_WORDS:
        return None
    agent_at = _referred(said, agent_run, held)
    if _verb_key(said_verb) == _verb_key(held_verb):
        if agent_at is not None:
            return None  # the claim's doer is named too: a longer message, not a swap
    # Or the claim's winner beaten: "Baby Lasagna beat Nemo" for "Nemo won".
    elif not (
        _verb_key(said_verb) in _CONVERSES[0][0]
        and _verb_key(held_verb) in _CONVERSES[0][0]
        and agent_at is not None
        and verb_at < agent_at <= verb_at + 3
    ):
        return None
    return f"your message says {doer} {said_verb}; the claim says {claim_agent} {held_verb}"


def _slot_replaced(message: str, claim: str) -> str | None:
    """A name the claim does not have in a role of the claim's act whose party the message
    never names: "Did the CMA fine Deliveroo …" for "The CMA fined QuickCart …", "King Charles
    hosted Biden" for "… hosted Macron", "Jaden Cole was knocked out by Dillian Whyte" for
    "… by Ruben Ortiz". In a message written all in lower case a name has no capitals: any
    word there that is no common word, no description and not the claim's stands for one."""
    runs, claim_acts, held = _claim_frames(claim)
    if not held:
        return None
    said_text = asserted(message)
    said_words, claim_words = words(said_text), words(claim)
    _, spelled = covered(claim, said_text)  # "CMA", "DJT": the claim's names, other forms
    acronyms = {w.casefold() for w in WORD.findall(said_text) if _ACRONYM.fullmatch(w)}
    new_runs = [
        run
        for run in names(said_text)
        if not set(run) & spelled
        and not set(run) <= acronyms  # "ROK", "TSE": often a form no table knows
        and not set(run) & set(claim_words)
        and all(position(list(run), held_run) is None for held_run in runs)
        and not all(_is_title(w) for w in run)
    ]
    lowercase = not any(ch.isupper() for ch in said_text)
    if lowercase:
        new_runs += [
            run for run in _lowercase_names(said_words, claim_words, runs) if not set(run) & spelled
        ]
    if not new_runs:
        return None
    new = {" ".join(run) for run in new_runs}
    said = _frames(said_text, [*runs, *new_runs], claim_acts)
    by_name = {" ".join(run): run for run in runs}
    for h in held:
        for f in said:
            if f.meaning != h.meaning:
                continue
            # Without capitals, a word is taken for a name only beside the claim's own
            # party in its own role ("harlow rovers beat brentwood", not "the dubs said").
            anchored = any(h.roles.get(r) == p for r, p in f.roles.items() if r != _TITLE)
            for role, party in f.roles.items():
                other = h.roles.get(role)
                if party not in new or other is None or role == _TITLE:
                    continue
                if lowercase and not anchored:
                    continue
                if _referred(said_words, by_name[other], claim_words) is not None:
                    continue  # the claim's party is named too: a longer message, not a swap
                return f"your message says {party} ({f.act}); the claim says {other} ({h.act})"
    return None


# In a message all in lower case, words that are never names on their own.
_NEVER_NAMES = (
    STOPWORDS
    | DESCRIPTIONS
    | TITLES
    | COMMON_STARTS
    | word_set(
        """
        lol omg tbh imo wow wild mad crazy really actually literally basically apparently
        also just still even again yesterday today tonight week weeks month months year
        years day days time game match final round title cup deal fine jets
        """
    )
)


def _lowercase_names(
    said_words: list[str], claim_words: list[str], runs: list[tuple[str, ...]]
) -> list[tuple[str, ...]]:
    """Runs of words in a lower-case message that may be names the claim does not have: not
    the claim's words, no common word, no number, no verb, no month."""
    claim_keys = {word_key(w) for w in claim_words}
    named = {w for run in runs for form in forms(run) for w in form.split()}
    out: list[tuple[str, ...]] = []
    current: list[str] = []
    for word in [*said_words, ""]:
        maybe = (
            len(word) >= 3
            and word.isalpha()
            and word not in _NEVER_NAMES
            and word not in MONTHS
            and word_key(word) not in claim_keys
            and word not in named
            and not is_verb(word)
            and not may_be_verb(word)
            and not word.endswith("ly")
        )
        if maybe:
            current.append(word)
            continue
        if current:
            out.append(tuple(current))
        current = []
    return out


def _nominal_doer(message: str, claim: str) -> str | None:
    """Another name as the doer of the claim's act written as a noun: "the travel advisory of
    the African Union" or "the African Union's travel advisory" for "The UK issued a travel
    advisory", when the message never names the claim's doer."""
    first = _claim_doer(message, claim)
    if first is None:
        return None
    said_text, said, held, _, claim_at, claim_agent, agent_run = first
    verb_at = claim_at + run_span(held, claim_at, agent_run)
    if verb_after(held, verb_at) is None or _referred(said, agent_run, held) is not None:
        return None
    acted_on = {word_key(w) for w in held[verb_at + 1 : verb_at + 5] if w not in STOPWORDS}
    for run in names(said_text):
        at = position(said, run)
        if at is None or mentions(claim, " ".join(run)):
            continue
        before = [w for w in said[max(0, at - 3) : at] if w != "the"]
        owner_of = len(before) >= 2 and before[-1] == "of" and word_key(before[-2]) in acted_on
        owned = said[at + len(run) - 1].endswith("'s") and any(
            word_key(w) in acted_on for w in said[at + len(run) : at + len(run) + 2]
        )
        if owner_of or owned:
            return f"your message says {' '.join(run)} did it; the claim says {claim_agent}"
    return None


def _past_conjunct(text_words: list[str], start: int, runs: list[tuple[str, ...]]) -> int:
    """Where the words after a party go on past another party joined to it: "Altman and
    OpenAI took Musk to court" goes on at "took"."""
    if start < len(text_words) and text_words[start] in ("and", "&"):
        for run in runs:
            if position(text_words[start + 1 : start + 4], run) == 0:
                return start + 1 + run_span(text_words, start + 1, run)
    return start


def _referred(text_words: list[str], run: tuple[str, ...], claim_words: list[str]) -> int | None:
    """Where the text names `run`, or refers to it by a description the claim gives it:
    "the town council" for "Kelham Town Council", "the developer" for "developer Orrin
    Homes"."""
    at = position(text_words, run)
    if at is not None:
        return at
    described = [w for w in run[1:] if w in GENERIC or w in DESCRIPTIONS]
    claim_at = position(claim_words, run)
    if claim_at is not None and claim_at > 0 and claim_words[claim_at - 1] not in STOPWORDS:
        described.append(claim_words[claim_at - 1])  # "developer Orrin Homes"
    for word in described:
        for n, (before, said) in enumerate(pairwise(text_words)):
            if before in ("the", "this", "that") and said == word:
                return n + 1
    return None


def _next_content(text_words: list[str], start: int) -> str | None:
    return next((word_key(w) for w in text_words[start:] if w not in STOPWORDS), None)


def _acts(text_words: list[str], start: int) -> bool:
    """Whether the words after a party make it the doer: a verb follows, not a passive."""
    following = text_words[start : start + 3]
    if not following or following[0] in PASSIVE or following[0] in ("and", "with", "or"):
        return False
    return any(is_verb(w) or w.endswith("s") for w in following)


# "More X in A than in B": which side of "than" each compared thing is on, and which way the
# comparison points.
_MORE = word_set("more higher greater larger bigger above ahead over most")
_LESS = word_set("less fewer lower smaller below behind under least")
COMPARISON_REACH = 8  # words before "than" that may hold the first compared thing
_CLAUSE_END = re.compile(r"[,;:.!?]")


def _comparison_swap(message: str, claim: str) -> str | None:
    """The two things compared the other way round: "more microplastic in the Pacific than in
    the Atlantic" for "… in the Atlantic than in the Pacific". "Less in the Pacific than in
    the Atlantic" turns it back."""
    said, held = _compared(asserted(message)), _compared(claim)
    if said is None or held is None:
        return None
    (said_before, said_after, said_way), (held_before, held_after, held_way) = said, held
    first = (held_before - held_after) & (said_after - said_before)
    second = (held_after - held_before) & (said_before - said_after)
    if not first or not second or said_way is None or held_way is None:
        return None
    if said_way != held_way:
        return None  # "fewer in B than in A" says "more in A than in B"
    return (
        "the comparison is the other way round: what the claim puts first, your message puts second"
    )


def _compared(text: str) -> tuple[set[str], set[str], str | None] | None:
    """The content words before and after "than" in its clause, and which way the comparison
    points ("more", "less" or None when the word says neither)."""
    lowered = clean(text).casefold()
    at = re.search(r"\bthan\b", lowered)
    if at is None:
        return None
    before_text = _CLAUSE_END.split(lowered[: at.start()])[-1]
    after_text = _CLAUSE_END.split(lowered[at.end() :])[0]
    before = words(before_text)[-COMPARISON_REACH:]
    after = words(after_text)[:COMPARISON_REACH]
    way = next(
        ("more" if w in _MORE else "less" for w in reversed(before) if w in _MORE | _LESS),
        None,
    )

    def keys(ws: list[str]) -> set[str]:
        return {word_key(w) for w in ws if w not in STOPWORDS and w.isalpha()}

    return keys(before), keys(after), way
