"""What the derived indexes share: the error that asks for a rebuild, and reading the state
file that names what a folder holds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from verifiers.domain.errors import ClaimbotError

STATE = "state.json"


class IndexUnusable(ClaimbotError):
    """The folder holds no index, a damaged one, or one of another format (or model): rebuild
    it from the database."""


def first_line(exc: BaseException) -> str:
    """An exception's first line, for a one-line message."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def read_state(folder: Path, what: str, version: int) -> dict[str, Any]:
    """The folder's state file as a JSON object of format `version`, or `IndexUnusable`
    naming `what` ("search index", "vector index") in one line."""
    path = folder / STATE
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexUnusable(f"no {what} in {folder}: build it") from None
    except (OSError, ValueError) as exc:
        raise IndexUnusable(
            f"{what} state {path} is unreadable ({first_line(exc)}): rebuild it"
        ) from None
    if not isinstance(data, dict) or data.get("format") != version:
        raise IndexUnusable(f"{what} in {folder} is of another format: rebuild it")
    return data
