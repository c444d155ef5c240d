"""The matcher: pasted text in, per-segment matches with calibrated scores and stance out.

Pipeline per segment: normalise → query terms (typos repaired against the index vocabulary,
pruned to the rarest) → BM25 candidates from the store (semantic matcher: plus the nearest
claims by sentence embedding) → screening on word-set features (semantic matcher: and the
embedding features) keeps the best few → features → fitted relevance → calibrated answer
score → confident match / possibly related / nothing.

Thread safety: after construction the only mutable state is the vocabulary snapshot (and, for
the semantic matcher, the embedding matrix), swapped atomically under a lock and dropped by
`invalidate()`; everything else is per call. The semantic matcher's query encoding takes
10-40 ms of CPU: callers on an event loop run `check` in a worker thread (the bot does).
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from verifiers.config import MatchingSettings
from verifiers.errors import InvalidInput
from verifiers.matching.decision import (
    Scored,
    Tiers,
    decide,
    shown_claim_ids,
    states_the_claim,
    with_flag_counts,
)
from verifiers.matching.features import (
    FEATURES,
    SEMANTIC_FEATURES,
    Profile,
    claim_profile,
    claim_stems,
    profile_normalised,
    screen_weights,
    semantic_features,
)
from verifiers.matching.model import (
    LEXICAL,
    SEMANTIC,
    answer_score,
    duplicate_key,
    rank_candidates,
    relevance_logit,
)
from verifiers.matching.vocab import Vocabulary
from verifiers.models import (
    Candidate,
    CheckResult,
    Claim,
    Scope,
    SegmentResult,
)
from verifiers.store.ports import Store
from verifiers.text.normalize import cap, normalize
from verifiers.text.segment import claim_segments, message_query, segment
from verifiers.text.tokens import ContentWords, content_of, content_tokens

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

    import numpy as np

    from verifiers.matching.rerank import Reranker
    from verifiers.matching.semantic import Encoder, NearestClaims

EMPTY_INPUT = "nothing to check: the text is empty"
# How much of the claim the text states: its words (idf-weighted, near-spellings allowed) and,
# for the semantic matcher, its meaning (cosine with the whole text and with its best sentence).
_COVERAGE = FEATURES.index("fuzzy_claim_coverage")
_COSINES = tuple(len(FEATURES) + SEMANTIC_FEATURES.index(f) for f in ("cosine", "segment_cosine"))

# Two-stage reranking (lexical matcher): every retrieved candidate is screened with the
# features computed from word sets (`bulk.screen_matrix`), and only the best `SCREEN_KEEP` get
# the full features and the fitted model. Chosen on the CheckThat! train split
# (docs/matching.md): fewer lose answers the full ranking gives, more cost time.
SCREEN_KEEP = 15
# The semantic matcher screens too, with the same word-set features plus its embedding
# features (cheap: the vectors are in memory), before the costly lexical ones (profiles,
# rapidfuzz ratios) on the best `SEMANTIC_SCREEN_KEEP` of up to ~100 candidates.
SEMANTIC_SCREEN_KEEP = 20


class RankedClaim(NamedTuple):
    """`Matcher.rank`'s answer: a claim, its calibrated score, and whether the text could be
    answered with it (enough words, enough of the claim stated) given a high enough score."""

    claim_id: str
    score: float
    answerable: bool


@dataclass(frozen=True, slots=True)
class _Query:
    profile: Profile
    terms: list[str]
    weight: float


@dataclass(frozen=True, slots=True)
class DenseQuery:
    """A query's embeddings: the whole query, and each sentence of the message."""

    vector: np.ndarray
    sentences: np.ndarray


def whole_query(text: str) -> str:
    """A whole (capped) message as the one query `Matcher.rank` reads: normalised, a tweet's
    signature reduced to its name and date. Evaluation and fine-tuning read posts the same way."""
    return normalize(message_query(text))


