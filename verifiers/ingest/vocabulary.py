"""Word lists for reading speakers: titles and roles, words that make a name a body, nouns a
company goes by, and plural subjects that name nobody. Kept apart from the rules that use them."""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Titles and roles that come before a name ("Finance Minister", "Rovers manager").
TITLES = _words(
    """
    president vice prime minister mayor council councillor councilman councilwoman member
    senator sen. rep. representative governor gov. secretary general chancellor director
    regional spokesperson spokesman spokeswoman chief executive ceo chairman chairwoman
    chair judge justice ambassador foreign defence defense deputy king queen pope dr. dr mr.
    mr mrs. mrs ms. ms professor prof. commissioner head leader former interim acting
    officer lt. col. gen. sgt. captain capt. prosecutor resident shadow author lead coach
    manager boss striker midfielder defender goalkeeper fly-half winger skipper opposition
    group commander inspector superintendent detective constable sergeant chief-executive
    founder co-founder economist analyst researcher scientist editor correspondent mp mep
    lawmaker legislator assemblywoman assemblyman sheriff attorney barrister solicitor
    lawyer nurse doctor headteacher principal trustee treasurer cabinet housing health
    finance interior economy trade transport education justice labour environment energy
    culture home
    """
)

# Words that make a name a body rather than a person.
ORG_WORDS = _words(
    """
    unit directorate division motors motor automotive holdings industries technologies
    systems pharma pharmaceuticals therapeutics biotherapeutics biosciences labs logistics
    airways steel mining oil gas retail stores brands insurance telecom media software
    networks communications solutions capital energy utilities
    ministry department office agency council committee commission authority board service
    services union party federation institute university college school hospital bank foods
    airlines airline group company corporation corp inc ltd plc holdings partners society
    association club league court police army government administration parliament assembly
    treasury trust foundation network alliance water energy rescue fire statistics museum
    library centre center fund news times post herald journal gazette review ledger daily
    institute regulator organisation organization secretariat bureau cabinet house
    """
)

# What "the company" may be called ("carmaker", "drugmaker": any noun ending in "maker" too).
COMPANY_NOUNS = _words(
    """
    carmaker automaker drugmaker chipmaker planemaker brewer miner conglomerate startup
    company firm group chain carrier airline business retailer supplier bank lender insurer
    insurers manufacturer maker operator grocer developer utility charity
    """
)

# Plural or generic subjects: "Analysts said" names nobody on the record.
GENERIC = _words(
    """
    analysts critics experts economists observers residents officials sources people
    investors traders campaigners commentators supporters opponents scientists researchers
    doctors parents voters fans readers many some others several most
    """
)

# "X's office said": heads that speak for their owner.
POSSESSIVE_HEADS = _words(
    """
    office spokesperson spokesman spokeswoman team lawyers lawyer campaign aides
    press office representatives representative
    """
)

# Titles only a person has: "Mr. Okonkwo" is a person even if the article never gives his first
# name.
PERSON_TITLES = _words(
    """
    mr mr. mrs mrs. ms ms. miss mx dr dr. sir dame lord lady prof prof. professor minister
    mayor governor gov. senator sen. rep. president chancellor secretary judge justice
    prosecutor detective sergeant constable inspector superintendent sheriff coach manager
    boss captain striker spokesman spokeswoman spokesperson councillor councilman
    councilwoman ambassador king queen pope chairman chairwoman founder
    """
)

# Bodies that are never "the company": a regulator named in a filing is not the carmaker.
GOVERNMENT_WORDS = _words(
    """
    ministry department office authority agency council commission regulator court police
    government parliament assembly service services board committee
    """
)
