"""The SQLite store: one file, WAL mode, versioned migrations, FTS5 search.

Choices worth knowing (see also migrations/sqlite/0001_initial.sql):
- every write runs in one `BEGIN IMMEDIATE` transaction, audit rows included;
- claims have an integer `pk` (the full-text index's rowid) and a public text `id`;
- retired claims leave the full-text index (its triggers index only live claims), so search,
  document frequencies and the claim count all see live claims only;
- `list_claims` returns newest first; `iter_claims` goes oldest first in batches.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from verifiers.errors import ConfigError, Conflict, InvalidInput
from verifiers.models import (
    AuditEntry,
    Candidate,
    Claim,
    ClaimChanges,
    ClaimFields,
    GuildSettings,
    Source,
    Status,
)
from verifiers.notifications import Notifier
from verifiers.store.base import (
    ChangeCallback,
    ChangeListener,
    MigrationStatus,
    Scope,
    SeedReport,
    Store,
)
from verifiers.store.changes import listen_sqlite
from verifiers.store.sqlite_db import (
    AUDIT_INSERT,
    CONTROL,
    SEED_ACTOR,
    SOURCE_INSERT,
    apply_migrations,
    as_text,
    check_actor,
    check_claim_id,
    check_database_path,
    check_ours,
    chunks,
    column_value,
    connect,
    fts_query,
    like_pattern,
    marks,
    migration_status,
    new_claim_id,
    now_ts,
    plain_word,
    seed_hash,
    short,
    source_row,
)
from verifiers.store.sqlite_drafts import SqliteDrafts
from verifiers.store.sqlite_embeddings import SqliteEmbeddings
from verifiers.store.sqlite_flags import SqliteFlags
from verifiers.store.sqlite_liveness import SqliteLiveness
from verifiers.store.sqlite_search import (
    POSTING_BUDGET,
    DocCounts,
    Scorer,
    index_tokens,
    index_totals,
    plan,
    pooled_rowids,
    rows_by_pk,
    single_token,
)

EDITABLE = ("text", "status", "explanation", "claimant", "claim_date", "summary")
SEEDED = (*EDITABLE, "external_id")
BM25_WEIGHTS = (2.0, 1.0)  # claim text counts twice as much as the summary
ITER_BATCH = 500

CLAIM_INSERT = (
    "INSERT INTO claims (pk, id, text, status, explanation, claimant, claim_date, summary,"
    " external_id, guild_id, created_at, created_by, updated_at, updated_by, version, retired,"
    " seed_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 0, ?)"
)


def _scope_sql(scope: Scope, column: str = "c.guild_id") -> tuple[str, list[Any]]:
    if scope.operator:
        return "1", []
    return f"({column} IS NULL OR {column} = ?)", [scope.guild_id]


class SqliteStore(SqliteDrafts, SqliteLiveness, SqliteFlags, SqliteEmbeddings, Store):
    """`Store` on one SQLite file; safe to share between threads of one process."""

    posting_budget = POSTING_BUDGET  # see sqlite_search; tests lower it to force pooling

    def __init__(self, path: str | os.PathLike[str], *, migrate: bool = True) -> None:
        path = Path(path).expanduser()
        super().__init__(path)
        self._doc_counts = DocCounts()
        check_database_path(path)
        self._conn = connect(path)
        try:
            check_ours(self._conn, path)
            if migrate:
                apply_migrations(path)
            self._conn.execute("SELECT 1 FROM claims LIMIT 1").fetchall()
        except sqlite3.DatabaseError as exc:
            self.close()
            raise ConfigError(f"database {path} is not usable: {exc}") from None
        except BaseException:
            self.close()
            raise

    # -- lifecycle ---------------------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.execute("PRAGMA optimize")
                self._conn.close()
                self._conn = None

    def migration_status(self) -> MigrationStatus:
        return migration_status(self.path)

    def backup(self, dest: str | os.PathLike[str], *, overwrite: bool = False) -> None:
        """Copy the live database with SQLite's online backup API into one self-contained file."""
        target = Path(dest).expanduser()
        if target.exists() and target.resolve() == self.path.resolve():
            raise InvalidInput("the backup must go to another file than the database itself")
        if target.exists() and not overwrite:
            raise InvalidInput(f"{target} already exists (choose another name or overwrite)")
        if not target.parent.is_dir():
            raise InvalidInput(
                f"cannot write backup {target}: folder {target.parent} does not exist"
            )
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)
        try:
            copy = sqlite3.connect(partial)
            try:
                with self._lock:
                    self.conn.backup(copy)
                copy.execute("PRAGMA journal_mode = DELETE")
            finally:
                copy.close()
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise

    def listen_for_changes(self, callback: ChangeCallback) -> ChangeListener:
        return listen_sqlite(self.path, callback)

    # -- adding claims -----------------------------------------------------------------------
    def add_claim(self, fields: ClaimFields, actor: str, claim_id: str | None = None) -> Claim:
        actor = check_actor(actor)
        item = (check_claim_id(claim_id) if claim_id is not None else None, fields, None)
        with self._write() as conn:
            pk = self._insert_claims(conn, [item], actor, now_ts())[0]
            return self._claim_by_pk(conn, pk)

    def add_claims(self, items: Iterable[ClaimFields], actor: str) -> list[Claim]:
        actor = check_actor(actor)
        batch: list[tuple[str | None, ClaimFields, str | None]] = []
        for number, item in enumerate(items, 1):
            if not isinstance(item, ClaimFields):
                try:
                    item = ClaimFields.model_validate(item)
                except ValidationError as exc:
                    error = exc.errors()[0]
                    place = ".".join(str(part) for part in error["loc"]) or "claim"
                    raise InvalidInput(f"claim #{number}: {place}: {error['msg']}") from None
            batch.append((None, item, None))
        if not batch:
            return []
        with self._write() as conn:
            pks = self._insert_claims(conn, batch, actor, now_ts())
            return self._claims_from_rows(
                conn,
                (
                    row
                    for part in chunks(pks)
                    for row in conn.execute(
                        f"SELECT * FROM claims WHERE pk IN ({marks(len(part))}) ORDER BY pk",
                        tuple(part),
                    )
                ),
            )

    def _insert_claims(
        self,
        conn: sqlite3.Connection,
        items: list[tuple[str | None, ClaimFields, str | None]],
        actor: str,
        at: str,
    ) -> list[int]:
        """Insert (id or None, fields, seed hash) rows with executemany; returns their pks."""
        ids: list[str] = []
        given = [claim_id for claim_id, _, _ in items if claim_id]
        if len(set(given)) != len(given):
            repeated = next(i for i in given if given.count(i) > 1)
            raise Conflict(f"claim id {repeated} appears twice in one batch")
        if taken := self._existing_ids(conn, given):
            raise Conflict(f"claim id {sorted(taken)[0]} is already taken")
        used = set(given)
        for claim_id, _, _ in items:
            while claim_id is None or (claim_id in used and claim_id not in given):
                claim_id = new_claim_id()  # 40 random bits: a repeat is all but impossible
            ids.append(claim_id)
            used.add(claim_id)
        while clash := self._existing_ids(conn, [i for i in ids if i not in given]):
            ids = [new_claim_id() if i in clash else i for i in ids]
        self._check_external_ids(conn, [fields for _, fields, _ in items])

        first_pk = conn.execute("SELECT coalesce(max(pk), 0) + 1 FROM claims").fetchone()[0]
        pks = list(range(first_pk, first_pk + len(items)))
        claim_rows = []
        source_rows = []
        for pk, claim_id, (_, fields, hash_) in zip(pks, ids, items, strict=True):
            claim_rows.append(
                (
                    pk,
                    claim_id,
                    fields.text,
                    as_text(fields.status),
                    fields.explanation,
                    fields.claimant or None,
                    as_text(fields.claim_date),
                    fields.summary,
                    fields.external_id,
                    fields.guild_id,
                    at,
                    actor,
                    at,
                    actor,
                    hash_,
                )
            )
            source_rows.extend(source_row(pk, n, s) for n, s in enumerate(fields.sources, 1))
        conn.executemany(CLAIM_INSERT, claim_rows)
        conn.executemany(SOURCE_INSERT, source_rows)
        conn.executemany(AUDIT_INSERT, [(pk, at, actor, "create", None, None, None) for pk in pks])
        return pks

    @staticmethod
    def _existing_ids(conn: sqlite3.Connection, ids: list[str]) -> set[str]:
        taken: set[str] = set()
        for part in chunks(ids):
            sql = f"SELECT id FROM claims WHERE id IN ({marks(len(part))})"
            taken.update(row[0] for row in conn.execute(sql, tuple(part)))
        return taken

    @staticmethod
    def _check_external_ids(conn: sqlite3.Connection, batch: list[ClaimFields]) -> None:
        keys = [(f.guild_id or 0, f.external_id) for f in batch if f.external_id is not None]
        if not keys:
            return
        if len(set(keys)) != len(keys):
            repeated = next(k for k in keys if keys.count(k) > 1)
            raise Conflict(f"external id {short(repeated[1])} appears twice in one batch")
        wanted = set(keys)
        # Naming the guilds too lets SQLite use the (guild, external id) index: without them
        # it scans every claim per chunk (0.13 s per 500 ids at a million claims).
        guilds = sorted({guild for guild, _ in keys})
        for part in chunks(sorted({ext for _, ext in keys})):
            sql = (
                "SELECT id, coalesce(guild_id, 0), external_id FROM claims"
                f" WHERE coalesce(guild_id, 0) IN ({marks(len(guilds))})"
                f" AND external_id IN ({marks(len(part))})"
            )
            for claim_id, guild, ext in conn.execute(sql, (*guilds, *part)):
                if (guild, ext) in wanted:
                    raise Conflict(f"external id {short(ext)} is already used by claim {claim_id}")

    # -- reading claims ----------------------------------------------------------------------
    def get_claim(self, claim_id: str, scope: Scope) -> Claim:
        with self._read() as conn:
            row = self._claim_row(conn, claim_id, scope)
            return self._claims_from_rows(conn, [row])[0]

    def get_claims(self, claim_ids: Iterable[str]) -> dict[str, Claim]:
        ids = list(dict.fromkeys(str(i) for i in claim_ids))
        found: dict[str, Claim] = {}
        with self._read() as conn:
            for part in chunks(ids):
                sql = f"SELECT * FROM claims WHERE id IN ({marks(len(part))})"
                for claim in self._claims_from_rows(conn, conn.execute(sql, tuple(part))):
                    found[claim.id] = claim
        return {i: found[i] for i in ids if i in found}

    def _where(
        self,
        scope: Scope,
        *,
        include_retired: bool,
        status: Status | None = None,
        contains: str | None = None,
    ) -> tuple[str, list[Any]]:
        clause, params = _scope_sql(scope)
        clauses = [clause]
        if not include_retired:
            clauses.append("c.retired = 0")
        if status is not None:
            try:
                params.append(Status(status).value)
            except ValueError:
                raise InvalidInput(f"unknown status {short(str(status))!r}") from None
            clauses.append("c.status = ?")
        contains = CONTROL.sub(" ", contains or "").strip()  # LIKE stops at a NUL, too
        if contains:
            pattern = like_pattern(contains)
            clauses.append(
                "(c.text LIKE ? ESCAPE '\\' OR c.summary LIKE ? ESCAPE '\\'"
                " OR c.claimant LIKE ? ESCAPE '\\' OR c.id = ?)"
            )
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
        sql = f"SELECT * FROM claims c WHERE {where} ORDER BY c.pk DESC LIMIT ? OFFSET ?"
        with self._read() as conn:
            rows = conn.execute(sql, (*params, max(0, limit), max(0, offset))).fetchall()
            return self._claims_from_rows(conn, rows)

    def iter_claims(self, scope: Scope, *, include_retired: bool = False) -> Iterator[Claim]:
        where, params = self._where(scope, include_retired=include_retired)
        sql = f"SELECT * FROM claims c WHERE {where} AND c.pk > ? ORDER BY c.pk LIMIT ?"
        last = 0
        while True:
            with self._read() as conn:
                rows = conn.execute(sql, (*params, last, ITER_BATCH)).fetchall()
                batch = self._claims_from_rows(conn, rows)
            if not rows:
                return
            last = rows[-1]["pk"]
            yield from batch

    def count_claims(self, scope: Scope, *, include_retired: bool = False) -> int:
        where, params = self._where(scope, include_retired=include_retired)
        with self._read() as conn:
            row = conn.execute(f"SELECT count(*) FROM claims c WHERE {where}", params).fetchone()
            return int(row[0])

    def history(self, claim_id: str, scope: Scope) -> list[AuditEntry]:
        with self._read() as conn:
            row = self._claim_row(conn, claim_id, scope)
            rows = conn.execute("SELECT * FROM audit WHERE claim_pk = ? ORDER BY id", (row["pk"],))
            return [self._audit_entry(entry, row["id"]) for entry in rows]

    def find_by_external_id(self, external_id: str, guild_id: int | None) -> Claim | None:
        with self._read() as conn:
            row = conn.execute(
                "SELECT * FROM claims WHERE coalesce(guild_id, 0) = ? AND external_id = ?",
                (guild_id or 0, external_id),
            ).fetchone()
            return None if row is None else self._claims_from_rows(conn, [row])[0]

    # -- changing claims ---------------------------------------------------------------------
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
        with self._write() as conn:
            row = self._changeable_row(conn, claim_id, scope, expected_version)
            wanted = {
                name: column_value(name, value)
                for name, value in changes.model_dump(exclude_none=True).items()
                if name in EDITABLE
            }
            self._change_columns(conn, row, wanted, actor, "update")
            claim = self._claim_by_pk(conn, row["pk"])
            if notify is not None:
                self._notify(conn, notify, claim, Status(row["status"]), scope)
            return claim

    def _change_columns(
        self,
        conn: sqlite3.Connection,
        row: sqlite3.Row,
        wanted: dict[str, Any],
        actor: str,
        action: str,
        *,
        extra: dict[str, Any] | None = None,
    ) -> bool:
        """Set the columns that differ, bump the version, audit each field; False if none did."""
        changed = {name: value for name, value in wanted.items() if row[name] != value}
        if not changed:
            if extra:
                sets = ", ".join(f"{name} = ?" for name in extra)
                conn.execute(f"UPDATE claims SET {sets} WHERE pk = ?", (*extra.values(), row["pk"]))
            return False
        at = now_ts()
        columns = {**changed, **(extra or {}), "updated_at": at, "updated_by": actor}
        assert set(columns) <= {*SEEDED, "seed_hash", "updated_at", "updated_by"}
        sets = ", ".join(f"{name} = ?" for name in columns)
        conn.execute(
            f"UPDATE claims SET {sets}, version = version + 1 WHERE pk = ?",
            (*columns.values(), row["pk"]),
        )
        conn.executemany(
            AUDIT_INSERT,
            [(row["pk"], at, actor, action, name, row[name], new) for name, new in changed.items()],
        )
        return True

    def add_source(self, claim_id: str, source: Source, actor: str, scope: Scope) -> Claim:
        actor = check_actor(actor)
        with self._write() as conn:
            row = self._changeable_row(conn, claim_id, scope)
            url = None if source.url is None else str(source.url)
            if (
                url is not None
                and conn.execute(
                    "SELECT 1 FROM sources WHERE claim_pk = ? AND url = ?", (row["pk"], url)
                ).fetchone()
            ):
                raise Conflict(f"claim {row['id']} already cites {short(url, 80)}")
            position = conn.execute(
                "SELECT coalesce(max(position), 0) + 1 FROM sources WHERE claim_pk = ?",
                (row["pk"],),
            ).fetchone()[0]
            conn.execute(SOURCE_INSERT, source_row(row["pk"], position, source))
            at = now_ts()
            conn.execute(
                "UPDATE claims SET version = version + 1, updated_at = ?, updated_by = ?"
                " WHERE pk = ?",
                (at, actor, row["pk"]),
            )
            self._audit(conn, row["pk"], at, actor, "add_source", "sources", None, url)
            return self._claim_by_pk(conn, row["pk"])

    def retire_claim(self, claim_id: str, actor: str, scope: Scope, reason: str = "") -> Claim:
        actor = check_actor(actor)
        with self._write() as conn:
            row = self._changeable_row(conn, claim_id, scope, allow_retired=True)
            if row["retired"]:
                raise Conflict(f"claim {row['id']} is already retired")
            at = now_ts()
            conn.execute(
                "UPDATE claims SET retired = 1, version = version + 1, updated_at = ?,"
                " updated_by = ? WHERE pk = ?",
                (at, actor, row["pk"]),
            )
            self._audit(conn, row["pk"], at, actor, "retire", None, None, reason.strip() or None)
            return self._claim_by_pk(conn, row["pk"])

    # -- retrieval ---------------------------------------------------------------------------
    def search(self, terms: list[str], scope: Scope, limit: int = 50) -> list[Candidate]:
        """BM25 (FTS5's, text weighted 2) over the terms; large indexes are searched through a
        pool from the rarest terms, re-scored exactly (see `sqlite_search`)."""
        query = fts_query(terms)
        if not query or limit <= 0:
            return []
        words = [w for w in dict.fromkeys(CONTROL.sub(" ", str(t)).strip() for t in terms) if w]
        visible, params = _scope_sql(scope)
        with self._read() as conn:
            counts = self._doc_counts.get(conn, words) if all(map(single_token, words)) else {}
            p = plan(words, counts, self.posting_budget)
            if not counts or p.exact:
                sql = (
                    f"SELECT c.id, bm25(claims_fts, {BM25_WEIGHTS[0]}, {BM25_WEIGHTS[1]}) AS score"
                    " FROM claims_fts JOIN claims c ON c.pk = claims_fts.rowid"
                    f" WHERE claims_fts MATCH ? AND c.retired = 0 AND {visible}"
                    " ORDER BY score, c.pk LIMIT ?"
                )
                rows = conn.execute(sql, (query, *params, limit)).fetchall()
                return [Candidate(row[0], -row[1]) for row in rows]
            pooled = pooled_rowids(conn, p, BM25_WEIGHTS)
            rows = rows_by_pk(conn, pooled, visible, params)
            totals = index_totals(conn)
        scorer = Scorer(words, counts, totals, BM25_WEIGHTS)
        scored = sorted(
            (-scorer.score(index_tokens(r[2]), index_tokens(r[3])), r[0], r[1]) for r in rows
        )
        return [Candidate(claim_id, -score) for score, _, claim_id in scored[:limit]]

    def document_frequencies(self, terms: list[str]) -> dict[str, int]:
        """Documents per term. Plain ASCII words are read from the fts5vocab table; anything
        else (accents, punctuation, several words) is counted through the index itself, so
        that it is tokenized exactly as the claims were."""
        result = {term: 0 for term in terms}
        simple = {t: t.strip().lower() for t in result if plain_word(t.strip())}
        with self._read() as conn:
            tokens = sorted(set(simple.values()))
            counts: dict[str, int] = {}
            for part in chunks(tokens):
                sql = f"SELECT term, doc FROM claims_vocab WHERE term IN ({marks(len(part))})"
                counts.update(conn.execute(sql, tuple(part)).fetchall())
            for term in result:
                if term in simple:
                    result[term] = counts.get(simple[term], 0)
                elif query := fts_query([term]):
                    sql = "SELECT count(*) FROM claims_fts WHERE claims_fts MATCH ?"
                    result[term] = conn.execute(sql, (query,)).fetchone()[0]
        return result

    def vocabulary(self) -> list[tuple[str, int]]:
        """Every indexed term (as the FTS tokenizer folded it) with its document count."""
        with self._read() as conn:
            return [(r[0], r[1]) for r in conn.execute("SELECT term, doc FROM claims_vocab")]

    def claim_count_for_search(self) -> int:
        """Live claims, as the index counts them (its own total: no scan of the claims)."""
        with self._read() as conn:
            return index_totals(conn)[0]

    # -- seeds -------------------------------------------------------------------------------
    def seed(self, claims: list[tuple[str, ClaimFields]]) -> SeedReport:
        """Insert missing seeded claims, refresh those only seeding has touched, keep the rest."""
        ids = [check_claim_id(claim_id) for claim_id, _ in claims]
        if len(set(ids)) != len(ids):
            repeated = next(i for i in ids if ids.count(i) > 1)
            raise InvalidInput(f"seed claim id {repeated} appears twice")
        added = updated = unchanged = kept = 0
        with self._write() as conn:
            existing: dict[str, sqlite3.Row] = {}
            for part in chunks(ids):
                sql = f"SELECT * FROM claims WHERE id IN ({marks(len(part))})"
                existing.update((row["id"], row) for row in conn.execute(sql, tuple(part)))
            new: list[tuple[str | None, ClaimFields, str | None]] = []
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
                elif self._refresh_seeded(conn, row, fields, digest):
                    updated += 1
                else:
                    unchanged += 1
            if new:
                self._insert_claims(conn, new, SEED_ACTOR, now_ts())
            added = len(new)
        return SeedReport(
            added=added, updated=updated, unchanged=unchanged, kept_moderator_edits=kept
        )

    def _refresh_seeded(
        self, conn: sqlite3.Connection, row: sqlite3.Row, fields: ClaimFields, digest: str
    ) -> bool:
        wanted = {name: column_value(name, getattr(fields, name)) for name in SEEDED}
        changed = self._change_columns(
            conn, row, wanted, SEED_ACTOR, "update", extra={"seed_hash": digest}
        )
        old = self._sources_for(conn, [row["pk"]]).get(row["pk"], [])
        if old == list(fields.sources):
            return changed
        at = now_ts()
        conn.execute("DELETE FROM sources WHERE claim_pk = ?", (row["pk"],))
        conn.executemany(
            SOURCE_INSERT, [source_row(row["pk"], n, s) for n, s in enumerate(fields.sources, 1)]
        )
        if not changed:
            conn.execute(
                "UPDATE claims SET version = version + 1, updated_at = ?, updated_by = ?"
                " WHERE pk = ?",
                (at, SEED_ACTOR, row["pk"]),
            )
        urls = ["\n".join(str(s.url) for s in sources) for sources in (old, fields.sources)]
        self._audit(conn, row["pk"], at, SEED_ACTOR, "update", "sources", urls[0], urls[1])
        return True

    # -- settings ----------------------------------------------------------------------------
    def get_settings(self, guild_id: int) -> GuildSettings:
        with self._read() as conn:
            row = conn.execute(
                "SELECT data FROM guild_settings WHERE guild_id = ?", (guild_id,)
            ).fetchone()
        if row is None:
            return GuildSettings(guild_id=guild_id)
        data = json.loads(row["data"])
        data["guild_id"] = guild_id
        return GuildSettings.model_validate(data)

    def save_settings(self, settings: GuildSettings, actor: str) -> GuildSettings:
        actor = check_actor(actor)
        with self._write() as conn:
            conn.execute(
                "INSERT INTO guild_settings (guild_id, data, updated_at, updated_by)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET"
                " data = excluded.data, updated_at = excluded.updated_at,"
                " updated_by = excluded.updated_by",
                (settings.guild_id, settings.model_dump_json(), now_ts(), actor),
            )
        return settings
