"""Search, written once for both engines: the tantivy index of `store/index/`, fed from the
audit rows (the change feed) of whichever database the store opened."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from verifiers.models import Candidate, Claim, Scope
from verifiers.store.index.search import NO_CHANGE, Change, ClaimSearch
from verifiers.store.sql.claims import ClaimRecords
from verifiers.store.sql.values import Row

EVERYTHING = Scope.everything()


def _change(row: Row) -> Change:
    """An audit row as the index records it: its id, and what tells this row from another
    database's row of the same id (its claim and its time)."""
    return Change(int(row["id"]), f"{row['claim_pk']}@{row['at']}")


class SearchedClaims(ClaimRecords):
    """The store's search and its change feed; a backend calls `_start_search` with the
    index's folder once connected, and `_stop_search` when closing."""

    _search: ClaimSearch | None = None

    def _start_search(self, folder: Path) -> None:
        self._search = ClaimSearch(folder, self)

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

    # -- the change feed ----------------------------------------------------------------------
    def latest_change(self) -> Change:
        with self._reading() as db:
            row = db.one("SELECT id, claim_pk, at FROM audit ORDER BY id DESC LIMIT 1")
        return NO_CHANGE if row is None else _change(row)

    def change_at(self, sequence: int) -> Change | None:
        with self._reading() as db:
            row = db.one("SELECT id, claim_pk, at FROM audit WHERE id = ?", (sequence,))
        return None if row is None else _change(row)

    def changed_claims(self, after: int, upto: int) -> list[Claim]:
        with self._reading() as db:
            rows = db.all(
                "SELECT DISTINCT claim_pk FROM audit WHERE id > ? AND id <= ?", (after, upto)
            )
            return self._claims_by_pk(db, [row["claim_pk"] for row in rows])

    def indexed_claims(self) -> Iterator[Claim]:
        return self.iter_claims(EVERYTHING)
