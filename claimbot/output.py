"""Turn core results into terminal text and into the CLI's stable JSON shapes."""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections.abc import Callable
from typing import Any, TypeVar

import click

from verifiers.domain.models import AuditEntry, CheckResult, Claim, Flag, Match, Source, Stance

INDENT = "    "


T = TypeVar("T")


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def echo_as(
    as_json: bool, value: T, to_json: Callable[[T], Any], to_text: Callable[[T], str]
) -> None:
    """Print `value` in the shape `--json` asked for; only that shape is built."""
    if as_json:
        echo_json(to_json(value))
    else:
        click.echo(to_text(value))


def _wrap(text: str, indent: str = INDENT) -> str:
    return textwrap.fill(text, width=100, initial_indent=indent, subsequent_indent=indent)


# -- JSON ----------------------------------------------------------------------------------


def source_json(source: Source) -> dict[str, Any]:
    return {
        "url": str(source.url) if source.url else None,
        "publisher": source.publisher,
        "title": source.title,
        "published": source.published.isoformat() if source.published else None,
        "quote": source.quote,
        "role": source.role.value,
    }


def match_json(match: Match) -> dict[str, Any]:
    claim = match.claim
    return {
        "claim_id": claim.id,
        "external_id": claim.external_id,
        "claim": claim.text,
        "status": claim.status.value,
        "status_meaning": claim.status.meaning,
        "explanation": claim.explanation,
        "stance": match.stance.value,
        "stance_reason": match.stance_reason,
        "score": round(match.score, 4),
        "tier": match.tier.value,
        "sources": [source_json(s) for s in claim.sources],
        "flags": match.open_flags,
    }


def check_json(result: CheckResult) -> dict[str, Any]:
    return {
        "input": result.input,
        "checked_segments": result.checked_segments,
        "skipped_segments": result.skipped_segments,
        "results": [
            {
                "segment": r.segment,
                "match": match_json(r.match) if r.match else None,
                "counterpart": (
                    {"label": r.counterpart_label, **match_json(r.counterpart)}
                    if r.counterpart
                    else None
                ),
                "related": [match_json(m) for m in r.related],
            }
            for r in result.results
        ],
    }


def claim_json(claim: Claim) -> dict[str, Any]:
    return claim.model_dump(mode="json")


# -- text ----------------------------------------------------------------------------------


def _source_line(source: Source) -> str:
    parts = [source.publisher, f"({source.role.label})"]
    if source.published:
        parts.append(source.published.isoformat())
    parts.append(str(source.url) if source.url else "no link recorded")
    return " ".join(parts)


def format_sources(sources: list[Source], indent: str = INDENT) -> list[str]:
    lines = []
    for source in sources:
        lines.append(f"{indent}- {_source_line(source)}")
        if source.title:
            lines.append(f"{indent}  {source.title}")
        if source.quote:
            lines.append(_wrap(f"“{source.quote}”", indent + "  "))
    return lines


def format_match(match: Match) -> list[str]:
    claim = match.claim
    lines = [
        f"  {claim.status.label.upper()} — {claim.status.meaning}",
        f"  claim {claim.id} (match score {match.score:.2f})",
        _wrap(claim.text),
    ]
    if match.stance is Stance.CONTRADICTS:
        reason = f": {match.stance_reason}" if match.stance_reason else ""
        lines.append(f"  ! Your text contradicts this claim{reason}")

    if claim.explanation:
        lines.append(_wrap(f"Why: {claim.explanation}"))
    if claim.sources:
        lines.append("  Sources:")
        lines.extend(format_sources(claim.sources))
    if match.open_flags:
        lines.append(f"  Open disputes: {match.open_flags}")
    return lines


def format_check(result: CheckResult) -> str:
    if not result.results:
        return "Nothing in that text looks like a claim."
    lines: list[str] = []
    for segment in result.results:
        lines.append(f"“{segment.segment}”")
        if segment.match:
            lines.extend(format_match(segment.match))
            if segment.counterpart:
                other = segment.counterpart.claim
                lines.append(
                    f"  {segment.counterpart_label}: {other.status.label.upper()} — claim "
                    f"{other.id}: {shorten(other.text, 100)}"
                )
        else:
            lines.append("  No matching claim in the database.")
        for related in segment.related:
            differs = related.stance is Stance.DIFFERENT and related.stance_reason
            lines.append(
                f"  possibly related ({related.score:.2f}): {related.claim.id} — "
                f"{shorten(related.claim.text, 120)}"
                + (f" [a different claim: {related.stance_reason}]" if differs else "")
            )
        lines.append("")
    if result.skipped_segments:
        lines.append(
            f"Checked the {result.checked_segments} most claim-like parts of the message; "
            f"{result.skipped_segments} more were not checked: send them separately."
        )
    return "\n".join(lines).rstrip()


