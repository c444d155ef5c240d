"""Attribution: "X said Y" is not "Y"; who said what, and whether two texts quote one speaker."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from rapidfuzz import fuzz

from verifiers.matching.identity.asserted import asserted
from verifiers.matching.identity.clauses import (
    AUXILIARIES,
    DETERMINERS,
    PLACE_WORDS,
    REPORTING,
    REPORTING_WORDS,
    acts_at_once,
    is_year,
    named_parties,
    run_span,
    same_word_key,
    verb_after,
)
from verifiers.text.names import (
    DESCRIPTIONS,
    TITLES,
    WORD,
    mentions,
    names,
    position,
    words,
)
from verifiers.text.normalize import normalize
from verifiers.text.numbers import quantities
from verifiers.text.segment import ABBREVIATIONS
from verifiers.text.tokens import STOPWORDS, word_set
from verifiers.text.verbs import is_past, is_verb

# -- attribution: "X said Y" is not "Y" -----------------------------------------------------------

# Verbs that are also acts ("the WHO declared an emergency"): they report speech only when
# what was said follows as a clause ("declared that …", "announced: …").
_ACTS = word_set(
    """
    announced announces declared declares revealed reveals predicted predicts promised
    promises vowed vows denied denies accused accuses admitted admits warned warns
    """
)
# "the chancellor was on the radio saying …"
_GERUNDS = r"saying|claiming|insisting|telling|arguing|tweeting|posting|boasting|warning"
_ATTRIBUTED = re.compile(
    rf"^(?P<speaker>(?:[^\s,;:]+\s+){{0,10}}?[^\s,;:]+)(?:,[^,]{{1,60}},)?\s+"
    rf"(?:(?:has|had|have|once|repeatedly|publicly|falsely|wrongly|also|really|actually|"
    rf"even|ever|just)\s+)?"
    rf"(?:(?:was|is|were|are|has been|have been|keeps?|kept|went)\s+"
    rf"(?:on\s+(?:(?:the|a|an|his|her|their)\s+)?[\w-]+\s+|out\s+|around\s+)?)?"
    rf"(?P<verb>{REPORTING}|{_GERUNDS})\b(?:\s+(?:on|in)\s+(?:a\s+)?[^\s]+(?:\s+[^\s]+)?)?"
    rf"(?:\s+(?:reporters|journalists|the press|an? \w+|his \w+|her \w+|their \w+))?"
    rf"(?:\s+that|\s*:|,)?\s+(?P<said>.+)$",
    re.IGNORECASE,
)
_ACCORDING = re.compile(r"^according to (?P<speaker>[^,]{2,60}),\s*(?P<said>.+)$", re.IGNORECASE)
_ACCORDING_LAST = re.compile(
    r"^(?P<said>.+?),?\s+according to (?P<speaker>[^,]{2,60}?)[.!]*$", re.IGNORECASE
)
_INVERTED = re.compile(
    rf"^(?P<said>.+?),\s+(?P<speaker>(?:[^\s,]+\s+){{0,3}}[^\s,]+)\s+(?:{REPORTING})"
    rf"(?:\s+(?:on \w+|in \w+|today|yesterday|last \w+))?[.!]*$",
    re.IGNORECASE,
)
_SAID_FIRST = re.compile(
    rf"^(?P<said>.+?),\s+(?:{REPORTING})\s+(?P<speaker>(?:[^\s,]+\s+){{0,3}}[^\s,.]+)[.!]*$",
    re.IGNORECASE,
)
# Speakers that wrap a claim instead of making it: "my uncle says", "people are saying".
_NOBODY = word_set(
    """
    i me we you he she they it this that someone somebody anyone people everyone folks
    my our your
    uncle aunt mom mum dad father mother brother sister cousin friend friends coworker
    mate mates bro pal lad lads
    colleague boss neighbour neighbor grandma grandpa wife husband girlfriend boyfriend
    guy post tweet video meme thread article headline internet twitter facebook tiktok
    reddit instagram whatsapp telegram youtube feed group chat
    scientists experts researchers doctors officials analysts studies study reports report
    sources critics economists commentators pundits
    """
)
# Outlets report: "the FT reported that Y" cites a source for Y, it does not claim that
# the FT said it.
_OUTLET_VERBS = word_set("reported reports revealed reveals")
# Speakers that give a statement on their word as a source, not as a claimant: "police said
# Y", "Reuters says Y", "the survey says Y" state Y (what they say may itself quote someone:
# "Reuters says Okafor claimed …").
_SOURCES = word_set(
    """
    police officers detectives prosecutors investigators coroner coroners
    study studies survey surveys poll polls data figures statistics census research analysis
    reuters ap afp bloomberg bbc cnn nbc cbs msnbc npr politico axios guardian telegraph
    independent ft wsj nyt economist sky itv news newspaper newspapers paper outlet
    """
)
# Bodies: cited with "according to", they are sources ("according to the WMO"); a person
# cited so is a claimant ("according to Dr Voss, …").
_BODIES = _SOURCES | word_set(
    """
    agency office institute institution bureau commission ministry department council
    government university centre center service authority organisation organization
    association court bank union board party committee parliament congress senate regulator
    watchdog nhs who un eu foundation trust charity company firm group club league team
    nasa esa cdc fbi cia ons imf wmo noaa ipcc fda epa doj dhs nato ecb fed boe ofwat ofcom
    ukhsa inpe bls
    rumour rumours rumor rumors report reports sources source records experts scientists
    researchers officials analysts
    """
)
# What a person is called by their role: "the mayor said", "according to the senator".
_ROLES = word_set(
    """
    mayor minister pm premier president chancellor senator congressman congresswoman
    governor councillor cllr mp mep secretary ceo boss chairman chairwoman chair founder
    owner manager coach spokesman spokeswoman spokesperson doctor dr professor prof judge
    candidate leader chief executive deputy vice prime
    """
)
_OWN = word_set("my our your me i we")
_DENYING = word_set("never not no didn't didnt doesn't doesnt hasn't hasnt nobody")
_STARTS_QUESTION = re.compile(r"^(?:did|does|do|is|was|has|have|had)\s+", re.IGNORECASE)


_PREPOSITIONS = word_set("in on at by for from with after before during since as of to into")


@dataclass(frozen=True, slots=True)
class Attribution:
    speaker: str
    said: str
    verb: str = "said"


def attribution(text: str) -> Attribution | None:
    """Who a statement is attributed to and what they said, when it names a speaker."""
    return _attributed(_STARTS_QUESTION.sub("", asserted(text)).rstrip("?.! "))


# Where something was said, before who said it: "In a speech, Farage said …", "on his
# podcast last week dr voss said …".
_SETTING = re.compile(
    r"^(?:in|on|at|during|speaking (?:at|on|to)|(?:in|at|on) (?:a|an|the|his|her|their))\s+"
    r"(?:(?:a|an|the|his|her|their|last|this|yesterday'?s|today'?s)\s+)?(?:[\w'-]+\s+){0,2}?"
    r"(?:speech|interview|rally|podcast|tweet|post|video|statement|press conference|"
    r"conference|briefing|hearing|debate|meeting|address|letter|op-?ed|show|programme|"
    r"program|broadcast|livestream|stream|appearance|event|sermon|memo|column|book)s?"
    r"(?:\s+(?:last|this|on|in)\s+\w+)?\s*,?\s+",
    re.IGNORECASE,
)


def _ends_a_sentence(text: str) -> bool:
    """Whether a sentence ends inside `text` ("… to Russia. Manafort …"; not "U.S. " nor
    "Gov. ")."""
    return any(
        len(m[1]) > 1 and not m[1].isupper() and m[1].casefold() not in ABBREVIATIONS
        for m in re.finditer(r"(\w+)[.!?]\s", text)
    )


_INSTRUCTED = re.compile(r"^(?:[\w'-]+\s+){1,2}?(?:not\s+)?to\s+\w+", re.IGNORECASE)


def _acted_before(match: re.Match[str], verb: str) -> bool:
    """ "Moderna filed a lawsuit against Pfizer, saying …": a bare participle after a clause
    of its own tells why that act was done; its words are no speaker."""
    if not verb.endswith("ing") or re.search(
        r"\b(?:was|is|were|are|been|keeps?|kept|went)\s",
        match[0][: match.start("verb")],
        re.IGNORECASE,
    ):
        return False
    return any(is_past(w) for w in words(match["speaker"])[1:])


def _attributed(core: str, depth: int = 0) -> Attribution | None:
    core = _SETTING.sub("", core, count=1)
    # "According to X, Y" cites a source for Y when X is a body ("according to the WMO"), and
    # quotes X when X is a person ("according to Dr Voss", "according to trump").
    cited = _ACCORDING.match(core) or _ACCORDING_LAST.match(core)
    if cited is not None:
        speaker = cited["speaker"].strip()
        said = cited["said"].strip(" \"'“”")
        if not _personal(speaker) or len(words(said)) < 3:
            return None
        return Attribution(speaker, said, "according to")
    match = _ATTRIBUTED.match(core)
    if match is not None:
        verb = match["verb"].casefold()
        if verb in _OUTLET_VERBS:
            return _inner(match["said"], depth)
        if (
            verb in _ACTS
            and not re.search(rf"\b{verb}\b\s*(?:that\b|:|[\"“'])", core, re.IGNORECASE)
            and not _CLAUSE.match(match["said"])
        ) or _acted_before(match, verb):
            match = None
    if match is None:
        match = (
            _INVERTED.match(core)
            or _SAID_FIRST.match(core)
            or _COLON_QUOTE.match(core)
            or _DASH_QUOTE.match(core)
            or _spoken_with_colon(core)
        )
        if (
            match is not None
            and not names(match["speaker"])
            and not _role(match["speaker"])
            and not _lower_case_name(words(match["speaker"]))
        ):
            return None  # "…, they're in a good place": an inverted speaker is named
        if match is not None and words(match["speaker"])[0] in _LABELS:
            return None  # "Reminder: …" labels what follows; it names nobody
    if match is None or _ends_a_sentence(match["speaker"]):
        return None  # a speaker never runs over the end of a sentence
    verb = (match.groupdict().get("verb") or "").casefold()
    if verb in ("told", "tells", "tell") and _INSTRUCTED.match(match["said"]):
        return None  # "told trump to choose Pence": an instruction, not words reported
    speaker = _past_setting(match["speaker"].strip())
    speaker_words = words(speaker)
    # "In 35 states, …", "Sales claims …": a verb that is also a plural noun needs a named
    # speaker, and a speaker is never a number or a phrase opened by a preposition.
    verb = (match.groupdict().get("verb") or "said").casefold()
    if (
        any(w[:1].isdigit() and not is_year(float(w), w) for w in speaker_words if w.isdigit())
        or any(w[:1].isdigit() and not w.isdigit() for w in speaker_words)
        # "Three in five voters said No": a count of people acting, not a speaker.
        or any(not is_year(q.value, q.text) for q in quantities(speaker.casefold()))
        or (speaker_words[:1] and speaker_words[0] in _PREPOSITIONS)
        or (
            verb.endswith("s")
            and not names(speaker)
            and not _role(speaker)
            and not _lower_case_name(speaker_words)
        )
    ):
        return None
    said = match["said"].strip(" \"'“”")
    if not speaker_words or len(words(said)) < 3:
        return None
    if set(speaker_words) & _DENYING:
        return None  # "The Vote Leave bus never said …" denies the saying
    if (
        set(speaker_words) & _NOBODY
        and not any(set(run) - _NOBODY for run in names(speaker))
        and not (_role(speaker) and not set(speaker_words) & _OWN)
    ):
        return None  # "Mate in the group chat keeps saying …" wraps the claim
    if set(speaker_words) & _SOURCES:
        return _inner(said, depth)  # "police said Y" states Y
    return Attribution(speaker, said, verb)


# A clause, not an object: "promised the tram extension will open in 2027" (a subject of a
# few words, then a finite verb), not "announced new weapons for Ukraine".
_CLAUSE = re.compile(
    r"^(?!\d)(?:[\w'’-]+\s+){1,5}?(?:will|would|could|can|may|might|should|must|is|are|was|were|"
    r"has|have|had|'s|'re|'ll)\b",
    re.IGNORECASE,
)


def _inner(said: str, depth: int) -> Attribution | None:
    """The attribution inside what a source reports: "Reuters says Okafor claimed …"."""
    return _attributed(said, depth + 1) if depth < 2 else None


def _lower_case_name(speaker_words: list[str]) -> bool:
    """A name written in lower case, as chat writes it ("trump claims", "joe biden says"):
    one or two words, none of them a common word, a verb or a plural ("sales claims")."""
    return 0 < len(speaker_words) <= 2 and not any(
        w in STOPWORDS
        or w in _NOBODY
        or w in _BODIES
        or (w.endswith("s") and not w.endswith("ss"))
        or is_verb(w)
        for w in speaker_words
    )


def _role(speaker: str) -> bool:
    """A person named by their role alone: "the mayor", "the health secretary"."""
    said = [w for w in words(speaker) if w not in DETERMINERS]
    return bool(said) and any(w in _ROLES for w in said) and not set(said) & _BODIES


def _personal(speaker: str) -> bool:
    """Whether a cited speaker is a person ("Dr Voss", "trump", "the mayor"), not a body or
    a source ("the WMO", "INPE", "a YouGov poll", "scientists", "rumours")."""
    said = words(speaker)
    if not said or (set(said) & (_BODIES | _NOBODY) and not _role(speaker)):
        return False
    if _role(speaker):
        return True
    if said[0] in DETERMINERS:
        return False  # "the Health Survey for England": a description of a body
    written = WORD.findall(speaker)
    # "INPE", "WMO": an acronym written in capitals names a body.
    return not (len(written) == 1 and written[0].isupper() and len(written[0]) > 1)


# "Farage: immigrants are to blame …": a name, a colon and what they said.
_COLON_QUOTE = re.compile(r"^(?P<speaker>[A-Z][\w'.-]*(?: [A-Z][\w'.-]*){0,3})\s*:\s*(?P<said>.+)$")
# '"Wind farms killed 40,000 birds" — Sen. Mark Ellery': what was said, a dash, who said it.
_DASH_QUOTE = re.compile(
    r"^(?P<said>.{12,}?)\s+(?:[—–]|-{1,2})\s*(?P<speaker>[\w'.-]+(?:\s+[\w'.-]+){0,4}?)"
    r"(?:,?\s+(?:in|on|at)\s+[\w' -]{1,30})?[.!]*$"
)
# "dr voss on her podcast: …", "senator ellery: …": a role or a setting says a lower-case
# speaker is one ("ukraine: russian missiles hit kyiv" is a headline's topic).
_COLON_SPOKEN = re.compile(
    r"^(?P<speaker>[\w'.-]+(?:\s+[\w'.-]+){0,3}?)"
    r"(?P<setting>\s+(?:on|in|at|to|after|during)\s+(?:[\w'-]+\s+){0,3}?[\w'-]+)?"
    r"\s*:\s*(?P<said>.+)$",
    re.IGNORECASE,
)


def _spoken_with_colon(core: str) -> re.Match[str] | None:
    match = _COLON_SPOKEN.match(core)
    if match is None or not (match["setting"] or _role(match["speaker"])):
        return None
    return match


_LABELS = word_set(
    """
    reminder note source edit important question thread update answer summary context
    opinion take thought thoughts hot unpopular
    correction warning alert tldr tl fact claim rumour rumor fwd fw re urgent ps nb pic
    photo video watch live
    """
)


def _past_setting(speaker: str) -> str:
    """The speaker without the setting before them: "In a speech Farage" is Farage."""
    found = names(speaker)
    lead = words(speaker)[:1]
    if lead and lead[0] in _PREPOSITIONS and found:
        return " ".join(
            w for w in WORD.findall(speaker) if w.casefold().replace("’", "'") in found[-1]
        )
    return speaker


SAME_STATEMENT = 85  # rapidfuzz token-set ratio of two normalised statements that are one


def attribution_label(answered: str, other: str) -> str | None:
    """How to label `other` beside the answered claim when the two are a statement and the
    claim that someone made it: "That Trump said it" or "Whether it is true"; else None."""
    said_other, said_answered = attribution(other), attribution(answered)
    if (
        said_other is not None
        and said_answered is None
        and _same_statement(said_other.said, answered)
    ):
        return f"That {said_other.speaker} said it"
    if (
        said_answered is not None
        and said_other is None
        and _same_statement(said_answered.said, other)
    ):
        return "Whether it is true"
    return None


def _same_statement(a: str, b: str) -> bool:
    return fuzz.token_set_ratio(normalize(a), normalize(b)) >= SAME_STATEMENT


def _attribution_clash(message: str, claim: str) -> str | None:
    claimed, said = attribution(claim), attribution(message)
    if claimed is not None and said is None and not _names_speaker(message, claimed.speaker):
        return (
            f"the claim is that {claimed.speaker} said this, not that it is true;"
            " your message states it as fact"
        )
    # A claim that names its own source ("…, according to the EA") is stated on someone's
    # word already: a message giving it on another's ("C3S says …") states the same.
    if (
        said is not None
        and claimed is None
        and (not _speaks_for_itself(said, claim) or _self_report(said, claim))
        and not _sourced(claim)
        and not _reports_speaker(claim, said.speaker)
    ):
        return f"your message is about what {said.speaker} said; the claim is whether it is true"
    if said is not None and claimed is not None and not _same_speaker(said, claimed):
        return f"your message quotes {said.speaker}; the claim quotes {claimed.speaker}"
    return None


# "A video shows a little girl calling Trump …", "came under fire from liberals": a claim
# that tells of someone's words or outcry is about what they said.
_SPEECH_REPORTED = re.compile(
    r"\b(?:shows?|showing|filmed|caught|heard)\s+(?:\w+\s+){1,4}?(?:calling|saying|telling|"
    r"shouting|claiming)\b|\b(?:under fire|criticised|criticized|slammed|blasted|attacked)"
    r"[\"”’']?\s+(?:by|from)\b",
    re.IGNORECASE,
)


def _reports_speaker(claim: str, speaker: str) -> bool:
    """Whether the claim tells of the speaker's words itself: "A video shows a little girl
    calling President Trump 'a disgrace'" for "Little girl to Trump: you're a disgrace"."""
    return bool(_SPEECH_REPORTED.search(claim)) and mentions(claim, _person(speaker))


