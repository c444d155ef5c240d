"""Search, written once for both engines: the tantivy index of `store/index/`, fed from the
audit rows (the change feed) of whichever database the store opened."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from verifiers.domain.errors import ClaimbotError
from verifiers.domain.models import Candidate, ClaimFields, Scope
from verifiers.store.index.folders import LEXICAL, VECTORS, remove_old_folders
from verifiers.store.index.lexical import IndexedClaim, NewClaims
from verifiers.store.index.search import ClaimSearch
from verifiers.store.records import NO_CHANGE, Change, IndexStatus
from verifiers.store.sql.claims import ClaimRecords, NewClaimsIndex
from verifiers.store.sql.dialect import Db
from verifiers.store.sql.values import Row, change_of

log = logging.getLogger(__name__)

BUILD_BATCH = 5_000  # claims read at a time for a build
INDEXED_COLUMNS = "pk, id, text, summary, guild_id, retired"


class _IndexingImport(NewClaimsIndex):
    """An import's new claims going into the search index as they are written, if the index
    is at the newest change the import's transaction sees (otherwise they are caught up
    with later, as any change)."""

    def __init__(self, new: NewClaims | None) -> None:
        self._new = new
        self._end = NO_CHANGE

    def begin(self, db: Db) -> None:
        if self._new is not None and Change(*self._new.position) != _latest_change(db):
            self._new = None  # another process wrote meanwhile: leave it all to the catch-up

    def add(self, rows: list[tuple[str, ClaimFields, str | None]]) -> None:
        if self._new is not None:
            self._new.add(
                IndexedClaim(claim_id, fields.text, fields.summary, fields.guild_id)
                for claim_id, fields, _ in rows
            )

    def end(self, db: Db) -> None:
        self._end = _latest_change(db)

    def commit(self) -> None:
        if self._new is None or self._end in (NO_CHANGE, Change(*self._new.position)):
            return  # nothing to add, or nothing was written
        try:
            self._new.commit(self._end.sequence, self._end.fingerprint)
        except (OSError, ValueError, ClaimbotError) as exc:  # the claims are in the database:
            log.warning("search index: the imported claims wait for the next search (%s)", exc)


class SearchedClaims(ClaimRecords):
    """The store's search and its change feed; a backend calls `_start_search` with the
    index's folder once connected, and `_stop_search` when closing."""

    _search: ClaimSearch | None = None
    _index_folder: Path | None = None

    def _start_search(self, folder: Path, old: list[Path]) -> None:
        """Search with the index in `folder` (the store's index folder); the folders where
        earlier versions kept the indexes are removed."""
        remove_old_folders(folder, old)
        self._index_folder = folder
        self._search = ClaimSearch(folder / LEXICAL, self)

    def _stop_search(self) -> None:
        if self._search is not None:
            self._search.close()

    @property
    def _searching(self) -> ClaimSearch:
        assert self._search is not None, "the backend starts its search when it connects"
        return self._search

    def _wrote(self) -> None:
        if self._search is not None:
            self._search.changed()

    # -- the Store interface ------------------------------------------------------------------
    def search(self, terms: list[str], scope: Scope, limit: int = 50) -> list[Candidate]:
        return self._searching.search(terms, scope, limit)

    def document_frequencies(self, terms: list[str]) -> dict[str, int]:
        return self._searching.document_frequencies(terms)

    def vocabulary(self) -> list[tuple[str, int]]:
        return self._searching.vocabulary()

    def claim_count_for_search(self) -> int:
        return self._searching.claim_count()

    def reindex(self, progress: Callable[[int], None] | None = None) -> int:
        return self._searching.rebuild(progress)

    @property
    def search_index_folder(self) -> Path:
        return self._searching.folder

    @property
    def index_folder(self) -> Path:
        assert self._index_folder is not None, "the backend starts its search when it connects"
        return self._index_folder

    def index_status(self) -> IndexStatus:
        from verifiers.store.index.vectors import vector_folders  # numpy: not at start-up

        held = self._searching.held()
        return IndexStatus(
            folder=self.index_folder,
            search_claims=None if held is None else held[0],
            search_current=held is not None and held[1] == self.latest_change(),
            vectors=vector_folders(self.index_folder / VECTORS),
        )

    @contextmanager
    def _indexing_new_claims(self) -> Iterator[NewClaimsIndex]:
        if self._search is None:
            yield NewClaimsIndex()
            return
        with self._search.adding() as new:
            yield _IndexingImport(new)

    # -- the change feed ----------------------------------------------------------------------
    def latest_change(self) -> Change:
        with self._reading() as db:
            return _latest_change(db)

    def change_at(self, sequence: int) -> Change | None:
        with self._reading() as db:
            row = db.one("SELECT id, claim_pk, at FROM audit WHERE id = ?", (sequence,))
        return None if row is None else change_of(row)

    def changed_claims(self, after: int, upto: int) -> list[IndexedClaim]:
        with self._reading() as db:
            rows = db.all(
                "SELECT DISTINCT claim_pk FROM audit WHERE id > ? AND id <= ?", (after, upto)
            )
            pks = [row["claim_pk"] for row in rows]
            found = db.any_rows(f"SELECT {INDEXED_COLUMNS} FROM claims WHERE {{any}}", "pk", pks)
            return [_indexed(row) for row in sorted(found, key=lambda row: row["pk"])]

    def indexed_claims(self) -> Iterator[IndexedClaim]:
        """Every live claim, oldest first, read in batches (each its own snapshot: a change
        meanwhile is applied again from the feed, which changes nothing)."""
        sql = (
            f"SELECT {INDEXED_COLUMNS} FROM claims c WHERE {self.dialect.live} AND c.pk > ?"
            " ORDER BY c.pk LIMIT ?"
        )
        last = 0
        while True:
            with self._reading() as db:
                rows = db.all(sql, (last, BUILD_BATCH))
            if not rows:
                return
            last = rows[-1]["pk"]
            yield from map(_indexed, rows)


def _latest_change(db: Db) -> Change:
    row = db.one("SELECT id, claim_pk, at FROM audit ORDER BY id DESC LIMIT 1")
    return NO_CHANGE if row is None else change_of(row)


def _indexed(row: Row) -> IndexedClaim:
    return IndexedClaim(
        row["id"], row["text"], row["summary"], row["guild_id"], bool(row["retired"])
    )
