"""Ingestion measured on a folder of articles, each with the claims a fact-checker would draft.

Each page (`NAME.html`) has its expectations beside it (`NAME.expect.json`):
`publisher` and `date` (null when the page gives none), `claims` (each with `words` that a
draft saying it contains, its expected `status` and `claimant`, null when not judged) and
`not_drafts` (`words` or a `claimant` no draft may have). A draft *finds* an expected claim when
it contains all its words (case and typography folded). Of the drafts finding a claim, the
shortest (the claim itself rather than "X said …") is the one whose status and claimant are
judged; a claimant is right when it contains the expected name.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from verifiers.domain.errors import InvalidInput
from verifiers.domain.models import DraftFields
from verifiers.domain.validation import JsonProblem, parse_json
from verifiers.ingest.pipeline import Proposal, propose_page, read_page
from verifiers.interchange.jsonld import parse_date

EXPECT_SUFFIX = ".expect.json"
_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


@dataclass(frozen=True)
class ExpectedClaim:
    words: tuple[str, ...]
    status: str | None
    claimant: str | None


@dataclass(frozen=True)
class Forbidden:
    words: tuple[str, ...] = ()
    claimant: str | None = None


@dataclass(frozen=True)
class Expectations:
    publisher: str | None
    published: date | None
    claims: tuple[ExpectedClaim, ...]
    not_drafts: tuple[Forbidden, ...]
    kind: str = ""


@dataclass
class ArticleOutcome:
    name: str
    kind: str
    drafts: int
    on_target: int
    expected: int
    found: int
    status_right: int
    status_judged: int
    claimant_right: int
    claimant_judged: int
    publisher_right: bool
    date_right: bool
    seconds: float
    forbidden: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)  # found, with a wrong status or claimant
    off_target: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class ArticlesReport:
    articles: list[ArticleOutcome]

    def _ratio(self, part: str, whole: str) -> float:
        total = sum(getattr(a, whole) for a in self.articles)
        return sum(getattr(a, part) for a in self.articles) / total if total else 0.0

    @property
    def recall(self) -> float:
        return self._ratio("found", "expected")

    @property
    def precision(self) -> float:
        return self._ratio("on_target", "drafts")

    @property
    def status_right(self) -> float:
        return self._ratio("status_right", "status_judged")

    @property
    def claimant_right(self) -> float:
        return self._ratio("claimant_right", "claimant_judged")

    @property
    def publisher_credited(self) -> float:
        return sum(a.publisher_right for a in self.articles) / max(len(self.articles), 1)

    @property
    def date_credited(self) -> float:
        return sum(a.date_right for a in self.articles) / max(len(self.articles), 1)

    @property
    def seconds_per_article(self) -> float:
        return sum(a.seconds for a in self.articles) / max(len(self.articles), 1)

    def as_dict(self, *, details: bool = True) -> dict[str, Any]:
        figures: dict[str, Any] = {
            "articles": len(self.articles),
            "expected_claims": sum(a.expected for a in self.articles),
            "drafts": sum(a.drafts for a in self.articles),
            "recall": self.recall,
            "on_target_precision": self.precision,
            "status_right": self.status_right,
            "claimant_right": self.claimant_right,
            "publisher_credited": self.publisher_credited,
            "date_credited": self.date_credited,
            "forbidden_drafts": sum(len(a.forbidden) for a in self.articles),
            "seconds_per_article": self.seconds_per_article,
        }
        if details:
            figures["per_article"] = [a.as_dict() for a in self.articles]
        return figures


def load_expectations(path: Path) -> Expectations:
    """One `.expect.json` file; a malformed one is one line naming the file and the problem."""
    try:
        data = parse_json(path.read_text(encoding="utf-8"))
        claims = tuple(
            ExpectedClaim(
                words=_words(item["words"]),
                status=item.get("status"),
                claimant=item.get("claimant"),
            )
            for item in data["claims"]
        )
        forbidden = tuple(
            Forbidden(words=_words(item.get("words", [])), claimant=item.get("claimant"))
            for item in data.get("not_drafts", [])
        )
        return Expectations(
            publisher=data.get("publisher"),
            published=parse_date(data.get("date")),
            claims=claims,
            not_drafts=forbidden,
            kind=str(data.get("kind") or ""),
        )
    except (OSError, JsonProblem, InvalidInput) as exc:
        raise InvalidInput(f"{path}: {exc}") from None
    except (KeyError, TypeError, AttributeError) as exc:
        problem = f"{exc!r} is missing or wrong"
        raise InvalidInput(f"{path}: not an expectations file ({problem})") from None


def _words(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
        raise TypeError("words")
    return tuple(value)


def article_files(folder: Path) -> list[tuple[Path, Path]]:
    """The (page, expectations) pairs in a folder, by name; an empty folder is an error."""
    if not folder.is_dir():
        raise InvalidInput(f"{folder}: not a folder")
    pairs = []
    for expect in sorted(folder.glob(f"*{EXPECT_SUFFIX}")):
        stem = expect.name.removesuffix(EXPECT_SUFFIX)
        pages = [p for p in folder.glob(f"{stem}.*") if p != expect and p.suffix != ".json"]
        if not pages:
            raise InvalidInput(f"{expect}: no page {stem}.html beside it")
        pairs.append((sorted(pages)[0], expect))
    if not pairs:
        raise InvalidInput(f"{folder}: no *{EXPECT_SUFFIX} files")
    return pairs


def evaluate_articles(folder: Path) -> ArticlesReport:
    outcomes = []
    for page_path, expect_path in article_files(folder):
        expected = load_expectations(expect_path)
        started = time.perf_counter()
        proposal = propose_page(read_page(str(page_path)))
        seconds = time.perf_counter() - started
        outcomes.append(judge(page_path.stem, proposal, expected, seconds))
    return ArticlesReport(outcomes)


def _fold(text: str) -> str:
    return " ".join(text.translate(_FOLD).casefold().split())


def _has(text: str, words: tuple[str, ...]) -> bool:
    folded = _fold(text)
    return bool(words) and all(_fold(w) in folded for w in words)


def _names(claimant: str | None, expected: str) -> bool:
    return claimant is not None and _fold(expected) in _fold(claimant)


def judge(name: str, proposal: Proposal, expected: Expectations, seconds: float) -> ArticleOutcome:
    drafts = proposal.drafts
    outcome = ArticleOutcome(
        name=name,
        kind=expected.kind,
        drafts=len(drafts),
        on_target=0,
        expected=len(expected.claims),
        found=0,
        status_right=0,
        status_judged=0,
        claimant_right=0,
        claimant_judged=0,
        publisher_right=_publisher_right(proposal, expected),
        date_right=proposal.published == expected.published,
        seconds=round(seconds, 3),
    )
    targeted: set[int] = set()
    for claim in expected.claims:
        finding = [i for i, d in enumerate(drafts) if _has(d.text, claim.words)]
        label = " / ".join(claim.words)
        if not finding:
            outcome.missed.append(label)
            continue
        targeted.update(finding)
        outcome.found += 1
        draft = min((drafts[i] for i in finding), key=lambda d: len(d.text))
        problems = _judge_draft(draft, claim, outcome)
        if problems:
            outcome.wrong.append(f"{label}: {problems}")
    for index, draft in enumerate(drafts):
        if any(_forbidden(draft, rule) for rule in expected.not_drafts):
            outcome.forbidden.append(_describe(draft))
            targeted.discard(index)
        if index in targeted:
            outcome.on_target += 1
        else:
            outcome.off_target.append(_describe(draft))
    return outcome


def _judge_draft(draft: DraftFields, claim: ExpectedClaim, outcome: ArticleOutcome) -> str:
    problems = []
    if claim.status is not None:
        outcome.status_judged += 1
        if draft.status.value == claim.status:
            outcome.status_right += 1
        else:
            problems.append(f"status {draft.status.value}, expected {claim.status}")
    if claim.claimant is not None:
        outcome.claimant_judged += 1
        if _names(draft.claimant, claim.claimant):
            outcome.claimant_right += 1
        else:
            problems.append(f"claimant {draft.claimant!r}, expected {claim.claimant!r}")
    return "; ".join(problems)


def _forbidden(draft: DraftFields, rule: Forbidden) -> bool:
    if rule.words and not _has(draft.text, rule.words):
        return False
    if rule.claimant is not None:
        return (draft.claimant or "").casefold().startswith(rule.claimant.casefold())
    return bool(rule.words)


def _publisher_right(proposal: Proposal, expected: Expectations) -> bool:
    if expected.publisher is None:
        # A page naming no publisher must not be credited to its title (or anything else).
        return proposal.publisher == "unknown publisher"
    return _fold(proposal.publisher) == _fold(expected.publisher)


def _describe(draft: DraftFields) -> str:
    return f"[{draft.status.value}; {draft.claimant or '-'}] {draft.text}"


def format_articles(report: ArticlesReport) -> str:
    """The figures as the command line prints them."""

    def pct(x: float) -> str:
        return f"{100 * x:.1f} %"

    figures = report.as_dict(details=False)
    lines = [
        f"articles: {figures['articles']}  expected claims: {figures['expected_claims']}  "
        f"drafts: {figures['drafts']}",
        f"recall of expected claims   {pct(report.recall)}",
        f"on-target precision         {pct(report.precision)}",
        f"status right                {pct(report.status_right)}",
        f"claimant right              {pct(report.claimant_right)}",
        f"publisher credited          {pct(report.publisher_credited)}",
        f"date credited               {pct(report.date_credited)}",
        f"forbidden drafts            {figures['forbidden_drafts']}",
        f"seconds per article         {report.seconds_per_article:.2f}",
    ]
    return "\n".join(lines)
