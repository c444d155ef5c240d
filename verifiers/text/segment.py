"""Split a chat message into the segments worth checking.

A message may hold several claims, and a lot that is not a claim at all: code, links,
mentions, greetings, emoji. Only segments with enough content words are returned, so chit-chat
never reaches retrieval. Every pattern here is linear-time (no nested or overlapping
quantifiers); code fences are removed with `str.find`, not a regex.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from verifiers.text.normalize import clean
from verifiers.text.tokens import STOPWORDS, tokenize, word_set
from verifiers.text.verbs import is_verb, may_be_verb

# A tweet copied as text glues its photo link to the last word ("Hanukkahpic.twitter.com/…").
_URL = re.compile(r"(?:https?://|www\.)\S+|pic\.twitter\.com/\S+", re.IGNORECASE)
_DISCORD_TOKENS = re.compile(r"<(?:@[!&]?|#|a?:\w+:)\d+>|@(?:everyone|here)\b")
_HANDLE = re.compile(r"(?<!\w)@\w+")
# A pasted tweet's signature: "— Name (@handle) Month D, YYYY" at the end of a line.
_SIGNATURE = re.compile(r"[—–]\s([^\n—–]{0,80})\(@\w+\)\s(\w{3,9}\.?\s\d{1,2},\s\d{4})")
_TAG = re.compile(r"(?<!\w)[#@](\w+)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SPACES = re.compile(r"[ \t\r\f\v]+")
# Lookbehinds keep these linear: a long run of "." or spaces is tried from its start only.
_SENTENCE_END = re.compile(r"(?<![.!?…])[.!?…]++[\"'”’)\]]*+\s+|\n+|;\s+|\s[•·]\s")

ABBREVIATIONS: frozenset[str] = word_set(
    """
    mr mrs ms dr st sr jr prof gen gov sen rep col lt sgt capt vs etc inc ltd co corp jan feb
    mar apr jun jul aug sep sept oct nov dec no approx est fig u.s e.g i.e a.m p.m
    """
)

# Words that make up chit-chat; a segment made only of these (and stop words) is skipped.
FILLER: frozenset[str] = word_set(
    """
    hi hello hey heya hiya yo sup morning evening afternoon night good great nice cool ok okay
    k kk thanks thank thx ty lol lmao lmfao rofl haha hahaha hehe xd omg wow yes yeah yep yup
    nope nah everyone everybody guys folks all people gm gn bye cya welcome sorry please pls
    plz np yw idk imo imho tbh btw fyi brb afk gg wp same mood true agreed agree exactly indeed
    really right sure maybe think guess know hmm hm uh um oh ah see look well anyway question
    lemme let check bot claim claims anyone fact any thoughts day today tonight tomorrow
    """
)

MIN_CONTENT_WORDS = 2
MIN_CLAUSE_WORDS = 6
MAX_SEGMENT_WORDS = 60
# A bare "and" followed by what may open a statement: a name, a number or "the …".
_AND = re.compile(r"\s+and\s+(?=(?:(?:the|a|an|its|his|her|their)\s+)?[A-Z0-9])")
_DETERMINERS = word_set("the a an its his her their")
MAX_SUBJECT_WORDS = 3  # words of a subject before its verb, after "and"
_CLAUSE_SPLIT = re.compile(
    r",\s+(?:and|but|while|whereas|although|though)\s(?!then\s)|,?\s+(?:and\s+)?then\s"
    r"|(?<!\s)\s+but\s",
    re.IGNORECASE,
)
# A sentence opened by a condition keeps its "then": "if the Fed cuts, then mortgages fall".
_CONDITION = re.compile(r"^\W*(?:if|when|whenever|once|unless|as soon as)\s", re.IGNORECASE)


def strip_noise(text: str, *, keep_signature: bool = False) -> str:
    """Remove code, links, mentions and tweet signatures; keep the words around them.

    A pasted tweet's signature names who said it, which helps when the whole message is one
    query (`message_query`), but would be a bogus segment of its own when splitting.
    """
    text = _strip_code(text)
    # Kept, a signature gives its name and date only: the handle mostly repeats the name
    # ("@realDonaldTrump"), which would count the author twice.
    text = _SIGNATURE.sub(r" \1 \2" if keep_signature else " ", text)
    text = _URL.sub(" ", text)
    text = _DISCORD_TOKENS.sub(" ", text)
    if not keep_signature:
        text = _HANDLE.sub(" ", text)
    return _TAG.sub(_split_tag, text)


def _split_tag(m: re.Match[str]) -> str:
    """ "#WorldSeries" → "WorldSeries World Series": the words inside a hashtag or handle."""
    word = m.group(1)
    split = _CAMEL.sub(" ", word)
    return word if split == word else f"{word} {split}"


def _strip_code(text: str) -> str:
    """Drop fenced blocks and inline code spans in one left-to-right pass."""
    out: list[str] = []
    i = 0
    while True:
        start = text.find("`", i)
        if start < 0:
            out.append(text[i:])
            break
        out.append(text[i:start])
        fence = "```" if text.startswith("```", start) else "`"
        end = text.find(fence, start + len(fence))
        if end < 0:  # unclosed: everything after it is code
            break
        out.append(" ")
        i = end + len(fence)
    return "".join(out)


# A clause that denies all that came before it: "it didn't happen", "that's fake news", "not
# true lol", "lies", "No it did not". A question ("is that fake?") asks; it does not deny.
DENIAL = (
    r"(?:(?:it|that|this)\s+(?:(?:did\s*n[o'’]?t|didnt|never)\s+happen(?:ed)?|(?:is|was|['’]?s)\s+"
    r"(?:(?:not|n[o'’]t)\s+true|untrue|false|fake(?:\s+news)?|(?:a\s+)?(?:lie|myth|hoax|"
    r"fabrication)|made\s+up|nonsense|rubbish|debunked)|never\s+happened)|(?:that'?s|it'?s|thats|"
    r"its)\s+(?:not\s+true|false|fake(?:\s+news)?|(?:a\s+)?(?:lie|myth|hoax)|made\s+up|nonsense|"
    r"rubbish|debunked)|not\s+true|never\s+happened|fake\s+news|(?:all\s+)?lies|"
    r"(?:no(?:pe)?[,.!]?\s+)?(?:it|they|he|she)\s+(?:did\s*n[o'’]?t|didnt|has\s*n[o'’]?t|hasnt|"
    r"was\s*n[o'’]?t|wasnt|is\s*n[o'’]?t|isnt|never\s+did)|=\s*(?:fake|false|lies?|myth))\b"
    r"[\s.!,]*(?:lol|lmao|smh|ffs|mate|people|guys)?[\s.!]*"
)
# "X is a myth", "X was fake news": the whole statement is said to be false.
IS_DENIED = (
    r"\b(?:is|was|are|were)\s+(?:(?:all|completely|totally|just|simply)\s+)?(?:(?:a|an)\s+"
    r"(?:myth|lie|hoax|fabrication|conspiracy theory)|fake(?:\s+news)?|false|untrue|made\s+up|"
    r"nonsense|rubbish|debunked|not\s+true)[\s.!]*(?:lol|lmao|smh)?[\s.!]*"
)
_DENIAL_SENTENCE = re.compile(rf"\s*{DENIAL}$", re.IGNORECASE)


def _with_denials(sentences: list[str]) -> list[str]:
    """A sentence that only denies ("Not true.", "It never happened!") belongs to the one
    before it: it says that one is false."""
    out: list[str] = []
    for sentence in sentences:
        if out and out[-1].strip() and _DENIAL_SENTENCE.match(sentence):
            out[-1] = out[-1].rstrip() + " - " + sentence.strip()
        else:
            out.append(sentence)
    return out


def _sentences(text: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        piece = text[start:end]
        # Look back a few characters only, so a run of "a. a. a." stays linear.
        before = text[max(start, m.start() - 24) : m.start() + 1]
        if m.group().startswith(".") and _ends_with_abbreviation(before):
            continue
        pieces.append(piece)
        start = end
    pieces.append(text[start:])
    return pieces


def _last_word(text: str) -> str:
    parts = text.rsplit(None, 1)
    return parts[-1] if parts else ""


def _ends_with_abbreviation(text: str) -> bool:
    word = _last_word(text).rstrip(".").lstrip("(\"'").lower()
    return word in ABBREVIATIONS or len(word) == 1 or ("." in word and len(word) <= 5)


def is_claim_like(segment: str) -> bool:
    """Enough content words that are not chit-chat to be worth checking."""
    words = [w for w in tokenize(segment.casefold()) if not w.isdigit() or len(w) > 1]
    content = [w for w in words if w not in STOPWORDS and w not in FILLER and len(w) > 1]
    return len(content) >= MIN_CONTENT_WORDS


def _split_long(sentence: str) -> list[str]:
    """Split a long sentence at clause boundaries when each side can stand on its own."""
    if len(sentence.split()) <= 2 * MIN_CLAUSE_WORDS:
        return [sentence]
    parts: list[str] = []
    start = 0
    head = ""  # the subject and verb a verbless clause after "then" leaves out
    for m in _CLAUSE_SPLIT.finditer(sentence):
        left = sentence[start : m.start()]
        right = sentence[m.end() :]
        then = m.group().strip(", ").casefold().endswith("then")
        if then and (_CONDITION.match(left) or _opens_with_verb(right)):
            continue  # a condition's consequence, or a second verb of the same subject
        # "The BoE cut to 4.5% in February and then to 4.25% in May": the second clause
        # is "The BoE cut to 4.25% in May".
        gap = _gapped_head(left, right) if then and _verbless(right) else ""
        if len(left.split()) >= MIN_CLAUSE_WORDS and len((gap + right).split()) >= MIN_CLAUSE_WORDS:
            parts.append(head + left)
            head = gap
            start = m.end()
    parts.append(head + sentence[start:])
    return [clause for part in parts for clause in _split_and(part)]


def _split_and(sentence: str) -> list[str]:
    """Two statements joined by a bare "and" ("… peaked in June 2022 and UK inflation topped
    out …"): split where a new subject and its verb follow, each side a clause of its own."""
    parts: list[str] = []
    start = 0
    for m in _AND.finditer(sentence):
        left = sentence[start : m.start()]
        right = sentence[m.end() :]
        if _ends_a_list(left) or len(left.split()) < MIN_CLAUSE_WORDS:
            continue
        if not _has_verb(left) or _subject_open(left):
            continue  # "Centres for Disease Control and Prevention": one name, no clause
        if len(right.split()) < MIN_CLAUSE_WORDS or not _opens_a_clause(right):
            continue
        parts.append(left)
        start = m.end()
    parts.append(sentence[start:])
    return parts


_COMPLEMENTS = frozenset(("that", "whether", "if"))


def _subject_open(text: str) -> bool:
    """Whether `text` ends inside a "that" clause that has no verb yet ("denied that Putin"
    and "Trump met …"): the "and" joins that clause's subject, not two statements."""
    words = text.split()
    at = max((n for n, w in enumerate(words) if w.casefold() in _COMPLEMENTS), default=None)
    return (
        at is not None
        and 0 < len(words) - at - 1 <= MAX_SUBJECT_WORDS
        and not _has_verb(" ".join(words[at + 1 :]))
    )


def _ends_a_list(text: str) -> bool:
    """ "Clinton, Bush, Obama": the "and" that follows ends a list, it joins no statements."""
    return any(w.endswith(",") for w in text.split()[-3:])


def _opens_a_clause(text: str) -> bool:
    """A subject of a few words, then its verb: "UK inflation topped", "the ECB took"; not
    a participle alone ("Owens and Hitler shaking hands")."""
    words = [w.strip(",.;:!?\"'").casefold() for w in text.split()[: MAX_SUBJECT_WORDS + 2]]
    if words and words[0] in _DETERMINERS:
        words = words[1:]
    for w in words[1 : MAX_SUBJECT_WORDS + 1]:
        if w.endswith("ing") and not is_verb(w):
            return False  # a participle opens a phrase, not a clause
        if is_verb(w) or may_be_verb(w):
            return True
    return False


def _opens_with_verb(text: str) -> bool:
    """ "… and then hired a new coach": the same subject's next act, no clause of its own."""
    first = text.split(None, 1)[0].strip(",.;:!?\"'").casefold() if text.strip() else ""
    return is_verb(first) or may_be_verb(first)


def _verbless(text: str) -> bool:
    """No word written in lower case is a verb ("to 4.25% on 8 May": "May" is a month)."""
    written = [w.strip(",.;:!?\"'") for w in text.split()]
    return not any(w.islower() and (is_verb(w) or may_be_verb(w)) for w in written)


def _gapped_head(clause: str, gapped: str) -> str:
    """What a verbless clause leaves out of the one before it: the words before the spot
    its first word fills ("The ECB cut its rate to 3.75% in June, then to 3.5% in
    September": "The ECB cut its rate "), else up to the first verb; "" if none."""
    words = clause.split()
    opening = gapped.split(None, 1)[0].casefold() if gapped.strip() else ""
    verb = next((n for n, w in enumerate(words) if _has_verb(w)), None)
    if verb is None:
        return ""
    for n in range(verb + 1, len(words)):
        if words[n].casefold() == opening or (_numeric(words[n]) and _numeric(opening)):
            return " ".join(words[:n]) + " "
    return " ".join(words[: verb + 1]) + " "


def _numeric(word: str) -> bool:
    """A figure ("5.4", "£60m"), which a gapped clause may open with."""
    return word[:1].isdigit() or (word[:1] in "£$€" and word[1:2].isdigit())


def _has_verb(text: str) -> bool:
    """Whether a clause has a verb, or a word not written as a name that may be one."""
    written = [w.strip(",.;:!?\"'") for w in text.split()]
    return any(
        is_verb(w.casefold()) or (may_be_verb(w.casefold()) and not w[:1].isupper())
        for w in written
    )


def _tidy(piece: str) -> str:
    piece = _SPACES.sub(" ", piece).strip()
    return piece.strip(" -–—•*>|:;,")


def _all_segments(text: str) -> Iterator[str]:
    body = clean(strip_noise(text))
    for sentence in _with_denials(_sentences(body)):
        for piece in _split_long(sentence):
            tidy = _tidy(piece)
            words = tidy.split()
            if len(words) > MAX_SEGMENT_WORDS:
                tidy = " ".join(words[:MAX_SEGMENT_WORDS])
            if tidy and is_claim_like(tidy):
                yield tidy


def segment(text: str, max_segments: int) -> list[str]:
    """The message's claim-like segments, cleaned (case kept), at most `max_segments`."""
    return list(itertools.islice(_all_segments(text), max_segments))


MAX_COUNTED_CHARS = 100_000  # a paste longer than this is counted no further


def claim_segments(text: str, max_segments: int) -> tuple[list[str], int]:
    """The `max_segments` most claim-like segments of a message, in the message's order, and
    how many more claim-like segments it has: a long paste is never cut without saying so."""
    found = list(_all_segments(text[:MAX_COUNTED_CHARS]))
    if len(found) <= max_segments:
        return found, 0
    richest = sorted(range(len(found)), key=lambda i: -_content_words(found[i]))[:max_segments]
    return [found[i] for i in sorted(richest)], len(found) - max_segments


def _content_words(segment: str) -> int:
    words = tokenize(segment.casefold())
    return sum(1 for w in words if w not in STOPWORDS and w not in FILLER and len(w) > 1)


def message_query(text: str) -> str:
    """The whole message as one cleaned query (noise removed, whitespace collapsed)."""
    return _SPACES.sub(" ", clean(strip_noise(text, keep_signature=True))).strip()
