"""Run the matcher over a labelled set, against a fresh SQLite store holding its claims.

False answers are measured without rebuilding the database per query: `Matcher.rank` is
given the query's relevant claims as `exclude`, which drops them from the retrieved
candidates before any list-dependent feature (BM25 relative to the best, rank, runner-up
margin) is computed. The one difference from a database that truly lacks them is the BM25
corpus statistics (claim count and document frequencies differ by one claim per withheld
claim), which move scores by well under a percent on 10,000 claims.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from verifiers.domain.errors import InvalidInput
from verifiers.domain.model_files import adapter_file
from verifiers.domain.models import MAX_CLAIM_CHARS, Claim, ClaimFields, Scope
from verifiers.domain.settings import MatchingSettings
from verifiers.evaluation.data import ClaimRow, LabelledSet, load_split
from verifiers.evaluation.embedding_cache import embed_store
from verifiers.evaluation.metrics import (
    AnswerDecision,
    QueryOutcome,
    Report,
    answer_decision,
    summarise,
)
from verifiers.matching.model import duplicate_key
from verifiers.matching.pipeline import Matcher, RankedClaim, whole_query
from verifiers.matching.rerank import Reranker
from verifiers.matching.semantic import Encoder, require_semantic, shared_encoder
from verifiers.store import Store, open_store
from verifiers.text.normalize import cap

SUMMARY_CHARS = 1_000
Progress = Callable[[int, int], None]


Vector = list[float]


@dataclass(frozen=True, slots=True)
class Group:
    """One query's candidates: feature rows, which are relevant, each one's duplicate key
    (identical claims share one; empty means every row is a different claim) and, when
    collected with a cross-encoder, its scores of the candidates it read (by row)."""

    rows: list[Vector]
    relevant: list[bool]
    keys: list[str] | None = None
    rerank: dict[int, float] | None = None


def stored_fields(row: ClaimRow) -> ClaimFields:
    """A benchmark claim as the evaluation stores it: its title is the summary."""
    return ClaimFields(
        text=row.text[:MAX_CLAIM_CHARS], summary=row.title[:SUMMARY_CHARS], external_id=row.id
    )


@contextmanager
def loaded_store(labelled: LabelledSet) -> Iterator[tuple[Store, dict[str, str]]]:
    """A temporary store holding the set's claims (title → summary), and benchmark → store ids."""
    with tempfile.TemporaryDirectory(prefix="claimbot-eval-") as tmp:
        store = open_store(str(Path(tmp) / "eval.db"), seed=False)
        try:
            added = store.add_claims(
                (stored_fields(row) for row in labelled.claims.values()), actor="eval"
            )
            yield store, {c.external_id or "": c.id for c in added}
        finally:
            store.close()


def make_matcher(
    store: Store,
    settings: MatchingSettings,
    kind: str,
    *,
    cache: Path | None = None,
    embed_progress: Progress | None = None,
    encoder: Encoder | None = None,
    reranker: Reranker | None = None,
) -> Matcher:
    """A matcher of `kind` over `store`; the semantic one first embeds every claim with
    `encoder` (by default the shared one of the configured adapter), from `cache` where it
    can: a file of that encoder's vectors. `reranker` replaces the configured cross-encoder."""
    if kind not in ("lexical", "semantic"):
        raise InvalidInput(f"unknown matcher {kind!r}: use lexical or semantic")
    if kind == "lexical":
        return Matcher(store, settings.model_copy(update={"matcher": kind}))
    encoder = encoder or shared_encoder(adapter_file(settings.minilm_adapter))
    matcher = Matcher(
        store, settings.model_copy(update={"matcher": kind}), encoder=encoder, reranker=reranker
    )
    embed_store(store, encoder, cache, embed_progress)
    matcher.invalidate()
    return matcher


