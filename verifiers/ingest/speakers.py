"""Who a subject phrase names: a person or a body, read through titles, asides and references.

News prose names speakers in many shapes: "Finance Minister Oskar Tallin", "Dr. Marcus
Okafor, president of the Harbor Dental Society", "the union's leader, Marta Kovell", "Corvane
Foods, the discount grocery chain", "Prime Minister Adela Korhonen's office", "Rovers manager
Gareth Lyle". The name is the run of capitalised words that ends the noun phrase, after its
titles and roles; asides between commas and relative clauses ("who…", "whose…") are set aside,
and the descriptions they give ("the discount grocery chain") are remembered, so "the chain",
"the company", "the ministry", "she" and "it" later resolve to the last entity of that kind.
Plural and generic subjects ("Analysts", "Critics") name nobody on the record.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from verifiers.ingest.vocabulary import (
    COMPANY_NOUNS,
    GENERIC,
    GOVERNMENT_WORDS,
    ORG_WORDS,
    PERSON_TITLES,
    POSSESSIVE_HEADS,
    TITLES,
)

PARTICIPLE = re.compile(r"[A-Z][a-z]{3,}(?:ed|ing|ly)")
_CONNECTORS = frozenset({"of", "for", "and", "de", "the", "&"})
_PREPOSITIONS = frozenset({"on", "in", "at", "from", "by", "with", "to", "into", "via", "about"})
_RELATIVE = re.compile(r"^(?:who|whom|whose|which|where|when|while|after|before|speaking)\b")
_LEADING_ADVERBIAL = re.compile(
    r"^(?:[a-z]+ing|in|on|at|after|before|during|earlier|later|meanwhile|however|separately|speaking"
    r"|asked|writing|responding|by|for|from|with|since|until|as|but|and|also|still|yesterday"
    r"|today|last|this|then|now)\b",
    re.IGNORECASE,
)
PRONOUNS = {"he": "person", "she": "person", "it": "org", "they": "any", "its": "org"}
POSSESSIVES = {"his": "person", "her": "person", "its": "org", "their": "any"}


@dataclass
class Entity:
    name: str
    kind: str  # "person" or "org"
    nouns: set[str] = field(default_factory=set)  # what the article calls it: chain, ministry


def _is_cap(word: str) -> bool:
    return word[:1].isupper() or (word[:1].isdigit() and word[1:2].isupper())


def _bare(word: str) -> str:
    return word.strip("\"“”'‘’(),;:").lower()


def _is_verb(word: str) -> bool:
    """A rough test for the verb after a subject: "dismissed", "has", "says" (not "boss")."""
    bare = _bare(word)
    return bool(_VERBISH.fullmatch(word)) and bare not in TITLES and not bare.endswith("ss")


def _is_company_noun(word: str) -> bool:
    return word in COMPANY_NOUNS or word.endswith("maker")


def sentence_cased(text: str) -> str:
    return text[:1].upper() + text[1:]


def head_noun(phrase: str) -> str:
    """ "a reef ecologist at the institute" → "ecologist": the noun before its complements."""
    words = re.split(r"\s+(?:of|at|in|for|from|with|who|which|on|to|and)\s+", phrase, maxsplit=1)[0]
    last = words.split()
    return _bare(last[-1]) if last else ""


class NameIndex:
    """Full names seen in the article, so "Trump" is credited as "Donald Trump"."""

    # A lookahead, so "President Donald Trump" yields both "President Donald" and "Donald Trump".
    _FULL = re.compile(r"\b(?=([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\s+([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b)")

    def __init__(self, text: str) -> None:
        self.full_names: dict[str, Counter[str]] = {}
        for first, last in self._FULL.findall(text):
            if PARTICIPLE.fullmatch(first) or first.lower() in TITLES or last.lower() in TITLES:
                continue
            if first.lower() in ORG_WORDS or last.lower() in ORG_WORDS:
                continue
            self.full_names.setdefault(last, Counter())[first] += 1

    def full(self, name: str) -> str:
        words = name.split()
        if len(words) == 1:
            bare = words[0].rstrip("’'s") if words[0].endswith(("'s", "’s")) else words[0]
            if bare in self.full_names:
                return f"{self.full_names[bare].most_common(1)[0][0]} {bare}"
        return name


def name_in(part: str, *, subject: bool = True) -> str:
    """The name ending a noun phrase: "Rovers manager Gareth Lyle" → "Gareth Lyle". As a
    subject, a name after a preposition ("a post shared … on Facebook") is nobody's."""
    words = part.split()
    kept: list[str] = []
    for word in reversed(words):
        bare = _bare(word)
        titles_only = all(_bare(w) in TITLES for w in kept)
        body = any(_bare(w) in ORG_WORDS for w in kept)  # "Transport Ministry", "Health Board"
        if _is_cap(word.lstrip('"“(')) and (bare not in TITLES or titles_only or body):
            kept.append(word)  # a title ending the phrase may be part of a name: "… of Housing"
        elif bare in _CONNECTORS and kept:
            kept.append(word)  # "Ministry of Housing", "Department for Education"
        else:
            break
    while kept and _bare(kept[-1]) in _CONNECTORS:
        kept.pop()  # a connector that opened the run: "and", "The"
    ahead = words[: len(words) - len(kept)]
    while ahead and _bare(ahead[-1]) in ("the", "a", "an"):
        ahead.pop()
    if subject and ahead and _bare(ahead[-1]) in _PREPOSITIONS:
        return ""  # "a post shared … on Facebook": the name is not the subject
    if all(_bare(w) in TITLES for w in kept):
        return ""  # only titles: "the Chancellor", "Health Secretary"
    kept.reverse()
    # A sentence-initial participle or adjective is not part of a name ("Thrilled Sandra Pike").
    while len(kept) > 1 and PARTICIPLE.fullmatch(kept[0]):
        kept.pop(0)
    name = " ".join(kept).strip(' ,;:()"“”')
    if " of " in name:
        before = name.split(" of ", 1)[0]
        if 2 <= len(before.split()) <= 3 and not any(_bare(w) in ORG_WORDS for w in before.split()):
            name = before  # "Lewis Haraldsen of Tamsinshire Fire and Rescue": the person
    return name


