"""Read claim files (CSV, TSV, JSONL) into validated `ClaimFields`, row by row.

Every row is validated before anything is stored, and every problem of every row is reported
together once the file is read: an import is all or nothing, fixed in one pass. Column names
(JSONL keys) are matched in any case, with spaces or hyphens for underscores, and by the
aliases in `COLUMNS`; a byte-order mark (Excel's "CSV UTF-8") is ignored. An unknown column is
refused, naming the nearest known one, unless the caller asks to ignore unknown columns.
"""

from __future__ import annotations

import csv
import difflib
import functools
import itertools
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple, TextIO

from pydantic import ValidationError

from verifiers.domain.errors import InvalidInput
from verifiers.domain.models import ClaimFields, SourceRole, Status
from verifiers.domain.validation import JsonProblem, parse_json, problem_message
from verifiers.interchange.problems import Problems

FORMATS = ("csv", "tsv", "jsonl")
MAX_ROW_CHARS = 1_000_000  # a JSONL line or a CSV field; a claim with its sources is far less
MAX_NAME_SHOWN = 60  # characters of a column name or id repeated in an error message
MAX_UNKNOWN_SHOWN = 10  # unknown columns named in the error


class Column(NamedTuple):
    aliases: tuple[str, ...]
    meaning: str


def _choices(values: type[Status] | type[SourceRole], default: str) -> str:
    names = [f"{v.value} (the default)" if v.value == default else v.value for v in values]
    return ", ".join(names[:-1]) + f" or {names[-1]}, in any case"


# Every column an import file may have: its name, the other names accepted for it, and what it
# holds. `claimbot import --help` is written from this table (`column_help`), and so can docs.
COLUMNS: dict[str, Column] = {
    "id": Column(
        (),
        "the claim's id in the file's own system, kept as its external id: a row whose id is "
        "already imported is skipped",
    ),
    "text": Column(("claim",), "the claim (required)"),
    "summary": Column(("title",), "a short title, matched like the text"),
    "status": Column(("rating", "verdict"), _choices(Status, Status.UNVERIFIED)),
    "explanation": Column((), "why the claim has that status"),
    "claimant": Column(("speaker", "claimed_by"), "who made the claim"),
    "claim_date": Column(("date",), "when the claim was made, YYYY-MM-DD"),
    "source_url": Column(("url", "link"), "the source's link"),
    "publisher": Column(
        ("outlet", "source_publisher"), "the source's publisher (needed for any source)"
    ),
    "source_title": Column(("source_headline",), "the source's headline"),
    "published": Column(
        ("published_date", "source_date"), "when the source was published, YYYY-MM-DD"
    ),
    "quote": Column(("excerpt", "source_quote"), "the source's words that bear on the claim"),
    "role": Column(("source_role",), _choices(SourceRole, SourceRole.ORIGINAL)),
    "sources": Column(
        (),
        "several sources instead of the source columns: a JSON list of objects with the keys "
        "url, publisher, title, published, quote and role",
    ),
    "guild_id": Column(
        (), "the Discord server the claim belongs to; empty: every server (--guild overrides)"
    ),
    "external_id": Column((), "the external id when there is no id"),
    "retired": Column((), "a row marked true (a retired claim) is counted, not imported"),
}
# The rest of what `claimbot export` writes: the importing database assigns these anew.
EXPORT_ONLY = ("created_at", "created_by", "updated_at", "updated_by", "version")
# The source columns, and the `Source` field each fills.
SOURCE_COLUMNS = {
    "source_url": "url",
    "publisher": "publisher",
    "source_title": "title",
    "published": "published",
    "quote": "quote",
    "role": "role",
}


@functools.lru_cache(maxsize=4096)  # a file repeats its keys, statuses and roles on every row
def normal_name(name: str) -> str:
    """A column name as it is matched: any case, outer spaces and a byte-order mark dropped,
    spaces and hyphens as underscores ("Claim Date" is claim_date)."""
    return re.sub(r"[\s\-]+", "_", name.strip().lstrip("\ufeff").strip().lower())


_CANONICAL: dict[str, str | None] = {  # matched name -> column (None: accepted, not imported)
    **dict.fromkeys(EXPORT_ONLY),
    **{alias: name for name, column in COLUMNS.items() for alias in (name, *column.aliases)},
}
_SOURCE_KEYS: dict[str, str] = {  # a key of a `sources` object -> the Source field it fills
    **{field: field for field in SOURCE_COLUMNS.values()},
    **{
        alias: field
        for column, field in SOURCE_COLUMNS.items()
        for alias in (column, *COLUMNS[column].aliases)
    },
}


