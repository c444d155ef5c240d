"""Adding and reading claims, written once for every engine.

Claims have an integer `pk` (the order they were added in; SQLite's full-text rowid) and a
public text `id`; `list_claims` returns newest first, `iter_claims` oldest first in batches.
"""

from __future__ import annotations

import itertools
from abc import abstractmethod
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from pydantic import ValidationError

from verifiers.domain.errors import Conflict, InvalidInput
from verifiers.domain.models import AuditEntry, Claim, ClaimFields, Scope, Status
from verifiers.domain.validation import first_problem
from verifiers.heap import fewer_collections
from verifiers.store.records import ImportReport
from verifiers.store.sql.core import RelationalBase, scope_sql
from verifiers.store.sql.dialect import Db
from verifiers.store.sql.values import (
    CLAIM_COLUMNS,
    CONTROL,
    check_actor,
    check_claim_id,
    like_pattern,
    new_claim_id,
    new_claim_ids,
    short,
)

ITER_BATCH = 500
IMPORT_CHUNK = 5_000  # claims validated and written at a time by import_claims
NewClaim = tuple[str | None, ClaimFields, str | None]  # (id or None, fields, seed hash)


def check_batch(items: Iterable[ClaimFields | Any], first: int = 1) -> list[ClaimFields]:
    """Each item as ClaimFields; the first invalid one is named by its number (counting from
    `first`)."""
    batch: list[ClaimFields] = []
    for number, item in enumerate(items, first):
        if not isinstance(item, ClaimFields):
            try:
                item = ClaimFields.model_validate(item)
            except ValidationError as exc:
                raise InvalidInput(f"claim #{number}: {first_problem(exc, 'claim')}") from None
        batch.append(item)
    return batch


class NewClaimsIndex:
    """What an import tells the search index, which takes its new claims as they are written
    (`SearchedClaims` gives the real one; this one indexes nothing)."""

    def begin(self, db: Db) -> None:
        """The import's transaction has begun (and holds the claims' turn)."""

    def add(self, rows: list[tuple[str, ClaimFields, str | None]]) -> None:
        """These new claims (id, fields, seed hash) were written."""

    def end(self, db: Db) -> None:
        """Every claim is written; the transaction commits next."""

    def commit(self) -> None:
        """The transaction committed: make the claims searchable."""


