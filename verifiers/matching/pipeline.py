"""The matcher: pasted text in, per-segment matches with calibrated scores and stance out.

Pipeline per segment: normalise → query terms (typos repaired against the index vocabulary,
pruned to the rarest) → BM25 candidates from the store → lexical features → fitted relevance
→ calibrated answer score → confident match / possibly related / nothing.

Thread safety: after construction the only mutable state is the vocabulary snapshot, swapped
atomically under a lock and dropped by `invalidate()`; everything else is per call.
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from dataclasses import dataclass

from verifiers.config import MatchingSettings
from verifiers.errors import InvalidInput
from verifiers.matching.features import Profile, claim_profile, pair_features, profile_normalised
from verifiers.matching.model import answer_score, relevance_logit, rivals
from verifiers.matching.stance import judge_stance
from verifiers.matching.vocab import Vocabulary
from verifiers.models import CheckResult, Claim, Match, SegmentResult, Tier
from verifiers.store.base import Scope, Store
from verifiers.text.normalize import cap, normalize
from verifiers.text.segment import message_query, segment
from verifiers.text.tokens import content_tokens, tokenize

EMPTY_INPUT = "nothing to check: the text is empty"


@dataclass(frozen=True, slots=True)
class Scored:
    """One ranked candidate: the claim, its fitted relevance logit and calibrated score, and
    how many distinct content words the query had."""

    claim: Claim
    logit: float
    score: float
    query_words: int


@dataclass(frozen=True, slots=True)
class _Query:
    profile: Profile
    terms: list[str]
    weight: float


class Matcher:
    """Matches text against the claims a `Scope` can see. Safe to share between threads."""

    def __init__(self, store: Store, settings: MatchingSettings) -> None:
        self._store = store
        self._settings = settings
        self._lock = threading.Lock()
        self._vocab: Vocabulary | None = None

    # -- public API -------------------------------------------------------------------------
    def check(self, text: str, scope: Scope) -> CheckResult:
        """Match every claim-like segment of `text`; chit-chat yields no results."""
        text = self._capped(text)
        results: list[SegmentResult] = []
        best_for_claim: dict[str, tuple[float, int]] = {}
        for seg in segment(text, self._settings.max_segments):
            ranked = self._rank_normalised(normalize(seg), scope, self._settings.candidates)
            result = self._decide(seg, ranked)
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
        return CheckResult(input=text, results=self._with_flag_counts(results, scope))

    def rank(
        self, text: str, scope: Scope, k: int = 5, *, exclude: Collection[str] = ()
    ) -> list[tuple[str, float]]:
        """The top `k` claim ids for the whole text as one query, with calibrated scores.

        `exclude` drops claims before any list-dependent feature or the runner-up margin is
        computed, as if the database did not hold them (used to measure false answers).
        """
        text = self._capped(text)
        query = normalize(message_query(text))
        ranked = self._rank_normalised(query, scope, max(k, self._settings.candidates), exclude)
        return [(s.claim.id, s.score) for s in ranked[:k]]

    def invalidate(self) -> None:
        """Forget the vocabulary snapshot (call after bulk imports; it is rebuilt on next use)."""
        with self._lock:
            self._vocab = None

    def refresh(self) -> None:
        """Load a new vocabulary snapshot and swap it in. Unlike `invalidate`, checks meanwhile
        go on with the old one instead of waiting (up to a second at 1M claims) for the reload."""
        vocab = load_vocabulary(self._store)
        with self._lock:
            self._vocab = vocab

    # -- steps ------------------------------------------------------------------------------
    def _capped(self, text: str) -> str:
        text = cap(text, self._settings.max_input_chars)
        if not text.strip():
            raise InvalidInput(EMPTY_INPUT)
        return text

    def _vocabulary(self) -> Vocabulary:
        vocab = self._vocab
        if vocab is not None:
            return vocab
        with self._lock:
            if self._vocab is None:
                self._vocab = load_vocabulary(self._store)
            return self._vocab

    def _query(self, norm: str, vocab: Vocabulary) -> _Query:
        """Search terms: the query's words plus indexed spellings of the words the index lacks."""
        replace: dict[str, str] = {}
        ranked_terms: list[tuple[int, str]] = []
        seen: set[str] = set()
        unknown = [t for t in dict.fromkeys(content_tokens(norm)) if t not in vocab.df]
        live_df = self._store.document_frequencies(unknown) if unknown else {}
        for term in dict.fromkeys(content_tokens(norm)):
            df = vocab.df.get(term) or live_df.get(term, 0)
            group = [term]
            if df == 0:
                fixes = vocab.corrections(term)
                if fixes:
                    replace[term] = fixes[0]
                    df = vocab.df[fixes[0]]
                group += fixes
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
        self, norm: str, scope: Scope, limit: int, exclude: Collection[str] = ()
    ) -> tuple[list[tuple[Claim, list[float]]], int]:
        """Retrieved claims visible in `scope` with their pair features, in BM25 order, and
        the query's size in distinct content words.

        Public for the model fitting in `verifiers.matching.fit`; `norm` is normalised text.
        """
        vocab = self._vocabulary()
        query = self._query(norm, vocab)
        size = len(query.profile.stem_set)
        if not query.terms:
            return [], size
        excluded = set(exclude)
        hits = self._store.search(query.terms, scope, limit=limit + len(excluded))
        hits = [h for h in hits if h.claim_id not in excluded][:limit]
        if not hits:
            return [], size
        claims = self._store.get_claims([h.claim_id for h in hits])
        best = hits[0].bm25
        out: list[tuple[Claim, list[float]]] = []
        for rank, hit in enumerate(hits):
            claim = claims.get(hit.claim_id)
            if claim is None or claim.retired or not scope.can_see(claim.guild_id):
                continue
            features = pair_features(
                query.profile,
                claim_profile(claim.text),
                claim_profile(claim.summary),
                hit.bm25,
                best,
                rank,
                query.weight,
                vocab,
            )
            out.append((claim, features))
        return out, size

    def _rank_normalised(
        self, norm: str, scope: Scope, limit: int, exclude: Collection[str] = ()
    ) -> list[Scored]:
        candidates, size = self.candidate_features(norm, scope, limit, exclude)
        scored = sorted(
            ((claim, relevance_logit(f)) for claim, f in candidates), key=lambda item: -item[1]
        )
        logits = [logit for _, logit in scored]
        return [
            Scored(claim, logit, answer_score(logit, rivals(logits, i)), size)
            for i, (claim, logit) in enumerate(scored)
        ]

    def _decide(self, seg: str, ranked: list[Scored]) -> SegmentResult:
        s = self._settings
        match: Match | None = None
        related: list[Match] = []
        for i, item in enumerate(ranked):
            # A two-word mention ("Patriot batteries") names a topic rather than stating a
            # claim: it may be offered as related, never answered.
            confident = item.query_words >= s.min_confident_words
            if i == 0 and confident and item.score >= s.confident_threshold:
                stance, reason = judge_stance(seg, item.claim)
                match = Match(
                    claim=item.claim,
                    score=item.score,
                    tier=Tier.CONFIDENT,
                    stance=stance,
                    stance_reason=reason,
                )
            elif item.score >= s.related_threshold and len(related) < s.max_related:
                stance, reason = judge_stance(seg, item.claim)
                related.append(
                    Match(
                        claim=item.claim,
                        score=item.score,
                        tier=Tier.RELATED,
                        stance=stance,
                        stance_reason=reason,
                    )
                )
            else:
                break
        return SegmentResult(segment=seg, match=match, related=related)

    def _with_flag_counts(self, results: list[SegmentResult], scope: Scope) -> list[SegmentResult]:
        ids = {m.claim.id for r in results for m in ([r.match] if r.match else []) + r.related}
        if not ids:
            return results
        counts = self._store.open_flag_counts(ids, scope)
        if not any(counts.values()):
            return results

        def counted(m: Match) -> Match:
            return m.model_copy(update={"open_flags": counts.get(m.claim.id, 0)})

        return [
            r.model_copy(
                update={
                    "match": counted(r.match) if r.match else None,
                    "related": [counted(m) for m in r.related],
                }
            )
            for r in results
        ]


def load_vocabulary(store: Store) -> Vocabulary:
    """The index's terms: from the store's own term list when it has one, else by reading claims."""
    terms = getattr(store, "vocabulary", None)
    if callable(terms):
        return Vocabulary(dict(terms()), store.claim_count_for_search())
    return Vocabulary.from_texts(
        tokenize(normalize(f"{c.text} {c.summary}")) for c in store.iter_claims(Scope.everything())
    )
