"""Two-stage lexical reranking: screening keeps what the full ranking would answer with."""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Iterator

import pytest

from tests.paths import DATA
from verifiers.domain.models import Claim, Scope
from verifiers.domain.settings import MatchingSettings
from verifiers.evaluation.data import LabelledSet, load_set
from verifiers.evaluation.runner import loaded_store
from verifiers.matching import signals
from verifiers.matching.bulk import Retrieved, feature_matrix, screen_matrix
from verifiers.matching.features import FEATURES, SCREEN_FEATURES, claim_profile, claim_stems
from verifiers.matching.pipeline import Matcher
from verifiers.matching.retrieval import Query, VocabularySnapshot, search_query
from verifiers.matching.vocab import Vocabulary
from verifiers.store import Store
from verifiers.text.normalize import normalize
from verifiers.text.segment import message_query

SLICE = DATA / "checkthat2020-dev-slice"
EVERYWHERE = Scope.everything()
QUERIES = 40


@pytest.fixture(scope="module")
def dev_slice(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, LabelledSet]]:
    """The real CheckThat! dev slice: 120 tweets against all 10,375 claims."""
    claims = tmp_path_factory.mktemp("screening") / "verified_claims.docs.tsv"
    with gzip.open(SLICE / "verified_claims.docs.tsv.gz", "rb") as src, claims.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    labelled = load_set(claims, SLICE / "tweets.queries.tsv", SLICE / "tweet-vclaim-pairs.qrels")
    with loaded_store(labelled) as (store, _):
        yield store, labelled


def test_screening_gives_the_full_rankings_answers(
    dev_slice: tuple[Store, LabelledSet], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, labelled = dev_slice
    m = Matcher(store, MatchingSettings())
    queries = list(labelled.queries.values())[:QUERIES]
    screened = [m.rank(q, EVERYWHERE, 3) for q in queries]
    monkeypatch.setattr(signals, "SCREEN_KEEP", 10**6)  # every candidate gets every feature
    full = [m.rank(q, EVERYWHERE, 3) for q in queries]
    # The same best claim for every query, and the same answer decision. Its calibrated score
    # is the same too unless a rival it is measured against was screened out (3 of these 40:
    # a score a little higher, never across the threshold).
    assert [r[0][0] for r in screened] == [r[0][0] for r in full]
    threshold = m.confident_threshold
    assert [r[0][1] >= threshold for r in screened] == [r[0][1] >= threshold for r in full]
    pairs = zip(screened, full, strict=True)
    same = sum(a[0][1] == pytest.approx(b[0][1], abs=1e-9) for a, b in pairs)
    assert same >= 0.9 * len(queries)
    assert all(len(r) == 3 for r in screened)


def test_screening_keeps_a_few_of_many_candidates(dev_slice: tuple[Store, LabelledSet]) -> None:
    store, labelled = dev_slice
    m = Matcher(store, MatchingSettings())
    norm = normalize(message_query(next(iter(labelled.queries.values()))))
    everything, _ = m.candidate_features(norm, EVERYWHERE, 50)
    kept, _ = m.candidate_features(norm, EVERYWHERE, 50, screen=signals.SCREEN_KEEP)
    assert len(everything) == 50
    assert len(kept) == signals.SCREEN_KEEP
    # Kept candidates keep their retrieval order and their full features.
    order = [claim.id for claim, _ in everything]
    assert [claim.id for claim, _ in kept] == [i for i in order if i in {c.id for c, _ in kept}]
    by_id = {claim.id: features for claim, features in everything}
    assert all(features == by_id[claim.id] for claim, features in kept)


def test_a_candidates_features_do_not_depend_on_the_others_in_its_batch(
    dev_slice: tuple[Store, LabelledSet],
) -> None:
    """Features are computed for all candidates at once; each row is what that candidate
    alone would get."""
    store, labelled = dev_slice
    m = Matcher(store, MatchingSettings())
    vocab = VocabularySnapshot(store).get()
    for text in list(labelled.queries.values())[:5]:
        norm = normalize(message_query(text))
        query = search_query(norm, vocab, store, MatchingSettings().max_query_terms)
        claims = [claim for claim, _ in m.candidate_features(norm, EVERYWHERE, 50)[0]]
        retrieved = Retrieved([3.0] * len(claims), list(range(len(claims))), 9.0)
        together = _features(query, claims, retrieved, vocab)
        for n, claim in enumerate(claims):
            alone = _features(query, [claim], Retrieved([3.0], [n], 9.0), vocab)
            assert alone[0] == pytest.approx(together[n], abs=1e-12)


def _features(query: Query, claims: list[Claim], retrieved: Retrieved, vocab: Vocabulary):
    screened = screen_matrix(
        query.profile,
        query.weight,
        [claim_stems(c.text) for c in claims],
        [claim_stems(c.summary) for c in claims],
        retrieved,
        vocab,
    )
    profiles = [claim_profile(c.text) for c in claims], [claim_profile(c.summary) for c in claims]
    full = feature_matrix(query.profile, *profiles, screened, vocab)
    assert full[:, [FEATURES.index(name) for name in SCREEN_FEATURES]].tolist() == screened.tolist()
    return full.tolist()