def threshold_for(settings: MatchingSettings, kind: str) -> float:
    return (
        settings.confident_threshold_semantic
        if kind == "semantic"
        else (settings.confident_threshold)
    )


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The report at the configured threshold, the answer decision at each swept one, and
    each query's outcome (the set's own claim ids)."""

    report: Report
    sweep: tuple[AnswerDecision, ...]
    outcomes: tuple[QueryOutcome, ...] = ()


def evaluate(
    labelled: LabelledSet,
    settings: MatchingSettings,
    *,
    matcher: str = "lexical",
    sweep: Sequence[float] = (),
    progress: Progress | None = None,
    cache: Path | None = None,
    embed_progress: Progress | None = None,
    reranker: Reranker | None = None,
) -> Evaluation:
    """Ranking measures and answer-decision figures for every labelled query, and the answer
    decision at each threshold in `sweep` (from the same run: the rankings do not depend on
    the threshold)."""
    outcomes, timings = run_queries(
        labelled,
        settings,
        matcher=matcher,
        progress=progress,
        cache=cache,
        embed_progress=embed_progress,
        reranker=reranker,
    )
    return Evaluation(
        summarise(outcomes, threshold_for(settings, matcher), timings),
        tuple(answer_decision(outcomes, t) for t in sorted(set(sweep))),
        tuple(outcomes),
    )


def run_queries(
    labelled: LabelledSet,
    settings: MatchingSettings,
    *,
    matcher: str = "lexical",
    progress: Progress | None = None,
    cache: Path | None = None,
    embed_progress: Progress | None = None,
    encoder: Encoder | None = None,
    reranker: Reranker | None = None,
) -> tuple[list[QueryOutcome], list[float]]:
    """Each query's outcome, and the milliseconds each `rank` call took on the full database
    (`cache`, `encoder`, `reranker`: see `make_matcher`)."""
    if matcher == "semantic":  # before the (slow) load, so the user hears at once
        require_semantic()
    outcomes: list[QueryOutcome] = []
    timings: list[float] = []
    scope = Scope.everything()
    duplicates = labelled.duplicates()
    with loaded_store(labelled) as (store, ids):
        named = {stored: own for own, stored in ids.items()}  # outcomes speak the set's ids
        m = make_matcher(
            store,
            settings,
            matcher,
            cache=cache,
            embed_progress=embed_progress,
            encoder=encoder,
            reranker=reranker,
        )
        m.rank("warm up the vocabulary", scope, 1)
        total = len(labelled.qrels)
        for n, (query_id, relevant_ids) in enumerate(labelled.qrels.items(), 1):
            text = labelled.queries[query_id]
            relevant = frozenset(ids[c] for c in relevant_ids)
            if not text.strip():
                outcomes.append(QueryOutcome(query_id, (), 0.0, 0.0, 0.0, relevant_ids))
                continue
            start = time.perf_counter()
            dense = None
            if m.semantic:  # encoded once for the three rankings below
                capped = cap(text, settings.max_input_chars)
                dense = m.dense_query(capped, whole_query(capped))
            ranked = m.rank(text, scope, settings.candidates, dense=dense)
            timings.append(1000 * (time.perf_counter() - start))
            hidden = _withheld(relevant_ids, duplicates, ids)
            strict = m.rank(text, scope, 1, exclude=relevant, dense=dense)
            withheld = m.rank(text, scope, 1, exclude=hidden, dense=dense)
            outcomes.append(
                QueryOutcome(
                    query_id,
                    tuple(named[r.claim_id] for r in ranked),
                    _top(ranked),
                    _top(withheld),
                    _top(strict),
                    relevant_ids,
                    tuple(r.score for r in ranked),
                )
            )
            if progress is not None:
                progress(n, total)
    return outcomes, timings


def _top(ranked: list[RankedClaim]) -> float:
    """The score the answer decision sees: none when the text could not be answered with
    the top claim whatever its score (too short, or stating too little of it)."""
    return ranked[0].score if ranked and ranked[0].answerable else 0.0


def _withheld(
    relevant_ids: frozenset[str], duplicates: dict[str, frozenset[str]], ids: dict[str, str]
) -> frozenset[str]:
    """Store ids of the relevant claims and of their exact duplicates."""
    bench = set(relevant_ids)
    for claim_id in relevant_ids:
        bench |= duplicates.get(claim_id, frozenset())
    return frozenset(ids[c] for c in bench)


def _group(
    rows: list[tuple[Claim, list[float]]],
    relevant: frozenset[str],
    rerank: dict[int, float] | None = None,
) -> Group:
    return Group(
        [f for _, f in rows],
        [c.id in relevant for c, _ in rows],
        [duplicate_key(c.text) for c, _ in rows],
        rerank,
    )


@dataclass(frozen=True, slots=True)
class Collected:
    """Candidate features per query for fitting, with the relevant claims present and withheld
    (withheld: the relevant claims and their exact duplicates)."""

    messages: list[Group]
    messages_withheld: list[Group]


def collect_groups(
    data_dir: Path,
    split: str,
    limit: int | None = None,
    matcher: str = "lexical",
    cache: Path | None = None,
) -> Collected:
    return collect(load_split(data_dir, split).limited(limit), matcher, cache)


def collect(
    labelled: LabelledSet,
    matcher: str = "lexical",
    cache: Path | None = None,
    encoder: Encoder | None = None,
    reranker: Reranker | None = None,
) -> Collected:
    """Every labelled query's candidate features, by a matcher of kind `matcher` (see
    `make_matcher` for `cache` and `encoder`). With a `reranker`, each query also records
    its scores of the candidates the semantic matcher would rerank (`Matcher.rerank_scores`),
    so that the answer model can be fitted on reranked logits."""
    settings = MatchingSettings()
    scope = Scope.everything()
    out = Collected([], [])
    duplicates = labelled.duplicates()
    with loaded_store(labelled) as (store, ids):
        m = make_matcher(store, settings, matcher, cache=cache, encoder=encoder, reranker=reranker)
        reranking = reranker is not None and m.reranking
        for query_id, relevant_ids in labelled.qrels.items():
            relevant = frozenset(ids[c] for c in relevant_ids)
            hide = _withheld(relevant_ids, duplicates, ids)
            text = cap(labelled.queries[query_id], settings.max_input_chars)
            norm = whole_query(text)
            dense = m.dense_query(text, norm)
            full, _ = m.candidate_features(norm, scope, settings.candidates, dense=dense)
            held, _ = m.candidate_features(
                norm, scope, settings.candidates, exclude=hide, dense=dense
            )
            read = m.rerank_scores(text, full) if reranking else None
            read_held = m.rerank_scores(text, held) if reranking else None
            out.messages.append(_group(full, relevant, read))
            out.messages_withheld.append(_group(held, frozenset(), read_held))
    return out