class Speakers:
    """The entities of one article, and what later references to them resolve to."""

    def __init__(self, names: NameIndex) -> None:
        self.names = names
        self.entities: list[Entity] = []

    def remember(self, entity: Entity) -> Entity:
        for known in self.entities:
            if known.name == entity.name:
                if entity.nouns:
                    known.kind = entity.kind  # what the article calls it settles what it is
                known.nouns |= entity.nouns
                self.entities.remove(known)
                self.entities.append(known)
                return known
        self.entities.append(entity)
        return entity

    def last(self, kind: str, noun: str | None = None) -> Entity | None:
        for entity in reversed(self.entities):
            if noun is not None:
                if noun in entity.nouns:
                    return entity
                continue
            if kind in ("any", entity.kind):
                return entity
        return None

    def kind_of(self, name: str, nouns: set[str], titles: set[str] = frozenset()) -> str:  # type: ignore[assignment]
        if titles & PERSON_TITLES:
            return "person"  # "Mr. Okonkwo", "Detective Sergeant Helen Marsh"
        words = {_bare(w) for w in name.split()}
        if words & ORG_WORDS or nouns & (COMPANY_NOUNS | ORG_WORDS):
            return "org"
        if len(name.split()) == 1 and name not in self.names.full_names:
            return "org"
        return "person"

    def subject(self, phrase: str) -> Entity | None:
        """The entity a subject phrase names, or None when it names nobody on the record."""
        acronym = _ACRONYM.search(phrase)  # "the Environmental Protection Agency (EPA)"
        phrase = re.sub(r"\s*\([^)]{0,60}\)", "", " ".join(phrase.split())).strip(" ,;:")
        parts = [p.strip() for p in phrase.split(",") if p.strip()]
        while len(parts) > 1 and _LEADING_ADVERBIAL.match(parts[0]):
            parts.pop(0)  # "In a statement, Pellmark": the subject follows the comma
        kept: list[str] = []
        for part in parts:
            if _RELATIVE.match(part):
                break  # "…, who took over in January": the rest is an aside
            kept.append(part)
        if not kept or sum(len(p.split()) for p in kept) > 16:
            return None
        entity = self._resolve(kept)
        if entity is not None and acronym:
            entity.nouns.add(acronym.group(1))  # later "the EPA said" is the same body
        return entity

    def _resolve(self, parts: list[str]) -> Entity | None:
        nouns: set[str] = set()  # what the asides call it: "the discount grocery chain"
        titles: set[str] = set()  # the words before the name: "Finance Minister", "manager"
        named: str | None = None
        for part in parts:
            if re.fullmatch(r"\d{1,3}", part):
                titles.add("mr")  # an age: "Sandra Pike, 58," is a person
                continue
            words = part.split()
            first = _bare(words[0])
            if len(words) == 1 and (first in PRONOUNS or first in POSSESSIVES):
                return self._pronoun(first) if part is parts[0] else None
            if first in POSSESSIVES and _bare(words[-1]) in POSSESSIVE_HEADS and part is parts[0]:
                holder = self._pronoun(first)  # "her team says": the team of the last person
                if holder is None:
                    return None
                team = " ".join(words[1:])
                return self.remember(Entity(f"{holder.name}'s {team}", "org", {_bare(words[-1])}))
            research = _RESEARCHERS.match(part) if part is parts[0] else None
            if research and name_in(research.group("org"), subject=False):
                # "researchers at Ellery University": the university speaks for its team
                org = name_in(research.group("org"), subject=False)
                entity = self._named(org, {"researchers", "team", "scientists"}, set())
                entity.nouns |= {"researchers", "team", "scientists"}
                return entity
            # Unless an aside names them ("the commission's spokesperson, Anneli Varga").
            spokesperson = _SPOKESPERSON.match(part) if len(parts) == 1 else None
            if spokesperson:
                # "a spokeswoman for Halden Bank": the bank speaking; without "for": the last body
                named_org = spokesperson.group("org") or spokesperson.group("pre")
                org = name_in(named_org.strip(), subject=False)  # "a Marlow Council spokesperson"
                return self._named(org, set(), set()) if org else self.last("org")
            possessive = _POSSESSIVE.match(part) if part is parts[0] else None
            if possessive and _bare(possessive.group("head").split()[-1]) in POSSESSIVE_HEADS:
                owner = name_in(possessive.group("owner"))
                if not owner:
                    nouns.add(head_noun(part))
                    continue
                head = possessive.group("head").strip()
                owner_name = self._named(owner, set(), set()).name
                entity = Entity(f"{owner_name}'s {head}", "org", {_bare(head.split()[-1])})
                return self.remember(entity)
            name = name_in(part)
            if name and named is None:
                named = name
                titles |= {_bare(w) for w in words[: len(words) - len(name.split())]}
            elif name:
                nouns.add(_bare(name).rstrip("."))  # "Aurelia Biotherapeutics, Inc."
            else:
                nouns.add(head_noun(part))
        if named is None:
            return self._described(parts[0], nouns)
        if _bare(named) in GENERIC or named.lower().startswith(("expect", "i ", "i'", "we ")):
            return None
        return self._named(named, nouns, titles)

    def _named(self, name: str, nouns: set[str], titles: set[str]) -> Entity:
        full = name
        if len(name.split()) == 1:
            for entity in reversed(self.entities):
                if (
                    name in (entity.name.split()[-1], entity.name.split()[0])
                    or name in entity.nouns
                ):
                    full = entity.name  # "Okoro" after "Daniel Okoro", "Sandra" after "Sandra Pike"
                    break
            else:
                full = self.names.full(name)
        kind = self.kind_of(full, nouns, titles)
        words = {_bare(w) for w in full.split() if _bare(w) in ORG_WORDS}
        return self.remember(Entity(full, kind, nouns | titles | words))

    def _described(self, phrase: str, nouns: set[str]) -> Entity | None:
        """ "the company", "the ministry", "the Chancellor": the last entity of that kind."""
        noun = _SYNONYMS.get(head_noun(phrase), head_noun(phrase))
        words = phrase.split()
        if not noun or words[0].lower() in ("a", "an"):
            return None  # "a reef ecologist at the institute" refers to nobody named before
        found = self.last("any", noun)  # "the researchers" after "researchers at Ellery …"
        if found is None and noun in GENERIC:
            if noun in _BODY_MEMBERS and len(words) >= 2 and words[0].lower() not in _DETERMINERS:
                return Entity(sentence_cased(phrase), "org", {noun})  # "fire officials said"
            return None
        if found is None and _is_company_noun(noun):
            found = next(
                (
                    e
                    for e in reversed(self.entities)
                    if e.kind == "org" and not e.nouns & GOVERNMENT_WORDS
                ),
                None,
            )
        if found is not None:
            return self.remember(found)
        if len(words) > 6:
            return None
        # An institution never named ("the county fire service"): credited as the article puts it.
        text = " ".join(words)
        if noun not in ORG_WORDS and noun not in COMPANY_NOUNS and noun not in TITLES:
            return None
        kind = "person" if noun in PERSON_TITLES else "org"  # "the minister", "the coach"
        return self.remember(Entity(sentence_cased(text), kind, nouns | {noun}))

    def _pronoun(self, word: str) -> Entity | None:
        kind = PRONOUNS.get(word) or POSSESSIVES.get(word) or "any"
        return self.last(kind)

    def mention(self, sentence: str) -> None:
        """Remember the name that opens a sentence, for a pronoun in the next one: the first run
        of capitalised words followed by a comma or a verb ("Reform Alliance leader Kasia Wendt
        dismissed…", "Social app maker Quillnet is cutting…")."""
        opening = " ".join(sentence.split()[:14])
        if opening[:1] in "\"“'‘":
            return  # a quotation's words are the speaker's, not the story's subject
        for match in _RUN.finditer(opening):
            before = opening[: match.start()].split()
            if len(before) > 4:
                return  # not the sentence's subject
            follower = match.group("next") or ""
            if follower == "," or _is_verb(follower):
                name = name_in(match.group("run"))
                words = name.split()
                if not words or _bare(words[0]) in GENERIC or _bare(words[0]) in _NOT_NAMES:
                    return
                # One word is a name only after its description ("app maker Quillnet is").
                described = bool(before) and _is_company_noun(_bare(before[-1]))
                if len(words) > 1 or (described and _CLEAR_VERB.fullmatch(follower)):
                    self._named(name, set(), set())
                return

    def mention_body(self, phrase: str) -> None:
        """A body named as a document's source ("figures published by the Ministry of Housing")."""
        name = name_in(phrase, subject=False)
        if name and {_bare(w) for w in name.split()} & ORG_WORDS:
            self._named(name, set(), set())