def _names_speaker(message: str, speaker: str) -> bool:
    """Whether the message names the speaker as one who may be saying something: "Trump's
    conversations with Putin are …" names Trump only as the owner of what was said."""
    said = [w if not w.endswith("'s") else "_" for w in words(message)]
    person = _person(speaker)
    runs = names(person) or [tuple(words(person))]
    spots = [at for run in runs if run for at in _positions(said, run)]
    if spots:
        # "… but he never fooled Trump": named as the one acted on, not as a speaker.
        return any(at == 0 or not _acted_on(said[at - 1]) for at in spots)
    # "the chancellor was on the radio saying …" for "Chancellor Rachel Reeves said …"
    roles = {w for w in words(speaker) if w in _ROLES and w not in ("chief", "vice", "deputy")}
    if any(a in ("the", "our", "their") and b in roles for a, b in pairwise(said)):
        return True
    return not any(w.endswith("'s") for w in words(message)) and mentions(message, person)


def _positions(text_words: list[str], run: tuple[str, ...]) -> list[int]:
    """Every place `text_words` names `run`."""
    found: list[int] = []
    start = 0
    while (at := position(text_words[start:], run)) is not None:
        found.append(start + at)
        start += at + 1
    return found


def _acted_on(before: str) -> bool:
    """Whether the word before a name makes it an object: a verb ("fooled Trump") or a
    preposition ("with Trump")."""
    return (
        before in PLACE_WORDS
        or before in ("than", "about", "against", "like")
        or (before not in REPORTING_WORDS and before not in AUXILIARIES and is_verb(before))
    )


