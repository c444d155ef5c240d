"""Segmentation: claims are split out of chat messages; everything else is left behind."""

from __future__ import annotations

import pytest

from verifiers.text.segment import claim_segments, is_claim_like, message_query, segment


def test_sentences_become_segments_and_chit_chat_is_dropped() -> None:
    text = (
        "Good morning everyone! lol. Trump asked Zelenskyy if Ukraine could hit Moscow and "
        "St. Petersburg. Thanks! The U.S. will send 17 Patriot batteries; NATO allies will pay."
    )
    assert segment(text, 12) == [
        "Trump asked Zelenskyy if Ukraine could hit Moscow and St. Petersburg.",
        "The U.S. will send 17 Patriot batteries",
        "NATO allies will pay.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "lol",
        "thanks!",
        "good morning everyone",
        "🙂🙂🙂",
        "<@123456789012345678> <#987654321098765432> <:pepe:112233445566778899>",
        "@everyone @here",
        "https://example.com/a/b?c=d www.example.org",
        "ok",
        "what do you think?",
    ],
)
def test_non_claims_give_no_segments(text: str) -> None:
    assert segment(text, 12) == []


def test_code_is_skipped_but_text_around_it_kept() -> None:
    text = (
        "look:\n```py\nTrump asked Zelenskyy to hit Moscow\n```\nPutin rejected the ceasefire talks"
    )
    assert segment(text, 12) == ["Putin rejected the ceasefire talks"]
    assert segment("run `Trump asked Zelenskyy` now, Putin rejected ceasefire talks", 12) == [
        "run now, Putin rejected ceasefire talks"
    ]


def test_unclosed_code_fence_drops_the_rest() -> None:
    assert segment("Putin rejected the ceasefire talks ```Trump asked", 12) == [
        "Putin rejected the ceasefire talks"
    ]


def test_links_mentions_and_handles_are_removed_from_segments() -> None:
    text = "<@42> @bob Trump called the Putin call bad https://t.co/x pic.twitter.com/abc"
    assert segment(text, 12) == ["Trump called the Putin call bad"]


def test_a_photo_link_glued_to_the_last_word_leaves_the_word() -> None:
    # Tweets copied as text lose the space before "pic.twitter.com/…".
    text = "Protesters lit the menorah for Hanukkahpic.twitter.com/AbC123"
    assert segment(text, 12) == ["Protesters lit the menorah for Hanukkah"]
    assert message_query(text) == "Protesters lit the menorah for Hanukkah"


def test_hashtags_are_split_into_words() -> None:
    assert segment("Fans booed the president at the #WorldSeries game", 12) == [
        "Fans booed the president at the WorldSeries World Series game"
    ]


def test_long_sentence_splits_at_clause_boundaries() -> None:
    text = (
        "Trump announced new weapons for Ukraine paid for by NATO allies, "
        "but Russia keeps earning billions from oil sales to China and India"
    )
    assert segment(text, 12) == [
        "Trump announced new weapons for Ukraine paid for by NATO allies",
        "Russia keeps earning billions from oil sales to China and India",
    ]


def test_max_segments_caps_the_output() -> None:
    text = " ".join(f"Claim number {i} says the river flooded town {i}." for i in range(30))
    assert len(segment(text, 5)) == 5


def test_tweet_signature_is_not_a_segment_but_stays_in_the_message_query() -> None:
    tweet = "The river flooded the old town again — Jane Doe (@janedoe) July 9, 2019"
    assert segment(tweet, 12) == ["The river flooded the old town again"]
    assert "Jane Doe" in message_query(tweet)


def test_message_query_keeps_a_signatures_name_and_date_but_not_its_handle() -> None:
    # The handle mostly repeats the name ("@realDonaldTrump"): kept, it counted the author
    # twice (CheckThat! train MAP@5 0.8805 -> 0.8841 without it, docs/matching.md).
    tweet = "KEEP AMERICA GREAT! — Donald J. Trump (@realDonaldTrump) March 24, 2019"
    query = message_query(tweet)
    assert query == "KEEP AMERICA GREAT! Donald J. Trump March 24, 2019"
    assert "realDonaldTrump" not in query
    mention = "ask @janedoe about the flood"  # a handle outside a signature stays
    assert "janedoe" in message_query(mention)


