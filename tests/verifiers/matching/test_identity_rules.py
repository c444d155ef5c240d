"""The identity rules for changed claims, each on messages written for these tests (none of
them in the identity set): who did what to whom, another name in a party's place, how many,
how sure, who said it, and no claim at all."""

from __future__ import annotations

import pytest

from tests.verifiers.matching.test_identity import claim
from verifiers.domain.models import Stance
from verifiers.matching.decision import Scored, Tiers, decide
from verifiers.matching.identity import Verdict, attribution, judge_identity
from verifiers.matching.identity.roles import _slot_replaced
from verifiers.text.names import names, same_spelling

MATCH = "Leeds United beat Sunderland 3-1 at Elland Road in March 2025."
FINAL = "Carlos Alcaraz beat Novak Djokovic in the 2024 Wimbledon final."
VOLVO = "Geely bought Volvo Cars from Ford for $1.8bn in 2010."
SUAREZ = "Liverpool signed Luis Suarez from Ajax in January 2011."
FINE = "The European Commission fined Apple €1.8bn in March 2024."

ROLES = [
    # Passives, converse verbs and possessives turn the order of the names back.
    ("Leeds were beaten 3-1 by Sunderland at Elland Road", MATCH, Verdict.DIFFERENT),
    ("sunderland lost to leeds 3-1 at elland road", MATCH, Verdict.SAME),
    ("leeds lost to sunderland 3-1 at elland road", MATCH, Verdict.DIFFERENT),
    ("Sunderland's 3-1 defeat by Leeds at Elland Road", MATCH, Verdict.SAME),
    ("Novak Djokovic beat Carlos Alcaraz in the Wimbledon final", FINAL, Verdict.DIFFERENT),
    ("Djokovic was beaten by Alcaraz in the 2024 Wimbledon final", FINAL, Verdict.SAME),
    ("Ford acquired Volvo Cars from Geely for $1.8bn in 2010", VOLVO, Verdict.DIFFERENT),
    ("Ford sold Volvo Cars to Geely for $1.8bn in 2010", VOLVO, Verdict.SAME),
    ("Ajax signed Luis Suarez from Liverpool", SUAREZ, Verdict.DIFFERENT),
    ("Suarez joined Liverpool from Ajax in jan 2011", SUAREZ, Verdict.SAME),
    ("Apple was fined €1.8bn by the European Commission in March 2024", FINE, Verdict.SAME),
    (
        "did Biden really come out and endorse Sanders after he quit?",
        "Bernie Sanders endorsed Joe Biden in April 2020 after ending his campaign.",
        Verdict.DIFFERENT,
    ),
    # A party written by one word of its name, or with another party joined to it.
    (
        "Villa signed Jhon Duran from Chicago Fire for £18m? no way",
        "Chicago Fire signed Jhon Duran from Aston Villa for £18m in 2023.",
        Verdict.DIFFERENT,
    ),
    (
        "Pfizer and BioNTech sued Moderna over the mRNA patents in 2022",
        "Moderna sued Pfizer and BioNTech in August 2022 over its mRNA vaccine patents.",
        Verdict.DIFFERENT,
    ),
]

CYCLING = "More people cycle to work in York than in Leeds."
POLL = "Kamala Harris led Donald Trump by two points in a Reuters poll in August 2024."
ROLES += [
    # Comparisons, verbs of one meaning and converses.
    ("More people cycle to work in Leeds than in York", CYCLING, Verdict.DIFFERENT),
    ("leeds has more cyclists than york", CYCLING, Verdict.DIFFERENT),
    ("Fewer people cycle to work in Leeds than in York", CYCLING, Verdict.SAME),
    (
        "Alcaraz's win over Djokovic in the 2024 Olympic final",
        "Novak Djokovic beat Carlos Alcaraz in the 2024 Olympic tennis final.",
        Verdict.DIFFERENT,
    ),
    (
        "ireland got knocked out by new zealand at the 2023 rugby world cup",
        "Ireland beat New Zealand at the 2023 Rugby World Cup.",
        Verdict.DIFFERENT,
    ),
    ("trump trailed harris by 2 points in an august 2024 reuters poll", POLL, Verdict.SAME),
    ("harris trailed trump by two in the reuters poll, aug 2024", POLL, Verdict.DIFFERENT),
    (
        "Ukraine received three Patriot systems from Germany in 2024",
        "Germany sent Ukraine three Patriot air defence systems in 2024.",
        Verdict.SAME,
    ),
]

