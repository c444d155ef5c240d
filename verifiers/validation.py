"""Build models from user input, turning pydantic's errors into one readable line."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from verifiers.errors import InvalidInput

M = TypeVar("M", bound=BaseModel)


def problem_message(problem: ErrorDetails) -> str:
    """One pydantic problem's message, worded for a person (an enum lists its values)."""
    message = problem["msg"]
    if problem["type"] == "enum":
        expected = problem.get("ctx", {}).get("expected", "")
        message = f"must be one of {expected}" if expected else message
    return message


def describe(error: ValidationError) -> str:
    """'field: message' for the first problem: enough for a person to fix it."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    message = problem_message(first)
    return f"{where}: {message}" if where else message


def first_problem(error: ValidationError, whole: str) -> str:
    """'field: message' for the first problem, naming `whole` when it concerns the whole."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or whole
    return f"{where}: {first['msg']}"


def build(model: type[M], **data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(f"invalid {describe(exc)}") from None


def json_object(line: str, where: str) -> dict[str, Any]:
    """One JSON Lines row as an object, or one line naming `where` it went wrong."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(row, dict):
        raise InvalidInput(f"{where}: expected a JSON object")
    return row