def format_claim(claim: Claim) -> str:
    scope = "global" if claim.guild_id is None else f"guild {claim.guild_id}"
    lines = [
        f"{claim.id}  [{claim.status.value}]  v{claim.version}  {scope}"
        + ("  RETIRED" if claim.retired else ""),
        _wrap(claim.text, "  "),
        f"  status: {claim.status.label} — {claim.status.meaning}",
    ]
    if claim.explanation:
        lines.append(_wrap(f"why: {claim.explanation}", "  "))
    if claim.claimant:
        lines.append(f"  claimant: {claim.claimant}")
    if claim.claim_date:
        lines.append(f"  claim date: {claim.claim_date.isoformat()}")
    if claim.external_id:
        lines.append(f"  external id: {claim.external_id}")
    lines.append(
        f"  created {claim.created_at:%Y-%m-%d %H:%M} by {claim.created_by}; "
        f"updated {claim.updated_at:%Y-%m-%d %H:%M} by {claim.updated_by}"
    )
    if claim.sources:
        lines.append("  sources:")
        lines.extend(format_sources(claim.sources, "    "))
    return "\n".join(lines)


def shorten(text: str, width: int = 80) -> str:
    """`text` on one line of at most `width` characters; a cut shows as "…"."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


# `claims list --csv`: one row a claim, its scalar fields (`claims show` has the sources).
CLAIM_CSV_COLUMNS = (
    "id",
    "status",
    "text",
    "explanation",
    "claimant",
    "claim_date",
    "summary",
    "external_id",
    "guild_id",
    "retired",
    "version",
    "created_at",
    "updated_at",
    "sources",
)


def claim_csv_row(claim: Claim) -> dict[str, Any]:
    row = claim_json(claim)
    return {**{k: row.get(k) for k in CLAIM_CSV_COLUMNS}, "sources": len(claim.sources)}


def echo_claims(claims: list[Claim], fmt: str) -> None:
    """Print claims as a table (with a header), JSON, newline-delimited JSON or CSV."""
    if fmt == "json":
        echo_json([claim_json(c) for c in claims])
    elif fmt == "nl":
        for claim in claims:
            click.echo(json.dumps(claim_json(claim), ensure_ascii=False))
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, CLAIM_CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(claim_csv_row(c) for c in claims)
        click.echo(out.getvalue(), nl=False)
    else:
        rows = [(c.id, c.status.value, shorten(c.text, 70)) for c in claims]
        echo_table(("id", "status", "text"), rows)


def echo_table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """Columns padded to their widest cell, under a header and a rule (the last one unpadded)."""
    widths = [
        max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=False)
    ]
    for line in (headers, tuple("-" * w for w in widths), *rows):
        cells = [str(c).ljust(w) for c, w in zip(line[:-1], widths, strict=False)]
        click.echo("  ".join([*cells, str(line[-1])]).rstrip())


def format_flag(flag: Flag) -> str:
    lines = [
        f"flag #{flag.id} [{flag.state.value}] {flag.kind.value} on {flag.claim_id} "
        f"by {flag.user_id} at {flag.created_at:%Y-%m-%d %H:%M}",
        _wrap(f"reason: {flag.reason}", "  "),
    ]
    if flag.evidence_url:
        lines.append(f"  evidence: {flag.evidence_url}")
    if flag.message_text:
        lines.append(_wrap(f"message: {flag.message_text}", "  "))
    account, member = flag.account_age(), flag.membership()
    if account is not None or member is not None:
        ages = [f"account {account.days} days old" if account is not None else ""]
        ages.append(f"in the server {member.days} days" if member is not None else "")
        lines.append(f"  when flagging: {', '.join(a for a in ages if a)}")
    if flag.held:
        lines.append(f"  not counted publicly: {', '.join(r.label for r in flag.held)}")
    if flag.group_dismissed:
        lines.append("  dismissed with a group")
    if flag.resolved_by:
        lines.append(f"  resolved by {flag.resolved_by}: {flag.resolution_note or '(no note)'}")
    return "\n".join(lines)


def format_history(entries: list[AuditEntry]) -> str:
    lines = []
    for entry in entries:
        what = entry.action if entry.field is None else f"{entry.action} {entry.field}"
        change = ""
        if entry.field is not None:
            change = f": {entry.old!r} → {entry.new!r}"
        elif entry.new:
            change = f": {entry.new}"
        lines.append(f"{entry.at:%Y-%m-%d %H:%M:%S}  {entry.actor:<20} {what}{change}")
    return "\n".join(lines) or "no history"
