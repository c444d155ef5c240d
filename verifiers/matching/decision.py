"""The answer to one segment: which ranked claim it states (or contradicts), which are related.

The matcher ranks a segment's candidates (`Scored`, best first); this module decides what the
reply says about them. Only the same claim, or its contradiction, is answered
(`judge_identity`): a claim that the segment changes (roles, people, certainty, quantities,
attribution) is offered as related with the reason, and the next claim may be the answer
instead. A claim and the claim that someone said it are shown side by side, labelled.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from verifiers.domain.models import Claim, Match, SegmentResult, Stance, Tier
from verifiers.domain.settings import MatchingSettings
from verifiers.matching.identity import (
    Identity,
    Verdict,
    attribution_label,
    identity_probability,
    judge_identity,
)
from verifiers.matching.model import duplicate_key
from verifiers.matching.stance import contradiction
from verifiers.text.segment import segment

STANCE_OF = {
    Verdict.SAME: Stance.AGREES,
    Verdict.CONTRADICTS: Stance.CONTRADICTS,
    Verdict.DIFFERENT: Stance.DIFFERENT,
    Verdict.NO_CLAIM: Stance.AGREES,  # nothing was stated: related claims only, no stance
}


@dataclass(frozen=True, slots=True)
class Scored:
    """One ranked candidate: the claim, its fitted relevance logit and calibrated score, and
    whether the text says enough of it to be answered with it at all (`answerable`)."""

    claim: Claim
    logit: float
    score: float
    answerable: bool
    # Enough of it for a denial ("Brussels didn't fine Meta"), which names the claim's act
    # and parties and leaves out the figure and the date it denies with them.
    deniable: bool = False


@dataclass(frozen=True, slots=True)
class Tiers:
    """Where a score puts a claim: answered from `confident`, listed as related from
    `related`; the identity a confident answer needs, and how many related claims are shown."""

    confident: float
    related: float
    min_identity: float
    max_related: int

    @classmethod
    def of(cls, settings: MatchingSettings, *, semantic: bool) -> Tiers:
        """The thresholds of the lexical or the semantic matcher."""
        s = settings
        return cls(
            confident=s.confident_threshold_semantic if semantic else s.confident_threshold,
            related=s.related_threshold_semantic if semantic else s.related_threshold,
            min_identity=s.min_identity,
            max_related=s.max_related,
        )


def decide(seg: str, ranked: list[Scored], tiers: Tiers) -> SegmentResult:
    """The confident answer and the related claims of one segment, from its ranked claims."""
    match: Match | None = None
    related: list[Match] = []
    shown: set[str] = set()
    lowest_shown = min(tiers.related, tiers.confident)
    answering = True  # no claim above was answerable yet
    for n, item in enumerate(ranked):
        if item.score < lowest_shown:  # in no tier (nor are its copies: the same score)
            answering = False  # a claim listed above without a lead: nothing is answered
            continue
        key = duplicate_key(item.claim.text)
        if key in shown:  # a copy of a claim already shown adds nothing
            continue
        shown.add(key)
        identity = judge_identity(seg, item.claim)
        stance = STANCE_OF[identity.verdict]
        # A text too short or stating too little of the claim may be offered it as related,
        # never answered with it.
        qualifies = item.answerable and item.score >= tiers.confident
        if not qualifies and _denies(seg, item.claim, identity):
            qualifies = item.deniable and item.score >= tiers.confident
        # Contradicted by its date or number, and probably not the claim the segment states: a
        # neighbour of the one it is about ("… on 18 July" below Metsola's 16 July election).
        unlikely = False
        if answering and qualifies and identity.verdict.answerable:
            same = identity_probability(seg, item.claim, identity.verdict)
            unlikely = identity.kind in ("date", "number") and same < tiers.min_identity
            # A claim the segment states, ranked just below one whose number or date it
            # contradicts, is the one it is about ("the ECB cut to 3.75% in June 2024" beside
            # its 2025 cut to 2%); a denial is about the claim it denies.
            agreeing = (
                _agreeing_below(seg, ranked[n + 1 :], tiers, shown)
                if identity.kind in ("number", "date") and same >= tiers.min_identity
                else None
            )
            if agreeing is not None:
                # The contradicted claim is still listed as related.
                other, other_same = agreeing
                shown.add(duplicate_key(other.claim.text))
                match = Match(
                    claim=other.claim,
                    score=other.score * other_same,
                    tier=Tier.CONFIDENT,
                    stance=Stance.AGREES,
                )
                answering = False
            elif same >= tiers.min_identity:
                # The score shown is how likely this is the claim the segment states.
                match = Match(
                    claim=item.claim,
                    score=item.score * same,
                    tier=Tier.CONFIDENT,
                    stance=stance,
                    stance_reason=identity.reason,
                )
                answering = False
                continue
        # Past a changed claim the next may be the one stated; past anything else, not.
        # Such a neighbour is passed over the same way.
        answering = answering and qualifies and (identity.verdict is Verdict.DIFFERENT or unlikely)
        if item.score >= tiers.related:
            # Listed in the matcher's order, which after reranking is not the scores' order:
            # a lower-scoring claim above does not hide a related one below it.
            if len(related) == tiers.max_related:
                break
            related.append(
                Match(
                    claim=item.claim,
                    score=item.score,
                    tier=Tier.RELATED,
                    stance=stance,
                    stance_reason=identity.reason,
                )
            )
    return with_counterpart(SegmentResult(segment=seg, match=match, related=related))


def _denies(seg: str, claim: Claim, identity: Identity) -> bool:
    """Whether the verdict is a denial of the claim (a negation of its predicate), or another
    figure or date said with one ("The UK has never recorded 40°C, the highest was 38.7°C")."""
    if identity.verdict is not Verdict.CONTRADICTS:
        return False
    if identity.kind == "negation":
        return True
    also = contradiction(seg, claim.text, skip=frozenset({"date", "number"}))
    return also is not None and also[0] == "negation"


AGREEING_REACH = 3  # claims below a contradicted one searched for one the segment states


def _agreeing_below(
    seg: str, below: list[Scored], tiers: Tiers, shown: set[str]
) -> tuple[Scored, float] | None:
    """The first of the next few answerable claims that `seg` states (not contradicts), with
    its identity probability, or None."""
    for item in below[:AGREEING_REACH]:
        if item.score < tiers.confident:
            break
        if not item.answerable or duplicate_key(item.claim.text) in shown:
            continue
        if judge_identity(seg, item.claim).verdict is Verdict.SAME:
            same = identity_probability(seg, item.claim, Verdict.SAME)
            if same >= tiers.min_identity:
                return item, same
    return None


def states_the_claim(text: str, item: Scored, tiers: Tiers, max_segments: int) -> bool:
    """Whether `text`, or one of its claim-like sentences as a check reads them, states the
    claim or contradicts it (`judge_identity`); judged only where the score could make an
    answer."""
    if item.score < tiers.confident:
        return True
    for part in [text, *segment(text, max_segments)]:
        verdict = judge_identity(part, item.claim).verdict
        if (
            verdict.answerable
            and identity_probability(part, item.claim, verdict) >= tiers.min_identity
        ):
            return True
    return False


def with_counterpart(result: SegmentResult) -> SegmentResult:
    """Move the answer's other half (the statement, or the claim that someone made it) from
    the related claims to beside the answer, labelled."""
    if result.match is None:
        return result
    for n, other in enumerate(result.related):
        label = attribution_label(result.match.claim.text, other.claim.text)
        if label is not None:
            related = result.related[:n] + result.related[n + 1 :]
            return result.model_copy(
                update={"related": related, "counterpart": other, "counterpart_label": label}
            )
    return result


def shown_claim_ids(results: list[SegmentResult]) -> set[str]:
    """Every claim the results show: answers, their counterparts, related claims."""
    return {m.claim.id for r in results for m in _shown(r)}


def with_flag_counts(
    results: list[SegmentResult], counts: Mapping[str, int]
) -> list[SegmentResult]:
    """The results with each shown claim's open flags counted (`counts`, by claim id)."""
    if not any(counts.values()):
        return results

    def counted(m: Match) -> Match:
        return m.model_copy(update={"open_flags": counts.get(m.claim.id, 0)})

    return [
        r.model_copy(
            update={
                "match": counted(r.match) if r.match else None,
                "related": [counted(m) for m in r.related],
                "counterpart": counted(r.counterpart) if r.counterpart else None,
            }
        )
        for r in results
    ]


def _shown(result: SegmentResult) -> list[Match]:
    """Every claim a segment's result shows."""
    answered = [m for m in (result.match, result.counterpart) if m is not None]
    return answered + result.related
