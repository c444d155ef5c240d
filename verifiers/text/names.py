"""Names in text (people, places, organisations) and the other ways they are written.

"Man City" is Manchester City, "DOJ" the Department of Justice, "BoE" the Bank of England and
"the Commission" the European Commission: a message that writes a name another way states the
same claim, so comparisons of names go through `forms`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise

from rapidfuzz import fuzz

from verifiers.text.normalize import clean
from verifiers.text.numbers import MONTHS, WEEKDAYS
from verifiers.text.tokens import STOPWORDS, word_set

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?|\d+(?:[.,]\d+)*")

# Words that do not make a name on their own ("the Party", "City").
GENERIC = word_set(
    """
    the of and for city united party department bank union state states ministry office
    council court house company group national international association federal republic
    kingdom government club university school hospital county new north south east west
    european american british chinese russian indian french german ukrainian australian
    """
)
# A sentence's first word is capitalised anyway: these are not names there.
COMMON_STARTS = word_set(
    """
    the a an this that these those it its his her their our my your some most all many few
    more less fewer least almost nearly roughly about around approximately over under just
    barely fully exactly
    no not only in on at by for from with after before during since as if when while why how
    what who which there here then so but and or yet is are was were did does do has have
    had will would can could may might should must i we they he she you one two three
    lol omg ok so wait breaking apparently reportedly someone somebody everyone everybody
    never didn't doesn't don't isn't wasn't aren't weren't hasn't haven't won't can't wouldn't
    couldn't shouldn't didnt doesnt dont isnt wasnt arent werent hasnt havent wont cant
    there's here's it's that's what's let's who's
    people officials authorities experts scientists researchers doctors police reports report
    studies study data figures photos pictures images videos documents records analysts critics
    sources residents voters fans players workers staff students parents children women men
    """
)
_JOINERS = word_set("of the for de der den van von al bin da du la le ten ter di del dos el ibn")
# Other names a name goes by, beyond its initials and short form (lower case).
ALIASES: dict[str, tuple[str, ...]] = {
    "eu": ("european union", "european commission", "the commission", "brussels"),
    "us": ("united states", "america", "american", "usa", "u s", "the states"),
    "uk": ("united kingdom", "britain", "great britain", "british"),
    "china": ("beijing", "chinese", "prc"),
    "russia": ("kremlin", "the kremlin", "russian"),
    "scotus": ("supreme court", "us supreme court", "u s supreme court"),
    "fed": ("federal reserve", "the fed"),
    "boe": ("bank of england", "threadneedle street"),
    "commission": ("european commission", "brussels", "the commission"),
    "team usa": ("united states", "usa", "us"),
    "meps": ("european parliament", "mep", "the parliament"),
    "mps": ("house of commons", "the commons", "parliament"),
    "un": ("united nations",),
    "nhs": ("national health service",),
    "who": ("world health organization", "world health organisation"),
    "ecb": ("european central bank",),
    "imf": ("international monetary fund",),
    "spurs": ("tottenham", "tottenham hotspur"),
    "man city": ("manchester city",),
    "psg": ("paris saint germain", "paris st germain"),
    # A capital for its government ("Canberra passed …"), where the city is no club's name
    # nor a place that claims tell of apart from its country (a city struck in a war).
    "australia": ("canberra", "australian government"),
    "brazil": ("brasilia", "brasília", "brazilian government"),
    "india": ("new delhi", "indian government"),
    "japan": ("tokyo", "japanese government"),
    "north korea": ("pyongyang", "dprk"),
    "kenya": ("nairobi", "kenyan government"),
    # Teams by their nicknames.
    "arsenal": ("gunners", "the gunners"),
    "west ham": ("hammers", "the hammers", "west ham united"),
    "newcastle": ("magpies", "the magpies", "toon", "newcastle united"),
    "everton": ("toffees", "the toffees"),
    "wolves": ("wolverhampton", "wolverhampton wanderers"),
    "man utd": ("manchester united", "man united", "man u", "red devils", "the red devils"),
    "borussia dortmund": ("bvb", "dortmund"),
    "barcelona": ("barca", "barça", "fc barcelona"),
    "juventus": ("juve",),
    "bayern munich": ("bayern", "fc bayern", "bayern münchen"),
    "spain": ("la roja", "spanish"),
    "england": ("three lions", "the three lions", "lionesses", "the lionesses"),
    "france": ("les bleus", "french"),
    "germany": ("die mannschaft", "german"),
    "netherlands": ("holland", "oranje", "dutch"),
    "argentina": ("albiceleste", "la albiceleste"),
    # Competitions and institutions by their other names.
    "french open": ("roland garros", "roland-garros"),
    "premier league": ("epl", "the prem", "english premier league"),
    "champions league": ("ucl",),
    "congress": ("capitol hill",),
    "paracetamol": ("acetaminophen", "tylenol"),
    "ibuprofen": ("advil", "nurofen", "motrin"),
    # People by the nicknames the press and everyone else use.
    "bibi": ("netanyahu", "benjamin netanyahu"),
    "bojo": ("boris johnson",),
    "cr7": ("cristiano ronaldo",),
    "queen bey": ("beyonce", "beyoncé", "beyonce knowles", "beyoncé knowles"),
    "the donald": ("donald trump",),
    "mbappe": ("kylian mbappé", "mbappé"),
    # Companies by their stock tickers.
    "aapl": ("apple",),
    "msft": ("microsoft",),
    "googl": ("google", "alphabet"),
    "amzn": ("amazon",),
    "nvda": ("nvidia",),
    "tsla": ("tesla",),
    # Countries by their people's adjective and their seats of government.
    "wales": ("welsh", "welsh government", "senedd"),
    "scotland": ("scottish", "scottish government", "holyrood"),
    "ireland": ("irish", "irish government"),
    "israel": ("israeli", "israeli government"),
    "italy": ("italian", "italian government"),
    "ukraine": ("ukrainian", "ukrainian government"),
    "canada": ("canadian", "ottawa", "canadian government"),
    # Parties by the names everyone uses.
    "conservatives": ("tories", "tory", "conservative party", "the conservatives"),
    "democrats": ("dems", "democratic party", "the democrats"),
    "republicans": ("gop", "republican party", "the republicans", "grand old party"),
    "lib dems": ("liberal democrats",),
    # Countries whose people's adjective is not spelt like them ("Ukrainian" is, by its start).
    "poland": ("polish",),
    "sweden": ("swedish",),
    "denmark": ("danish",),
    "norway": ("norwegian",),
    "finland": ("finnish",),
    "greece": ("greek",),
    "turkey": ("turkish", "turkiye", "türkiye"),
    "switzerland": ("swiss",),
    "thailand": ("thai",),
    "philippines": ("filipino",),
    "czech republic": ("czech", "czechia"),
    "nhs england": ("the nhs", "nhs"),
}
# Seats of an office, for whoever holds it ("Downing Street" for the Prime Minister): they
# name the holder only where the claim gives that title.
SEATS: dict[str, tuple[str, ...]] = {
    "downing street": ("prime", "minister", "pm"),
    "number 10": ("prime", "minister", "pm"),
    "no 10": ("prime", "minister", "pm"),
    "white house": ("president", "potus"),
    "oval office": ("president", "potus"),
    "elysee": ("president",),
    "élysée": ("president",),
}
_KNOWN_NAMES = frozenset(ALIASES) | {name for longs in ALIASES.values() for name in longs}


# "40°C", "104F": a temperature's unit is no name.
_DEGREES = re.compile(r"(\d)\s*°?\s*[CF]\b")
# Words written in capitals for emphasis ("does NOT cause", "it NEVER happened"): no names.
_EMPHASIS = word_set(
    """
    not never no did didn't didnt does doesn't doesnt is isn't isnt was wasn't wasnt still
    really actually always literally totally completely absolutely only just very even ever
    already definitely clearly officially finally now
    """
)


# Words of names written short: "Man Utd", "the Welsh Govt", "Xmas market", "Lincs".
ABBREVIATED = {
    "utd": "united", "govt": "government", "dept": "department", "intl": "international",
    "natl": "national", "univ": "university", "xmas": "christmas", "assn": "association",
    "corp": "corporation", "lincs": "lincolnshire", "yorks": "yorkshire", "hants": "hampshire",
    "notts": "nottinghamshire", "glos": "gloucestershire", "herts": "hertfordshire",
    "cambs": "cambridgeshire", "oxon": "oxfordshire", "wilts": "wiltshire",
    "lancs": "lancashire", "leics": "leicestershire", "northants": "northamptonshire",
    "staffs": "staffordshire", "worcs": "worcestershire", "warks": "warwickshire",
    "berks": "berkshire",
}  # fmt: skip
# The US states' postal codes, read where a message writes them in capitals ("Anchorage, AK").
STATE_CODES = {
    "alabama": "al", "alaska": "ak", "arizona": "az", "arkansas": "ar", "california": "ca",
    "colorado": "co", "connecticut": "ct", "delaware": "de", "florida": "fl", "georgia": "ga",
    "hawaii": "hi", "idaho": "id", "illinois": "il", "indiana": "in", "iowa": "ia",
    "kansas": "ks", "kentucky": "ky", "louisiana": "la", "maine": "me", "maryland": "md",
    "massachusetts": "ma", "michigan": "mi", "minnesota": "mn", "mississippi": "ms",
    "missouri": "mo", "montana": "mt", "nebraska": "ne", "nevada": "nv", "new hampshire": "nh",
    "new jersey": "nj", "new mexico": "nm", "new york": "ny", "north carolina": "nc",
    "north dakota": "nd", "ohio": "oh", "oklahoma": "ok", "oregon": "or", "pennsylvania": "pa",
    "rhode island": "ri", "south carolina": "sc", "south dakota": "sd", "tennessee": "tn",
    "texas": "tx", "utah": "ut", "vermont": "vt", "virginia": "va", "washington": "wa",
    "west virginia": "wv", "wisconsin": "wi", "wyoming": "wy",
}  # fmt: skip


def words(text: str) -> list[str]:
    """The words of `text`, lower-cased, with one apostrophe kept inside ("don't") and a
    shortened word of a name written out ("Utd": "united")."""
    found = [w.casefold().replace("’", "'") for w in WORD.findall(text)]
    return [ABBREVIATED.get(w, w) for w in found]


def names(text: str, *, known: bool = False) -> list[tuple[str, ...]]:
    """Runs of capitalised words, lower-cased: the people, places and organisations a text
    names. A sentence's first word counts unless it is a common word; months and weekdays
    never do, and a run of generic words ("The Party") is no name, unless `known` and it is
    a known one ("United States")."""
    runs: list[tuple[str, ...]] = []
    current: list[str] = []
    raw = WORD.findall(_DEGREES.sub(r"\1", clean(text)))
    for i, word in enumerate(raw):
        lowered = word.casefold().replace("’", "'")
        capital = word[:1].isupper() and not word[:1].isdigit() and lowered not in _EMPHASIS
        calendar = lowered in MONTHS or lowered in WEEKDAYS
        # A sentence's first word: a common word, or a verb ("Asked by reporters, …").
        common_start = (i == 0 or raw[i - 1] in ".!?") and (
            lowered in COMMON_STARTS or (lowered.endswith(("ed", "ing")) and lowered not in TITLES)
        )
        # Joiners inside a name, one or two of them ("Bank of England", "von der Leyen").
        ahead = raw[i + 1 : i + 3]
        nxt = ahead[1] if ahead and ahead[0].casefold() in _JOINERS and len(ahead) > 1 else ""
        joins = (
            lowered in _JOINERS
            and bool(current)
            and bool(ahead)
            and (ahead[0][:1].isupper() or nxt[:1].isupper())
        )
        if (capital and not calendar and not common_start) or joins:
            current.append(lowered)
            # A possessive ends a name: "Brazil's Cerrado" names Brazil and the Cerrado.
            if lowered.endswith("'s") and i + 1 < len(raw) and raw[i + 1][:1].isupper():
                runs.append(tuple(current))
                current = []
            continue
        if current:
            runs.append(tuple(current))
        current = []
    if current:
        runs.append(tuple(current))
    return [
        run
        for run in runs
        if not all(w in GENERIC or w in _JOINERS for w in run) or (known and _known(run))
    ]


def _known(run: tuple[str, ...]) -> bool:
    """Whether a run of generic words is a name all the same ("United States", "European
    Union"): one of the known names."""
    full = " ".join(_bare(w) for w in run).removeprefix("the ")
    return full in _KNOWN_NAMES


# Words that describe who or what without naming it ("the town", "the regulator"): another
# way to refer to a named thing, never a different name.
DESCRIPTIONS = word_set(
    """
    town village city country nation region area state county borough district council
    government authority agency regulator watchdog court police army military firm company
    business brand group side squad team club league party union bank ministry department
    office president minister leader boss chief official officials spokesperson spokesman
    spokeswoman players fans voters residents people parliament congress senate board
    potus flotus pm coalition alliance chatbot app platform network administration cabinet
    """
)
# Titles and roles come and go around a name ("President William Ruto", "Ruto"): never a form.
TITLES = word_set(
    """
    president prime minister chancellor secretary senator sen rep representative dr mr mrs ms
    sir dame lord lady king queen prince princess pope general judge justice governor mayor
    chief ceo head leader former late saint st professor prof councillor cllr deputy vice
    chair chairman chairwoman
    foreign home health finance interior defence defense economy asteroid comet planet
    """
)


@lru_cache(maxsize=20_000)
def forms(name: tuple[str, ...]) -> frozenset[str]:
    """How else a name may be written: its distinctive words, its initials ("doj", "boe",
    "eu"), its short form ("man city") and the aliases known for it."""
    name = tuple(_bare(w) for w in name)  # "Britain's" is written as Britain elsewhere
    full = " ".join(name)
    found = {full}
    found |= {w for w in name if len(w) >= 4 and w not in GENERIC and w not in TITLES}
    if len(name) >= 2:
        found.add("".join(w[0] for w in name))  # Bank of England: "boe"; Justice: "doj"
        found.add("".join(w[0] for w in name if w not in _JOINERS))  # "United States": "us"
        found.add(" ".join([name[0][:3], *name[1:]]))  # Manchester City: "man city"
        if any(len(w) == 1 for w in name):  # "U.S. Steel" is written "US Steel" too
            found.add(re.sub(r"\b(\w) (?=\w\b)", r"\1", full))
        found |= _short_forms(name)
    for short, longs in ALIASES.items():
        # "US Federal Reserve" is the Fed too: a known name at the end of a longer one.
        if full == short or any(full == n or full.endswith(" " + n) for n in longs):
            found |= {short, *longs}
    return frozenset(f for f in found if len(f) >= 2)


def _short_forms(name: tuple[str, ...]) -> set[str]:
    """The short forms people write for a name of two or more words: a club's initials with
    "FC" ("mufc" for Manchester United), a surname with its particle ("ten hag" for Erik ten
    Hag, "von der leyen"), and a first initial run into the surname's first letters ("jlo" and
    "j lo" for Jennifer Lopez)."""
    initials = "".join(w[0] for w in name if w not in _JOINERS)
    found = {initials + "fc"}
    if len(name) >= 3 and name[1] in _JOINERS:
        found.add(" ".join(name[1:]))
    last = name[-1]
    if len(name) == 2 and name[0] not in TITLES and len(last) >= 4 and last.isalpha():
        found |= {name[0][0] + last[:2], f"{name[0][0]} {last[:2]}"}
    return found


def _bare(word: str) -> str:
    """A word without its possessive: "Musk's" names Musk."""
    return word.removesuffix("'s")


def position(text_words: list[str], name: tuple[str, ...]) -> int | None:
    """Where `name`, in any of its forms, first appears among `text_words`, or None. A long
    one-word form also matches a near-spelling ("Zelensky" for "Zelenskyy")."""
    joined = " " + " ".join(_bare(w) for w in text_words) + " "
    best: int | None = None
    for form in forms(name):
        at = joined.find(f" {form} ")
        if at >= 0:
            index = joined[:at].count(" ")
        elif len(form) >= 5 and " " not in form:
            index = next((i for i, w in enumerate(text_words) if same_spelling(w, form)), -1)
        else:
            continue
        if index >= 0:
            best = index if best is None else min(best, index)
    # Initials written as one word ("RFK" for Robert F. Kennedy Jr., "DJT").
    initials = "".join(w[0] for w in name if w not in _JOINERS)
    if len(name) >= 2 and len(initials) >= 3:
        for index, word in enumerate(text_words):
            if 3 <= len(word) <= 5 and word not in STOPWORDS and _abbreviates(word, initials):
                best = index if best is None else min(best, index)
                break
    return best


def same_spelling(a: str, b: str) -> bool:
    """Near-spellings and inflections of one name ("Zelenskiy", "Ukraine's"/"Ukrainian"), but
    not another name that rhymes ("Westgate"/"Eastgate", "Arctic"/"Antarctic")."""
    if len(a) >= 5 and len(b) >= 5 and a[:5] == b[:5]:
        return True
    # A short form people write for a name: "Tay's" for "Taylor", "Zuck" for "Zuckerberg".
    short, long = sorted((_bare(a), _bare(b)), key=len)
    if (
        len(short) >= max(3, 0.4 * len(long))
        and len(long) > len(short) + 1
        and long.startswith(short)
    ):
        return True
    return a[:1] == b[:1] and fuzz.ratio(a, b) >= SPELLING_RATIO


SPELLING_RATIO = 80  # one letter wrong in a six-letter name ("Moskow")


def mentions(text: str, name_text: str) -> bool:
    """Whether `text` names what `name_text` names, in any of its forms or by its initials
    ("the EA" for the Environment Agency)."""
    text_words = words(text)
    runs = names(name_text) or [tuple(words(name_text))]
    if any(position(text_words, run) is not None for run in runs if run):
        return True
    # A short form of one of the text's names ("JLo", "MUFC" for a claim's Manchester United).
    written = " ".join(_bare(w) for w in words(name_text))
    if any(written in forms(run) for run in names(text, known=True)):
        return True
    return bool(covered(text, name_text)[0]) or bool(covered(name_text, text)[0])


def covered(claim: str, message: str) -> tuple[set[str], set[str]]:
    """The claim's name words that the message also names (in any form, or by an acronym of
    its own: "DJT" for Donald Trump, "RFK" for Robert F. Kennedy), and the message's words
    that spell them: neither is a replaced name."""
    message_words = [_bare(w) for w in words(message)]
    joined = " " + " ".join(message_words) + " "
    raw = WORD.findall(message)
    acronyms = {w.casefold() for w in raw if _acronym(w)}
    # A one-word form names something only where it is written as a name ("the Eras Tour"
    # is not named by "a tour"), unless the message is written all in lower case.
    lowercase = not any(ch.isupper() for ch in message)
    capitalised = {_bare(w.casefold().replace("’", "'")) for w in raw if w[:1].isupper()}
    in_claim: set[str] = set()
    in_message: set[str] = set()
    message_runs = names(message)
    candidates = (lowercase and set(message_words)) or capitalised
    for run in names(claim, known=True):
        spelled = [form for form in forms(run) if f" {form} " in joined]
        # A misspelt name is still the name ("Grimbsy" for Grimsby): the word it is spelt as.
        # Only the name's own words, not its aliases: "African" is no misspelt "American".
        own = {_bare(w) for w in run}
        spelled += [
            word
            for form in forms(run)
            if form in own and len(form) >= 5 and f" {form} " not in joined
            for word in candidates
            if same_spelling(word, form)
        ]
        # "Southern Water" does not spell "Thames Water" for sharing "Water".
        spelled = [
            f
            for f in spelled
            if " " in f
            or ((lowercase or f in capitalised) and not _conflicts(f, run, message_runs))
        ]
        initials = "".join(w[0] for w in run if w not in _JOINERS)
        # "VDL" for Ursula von der Leyen keeps the joiners' letters too.
        every = "".join(w[0] for w in run)
        spelled += [
            a
            for a in acronyms
            if len(initials) >= 2 and (_abbreviates(a, initials) or _abbreviates(a, every))
        ]
        # The claim's acronym spelt out in the message ("ESA": "the European Space Agency",
        # "Africa CDC": "the Africa Centres for Disease Control").
        for word in run:
            if not _acronym(_as_written(claim, word)):
                continue
            spelled += [
                " ".join(other)
                for other in message_runs
                if len(other) >= 2
                and _abbreviates(word, "".join(w[0] for w in other if w not in _JOINERS))
            ]
        # A US state by its postal code in capitals ("Anchorage, AK").
        spelled += [code for code in _state_codes(run) if code in acronyms]
        # A seat of the office the claim gives the person ("Downing Street" for "Prime Minister
        # Keir Starmer").
        spelled += [
            seat
            for seat, titles in SEATS.items()
            if set(titles) & set(run) and f" {seat} " in joined
        ]
        if spelled:
            in_claim |= set(run)
            for form in spelled:
                in_message |= set(form.split())
    return in_claim, in_message


def _state_codes(run: tuple[str, ...]) -> set[str]:
    """The postal codes of the US states a run names ("Anchorage, Alaska": "ak")."""
    found = {STATE_CODES.get(w) for w in run} | {STATE_CODES.get(" ".join(run))}
    found |= {STATE_CODES.get(" ".join(pair)) for pair in pairwise(run)}
    return {code for code in found if code is not None}


def _conflicts(word: str, run: tuple[str, ...], message_runs: list[tuple[str, ...]]) -> bool:
    """Whether the message writes `word` inside another name: one with a distinctive word
    that `run` lacks."""
    for other in message_runs:
        # "Manchester United" is not "Manchester City": one first word, another after it.
        if len(other) == len(run) >= 2 and other[0] == run[0] == word and other[1:] != run[1:]:
            return True
        if word in other:
            extra = [
                w
                for w in other
                if w not in run
                and w != word  # the form itself ("SCOTUS" for the Supreme Court)
                and w not in GENERIC
                and w not in TITLES
                and w not in DESCRIPTIONS
                and w not in _state_codes(run)  # "Anchorage AK" for "Anchorage, Alaska"
            ]
            if extra and not any(same_spelling(w, r) for w in extra for r in run):
                return True
    return False


def _as_written(text: str, lowered: str) -> str:
    """The word of `text` that lower-cases to `lowered`, as the text writes it."""
    return next((w for w in WORD.findall(text) if w.casefold() == lowered), lowered)


def _acronym(word: str) -> bool:
    """ "DJT", "BoE", "MEPs": two to five letters, mostly capitals."""
    letters = [ch for ch in word if ch.isalpha()]
    capitals = sum(ch.isupper() for ch in letters)
    return 2 <= len(letters) <= 5 and capitals >= 2 and capitals >= len(letters) - 2


def _abbreviates(acronym: str, initials: str) -> bool:
    """One is the other with letters left out ("djt" / "dt", "rfk" / "rfkj")."""
    short, long = sorted((acronym, initials), key=len)
    rest = iter(long)
    return all(ch in rest for ch in short)