AGENTS = [
    (
        "Manchester United won the Premier League for a fourth season in a row in 2024",
        "Manchester City won the Premier League for a fourth season in a row in 2024.",
    ),
    # Another name doing what the claim's first party does.
    ("Renault won the French Grand Prix on Sunday", "Ferrari won the French Grand Prix on Sunday."),
    (
        "Labour won 18 seats on Kelham council in May.",
        "The Greens won 18 seats on Kelham council in May.",
    ),
    (
        "Kenya's Kipchoge beat Ethiopia's Bekele in the Berlin marathon",
        "Ethiopia's Kenenisa Bekele beat Eliud Kipchoge in the 2019 Berlin Marathon.",
    ),
    (
        "Deforestation in Bolivia's Chaco fell by a third in 2024",
        "Deforestation in Bolivia's Amazon fell by a third in 2024.",
    ),
    # The act written as a noun, owned by another name.
    (
        "the flood warning of the Met Office for the whole of Cumbria",
        "The Environment Agency issued a flood warning for the whole of Cumbria.",
    ),
    (
        "Canada's travel advisory for visitors to Mexico after the protests",
        "The US issued a travel advisory for visitors to Mexico after the protests.",
    ),
]

SHARES = [
    # "All", "most" or "a few" where the claim counts them, or gives another share.
    (
        "the county fixed every broken streetlight in 2024",
        "Harwell County repaired 3,100 broken streetlights in 2024.",
        Verdict.DIFFERENT,
    ),
    (
        "Most residents who were surveyed backed the new bus lanes.",
        "Seven of the town's 40 residents surveyed backed the new bus lanes.",
        Verdict.DIFFERENT,
    ),
    (
        "all welsh councils put council tax up in 2024",
        "Welsh councils raised council tax by an average of 7.5% in 2024.",
        Verdict.SAME,
    ),
    (
        "the Fed didnt cut rates at all in september",
        "The Federal Reserve cut interest rates in September 2024.",
        Verdict.CONTRADICTS,
    ),
]

PUBS = "A majority of UK adults support a ban on smoking in pub gardens."
BYPASS = "A small minority of voters in Marrowby backed the new bypass."
SHARES += [
    ("hardly anyone in the UK supports banning smoking in pub gardens", PUBS, Verdict.DIFFERENT),
    ("over half of UK adults back banning smoking in beer gardens", PUBS, Verdict.SAME),
    ("loads of marrowby voters backed the bypass", BYPASS, Verdict.DIFFERENT),
    ("hardly any Marrowby voters backed the bypass", BYPASS, Verdict.SAME),
]

SURE = [
    (
        "Tom Hale faces a ban for doping at the 2024 trials",
        "Sprinter Tom Hale was banned for four years for doping at the 2024 trials.",
        Verdict.DIFFERENT,
    ),
    (
        "the mayor is planning a ban on e-scooters in the city centre",
        "The mayor banned e-scooters from the city centre in June.",
        Verdict.DIFFERENT,
    ),
    (
        "Canada put tariffs on US steel after talks broke down.",
        "Canada threatened tariffs on US steel if talks broke down.",
        Verdict.DIFFERENT,
    ),
]

SURE += [
    (
        "BoJ expected to hike to 0.25% in July 2024",
        "The Bank of Japan raised interest rates to 0.25% in July 2024.",
        Verdict.DIFFERENT,
    ),
]

# A plan someone reported, a plan named as a thing, and what one faced, tell nothing of how
# sure the sentence is.
REUNION = "The Corrie Street Band announced on 2 May 2024 that they would reunite for a 2025 tour."
SURE += [
    ("The Corrie Street Band said they were getting back together for a 2025 tour", REUNION,
     Verdict.SAME),
    ("didn't the corrie street band say they'd reunite for a tour in 2025?", REUNION,
     Verdict.SAME),
    # no report on the message's side: a plan still differs from a fact
    ("The Corrie Street Band will reunite for a 2025 tour", REUNION, Verdict.DIFFERENT),
    ("The Corrie Street Band said they might reunite for a 2025 tour", REUNION,
     Verdict.DIFFERENT),
    ("The Court of Appeal threw out the mayor's plan to pedestrianise the high street",
     "The Court of Appeal quashed the mayor's high street pedestrianisation plan in May.",
     Verdict.SAME),
    ("The mayor plans to pedestrianise the high street",
     "The Court of Appeal quashed the mayor's high street pedestrianisation plan in May.",
     Verdict.DIFFERENT),
    ("Facing weeks of strikes, the Norland government withdrew the pension reform in March",
     "The Norland government withdrew its pension reform in March after weeks of strikes.",
     Verdict.SAME),
    ("The Norland government faces strikes over the pension reform",
     "The Norland government withdrew its pension reform in March after weeks of strikes.",
     Verdict.DIFFERENT),
]  # fmt: skip

SAID = [
    (
        "Sunak said he paid 22% tax on his income last year.",
        "Rishi Sunak paid 22% tax on his income last year.",
        Verdict.DIFFERENT,
    ),
    (
        "did Bezos really promise in 2019 that Blue Origin would fly people to the Moon by 2024?",
        "Blue Origin flew people to the Moon in 2024.",
        Verdict.DIFFERENT,
    ),
    (
        "Macron's talks with Xi were frank and very useful.",
        'Macron said his talks with Xi were "frank and very useful".',
        Verdict.DIFFERENT,
    ),
    (
        "Blur said they would never play together again.",
        "Blur announced on 9 November 2022 that they would play Wembley Stadium in 2023.",
        Verdict.CONTRADICTS,
    ),
]

