"""The PostgreSQL store: one database (or schema) shared by any number of bot processes.

The logic is shared with SQLite (`sql/`); what is PostgreSQL's own is here:
- transactions, connecting and reconnecting (`postgres/db.py`); the shared code locks the rows it
  changes (`FOR UPDATE`, through the dialect), so edits from many processes queue;
- new claims take their pks from the sequence and are written with COPY, search columns
  included; search is FTS5's BM25 computed the same way over the same tokens (see
  `postgres/text.py`, `postgres/search.py`), so the matcher sees the same candidates and scores;
- `search_totals` and `search_term_docs` rows are folded now and then (`_wrote`);
- a committed change to claims is announced with NOTIFY (see `listen_for_changes`).
"""

from __future__ import annotations

import logging
from typing import Any

import psycopg

from verifiers.errors import ClaimbotError, ConfigError, InvalidInput
from verifiers.models import Candidate, ClaimFields
from verifiers.store.base import ChangeCallback, ChangeListener, MigrationStatus, Scope
from verifiers.store.postgres.db import (
    PgTarget,
    PostgresBase,
    apply_migrations,
    connect,
    first_line,
    migration_status,
    parse_postgres_url,
    translated,
)
from verifiers.store.postgres.listen import PostgresListener
from verifiers.store.postgres.search import (
    FOLD_TERM_DOCS,
    VOCABULARY,
    phrase_counts,
    token_counts,
)
from verifiers.store.postgres.search import search as bm25_search
from verifiers.store.postgres.text import SEARCH_COLUMNS, query_phrases, search_document
from verifiers.store.sql.core import scope_sql, source_row
from verifiers.store.sql.dialect import POSTGRES, Db
from verifiers.store.sql.store import RelationalStore
from verifiers.store.sql.values import CONTROL, as_text
from verifiers.store.sqlite.search import POSTING_BUDGET, plan, single_token

log = logging.getLogger(__name__)

Conn = psycopg.Connection[dict[str, Any]]

FOLD_TOTALS_EVERY = 64  # writes between folding search_totals' rows together

CLAIM_COPY = (
    "COPY claims (pk, id, text, status, explanation, claimant, claim_date, summary, external_id,"
    " guild_id, created_at, created_by, updated_at, updated_by, version, retired, seed_hash,"
    f" {', '.join(SEARCH_COLUMNS)}) FROM STDIN"
)
SOURCE_COPY = (
    "COPY sources (claim_pk, position, url, publisher, title, published, quote, role) FROM STDIN"
)
AUDIT_COPY = "COPY audit (claim_pk, at, actor, action, field, old, new) FROM STDIN"
FOLD_TOTALS = (
    "WITH gone AS (DELETE FROM search_totals RETURNING docs, tokens)"
    " INSERT INTO search_totals (docs, tokens)"
    " SELECT sum(docs), sum(tokens) FROM gone HAVING count(*) > 0"
)
PLANNER_SHORTCUTS = ("enable_seqscan", "enable_hashjoin", "enable_mergejoin")