@pytest.mark.parametrize(
    "text",
    [
        "." * 100_000,
        " " * 100_000 + "but",
        "a. " * 33_000,
        "`" * 100_000,
        "<:" + "a" * 100_000,
        ", and" * 20_000,
        "#" + "Ab" * 50_000,
        "— " + "x" * 100_000 + " (@h) July 1, 2019",
    ],
)
def test_pathological_input_is_handled(text: str) -> None:
    """Quadratic patterns would not finish on these; linear ones take milliseconds."""
    assert isinstance(segment(text, 12), list)
    assert isinstance(message_query(text), str)


def test_claim_like_needs_two_content_words() -> None:
    assert is_claim_like("Putin lied")
    assert not is_claim_like("Putin!")
    assert not is_claim_like("thanks everyone, good night")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Norway's central bank held rates at 4.5% in March and the Riksbank cut its rate "
            "to 2.25% the same week",
            [
                "Norway's central bank held rates at 4.5% in March",
                "the Riksbank cut its rate to 2.25% the same week",
            ],
        ),
        (
            "lol Wrexham got promoted again in April 2025 and Ryan Reynolds bought a second "
            "club in Mexico apparently",
            [
                "lol Wrexham got promoted again in April 2025",
                "Ryan Reynolds bought a second club in Mexico apparently",
            ],
        ),
    ],
    ids=["two-banks", "chatty-two-claims"],
)
def test_two_statements_joined_by_and_are_checked_apart(text: str, expected: list[str]) -> None:
    assert segment(text, 5) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The minister blamed Labour, the unions, the BMA and Unite for the strike in May 2025",
        "Trump asked Zelenskyy whether Ukraine could strike Moscow and St Petersburg if the "
        "United States sent longer-range missiles",
        "The former mayor of Dunmere was convicted of bribery and sentenced to six years in "
        "prison last March",
    ],
    ids=["a-list", "two-objects", "one-subject-two-verbs"],
)
def test_an_and_inside_one_statement_does_not_split_it(text: str) -> None:
    assert segment(text, 5) == [text]


@pytest.mark.parametrize(
    "text",
    [
        # "and" inside a name: no clause on its left
        "The Office for Budget Responsibility and Growth cut its forecast to 1.1% in March",
        # a participle after "and" opens a phrase, not a clause
        "There is no video of Biden and Putin laughing together at the 2021 summit in Geneva",
    ],
)
def test_an_and_inside_a_name_or_before_a_participle_splits_nothing(text: str) -> None:
    assert claim_segments(text, 6) == ([text], 0)


def test_an_and_inside_a_that_clause_joins_its_subject() -> None:
    text = "The ministry has denied that Smith and Jones met in Paris in May 2025"
    assert segment(text, 5) == [text]


def test_a_sentence_that_only_denies_belongs_to_the_one_before() -> None:
    said = "Kelso Council reopened the Tweed footbridge in June 2025."
    assert segment(f"{said} Not true lol", 5) == [f"{said} - Not true lol"]
    assert segment(f"{said} It never happened!", 5) == [f"{said} - It never happened!"]
    assert segment(f"{said} Is that fake?", 5) == [said]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Spain beat England in the men's Euro 2024 final, then a year later the Lionesses "
            "beat Spain on penalties in the women's final",
            [
                "Spain beat England in the men's Euro 2024 final",
                "a year later the Lionesses beat Spain on penalties in the women's final",
            ],
        ),
        # the clause after "then" leaves out its subject and verb: they are filled back in
        (
            "The Riksbank cut its policy rate to 3.75% in May and then to 3.5% in August",
            [
                "The Riksbank cut its policy rate to 3.75% in May",
                "The Riksbank cut its policy rate to 3.5% in August",
            ],
        ),
        (
            "Unemployment in Norlandia rose to 5.1 per cent in spring, then 5.4 per cent by autumn",
            [
                "Unemployment in Norlandia rose to 5.1 per cent in spring",
                "Unemployment in Norlandia rose to 5.4 per cent by autumn",
            ],
        ),
    ],
    ids=["new-subject", "gapped-preposition", "gapped-number"],
)
def test_two_statements_joined_by_then_are_checked_apart(text: str, expected: list[str]) -> None:
    assert segment(text, 5) == expected


@pytest.mark.parametrize(
    "text",
    [
        # a condition and its consequence are one statement
        "If the Bank of England cuts rates in May, then mortgage costs will fall for millions",
        # the same subject's next act
        "The club sacked its manager in March and then hired the former Ajax coach on a long deal",
        "back then the river flooded the whole town centre for three weeks in a row",
    ],
    ids=["condition", "same-subject", "back-then"],
)
def test_a_then_inside_one_statement_does_not_split_it(text: str) -> None:
    assert segment(text, 5) == [text]