BLAME = "Immigrants are to blame for the housing crisis."
SAID += [
    (
        "In a speech Farage told supporters immigrants are to blame for the housing crisis",
        BLAME,
        Verdict.DIFFERENT,
    ),
    ("Farage: immigrants are to blame for the housing crisis", BLAME, Verdict.DIFFERENT),
    ("Reminder: immigrants are to blame for the housing crisis", BLAME, Verdict.SAME),
]

NOTHING = [
    "thoughts and prayers with everyone in Valencia tonight",
    "sending love to the families in Kelham after the fire",
    "WEMBLEY GIG 🎸 who's got tickets",
    "wembley gig, anyone going?",
    "this is ridiculous honestly",
    "the stoneham development is a disgrace",
    "gutted about the wembley gig tbh",
    "has anyone got the council's statement on the gig",
    "the gig being cancelled is such a shame",
    "can't stand this promoter",
    "imagine queueing six hours for wembley",
    "ticket prices are insane right now",
]


@pytest.mark.parametrize(("message", "text", "expected"), ROLES)
def test_who_did_what_to_whom(message: str, text: str, expected: Verdict) -> None:
    identity = judge_identity(message, claim(text))
    assert identity.verdict is expected, identity


# Roles read around the claim's act: passives, converses, nouns of the act and its
# prepositions, other names in a role whose party the message never names, common nouns.
CUP = "Leeds United beat Sunderland 3-1 at Elland Road in March 2025."
SUIT = "Corvan Motors sued parts maker Elbrook in May 2024 over faulty brakes."
SACKED = "Northgate Rovers sacked manager Paul Innes in October 2024."
ARMS = "Norway sent 12 air-defence systems to Ukraine in June 2024."
STEEL = "Acme Steel bought Nordic Steel for $2bn in 2021."
RACE = "Charles Leclerc won the 2024 Monaco Grand Prix, finishing ahead of Oscar Piastri."
SHOP = "A customer attacked a shop assistant in a Corby supermarket in May 2024."
OFCOM = "Ofcom fined broadcaster GB News £100,000 in 2024 for breaking impartiality rules."
SEARCH = "The European Commission fined Google €2.4bn in 2017 after a complaint from Foundem."
AROUND_THE_ACT = [
    ("Sunderland's win over Leeds at Elland Road in March 2025", CUP, Verdict.DIFFERENT),
    ("Leeds United's win over Sunderland at Elland Road in March 2025", CUP, Verdict.SAME),
    ("Sunderland's defeat to Leeds at Elland Road in March 2025", CUP, Verdict.SAME),
    ("leeds lost the march 2025 game at elland road to sunderland", CUP, Verdict.DIFFERENT),
    ("Elbrook sued Corvan Motors in May 2024 over faulty brakes", SUIT, Verdict.DIFFERENT),
    ("Elbrook's lawsuit against Corvan over faulty brakes", SUIT, Verdict.DIFFERENT),
    ("Corvan's lawsuit against Elbrook over the faulty brakes", SUIT, Verdict.SAME),
    ("elbrook took corvan motors to court over faulty brakes", SUIT, Verdict.DIFFERENT),
    ("Elbrook was sued by Corvan Motors over faulty brakes in May 2024", SUIT, Verdict.SAME),
    ("Paul Innes was sacked by Northgate Rovers in October 2024", SACKED, Verdict.SAME),
    ("Innes's sacking by Northgate in October 2024", SACKED, Verdict.SAME),
    ("northgate sacked innes in october 2024", SACKED, Verdict.SAME),
    ("northgate rovers sacked dean clarke in october 2024", SACKED, Verdict.DIFFERENT),
    ("Ukraine received 12 air-defence systems from Norway in June 2024", ARMS, Verdict.SAME),
    (
        "Did Norway receive 12 air-defence systems from Ukraine in June 2024?",
        ARMS,
        Verdict.DIFFERENT,
    ),
    ("Norway sent Ukraine 12 air-defence systems in June 2024", ARMS, Verdict.SAME),
    ("Nordic Steel bought Acme Steel for $2bn in 2021", STEEL, Verdict.DIFFERENT),
    ("Nordic Steel was sold to Acme Steel for $2bn in 2021", STEEL, Verdict.SAME),
    ("Acme Steel was sold to Nordic Steel for $2bn in 2021", STEEL, Verdict.DIFFERENT),
    (
        "Oscar Piastri finished behind Charles Leclerc at the 2024 Monaco Grand Prix",
        RACE,
        Verdict.SAME,
    ),
    (
        "Charles Leclerc finished behind Oscar Piastri at the 2024 Monaco Grand Prix",
        RACE,
        Verdict.DIFFERENT,
    ),
    (
        "A shop assistant attacked a customer in a Corby supermarket in May 2024",
        SHOP,
        Verdict.DIFFERENT,
    ),
    ("A shop assistant was attacked by a customer in a Corby supermarket", SHOP, Verdict.SAME),
    ("a customer was assaulted by a shop assistant in corby in may 2024", SHOP, Verdict.DIFFERENT),
    (
        "Did Ofcom fine Talk TV £100,000 for breaking impartiality rules in 2024?",
        OFCOM,
        Verdict.DIFFERENT,
    ),
    (
        "GB News was fined £100,000 by Ofcom in 2024 for breaking impartiality rules",
        OFCOM,
        Verdict.SAME,
    ),
    ("the EU fined Foundem €2.4bn in 2017 after Google complained", SEARCH, Verdict.DIFFERENT),
    ("Brussels fined Google €2.4bn in 2017 after Foundem complained", SEARCH, Verdict.SAME),
    # A pronoun or "whether" opens another clause: its subject is no name before it.
    (
        "Biden asked Netanyahu whether they would strike Iran",
        "Biden asked Benjamin Netanyahu whether Israel would strike Iran.",
        Verdict.SAME,
    ),
    (
        "The Commission's €2.4bn fine on Google came in 2017 after Foundem complained",
        SEARCH,
        Verdict.SAME,
    ),
]