class ClaimRecords(RelationalBase):
    """add_claim(s), get/list/iter/count, history, find_by_external_id."""

    def _indexing_new_claims(self) -> AbstractContextManager[NewClaimsIndex]:
        return nullcontext(NewClaimsIndex())

    @abstractmethod
    def _insert_claim_rows(
        self, db: Db, rows: list[tuple[str, ClaimFields, str | None]], actor: str, at: Any
    ) -> list[int]:
        """Write new claims (id, fields, seed hash), their sources and "create" audit rows in
        the engine's fastest way; their pks, in order."""

    @abstractmethod
    def _external_id_rows(self, db: Db, keys: list[tuple[int, str]]) -> list[Any]:
        """Claims already holding one of these (guild or 0, external id) keys, as rows of
        `id`, `guild` and `external_id`."""

    @abstractmethod
    def refresh_statistics(self) -> None:
        """The query planner's statistics of the claim tables, after a bulk write."""

    # -- adding ------------------------------------------------------------------------------
    def add_claim(self, fields: ClaimFields, actor: str, claim_id: str | None = None) -> Claim:
        actor = check_actor(actor)
        item = (check_claim_id(claim_id) if claim_id is not None else None, fields, None)
        with self._changing_claims() as db:
            pk = self._insert_claims(db, [item], actor)[0]
            return self._claim_by_pk(db, pk)

    def add_claims(self, items: Iterable[ClaimFields], actor: str) -> list[Claim]:
        actor = check_actor(actor)
        batch: list[NewClaim] = [(None, fields, None) for fields in check_batch(items)]
        if not batch:
            return []
        with self._changing_claims() as db:
            return self._claims_by_pk(db, self._insert_claims(db, batch, actor))

    def import_claims(self, items: Iterable[ClaimFields], actor: str) -> ImportReport:
        actor = check_actor(actor)
        added = skipped = 0
        seen: set[tuple[int, str]] = set()
        rows = iter(items)
        with fewer_collections(), self._indexing_new_claims() as index:
            with self._changing_claims() as db:
                index.begin(db)
                while chunk := list(itertools.islice(rows, IMPORT_CHUNK)):
                    batch = check_batch(chunk, first=added + skipped + 1)
                    keys = [(f.guild_id or 0, f.external_id) for f in batch if f.external_id]
                    for key in keys:  # within this chunk or across chunks alike
                        if key in seen:
                            raise Conflict(
                                f"external id {short(key[1])} appears twice in the import"
                            )
                        seen.add(key)
                    found = self._external_id_rows(db, keys) if keys else []
                    known = {(r["guild"], r["external_id"]) for r in found}
                    fresh = [f for f in batch if (f.guild_id or 0, f.external_id) not in known]
                    if fresh:  # their external ids were looked up just above
                        new: list[NewClaim] = [(None, f, None) for f in fresh]
                        self._insert_claims(db, new, actor, external_ids_checked=True, index=index)
                    added, skipped = added + len(fresh), skipped + len(batch) - len(fresh)
                index.end(db)
            index.commit()
        if added:
            self.refresh_statistics()
        return ImportReport(added, skipped)

    def _insert_claims(
        self,
        db: Db,
        items: list[NewClaim],
        actor: str,
        at: Any = None,
        *,
        external_ids_checked: bool = False,
        index: NewClaimsIndex | None = None,
    ) -> list[int]:
        """Insert (id or None, fields, seed hash) rows; returns their pks in order.
        `external_ids_checked`: the caller has already made sure no item's external id is
        stored or repeated (an import, which skips stored ones instead of refusing them)."""
        given = [claim_id for claim_id, _, _ in items if claim_id]
        if len(set(given)) != len(given):
            repeated = next(i for i in given if given.count(i) > 1)
            raise Conflict(f"claim id {repeated} appears twice in one batch")
        if taken := self._existing_ids(db, given):
            raise Conflict(f"claim id {sorted(taken)[0]} is already taken")
        ids: list[str] = []
        used = set(given)
        fresh = iter(new_claim_ids(len(items) - len(given)))
        for claim_id, _, _ in items:
            if claim_id is None:
                claim_id = next(fresh)
            while claim_id in used and claim_id not in given:
                claim_id = new_claim_id()  # 40 random bits: a repeat is all but impossible
            ids.append(claim_id)
            used.add(claim_id)
        while clash := self._existing_ids(db, [i for i in ids if i not in given]):
            ids = [new_claim_id() if i in clash else i for i in ids]
        if not external_ids_checked:
            self._check_external_ids(db, [fields for _, fields, _ in items])
        rows = [(i, fields, hash_) for i, (_, fields, hash_) in zip(ids, items, strict=True)]
        pks = self._insert_claim_rows(db, rows, actor, at or db.dialect.now())
        if index is not None:
            index.add(rows)
        return pks

    @staticmethod
    def _existing_ids(db: Db, ids: list[str]) -> set[str]:
        return {row["id"] for row in db.any_rows("SELECT id FROM claims WHERE {any}", "id", ids)}

    def _check_external_ids(self, db: Db, batch: list[ClaimFields]) -> None:
        keys = [(f.guild_id or 0, f.external_id) for f in batch if f.external_id is not None]
        if not keys:
            return
        if len(set(keys)) != len(keys):
            repeated = next(k for k in keys if keys.count(k) > 1)
            raise Conflict(f"external id {short(repeated[1])} appears twice in one batch")
        wanted = set(keys)
        found = self._external_id_rows(db, keys)
        rows = [r for r in found if (r["guild"], r["external_id"]) in wanted]
        if rows:
            row = min(rows, key=lambda r: (r["guild"], r["external_id"]))
            raise Conflict(
                f"external id {short(row['external_id'])} is already used by claim {row['id']}"
            )

    # -- reading -----------------------------------------------------------------------------
    def get_claim(self, claim_id: str, scope: Scope) -> Claim:
        with self._reading() as db:
            row = self._claim_row(db, claim_id, scope)
            return self._claims_from_rows(db, [row])[0]

    def get_claims(self, claim_ids: Iterable[str]) -> dict[str, Claim]:
        ids = list(dict.fromkeys(str(i) for i in claim_ids))
        with self._reading() as db:
            rows = db.any_rows(f"SELECT {CLAIM_COLUMNS} FROM claims WHERE {{any}}", "id", ids)
            found = {claim.id: claim for claim in self._claims_from_rows(db, rows)}
        return {i: found[i] for i in ids if i in found}

    def _where(
        self,
        scope: Scope,
        *,
        include_retired: bool,
        status: Status | None = None,
        contains: str | None = None,
    ) -> tuple[str, list[Any]]:
        d = self.dialect
        clause, params = scope_sql(scope, d)
        clauses = [clause]
        if not include_retired:
            clauses.append(d.live)
        if status is not None:
            try:
                params.append(Status(status).value)
            except ValueError:
                raise InvalidInput(f"unknown status {short(str(status))!r}") from None
            clauses.append("c.status = ?")
        contains = CONTROL.sub(" ", contains or "").strip()  # LIKE stops at a NUL, too
        if contains:
            like = f"{d.like} ? ESCAPE '\\'"
            clauses.append(f"(c.text {like} OR c.summary {like} OR c.claimant {like} OR c.id = ?)")
            pattern = like_pattern(contains)
            params += [pattern, pattern, pattern, contains]
        return " AND ".join(clauses), params

    def list_claims(
        self,
        scope: Scope,
        *,
        status: Status | None = None,
        contains: str | None = None,
        include_retired: bool = False,
        limit: int = 50,
        offset: int = 0,
    ) -> list[Claim]:
        where, params = self._where(
            scope, include_retired=include_retired, status=status, contains=contains
        )
        sql = (
            f"SELECT {CLAIM_COLUMNS} FROM claims c WHERE {where}"
            " ORDER BY c.pk DESC LIMIT ? OFFSET ?"
        )
        with self._reading() as db:
            rows = db.all(sql, (*params, max(0, limit), max(0, offset)))
            return self._claims_from_rows(db, rows)

    def iter_claims(self, scope: Scope, *, include_retired: bool = False) -> Iterator[Claim]:
        where, params = self._where(scope, include_retired=include_retired)
        sql = (
            f"SELECT {CLAIM_COLUMNS} FROM claims c WHERE {where} AND c.pk > ? ORDER BY c.pk LIMIT ?"
        )
        last = 0
        while True:
            with self._reading() as db:
                rows = db.all(sql, (*params, last, ITER_BATCH))
                batch = self._claims_from_rows(db, rows)
            if not rows:
                return
            last = rows[-1]["pk"]
            yield from batch

    def count_claims(
        self,
        scope: Scope,
        *,
        status: Status | None = None,
        contains: str | None = None,
        include_retired: bool = False,
    ) -> int:
        where, params = self._where(
            scope, include_retired=include_retired, status=status, contains=contains
        )
        with self._reading() as db:
            row = db.one(f"SELECT count(*) AS n FROM claims c WHERE {where}", params)
            assert row is not None
            return int(row["n"])

    def history(self, claim_id: str, scope: Scope) -> list[AuditEntry]:
        with self._reading() as db:
            row = self._claim_row(db, claim_id, scope)
            rows = db.all("SELECT * FROM audit WHERE claim_pk = ? ORDER BY id", (row["pk"],))
            return [self._audit_entry(entry, row["id"]) for entry in rows]

    def find_by_external_id(self, external_id: str, guild_id: int | None) -> Claim | None:
        with self._reading() as db:
            row = db.one(
                f"SELECT {CLAIM_COLUMNS} FROM claims"
                " WHERE coalesce(guild_id, 0) = ? AND external_id = ?",
                (guild_id or 0, external_id),
            )
            return None if row is None else self._claims_from_rows(db, [row])[0]
