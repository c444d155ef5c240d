"""Validation and value conversion every backend shares: ids, actors, seed hashes, rows → models."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from verifiers.domain.errors import InvalidInput, NotFound
from verifiers.domain.models import Claim, ClaimFields, Source
from verifiers.store.records import Change

SEED_ACTOR = "seed"
BUSY_MESSAGE = "the database is busy right now; try again in a moment"
EDITABLE = ("text", "status", "explanation", "claimant", "claim_date", "summary")
SEEDED = (*EDITABLE, "external_id")

# Every column of `claims` but PostgreSQL's search ones, which only the database reads.
CLAIM_COLUMNS = (
    "pk, id, text, status, explanation, claimant, claim_date, summary, external_id, guild_id,"
    " created_at, created_by, updated_at, updated_by, version, retired, seed_hash"
)

# A NUL would end FTS5's query string early; a lone surrogate (from undecodable bytes in a
# command line) cannot be encoded for the database at all.
CONTROL = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
CLAIM_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
Row = Mapping[str, Any]  # sqlite3.Row and psycopg's dict rows both read by column name


def new_claim_id() -> str:
    """`c` + 8 lowercase base32 characters (40 random bits)."""
    return new_claim_ids(1)[0]


def new_claim_ids(count: int) -> list[str]:
    """`count` new claim ids at once (an import's chunk: one call for the random bytes)."""
    # 5 bytes are exactly 8 base32 characters, so the ids are slices of one encoding.
    encoded = base64.b32encode(secrets.token_bytes(5 * count)).decode("ascii").lower()
    return ["c" + encoded[i : i + 8] for i in range(0, 8 * count, 8)]


def check_claim_id(claim_id: str) -> str:
    if not isinstance(claim_id, str) or not CLAIM_ID.fullmatch(claim_id):
        raise InvalidInput(
            f"invalid claim id {short(str(claim_id))!r}: use 1-64 letters, digits, '.', '_', ':'"
            " or '-', starting with a letter or digit"
        )
    return claim_id


def check_actor(actor: str) -> str:
    actor = str(actor or "").strip()
    if not actor:
        raise InvalidInput("every change needs an actor (who made it)")
    return actor


def check_enum(kind: type[Any], value: object, what: str) -> Any:
    """`value` as a member of the enum `kind`, or InvalidInput naming `what` was unknown."""
    try:
        return kind(value)
    except ValueError:
        raise InvalidInput(f"unknown {what} {short(str(value))!r}") from None


def row_number(value: object, missing: str) -> int:
    """A row id from user input; anything that cannot be one (not a number, beyond bigint)
    is NotFound with the `missing` message, as an id nobody has."""
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise NotFound(missing) from None
    if not -(2**63) <= number < 2**63:
        raise NotFound(missing)
    return number


def seed_hash(fields: ClaimFields) -> str:
    """A stable hash of a seed row's content, to tell whether the seed changed."""
    data = fields.model_dump(mode="json", exclude={"guild_id"})
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def ts(moment: datetime) -> str:
    """A timestamp as sortable UTC ISO 8601 text with a fixed width (SQLite's columns)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def as_text(value: object) -> str | None:
    """A field value as stored in a text column and shown in audit history."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "value"):  # StrEnum
        return str(value.value)
    return str(value)


def short(text: str, limit: int = 40) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def source_from_row(row: Row) -> Source:
    return Source.model_validate(
        {
            "url": row["url"],
            "publisher": row["publisher"],
            "title": row["title"],
            "published": row["published"],
            "quote": row["quote"],
            "role": row["role"],
        }
    )


def claim_from_row(row: Row, sources: list[Source]) -> Claim:
    return Claim.model_validate(
        {
            "id": row["id"],
            "text": row["text"],
            "status": row["status"],
            "explanation": row["explanation"],
            "claimant": row["claimant"],
            "claim_date": row["claim_date"],
            "summary": row["summary"],
            "sources": sources,
            "external_id": row["external_id"],
            "guild_id": row["guild_id"],
            "created_at": row["created_at"],
            "created_by": row["created_by"],
            "updated_at": row["updated_at"],
            "updated_by": row["updated_by"],
            "version": row["version"],
            "retired": bool(row["retired"]),
        }
    )


def change_of(row: Row) -> Change:
    """A row of a change feed (an audit row, a vector change) as an index records it: its id,
    and what tells it from another database's row of the same id (its claim and its time)."""
    return Change(int(row["id"]), f"{row['claim_pk']}@{row['at']}")