@pytest.mark.parametrize(("message", "text", "expected"), AROUND_THE_ACT)
def test_roles_around_the_act(message: str, text: str, expected: Verdict) -> None:
    assert judge_identity(message, claim(text)).verdict is expected


def test_an_acronym_in_a_partys_role_is_no_other_name_there() -> None:
    # "ROK", "TSE", "DPRK" are often forms of the claim's name that no table knows: the role
    # reader leaves them to the aligned comparison of names.
    text = "Japan accused South Korea of spying on its navy in March 2024."
    assert _slot_replaced("Japan's government accused the ROK of spying", text) is None
    assert _slot_replaced("Japan's government accused Taiwan of spying", text) is not None


@pytest.mark.parametrize(("message", "text"), AGENTS)
def test_another_name_in_the_first_partys_place(message: str, text: str) -> None:
    identity = judge_identity(message, claim(text))
    assert identity.verdict is Verdict.DIFFERENT, identity


@pytest.mark.parametrize(("message", "text", "expected"), SHARES)
def test_how_many(message: str, text: str, expected: Verdict) -> None:
    identity = judge_identity(message, claim(text))
    assert identity.verdict is expected, identity


@pytest.mark.parametrize(("message", "text", "expected"), SURE)
def test_how_sure(message: str, text: str, expected: Verdict) -> None:
    identity = judge_identity(message, claim(text))
    assert identity.verdict is expected, identity


@pytest.mark.parametrize(("message", "text", "expected"), SAID)
def test_who_said_it(message: str, text: str, expected: Verdict) -> None:
    identity = judge_identity(message, claim(text))
    assert identity.verdict is expected, identity


@pytest.mark.parametrize("message", NOTHING)
def test_no_claim(message: str) -> None:
    identity = judge_identity(message, claim("Oasis will play Wembley Stadium in 2025."))
    assert identity.verdict is Verdict.NO_CLAIM, identity


def test_a_possessive_ends_a_name_and_known_generic_names_are_kept_where_asked() -> None:
    assert names("Deforestation in Bolivia's Chaco fell") == [
        ("deforestation",),
        ("bolivia's",),
        ("chaco",),
    ]
    # Known names of generic words count in aliases and roles (`known=True`), not elsewhere.
    assert ("united", "states") in names("Exports to the United States fell", known=True)
    assert ("united", "states") not in names("Exports to the United States fell")
    assert not names("The Party met", known=True)


def test_a_short_form_spells_a_name_but_a_short_word_does_not() -> None:
    assert same_spelling("tay's", "taylor")
    assert same_spelling("zuck", "zuckerberg")
    assert not same_spelling("man", "manchester")


def test_a_speaker_is_no_plural_noun() -> None:
    assert attribution("sales claims rose 5% in the housing crisis") is None


def test_a_threat_is_unsure_only_of_what_it_threatens() -> None:
    stated = claim(
        "The EU threatened tariffs on buyers of Canadian steel unless Canada signs the"
        " fisheries deal within 30 days."
    )
    same = judge_identity("The EU gave Canada 30 days to sign the fisheries deal", stated)
    assert same.verdict is Verdict.SAME, same
    threat = claim("The mayor threatened fines for landlords who ignore the housing pact.")
    imposed = judge_identity("The mayor imposed fines on landlords who ignore the pact.", threat)
    assert imposed.verdict is not Verdict.SAME, imposed


def test_a_decimal_said_aloud_is_the_same_figure() -> None:
    spent = claim("The council spent £2.3 million on the new bus depot in 2024.")
    said = "council spent two point three million pounds on the bus depot in 2024"
    assert judge_identity(said, spent).verdict is Verdict.SAME
    other = "council spent two point eight million pounds on the bus depot in 2024"
    assert judge_identity(other, spent).verdict is Verdict.CONTRADICTS


