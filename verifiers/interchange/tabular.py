"""Read claim files (CSV, TSV, JSONL) into validated `ClaimFields`, row by row.

Every row is validated before anything is stored, so a bad row 9,000 of 10,000 costs
nothing but a message naming it: an import is all or nothing.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from verifiers.errors import InvalidInput
from verifiers.models import ClaimFields, Source
from verifiers.validation import describe

FORMATS = ("csv", "tsv", "jsonl")
SOURCE_COLUMNS = {
    "source_url": "url",
    "url": "url",
    "publisher": "publisher",
    "source_title": "title",
    "published": "published",
    "quote": "quote",
    "role": "role",
}
MAX_ERRORS_SHOWN = 5

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def detect_format(path: Path, explicit: str | None = None) -> str:
    if explicit:
        if explicit not in FORMATS:
            raise InvalidInput(f"unknown format {explicit!r}: use one of {', '.join(FORMATS)}")
        return explicit
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("json", "ndjson"):
        suffix = "jsonl"
    if suffix not in FORMATS:
        raise InvalidInput(
            f"cannot tell the format of {path.name}: name it .csv, .tsv or .jsonl, or pass --format"
        )
    return suffix


def _rows(path: Path, fmt: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (row number as a person counts it, raw row) pairs."""
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from None
    with handle:
        try:
            if fmt == "jsonl":
                for number, line in enumerate(handle, start=1):
                    if not line.strip():
                        continue
                    try:
                        row = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise InvalidInput(
                            f"{path.name} line {number}: not valid JSON ({exc.msg})"
                        ) from None
                    if not isinstance(row, dict):
                        raise InvalidInput(f"{path.name} line {number}: expected a JSON object")
                    yield number, row
                return
            reader = csv.DictReader(handle, delimiter="\t" if fmt == "tsv" else ",")
            if not reader.fieldnames or "text" not in {f.strip() for f in reader.fieldnames}:
                raise InvalidInput(f"{path.name}: the header must name a 'text' column")
            for row in reader:
                if None in row:
                    raise InvalidInput(
                        f"{path.name} line {reader.line_num}: more fields than the header names"
                    )
                yield reader.line_num, {k.strip(): v for k, v in row.items() if k is not None}
        except UnicodeDecodeError:
            raise InvalidInput(f"{path.name} is not UTF-8 text") from None


def _blank_to_none(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (None if isinstance(v, str) and not v.strip() else v) for k, v in row.items()}


def row_to_fields(row: dict[str, Any], guild_id: int | None = None) -> ClaimFields:
    """Map one file row to ClaimFields; the file's `id` becomes the claim's external id."""
    row = _blank_to_none(row)
    sources = row.get("sources")
    if sources is None:
        flat = {dst: row.get(src) for src, dst in SOURCE_COLUMNS.items() if row.get(src)}
        sources = [flat] if flat.get("url") or flat.get("publisher") else []
        if sources and not sources[0].get("publisher"):
            raise InvalidInput("a source needs a publisher")
    fields = {
        "text": row.get("text") or "",
        "status": row.get("status") or "unverified",
        "explanation": row.get("explanation") or "",
        "claimant": row.get("claimant"),
        "claim_date": row.get("claim_date"),
        "summary": row.get("summary") or row.get("title") or "",
        "sources": [Source.model_validate(s) for s in sources],
        "external_id": None if row.get("id") is None else str(row["id"]),
        "guild_id": guild_id,
    }
    return ClaimFields.model_validate(fields)


def stream_claims(
    path: Path, fmt: str | None = None, guild_id: int | None = None
) -> Iterator[ClaimFields]:
    """The file's claims one at a time, so a million-line file is never all in memory. Bad
    rows are skipped while reading and reported together once the file is read: the
    InvalidInput comes at the end, so a caller writing inside one transaction rolls it all
    back ("all rows or none")."""
    fmt = detect_format(path, fmt)
    errors: list[str] = []
    seen: dict[str, int] = {}
    found = 0
    for number, row in _rows(path, fmt):
        try:
            fields = row_to_fields(row, guild_id)
        except ValidationError as exc:
            errors.append(f"line {number}: {describe(exc)}")
            continue
        except InvalidInput as exc:
            errors.append(f"line {number}: {exc}")
            continue
        if fields.external_id is not None:
            first = seen.get(fields.external_id)
            if first is not None:
                errors.append(f"line {number}: id {fields.external_id!r} repeats line {first}")
                continue
            seen[fields.external_id] = number
        found += 1
        if not errors:  # once a row is bad nothing will be imported: stop handing rows out
            yield fields
    if errors:
        more = (
            f" (and {len(errors) - MAX_ERRORS_SHOWN} more)"
            if len(errors) > MAX_ERRORS_SHOWN
            else ""
        )
        raise InvalidInput(
            f"{path.name}: nothing imported; {len(errors)} bad row(s): "
            + "; ".join(errors[:MAX_ERRORS_SHOWN])
            + more
        )
    if not found:
        raise InvalidInput(f"{path.name}: no claims found")
