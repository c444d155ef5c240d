"""Changing claims and seeding them, written once for every engine.

Every change bumps the claim's `version` and audits each changed field in the same
transaction. Where the engine locks rows (PostgreSQL), the claim's row is locked before it is
read, so concurrent edits queue and an edit expecting an older version gets "changed meanwhile".
"""

from __future__ import annotations

from typing import Any

from verifiers.domain.errors import Conflict, InvalidInput
from verifiers.domain.models import Claim, ClaimChanges, ClaimFields, Scope, Source, Status
from verifiers.notifications import Notifier
from verifiers.store.records import SeedReport
from verifiers.store.sql.claims import ClaimRecords, NewClaim
from verifiers.store.sql.core import AUDIT_INSERT, SOURCE_INSERT, source_row
from verifiers.store.sql.dialect import Db, Dialect
from verifiers.store.sql.notifications import StoredNotifications
from verifiers.store.sql.values import (
    CLAIM_COLUMNS,
    EDITABLE,
    SEED_ACTOR,
    SEEDED,
    Row,
    as_text,
    check_actor,
    check_claim_id,
    seed_hash,
    short,
)

BUMP = "UPDATE claims SET version = version + 1, updated_at = ?, updated_by = ? WHERE pk = ?"


def column_value(name: str, value: Any, d: Dialect) -> Any:
    """A claim field as its column takes it: enums as their text, "" claimant as NULL."""
    if name == "claimant" and not value:
        return None
    if name == "claim_date":
        return d.day(value)
    return as_text(value)