def column_help() -> list[str]:
    """One line per accepted column: its name, its aliases and what it holds."""
    lines = []
    for name, column in COLUMNS.items():
        aliases = f" (or {', '.join(column.aliases)})" if column.aliases else ""
        lines.append(f"{name}{aliases}: {column.meaning}")
    return lines


def _suggestion(name: str, known: Mapping[str, object]) -> str:
    """A " (did you mean ...?)" naming the known name nearest `name`, or "" if none is near."""
    if len(name) > MAX_NAME_SHOWN:  # far from every known name, and slow to compare
        return ""
    near = difflib.get_close_matches(normal_name(name), list(known), n=1, cutoff=0.6)
    return f" (did you mean {near[0]!r}?)" if near else ""


def _quoted(name: Any) -> str:
    """A name or value from the file, quoted for a message and cut to a readable length."""
    text = str(name)
    return repr(text if len(text) <= MAX_NAME_SHOWN else text[: MAX_NAME_SHOWN - 1] + "…")


def quoted_names(names: list[str], *, suggest: bool = False) -> str:
    """The first MAX_UNKNOWN_SHOWN names, quoted (each with the known name nearest it)."""
    shown = [
        _quoted(name) + (_suggestion(name, _CANONICAL) if suggest else "")
        for name in names[:MAX_UNKNOWN_SHOWN]
    ]
    rest = len(names) - len(shown)
    return ", ".join(shown) + (f" and {rest} more" if rest > 0 else "")


