"""Deterministic synthetic claims and chat messages for the scale benchmark.

The hard case for a lexical index is a Zipfian vocabulary: a few content words occur in a large
share of all claims, so a query that contains them touches long posting lists. Claims therefore
draw most words from a Zipf-Mandelbrot distribution over ~60,000 words (real common words at the
head, pronounceable made-up words in the tail), plus entity names, places, years and numbers.

Claim `i` depends only on (seed, i): claims are generated in blocks of `BLOCK` with one random
generator per block, so the 10k database is a prefix of the 100k one and a worker can regenerate
any claim without generating those before it.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

BLOCK = 1_000
TAIL_WORDS = 60_000
ZIPF_SHIFT = 10.0  # Zipf-Mandelbrot q: the commonest word is in ~10% of claims, not all


def _words(text: str) -> list[str]:
    """A word list written as one string (easier to read and edit)."""
    return text.split()


STATUSES = ("confirmed", "reported", "unverified", "disputed", "misleading", "false")

HEAD = _words(
    """
people government president health vaccine covid police state country city video photo
water money million billion percent year week day time children women school news study
report law tax election vote voters court judge army war attack minister company workers
price oil gas food virus cases deaths hospital doctors data plan border trade china russia
ukraine america europe india africa police fire storm flood climate energy power market bank
jobs pay rent housing party leader senate congress parliament campaign ban rule order mask
test result record crowd protest strike union farm crop drug cancer heart brain baby mother
father student teacher church city town village street road bridge train plane ship car
phone internet social media post image claim shows shared viral fake real new old first last
official officials secret group team player game match season club fans stadium music film
"""
)

FIRST = _words(
    """
james mary john patricia robert jennifer michael linda william elizabeth david barbara richard
susan joseph jessica thomas sarah charles karen daniel nancy matthew lisa anthony betty mark
sandra donald ashley steven kimberly paul emily andrew donna joshua michelle kenneth carol
kevin amanda brian melissa george deborah timothy stephanie ronald rebecca jason laura edward
sharon jeffrey cynthia ryan kathleen jacob amy gary angela nicholas shirley eric anna jonathan
brenda stephen pamela larry emma justin nicole scott helen brandon samantha olena dmytro
volodymyr yulia narendra priya ahmed fatima wei li hiroshi yuki carlos lucia jean marie
"""
)

LAST = _words(
    """
smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez
gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson white harris
sanchez clark ramirez lewis robinson walker young allen king wright scott torres nguyen hill
flores green adams nelson baker hall rivera campbell mitchell carter roberts kowalski novak
schmidt mueller rossi bianchi dubois laurent petrov ivanov kovalenko shevchenko tanaka sato
kim park chen wang singh patel okafor mensah silva santos costa oliveira haddad nasser
"""
)

PLACES = _words(
    """