def _person(speaker: str) -> str:
    """Who speaks, without the body they speak for: "Anna Holm" of "Brevik Motors chief
    executive Anna Holm" (a message about Brevik Motors does not name her)."""
    runs = names(speaker)
    if len(runs) < 2:
        # In lower case, the words after the last role: "anna holm" of "brevik ceo anna holm".
        written = WORD.findall(speaker)
        roles = [n for n, w in enumerate(written) if w.casefold() in _ROLES]
        if not runs and roles and 0 < roles[-1] < len(written) - 1:
            return " ".join(written[roles[-1] + 1 :])
        return speaker
    last = runs[-1]
    written = WORD.findall(speaker)
    at = next(n for n, w in enumerate(written) if w.casefold().replace("’", "'") == last[0])
    if not any(w.casefold() in _ROLES for w in written[:at]):
        return speaker  # "Centers for Disease Control and Prevention": one body
    return " ".join(w for w in written[at:] if w.casefold().replace("’", "'") in last)


def _speaks_for_itself(said: Attribution, claim: str) -> bool:
    """Whether the message's speaker is the one the claim is about, its first party: "Meta
    said it laid off 11,000 staff" tells what the claim "Meta laid off …" does; "Trump says
    Putin fooled four presidents" does not state "Putin fooled …, but not Trump"."""
    person = _person(said.speaker)
    if not mentions(claim, person) or _role(person):
        return False  # "grenton manager says …" is not Grenton United speaking
    held = words(claim)
    runs = [run for run in names(claim) if position(held, run) is not None]
    parties = named_parties(held, runs)
    if not parties:
        return True
    at, first = parties[0]
    if not (mentions(person, first) or mentions(first, person)):
        return False
    # The first party acts ("Meta laid off …"), not only names what acts ("The Ardley tram
    # extension will open …" is not Ardley council speaking).
    run = next(r for r in runs if " ".join(r) == first)
    return acts_at_once(held, at + run_span(held, at, run))


