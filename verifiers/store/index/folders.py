"""Where a store's derived indexes live: one folder per store, holding `lexical/` (the search
index) and `vectors/` (the semantic matcher's, one subfolder per embedding model)."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterable
from pathlib import Path

from verifiers.store.index.state import STATE

log = logging.getLogger(__name__)

LEXICAL = "lexical"
VECTORS = "vectors"


def remove_old_folders(folder: Path, old: Iterable[Path]) -> None:
    """Remove the folders where earlier versions kept a store's indexes (`<file>-search`,
    `<file>.vectors`, the cache's `search/` and `vectors/`): they are rebuilt in `folder`. Only
    a folder holding an index's state file is taken for one: nothing else is touched."""
    for path in old:
        if path != folder and (
            (path / STATE).is_file() or any(p.is_file() for p in path.glob(f"*/{STATE}"))
        ):
            shutil.rmtree(path, ignore_errors=True)
            log.info("removed the old index folder %s: the indexes live in %s", path, folder)
