"""Files the CLI writes: whole or not at all (checked up front with `verifiers.files.writable`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from verifiers.files import written_whole


@contextmanager
def replaced_whole(path: Path) -> Iterator[TextIO]:
    """A text file that takes `path`'s place only once everything is written (`written_whole`)."""
    with written_whole(path) as partial, partial.open("w", encoding="utf-8") as out:
        yield out