def test_a_changed_span_is_quoted_in_its_own_words() -> None:
    rates = claim("The Bank of Japan raised rates for the first time in 17 years in March 2024.")
    said = "bank of japan raised rates for the first time in 7 years in march 2024"
    identity = judge_identity(said, rates)
    assert identity.verdict is Verdict.CONTRADICTS
    assert identity.reason == "your message says 7 years; the claim says 17 years"


def test_who_in_capitals_is_the_organisation_not_a_question() -> None:
    mpox = claim("The WHO declared mpox a global health emergency in August 2024.")
    said = judge_identity("WHO declared mpox a global health emergency in aug 2024", mpox)
    assert said.verdict is Verdict.SAME, said
    asked = judge_identity("Who declared mpox a global health emergency?", mpox)
    assert asked.verdict is Verdict.NO_CLAIM, asked


BRIDGE = claim("Kelso Council reopened the Tweed footbridge in June 2025.")
DENIALS = [
    # "failed to" with the claim's own verb denies the act; with another verb it does not.
    ("kelso council failed to reopen the tweed footbridge in june 2025", Verdict.CONTRADICTS),
    (
        "Kelso Council failed to win funding but reopened the Tweed footbridge in June 2025",
        Verdict.SAME,
    ),
    # A closing clause that denies all that came before it; a question asks instead.
    ("Kelso Council reopened the Tweed footbridge in June 2025, it never happened", None),
    ("kelso council reopened the tweed footbridge in june 2025 - that's fake news", None),
    ("Kelso Council reopened the Tweed footbridge in June 2025. Not true lol", None),
    ("Kelso Council reopened the Tweed footbridge in June 2025, is that fake?", Verdict.SAME),
    # "not the only" says it happened, and more.
    (
        "The Tweed footbridge was not the only bridge Kelso Council reopened in June 2025",
        Verdict.SAME,
    ),
]


@pytest.mark.parametrize(("message", "expected"), DENIALS)
def test_denials_in_their_forms(message: str, expected: Verdict | None) -> None:
    # A closing denial may stand in its own sentence: the whole message is judged then.
    verdict = judge_identity(message, BRIDGE).verdict
    assert verdict is (expected or Verdict.CONTRADICTS), message


def test_a_negation_both_texts_make_of_the_same_words_cancels_out() -> None:
    study = claim("A Yale study proved that e-cigarettes pose no risk to teenagers.")
    denied = judge_identity("No Yale study ever proved e-cigarettes pose no risk to teens", study)
    assert denied.verdict is Verdict.CONTRADICTS, denied
    said = judge_identity("a yale study proved e-cigarettes pose no risk to teenagers", study)
    assert said.verdict is Verdict.SAME, said


def test_a_negation_in_capitals_is_emphasis_not_a_name() -> None:
    gout = claim("Drinking coffee causes gout, a study from Leeds found in 2023.")
    assert names("Drinking coffee does NOT cause gout") == []
    said = judge_identity("Drinking coffee does NOT cause gout", gout)
    assert said.verdict is Verdict.CONTRADICTS, said
    assert names("It was 41°C in Seville and 104F in Phoenix") == [("seville",), ("phoenix",)]


SHORT_FORMS = [
    # A club's initials with FC, a surname with its particle, an initial run into a surname.
    (
        "MUFC signed Bruno Fernandes from Sporting in January 2020",
        "Manchester United signed Bruno Fernandes from Sporting in January 2020.",
        Verdict.SAME,
    ),
    (
        "Ajax appointed ten Hag as manager in December 2017",
        "Ajax appointed Erik ten Hag as manager in December 2017.",
        Verdict.SAME,
    ),
    (
        "J.Lo filed for divorce from Marc Anthony in 2012",
        "Jennifer Lopez filed for divorce from Marc Anthony in 2012.",
        Verdict.SAME,
    ),
    (
        "jlo filed for divorce from marc anthony in 2012",
        "Jennifer Lopez filed for divorce from Marc Anthony in 2012.",
        Verdict.SAME,
    ),
    # A seat of office for the claim's holder of that office only.
    (
        "Downing Street announced a ban on disposable vapes in January 2024",
        "Prime Minister Rishi Sunak announced a ban on disposable vapes in January 2024.",
        Verdict.SAME,
    ),
    (
        "Downing Street announced a ban on menthol cigarettes in April 2022",
        "President Joe Biden announced a ban on menthol cigarettes in April 2022.",
        Verdict.DIFFERENT,
    ),
    # A name that only says whose role the next word is ("the Russian president").
    (
        "The Russian president met Xi Jinping in Beijing in May 2024",
        "Vladimir Putin met Xi Jinping in Beijing in May 2024.",
        Verdict.SAME,
    ),
    (
        "The French president met Xi Jinping in Beijing in April 2024",
        "German Chancellor Olaf Scholz met Xi Jinping in Beijing in April 2024.",
        Verdict.DIFFERENT,
    ),
    # Nicknames and tickers from the alias table.
    (
        "Bibi addressed Congress on 24 July 2024",
        "Benjamin Netanyahu addressed Congress on 24 July 2024.",
        Verdict.SAME,
    ),
    (
        "NVDA overtook Apple as the most valuable company in June 2024",
        "Nvidia overtook Apple as the most valuable company in June 2024.",
        Verdict.SAME,
    ),
]


