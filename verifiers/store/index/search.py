"""The store's search: the lexical index kept in step with the database's change feed.

Both stores search the same way: a tantivy index (`lexical.py`) derived from the claims, in a
folder of its own (beside a SQLite file; in the cache folder for PostgreSQL). The database
stays the source of truth. The audit table is the change feed: every change to a claim writes
an audit row in its transaction, and the index records the newest row it reflects.

When the index is brought up to date:
- at its first use in a process: built if missing, damaged, of another format, or made from
  another database (the audit row it names is not the database's: a backup was restored, the
  schema recreated); otherwise the changes since its sequence are applied;
- before a search, when this process changed claims since (`changed`, called by the store
  after each write it commits: the search then waits for any catching up under way, so a
  write is always searchable at once in the process that made it), or when `CHECK_EVERY` has
  passed since it last looked at the feed (one query: another process may have written; a
  search never waits for that one). So a write is searchable within `CHECK_EVERY` in every
  other process that searches;
- by an import, which feeds it the claims as it writes them and commits after the database
  (`adding`);
- by `rebuild` (`claimbot reindex`), with progress.

Whichever process finds the index behind applies the changes, one at a time (the folder's
writer lock); a process that finds another one writing searches the index as it is and tries
again at its next search.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Protocol

from verifiers.domain.errors import ClaimbotError
from verifiers.domain.models import Candidate, Scope
from verifiers.store.index.lexical import (
    IndexBehind,
    IndexBusy,
    Indexed,
    IndexUnusable,
    LexicalIndex,
    NewClaims,
    Progress,
)
from verifiers.store.records import NO_CHANGE, Change

log = logging.getLogger(__name__)

CHECK_EVERY = 0.5  # seconds between looks at the change feed when this process wrote nothing
# Past this many audit rows behind (another process imported a file), building anew is cheaper
# than reading every changed claim into one apply.
REBUILD_AFTER = 50_000


class ChangeFeed(Protocol):
    """What the index needs of the database (the store implements it once for both engines)."""

    def latest_change(self) -> Change:
        """The newest audit row (`NO_CHANGE` if there is none)."""
        ...

    def change_at(self, sequence: int) -> Change | None:
        """The audit row `sequence`, if the database has it."""
        ...

    def changed_claims(self, after: int, upto: int) -> Sequence[Indexed]:
        """Every claim with an audit row in (after, upto], as it is now (retired included)."""
        ...

    def indexed_claims(self) -> Iterator[Indexed]:
        """Every live claim, for a build."""
        ...


class ClaimSearch:
    """A store's search; thread-safe. A search after this process changed claims waits for
    any catching up under way; otherwise searches use the index as it is meanwhile."""

    def __init__(self, folder: str | Path, feed: ChangeFeed) -> None:
        self.folder = Path(folder)
        self._feed = feed
        self._index: LexicalIndex | None = None
        self._opening = threading.Lock()
        self._catching_up = threading.Lock()
        self._stale = True
        self._looked = 0.0
        self._closed = False

    # -- reading ---------------------------------------------------------------------------
    def search(self, terms: list[str], scope: Scope, limit: int = 50) -> list[Candidate]:
        """BM25 over the terms (see `LexicalIndex.search`) among the live claims `scope` sees."""
        return self._ready().search(terms, scope, limit)

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        return self._ready().document_frequencies(terms)

    def vocabulary(self) -> list[tuple[str, int]]:
        """Read after claims changed (the matcher's refresh): so it brings the index up to
        date first, whenever it last looked, waiting for another thread or process doing so
        (a snapshot read while the other is still applying would miss the change for good)."""
        return self._ready(wait=True).vocabulary()

    def claim_count(self) -> int:
        return self._ready().claim_count

    def held(self) -> tuple[int, Change] | None:
        """The live claims the index holds and the change it reflects, as the folder has
        them (None: no usable index); brings nothing up to date."""
        try:
            index = self._index or LexicalIndex.open(self.folder)
        except IndexUnusable:
            return None
        try:
            at, fingerprint = index.position
            return index.claim_count, Change(at, fingerprint)
        except IndexUnusable:
            return None
        finally:
            if index is not self._index:
                index.close()

    # -- keeping up ------------------------------------------------------------------------
    def changed(self) -> None:
        """Claims changed (by this process, or another one said so): look before searching."""
        self._stale = True

    def rebuild(self, progress: Progress | None = None) -> int:
        """Build the index anew from the database, waiting for another process's turn to end.
        Returns the claims indexed."""
        index = self._opened(build_missing=False)
        with self._catching_up:
            return self._build(index, progress, wait=True)

    @contextmanager
    def adding(self) -> Iterator[NewClaims | None]:
        """For a transaction that adds claims in bulk (an import): the index brought up to
        date, and a writer to index the new claims as they are written. The caller checks
        `position` against the newest change its transaction sees (a process may have written
        meanwhile: then it adds nothing) and commits after the database did. None when
        another process writes the index: the claims are then caught up with as any change."""
        index = self._ready(wait=True)
        with self._catching_up, ExitStack() as stack:
            try:
                new: NewClaims | None = stack.enter_context(index.adding())
            except IndexBusy:
                new = None
            yield new

    def close(self) -> None:
        self._closed = True
        with self._opening:
            if self._index is not None:
                self._index.close()
                self._index = None

    def _ready(self, *, wait: bool = False) -> LexicalIndex:
        index = self._opened(build_missing=True)
        if self._stale:
            # Claims changed that this process knows of (its own write: read-your-writes):
            # wait for another thread's or process's catching up, then make sure.
            self._catch_up(index, wait=True)
        elif wait or time.monotonic() - self._looked >= CHECK_EVERY:
            self._catch_up(index, wait=wait)
        return index

    def _opened(self, *, build_missing: bool) -> LexicalIndex:
        index = self._index
        if index is not None:
            return index
        if self._closed:
            raise ClaimbotError(f"the search index in {self.folder} is closed")
        with self._opening:
            if self._index is not None:
                return self._index
            try:
                index = LexicalIndex.open(self.folder)
            except IndexUnusable as exc:
                index = LexicalIndex(self.folder)
                if build_missing:
                    log.info("building the search index in %s (%s)", self.folder, exc)
                    with self._catching_up:
                        self._build(index, None, wait=True)
            self._index = index
            return index

    def _catch_up(self, index: LexicalIndex, *, wait: bool = False) -> None:
        if not self._catching_up.acquire(blocking=wait):
            return  # another thread is at it
        try:
            self._stale = False
            self._looked = time.monotonic()
            latest = self._feed.latest_change()
            try:
                at, fingerprint = index.position
                if latest == Change(at, fingerprint):
                    return  # nothing new, and the newest change is the one indexed
                known = NO_CHANGE if at == 0 else self._feed.change_at(at)
                if known is None or known.fingerprint != fingerprint:
                    log.info("search index in %s is of another database: rebuilding", self.folder)
                    self._build(index, None, wait=wait)
                elif latest.sequence - at > REBUILD_AFTER:
                    self._build(index, None, wait=wait)
                elif latest.sequence > at:
                    claims = self._feed.changed_claims(at, latest.sequence)
                    index.apply(claims, latest.sequence, fingerprint=latest.fingerprint, wait=wait)
            except IndexUnusable as exc:
                log.warning("search index in %s: %s", self.folder, exc)
                self._build(index, None, wait=wait)
            except IndexBehind:
                pass  # another process took the index past this one's look at the feed
        except IndexBusy:
            self._stale = True  # another process is writing: try again at the next search
        finally:
            self._catching_up.release()

    def _build(self, index: LexicalIndex, progress: Progress | None, *, wait: bool) -> int:
        latest = self._feed.latest_change()  # before the claims: a change meanwhile is redone
        count = index.build(
            self._feed.indexed_claims(),
            latest.sequence,
            progress,
            fingerprint=latest.fingerprint,
            wait=wait,
        )
        self._stale = True  # whatever changed during the build
        return count
