"""The PostgreSQL store: one database (or schema) shared by any number of bot processes.

The logic is shared with SQLite (`sql/`); what is PostgreSQL's own is here:
- transactions, connecting and reconnecting (`postgres/db.py`); the shared code locks the rows it
  changes (`FOR UPDATE`, through the dialect), so edits from many processes queue;
- new claims take their pks from the sequence and are written with COPY;
- the derived indexes (`store/index/`) live in the user cache folder, one folder per database
  and schema (`index_folder`); each process keeps the search index current from the audit rows;
- a committed change to claims is announced with NOTIFY (see `listen_for_changes`).
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

import psycopg

from verifiers.domain.errors import ConfigError, InvalidInput
from verifiers.domain.models import ClaimFields
from verifiers.paths import cache_path
from verifiers.store.ports import ChangeCallback, ChangeListener
from verifiers.store.postgres.db import (
    PgTarget,
    PostgresBase,
    apply_migrations,
    first_line,
    migration_status,
    parse_postgres_url,
)
from verifiers.store.postgres.listen import PostgresListener
from verifiers.store.records import MigrationStatus
from verifiers.store.sql.core import source_row
from verifiers.store.sql.dialect import POSTGRES, Db
from verifiers.store.sql.store import RelationalStore
from verifiers.store.sql.values import as_text

log = logging.getLogger(__name__)

Conn = psycopg.Connection[dict[str, Any]]

CLAIM_COPY = (
    "COPY claims (pk, id, text, status, explanation, claimant, claim_date, summary, external_id,"
    " guild_id, created_at, created_by, updated_at, updated_by, version, retired, seed_hash)"
    " FROM STDIN"
)
SOURCE_COPY = (
    "COPY sources (claim_pk, position, url, publisher, title, published, quote, role) FROM STDIN"
)
AUDIT_COPY = "COPY audit (claim_pk, at, actor, action, field, old, new) FROM STDIN"
PLANNER_SHORTCUTS = ("enable_seqscan", "enable_hashjoin", "enable_mergejoin")


def _key(text: str, length: int) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def index_folder(target: PgTarget) -> Path:
    """Where the indexes of this database and schema live: the user cache folder, under a
    name made from the server, database and schema (never the password)."""
    return cache_path("index", _key(target.display, 16))


def old_index_folders(target: PgTarget) -> list[Path]:
    """Where earlier versions kept them: the cache's `search/` and `vectors/`."""
    vectors = _key(f"{target.display}#{target.schema}", 12)
    return [cache_path("search", _key(target.display, 16)), cache_path("vectors", vectors)]


class PostgresStore(PostgresBase, RelationalStore):
    """`Store` on PostgreSQL; safe to share between threads, and between processes."""

    dialect = POSTGRES

    def __init__(self, url: str | PgTarget, *, migrate: bool = True) -> None:
        target = url if isinstance(url, PgTarget) else parse_postgres_url(url)
        super().__init__(target)
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
        self._start_search(index_folder(target), old_index_folders(target))

    # -- lifecycle ---------------------------------------------------------------------------
    def close(self) -> None:
        self._stop_search()
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

    def refresh_statistics(self) -> None:
        # Without them (autovacuum may be off, and is minutes late at best) a check's lookup
        # of its 15 candidates by id is planned as a parallel scan of a table of unknown
        # size: 11 ms instead of 2 at a million claims (docs/benchmarks.md).
        with self._write() as conn:
            conn.execute("ANALYZE claims, sources, audit")

    def listen_for_changes(self, callback: ChangeCallback) -> ChangeListener:
        return PostgresListener(self.target, callback)

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
                            hash_,
                        )
                    )  # fmt: skip
            with cur.copy(SOURCE_COPY) as copy:
                for pk, (_, fields, _) in zip(pks, rows, strict=True):
                    for number, source in enumerate(fields.sources, 1):
                        copy.write_row(source_row(pk, number, source, db.dialect))
            db.may_write_audit()
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
