"""Files written whole or not at all (backups, exports, evaluation details), and the check
that one can be written before the work that produces it starts."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from verifiers.domain.errors import InvalidInput


@contextmanager
def written_whole(path: Path) -> Iterator[Path]:
    """A sibling path to write to instead of `path`, moved onto it only when the block ends
    without error and removed otherwise: an existing file stays as it was until the new one is
    complete, and no half-written file is left behind."""
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        yield partial
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def writable(path: Path, what: str) -> Path:
    """`path` if a file can be written there; otherwise one line naming `what` (the option or
    the file's purpose) and why. Checked before the work, so a typo in the folder does not cost
    a long run."""
    target = path.expanduser()
    problem = ""
    if target.is_dir():
        problem = "it is a folder; give a file name"
    elif not target.parent.is_dir():
        problem = f"folder {target.parent} does not exist"
    elif not os.access(target.parent, os.W_OK):
        problem = f"folder {target.parent} is read-only"
    if problem:
        raise InvalidInput(f"{what}: cannot write {target}: {problem}")
    return target
