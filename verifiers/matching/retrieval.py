"""Retrieval: the search query, the candidate claims, their screening and pair features.

The query's typos are repaired against the vocabulary snapshot; candidates come from the
store's search and, for the semantic matcher, the signals' nearest claims.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from verifiers.domain.models import Candidate, Claim, Scope
from verifiers.domain.settings import MatchingSettings
from verifiers.matching.features import (
    Profile,
    claim_profile,
    claim_stems,
    profile_normalised,
    screen_weights,
)
from verifiers.matching.signals import DenseQuery, Signals
from verifiers.matching.vocab import Vocabulary
from verifiers.store.ports import Store
from verifiers.text.tokens import ContentWords, content_of, content_tokens

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np


@dataclass(frozen=True, slots=True)
class Query:
    """A text's search: its profile, its terms (rarest first), and its idf weight."""

    profile: Profile
    terms: list[str]
    weight: float


def load_vocabulary(store: Store) -> Vocabulary:
    """The index's terms with their document counts, as the store's full-text index holds them."""
    return Vocabulary(dict(store.vocabulary()), store.claim_count_for_search())


class VocabularySnapshot:
    """The store's vocabulary, loaded on first use and swapped atomically under a lock."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._vocab: Vocabulary | None = None

    def get(self) -> Vocabulary:
        """The current snapshot, loaded if there is none."""
        vocab = self._vocab
        if vocab is not None:
            return vocab
        with self._lock:
            if self._vocab is None:
                self._vocab = load_vocabulary(self._store)
            return self._vocab

    def invalidate(self) -> None:
        """Drop the snapshot; the next use reloads it."""
        with self._lock:
            self._vocab = None

    def refresh(self) -> None:
        """Load a new snapshot, then swap it in: uses meanwhile go on with the old one."""
        vocab = load_vocabulary(self._store)
        with self._lock:
            self._vocab = vocab


def search_query(norm: str, vocab: Vocabulary, store: Store, max_terms: int) -> Query:
    """Search terms: the query's words plus, for a word the index lacks, its indexed
    spellings or the two indexed words it is glued from."""
    replace: dict[str, str] = {}
    ranked_terms: list[tuple[int, str]] = []
    seen: set[str] = set()
    unknown = [t for t in dict.fromkeys(content_tokens(norm)) if t not in vocab.df]
    live_df = store.document_frequencies(unknown) if unknown else {}
    for term in dict.fromkeys(content_tokens(norm)):
        df = vocab.df.get(term) or live_df.get(term, 0)
        group = [term]
        if df == 0:
            if fixes := vocab.corrections(term):
                replace[term] = fixes[0]
                df = vocab.df[fixes[0]]
                group += fixes
            elif parts := vocab.split_compound(term):
                replace[term] = " ".join(parts)
                df = min(vocab.df[part] for part in parts)
                group += parts
        # One other inflection ("weapon" for "weapons"): the index does not stem.
        group += vocab.variants(replace.get(term, term))[:1]
        for t in group:
            if t not in seen:
                seen.add(t)
                ranked_terms.append((df, t))
    ranked_terms.sort(key=lambda item: item[0])
    terms = [t for _, t in ranked_terms[:max_terms]]
    profile = profile_normalised(norm, replace)
    weight = sum(vocab.stem_idf(s) for s in profile.stem_set)
    return Query(profile=profile, terms=terms, weight=weight)


class Retriever:
    """Finds a text's candidate claims and computes their pair features."""

    def __init__(
        self,
        store: Store,
        settings: MatchingSettings,
        vocabulary: VocabularySnapshot,
        signals: Signals,
    ) -> None:
        self._store = store
        self._settings = settings
        self._vocabulary = vocabulary
        self._signals = signals
        weights = signals.weights
        self._screen_weights = screen_weights(
            weights.features, weights.relevance, signals.extra_features
        )

    def query(self, norm: str, vocab: Vocabulary | None = None) -> Query:
        """The search for normalised text `norm` (against `vocab`, by default the snapshot)."""
        vocab = self._vocabulary.get() if vocab is None else vocab
        return search_query(norm, vocab, self._store, self._settings.max_query_terms)

    def candidates(
        self,
        norm: str,
        scope: Scope,
        limit: int,
        exclude: Collection[str] = (),
        *,
        dense: DenseQuery | None = None,
        screen: int | None = None,
    ) -> tuple[list[tuple[Claim, list[float]]], int]:
        """See `Matcher.candidate_features`."""
        import numpy as np  # with the bulk features, loaded on the first check (bulk.py)

        from verifiers.matching.bulk import feature_matrix, weighted_sums

        vocab = self._vocabulary.get()
        query = self.query(norm, vocab)
        size = len(query.profile.stem_set)
        excluded = set(exclude)
        hits = []
        if query.terms:
            hits = self._store.search(query.terms, scope, limit=limit + len(excluded))
            hits = [h for h in hits if h.claim_id not in excluded][:limit]
        bm25 = {h.claim_id: (rank, h.bm25) for rank, h in enumerate(hits)}
        best = hits[0].bm25 if hits else 0.0
        ids = list(bm25)
        kept_rows: dict[str, np.ndarray] = {}
        if dense is not None:
            near = self._signals.nearest(dense, scope, excluded)
            ids = list(dict.fromkeys(ids + near))
        elif screen is not None and len(hits) > screen:
            kept_rows = screened(query, hits, best, vocab, screen, self._screen_weights)
            ids = list(kept_rows)
        if not ids:
            return [], size
        claims = self._store.get_claims(ids)
        visible = [  # the search saw them live and visible; a moderator may just have retired one
            claim
            for claim_id in ids
            if (claim := claims.get(claim_id)) is not None
            and not claim.retired
            and scope.can_see(claim.guild_id)
        ]
        if not visible:
            return [], size
        known = _indexed_words(visible, hits)
        if kept_rows:  # the kept hits' screening rows, computed on the same texts
            rows = np.array([kept_rows[claim.id] for claim in visible])
        else:
            figures = [bm25.get(claim.id, (limit, 0.0)) for claim in visible]
            rows = screen_rows(
                query,
                [_stems(claim.text, known) for claim in visible],
                [_stems(claim.summary, known) for claim in visible],
                figures,
                best,
                vocab,
            )
        extra = np.zeros((len(visible), 0))
        if dense is not None:
            extra = np.array(self._signals.features(visible, dense, bm25))
            if screen is not None and len(visible) > screen:
                # The word-set features, as the lexical matcher screens, and these.
                scores = weighted_sums(np.hstack((rows, extra)), self._screen_weights)
                kept = best_positions(scores.tolist(), screen)
                visible, rows, extra = [visible[i] for i in kept], rows[kept], extra[kept]
        full = feature_matrix(
            query.profile,
            [claim_profile(claim.text, known.get(claim.text)) for claim in visible],
            [claim_profile(claim.summary, known.get(claim.summary)) for claim in visible],
            rows,
            vocab,
        )
        features = np.hstack((full, extra)).tolist()
        return list(zip(visible, features, strict=True)), size


