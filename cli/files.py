"""Files the CLI writes: whole or not at all."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from verifiers.errors import InvalidInput
from verifiers.files import written_whole


def writable(path: Path, option: str) -> Path:
    """`path` if a file can be written there; otherwise one line naming the option and why.
    Checked before a long run, so a typo in the folder does not cost the run."""
    target = path.expanduser()
    problem = ""
    if target.is_dir():
        problem = "it is a folder; give a file name"
    elif not target.parent.is_dir():
        problem = f"folder {target.parent} does not exist"
    elif not os.access(target.parent, os.W_OK):
        problem = f"folder {target.parent} is read-only"
    if problem:
        raise InvalidInput(f"{option}: cannot write {target}: {problem}")
    return target


@contextmanager
def replaced_whole(path: Path) -> Iterator[TextIO]:
    """A text file that takes `path`'s place only once everything is written (`written_whole`)."""
    with written_whole(path) as partial, partial.open("w", encoding="utf-8") as out:
        yield out