class PostgresStore(PostgresBase, RelationalStore):
    """`Store` on PostgreSQL; safe to share between threads, and between processes."""

    dialect = POSTGRES
    posting_budget = POSTING_BUDGET  # see postgres/search.py; tests lower it to force pooling

    def __init__(self, url: str | PgTarget, *, migrate: bool = True) -> None:
        target = url if isinstance(url, PgTarget) else parse_postgres_url(url)
        super().__init__(target)
        self._writes = 0
        if migrate:
            apply_migrations(target)
        try:
            with self._read() as conn:
                conn.execute("SELECT 1 FROM claims LIMIT 1").fetchall()
        except psycopg.Error as exc:
            self.close()
            raise ConfigError(
                f"database {target.display} is not usable: {first_line(exc)}"
            ) from None
        except BaseException:
            self.close()
            raise

    # -- lifecycle ---------------------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def migration_status(self) -> MigrationStatus:
        return migration_status(self.target)

    def backup(self, dest: str, *, overwrite: bool = False) -> None:
        """PostgreSQL is backed up with pg_dump, consistent while the bot runs."""
        raise InvalidInput(
            "PostgreSQL is backed up with its own tools: pg_dump --format=custom"
            f" --schema={self.target.schema} --file={dest} '{self.target.server_url}'"
            " (see docs/storage.md)"
        )

    def listen_for_changes(self, callback: ChangeCallback) -> ChangeListener:
        return PostgresListener(self.target, callback)

    def _wrote(self) -> None:
        """Now and then fold the rows of search_totals and search_term_docs (skipped if
        another process is folding)."""
        self._writes += 1
        if self._writes % FOLD_TOTALS_EVERY:
            return
        try:
            with self._write() as conn:
                locked = conn.execute(
                    "SELECT pg_try_advisory_xact_lock(hashtext('claimbot.totals'),"
                    " hashtext(current_schema())) AS ok"
                ).fetchone()
                if locked is not None and locked["ok"]:
                    conn.execute(FOLD_TOTALS)
                    conn.execute(FOLD_TERM_DOCS)
        except ClaimbotError as exc:  # the write itself is committed; folding can wait
            log.warning("could not fold search totals on %s: %s", self.target.display, exc)

    # -- writing new claims ------------------------------------------------------------------
    def _insert_claim_rows(
        self, db: Db, rows: list[tuple[str, ClaimFields, str | None]], actor: str, at: Any
    ) -> list[int]:
        """COPY the rows in, search columns included; pks come from the sequence."""
        pks = sorted(
            row["pk"]
            for row in db.all(
                "SELECT nextval(pg_get_serial_sequence('claims', 'pk')) AS pk"
                " FROM generate_series(1, ?)",
                (len(rows),),
            )
        )
        with db.raw.cursor() as cur:
            with cur.copy(CLAIM_COPY) as copy:
                for pk, (claim_id, fields, hash_) in zip(pks, rows, strict=True):
                    copy.write_row(
                        (
                            pk, claim_id, fields.text, as_text(fields.status), fields.explanation,
                            fields.claimant or None, fields.claim_date, fields.summary,
                            fields.external_id, fields.guild_id, at, actor, at, actor, 1, False,
                            hash_, *search_document(fields.text, fields.summary),
                        )
                    )  # fmt: skip
            with cur.copy(SOURCE_COPY) as copy:
                for pk, (_, fields, _) in zip(pks, rows, strict=True):
                    for number, source in enumerate(fields.sources, 1):
                        copy.write_row(source_row(pk, number, source, db.dialect))
            with cur.copy(AUDIT_COPY) as copy:
                for pk in pks:
                    copy.write_row((pk, at, actor, "create", None, None, None))
        return pks

    def _external_id_rows(self, db: Db, keys: list[tuple[int, str]]) -> list[Any]:
        # One index lookup per key. Without statistics (a table filling up in a bulk import)
        # the planner would read every claim for each batch instead, making imports quadratic.
        for setting in PLANNER_SHORTCUTS:
            db.execute(f"SET LOCAL {setting} = off")
        rows = db.all(
            "SELECT c.id, coalesce(c.guild_id, 0) AS guild, c.external_id"
            " FROM unnest(?::bigint[], ?::text[]) AS k (guild, ext)"
            " JOIN claims c ON coalesce(c.guild_id, 0) = k.guild AND c.external_id = k.ext",
            ([guild for guild, _ in keys], [ext for _, ext in keys]),
        )
        for setting in PLANNER_SHORTCUTS:
            db.execute(f"SET LOCAL {setting} = on")
        return rows

    def _search_columns(self, text: str, summary: str) -> dict[str, Any]:
        return dict(zip(SEARCH_COLUMNS, search_document(text, summary), strict=True))

    # -- retrieval ---------------------------------------------------------------------------
    def search(self, terms: list[str], scope: Scope, limit: int = 50) -> list[Candidate]:
        """FTS5's BM25 (k1 1.2, b 0.75, text weighted 2, summary 1) over the same tokens; large
        indexes through the same pool as SQLite's (see `postgres/search.py`)."""
        phrases = query_phrases(terms)
        if not phrases or limit <= 0:
            return []
        # Pooling needs single-token terms, as SQLite decides it, so both take the same path.
        words = [w for w in dict.fromkeys(CONTROL.sub(" ", str(t)).strip() for t in terms) if w]
        poolable = all(map(single_token, words))
        visible, params = scope_sql(scope, POSTGRES)
        with self._read() as conn:
            totals = self._totals(conn)
            if totals[0] <= 0:
                return []
            if poolable:
                by_word = token_counts(conn, words)
                counts = [by_word[w] for w in words]
                p = plan(words, by_word, self.posting_budget)
            else:
                counts, p = phrase_counts(conn, phrases), None
            where = (POSTGRES.sql(visible), params)
            return bm25_search(conn, phrases, counts, totals, where, limit, p)

    @staticmethod
    def _totals(conn: Conn) -> tuple[int, int]:
        row = conn.execute(
            "SELECT coalesce(sum(docs), 0) AS docs, coalesce(sum(tokens), 0) AS tokens"
            " FROM search_totals"
        ).fetchone()
        assert row is not None  # an aggregate returns one row
        return int(row["docs"]), int(row["tokens"])

    def document_frequencies(self, terms: list[str]) -> dict[str, int]:
        """Live claims holding each term (as a phrase of its tokens, as FTS5 would match it)."""
        result = dict.fromkeys(terms, 0)
        wanted = {term: query_phrases([term]) for term in result}
        phrases = list({" ".join(p[0]): p[0] for p in wanted.values() if p}.values())
        if not phrases:
            return result
        singles = [p[0] for p in phrases if len(p) == 1]
        several = [p for p in phrases if len(p) > 1]
        with self._read() as conn:
            counts = token_counts(conn, singles)
            if several:
                several_counts = phrase_counts(conn, several)
                counts.update(zip(map(" ".join, several), several_counts, strict=True))
        for term, found in wanted.items():
            if found:
                result[term] = counts[" ".join(found[0])]
        return result

    def vocabulary(self) -> list[tuple[str, int]]:
        """Every indexed term (as the tokenizer folded it) with the live claims holding it.

        Read over a connection of its own: it reads every term's counts (a fraction of a second
        at a million claims), and checks on the store's connection need not wait for that
        (see `Matcher.refresh`).
        """
        try:
            with connect(self.target) as conn:
                rows = conn.execute(VOCABULARY).fetchall()
        except psycopg.Error as exc:
            raise translated(exc) from None
        return [(row["term"], int(row["n"])) for row in rows]

    def claim_count_for_search(self) -> int:
        with self._read() as conn:
            return self._totals(conn)[0]
