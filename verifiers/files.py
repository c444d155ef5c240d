"""Files written whole or not at all (backups, exports, evaluation details)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


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
