"""Claim identity on a labelled set: is a message answered only with the same claim?

The set is two JSON Lines files in one folder. `claims.jsonl` holds the claims the messages are
checked against (claimbot's import JSONL: `id`, `text`, `status`, … and an optional `domain`),
checked beside the seed claims, as a real database holds them. `pairs.jsonl` holds labelled
(message, claim) pairs: `message`, `claim_id`, `expected` (what to do with that claim),
`category`, `form` (how the message is written) and `split` (`tune` or `heldout`):

- `same`: answer the claim, agreeing;
- `contradicts`: answer the claim, saying the message contradicts it (negation, number, date);
- `different`: a changed claim (roles, people, modality, quantifiers, attribution): never
  answer it as agreeing (saying it contradicts is tolerated);
- `none`: no claim is asserted: no confident answer at all.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from verifiers.domain.errors import InvalidInput
from verifiers.domain.models import CheckResult, ClaimFields, Scope, Stance
from verifiers.domain.settings import MatchingSettings
from verifiers.domain.validation import describe, json_object
from verifiers.evaluation.runner import make_matcher
from verifiers.seeding import load_seed_claims
from verifiers.store import open_store

EXPECTED = ("same", "contradicts", "different", "none")
SPLITS = ("tune", "heldout")
CLAIMS_FILE = "claims.jsonl"
# Keys of a set's claim that are not stored with it.
_SET_ONLY_KEYS = ("domain",)


@dataclass(frozen=True, slots=True)
class IdentityPair:
    message: str
    claim_id: str
    expected: str
    category: str
    form: str = "plain"
    split: str = "tune"
    note: str = ""


@dataclass(frozen=True, slots=True)
class PairOutcome:
    """What the check answered for a pair: the confident answers, as (set claim id, stance)."""

    pair: IdentityPair
    answers: tuple[tuple[str, Stance], ...]

    def stance_for(self, claim_id: str) -> Stance | None:
        return next((stance for cid, stance in self.answers if cid == claim_id), None)

    @property
    def false_answer(self) -> bool:
        """A confident `agrees` with a claim that is not the same (any answer, for `none`)."""
        if self.pair.expected == "none":
            return bool(self.answers)
        return self.pair.expected == "different" and (
            self.stance_for(self.pair.claim_id) is Stance.AGREES
        )

    @property
    def right(self) -> bool:
        stance = self.stance_for(self.pair.claim_id)
        expected = self.pair.expected
        if expected == "same":
            return stance is Stance.AGREES
        if expected == "contradicts":
            return stance is Stance.CONTRADICTS
        return not self.false_answer


@dataclass(frozen=True, slots=True)
class IdentityReport:
    """The figures, overall and per category, form and expected label."""

    pairs: int
    figures: dict[str, float | None]
    by_category: dict[str, dict[str, float | int]]
    by_form: dict[str, dict[str, float | int]]
    outcomes: list[PairOutcome] = field(default_factory=list, repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "pairs": self.pairs,
            **self.figures,
            "by_category": self.by_category,
            "by_form": self.by_form,
        }

    @property
    def mistakes(self) -> list[PairOutcome]:
        return [o for o in self.outcomes if not o.right]


def load_identity_set(pairs_path: Path) -> tuple[list[ClaimFields], list[IdentityPair]]:
    """The set's claims (each keeping its id as `external_id`) and its labelled pairs."""
    if not pairs_path.is_file():
        raise InvalidInput(f"{pairs_path}: file not found")
    claims_path = pairs_path.with_name(CLAIMS_FILE)
    if not claims_path.is_file():
        raise InvalidInput(f"{claims_path}: file not found (the claims beside {pairs_path.name})")
    claims = [_claim(row, claims_path, line) for line, row in _json_lines(claims_path)]
    pairs = [_pair(row, pairs_path, line) for line, row in _json_lines(pairs_path)]
    known = {c.external_id for c in claims} | {claim_id for claim_id, _ in load_seed_claims()}
    for pair in pairs:
        if pair.claim_id not in known:
            raise InvalidInput(
                f"{pairs_path}: pair {pair.message[:40]!r}: no claim {pair.claim_id}"
            )
    return claims, pairs


