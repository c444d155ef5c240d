"""Every problem found in an import file, reported together once the file is read."""

from __future__ import annotations

from verifiers.domain.errors import InvalidInput

MAX_PROBLEMS_SHOWN = 20


class FileProblems(InvalidInput):
    """A file's problems, a line each: a list a person can work through, not one run-on line
    (each line is still tidied as any error's one line is)."""

    def __init__(self, message: str) -> None:
        lines = [
            line[: len(line) - len(line.lstrip())] + " ".join(line.split())
            for line in message.splitlines()
        ]
        Exception.__init__(self, "\n".join(lines))


class Problems:
    """Problems of the rows (or reviews) of one file. An import with any is refused whole, so
    all of them are listed at once: a person fixes the file in one pass, not one error a run."""

    def __init__(self, name: str, unit: str = "rows") -> None:
        self.name = name
        self.unit = unit  # what `row` counts, in the plural
        self.lines: list[str] = []
        self.rows: set[str] = set()

    def add(self, row: str, message: str, where: str | None = None) -> None:
        """`row` as a person finds it ("line 7"), `where` in it (a column), what is wrong."""
        self.rows.add(row)
        self.lines.append(f"{row}, {where}: {message}" if where else f"{row}: {message}")

    def __bool__(self) -> bool:
        return bool(self.lines)

    def raise_if_any(self, hint: str = "") -> None:
        """InvalidInput listing the problems: one line when there is one, else a count and a
        line each (the first MAX_PROBLEMS_SHOWN). `hint` ends the message: how to get past."""
        if not self.lines:
            return
        tail = f"\n{hint}" if hint else ""
        if len(self.lines) == 1:
            tail = f"; {hint}" if hint else ""
            raise InvalidInput(f"{self.name}: nothing imported; {self.lines[0]}{tail}")
        rows = f" in {len(self.rows)} {self.unit}" if len(self.rows) > 1 else ""
        shown = [f"  {line}" for line in self.lines[:MAX_PROBLEMS_SHOWN]]
        hidden = len(self.lines) - MAX_PROBLEMS_SHOWN
        if hidden > 0:
            shown.append(f"  … and {hidden} more error{'s' if hidden > 1 else ''}")
        raise FileProblems(
            f"{self.name}: nothing imported; {len(self.lines)} errors{rows}:\n"
            + "\n".join(shown)
            + tail
        )