@pytest.mark.parametrize(("message", "text", "expected"), SHORT_FORMS)
def test_names_written_short_or_by_role(message: str, text: str, expected: Verdict) -> None:
    assert judge_identity(message, claim(text)).verdict is expected, message


def test_a_denial_is_answered_with_less_of_the_claims_words() -> None:
    fine = claim("The European Commission fined Meta €798 million in November 2024 over ads.")
    tiers = Tiers(confident=0.7, related=0.35, min_identity=0.5, max_related=3)
    # Too little of the claim for a paraphrase, enough for a denial.
    ranked = [Scored(fine, 3.0, 0.95, answerable=False, deniable=True)]
    denied = decide("The Commission didn't fine Meta in November 2024", ranked, tiers)
    assert denied.match is not None
    assert denied.match.stance is Stance.CONTRADICTS
    said = decide("The Commission fined Meta in November 2024", ranked, tiers)
    assert said.match is None
    # Not even enough for a denial.
    ranked = [Scored(fine, 3.0, 0.95, answerable=False, deniable=False)]
    assert decide("The Commission didn't fine Meta in November 2024", ranked, tiers).match is None


PIER = claim("Hove Council closed the West Pier to the public in March 2025.")


@pytest.mark.parametrize(
    "message",
    [
        "Contrary to what people are sharing, Hove Council has not closed the West Pier.",
        "Nope. Hove Council did not close the West Pier in March 2025",
        "No, Hove Council never closed the West Pier to the public",
        "The claim that Hove Council closed the West Pier in March 2025 is false.",
        "the story that hove council closed the west pier in march 2025 was made up",
    ],
)
def test_denials_behind_a_lead_in_or_inside_a_frame(message: str) -> None:
    assert judge_identity(message, PIER).verdict is Verdict.CONTRADICTS, message


def test_no_one_is_a_denial_not_a_lead_in() -> None:
    said = judge_identity("No one closed the West Pier in March 2025", PIER)
    assert said.verdict is Verdict.CONTRADICTS, said
    true = "The claim that Hove Council closed the West Pier in March 2025 is true."
    assert judge_identity(true, PIER).verdict is not Verdict.CONTRADICTS


@pytest.mark.parametrize(
    ("message", "text"),
    [
        (
            "Man U signed Casemiro from Real Madrid in August 2022",
            "Manchester United signed Casemiro from Real Madrid in August 2022.",
        ),
        (
            "Newcastle Utd sacked Steve Bruce in October 2021",
            "Newcastle United sacked Steve Bruce in October 2021.",
        ),
        (
            "Leeds' Xmas market drew 300,000 visitors in December 2023",
            "Leeds Christmas market drew 300,000 visitors in December 2023.",
        ),
        (
            "A tornado hit Moore, OK on 20 May 2013",
            "A tornado hit Moore, Oklahoma, on 20 May 2013.",
        ),
        (
            "Flooding closed the A15 at Sleaford, Lincs, in January 2024",
            "Flooding closed the A15 at Sleaford, Lincolnshire, in January 2024.",
        ),
    ],
)
def test_words_of_names_written_short(message: str, text: str) -> None:
    assert judge_identity(message, claim(text)).verdict is Verdict.SAME, message


def test_common_words_of_a_lower_case_message_are_no_names() -> None:
    # A word the claim writes in lower case replaces no name ("reply" for "replied").
    replied = claim("Keir Starmer replied that Britain would send more troops in May 2025.")
    asked = judge_identity("didnt starmer reply that britain would send more troops", replied)
    assert asked.verdict is Verdict.SAME, asked
    # A verb opening the claim is no name either.
    taking = claim("Taking ibuprofen during pregnancy causes asthma in children.")
    other = judge_identity("ibuprofen use in pregnancy causes asthma in children", taking)
    assert other.verdict is Verdict.SAME, other
    # Words in capitals for emphasis name nobody.
    assert names("wait so russia is STILL selling oil to india") == []


def test_a_percentage_a_thing_changed_by_is_no_share() -> None:
    fell = claim("Knife crime in Leeds fell by 18% in the 12 months to March 2025.")
    said = judge_identity(
        "knife crime in leeds dropped about 18 per cent in the year to march 2025", fell
    )
    assert said.verdict is Verdict.SAME, said


def test_an_acronym_inside_a_name_is_the_name_spelt_out() -> None:
    agency = claim("Africa CDC declared a cholera emergency on 2 March 2025.")
    said = "The Africa Centres for Disease Control declared a cholera emergency on 2 March 2025"
    assert judge_identity(said, agency).verdict is Verdict.SAME


