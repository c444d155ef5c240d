"""The SQLite store: one file, WAL mode, versioned migrations, FTS5 search.

The logic is shared with PostgreSQL (`sql/`); what is SQLite's own is here:
- every write runs in one `BEGIN IMMEDIATE` transaction (`sqlite/db.py`), audit rows included,
  so writers queue instead of locking rows;
- new claims get `pk = max(pk) + 1` (the full-text index's rowid) and are written with
  executemany; FTS5 triggers keep the index (see migrations/sqlite/0001_initial.sql);
- retired claims leave the full-text index, so search, document frequencies and the claim
  count all see live claims only;
- changes made by other connections are noticed by polling `PRAGMA data_version`.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from typing import Any

from verifiers.errors import ConfigError, InvalidInput
from verifiers.files import writable, written_whole
from verifiers.models import Candidate, ClaimFields
from verifiers.store.base import ChangeCallback, ChangeListener, MigrationStatus, Scope
from verifiers.store.sql.core import AUDIT_INSERT, SOURCE_INSERT, scope_sql, source_row
from verifiers.store.sql.dialect import SQLITE, Db
from verifiers.store.sql.store import RelationalStore
from verifiers.store.sql.values import BM25_WEIGHTS, CONTROL, as_text
from verifiers.store.sqlite.db import (
    SqliteBase,
    apply_migrations,
    check_database_path,
    check_ours,
    connect,
    fts_query,
    migration_status,
    plain_word,
)
from verifiers.store.sqlite.listen import listen_sqlite
from verifiers.store.sqlite.search import (
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

CLAIM_INSERT = (
    "INSERT INTO claims (pk, id, text, status, explanation, claimant, claim_date, summary,"
    " external_id, guild_id, created_at, created_by, updated_at, updated_by, version, retired,"
    " seed_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 0, ?)"
)


class SqliteStore(SqliteBase, RelationalStore):
    """`Store` on one SQLite file; safe to share between threads of one process."""

    dialect = SQLITE
    posting_budget = POSTING_BUDGET  # see sqlite/search.py; tests lower it to force pooling

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
        with written_whole(writable(target, "backup")) as partial:
            copy = sqlite3.connect(partial)
            try:
                with self._lock:
                    self.conn.backup(copy)
                copy.execute("PRAGMA journal_mode = DELETE")
            finally:
                copy.close()

    def listen_for_changes(self, callback: ChangeCallback) -> ChangeListener:
        return listen_sqlite(self.path, callback)

    # -- writing new claims ------------------------------------------------------------------
    def _insert_claim_rows(
        self, db: Db, rows: list[tuple[str, ClaimFields, str | None]], actor: str, at: Any
    ) -> list[int]:
        first = db.one("SELECT coalesce(max(pk), 0) + 1 AS pk FROM claims")
        assert first is not None
        pks = list(range(first["pk"], first["pk"] + len(rows)))
        claim_rows = []
        source_rows: list[tuple[Any, ...]] = []
        for pk, (claim_id, fields, hash_) in zip(pks, rows, strict=True):
            claim_rows.append(
                (
                    pk, claim_id, fields.text, as_text(fields.status), fields.explanation,
                    fields.claimant or None, as_text(fields.claim_date), fields.summary,
                    fields.external_id, fields.guild_id, at, actor, at, actor, hash_,
                )
            )  # fmt: skip
            source_rows.extend(
                source_row(pk, n, s, db.dialect) for n, s in enumerate(fields.sources, 1)
            )
        db.many(CLAIM_INSERT, claim_rows)
        db.many(SOURCE_INSERT, source_rows)
        db.many(AUDIT_INSERT, [(pk, at, actor, "create", None, None, None) for pk in pks])
        return pks

    def _external_id_rows(self, db: Db, keys: list[tuple[int, str]]) -> list[Any]:
        # Naming the guilds too lets SQLite use the (guild, external id) index: without them
        # it scans every claim per chunk (0.13 s per 500 ids at a million claims).
        guilds = sorted({guild for guild, _ in keys})
        return db.any_rows(
            "SELECT id, coalesce(guild_id, 0) AS guild, external_id FROM claims"
            f" WHERE coalesce(guild_id, 0) IN ({', '.join('?' * len(guilds))}) AND {{any}}",
            "external_id",
            sorted({ext for _, ext in keys}),
            before=guilds,
        )

    # -- retrieval ---------------------------------------------------------------------------
    def search(self, terms: list[str], scope: Scope, limit: int = 50) -> list[Candidate]:
        """BM25 (FTS5's, text weighted 2) over the terms; large indexes are searched through a
        pool from the rarest terms, re-scored exactly (see `sqlite/search.py`)."""
        query = fts_query(terms)
        if not query or limit <= 0:
            return []
        words = [w for w in dict.fromkeys(CONTROL.sub(" ", str(t)).strip() for t in terms) if w]
        visible, params = scope_sql(scope, SQLITE)
        with self._read() as conn:
            counts = self._doc_counts.get(conn, words) if all(map(single_token, words)) else {}
            p = plan(words, counts, self.posting_budget)
            if not counts or p.exact:
                sql = (
                    f"SELECT c.id, bm25(claims_fts, {BM25_WEIGHTS[0]}, {BM25_WEIGHTS[1]}) AS score,"
                    " c.text, c.summary"
                    " FROM claims_fts JOIN claims c ON c.pk = claims_fts.rowid"
                    f" WHERE claims_fts MATCH ? AND {SQLITE.live} AND {visible}"
                    " ORDER BY score, c.pk LIMIT ?"
                )
                rows = conn.execute(sql, (query, *params, limit)).fetchall()
                return [Candidate(row[0], -row[1], row[2], row[3]) for row in rows]
            pooled = pooled_rowids(conn, p, BM25_WEIGHTS)
            rows = rows_by_pk(conn, pooled, visible, params)
            totals = index_totals(conn)
        scorer = Scorer(words, counts, totals, BM25_WEIGHTS)
        scored = sorted(
            (-scorer.score(index_tokens(r[2]), index_tokens(r[3])), r[0], n)
            for n, r in enumerate(rows)
        )
        return [
            Candidate(rows[n][1], -score, rows[n][2], rows[n][3]) for score, _, n in scored[:limit]
        ]

    def document_frequencies(self, terms: list[str]) -> dict[str, int]:
        """Documents per term. Plain ASCII words are read from the fts5vocab table; anything
        else (accents, punctuation, several words) is counted through the index itself, so
        that it is tokenized exactly as the claims were."""
        result = dict.fromkeys(terms, 0)
        simple = {t: t.strip().lower() for t in result if plain_word(t.strip())}
        with self._reading() as db:
            tokens = sorted(set(simple.values()))
            rows = db.any_rows("SELECT term, doc FROM claims_vocab WHERE {any}", "term", tokens)
            counts = {row["term"]: row["doc"] for row in rows}
            for term in result:
                if term in simple:
                    result[term] = counts.get(simple[term], 0)
                elif query := fts_query([term]):
                    sql = "SELECT count(*) AS n FROM claims_fts WHERE claims_fts MATCH ?"
                    found = db.one(sql, (query,))
                    result[term] = found["n"] if found else 0
        return result

    def vocabulary(self) -> list[tuple[str, int]]:
        """Every indexed term (as the FTS tokenizer folded it) with its document count. The
        counts also prime the search's cache: each would otherwise be read again, a common
        word's at the cost of a scan of its postings."""
        with self._read() as conn:
            terms = [(r[0], r[1]) for r in conn.execute("SELECT term, doc FROM claims_vocab")]
            self._doc_counts.prime(conn, dict(terms))
        return terms

    def claim_count_for_search(self) -> int:
        """Live claims, as the index counts them (its own total: no scan of the claims)."""
        with self._read() as conn:
            return index_totals(conn)[0]
