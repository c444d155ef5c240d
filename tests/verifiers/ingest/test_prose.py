"""Attribution in news prose, one test per failure kind: speakers with asides, inverted and
possessive attribution, references across sentences, documents and data, the outlet's own
facts, outlets named in prose, subjects that are nobody, and clean claim text."""

from __future__ import annotations

from verifiers.domain.models import DraftFields, SourceRole, Status
from verifiers.ingest.article import Article, extract_html
from verifiers.ingest.propose import propose_drafts


def drafts(*paragraphs: str, publisher: str = "The Test Courier") -> list[DraftFields]:
    article = Article(title="A headline", publisher=publisher, text="\n".join(paragraphs))
    return propose_drafts(article)


def one(found: list[DraftFields], words: str, status: Status | None = None) -> DraftFields:
    matching = [d for d in found if words in d.text and (status is None or d.status is status)]
    assert len(matching) == 1, [(d.status.value, d.claimant, d.text) for d in found]
    return matching[0]


# -- speakers with asides --------------------------------------------------------------------
def test_a_speaker_with_an_appositive_title_is_credited_by_name():
    found = drafts(
        "Dr. Marcus Okafor, president of the Harbor Dental Society, told reporters that "
        "fluoride had cut tooth decay by a quarter in ten years."
    )
    said = one(found, "told reporters that fluoride", Status.CONFIRMED)
    assert said.claimant == "Marcus Okafor"
    assert said.text.startswith("Dr. Marcus Okafor told reporters")  # the aside is left out
    content = one(found, "Fluoride had cut tooth decay", Status.UNVERIFIED)
    assert content.claimant == "Marcus Okafor"


def test_a_body_with_a_description_is_credited_and_its_it_resolved():
    found = drafts(
        "Corvane Foods, the discount grocery chain, said on Tuesday it would close 42 of its "
        "610 stores."
    )
    content = one(found, "42 of its 610 stores", Status.UNVERIFIED)
    assert content.text == "Corvane Foods would close 42 of its 610 stores."
    assert content.claimant == "Corvane Foods"


def test_a_name_after_the_quote_and_its_description():
    found = drafts(
        '"We will not accept a pay cut," the union\'s leader, Marta Kovell, told reporters.'
    )
    quote = one(found, "We will not accept a pay cut")
    assert quote.status is Status.CONFIRMED
    assert quote.claimant == "Marta Kovell"


def test_a_relative_clause_between_speaker_and_verb():
    found = drafts(
        "Chief executive Mara Tillotson, who took over in January, said the chain would open 12 "
        "smaller stores next year."
    )
    assert (
        one(found, "would open 12 smaller stores", Status.UNVERIFIED).claimant == "Mara Tillotson"
    )


# -- inverted and possessive attribution -----------------------------------------------------
def test_said_before_the_speaker_gives_the_speaker_not_the_club():
    found = drafts('"We were second best all afternoon," said Rovers manager Gareth Lyle.')
    quote = one(found, "second best")
    assert quote.claimant == "Gareth Lyle"
    assert quote.text == 'Rovers manager Gareth Lyle said: "We were second best all afternoon."'


def test_an_office_speaks_for_its_owner():
    found = drafts("Prime Minister Adela Korhonen's office said the talks had ended on Friday.")
    said = one(found, "talks had ended", Status.CONFIRMED)
    assert said.claimant == "Adela Korhonen's office"


# -- references across sentences -------------------------------------------------------------
def test_he_continues_the_speaker_named_with_an_aside():
    found = drafts(
        "Dr. Marcus Okafor, president of the Harbor Dental Society, told reporters that the "
        "clinic would open in May.",
        "He said that 3,000 children had been seen last year.",
    )
    assert one(found, "3,000 children", Status.UNVERIFIED).claimant == "Marcus Okafor"


def test_the_company_and_the_ministry_resolve_to_the_last_of_their_kind():
    found = drafts(
        "Corvane Foods, the discount grocery chain, said it would close 42 stores.",
        "Exports rose 4 per cent, according to figures published by the Finance Ministry.",
        "The company said 1,900 jobs were at risk.",
        "The ministry said imports fell by 2 per cent in June.",
    )
    assert one(found, "1,900 jobs", Status.UNVERIFIED).claimant == "Corvane Foods"
    assert one(found, "mports fell by 2", Status.UNVERIFIED).claimant == "Finance Ministry"