def test_a_claim_the_segment_is_unlikely_to_state_is_passed_over() -> None:
    first = claim(
        "Roberta Metsola was re-elected President of the European Parliament on 16 July 2024."
    )
    second = claim(
        "Ursula von der Leyen was re-elected President of the European Commission on 18 July 2024."
    ).model_copy(update={"id": "c2"})
    # The first is contradicted by its date, but less likely stated than the threshold asks.
    tiers = Tiers(confident=0.7, related=0.35, min_identity=0.75, max_related=3)
    ranked = [Scored(first, 3.0, 0.9, answerable=True), Scored(second, 2.9, 0.85, answerable=True)]
    result = decide("Ursula got re-elected as Commission chief on 18 july 2024", ranked, tiers)
    assert result.match is not None
    assert result.match.claim.id == "c2"


HIKE = claim("The Bank of Canada raised interest rates to 5% in July 2023.")


@pytest.mark.parametrize(
    "message",
    [
        # A short verb meets its past ("raise"/"raised", "ban"/"banned").
        "the bank of canada didnt raise rates in july 2023, they held",
        "The Bank of Canada refused to raise rates in July 2023",
        # Frames that deny the act after them.
        "The Bank of Canada decided against raising rates in July 2023",
        "bank of canada held off on raising rates in july 2023",
        "The Bank of Canada ruled out raising interest rates to 5% in July 2023",
        # The statement called false as a whole.
        "Bank of Canada raising rates to 5% in July 2023 is a myth",
        "The Bank of Canada raised rates to 5% in July 2023? No it did not.",
        "bank of canada rate hike to 5% in july 2023 = fake",
        "Bank of Canada raised rates to 5 percent in July 2023?? lies",
    ],
)
def test_more_denials(message: str) -> None:
    assert judge_identity(message, HIKE).verdict is Verdict.CONTRADICTS, message


def test_without_denies_only_the_claims_own_act() -> None:
    flyby = claim(
        "Comet Lemmon will pass 90 million km from Earth in October 2025 without hitting it."
    )
    said = judge_identity(
        "comet lemmon will pass 90 million km from earth in october 2025 and won't hit", flyby
    )
    assert said.verdict is Verdict.SAME, said
    final = claim("Sinner beat Zverev in straight sets in the 2025 Australian Open final.")
    other = judge_identity(
        "Sinner beat Zverev in the 2025 Australian Open final without dropping a set", final
    )
    assert other.verdict is Verdict.SAME, other
    storm = claim("Storm Bert hit Wales on 23 November 2024, cutting power to 30,000 homes.")
    state = judge_identity("storm bert hit wales, 30k homes without power (23 nov 2024)", storm)
    assert state.verdict is Verdict.SAME, state


def test_a_rough_figure_opening_a_sentence_is_no_name() -> None:
    text = "Nearly two-thirds of adults in Norland (64%) are overweight, a health survey found."
    message = "Almost two in three adults in Norland are overweight"
    assert judge_identity(message, claim(text)).verdict is Verdict.SAME


def test_figures_in_other_units_and_a_bound_met_by_a_figure_past_it() -> None:
    heat = claim(
        "Temperatures in Seville passed 45°C for the first time in 2025, 46.1°C on 1 July."
    )
    for message in (
        "seville passed 45 degrees for the first time in 2025",
        "Seville hit 46.1C on 1 July 2025, the first time above 45C",
        "Seville hit 115F on 1 July 2025",
    ):
        assert judge_identity(message, heat).verdict is Verdict.SAME, message
    said = judge_identity("Seville hit 44C on 1 July 2025", heat)
    assert said.verdict is Verdict.CONTRADICTS, said
    limit = claim("Jersey cut the speed limit on its main roads from 40mph to 30mph in 2024.")
    lowered = judge_identity("jersey's main roads have a 30 mph limit since 2024", limit)
    assert lowered.verdict is Verdict.SAME, lowered
    wind = claim("Storm Darragh brought gusts of 150 km/h to Wales in December 2024.")
    mph = judge_identity("Storm Darragh brought 93 mph gusts to Wales in December 2024", wind)
    assert mph.verdict is Verdict.SAME, mph


def test_factors_and_quarters_are_compared() -> None:
    rents = claim("Rents in Bristol doubled between 2014 and 2024.")
    assert (
        judge_identity("bristol rents went up 2x from 2014 to 2024", rents).verdict is Verdict.SAME
    )
    tripled = judge_identity("Rents in Bristol tripled between 2014 and 2024", rents)
    assert tripled.verdict is Verdict.CONTRADICTS, tripled
    assert tripled.reason == "your message says tripled; the claim says doubled"
    growth = claim("Ireland's economy grew 1.2% in the first quarter of 2025.")
    assert judge_identity("irish gdp grew 1.2% in Q1 2025", growth).verdict is Verdict.SAME
    q2 = judge_identity("Ireland's economy grew 1.2% in Q2 2025", growth)
    assert q2.verdict is Verdict.CONTRADICTS, q2


