"""What a message asserts, without its chatty wrapper, and messages that assert no claim."""

from __future__ import annotations

import re

from verifiers.text.names import (
    WORD,
    words,
)
from verifiers.text.normalize import clean
from verifiers.text.tokens import STOPWORDS, word_memo, word_set
from verifiers.text.verbs import is_verb, may_be_verb

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
