"""Words that exclude one another: opposite predicates ("approved" / "rejected", "rose" /
"fell") and alternatives in one slot ("primary" / "secondary" schools, "Arctic" /
"Antarctic", "men" / "women").

Two curated lexicons, written from general knowledge. Each line is a class of mutually
exclusive members separated by "|"; each member lists its words, synonyms and inflections
alike: a plain word also stands for its regular inflections ("ban": "bans", "banned",
"banning"), and irregular forms are written out ("rose", "fell"). "a_b" is a phrase whose first
word inflects ("step_down": "stepped down"). A word may sit in several classes ("lost" is the
opposite of "won" and of "gained").
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

# Opposite predicates: a message saying the other member states the changed claim.
# Verbs, their nouns and adjectives. A leading "~" marks a pair that is also a converse
# (who won, who lost): it opposes only with the same party before it.
OPPOSITES = """
approve approval pass adopt ratify accept endorse greenlight green_light backed recommend
    vote_for |
    reject rejection veto blocked blocking vote_down turn_down throw_out threw_out thrown_out
    shoot_down shot_down fail failure vote_against
vote_for in_favour in_favor support supporter backed backing endorse |
    vote_against oppose opposition opponent
side_with rule_for rule_in find_for found_for |
    rule_against side_against find_against found_against
uphold upheld |
    overturn strike_down struck_down quash reverse overrule
rise rose risen increase grow grew grown growth climb jump soar surge raise hike boost expand
    go_up went_up gone_up up_by |
    fall fell fallen decrease decline drop shrink shrank shrunk contraction plunge plummet slump
    sink sank sunk tumble dip cut lower reduce reduction slash go_down went_down gone_down down_by
~win won winner victory | lose lost loser
~gain | lose lost loss
profit | loss
surplus | deficit
inflation | deflation
ban prohibit prohibition outlaw bar criminalise criminalize |
    allow permit legalise legalize legalisation legalization unban decriminalise decriminalize
    lift_the_ban lift_its_ban lift_a_ban
impose | lift scrap
legal lawful | illegal unlawful
confirm confirmation | deny denial
open reopen opening | close closure shut shut_down
acquit acquittal cleared_of not_guilty innocent |
    convict conviction guilty found_guilty
resign resignation quit step_down stand_down oust ousted vote_out |
    re_elect reelect re_elected re_appoint reappoint
hire hiring appoint recruit | fired firing sack dismiss lay_off laid_off layoff layoffs redundant
~buy bought purchase acquire acquisition | sell sold sale
~import importer | export exporter
~lend lent lender | borrow borrower
introduce launch started starting began begun declare |
    scrap abolish axe halt stopped ended cancel withdraw withdrew dropped
suspend | resume
jailed jailing imprison imprisonment lock_up locked_up | released releasing freed
survive survived survivor | die died death killed pass_away passed_away
alive | dead
success succeed | failure fail
safe | unsafe dangerous
effective | ineffective
positive | negative
include | exclude
promote promotion | relegate relegation
tighten strengthen | loosen ease relax weaken
lengthen longer longest | shorten shorter shortest
highest higher record_high | lowest lower record_low
warmest warmer hottest hotter | coldest colder coolest cooler
best better | worst worse
biggest bigger largest larger | smallest smaller
fastest faster | slowest slower
more | less fewer
overweight | underweight
oversubscribed | undersubscribed
up_by over_by above | down_by under_by below
"""

# Alternatives in one slot: another member is another claim, not the same one.
CONTRASTS = """
primary elementary infant junior | secondary high_school high_schools middle_school |
    nursery preschool | university universities
arctic artic north_pole | antarctic antarctica south_pole
northern north | southern south
eastern east | western west
men man male boy boys men's man's | women woman female girl girls ladies women's woman's
adult adults grown_up grown_ups grownups | child children kid kids minor minors teen teens teenager
    teenagers under_16s under_18s pupil pupils
pensioner pensioners elderly over_65s retiree retirees | child children kid kids minor minors
solar | wind | nuclear | coal | gas | oil | hydro hydroelectric | geothermal | tidal
petrol gasoline | diesel | electric
car cars | bus buses | lorry lorries truck trucks | van vans |
    bike bikes bicycle bicycles e_bike e_bikes cycle cycles cycling |
    scooter scooters e_scooter e_scooters | motorbike motorbikes motorcycle motorcycles |
    train trains | tram trams | taxi taxis | ferry ferries | plane planes
senate lords upper_house upper_chamber | house commons representatives lower_house lower_chamber |
    parliament congress