_RUN = re.compile(
    r"(?P<run>(?:[A-Z][\w'’.-]*(?:\s+(?:of|for|and)\s+|\s+))*[A-Z][\w'’.-]*)(?P<next>,|\s+[a-z]+|$)"
)
_CLEAR_VERB = re.compile(r"\s+(?:is|was|has|had|will|would|said|says|[a-z]+ed)")
_VERBISH = re.compile(
    r"\s+(?:[a-z]+ed|[a-z]+s|is|was|has|had|will|would|can|could|did|does|do|won|lost|made|led"
    r"|took|gave|went|came|told|said|says|held|ran|saw|got)"
)
_ACRONYM = re.compile(r"\(([A-Z][A-Z&]{1,7})\)")
_RESEARCHERS = re.compile(
    r"^(?:the\s+)?(?:researchers|scientists|a\s+team|the\s+team|experts|doctors)\s+"
    r"(?:at|from|of|with|led\s+by)\s+(?P<org>.+)$",
    re.IGNORECASE,
)
_SPOKESPERSON = re.compile(
    r"^(?:an?|the)\s+(?P<pre>(?:[\w'’-]+\s+){0,3}?)(?:spokesperson|spokesman|spokeswoman"
    r"|representative)(?:\s+(?:for|at|of)\s+(?P<org>.+))?$",
    re.IGNORECASE,
)
# Officials of a body, speaking for it: "fire officials said", "county authorities said".
_BODY_MEMBERS = frozenset({"officials", "authorities"})
_DETERMINERS = frozenset({"the", "some", "two", "three", "four", "several", "many", "senior"})
_NOT_NAMES = frozenset({*PRONOUNS, *POSSESSIVES, "the", "this", "that", "there", "a", "an"})
_SYNONYMS = {"force": "police", "firm": "company", "watchdog": "regulator"}
_POSSESSIVE = re.compile(r"^(?P<owner>.+?)['’]s\s+(?P<head>[\w -]+)$")