class Matcher:
    """Matches text against the claims a `Scope` can see. Safe to share between threads."""

    def __init__(
        self,
        store: Store,
        settings: MatchingSettings,
        *,
        encoder: Encoder | None = None,
        reranker: Reranker | None = None,
    ) -> None:
        """`encoder`, `reranker`: the semantic matcher's models; by default the process's
        shared ones of the configured files (cross-fitting passes its own). Vectors are stored
        and read under the encoder's own key."""
        self._store = store
        self._settings = settings
        self._own_encoder = encoder
        self._own_reranker = reranker
        self._lock = threading.Lock()
        self._vocab: Vocabulary | None = None
        self.semantic = settings.matcher == "semantic"
        self._adapter: Path | None = None
        self._reranker_file: Path | None = None
        if self.semantic:
            from verifiers.matching.semantic import require_semantic
            from verifiers.model_files import adapter_file, reranker_file

            require_semantic()  # a model passed in stands for its setting's file
            if encoder is None:
                self._adapter = adapter_file(settings.minilm_adapter)
            if reranker is None:
                self._reranker_file = reranker_file(settings.reranker)
        self.reranking = (
            self.semantic
            and settings.rerank_top > 0
            and (settings.rerank_weight > 0 or settings.rerank_order_weight > 0)
            and (reranker is not None or self._reranker_file is not None)
        )
        self._weights = SEMANTIC if self.semantic else LEXICAL
        self._screen_weights = screen_weights(
            self._weights.features,
            self._weights.relevance,
            SEMANTIC_FEATURES if self.semantic else (),
        )
        self._index: NearestClaims | None = None
        self._tiers = Tiers.of(settings, semantic=self.semantic)
        self.confident_threshold = self._tiers.confident
        self.related_threshold = self._tiers.related

    # -- public API -------------------------------------------------------------------------
    def check(self, text: str, scope: Scope) -> CheckResult:
        """Match every claim-like segment of `text`; chit-chat yields no results."""
        if not text.strip():
            raise InvalidInput(EMPTY_INPUT)
        results: list[SegmentResult] = []
        best_for_claim: dict[str, tuple[float, int]] = {}
        segments, skipped = claim_segments(text, self._settings.max_segments)
        dense = self._encode([normalize(seg) for seg in segments]) if self.semantic else None
        for n, seg in enumerate(segments):
            each = None if dense is None else DenseQuery(dense[n], dense[n : n + 1])
            ranked = self._rank_normalised(
                normalize(seg), scope, self._settings.candidates, dense=each, said=seg, shown=True
            )
            result = decide(seg, ranked, self._tiers)
            if result.match is not None:
                claim_id = result.match.claim.id
                previous = best_for_claim.get(claim_id)
                if previous is not None and previous[0] >= result.match.score:
                    result = result.model_copy(update={"match": None})
                elif previous is not None:
                    index = previous[1]
                    results[index] = results[index].model_copy(update={"match": None})
                if result.match is not None:
                    best_for_claim[claim_id] = (result.match.score, len(results))
            results.append(result)
        return CheckResult(
            input=self._capped(text),
            results=self._with_flag_counts(results, scope),
            checked_segments=len(segments),
            skipped_segments=skipped,
        )

    def rank(
        self,
        text: str,
        scope: Scope,
        k: int = 5,
        *,
        exclude: Collection[str] = (),
        dense: DenseQuery | None = None,
    ) -> list[RankedClaim]:
        """The top `k` claims for the whole text as one query, with calibrated scores.

        `exclude` drops claims before any list-dependent feature or the runner-up margin is
        computed, as if the database did not hold them (used to measure false answers).
        `dense` passes embeddings already computed by `dense_query` for this text (the
        semantic matcher encodes it otherwise). The lexical matcher ranks only the
        `SCREEN_KEEP` candidates that screening keeps, so it returns at most that many.
        """
        text = self._capped(text)
        query = whole_query(text)
        if dense is None:
            dense = self.dense_query(text, query)
        ranked = self._rank_normalised(
            query, scope, max(k, self._settings.candidates), exclude, dense=dense, said=text
        )
        return [
            RankedClaim(
                s.claim.id,
                s.score,
                s.answerable
                and states_the_claim(text, s, self._tiers, self._settings.max_segments),
            )
            for s in ranked[:k]
        ]

    def dense_query(self, text: str, query: str) -> DenseQuery | None:
        """The embeddings `rank` uses for a message (None for the lexical matcher): the whole
        normalised query and each of its claim-like sentences."""
        if not self.semantic:
            return None
        sentences = [normalize(seg) for seg in segment(text, self._settings.max_segments)]
        vectors = self._encode([query, *sentences])
        return DenseQuery(vectors[0], vectors[1:] if sentences else vectors[:1])

    def search_terms(self, norm: str) -> list[str]:
        """The terms the search is given for normalised text `norm` (typos repaired, rarest
        first); public for the benchmarks that compare searches."""
        return self._query(norm, self._vocabulary()).terms

    def invalidate(self) -> None:
        """Forget the vocabulary snapshot (and embedding matrix) after claims changed; they
        are rebuilt on next use."""
        with self._lock:
            self._vocab = None
            self._index = None

    def refresh(self) -> None:
        """Load a new vocabulary snapshot (and a new embedding matrix, if the semantic matcher
        has one) and swap them in. Unlike `invalidate`, checks meanwhile go on with the old
        ones instead of waiting for the reload (up to a second at 1M claims)."""
        vocab = load_vocabulary(self._store)
        index = self._load_dense_index() if self._index is not None else None
        with self._lock:
            self._vocab = vocab
            if index is not None:
                self._index = index

    # -- steps ------------------------------------------------------------------------------
    def _capped(self, text: str) -> str:
        text = cap(text, self._settings.max_input_chars)
        if not text.strip():
            raise InvalidInput(EMPTY_INPUT)
        return text

    def _encoder(self) -> Encoder:
        from verifiers.matching.semantic import shared_encoder

        return self._own_encoder or shared_encoder(self._adapter)

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        return self._encoder().encode(texts)

    def _dense_index(self) -> NearestClaims:
        index = self._index
        if index is not None:
            return index
        with self._lock:
            if self._index is None:
                self._index = self._load_dense_index()
            return self._index

    def _load_dense_index(self) -> NearestClaims:
        from verifiers.matching.semantic import embed_missing_few, nearest_claims

        encoder = self._encoder()
        embed_missing_few(self._store, encoder)
        return nearest_claims(self._store, encoder.key, self._settings.approximate_from)

    def _vocabulary(self) -> Vocabulary:
        vocab = self._vocab
        if vocab is not None:
            return vocab
        with self._lock:
            if self._vocab is None:
                self._vocab = load_vocabulary(self._store)
            return self._vocab

    def _query(self, norm: str, vocab: Vocabulary) -> _Query:
        """Search terms: the query's words plus, for a word the index lacks, its indexed
        spellings or the two indexed words it is glued from."""
        replace: dict[str, str] = {}
        ranked_terms: list[tuple[int, str]] = []
        seen: set[str] = set()
        unknown = [t for t in dict.fromkeys(content_tokens(norm)) if t not in vocab.df]
        live_df = self._store.document_frequencies(unknown) if unknown else {}
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
        terms = [t for _, t in ranked_terms[: self._settings.max_query_terms]]
        profile = profile_normalised(norm, replace)
        weight = sum(vocab.stem_idf(s) for s in profile.stem_set)
        return _Query(profile=profile, terms=terms, weight=weight)

    def candidate_features(
        self,
        norm: str,
        scope: Scope,
        limit: int,
        exclude: Collection[str] = (),
        *,
        dense: DenseQuery | None = None,
        screen: int | None = None,
    ) -> tuple[list[tuple[Claim, list[float]]], int]:
        """Retrieved claims visible in `scope` with their pair features (BM25 hits first, in
        BM25 order, then the semantic matcher's nearest claims), and the query's size in
        distinct content words. With `screen`, only that many candidates, the best by
        `bulk.screen_matrix` (semantic: and the embedding features), are kept, in the same order,
        and given the full features; the lexical matcher loads only those.

        Public for the model fitting in `verifiers.training.fit`; `norm` is normalised text.
        """
        import numpy as np  # with the bulk features, loaded on the first check (bulk.py)

        from verifiers.matching.bulk import feature_matrix, weighted_sums

        vocab = self._vocabulary()
        query = self._query(norm, vocab)
        size = len(query.profile.stem_set)
        excluded = set(exclude)
        hits = []
        if query.terms:
            hits = self._store.search(query.terms, scope, limit=limit + len(excluded))
            hits = [h for h in hits if h.claim_id not in excluded][:limit]
        bm25 = {h.claim_id: (rank, h.bm25) for rank, h in enumerate(hits)}
        best = hits[0].bm25 if hits else 0.0
        ids = list(bm25)
        screened: dict[str, np.ndarray] = {}
        if dense is not None:
            index = self._dense_index()
            near = index.top(dense.vector, self._settings.semantic_candidates, scope, excluded)
            ids = list(dict.fromkeys(ids + near))
        elif screen is not None and len(hits) > screen:
            screened = self._screened(query, hits, best, vocab, screen)
            ids = list(screened)
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
        if screened:  # the kept hits' screening rows, computed on the same texts
            rows = np.array([screened[claim.id] for claim in visible])
        else:
            figures = [bm25.get(claim.id, (limit, 0.0)) for claim in visible]
            rows = self._screen_rows(
                query,
                [_stems(claim.text, known) for claim in visible],
                [_stems(claim.summary, known) for claim in visible],
                figures,
                best,
                vocab,
            )
        extra = np.zeros((len(visible), 0))
        if dense is not None:
            extra = np.array(self._semantic_features(visible, dense, bm25))
            if screen is not None and len(visible) > screen:
                # The word-set features, as the lexical matcher screens, and these.
                scores = weighted_sums(np.hstack((rows, extra)), self._screen_weights)
                kept = self._best(scores.tolist(), screen)
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

    def _screened(
        self,
        query: _Query,
        hits: list[Candidate],
        best: float,
        vocab: Vocabulary,
        keep: int,
    ) -> dict[str, np.ndarray]:
        """The `keep` hits with the best screening score (the fitted relevance of their
        word-set features alone, see SCREEN_KEEP), in BM25 order, with their screening rows."""
        from verifiers.matching.bulk import weighted_sums

        figures = [(rank, hit.bm25) for rank, hit in enumerate(hits)]
        rows = self._screen_rows(
            query,
            [hit.text_stems for hit in hits],
            [hit.summary_stems for hit in hits],
            figures,
            best,
            vocab,
        )
        scores = weighted_sums(rows, self._screen_weights)
        return {hits[i].claim_id: rows[i] for i in self._best(scores.tolist(), keep)}

    @staticmethod
    def _screen_rows(
        query: _Query,
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

    @staticmethod
    def _best(scores: list[float], keep: int) -> list[int]:
        """Positions of the `keep` best scores, in their original order."""
        return sorted(sorted(range(len(scores)), key=lambda i: -scores[i])[:keep])

    def _semantic_features(
        self, claims: list[Claim], dense: DenseQuery, bm25: dict[str, tuple[int, float]]
    ) -> list[list[float]]:
        """SEMANTIC_FEATURES of each claim, relative to all of them (gaps, cosine rank)."""
        from verifiers.matching.semantic import claim_vectors

        vectors = claim_vectors(self._dense_index(), self._store, self._encoder(), claims)
        # A claim vector is the sum of two unit vectors: halve the dot products to cosines.
        cosines = (vectors @ dense.vector / 2.0).tolist()
        sentences = (vectors @ dense.sentences.T).max(axis=1) / 2.0
        return semantic_features(cosines, sentences.tolist(), [c.id in bm25 for c in claims])

    def _rank_normalised(
        self,
        norm: str,
        scope: Scope,
        limit: int,
        exclude: Collection[str] = (),
        *,
        dense: DenseQuery | None = None,
        said: str = "",
        shown: bool = False,
    ) -> list[Scored]:
        """`said`: the text as written (the reranker reads it: case, links and signatures
        help it, measured on CheckThat! dev), `norm` its normalised form. `shown`: only what
        reaches the related tier matters (`check`), so a segment too far below it is not
        reranked."""
        screen = SEMANTIC_SCREEN_KEEP if self.semantic else SCREEN_KEEP
        candidates, size = self.candidate_features(
            norm, scope, limit, exclude, dense=dense, screen=screen
        )
        logits = [relevance_logit(f, self._weights) for _, f in candidates]
        keys = [duplicate_key(claim.text) for claim, _ in candidates]
        floor = self._weights.rival_floor
        s = self._settings
        order = logits
        if self.reranking and (not shown or self._worth_reranking(logits, keys)):
            from verifiers.matching.rerank import with_rerank_scores

            claims = [claim for claim, _ in candidates]
            scores = self._scores_of_best(said or norm, claims, logits, keys)
            # The answer score reads the lightly reranked logits, the order the heavier ones
            # (docs/matching.md, "Reranking": each weight is the better one for its use).
            order = with_rerank_scores(logits, scores, s.rerank_order_weight)
            logits = with_rerank_scores(logits, scores, s.rerank_weight)
        answers = {r.index: r for r in rank_candidates(logits, keys, floor)}
        ordered = rank_candidates(order, keys, floor) if order is not logits else answers.values()
        return [
            Scored(
                candidates[r.index][0],
                answers[r.index].logit,
                answer_score(answers[r.index].logit, answers[r.index].rivals, self._weights),
                # A two-word mention ("Patriot batteries") names a topic rather than stating a
                # claim, and a text that states too little of a claim only shares its topic.
                # The calibrated score cannot see either when a small database holds no rival.
                size >= s.min_confident_words and self._states_enough(candidates[r.index][1]),
            )
            for r in ordered
        ]

    def _worth_reranking(self, logits: list[float], keys: list[str]) -> bool:
        """Whether the best candidate's answer score before reranking reaches `rerank_from`.
        Below it the cross-encoder (~15 ms a pair) cannot lift a claim to the related tier
        (CheckThat! 2020 train, docs/matching.md), so chatter skips it; a ranked list (`rank`)
        is always reranked, since its order below the tiers is seen there."""
        if not logits:
            return False
        top = rank_candidates(logits, keys, self._weights.rival_floor)[0]
        return answer_score(top.logit, top.rivals, self._weights) >= self._settings.rerank_from

    def rerank_scores(
        self, said: str, candidates: Sequence[tuple[Claim, list[float]]]
    ) -> dict[int, float]:
        """The cross-encoder's score of each candidate it reads (by position in
        `candidates`, as `candidate_features` gives them). Fitting the answer model on
        reranked logits records these (`verifiers.evaluation.runner.collect`)."""
        logits = [relevance_logit(f, self._weights) for _, f in candidates]
        keys = [duplicate_key(claim.text) for claim, _ in candidates]
        return self._scores_of_best(said, [c for c, _ in candidates], logits, keys)

    def _scores_of_best(
        self, said: str, claims: list[Claim], logits: list[float], keys: list[str]
    ) -> dict[int, float]:
        from verifiers.matching.rerank import passage, reranked_positions, shared_reranker

        reranker = self._own_reranker
        if reranker is None:
            assert self._reranker_file is not None  # `reranking` is only set with one
            reranker = shared_reranker(self._reranker_file)
        chosen = reranked_positions(logits, keys, self._settings.rerank_top)
        read = [passage(claims[i].text, claims[i].summary) for i in chosen]
        return dict(zip(chosen, reranker.scores(said, read), strict=True))

    def _states_enough(self, features: list[float]) -> bool:
        """Whether the text says enough of the claim to be answered with it: enough of its
        words or, for the semantic matcher, the same meaning in other words."""
        s = self._settings
        if features[_COVERAGE] >= s.min_claim_coverage:
            return True
        return self.semantic and max(features[i] for i in _COSINES) >= s.min_claim_cosine

    def _with_flag_counts(self, results: list[SegmentResult], scope: Scope) -> list[SegmentResult]:
        ids = shown_claim_ids(results)
        return (
            with_flag_counts(results, self._store.open_flag_counts(ids, scope)) if ids else results
        )


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


def load_vocabulary(store: Store) -> Vocabulary:
    """The index's terms with their document counts, as the store's full-text index holds them."""
    return Vocabulary(dict(store.vocabulary()), store.claim_count_for_search())