# -- documents and data ----------------------------------------------------------------------
def test_studies_filings_figures_polls_and_records_are_reported_from_the_document():
    found = drafts(
        "A study published on Monday in the Journal of Coastal Health found that swimmers were "
        "12 per cent more likely to fall ill.",
        "Bathing water was cleaner in 2024 than in 2020, the study found.",
        "Pre-tax profit fell to £12 million, the filing showed.",
        "Inflation was 3.1 per cent in May, according to figures published by the Finance "
        "Ministry.",
        "An opinion poll by Norstat, published on Sunday, put the party on 31 %.",
        "Councillor Ames voted against the plan, according to the council's published vote record.",
        "Figures published by the regulator show complaints rose by a third.",
    )
    expected = {
        "12 per cent more likely": "a study published in the Journal of Coastal Health",
        "cleaner in 2024": "the study",
        "£12 million": "the filing",
        "3.1 per cent": "figures published by the Finance Ministry",
        "31 %": "an opinion poll by Norstat",
        "voted against the plan": "the council's published vote record",
        "complaints rose by a third": "figures published by the regulator",
    }
    for words, document in expected.items():
        draft = one(found, words)
        assert draft.status is Status.REPORTED
        assert draft.claimant == f"The Test Courier, citing {document}"
        assert draft.reason == f"cites {document}, which is not linked"
    assert one(found, "£12 million").text == "Pre-tax profit fell to £12 million."  # no tail


def test_it_found_continues_the_study():
    found = drafts(
        "The study, published in the Journal of Child Health, followed 41,000 pupils.",
        "It found that one in six pupils arrived at school without having eaten.",
    )
    draft = one(found, "one in six pupils")
    assert draft.status is Status.REPORTED
    assert "study" in (draft.claimant or "")


# -- the outlet's own facts ------------------------------------------------------------------
def test_the_outlets_checkable_narration_is_reported_by_it_and_colour_is_not():
    found = drafts(
        "Daniel Okoro headed in an 89th-minute winner as Ashby beat Millbrook 2-1 on Saturday.",
        "The council voted 5-4 to close the library.",
        "It was a grey, blustery afternoon and the crowd grumbled.",
        "What a game it was!",
        "Parents will recognise the morning rush with a weary sigh.",
    )
    assert {d.text for d in found} == {
        "Daniel Okoro headed in an 89th-minute winner as Ashby beat Millbrook 2-1 on Saturday.",
        "The council voted 5-4 to close the library.",
    }
    for draft in found:
        assert draft.status is Status.REPORTED
        assert draft.claimant == "The Test Courier"


# -- outlets named in prose ------------------------------------------------------------------
def test_an_outlet_known_only_from_the_prose_is_credited_as_the_original():
    found = drafts(
        "Halden Bank will be fined 310 million crowns, The Mercantile Review first reported on "
        "Monday.",
        "The fine would be the largest ever, the Review reported, citing three people familiar "
        "with the decision.",
        publisher="Briefly News",
    )
    lead = one(found, "310 million crowns")
    assert lead.text == "Halden Bank will be fined 310 million crowns."  # no sourcing tail
    assert lead.claimant == "Mercantile Review"
    assert [(s.publisher, s.role) for s in lead.sources] == [
        ("Mercantile Review", SourceRole.ORIGINAL),
        ("Briefly News", SourceRole.REPUBLICATION),
    ]
    anonymous = one(found, "largest ever")
    # The aggregator relays the sourcing; the original reporting is the Review's.
    assert anonymous.claimant == "Mercantile Review, citing three people familiar with the decision"


def test_a_wire_dateline_with_an_unknown_agency_is_not_part_of_the_claim():
    found = drafts(
        "VELGRAD, Veloria (NNA) — Veloria will sell a 49 per cent stake in the port, Prime "
        "Minister Adela Korhonen's office said on Thursday.",
        publisher="Nordic News Agency",
    )
    assert found
    assert not any("VELGRAD" in d.text or "(NNA)" in d.text for d in found)
    content = one(found, "49 per cent stake", Status.UNVERIFIED)
    assert content.text == "Veloria will sell a 49 per cent stake in the port."
    assert all(len(d.sources) == 1 for d in found)  # its own agency: not a republication


# -- subjects that are nobody ----------------------------------------------------------------
def test_generic_plural_imperative_and_first_person_subjects_are_not_speakers():
    found = drafts(
        "Analysts said the vote would reassure investors.",
        "Expect ministers to be asked how it will be paid for.",
        "I've been asked by readers what the plan means.",
    )
    assert found == []


def test_pronoun_led_drafts_are_resolved_or_dropped():
    found = drafts(
        "It said that this was a mistake.",
        "His party had collected 40,000 signatures.",
        "The National Draw confirmed it was the biggest win in Kent this year.",
    )
    for draft in found:
        assert draft.text.split()[0].lower() not in {"it", "his", "he", "this"}, draft.text


