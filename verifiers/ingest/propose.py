"""Propose a draft claim, with a status and the reason for it, from each sourced statement.

The rules (the same a moderator used for the seed claims, see seeds/README.md):
- a named person or body on the record: the claim "X said Y" is **confirmed**; what X said
  (Y) becomes its own **unverified** draft when it is a checkable assertion in reported speech;
- unnamed sources ("two people briefed", "a Western official familiar with the matter"),
  "reportedly", another outlet's reporting, a document or data cited but not linked (a study,
  a filing, official figures, a poll), the outlet's own statement of a checkable fact (a
  number, a result, a decision, a date): **reported**;
- denials and non-responses ("did not respond to requests for comment") are not claims: they
  are written into the explanation of the article's reported claims.
Sources credit the original reporting ahead of a republication.
"""

from __future__ import annotations

import re
from datetime import date

from pydantic import ValidationError

from verifiers.domain.models import MAX_EXPLANATION_CHARS, DraftFields, Source, SourceRole, Status
from verifiers.ingest.article import Article, Credit
from verifiers.ingest.attribution import Findings, Sourcing, Statement, find_statements, names_short
from verifiers.ingest.outlets import canonical_outlet
from verifiers.ingest.vocabulary import ORG_WORDS

MAX_DRAFTS_PER_ARTICLE = 40
_PRONOUN_START = re.compile(r"^(?:he|she|they|it|i|we|you|this|that|these|those)\b", re.I)
_THE = re.compile(
    r"(?:Times|Post|Journal|Herald|Gazette|Tribune|Telegraph|Chronicle|Guardian|Courier"
    r"|Independent|Observer|Economist|Associated Press)$"
)


def propose_drafts(article: Article, *, may_republish: bool = True) -> list[DraftFields]:
    """Drafts for every sourced statement in the article, first occurrence of each text only.
    A fact-check page is never a republication (`may_republish=False`): the reporting it
    credits is evidence it weighs, not the origin of its own text."""
    findings = find_statements(article.paragraphs, article.publisher)
    original = original_reporting(article, findings) if may_republish else None
    drafts: list[DraftFields] = []
    seen: set[str] = set()
    for statement in findings.statements:
        for draft in _drafts_for(statement, article, original, findings):
            key = " ".join(draft.text.casefold().split())
            if key not in seen:
                seen.add(key)
                drafts.append(draft)
        if len(drafts) >= MAX_DRAFTS_PER_ARTICLE:
            break
    return drafts[:MAX_DRAFTS_PER_ARTICLE]


def original_reporting(article: Article, findings: Findings) -> Credit | None:
    """The outlet this article republishes, if it is a republication."""
    if article.based_on is not None:
        return article.based_on
    if not findings.credited:
        return None
    outlet, weight = findings.credited.most_common(1)[0]
    return Credit(publisher=canonical_outlet(outlet)) if weight >= 2 else None


def with_article(name: str) -> str:
    """ "Financial Times" → "the Financial Times"; "Reuters" stays as it is."""
    if name.lower().startswith("the ") or not _THE.search(name):
        return name
    return f"the {name}"


def _drafts_for(
    statement: Statement, article: Article, original: Credit | None, findings: Findings
) -> list[DraftFields]:
    channel = original.publisher if original else (statement.outlet or article.publisher)
    reporter = with_article(channel)
    if original:
        reporter += f" and republished by {article.publisher}"
    responses = " ".join(findings.responses)
    try:
        if statement.sourcing is Sourcing.ON_RECORD:
            return _on_record(statement, article, original, reporter)
        if statement.sourcing is Sourcing.UNCLEAR:
            return [_unclear(statement, article, original, channel)]
        return [_reported(statement, article, original, channel, responses)]
    except ValidationError:
        return []  # a statement too short or too long to be a claim


