"""Matcher internals that users feel: typo repair, freshness, threads, ranking API."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from verifiers.domain.errors import ConfigError
from verifiers.domain.models import ClaimFields, Scope
from verifiers.domain.settings import MatchingSettings
from verifiers.matching.identity import IDENTITY_FEATURES, MODEL_FILE
from verifiers.matching.model import shipped_model
from verifiers.matching.pipeline import Matcher
from verifiers.matching.vocab import Vocabulary
from verifiers.store import Store, open_store

EVERYWHERE = Scope.everything()


@pytest.fixture
def seeded(tmp_path: Path) -> Store:
    store = open_store(str(tmp_path / "claims.db"), seed=True)
    yield store
    store.close()


@pytest.mark.parametrize(
    ("typo", "fixed"),
    [
        ("zelenksy", "zelensky"),
        ("moskow", "moscow"),
        ("petersberg", "petersburg"),
        ("zelenskiy", "zelenskyy"),
    ],
)
def test_out_of_vocabulary_words_are_repaired(seeded: Store, typo: str, fixed: str) -> None:
    vocab = Vocabulary(dict(seeded.vocabulary()), seeded.claim_count_for_search())
    assert typo not in vocab.df
    assert fixed in vocab.corrections(typo)


def test_short_words_are_never_repaired() -> None:
    vocab = Vocabulary({"moscow": 3, "bomb": 2}, 10)
    assert vocab.corrections("bomm") == []
    assert vocab.corrections("moscw") == ["moscow"]


def test_glued_words_are_split_into_indexed_words() -> None:
    vocab = Vocabulary(
        {
            "fyre": 2,
            "festival": 40,
            "photo": 90,
            "photos": 30,
            "shopping": 8,
            "hopping": 1,
            "clinton": 50,
            "hillary": 45,
        },
        1000,
    )
    assert vocab.split_compound("fyrefestival") == ("fyre", "festival")
    assert vocab.split_compound("hillaryclinton") == ("hillary", "clinton")
    # The cut whose rarer half is commoner wins over a cut into a rare fragment.
    assert vocab.split_compound("photoshopping") == ("photo", "shopping")
    assert vocab.split_compound("fyrefraud") is None  # "fraud" is not indexed
    assert vocab.split_compound("fyre") is None


def test_a_glued_hashtag_finds_the_claim_its_words_name(seeded: Store) -> None:
    text = "The Fyre Festival was a fraud that left attendees stranded in the Bahamas."
    seeded.add_claim(ClaimFields(text=text), actor="mod")
    m = Matcher(seeded, MatchingSettings())
    found = m.check("the #fyrefestival was a total fraud", EVERYWHERE)
    assert [x.claim.text for x in found.matches] == [text]


def test_new_claims_match_at_once_and_their_typos_after_invalidate(seeded: Store) -> None:
    m = Matcher(seeded, MatchingSettings())
    m.check("warm up: Trump asked Zelenskyy about Moscow", EVERYWHERE)
    text = "The Grimsby lighthouse keeper photographed a kraken off the coast."
    seeded.add_claim(ClaimFields(text=text), actor="mod")
    exact = "a kraken was photographed by the Grimsby lighthouse keeper off the coast"
    assert [x.claim.text for x in m.check(exact, EVERYWHERE).matches] == [text]
    typo = "a krakken was photographed by the Grimbsy lighthouse keeper off the coast"
    m.invalidate()
    assert [x.claim.text for x in m.check(typo, EVERYWHERE).matches] == [text]


def test_concurrent_checks_give_the_same_answers(seeded: Store) -> None:
    m = Matcher(seeded, MatchingSettings())
    texts = [
        "Trump asked Zelenskyy if Ukraine could hit Moscow",
        "Trump gave Russia 30 days to agree a peace deal or face secondary sanctions",
        "lol good morning",
        "NATO allies will pay for the Patriot missiles Trump is sending to Ukraine",
    ] * 10

    def run(text: str) -> list[tuple[str, str]]:
        return [(x.claim.id, x.stance.value) for x in m.check(text, EVERYWHERE).matches]

    serial = [run(t) for t in texts]
    m.invalidate()  # the threads race to rebuild the vocabulary
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(run, texts))
    assert parallel == serial


def test_rank_returns_calibrated_scores_best_first_and_honours_exclude(seeded: Store) -> None:
    m = Matcher(seeded, MatchingSettings())
    ranked = m.rank("Trump asked Zelenskyy whether Ukraine could hit Moscow", EVERYWHERE, k=3)
    assert len(ranked) == 3
    assert ranked[0][0] == "ft-trump-asked-can-you-hit-moscow"
    scores = [r.score for r in ranked]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert ranked[0].answerable
    without = m.rank(
        "Trump asked Zelenskyy whether Ukraine could hit Moscow",
        EVERYWHERE,
        k=3,
        exclude={"ft-trump-asked-can-you-hit-moscow"},
    )
    assert "ft-trump-asked-can-you-hit-moscow" not in [r.claim_id for r in without]


def test_retired_claims_are_never_matched(seeded: Store) -> None:
    m = Matcher(seeded, MatchingSettings())
    text = "Trump ordered Ukraine to bomb Moscow"
    assert [x.claim.id for x in m.check(text, EVERYWHERE).matches] == [
        "trump-ordered-ukraine-to-bomb-moscow"
    ]
    seeded.retire_claim("trump-ordered-ukraine-to-bomb-moscow", "mod", EVERYWHERE)
    ids = [
        x.claim.id for r in m.check(text, EVERYWHERE).results for x in [r.match, *r.related] if x
    ]
    assert "trump-ordered-ukraine-to-bomb-moscow" not in ids


def test_open_flags_are_counted_on_matches(seeded: Store) -> None:
    seeded.add_flag(
        "ft-trump-putin-call-bad", user_id="u1", guild_id=None, reason="the call was fine"
    )
    m = Matcher(seeded, MatchingSettings())
    (match,) = m.check("Trump described his call with Putin as bad", EVERYWHERE).matches
    assert match.claim.id == "ft-trump-putin-call-bad"
    assert match.open_flags == 1


def test_thresholds_come_from_settings(seeded: Store) -> None:
    strict = Matcher(seeded, MatchingSettings(confident_threshold=1.0, related_threshold=1.0))
    result = strict.check("Trump asked Zelenskyy if Ukraine could hit Moscow", EVERYWHERE)
    assert result.matches == []
    assert all(not r.related for r in result.results)


def test_a_model_file_fitted_on_other_features_is_refused_with_the_command_that_refits_it() -> None:
    assert shipped_model(MODEL_FILE, IDENTITY_FEATURES, "x")["features"] == list(IDENTITY_FEATURES)
    with pytest.raises(ConfigError, match=r"identity_model\.json was fitted on other .* refit"):
        shipped_model(MODEL_FILE, (*IDENTITY_FEATURES, "another"), "python -m refit")
