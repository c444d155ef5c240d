"""Seed claims: the curated, sourced claims every new database starts with.

They live in the checkout's `seeds/claims.jsonl` (shipped in the wheel as `verifiers/seeds/`, see
setup.py), one JSON object a line:

    {"id": "...", "text": "...", "status": "reported", "explanation": "...",
     "claimant": "..." | null, "claim_date": "2025-07-04" | null, "summary": "...",
     "sources": [{"url": "...", "publisher": "...", "title": "...", "published": "2025-07-15",
                  "quote": "...", "role": "original"}]}

`Store.seed` applies them idempotently (see `verifiers.store.ports.Store.seed`).
"""

from __future__ import annotations

import importlib.resources
import logging
from importlib.resources.abc import Traversable
from pathlib import Path

from pydantic import ValidationError

from verifiers.domain.errors import InvalidInput
from verifiers.domain.models import ClaimFields, Source
from verifiers.domain.validation import first_problem, json_object
from verifiers.store.sql.values import check_claim_id

log = logging.getLogger(__name__)

SEED_FILE = "claims.jsonl"
CLAIM_KEYS = frozenset(ClaimFields.model_fields) - {"guild_id"} | {"id"}
SOURCE_KEYS = frozenset(Source.model_fields)


def packaged_seeds() -> Traversable | None:
    """The seed folder: `verifiers/seeds/` installed, or the source checkout's `seeds/` (which
    an editable install leaves in place); None if absent."""
    installed = importlib.resources.files("verifiers") / "seeds"
    if installed.is_dir():
        return installed
    checkout = Path(__file__).resolve().parent.parent / "seeds"
    return checkout if checkout.is_dir() else None


def load_seed_claims(path: Path | Traversable | None = None) -> list[tuple[str, ClaimFields]]:
    """Read and validate seed claims from a seeds directory (or a .jsonl file).

    `None` reads the packaged seeds, and finds none (with a warning) if they are missing.
    A malformed row raises InvalidInput naming the file and line.
    """
    if path is None:
        folder = packaged_seeds()
        file = folder / SEED_FILE if folder is not None else None
        if file is None or not file.is_file():
            log.warning("no packaged seed file %s found: nothing to seed", SEED_FILE)
            return []
    else:
        file = path / SEED_FILE if path.is_dir() else path
        if not file.is_file():
            raise InvalidInput(f"seed file not found: {file}")
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(f"{file}: not UTF-8 text") from None
    except OSError as exc:
        raise InvalidInput(f"cannot read seed file {file}: {exc.strerror or exc}") from None

    claims: list[tuple[str, ClaimFields]] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            claim_id, fields = _parse_row(line, f"{file} line {number}")
            if claim_id in seen:
                raise InvalidInput(
                    f"{file} line {number}: claim id {claim_id} repeats line {seen[claim_id]}"
                )
            seen[claim_id] = number
            claims.append((claim_id, fields))
    return claims


def _parse_row(line: str, where: str) -> tuple[str, ClaimFields]:
    row = json_object(line, where)
    claim_id = row.pop("id", None)
    if not claim_id:
        raise InvalidInput(f'{where}: missing "id"')
    try:
        check_claim_id(claim_id)
    except InvalidInput as exc:
        raise InvalidInput(f"{where}: {exc}") from None
    unknown = set(row) - CLAIM_KEYS
    for source in row.get("sources") or []:
        if isinstance(source, dict):
            unknown |= {f"sources.{key}" for key in set(source) - SOURCE_KEYS}
    if unknown:
        raise InvalidInput(f"{where} (claim {claim_id}): unknown field {sorted(unknown)[0]!r}")
    try:
        fields = ClaimFields.model_validate(row)
    except ValidationError as exc:
        raise InvalidInput(f"{where} (claim {claim_id}): {first_problem(exc, 'row')}") from None
    return claim_id, fields