london paris berlin madrid rome kyiv moscow warsaw vienna prague budapest athens lisbon dublin
brussels amsterdam stockholm oslo helsinki copenhagen toronto chicago houston phoenix denver
seattle boston atlanta miami dallas detroit portland austin nairobi lagos cairo accra tokyo
seoul beijing shanghai mumbai delhi karachi jakarta manila sydney melbourne auckland lima
bogota santiago caracas havana mexico texas florida california ohio georgia arizona michigan
"""
)

STOP = _words("the of to in and a for on that is was with by at from as it has have this")

UNITS = ("percent", "people", "dollars", "votes", "cases", "days", "troops", "homes", "jobs")

INTROS = (
    "",
    "",
    "apparently ",
    "is it true that ",
    "my uncle says ",
    "just saw this: ",
    "BREAKING: ",
    "can someone check this? ",
    "so ",
    "wow ",
)

TAILS = ("", "", "", " smh", " ?!", " lol", " wtf", ". crazy", " 😡", " is this real")

CHATTER = (
    "lol",
    "good morning everyone",
    "thanks!",
    "anyone up for a game tonight?",
    "brb",
    "haha that's hilarious",
    "what time is the meeting",
    "gm",
    "ok sounds good",
    "did anyone see the {a} {b} yesterday",
    "I think the {a} is better than the {b}",
    "can't wait for the {a} this weekend",
    "who wants to grab {a} later",
    "my {a} broke again, any tips?",
    "this {a} {b} thread is getting long",
    "nice",
    "👍",
    "congrats on the new {a}!",
)


@dataclass(frozen=True, slots=True)
class SynthClaim:
    """One generated claim: `index` also makes its external id."""

    index: int
    text: str
    summary: str
    status: str
    claimant: str


@dataclass(frozen=True, slots=True)
class Message:
    """A chat message; `source` is the index of the paraphrased claim, or None for chatter."""

    text: str
    source: int | None


def _syllables() -> list[str]:
    onsets = _words("b d f g h k l m n p r s t v z br dr gr kr pl st tr sh")
    vowels = _words("a e i o u ai ea ou")
    codas = ["", "", "", "n", "r", "s", "l", "t"]
    return [o + v + c for o in onsets for v in vowels for c in codas]


@cache
def vocabulary() -> tuple[list[str], list[float]]:
    """Words in rank order and their cumulative Zipf-Mandelbrot weights."""
    rng = random.Random(20_24)
    syllables = _syllables()
    known = set(HEAD) | set(FIRST) | set(LAST) | set(PLACES) | set(STOP)
    words = list(HEAD)
    seen = set(known)
    while len(words) < len(HEAD) + TAIL_WORDS:
        word = "".join(rng.choice(syllables) for _ in range(rng.choice((2, 2, 2, 3, 3))))
        if word not in seen and len(word) >= 4:
            seen.add(word)
            words.append(word)
    weights = [1.0 / (rank + ZIPF_SHIFT) for rank in range(len(words))]
    return words, list(itertools.accumulate(weights))


def _zipf(rng: random.Random, k: int) -> list[str]:
    words, cum = vocabulary()
    return rng.choices(words, cum_weights=cum, k=k)


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST).title()} {rng.choice(LAST).title()}"


def _number(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.4:
        return f"{rng.randint(2, 99)} {rng.choice(UNITS)}"
    if kind < 0.7:
        return f"{rng.randint(1, 999):,}{rng.choice(('', ',000'))} {rng.choice(UNITS)}"
    return f"{rng.randint(1, 50)} million {rng.choice(UNITS)}"


def _claim(rng: random.Random, index: int) -> SynthClaim:
    person = _person(rng)
    place = rng.choice(PLACES).title()
    body = _zipf(rng, rng.randint(6, 14))
    # A few stop words, as in real sentences (they are indexed but never searched).
    for _ in range(rng.randint(2, 5)):
        body.insert(rng.randrange(len(body) + 1), rng.choice(STOP))
    parts = [person if rng.random() < 0.6 else f"The {rng.choice(HEAD)} {rng.choice(HEAD)}"]
    parts.append(" ".join(body))
    if rng.random() < 0.5:
        parts.append(_number(rng))
    if rng.random() < 0.6:
        parts.append(f"in {place}")
    if rng.random() < 0.4:
        parts.append(f"in {rng.randint(1990, 2025)}")
    text = " ".join(parts) + "."
    title_words = rng.sample(body, k=min(len(body), rng.randint(3, 6)))
    summary = f"Did {person} {' '.join(title_words)}?"
    return SynthClaim(index, text, summary, rng.choice(STATUSES), person)


@cache
def _block(seed: int, number: int) -> tuple[SynthClaim, ...]:
    rng = random.Random(f"claims/{seed}/{number}")
    start = number * BLOCK
    return tuple(_claim(rng, start + i) for i in range(BLOCK))


def claim(seed: int, index: int) -> SynthClaim:
    return _block(seed, index // BLOCK)[index % BLOCK]


def forget() -> None:
    """Drop the blocks kept for `claim` (they would count in the measured process's memory)."""
    _block.cache_clear()


def claims(seed: int, count: int) -> Iterator[SynthClaim]:
    """Claims 0..count-1; blocks are not cached here, so memory stays flat at 1M."""
    for number in range((count + BLOCK - 1) // BLOCK):
        rng = random.Random(f"claims/{seed}/{number}")
        start = number * BLOCK
        for i in range(min(BLOCK, count - start)):
            yield _claim(rng, start + i)


def _typo(rng: random.Random, words: list[str]) -> None:
    """Swap two letters inside one long word (the typo repair has to find it again)."""
    long = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
    if long:
        i = rng.choice(long)
        w = words[i]
        j = rng.randrange(1, len(w) - 2)
        words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]


def _paraphrase(rng: random.Random, source: SynthClaim) -> str:
    words = source.text.rstrip(".").split()
    kept = [w for w in words if rng.random() > 0.25] or words
    for _ in range(rng.randint(0, 2)):  # a couple of words of the writer's own
        kept.insert(rng.randrange(len(kept) + 1), _zipf(rng, 1)[0])
    if rng.random() < 0.15:
        _typo(rng, kept)
    if rng.random() < 0.5:
        kept = [w.lower() for w in kept]
    return rng.choice(INTROS) + " ".join(kept) + rng.choice(TAILS)


def _chatter(rng: random.Random) -> str:
    a, b = _zipf(rng, 2)
    return rng.choice(CHATTER).format(a=a, b=b)


def messages(seed: int, size: int, count: int) -> list[Message]:
    """`count` messages against a database of `size` claims: about half paraphrase a claim
    (some with a typo, some several sentences long), the rest is chatter."""
    rng = random.Random(f"messages/{seed}/{size}")
    out: list[Message] = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.45:
            source = rng.randrange(size)
            out.append(Message(_paraphrase(rng, claim(seed, source)), source))
        elif roll < 0.55:  # a longer post: a paraphrase inside chatter, or two claims
            source = rng.randrange(size)
            other = (
                _paraphrase(rng, claim(seed, rng.randrange(size)))
                if rng.random() < 0.5
                else _chatter(rng)
            )
            text = f"{_chatter(rng)}. {_paraphrase(rng, claim(seed, source))}. {other}"
            out.append(Message(text, source))
        else:
            out.append(Message(_chatter(rng), None))
    return out