csv.field_size_limit(MAX_ROW_CHARS)


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


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _flag(value: Any) -> bool | None:
    """A true/false cell (true, yes, 1 / false, no, 0), or None if it is neither."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    return True if text in ("true", "yes", "1") else False if text in ("false", "no", "0") else None


def _slug(value: Any) -> Any:
    """Statuses and roles in any case, spaces or hyphens for underscores ("Fact check")."""
    return normal_name(value) if isinstance(value, str) else value


class Row(NamedTuple):
    """One row as read: where a person finds it, its values by column, and each column's name
    as the file spells it (for messages)."""

    label: str
    values: dict[str, Any]
    names: Mapping[str, str]
    word: str  # "column" or "key"


class ClaimFile:
    """A claim file as `claimbot import` reads it: iterate for its claims, one at a time, so a
    million-line file is never all in memory. Bad rows are skipped while reading and reported
    together once the file is read: the InvalidInput comes at the end, so a caller writing
    inside one transaction rolls it all back ("all rows or none")."""

    def __init__(
        self,
        path: Path,
        fmt: str | None = None,
        guild_id: int | None = None,
        *,
        ignore_unknown: bool = False,
    ) -> None:
        self.path = path
        self.fmt = detect_format(path, fmt)
        self.guild_id = guild_id  # given: every claim goes to this server, whatever the file says
        self.ignore_unknown = ignore_unknown
        self.ignored: list[str] = []  # unknown columns passed over, as the file names them
        self.retired = 0  # rows not imported because they hold a retired claim
        self._named: set[str] = set()  # unknown keys named as errors, each once

    def __iter__(self) -> Iterator[ClaimFields]:
        problems = Problems(self.path.name)
        self.ignored, self.retired, self._named = [], 0, set()
        seen: dict[tuple[str, str], str] = {}  # (server, id) -> the row that has it
        found = 0
        for row in self._rows(problems):
            fields = self._fields(row, problems, seen)
            if fields is None:
                continue
            found += 1
            if not problems:  # once a row is bad nothing will be imported: stop handing rows out
                yield fields
        hint = "use --ignore-unknown to import without the unknown keys" if self._named else ""
        problems.raise_if_any(hint)
        if not found and not self.retired:
            raise InvalidInput(f"{self.path.name}: no claims found")

    # -- reading ---------------------------------------------------------------------------

    def _rows(self, problems: Problems) -> Iterator[Row]:
        try:
            handle = self.path.open(encoding="utf-8-sig", newline="")
        except OSError as exc:
            raise InvalidInput(f"cannot read {self.path}: {exc.strerror}") from None
        with handle:
            try:
                if self.fmt == "jsonl":
                    yield from self._json_rows(handle, problems)
                else:
                    yield from self._table_rows(handle, problems)
            except UnicodeDecodeError:
                raise InvalidInput(
                    f"{self.path.name} is not UTF-8 text (from Excel, save it as 'CSV UTF-8')"
                ) from None

    def _json_rows(self, handle: TextIO, problems: Problems) -> Iterator[Row]:
        for number, line in enumerate(_lines(handle, MAX_ROW_CHARS), start=1):
            label = f"line {number}"
            if line is None:
                problems.add(label, f"longer than {MAX_ROW_CHARS:,} characters")
                continue
            line = line.lstrip("\ufeff")  # files joined together keep their marks
            if not line.strip():
                continue
            try:
                data = parse_json(line)
            except JsonProblem as exc:
                problems.add(label, str(exc))
                continue
            if not isinstance(data, dict):
                problems.add(label, "expected a JSON object")
                continue
            values: dict[str, Any] = {}
            names: dict[str, str] = {}
            for key, value in data.items():
                name = str(key)
                column = _CANONICAL.get(normal_name(name), "?")
                if column == "?":
                    self._unknown_key(name, name, _CANONICAL, label, problems)
                elif column is None:
                    continue
                elif column in values:
                    both = f"{_quoted(names[column])} and {_quoted(name)}"
                    problems.add(label, f"keys {both} both give {column}")
                else:
                    values[column] = value
                    names[column] = name
            if isinstance(values.get("sources"), list):
                values["sources"] = [
                    self._source_keys(item, f"sources[{index}]", label, problems)
                    for index, item in enumerate(values["sources"])
                ]
            yield Row(label, values, names, "key")

    def _source_keys(self, item: Any, where: str, label: str, problems: Problems) -> Any:
        """A `sources` object keyed by Source field, its unknown keys named or dropped."""
        if not isinstance(item, dict):
            return item  # validation says what is wrong with it
        source: dict[str, Any] = {}
        for key, value in item.items():
            field = _SOURCE_KEYS.get(normal_name(str(key)))
            if field is None:
                self._unknown_key(f"{where}.{key}", key, _SOURCE_KEYS, label, problems)
            elif field in source:
                problems.add(label, f"two keys give the source's {field}", f"key {where}")
            else:
                source[field] = value
        return source

    def _unknown_key(
        self,
        where: str,
        key: str,
        known: Mapping[str, object],
        label: str,
        problems: Problems,
    ) -> None:
        """Name an unknown key once, where it first appears, or note it as ignored."""
        shape = re.sub(r"\[\d+\]", "[]", where)  # the same key of every source is one key
        if self.ignore_unknown:
            if shape not in self.ignored:
                self.ignored.append(shape)
        elif shape not in self._named:
            self._named.add(shape)
            problems.add(label, "unknown key" + _suggestion(key, known), f"key {_quoted(where)}")

    def _table_rows(self, handle: TextIO, problems: Problems) -> Iterator[Row]:
        first = handle.readline()
        delimiter = "\t" if self.fmt == "tsv" else ","
        if self.fmt == "csv" and "," not in first and ";" in first:
            delimiter = ";"  # Excel writes semicolons where the decimal mark is a comma
        reader = csv.reader(itertools.chain([first], handle), delimiter=delimiter)
        try:
            header = next(reader, [])
            columns, names = self._header(header)
            record, last_line = 1, reader.line_num
            for cells in reader:
                record += 1
                start, last_line = last_line + 1, reader.line_num
                if not any(cell.strip() for cell in cells):
                    continue  # an empty row (spreadsheets leave them) holds nothing to lose
                label = f"line {start}" + (f" (row {record})" if record != start else "")
                values: dict[str, Any] = {}
                for index, cell in enumerate(cells):
                    column = columns[index] if index < len(columns) else None
                    if column is not None:
                        values[column] = cell
                    elif cell.strip() and index >= len(columns):
                        problems.add(label, "more fields than the header names")
                        break
                    elif cell.strip() and not header[index].strip():
                        problems.add(label, "a value under no heading", f"column {index + 1}")
                yield Row(label, values, names, "column")
        except csv.Error as exc:
            raise InvalidInput(f"{self.path.name} line {reader.line_num}: {exc}") from None

    def _header(self, header: list[str]) -> tuple[list[str | None], dict[str, str]]:
        """The column each heading fills (None: not imported) and each column's heading."""
        columns: list[str | None] = []
        names: dict[str, str] = {}
        unknown: list[str] = []
        for heading in header:
            column = _CANONICAL.get(normal_name(heading), "?") if heading.strip() else None
            if column == "?":
                unknown.append(heading.strip())
                column = None
            elif column is not None and column in names:
                raise InvalidInput(
                    f"{self.path.name}: columns {_quoted(names[column])} and "
                    f"{_quoted(heading.strip())} both give {column}"
                )
            elif column is not None:
                names[column] = heading.strip()
            columns.append(column)
        if unknown and self.ignore_unknown:
            self.ignored.extend(unknown)
        elif unknown:
            them = "it" if len(unknown) == 1 else "them"
            raise InvalidInput(
                f"{self.path.name}: unknown column{'s' if len(unknown) > 1 else ''} "
                + quoted_names(unknown, suggest=True)
                + f"; use --ignore-unknown to import without {them}"
            )
        if "text" not in names:
            raise InvalidInput(f"{self.path.name}: the header must name a 'text' column")
        return columns, names

    # -- validating ------------------------------------------------------------------------

    def _fields(
        self, row: Row, problems: Problems, seen: dict[tuple[str, str], str]
    ) -> ClaimFields | None:
        """The row's claim, or None once each of its problems is added to `problems`. `seen`
        holds the ids of the rows before it, bad rows' too: a repeat is named in the same run."""
        values = {k: v for k, v in row.values.items() if not _blank(v)}
        names = row.names
        count = len(problems.lines)

        def add(message: str, column: str | None = None) -> None:
            where = f"{row.word} {names.get(column, column)}" if column else None
            problems.add(row.label, message, where)

        retired = _flag(values.get("retired", False))
        if retired is None:
            add("must be true or false", "retired")
        flat = {field: values[c] for c, field in SOURCE_COLUMNS.items() if c in values}
        sources: Any = [flat] if flat else []
        if "sources" in values:
            sources = values["sources"]
            if isinstance(sources, str):  # a CSV cell holding the JSON list
                try:
                    sources = parse_json(sources)
                except JsonProblem as exc:
                    add(f"not a JSON list: {exc}", "sources")
                    sources = []
            if flat:
                add("give sources either as a list or in source columns, not both", "sources")
        if isinstance(sources, list):
            sources = [
                {k: _slug(v) if k == "role" else v for k, v in s.items() if not _blank(v)}
                if isinstance(s, dict)
                else s
                for s in sources
            ]
        external_id = values.get("id", values.get("external_id"))
        guild_id = self.guild_id if self.guild_id is not None else values.get("guild_id")
        data = {
            "text": values.get("text", ""),
            "status": _slug(values.get("status", Status.UNVERIFIED)),
            "explanation": values.get("explanation", ""),
            "claimant": values.get("claimant"),
            "claim_date": values.get("claim_date"),
            "summary": values.get("summary", ""),
            "sources": sources,
            "external_id": None if external_id is None else str(external_id),
            "guild_id": guild_id,
        }
        fields: ClaimFields | None = None
        try:
            fields = ClaimFields.model_validate(data)
        except ValidationError as exc:
            for problem in exc.errors():
                column = _column(problem["loc"], bool(flat), "id" in values)
                message = problem_message(problem)
                if problem["type"] == "missing" and column.endswith("publisher"):
                    message = "a source needs a publisher"
                elif problem["type"].startswith("date"):
                    message += " (write dates as YYYY-MM-DD)"
                add(message, column)
        if external_id is not None:
            key = (str(guild_id or 0).strip(), str(external_id).strip())
            if key in seen:
                where = "id" if "id" in values else "external_id"
                add(f"{_quoted(key[1])} repeats {seen[key]}", where)
            else:
                seen[key] = row.label
        if fields is None or len(problems.lines) > count:
            return None
        if retired:
            self.retired += 1
            return None
        return fields


def _lines(handle: TextIO, limit: int) -> Iterator[str | None]:
    """The file's lines, each None where it is longer than `limit` characters: such a line is
    skipped, never held in memory whole."""
    while line := handle.readline(limit + 1):
        if len(line) <= limit or line.endswith("\n"):
            yield line
            continue
        while (rest := handle.readline(limit)) and not rest.endswith("\n"):
            pass
        yield None


def _column(loc: tuple[int | str, ...], flat: bool, has_id: bool) -> str:
    """The column (or key) a validation problem of `ClaimFields` is in."""
    head = str(loc[0]) if loc else ""
    if head == "external_id":
        return "id" if has_id else "external_id"
    if head == "sources" and flat and len(loc) >= 3:  # the one source of the source columns
        return next(column for column, f in SOURCE_COLUMNS.items() if f == loc[2])
    if head == "sources":
        return head + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc[1:])
    return head


def stream_claims(
    path: Path, fmt: str | None = None, guild_id: int | None = None
) -> Iterator[ClaimFields]:
    """The file's claims one at a time (see `ClaimFile`); unknown columns are refused."""
    return iter(ClaimFile(path, fmt, guild_id))