def _json_lines(path: Path) -> Iterable[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8-sig") as handle:
        for line_no, line in enumerate(handle, 1):
            if line.strip():
                yield line_no, json_object(line, f"{path}:{line_no}")


def _claim(row: dict[str, Any], path: Path, line: int) -> ClaimFields:
    data = {k: v for k, v in row.items() if k not in _SET_ONLY_KEYS and k != "id"}
    try:
        return ClaimFields.model_validate({**data, "external_id": str(row["id"])})
    except (KeyError, ValidationError) as exc:
        why = describe(exc) if isinstance(exc, ValidationError) else "no id"
        raise InvalidInput(f"{path}:{line}: {why}") from None


def _pair(row: dict[str, Any], path: Path, line: int) -> IdentityPair:
    try:
        pair = IdentityPair(
            message=str(row["message"]),
            claim_id=str(row["claim_id"]),
            expected=str(row["expected"]),
            category=str(row["category"]),
            form=str(row.get("form") or "plain"),
            split=str(row.get("split") or "tune"),
            note=str(row.get("note") or ""),
        )
    except KeyError as exc:
        raise InvalidInput(f"{path}:{line}: no {exc.args[0]!r}") from None
    if pair.expected not in EXPECTED:
        raise InvalidInput(f"{path}:{line}: expected must be one of {', '.join(EXPECTED)}")
    if pair.split not in SPLITS:
        raise InvalidInput(f"{path}:{line}: split must be one of {', '.join(SPLITS)}")
    return pair


def evaluate_identity(
    claims: list[ClaimFields],
    pairs: list[IdentityPair],
    settings: MatchingSettings,
    *,
    matcher: str = "lexical",
    cache: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> IdentityReport:
    """Check every pair's message against the seed claims and the set's, in a fresh database."""
    with tempfile.TemporaryDirectory(prefix="claimbot-identity-") as tmp:
        store = open_store(str(Path(tmp) / "identity.db"), seed=True)
        try:
            store.add_claims(claims, actor="eval")
            check = make_matcher(store, settings, matcher, cache=cache).check
            set_ids = {c.id: c.external_id or c.id for c in store.iter_claims(Scope.everything())}
            outcomes = []
            for n, pair in enumerate(pairs, 1):
                outcomes.append(PairOutcome(pair, _answers(check(pair.message, Scope()), set_ids)))
                if progress is not None:
                    progress(n, len(pairs))
        finally:
            store.close()
    return summarise_identity(outcomes)


def _answers(result: CheckResult, set_ids: dict[str, str]) -> tuple[tuple[str, Stance], ...]:
    return tuple((set_ids.get(m.claim.id, m.claim.id), m.stance) for m in result.matches)


def _rate(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def summarise_identity(outcomes: list[PairOutcome]) -> IdentityReport:
    """The figures of the issue's table over `outcomes`.

    - false_answers: confident `agrees` with a changed claim, or any answer to no claim, over
      every `different` and `none` pair;
    - false_contradictions: accurate paraphrases (`same`) answered `contradicts`;
    - paraphrases_answered: `same` pairs answered agreeing with their claim;
    - contradictions_caught: `contradicts` pairs answered contradicting their claim;
    - attribution_right: attribution pairs handled as labelled.
    """
    same = [o for o in outcomes if o.pair.expected == "same"]
    changed = [o for o in outcomes if o.pair.expected in ("different", "none")]
    contra = [o for o in outcomes if o.pair.expected == "contradicts"]
    attribution = [o for o in outcomes if o.pair.category == "attribution"]
    figures = {
        "false_answers": _rate(sum(o.false_answer for o in changed), len(changed)),
        "false_contradictions": _rate(
            sum(o.stance_for(o.pair.claim_id) is Stance.CONTRADICTS for o in same), len(same)
        ),
        "paraphrases_answered": _rate(sum(o.right for o in same), len(same)),
        "contradictions_caught": _rate(sum(o.right for o in contra), len(contra)),
        "attribution_right": _rate(sum(o.right for o in attribution), len(attribution)),
        "right": _rate(sum(o.right for o in outcomes), len(outcomes)),
    }
    return IdentityReport(
        pairs=len(outcomes),
        figures=figures,
        by_category=_grouped(outcomes, lambda o: o.pair.category),
        by_form=_grouped(same, lambda o: o.pair.form),
        outcomes=outcomes,
    )


def _grouped(
    outcomes: list[PairOutcome], key: Callable[[PairOutcome], str]
) -> dict[str, dict[str, float | int]]:
    groups: dict[str, list[PairOutcome]] = defaultdict(list)
    for outcome in outcomes:
        groups[key(outcome)].append(outcome)
    return {
        name: {
            "pairs": len(members),
            "right": _rate(sum(o.right for o in members), len(members)) or 0.0,
            "false_answers": sum(o.false_answer for o in members),
        }
        for name, members in sorted(groups.items())
    }