_SELF = word_set("he she they i we his her their my our")


def _self_report(said: Attribution, claim: str) -> bool:
    """ "Biden said he ran up $280,000 in debt" for "Biden ran up …": the speaker speaking of
    themselves, where the claim states it as fact."""
    said_words = words(said.said)
    return bool(said_words) and said_words[0] in _SELF and _acts_first(claim, said.speaker)


def _acts_first(claim: str, speaker: str) -> bool:
    """Whether the speaker is the claim's first party, doing something other than saying
    ("Oasis announced on 27 August that they would reunite" is a saying too)."""
    held = words(claim)
    runs = [run for run in names(claim) if position(held, run) is not None]
    parties = named_parties(held, runs)
    if not parties or not mentions(speaker, parties[0][1]):
        return False
    at, first = parties[0]
    run = next(r for r in runs if " ".join(r) == first)
    verb = verb_after(held, at + run_span(held, at, run))
    return verb not in REPORTING_WORDS


def _sourced(text: str) -> bool:
    """Whether `text` gives its statement on a named source's word ("according to X")."""
    core = asserted(text).rstrip("?.! ")
    return bool(_ACCORDING.match(core) or _ACCORDING_LAST.match(core))


def _same_speaker(a: Attribution, b: Attribution) -> bool:
    """One speaker named two ways, or once by the role the other carries ("the mayor" for
    "Mayor Ellen Ortiz")."""
    # The persons: "Wexcombe councillor Sue Patel" is not "Wexcombe councillor Roy Faraday".
    person_a, person_b = _person(a.speaker), _person(b.speaker)
    if mentions(person_a, person_b) or mentions(person_b, person_a):
        return True
    for one, other in ((a, b), (b, a)):
        # "norland's pm" for "Prime Minister Karl Endresen": the owner is a place, the role
        # may be written another way.
        said = [
            w
            for w in _role_words(one.speaker)
            if w not in ("the", "a", "an", "our", "their") and not w.endswith("'s")
        ]
        role = [w for w in said if w in TITLES or w in DESCRIPTIONS or w in _ROLES]
        held = set(_role_words(other.speaker))
        # "grenton manager" for "Grenton United manager Sam Okafor": the body it names is
        # the other's too.
        body = [w for w in said if w not in role]
        if not role or any(not any(same_word_key(w, h) for h in held) for w in body):
            continue
        return set(role) <= held or (role == ["boss"] and bool(held & _BOSSES))
    return False


_ROLE_FORMS = (("prime minister", "pm"), ("chief executive", "ceo"), ("sen.", "senator"))
_BOSSES = word_set("ceo chief head leader chairman chairwoman chair manager coach founder owner")


def _role_words(speaker: str) -> list[str]:
    """The speaker's words with a role's other forms made one ("prime minister" as "pm")."""
    lowered = " ".join(words(speaker))
    for long, short in _ROLE_FORMS:
        lowered = re.sub(rf"\b{re.escape(long)}\b", short, lowered)
    return lowered.split()