def _reported(
    statement: Statement,
    article: Article,
    original: Credit | None,
    channel: str,
    responses: str,
) -> DraftFields:
    by = statement.sourced_by
    outlet = with_article(channel)
    if statement.sourcing is Sourcing.ANONYMOUS:
        claimant = f"{channel}, citing {by}"
        reason = f"anonymous sourcing: {by}"
        explanation = f"Reported by {outlet} citing {by}; not confirmed on the record."
    elif statement.sourcing is Sourcing.DOCUMENT:
        claimant = f"{channel}, citing {by}"
        reason = f"cites {by}, which is not linked"
        explanation = f"Reported by {outlet} from {by}; reported until the document is linked."
    elif statement.sourcing is Sourcing.NARRATION:
        claimant = channel
        reason = f"stated by {outlet} in its own reporting; no source named"
        explanation = f"Reported by {outlet} as a fact; the article names no source for it."
    else:
        claimant = channel
        reason = f"reporting credited to {outlet}; no on-the-record source named"
        explanation = f"Reported by {outlet}; no on-the-record source is named."
    if responses:
        explanation = f"{explanation} {responses}"
    credited = original or (Credit(publisher=statement.outlet) if statement.outlet else None)
    return DraftFields(
        text=statement.claim_text,
        status=Status.REPORTED,
        reason=reason,
        explanation=explanation[:MAX_EXPLANATION_CHARS],
        claimant=claimant[:300],
        quote=statement.sentence,
        sources=_sources(article, credited, statement, on_record=False),
    )


def _unclear(
    statement: Statement, article: Article, original: Credit | None, channel: str
) -> DraftFields:
    return DraftFields(
        text=statement.claim_text,
        status=Status.UNVERIFIED,
        reason="the article itself says this is unclear",
        explanation=f"{_upper_first(with_article(channel))} reports that it remains unclear.",
        quote=statement.sentence,
        sources=_sources(article, original, statement, on_record=False),
    )


def _on_record(
    statement: Statement, article: Article, original: Credit | None, reporter: str
) -> list[DraftFields]:
    speaker = statement.speaker or "someone"
    short = names_short(speaker)
    sources = _sources(article, original, statement, on_record=True)
    when = _date(original, article)
    said = DraftFields(
        text=statement.claim_text,
        status=Status.CONFIRMED,
        reason=f"on the record: {speaker} said it",
        explanation=(
            f"Said on the record by {_body(speaker)}, as reported by {reporter}. That "
            f"{_body(short)} said it is confirmed; whether it is true is a separate claim."
        ),
        claimant=_upper_first(speaker)[:300],
        claim_date=when,
        quote=statement.sentence,
        sources=sources,
    )
    drafts = [said]
    content = statement.content
    if content and not statement.direct and not _PRONOUN_START.match(content):
        drafts.append(
            DraftFields(
                text=content,
                status=Status.UNVERIFIED,
                reason=f"asserted by {speaker}; nothing in the article confirms it independently",
                explanation=(
                    f"{_upper_first(speaker)} said this on the record, as reported by "
                    f"{reporter}; the article gives no independent confirmation."
                ),
                claimant=_upper_first(speaker)[:300],
                claim_date=when,
                quote=statement.sentence,
                sources=sources,
            )
        )
    return drafts


def _body(name: str) -> str:
    """ "World Health Organization" → "the World Health Organization"; people stay as named."""
    words = name.split()
    if len(words) > 1 and words[-1].lower() in ORG_WORDS and words[0] != "The":
        return f"the {name}"
    return name


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _date(original: Credit | None, article: Article) -> date | None:
    return (original.published if original else None) or article.published


def _sources(
    article: Article, original: Credit | None, statement: Statement, *, on_record: bool
) -> list[Source]:
    """The original reporting first, then this article, each with the role it plays."""
    page = _source(
        url=article.link,
        publisher=article.publisher,
        title=article.title,
        published=article.published,
        quote=statement.sentence,
        role=SourceRole.STATEMENT
        if on_record
        else (SourceRole.REPUBLICATION if original else SourceRole.ORIGINAL),
    )
    if original is None:
        return [page]
    credit = _source(
        url=original.url,
        publisher=original.publisher,
        title="",
        published=original.published,
        quote=statement.sentence if on_record else statement.claim_text,
        role=SourceRole.ORIGINAL,
    )
    return [page, credit] if on_record else [credit, page]


def _source(**fields: object) -> Source:
    try:
        return Source.model_validate(fields)
    except ValidationError:
        return Source.model_validate({**fields, "url": None})  # an unusable link is dropped
