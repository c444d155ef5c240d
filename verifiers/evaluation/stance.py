"""Stance accuracy on a labelled set of (claim, message, stance) pairs.

File format: JSON lines with "claim", "text", "stance" ("agrees" or "contradicts") and optional
"kind" (paraphrase, negation, number, date, name) and "source". The stance is judged against the
given claim, as if the matcher had retrieved it.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from verifiers.domain.errors import InvalidInput
from verifiers.domain.models import Claim, Stance
from verifiers.matching.stance import judge_stance


@dataclass(frozen=True, slots=True)
class StancePair:
    claim: str
    text: str
    stance: Stance
    kind: str = ""


@dataclass(frozen=True, slots=True)
class StanceReport:
    pairs: int
    accuracy: float
    by_kind: dict[str, float] = field(default_factory=dict)
    confusion: dict[str, int] = field(default_factory=dict)
    errors: list[tuple[StancePair, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "pairs": self.pairs,
            "stance_accuracy": self.accuracy,
            "by_kind": self.by_kind,
            "confusion": self.confusion,
        }


def load_stance_pairs(path: Path) -> list[StancePair]:
    if not path.is_file():
        raise InvalidInput(f"{path}: file not found")
    pairs: list[StancePair] = []
    with path.open(encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                pair = StancePair(
                    claim=str(row["claim"]),
                    text=str(row["text"]),
                    stance=Stance(row["stance"]),
                    kind=str(row.get("kind", "")),
                )
            except json.JSONDecodeError as exc:
                raise InvalidInput(f"{path}, line {line_no}: not JSON ({exc.msg})") from None
            except KeyError as exc:
                raise InvalidInput(f"{path}, line {line_no}: missing field {exc}") from None
            except (TypeError, ValueError):
                raise InvalidInput(
                    f"{path}, line {line_no}: stance must be 'agrees' or 'contradicts'"
                ) from None
            pairs.append(pair)
    if not pairs:
        raise InvalidInput(f"{path}: no stance pairs in the file")
    return pairs


def _claim(text: str) -> Claim:
    now = datetime.now(UTC)
    return Claim(
        id="stance-eval", text=text, created_at=now, created_by="eval", updated_at=now,
        updated_by="eval",
    )  # fmt: skip


def evaluate_stance(pairs: list[StancePair]) -> StanceReport:
    confusion: Counter[str] = Counter()
    right_by_kind: Counter[str] = Counter()
    total_by_kind: Counter[str] = Counter()
    errors: list[tuple[StancePair, str]] = []
    for pair in pairs:
        predicted, reason = judge_stance(pair.text, _claim(pair.claim))
        confusion[f"{pair.stance.value}->{predicted.value}"] += 1
        total_by_kind[pair.kind] += 1
        if predicted is pair.stance:
            right_by_kind[pair.kind] += 1
        else:
            errors.append((pair, reason))
    right = sum(right_by_kind.values())
    return StanceReport(
        pairs=len(pairs),
        accuracy=right / len(pairs),
        by_kind={k: right_by_kind[k] / n for k, n in sorted(total_by_kind.items())},
        confusion=dict(sorted(confusion.items())),
        errors=errors,
    )