# -- clean claim text ------------------------------------------------------------------------
def test_told_without_a_listener_reads_said_and_quotes_stay_quotes():
    found = drafts(
        'Council leader Ian Drennan told reporters: "The deal is dead."',
        '"We start again on Monday," Drennan told The Mercantile Review.',
    )
    assert one(found, "deal is dead").text == (
        'Council leader Ian Drennan told reporters: "The deal is dead."'
    )
    again = one(found, "start again")
    assert again.text == 'Drennan said: "We start again on Monday."'
    assert "told:" not in again.text


def test_a_blog_without_metadata_has_no_publisher_and_no_date():
    html = """<html><head><title>Notes from the kerb - Why free buses won't work</title></head>
    <body><div class="post"><h1>Why free buses won't work</h1>
    <p>I have ridden the number 9 night bus every Friday for a year now, and it surprised me.</p>
    <p>The route carried 212,000 passengers last year, according to the transport authority's
    annual report.</p></div></body></html>"""
    article = extract_html(html)
    assert article.publisher == "unknown publisher"
    assert article.published is None


def test_a_spokesperson_speaks_for_the_body_and_according_to_a_person_is_attribution():
    found = drafts(
        "Halden Bank cut 300 jobs in March.",
        "A spokeswoman for Halden Bank said the cuts were complete.",
        "The bank will not cut more jobs this year, a spokesperson said.",
        "The new drug halves the risk of relapse, according to Dr Ana Ruiz, who led the trial.",
    )
    assert one(found, "cuts were complete", Status.UNVERIFIED).claimant == "Halden Bank"
    assert one(found, "not cut more jobs", Status.UNVERIFIED).claimant == "Halden Bank"
    relapse = one(found, "halves the risk of relapse", Status.UNVERIFIED)
    assert relapse.text == "The new drug halves the risk of relapse."
    assert relapse.claimant == "Ana Ruiz"


def test_a_quote_split_by_its_speaker_and_sentences_opening_with_a_connective():
    found = drafts(
        '"We tried everything," said Mayor Tom Bell, "but the money ran out in 2024."',
        "But Councillor Ann Ryde said the road would stay open until May.",
        "And she said 40 trees would be planted.",
    )
    quote = one(found, "money ran out")
    assert (
        quote.text == 'Mayor Tom Bell said: "We tried everything, but the money ran out in 2024."'
    )
    assert one(found, "road would stay open", Status.CONFIRMED).text.startswith("Councillor")
    assert one(found, "40 trees", Status.UNVERIFIED).claimant == "Ann Ryde"


def test_she_after_a_speaker_with_an_age_and_after_a_quote_introduced_by_said():
    found = drafts(
        "The company's chief executive, Joan Pike, said profits rose 5 per cent.",
        "Smith, 45, a nurse from Leeds, said she had waited 14 hours.",
        'The minister said: "We will build 300 homes." She added that the site would open in 2027.',
    )
    assert one(found, "waited 14 hours", Status.UNVERIFIED).text == "Smith had waited 14 hours."
    assert one(found, "open in 2027", Status.UNVERIFIED).claimant == "The minister"


def test_page_timestamps_are_not_facts():
    assert (
        drafts("Last updated on 12 March 2026 at 10:45.", "Published 3 June 2026, 09:12 BST.") == []
    )


def test_a_page_without_metadata_is_dated_and_credited_from_what_it_states():
    html = """<html><head><title>Harbour ferry fares to rise</title></head><body>
    <div class="meta">Posted on June 3, 2026 by Ann Leigh</div>
    <article><p>Ferry fares across the harbour will rise by 8 per cent from July, the operator
    said on Tuesday, the first increase in four years.</p>
    <p>The vote on September 20, 2027 will decide whether the route stays open after that.</p>
    </article><footer>© 2026 Harbour Media Ltd. All rights reserved.</footer></body></html>"""
    article = extract_html(html)
    assert article.publisher == "Harbour Media Ltd"
    assert str(article.published) == "2026-06-03"  # not the vote's date in the story


def test_he_after_a_sentence_naming_someone_else_is_that_person():
    found = drafts(
        '"We deserved it," said Rovers manager Gareth Lyle.',
        "Wolves boss Tim Hale was furious.",
        '"That was never a penalty," he said.',
    )
    assert one(found, "never a penalty").claimant == "Tim Hale"


def test_a_spokesperson_named_in_an_aside_and_a_byline_that_is_no_fact():
    found = drafts(
        "By Selin Arda, 3 September 2026",
        "The commission's spokesperson, Anneli Varga, said the 2010 figure was the lowest.",
        "A Marlow Council spokesperson said the council had spent £2m on patrols.",
    )
    assert one(found, "2010 figure", Status.UNVERIFIED).claimant == "Anneli Varga"
    assert one(found, "£2m on patrols", Status.UNVERIFIED).claimant == "Marlow Council"
    assert not any("Selin Arda" in d.text for d in found)