def test_a_countrys_people_name_the_country() -> None:
    ban = claim("Poland banned the sale of energy drinks to under-18s in January 2024.")
    said = "The Polish government banned energy drink sales to under-18s in January 2024"
    assert judge_identity(said, ban).verdict is Verdict.SAME
    nato = claim("Sweden joined NATO in March 2024.")
    assert judge_identity("Finland joined NATO in March 2024", nato).verdict is Verdict.DIFFERENT


def test_a_denial_reaches_past_its_fillers_and_to_a_clauses_end() -> None:
    fell = claim("Ford's UK sales fell 9% in the second quarter of 2025.")
    said = judge_identity("Ford's UK sales didn't drop at all in Q2 2025", fell)
    assert said.verdict is Verdict.CONTRADICTS, said
    for message in (
        "Ford's UK sales falling 9% in Q2 2025 is fake, they grew",
        "Ford's UK sales falling 9% in Q2 2025 never happened, check the figures",
    ):
        assert judge_identity(message, fell).verdict is Verdict.CONTRADICTS, message
    asked = judge_identity("Ford's UK sales fell 9% in Q2 2025, is that fake?", fell)
    assert asked.verdict is Verdict.SAME, asked


def test_a_negative_question_with_its_not_apart_asks_about_the_claim() -> None:
    hike = claim("The Bank of Canada raised interest rates to 5% in July 2023.")
    for message in (
        "Did the Bank of Canada not raise rates to 5% in July 2023?",
        "Is it not the case that the Bank of Canada raised rates to 5% in July 2023?",
    ):
        assert judge_identity(message, hike).verdict is Verdict.SAME, message
    said = judge_identity("The Bank of Canada did not raise rates to 5% in July 2023", hike)
    assert said.verdict is Verdict.CONTRADICTS


def test_parties_by_their_common_names() -> None:
    won = claim("The Conservatives won the Uxbridge by-election in July 2023.")
    assert judge_identity("The Tories won the Uxbridge by-election in July 2023", won).verdict is (
        Verdict.SAME
    )
    assert judge_identity("Labour won the Uxbridge by-election in July 2023", won).verdict is (
        Verdict.DIFFERENT
    )


def test_a_participle_after_an_act_names_no_speaker() -> None:
    text = "Norcell sued Vantro in May 2024, claiming its routers copied Norcell's patents."
    message = "In May 2024 Norcell filed a lawsuit against Vantro saying its routers copied patents"
    assert attribution(message) is None
    assert judge_identity(message, claim(text)).verdict is Verdict.SAME


@pytest.mark.parametrize(
    "message",
    [
        "Under a law passed in May, Halden Foods must sell its bakery arm or it gets banned",
        "Halden Foods has to sell the bakery arm or face a ban, under a law passed in May",
    ],
)
def test_the_penalty_a_requirement_names_is_no_doubt(message: str) -> None:
    text = (
        "Norland passed a law in May requiring Halden Foods to sell its bakery arm or face a ban."
    )
    assert judge_identity(message, claim(text)).verdict is Verdict.SAME


def test_another_figure_said_with_a_denial_is_answered_as_a_denial() -> None:
    heat = claim("Ireland recorded a temperature above 33C for the first time in 2022, 33.1C.")
    tiers = Tiers(confident=0.7, related=0.35, min_identity=0.5, max_related=3)
    ranked = [Scored(heat, 3.0, 0.95, answerable=False, deniable=True)]
    result = decide("Ireland has never recorded 33C, the highest was 32.2C", ranked, tiers)
    assert result.match is not None
    assert result.match.stance is Stance.CONTRADICTS


@pytest.mark.parametrize(
    ("message", "text"),
    [
        # the act told without its doer, of what the other side's doer does it to
        (
            "Storm Ciaran washed up hundreds of dead starfish on Norland's beaches",
            "Hundreds of dead starfish washed ashore on Norland beaches after Storm Ciaran.",
        ),
        (
            "The Norland ferry booking website has crashed",
            "Holidaymakers crashed Norland's ferry booking website within minutes of the sale.",
        ),
    ],
)
def test_an_act_told_with_and_without_its_doer_is_one_event(message: str, text: str) -> None:
    assert judge_identity(message, claim(text)).verdict is Verdict.SAME


@pytest.mark.parametrize(
    "message",
    [
        # a speaker never runs over the end of a sentence, nor is an instruction a saying
        "Halden's brother sells turbines to Norland. Brisk introduced Halden & told him to run",
        "Mayor Brisk told the council to close the Eastgate library by March",
    ],
)
def test_no_speaker_across_a_sentence_or_in_an_instruction(message: str) -> None:
    assert attribution(message) is None


def test_a_claim_telling_of_someones_words_is_about_what_they_said() -> None:
    text = "A video shows a schoolboy calling Mayor Brisk 'a disgrace to Norland'."
    message = "Schoolboy to Mayor Brisk: you're a disgrace to Norland"
    assert judge_identity(message, claim(text)).verdict is Verdict.SAME
