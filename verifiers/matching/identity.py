"""Claim identity: is a message the same claim as the one retrieved, its contradiction, a
different claim, or no claim at all?

Retrieval finds claims on the same topic; a fact-check bot must answer only with the *same*
claim, because answering a changed claim tells people a wrong status. A message is:
- SAME: it states (or asks about) the claim, in whatever words;
- CONTRADICTS: it states the claim negated, or with another number or date (`stance`);
- DIFFERENT: it changes who did what to whom, how sure or how many ("could" for "will",
  "most" for "a minority"), or asserts what someone said where the claim is the thing said
  (or the reverse);
- NO_CLAIM: a reaction, a request or a bare topic: nothing to check.
Rules, not a model: each one fires only on evidence it can quote back in its reason.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import math
import re
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise
from typing import Any, NamedTuple

from rapidfuzz import fuzz

from verifiers.domain.errors import ConfigError
from verifiers.domain.models import Claim
from verifiers.matching.contrast import (
    NOT_PERMITTED,
    Opposition,
    denies_permission,
    denies_the_other,
    opposition,
    swapped_alternative,
)
from verifiers.matching.stance import contradiction
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
from verifiers.text.normalize import clean, normalize
from verifiers.text.numbers import MONTHS, quantities
from verifiers.text.segment import ABBREVIATIONS
from verifiers.text.tokens import STOPWORDS, content_tokens, stem, word_memo, word_set
from verifiers.text.verbs import base_form, is_past, is_verb, may_be_verb


class Verdict(StrEnum):
    SAME = "same"
    CONTRADICTS = "contradicts"
    DIFFERENT = "different"
    NO_CLAIM = "no_claim"

    @property
    def answerable(self) -> bool:
        """Only the same claim, or its contradiction, may be answered confidently."""
        return self in (Verdict.SAME, Verdict.CONTRADICTS)


@dataclass(frozen=True, slots=True)
class Identity:
    verdict: Verdict
    reason: str = ""
    kind: str = ""  # a contradiction's kind: "negation", "date" or "number"


# -- what the message asserts, without its chatty wrapper ----------------------------------------

_LEAD_IN = re.compile(
    r"^(?:(?:lol|lmao|omg|ok|okay|so|hey|guys|wait|bruh|ngl|tbh|fr|honestly|yo|um|uh|hmm+|"
    r"wow|breaking|psa|fyi|update|hang on|hold on|wait a (?:sec|second|minute)|"
    r"(?:watch|video|photos?|pics?|just in|exclusive|live|developing|viral|thread)(?=\s*:)|"
    r"correct me if i'?m wrong|(?:quick|serious|genuine|honest|real|dumb) question|question|"
    r"but|and|also|anyway|btw|for the record|to be clear|reminder(?: that)?|fact(?=\s*:)|"
    r"nope|no(?=\s*[,.!:;])|"
    r"contrary to (?:what|popular|reports|rumou?rs|claims|the)[^,.]{0,40}(?=,))"
    r"\b[\s,.!:;-]*)+",
    re.IGNORECASE,
)
_WRAPPER = re.compile(
    r"^(?:"
    r"is it (?:true|real|legit|correct|right|a fact) (?:that |whether )?|"
    r"(?:is|was) it (?:true|real) |"
    r"(?:can|could) (?:you|someone|anyone|somebody) (?:check|confirm|verify|fact ?check)"
    r"(?: (?:if|whether|that))? |"
    r"did you (?:know|hear|see)(?: that)? |"
    r"(?:apparently|reportedly|allegedly|supposedly|rumou?r has it)(?: that)?,? |"
    r"i (?:just )?(?:heard|read|saw|keep seeing|keep hearing)(?: \w+){0,3}? "
    r"(?:that |saying |claiming )|"
    r"i (?:just )?(?:heard|read|saw)(?: that)? |"
    r"(?:(?:my|our) (?:\w+ ){0,2}|(?:a|this|some|that) (?:random )?(?:post|tweet|video|guy|"
    r"friend|meme|thread|tiktok|reel|article|website|site|page|account|user|dude|woman|man|"
    r"person|bloke|comment|message|email|screenshot) (?:\w+ )?)(?:keeps? |is |was |are )?"
    r"(?:posting|posted|saying|says|said|sharing|shared|claims?|claiming|told me|tweeted|"
    r"going on about)(?: that)? |"
    r"(?:someone|somebody|people|everyone|they|folks)(?: \w+)? "
    r"(?:said|says|say|are saying|is saying|posted|claims?|keep saying|told me)(?: that)? |"
    r"(?:there(?:'s| is) (?:a|this) (?:post|tweet|video|rumou?r|story|thing) "
    r"(?:going around |on \w+ )?(?:saying|claiming|that says)(?: that)? )|"
    r"(?:fact ?check|check|true or false|real or fake)\s*[:?-]+\s*|"
    r"(?:i )?(?:still )?(?:can'?t|cannot|couldn'?t) believe (?:that )?"
    r")",
    re.IGNORECASE,
)
_TAIL = re.compile(
    r"(?:[\s,;.:-]*(?:is (?:that|this|it) (?:true|real|legit|right|correct)|true or false|"
    r"real or fake|fact ?check(?: this| pls| please)?|any truth (?:to|in) (?:this|that|it)|"
    r"source\??|lol+|lmao|smh|wtf|fr|ngl|pls|please|\?+|!+|\.+|"
    r"(?:can|could) (?:someone|anyone|you) (?:confirm|check|verify)|or (?:is it|was it) fake|"
    r"or not|right|yeah|no\?))+\s*$",
    re.IGNORECASE,
)


# The rules read a message's and a claim's statement a dozen times each per verdict.
@word_memo(4_096)
def asserted(text: str) -> str:
    """The statement in a message: its lead-in ("lol", "is it true that", "my uncle keeps
    posting that") and its tail ("is that real??") taken off, when something is left."""
    core = " ".join(clean(text).split())
    for _ in range(3):  # wrappers nest: "lol is it true that my aunt says …"
        stripped = _WRAPPER.sub("", _LEAD_IN.sub("", core), count=1)
        if stripped == core:
            break
        core = stripped
    core = _TAIL.sub("", core).strip(" ,;:-\"'“”")
    return core if len(WORD.findall(core)) >= 3 else " ".join(clean(text).split())


# -- no claim at all ------------------------------------------------------------------------------

_REQUEST = re.compile(
    r"^(?:explain|eli5|tell me|teach me|help me|show me|summari[sz]e|describe|define|"
    r"(?:can|could|would|will) (?:you|someone|anyone|somebody|u) "
    r"(?:explain|tell|help|show|summari[sz]e|describe|give|find|post|link|send|recap|"
    r"break|fill|catch)|"
    r"(?:anyone|anybody|does anyone|does anybody|somebody|someone|has anyone|has anybody|"
    r"did anyone|did anybody|have you|has someone|is anyone|is anybody) "
    r"(?:know|have|got|seen|heard|explain|tell|read|watched|following|watching|going|"
    r"see|catch|reading|tracking|keeping up)|"
    r"why(?:'s| is| are| was| were| do| does| did| would| has| have| hasn't| haven't|"
    r" isn't| aren't| don't| doesn't| didn't)?\b|"
    r"(?:what|who|whom|whose|where|which|how)(?:'s|'re| is| are| was| were| do| does| did|"
    r" many| much| long| come| about| would| should| can| could)?\b|"
    r"when (?:is|was|are|were|will|does|did)\b|"
    r"thoughts on|opinions? on|any (?:news|updates?|info|sources?) (?:on|about)|"
    r"update on|link (?:to|for)|sources? (?:for|on)|need (?:a |some )?(?:source|link|info)|"
    r"please|pls|plz)",
    re.IGNORECASE,
)
_REACTION = re.compile(
    r"\b(?:is|are|was|were|looks?|seems?|feels?|sounds?|getting|got|'s|'re)\s+"
    r"(?:so |really |absolutely |totally |just |actually |literally |honestly |kinda |pretty |"
    r"such )*"
    r"(?:unreal|insane|a shame|a pity|a crying shame|crazy|wild|ridiculous|amazing|awesome|"
    r"awful|terrible|horrible|"
    r"disgusting|sad|hilarious|funny|a joke|a mess|a disaster|the worst|the best|beautiful|"
    r"gorgeous|cringe|mental|nuts|bonkers|mad|depressing|scary|wild to me|out of control|"
    r"a disgrace|disgraceful|a scandal|scandalous|shameful|outrageous|pathetic|a shambles|"
    r"out of hand|too much|everywhere|so bad|so good|bad|good|great|fine|boring|huge|big|"
    r"embarrassing|an embarrassment|laughable|absurd|infuriating|shocking|grim|bleak|"
    r"dystopian|stupid|dumb|idiotic|unbelievable|exhausting|tiring|hilarious|a circus|"
    r"a clown show|peak|iconic|brutal|savage|so dumb|so stupid)"
    r"(?:[\s,]+(?:honestly|tbh|ngl|fr|lol|tho|though|really|imo|rn|man|mate|guys|now|"
    r"right now|atm|at the moment|these days|lately))*"
    r"[\s!.?]*$",
    re.IGNORECASE,
)
_OPINION = re.compile(
    r"^(?:i (?:love|hate|like|dislike|miss|can't stand|cannot stand|can't believe|"
    r"cant believe|am so|'m so|feel|think it's (?:great|awful|sad|funny))|"
    r"(?:so )?(?:sad|glad|happy|sorry) (?:about|that|to see)|big if true|this is (?:huge|wild)|"
    r"can't wait|cant wait|rip|congrats|congratulations|thank you|thanks|good morning|"
    r"good night|happy (?:birthday|new year)|can'?t believe|cannot believe|"
    r"(?:does )?any(?:one|body) else (?:think|feel|notice|find|see)|am i the only one|"
    r"so much for|imagine \w+ing\b|not sure (?:what|how|about|if)|"
    r"(?:gutted|devastated|heartbroken)(?! that)|(?:such|what) a (?:shame|pity)|can'?t stand|"
    r"cannot stand|"
    r"i (?:don'?t|do not|never) (?:trust|believe|buy|like|get)|what a (?:mess|joke|disaster|"
    r"shambles|time to be alive|world|day|week|year)|"
    r"why (?:does|do|is|are|did) (?:everyone|everybody|people|nobody|no one|anyone|they all)|"
    r"(?:(?:my )?thoughts|prayers|love|condolences)(?: and prayers)?(?: are| go)? (?:with|to)|"
    r"(?:praying|sending|prayers) (?:for|love|thoughts|prayers|hugs|strength)|"
    r"rest in peace|my heart goes out|heartbreaking|devastating news|"
    r"(?:hi|hello|hey|hiya|morning|evening)(?: (?:all|everyone|everybody|guys|folks|team|"
    r"friends|there))?|first (?:time )?(?:post(?:ing)?|here)|new here|long time lurker|"
    r"lurker here)\b",
    re.IGNORECASE,
)
# A verdict on "this" with nothing said of what: "this is fake news", "that's propaganda".
_VERDICT_ON_THIS = re.compile(
    r"^(?:this|that|it)(?:'s| is| was)\s+(?:so |just |all |pure |total |complete |obviously )?"
    r"(?:fake|false|true|real|fake news|propaganda|misinformation|disinformation|a lie|lies|bs|"
    r"bullshit|nonsense|rubbish|a hoax|hoax|satire|a joke|made up|ai|ai generated)[\s!.?]*$",
    re.IGNORECASE,
)
# "X is the worst PM ever": a judgement with nothing to check.
_SUBJECTIVE = re.compile(
    r"\b(?:is|are|was|were|'s|'re)\s+(?:easily |literally |honestly |by far |probably |"
    r"officially |genuinely |just )?(?:the|a|an)\s+(?:worst|best|greatest|dumbest|stupidest|"
    r"biggest (?:joke|clown|idiot|disgrace|fraud)|most (?:useless|incompetent|embarrassing|"
    r"corrupt|overrated|underrated|annoying|pathetic|boring|clueless))\b",
    re.IGNORECASE,
)
# "… makes sense", "… should be free for everyone", "good or bad?", "people keep arguing
# about …": a view of something, or a call for views, with nothing checkable said.
_JUDGED = re.compile(
    r"\b(?:makes?|made) (?:no |zero |total |perfect |complete )?sense\b|"
    r"\b(?:sounds?|seems?|looks?) (?:like )?(?:total |complete )?(?:nonsense|made up|fake|"
    r"right|fair|sus|dodgy|fishy|off|bs|rubbish)(?: to me)?[\s!.?]*$|"
    r"\bshould(?:n'?t| not)? (?:be (?:free|banned|illegal|legal|allowed|scrapped|jailed|"
    r"sacked|fired|ashamed|arrested|stopped)|resign|quit|apologi[sz]e|step down)\b|"
    r",?\s*(?:good or bad|yay or nay|right or wrong|fair or not|agree or disagree|"
    r"good idea or not|a good idea|a bad idea|a waste of (?:money|time)|worth it)\?*\s*$|"
    r"^(?:people|everyone|folks|they|y'?all) (?:keep|are|won'?t stop|can'?t stop) "
    r"(?:arguing|talking|going on|fighting|moaning|complaining|banging on)\b|"
    r"\b(?:is|are) (?:so |just |honestly )?(?:exhausting|tiring|draining),|"
    r"\bwake me (?:up )?when\b",
    re.IGNORECASE,
)
# "Corby Vale station reopening thread": a topic named as a thread to talk in.
_THREAD = re.compile(
    r"[\s,:-]+(?:mega ?thread|thread|discussion|chat|updates?|news|saga|drama|discourse|"
    r"debate|stuff|thing)[\s!?.🧵]*$",
    re.IGNORECASE,
)
_GREETED = re.compile(r"^(?:everyone|everybody|all|guys|folks|team|y'?all)\b[\s,!.]*")
# "can't believe …": a reaction to a statement, which may itself be a claim.
_REACTION_TO = re.compile(
    r"^(?:i\s+)?(?:still\s+)?(?:can'?t|cannot|cant|couldn'?t)\s+believe\s+(?:that\s+)?",
    re.IGNORECASE,
)
# "medal table anyone?", "link pls": asking the room, not saying anything.
_ASKING_AROUND = re.compile(r"\b(?:anyone|anybody|pls|please|plz)\s*\?*\s*$", re.IGNORECASE)
LONG_TOPIC_WORDS = 8  # a longer run of words with no verb at all is still just a topic
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")


def no_claim(text: str) -> str | None:
    """Why `text` asserts nothing to check (a request, a reaction, a bare topic), or None.
    A text of several sentences asserts something if any of them does."""
    reasons = [_no_claim_in(sentence) for sentence in _SENTENCE_END.split(clean(text).strip())]
    return reasons[0] if reasons and all(reasons) else None


def _no_claim_in(text: str) -> str | None:
    core = asserted(text)
    lowered = core.casefold()
    # "WHO declared …": written in capitals, the World Health Organization, not a question.
    asks = _REQUEST.match(lowered) and not core.startswith("WHO ")
    if asks and not _YES_NO_QUESTION.match(lowered):
        return "a request or an open question, not a claim"
    if _ASKING_AROUND.search(clean(text)):
        return "a request or an open question, not a claim"
    opened = _LEAD_IN.sub("", " ".join(clean(text).split())).casefold()
    believed = _REACTION_TO.match(opened)
    if believed is not None:
        if _states_claim(opened[believed.end() :]):
            return None  # "can't believe hardly any … failed their inspections in 2024"
        return "a reaction, not a claim"  # "can't believe people fall for this"
    greeted = _GREETED.sub("", lowered)
    if _OPINION.match(lowered) or _OPINION.match(greeted) or _VERDICT_ON_THIS.match(lowered):
        return "a reaction, not a claim"
    if (_SUBJECTIVE.search(lowered) or _JUDGED.search(lowered)) and not re.search(r"\d", lowered):
        return "an opinion, not a claim"
    if _REACTION.search(lowered) and not re.search(r"\d", lowered):
        return "a reaction, not a claim"
    asked = _TOPIC_THEN_QUESTION.match(lowered)
    if asked is not None and not _has_verb(words(asked["topic"])):
        return "a request or an open question, not a claim"
    said = words(_THREAD.sub("", core))
    if len(said) <= LONG_TOPIC_WORDS and not _has_verb(said):
        return "a topic, not a claim"
    # "the ferris tiktok ban": a noun phrase, its words only nouns that may be verbs.
    if (
        said[:1] in (["the"], ["this"], ["that"])
        and len(said) <= SHORT_PHRASE_WORDS
        and not any(is_verb(w) or w[:1].isdigit() for w in said)
    ):
        return "a topic, not a claim"
    return None


SHORT_PHRASE_WORDS = 6


_GENERIC_REFERENCES = word_set("people thing things stuff this that it everyone anyone folks")


def _states_claim(clause: str) -> bool:
    """Whether the clause after a reaction ("can't believe …") states something checkable:
    a number, or five content words that are not "people", "thing" and the like ("people
    fall for the ashwagandha thing" states nothing)."""
    if _no_claim_in(clause) is not None:
        return False
    content = [w for w in words(clause) if w not in STOPWORDS and w not in _GENERIC_REFERENCES]
    return bool(re.search(r"\d", clause)) or len(content) >= 5


# "DEFINITELY MAYBE who's got tickets", "bennu samples, anyone know more?": a topic, then
# a question to the room.
_TOPIC_THEN_QUESTION = re.compile(
    r"^(?P<topic>[^?.!]{1,60}?)[\s,:;-]+(?:who(?:'s| has| got| is)|(?:anyone|anybody) "
    r"(?:know|got|going|else|seen|watching|have)|what(?:'s| do you| does everyone)|thoughts|"
    r"opinions)\b[^.!]*$",
    re.IGNORECASE,
)


def _has_verb(said: list[str]) -> bool:
    """A verb, or a word that may be one with something after it ("ukraine moscow strikes??"
    and "bennu samples" end on their noun; "farmers and drones" joins two nouns)."""
    return any(
        is_verb(w) or (n < len(said) - 1 and may_be_verb(w) and said[n + 1] not in _JOINS)
        for n, w in enumerate(said)
    )


_JOINS = word_set("and or & vs v versus plus")


_YES_NO_QUESTION = re.compile(
    r"^(?:is|are|was|were|did|does|do|has|have|had|will|would|can|could|should|isn't|aren't|"
    r"wasn't|weren't|didn't|doesn't|don't|hasn't|haven't|won't)\b(?! (?:you|someone|anyone|"
    r"anybody|somebody|u) (?:explain|tell|help|show|know|got|seen|heard|read|watched|"
    r"summari[sz]e|describe|give|find|post|link|send|recap|break|fill|catch))",
    re.IGNORECASE,
)


# -- attribution: "X said Y" is not "Y" -----------------------------------------------------------

_REPORTING = (
    r"said|says|say|claimed|claims|claim|told|tells|stated|states|announced|announces|"
    r"argued|argues|insisted|insists|wrote|writes|posted|posts|tweeted|tweets|alleged|"
    r"alleges|suggested|suggests|admitted|admits|warned|warns|boasted|boasts|declared|"
    r"declares|asserted|asserts|maintained|maintains|revealed|reveals|accused|accuses|"
    r"predicted|predicts|promised|promises|vowed|vows|denied|denies|believes|believed|thinks|"
    r"reckons|reckoned|swears|swore|"
    r"promise|predict|insist|admit|tweet|warn"  # asked about: "did Musk really promise …"
)
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
    rf"(?P<verb>{_REPORTING}|{_GERUNDS})\b(?:\s+(?:on|in)\s+(?:a\s+)?[^\s]+(?:\s+[^\s]+)?)?"
    rf"(?:\s+(?:reporters|journalists|the press|an? \w+|his \w+|her \w+|their \w+))?"
    rf"(?:\s+that|\s*:|,)?\s+(?P<said>.+)$",
    re.IGNORECASE,
)
_ACCORDING = re.compile(r"^according to (?P<speaker>[^,]{2,60}),\s*(?P<said>.+)$", re.IGNORECASE)
_ACCORDING_LAST = re.compile(
    r"^(?P<said>.+?),?\s+according to (?P<speaker>[^,]{2,60}?)[.!]*$", re.IGNORECASE
)
_INVERTED = re.compile(
    rf"^(?P<said>.+?),\s+(?P<speaker>(?:[^\s,]+\s+){{0,3}}[^\s,]+)\s+(?:{_REPORTING})"
    rf"(?:\s+(?:on \w+|in \w+|today|yesterday|last \w+))?[.!]*$",
    re.IGNORECASE,
)
_SAID_FIRST = re.compile(
    rf"^(?P<said>.+?),\s+(?:{_REPORTING})\s+(?P<speaker>(?:[^\s,]+\s+){{0,3}}[^\s,.]+)[.!]*$",
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
_DETERMINERS = word_set("the a an his her their its our this that")
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
        any(w[:1].isdigit() and not _is_year(float(w), w) for w in speaker_words if w.isdigit())
        or any(w[:1].isdigit() and not w.isdigit() for w in speaker_words)
        # "Three in five voters said No": a count of people acting, not a speaker.
        or any(not _is_year(q.value, q.text) for q in quantities(speaker.casefold()))
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
    said = [w for w in words(speaker) if w not in _DETERMINERS]
    return bool(said) and any(w in _ROLES for w in said) and not set(said) & _BODIES


def _personal(speaker: str) -> bool:
    """Whether a cited speaker is a person ("Dr Voss", "trump", "the mayor"), not a body or
    a source ("the WMO", "INPE", "a YouGov poll", "scientists", "rumours")."""
    said = words(speaker)
    if not said or (set(said) & (_BODIES | _NOBODY) and not _role(speaker)):
        return False
    if _role(speaker):
        return True
    if said[0] in _DETERMINERS:
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
        before in _PLACE_WORDS
        or before in ("than", "about", "against", "like")
        or (before not in _REPORTING_WORDS and before not in _AUXILIARIES and is_verb(before))
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
    parties = _parties(held, runs)
    if not parties:
        return True
    at, first = parties[0]
    if not (mentions(person, first) or mentions(first, person)):
        return False
    # The first party acts ("Meta laid off …"), not only names what acts ("The Ardley tram
    # extension will open …" is not Ardley council speaking).
    run = next(r for r in runs if " ".join(r) == first)
    return _acts_at_once(held, at + _span(held, at, run))


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
    parties = _parties(held, runs)
    if not parties or not mentions(speaker, parties[0][1]):
        return False
    at, first = parties[0]
    run = next(r for r in runs if " ".join(r) == first)
    verb = _verb_after(held, at + _span(held, at, run))
    return verb not in _REPORTING_WORDS


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
        if not role or any(not any(_alike(w, h) for h in held) for w in body):
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
    return _key(base_form(word))


def _converse(one: set[str], other: set[str]) -> bool:
    """Whether a verb among `one` is the converse of one among `other`."""
    return any((one & a and other & b) or (one & b and other & a) for a, b in _CONVERSES)


def _same_act(one: set[str], other: set[str]) -> bool:
    """Whether the two share a verb, or verbs of one meaning ("beat" / "win over")."""
    return bool(one & other) or any(
        (one & side and other & side) for pair in _CONVERSES for side in pair
    )


_LINKING = word_set("whether if that to whom")


def _key(word: str) -> str:
    """Words meet on their stem's first four letters ("beat"/"beaten", "sued"/"sues")."""
    return stem(word)[:4]


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
    placed_said = _parties(said, runs)
    placed_held = _parties(held, runs)
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
        owner = said[named_at + _span(said, named_at, held_run) - 1]
        if owner.endswith("'s"):
            return None
    said_run = next(run for run in runs if " ".join(run) == first_said)
    end_said = _past_conjunct(said, at_said + _span(said, at_said, said_run), runs)
    after_said = _next_content(said, end_said)
    after_held = _next_content(held, at_held + _span(held, at_held, said_run))
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
    if claim_at is None or not _acts_at_once(held, claim_at + len(first_run)):
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
_DETERMINERS = word_set("a an the its his her their this that these those our my your")
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
            while nxt < len(tokens) and tokens[nxt] in _DETERMINERS | _PARTICLES:
                nxt += 1
            done_to = nxt < len(tokens) and (nxt in placed or _noun(tokens[nxt]))
            frames.append(_Frame(meaning, token, roles, done_to))
    return frames


_DENIALS = word_set(
    "not never no didnt doesnt dont wasnt werent isnt arent hasnt havent hadnt wont cant couldnt"
)


_PEERS = word_set("teammate rival partner colleague boss")


def _describing(word: str) -> bool:
    """A word between a name and another that makes the first describe the second: "Helix
    Bank chair Ruth Okafor", "his McLaren teammate Lando Norris", "Asteroid 2024 YR4"."""
    if word in STOPWORDS or word in _LINKING:
        return False  # "asked Zelenskyy whether Ukraine …"
    return _is_title(word) or word in _PEERS or word[:1].isdigit()


def _denies(token: str) -> bool:
    return token in _DENIALS or token.endswith("n't")


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
            before[0] in _DETERMINERS
            or before[0][:1].isdigit()
            or (len(before) > 1 and before[1] in _DETERMINERS and not is_verb(before[0]))
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
        if giving and (tokens[end] in _DETERMINERS or tokens[end][:1].isdigit()):
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
            if all(t not in (",", ".") and t not in _PLACE_WORDS for t in between):
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
    if tokens[at].endswith("ing") and at > 0 and tokens[at - 1] not in _AUXILIARIES | _PASSIVE:
        # A participle is said of its clause's first party, or its sentence's after a comma.
        ends = (".",) if tokens[at - 1] == "," else (".", ",")
        start = max((i for i in range(at - 1) if tokens[i] in ends), default=-1) + 1
        first = [
            (s, n)
            for s, (e, n) in placed.items()
            if start <= s < at and not (s > 0 and tokens[s - 1] in _PLACE_WORDS)
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
            if not any(s <= n < e for s, (e, _) in placed.items()) and t not in _DETERMINERS
        ]
        if between and between[-1] in _PLACE_WORDS:
            between = between[:-1]
        if any(t in _PLACE_WORDS or t == "with" for t in between):
            continue
        best = (start, name)
    return best


def _in_place(tokens: list[str], placed: dict[int, tuple[int, str]], start: int) -> bool:
    """Whether the party at `start` is a place or source after a preposition, past the names
    and determiners before it ("in Brazil's Amazon", "from the US")."""
    at = start - 1
    while at >= 0 and (
        tokens[at] in _DETERMINERS or any(s <= at < e for s, (e, _) in placed.items())
    ):
        at -= 1
    return at >= 0 and tokens[at] in _PLACE_WORDS


def _other_verb(token: str) -> bool:
    """A verb between a party and an act, which makes the party that verb's subject."""
    return (is_verb(token) or token.endswith("ing")) and token not in _AUXILIARIES | _PASSIVE


def _in_passive(tokens: list[str], at: int, subject: int | None) -> bool:
    """Whether the act is in the passive: "was sacked", "got knocked out", "Was Varga
    endorsed"."""
    if not is_past(tokens[at]) and not tokens[at].endswith("en"):
        return False
    start = max((i for i in range(at) if tokens[i] in (",", ".")), default=-1) + 1
    window = tokens[max(start, at - 3) : at]
    if any(t in _PASSIVE for t in window):
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
                    and not (i and (between[i - 1] in _DETERMINERS or between[i - 1][:1].isdigit()))
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
        if word in _PLACE_WORDS or word in (",", ".") or is_verb(word) or _act_at(tokens, i, acts):
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
        _verb_key(w) for w in words(claim) if is_verb(w) and w not in _AUXILIARIES | _PASSIVE
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
        if at > 0 and (tokens[at - 1] in _DETERMINERS or tokens[at - 1][:1].isdigit()):
            continue  # a noun: "a fine", "the 3-1 win"
        if at > 1 and tokens[at - 2] in _OWNERS:
            continue  # "its first cut"
        before = at - 1
        while before >= 0 and tokens[before] in _AUXILIARIES | _PASSIVE:
            before -= 1
        # Past a place said of the subject: "A shopkeeper in Kelham punched …".
        place = before
        while place >= 0 and (place in inside or tokens[place] in _DETERMINERS):
            place -= 1
        if place < before and place > 0 and tokens[place] in _PLACE_WORDS:
            before = place - 1
        if before >= 0 and before not in inside and _noun(tokens[before]):
            heads.append((tokens[before],))
        after = at + 1
        while after < len(tokens) and tokens[after] in _DETERMINERS | _PARTICLES:
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
        and word not in _DETERMINERS
        and word not in _LINKING
        and word not in _RELATIVE
        and word not in _PLACE_WORDS
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


_REPORTING_WORDS = word_set(_REPORTING.replace("|", " ")) | word_set(
    "reported reports confirmed confirms"
)


_ClaimDoer = tuple[str, list[str], list[str], list[tuple[str, ...]], int, str, tuple[str, ...]]


def _claim_doer(message: str, claim: str) -> _ClaimDoer | None:
    """What the doer rules read: the message's asserted text and words, the claim's words and
    placed names, and the claim's first party (where it stands, its name, its run)."""
    said_text = asserted(message)
    said, held = words(said_text), words(claim)
    runs = [run for run in names(claim) if position(held, run) is not None]
    placed_held = _parties(held, runs)
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
    held_verb = _verb_after(held, claim_at + _span(held, claim_at, agent_run))
    if held_verb is None:
        return None
    new_runs = [run for run in names(said_text) if not mentions(claim, " ".join(run))]
    placed = _parties(said, [*new_runs, *runs])
    if not placed or placed[0][1] not in {" ".join(run) for run in new_runs}:
        return None
    at, doer = placed[0]
    doer_run = next(run for run in new_runs if " ".join(run) == doer)
    verb_at = at + _span(said, at, doer_run)
    said_verb = _verb_after(said, verb_at)
    if said_verb is None or said_verb in _REPORTING_WORDS:
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
    claim_keys = {_key(w) for w in claim_words}
    named = {w for run in runs for form in forms(run) for w in form.split()}
    out: list[tuple[str, ...]] = []
    current: list[str] = []
    for word in [*said_words, ""]:
        maybe = (
            len(word) >= 3
            and word.isalpha()
            and word not in _NEVER_NAMES
            and word not in MONTHS
            and _key(word) not in claim_keys
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
    verb_at = claim_at + _span(held, claim_at, agent_run)
    if _verb_after(held, verb_at) is None or _referred(said, agent_run, held) is not None:
        return None
    acted_on = {_key(w) for w in held[verb_at + 1 : verb_at + 5] if w not in STOPWORDS}
    for run in names(said_text):
        at = position(said, run)
        if at is None or mentions(claim, " ".join(run)):
            continue
        before = [w for w in said[max(0, at - 3) : at] if w != "the"]
        owner_of = len(before) >= 2 and before[-1] == "of" and _key(before[-2]) in acted_on
        owned = said[at + len(run) - 1].endswith("'s") and any(
            _key(w) in acted_on for w in said[at + len(run) : at + len(run) + 2]
        )
        if owner_of or owned:
            return f"your message says {' '.join(run)} did it; the claim says {claim_agent}"
    return None


_AUXILIARIES = word_set("has have had is are was were will would did does do")


def _verb_after(text_words: list[str], start: int) -> str | None:
    """The verb right after a party ("won", "has sued": "sued"), or None if none follows."""
    following = text_words[start : start + 2]
    if following and following[0] in _AUXILIARIES and following[0] not in _PASSIVE:
        following = following[1:]
    if not following or following[0] in _PASSIVE:
        return None
    word = following[0]
    return word if is_verb(word) or may_be_verb(word) else None


def _span(text_words: list[str], at: int, run: tuple[str, ...]) -> int:
    """How many words the name starting at `at` takes as written there: "Palace" is one word
    of "Crystal Palace", "US" one of "United States"."""
    spelled = {part for form in forms(run) for part in form.split()}
    size = 0
    while size < len(run) and at + size < len(text_words):
        if text_words[at + size].removesuffix("'s") not in spelled:
            break
        size += 1
    return max(size, 1)


def _past_conjunct(text_words: list[str], start: int, runs: list[tuple[str, ...]]) -> int:
    """Where the words after a party go on past another party joined to it: "Altman and
    OpenAI took Musk to court" goes on at "took"."""
    if start < len(text_words) and text_words[start] in ("and", "&"):
        for run in runs:
            if position(text_words[start + 1 : start + 4], run) == 0:
                return start + 1 + _span(text_words, start + 1, run)
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


def _acts_at_once(text_words: list[str], start: int) -> bool:
    """Whether a verb follows the name straight away (an auxiliary counts: "has sued")."""
    if start >= len(text_words):
        return False
    word = text_words[start]
    if word in _PASSIVE:
        return False
    return is_verb(word) or (word.endswith("s") and word not in STOPWORDS and len(word) > 3)


def _parties(text_words: list[str], runs: list[tuple[str, ...]]) -> list[tuple[int, str]]:
    """The claim's names in `text_words` that can be parties, in order of appearance."""
    placed = sorted(
        (at, " ".join(run))
        for run in runs
        if (at := position(text_words, run)) is not None and _party(text_words, at, run)
    )
    first_at: dict[str, int] = {}
    for at, name in placed:  # in order of appearance: a name's first place is kept
        first_at.setdefault(name, at)
    return [(at, name) for name, at in first_at.items()]


def _next_content(text_words: list[str], start: int) -> str | None:
    return next((_key(w) for w in text_words[start:] if w not in STOPWORDS), None)


_PASSIVE = word_set("was were is are been being be got gets get")


def _acts(text_words: list[str], start: int) -> bool:
    """Whether the words after a party make it the doer: a verb follows, not a passive."""
    following = text_words[start : start + 3]
    if not following or following[0] in _PASSIVE or following[0] in ("and", "with", "or"):
        return False
    return any(is_verb(w) or w.endswith("s") for w in following)


_PLACE_WORDS = word_set("in at from of on to for by near into across inside outside within")


def _party(clause_words: list[str], at: int, run: tuple[str, ...]) -> bool:
    """Whether the name at `at` can be a party to the verb: not a possessive ("India's
    ruling party") nor a place or source after a preposition ("in Manhattan", "from Brazil")."""
    before = clause_words[at - 1] if at > 0 else ""
    written = clause_words[at : at + len(run)]
    return not any(w.endswith("'s") for w in written) and before not in _PLACE_WORDS


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
        return {_key(w) for w in ws if w not in STOPWORDS and w.isalpha()}

    return keys(before), keys(after), way


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
    """The content words the two texts share (by `_key`): where they speak of one thing."""
    said = {_key(w) for w in words(message) if w not in STOPWORDS and not w[:1].isdigit()}
    held = {_key(w) for w in words(claim) if w not in STOPWORDS and not w[:1].isdigit()}
    # Keys of one word cut apart by its endings ("vot" of "voted", "vote" of "votes").
    return (
        (said & held)
        | {a for a in said if any(_alike(a, b) for b in held)}
        | {b for b in held if any(_alike(a, b) for a in said)}
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
_REPORTS = re.compile(rf"\b(?:{_REPORTING}|confirm(?:s|ed)?|pledg(?:es|ed))\b", re.IGNORECASE)
_REPORTED_PLAN = re.compile(
    rf"\b((?:{_REPORTING}|confirm(?:s|ed)?|pledg(?:es|ed))(?: \w+){{0,6}}?) (?:would|\w+'d)\b",
    re.IGNORECASE,
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
            if any(_key(w) in anchors for w in following[:reach]):
                found.add(name)
                break
    return found


def _past(text: str, anchors: set[str]) -> bool:
    """Whether `text` puts one of the shared words in the past tense."""
    return any(is_past(w) and _key(w) in anchors for w in words(asserted(text)))


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
    if _key("plan") in anchors:
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
    said_keys = {_key(w) for w in words(asserted(message)) if w not in STOPWORDS}
    for q in quantities(claim.casefold()):
        if q.unit in ("%", "") or not q.unit.isalpha() or q.unit in MONTHS:
            continue  # a share, a sum of money or a day of the month is no count
        if _is_year(q.value, q.text):
            continue
        # "unanimously approved" counts the votes without naming them
        counted = any(_alike(c, k) for c in q.context for k in said_keys) or (
            "vote" in q.context and bool(_UNANIMOUS.search(asserted(message)))
        )
        if counted and not any(q.same_value(s) for s in said_counts):
            return f"your message says {said}; the claim counts {q.text} {q.unit}s"
    return None


_UNANIMOUS = re.compile(r"\bunanimous(?:ly)?\b", re.IGNORECASE)


def _alike(a: str, b: str) -> bool:
    """Two word keys of one word ("vote" of "votes", "vot" of "voted")."""
    return min(len(a), len(b)) >= 3 and (a.startswith(b) or b.startswith(a))


def _is_year(value: float, text: str) -> bool:
    return text.isdigit() and len(text) == 4 and 1800 <= value <= 2100


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


_DENIALS = word_set("denied denies deny")


def _statements(message: str, claim: str) -> tuple[str, str, bool]:
    """What the two texts state, to be compared, and whether both quote one speaker. A
    message quoting someone where the claim states a fact states what was quoted ("Trump
    says Putin fooled four presidents" does not deny "…, but not Trump" by naming Trump);
    two reports of one speaker ("Cllr Faraday told the meeting …" and "Wexcombe councillor
    Roy Faraday said …") are compared as wholes after the past's shift ("said it would
    open" for "said it will open"), and only what was said may name someone else."""
    quoted = attribution(message)
    if quoted is None or quoted.verb in _DENIALS:
        return message, claim, False
    claimed = attribution(claim)
    if claimed is None:
        return quoted.said, claim, False
    if claimed.verb in _DENIALS or not _same_speaker(quoted, claimed):
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


# -- how sure the verdict is --------------------------------------------------------------------

IDENTITY_FEATURES = (
    "contradicts",  # the verdict is a contradiction, not the same claim
    "wording",  # token-set likeness of what the message asserts and the claim
    "claim_stated",  # share of the claim's content words the message states
    "message_extra",  # share of the message's content words the claim lacks
    "names_kept",  # share of the claim's names the message names (1 when it has none)
    "names_added",  # names the message adds that the claim does not have (up to 3, / 3)
)


def identity_features(message: str, claim: Claim, verdict: Verdict) -> list[float]:
    """What the probability that `message` states `claim` (or its contradiction) is read
    from, in the order of `IDENTITY_FEATURES`; `verdict` is `judge_identity`'s, already made.
    A negative question is read as the claim it asks about ("Didn't …" as "Did …")."""
    said = _as_asked(message)
    said_norm, held_norm = normalize(said), normalize(claim.text)
    said_words = {_key(w) for w in content_tokens(said_norm)}
    held_words = {_key(w) for w in content_tokens(held_norm)}
    held_names = names(claim.text)
    kept, _ = covered(claim.text, said)
    added = [run for run in names(said) if not mentions(claim.text, " ".join(run))]
    return [
        1.0 if verdict is Verdict.CONTRADICTS else 0.0,
        fuzz.token_set_ratio(said_norm, held_norm) / 100,
        len(said_words & held_words) / max(1, len(held_words)),
        len(said_words - held_words) / max(1, len(said_words)),
        sum(1 for run in held_names if set(run) <= kept) / len(held_names) if held_names else 1.0,
        min(len(added), 3) / 3,
    ]


@dataclass(frozen=True, slots=True)
class IdentityModel:
    """The fitted logistic model over `IDENTITY_FEATURES` (`identity_model.json`, made by
    `python -m verifiers.evaluation.identity_fit`)."""

    weights: tuple[float, ...]
    bias: float

    def probability(self, features: list[float]) -> float:
        z = self.bias + sum(w * f for w, f in zip(self.weights, features, strict=True))
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


@functools.cache
def identity_model() -> IdentityModel:
    """The shipped model; its feature list must be the code's, or it is refused."""
    data = json.loads(
        importlib.resources.files("verifiers.matching").joinpath(MODEL_FILE).read_text("utf-8")
    )
    if tuple(data["features"]) != IDENTITY_FEATURES:
        raise ConfigError(
            f"{MODEL_FILE} was fitted on other features ({', '.join(data['features'])}):"
            " refit it with python -m verifiers.evaluation.identity_fit"
        )
    return IdentityModel(tuple(float(w) for w in data["weights"]), float(data["bias"]))


MODEL_FILE = "identity_model.json"


def identity_probability(message: str, claim: Claim, verdict: Verdict) -> float:
    """How likely `message` states `claim` or its contradiction, given that the rules found
    nothing changed (`verdict`): calibrated on the identity set (docs/matching.md)."""
    return identity_model().probability(identity_features(message, claim, verdict))