first | second | third | fourth | fifth | last final
spring | summer | autumn | winter
daily | weekly | monthly | yearly annual annually
gold | silver | bronze
olympic olympics | paralympic paralympics
public | private
brain | liver | kidney kidneys | heart | lung lungs | skin
singles | doubles
"""


@dataclass(frozen=True, slots=True)
class Member:
    """One member of a class: which class, which member, and whether it is a converse."""

    lexicon: str  # "opposite" or "contrast"
    klass: int
    member: int
    converse: bool = False


@dataclass(frozen=True, slots=True)
class Term:
    """A lexicon word or phrase found in a text: where, as written, and its memberships."""

    start: int
    end: int
    text: str
    members: tuple[Member, ...]


_VOWELS = set("aeiou")


def _inflections(word: str) -> set[str]:
    """A word and its regular inflections, over-generated: a form no one writes never meets
    a text, so "rised" beside "rises" costs nothing."""
    out = {word, word + "s", word + "es", word + "ed", word + "ing"}
    if word.endswith("e"):
        out |= {word + "d", word[:-1] + "ing"}
    if len(word) > 2 and word.endswith("y") and word[-2] not in _VOWELS:
        out |= {word[:-1] + "ies", word[:-1] + "ied"}
    if len(word) > 2 and word[-1] not in _VOWELS | {"w", "x", "y"} and word[-2] in _VOWELS:
        out |= {word + word[-1] + "ed", word + word[-1] + "ing"}  # "banned", "cutting"
    return out


def _forms(entry: str) -> set[tuple[str, ...]]:
    """The word sequences an entry stands for: "step_down" is "stepped down" and the like."""
    first, *rest = entry.split("_")
    return {(form, *rest) for form in _inflections(first)}


def _parse(text: str, lexicon: str) -> dict[tuple[str, ...], tuple[Member, ...]]:
    table: dict[tuple[str, ...], list[Member]] = {}
    lines = [line for line in text.split("\n") if line.strip()]
    joined: list[str] = []
    for line in lines:  # a line that starts indented goes on the line before
        if line[:1].isspace() and joined:
            joined[-1] += " " + line.strip()
        else:
            joined.append(line.strip())
    for klass, line in enumerate(joined):
        converse = line.startswith("~")
        for member, words in enumerate(line.lstrip("~").split("|")):
            for entry in words.split():
                for form in _forms(entry):
                    found = Member(lexicon, klass, member, converse)
                    if found not in table.setdefault(form, []):
                        table[form].append(found)
    return {form: tuple(members) for form, members in table.items()}


@functools.cache
def _table() -> dict[tuple[str, ...], tuple[Member, ...]]:
    table = dict(_parse(CONTRASTS, "contrast"))
    for form, members in _parse(OPPOSITES, "opposite").items():
        table[form] = (*table.get(form, ()), *members)
    return table


LONGEST = 3  # words in the longest phrase
# "Last year" is a date ("in the last three months" is not).
_PERIODS = {"year", "week", "month", "night", "weekend", "season", "summer", "winter", "spring"}
# An ordinal that ranks ("its first launch", "Vingegaard second"), not a unit of time ("by a
# second", "0.005 seconds") nor an adverb ("first reported").
_ORDINALS = {"first", "second", "third", "fourth", "fifth", "last", "final"}


def _ranks(text_words: list[str], at: int) -> bool:
    """Whether the word at `at` is read as an ordinal (see `_ORDINALS`)."""
    word = text_words[at]
    before = text_words[at - 1] if at else ""
    after = text_words[at + 1] if at + 1 < len(text_words) else ""
    if word not in _ORDINALS or (word == "last" and after in _PERIODS):
        return False
    adverb = len(after) > 4 and after.endswith("ed")  # "first reported"; "its last cut" ranks
    return before not in ("a", "per") and not before[:1].isdigit() and not adverb


# Words before a number that say which way it went ("up 5%", "over 16"): only then opposites.
_BEFORE_NUMBER = {"up", "down", "over", "under", "above", "below"}


def terms(text_words: list[str]) -> list[Term]:
    """The lexicon's words and phrases in a text's words (case-folded), longest first at each
    place; "men's" is read as "men's" and as "men"."""
    table = _table()
    found: list[Term] = []
    at = 0
    while at < len(text_words):
        for size in range(LONGEST, 0, -1):
            span = tuple(text_words[at : at + size])
            if len(span) < size:
                continue
            members = table.get(span) or table.get((*span[:-1], span[-1].removesuffix("'s")))
            ordinal = span[0] in _ORDINALS or span[0].removesuffix("s") in _ORDINALS
            if members and (not ordinal or _ranks(text_words, at)):
                found.append(Term(at, at + size, " ".join(span), members))
                at += size
                break
        else:
            word = text_words[at]
            following = text_words[at + 1] if at + 1 < len(text_words) else ""
            if word in _BEFORE_NUMBER and following[:1].isdigit():
                members = table.get((word, "by")) or ()
                if members:  # "up 5%" reads as "up by 5%"
                    found.append(Term(at, at + 1, word, members))
            at += 1
    return found