class ClaimEdits(ClaimRecords, StoredNotifications):
    """update_claim, add_source, retire_claim, seed."""

    def _search_columns(self, text: str, summary: str) -> dict[str, Any]:
        """Columns the store computes for search when text or summary change (PostgreSQL's;
        SQLite's triggers keep its index)."""
        return {}

    def update_claim(
        self,
        claim_id: str,
        changes: ClaimChanges,
        actor: str,
        scope: Scope,
        *,
        expected_version: int | None = None,
        notify: Notifier | None = None,
    ) -> Claim:
        actor = check_actor(actor)
        with self._changing_claims() as db:
            row = self._changeable_row(db, claim_id, scope, expected_version)
            wanted = {
                name: column_value(name, value, db.dialect)
                for name, value in changes.model_dump(exclude_none=True).items()
                if name in EDITABLE
            }
            self._change_columns(db, row, wanted, actor, "update")
            claim = self._claim_by_pk(db, row["pk"])
            if notify is not None:
                self._notify(db, notify, claim, Status(row["status"]), scope)
        return claim

    def _change_columns(
        self,
        db: Db,
        row: Row,
        wanted: dict[str, Any],
        actor: str,
        action: str,
        *,
        extra: dict[str, Any] | None = None,
    ) -> bool:
        """Set the columns that differ, bump the version, audit each field; False if none did."""
        changed = {n: v for n, v in wanted.items() if as_text(row[n]) != as_text(v)}
        if not changed:
            if extra:
                sets = ", ".join(f"{name} = ?" for name in extra)
                db.execute(f"UPDATE claims SET {sets} WHERE pk = ?", (*extra.values(), row["pk"]))
            return False
        at = db.dialect.now()
        search: dict[str, Any] = {}
        if "text" in changed or "summary" in changed:
            text = str(changed.get("text", row["text"]))
            search = self._search_columns(text, str(changed.get("summary", row["summary"])))
        columns = {**changed, **(extra or {}), **search, "updated_at": at, "updated_by": actor}
        assert set(columns) <= {*SEEDED, *search, "seed_hash", "updated_at", "updated_by"}
        sets = ", ".join(f"{name} = ?" for name in columns)
        db.execute(
            f"UPDATE claims SET {sets}, version = version + 1 WHERE pk = ?",
            (*columns.values(), row["pk"]),
        )
        db.audit_rows(
            AUDIT_INSERT,
            [
                (row["pk"], at, actor, action, name, as_text(row[name]), as_text(new))
                for name, new in changed.items()
            ],
        )
        return True

    def add_source(self, claim_id: str, source: Source, actor: str, scope: Scope) -> Claim:
        actor = check_actor(actor)
        with self._changing_claims() as db:
            row = self._changeable_row(db, claim_id, scope)
            url = None if source.url is None else str(source.url)
            if url is not None and db.one(
                "SELECT 1 FROM sources WHERE claim_pk = ? AND url = ?", (row["pk"], url)
            ):
                raise Conflict(f"claim {row['id']} already cites {short(url, 80)}")
            position = db.one(
                "SELECT coalesce(max(position), 0) + 1 AS n FROM sources WHERE claim_pk = ?",
                (row["pk"],),
            )
            assert position is not None
            db.execute(SOURCE_INSERT, source_row(row["pk"], position["n"], source, db.dialect))
            at = db.dialect.now()
            db.execute(BUMP, (at, actor, row["pk"]))
            self._audit(db, row["pk"], at, actor, "add_source", "sources", None, url)
            return self._claim_by_pk(db, row["pk"])

    def retire_claim(self, claim_id: str, actor: str, scope: Scope, reason: str = "") -> Claim:
        return self._set_retired(claim_id, actor, scope, reason, retired=True)

    def unretire_claim(self, claim_id: str, actor: str, scope: Scope, reason: str = "") -> Claim:
        return self._set_retired(claim_id, actor, scope, reason, retired=False)

    def _set_retired(
        self, claim_id: str, actor: str, scope: Scope, reason: str, *, retired: bool
    ) -> Claim:
        """Retire a claim or bring it back; the search index follows through the triggers."""
        actor = check_actor(actor)
        with self._changing_claims() as db:
            row = self._changeable_row(db, claim_id, scope, allow_retired=True)
            if bool(row["retired"]) == retired:
                raise Conflict(f"claim {row['id']} is {'already' if retired else 'not'} retired")
            at = db.dialect.now()
            db.execute(
                "UPDATE claims SET retired = ?, version = version + 1,"
                " updated_at = ?, updated_by = ? WHERE pk = ?",
                (retired, at, actor, row["pk"]),
            )
            action = "retire" if retired else "unretire"
            self._audit(db, row["pk"], at, actor, action, None, None, reason.strip() or None)
            return self._claim_by_pk(db, row["pk"])

    # -- seeds -------------------------------------------------------------------------------
    def seed(self, claims: list[tuple[str, ClaimFields]]) -> SeedReport:
        """Insert missing seeded claims, refresh those only seeding has touched, keep the rest.

        Seeding processes (shards starting together) take turns, so the second finds the
        first's claims instead of failing on their ids.
        """
        ids = [check_claim_id(claim_id) for claim_id, _ in claims]
        if len(set(ids)) != len(ids):
            repeated = next(i for i in ids if ids.count(i) > 1)
            raise InvalidInput(f"seed claim id {repeated} appears twice")
        updated = unchanged = kept = 0
        with self._changing_claims() as db:
            db.take_turns("claimbot.seed")
            rows = db.any_rows(
                f"SELECT {CLAIM_COLUMNS} FROM claims WHERE {{any}} ORDER BY pk {db.dialect.lock()}",
                "id",
                ids,
            )
            existing = {row["id"]: row for row in rows}
            new: list[NewClaim] = []
            for claim_id, fields in claims:
                fields = fields.model_copy(update={"guild_id": None})  # seeds are global
                digest = seed_hash(fields)
                row = existing.get(claim_id)
                if row is None:
                    new.append((claim_id, fields, digest))
                elif row["seed_hash"] == digest:
                    unchanged += 1
                elif row["updated_by"] != SEED_ACTOR:
                    kept += 1
                elif self._refresh_seeded(db, row, fields, digest):
                    updated += 1
                else:
                    unchanged += 1
            if new:
                self._insert_claims(db, new, SEED_ACTOR)
        return SeedReport(
            added=len(new), updated=updated, unchanged=unchanged, kept_moderator_edits=kept
        )

    def _refresh_seeded(self, db: Db, row: Row, fields: ClaimFields, digest: str) -> bool:
        wanted = {name: column_value(name, getattr(fields, name), db.dialect) for name in SEEDED}
        changed = self._change_columns(
            db, row, wanted, SEED_ACTOR, "update", extra={"seed_hash": digest}
        )
        old = self._sources_for(db, [row["pk"]]).get(row["pk"], [])
        if old == list(fields.sources):
            return changed
        at = db.dialect.now()
        db.execute("DELETE FROM sources WHERE claim_pk = ?", (row["pk"],))
        db.many(
            SOURCE_INSERT,
            [source_row(row["pk"], n, s, db.dialect) for n, s in enumerate(fields.sources, 1)],
        )
        if not changed:
            db.execute(BUMP, (at, SEED_ACTOR, row["pk"]))
        urls = ["\n".join(str(s.url) for s in sources) for sources in (old, fields.sources)]
        self._audit(db, row["pk"], at, SEED_ACTOR, "update", "sources", urls[0], urls[1])
        return True