def screened(
    query: Query,
    hits: list[Candidate],
    best: float,
    vocab: Vocabulary,
    keep: int,
    weights: Sequence[float],
) -> dict[str, np.ndarray]:
    """The `keep` hits with the best screening score (the fitted relevance of their
    word-set features alone, see `signals.SCREEN_KEEP`), in BM25 order, with their screening
    rows."""
    from verifiers.matching.bulk import weighted_sums

    figures = [(rank, hit.bm25) for rank, hit in enumerate(hits)]
    rows = screen_rows(
        query,
        [hit.text_stems for hit in hits],
        [hit.summary_stems for hit in hits],
        figures,
        best,
        vocab,
    )
    scores = weighted_sums(rows, weights)
    return {hits[i].claim_id: rows[i] for i in best_positions(scores.tolist(), keep)}


def screen_rows(
    query: Query,
    texts: Sequence[Sequence[str]],
    summaries: Sequence[Sequence[str]],
    figures: Sequence[tuple[int, float]],
    best: float,
    vocab: Vocabulary,
) -> np.ndarray:
    """SCREEN_FEATURES of each claim, from the stems of its text and summary, given its
    BM25 rank and score."""
    from verifiers.matching.bulk import Retrieved, screen_matrix

    return screen_matrix(
        query.profile,
        query.weight,
        texts,
        summaries,
        Retrieved([score for _, score in figures], [rank for rank, _ in figures], best),
        vocab,
    )


def best_positions(scores: list[float], keep: int) -> list[int]:
    """Positions of the `keep` best scores, in their original order."""
    return sorted(sorted(range(len(scores)), key=lambda i: -scores[i])[:keep])


def _indexed_words(claims: list[Claim], hits: list[Candidate]) -> dict[str, ContentWords]:
    """The content words of the claims' texts and summaries as their search hits carry them,
    by text: only where the database still holds the text as indexed."""
    by_id = {hit.claim_id: hit for hit in hits}
    known: dict[str, ContentWords] = {}
    for claim in claims:
        hit = by_id.get(claim.id)
        if hit is not None:
            if hit.text == claim.text:
                known[claim.text] = _words(hit.text_tokens, hit.text_stems)
            if hit.summary == claim.summary:
                known[claim.summary] = _words(hit.summary_tokens, hit.summary_stems)
    return known


def _words(tokens: Sequence[str], stems: Sequence[str]) -> ContentWords:
    """A text's content words, from all its tokens and the stems of its content tokens."""
    return ContentWords(tuple(content_of(tokens)), tuple(stems))


def _stems(text: str, known: dict[str, ContentWords]) -> tuple[str, ...]:
    """A claim text's stems: as the search index gave them, else from the cache."""
    words = known.get(text)
    return claim_stems(text) if words is None else words.stems
