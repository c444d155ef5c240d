"""Build models from user input, turning pydantic's errors into one readable line."""

from __future__ import annotations

import json
import re
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from verifiers.domain.errors import InvalidInput

M = TypeVar("M", bound=BaseModel)

MAX_JSON_DEPTH = 64  # levels of nesting; claimbot's own files and real JSON-LD use under 10
MAX_JSON_DIGITS = 100  # digits of an integer; ids are at most 20, Python reads at most 4,300


class JsonProblem(InvalidInput):
    """Text that is not JSON within the limits; the message says what, the caller says where."""


class _LongNumber(ValueError):
    pass


def _integer(digits: str) -> int:
    if len(digits) - digits.startswith("-") > MAX_JSON_DIGITS:
        raise _LongNumber
    return int(digits)


def parse_json(text: str) -> Any:
    """`json.loads` for text from outside: nesting deeper than MAX_JSON_DEPTH and integers
    longer than MAX_JSON_DIGITS are refused like broken JSON, as a JsonProblem, instead of
    exhausting the stack or Python's integer conversion. A lone surrogate ("\\udcff", which
    JSON allows and no database can store) becomes U+FFFD, as undecodable bytes in a file do."""
    try:
        value = json.loads(text, parse_int=_integer)
    except _LongNumber:
        raise JsonProblem(f"a number is longer than {MAX_JSON_DIGITS} digits") from None
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}" if exc.lineno > 1 else f"column {exc.colno}"
        raise JsonProblem(f"not valid JSON ({exc.msg} at {where})") from None
    except RecursionError:  # far deeper than the limit: the parser ran out of stack first
        raise JsonProblem(_too_deep()) from None
    # No text with fewer opening brackets can nest deeper: most skip the walk (an import's rows).
    if (
        isinstance(value, dict | list)
        and text.count("[") + text.count("{") > MAX_JSON_DEPTH
        and _deeper_than(value, MAX_JSON_DEPTH)
    ):
        raise JsonProblem(_too_deep())
    if _SURROGATE.search(text) or _ESCAPED_SURROGATE.search(text):
        return _mended(value)
    return value


_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")  # a pair is joined by the parser; one is not


def _mended(value: Any) -> Any:
    """`value` with each lone surrogate in its strings (keys too) replaced by U+FFFD (the depth
    is already checked, so recursion is safe)."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_mended(item) for item in value]
    if isinstance(value, dict):
        return {_mended(key): _mended(item) for key, item in value.items()}
    return value


def _too_deep() -> str:
    return f"nested deeper than {MAX_JSON_DEPTH} levels"


def _deeper_than(value: dict[str, Any] | list[Any], limit: int) -> bool:
    """True if lists and objects nest more than `limit` levels (walked without recursion)."""
    stack: list[tuple[dict[str, Any] | list[Any], int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        for child in children:
            if isinstance(child, dict | list):
                if depth >= limit:
                    return True
                stack.append((child, depth + 1))
    return False


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
        row = parse_json(line)
    except JsonProblem as exc:
        raise InvalidInput(f"{where}: {exc}") from None
    if not isinstance(row, dict):
        raise InvalidInput(f"{where}: expected a JSON object")
    return row
