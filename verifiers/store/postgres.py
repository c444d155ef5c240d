"""The PostgreSQL store: one database (or schema) shared by any number of bot processes.

It keeps the same observable behaviour as `SqliteStore` (the contract tests run against both):
- every write is one transaction; changing a claim first locks its row, so concurrent edits
  from many processes queue, and an edit expecting an older version gets "changed meanwhile";
- search is FTS5's BM25 computed the same way over the same tokens (see `postgres_text`), so
  the matcher sees the same candidates with the same scores on both backends;
- a committed change to claims is announced with NOTIFY (see `listen_for_changes`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

import psycopg
from pydantic import ValidationError

from verifiers.errors import ClaimbotError, ConfigError, Conflict, InvalidInput
from verifiers.models import (
    AuditEntry,
    Candidate,
    Claim,
    ClaimChanges,
    ClaimFields,
    GuildSettings,
    Source,
    Status,
    utcnow,
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
from verifiers.store.postgres_db import (
    CLAIM_COLUMNS,
    PgTarget,
    _translated,
    apply_migrations,
    connect,
    first_line,
    migration_status,
    parse_postgres_url,
    scope_sql,
)
from verifiers.store.postgres_drafts import PostgresDrafts
from verifiers.store.postgres_embeddings import PostgresEmbeddings
from verifiers.store.postgres_flags import PostgresFlags
from verifiers.store.postgres_listen import PostgresListener
from verifiers.store.postgres_liveness import PostgresLiveness
from verifiers.store.postgres_search import (
    FOLD_TERM_DOCS,
    VOCABULARY,
    phrase_counts,
    token_counts,
)
from verifiers.store.postgres_search import search as bm25_search
from verifiers.store.postgres_text import SEARCH_COLUMNS, query_phrases, search_document
from verifiers.store.sqlite import EDITABLE, ITER_BATCH, SEEDED
from verifiers.store.sqlite_db import (
    CONTROL,
    SEED_ACTOR,
    as_text,
    check_actor,
    check_claim_id,
    like_pattern,
    new_claim_id,
    seed_hash,
    short,
)
from verifiers.store.sqlite_search import POSTING_BUDGET, plan, single_token

log = logging.getLogger(__name__)

Conn = psycopg.Connection[dict[str, Any]]
NewClaim = tuple[str | None, ClaimFields, str | None]  # (id or None, fields, seed hash)

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
SOURCE_INSERT = (
    "INSERT INTO sources (claim_pk, position, url, publisher, title, published, quote, role)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
)
FOLD_TOTALS = (
    "WITH gone AS (DELETE FROM search_totals RETURNING docs, tokens)"
    " INSERT INTO search_totals (docs, tokens)"
    " SELECT sum(docs), sum(tokens) FROM gone HAVING count(*) > 0"
)


def _source_row(claim_pk: int, position: int, source: Source) -> tuple[Any, ...]:
    return (
        claim_pk,
        position,
        None if source.url is None else str(source.url),
        source.publisher,
        source.title,
        source.published,
        source.quote,
        as_text(source.role),
    )


def _native(name: str, value: Any) -> Any:
    """A claim field as its column takes it: dates as dates, enums as their text, "" → NULL."""
    if name == "claimant" and not value:
        return None
    if name == "claim_date" and isinstance(value, str):
        return date.fromisoformat(value)
    if hasattr(value, "value"):  # StrEnum
        return str(value.value)
    return value


class PostgresStore(PostgresDrafts, PostgresLiveness, PostgresFlags, PostgresEmbeddings, Store):
    """`Store` on PostgreSQL; safe to share between threads, and between processes."""

    posting_budget = POSTING_BUDGET  # see postgres_search; tests lower it to force pooling

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
                if conn.execute("SELECT pg_try_advisory_xact_lock(hashtext('claimbot.totals'),"
                                " hashtext(current_schema())) AS ok").fetchone()["ok"]:  # fmt: skip
                    conn.execute(FOLD_TOTALS)
                    conn.execute(FOLD_TERM_DOCS)
        except ClaimbotError as exc:  # the write itself is committed; folding can wait
            log.warning("could not fold search totals on %s: %s", self.target.display, exc)

    # -- adding claims -----------------------------------------------------------------------
    def add_claim(self, fields: ClaimFields, actor: str, claim_id: str | None = None) -> Claim:
        actor = check_actor(actor)
        item = (check_claim_id(claim_id) if claim_id is not None else None, fields, None)
        with self._write() as conn:
            pk = self._insert_claims(conn, [item], actor)[0]
            claim = self._claim_by_pk(conn, pk)
        self._wrote()
        return claim

    def add_claims(self, items: Iterable[ClaimFields], actor: str) -> list[Claim]:
        actor = check_actor(actor)
        batch: list[NewClaim] = []
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
            pks = self._insert_claims(conn, batch, actor)
            rows = conn.execute(
                f"SELECT {CLAIM_COLUMNS} FROM claims WHERE pk = ANY(%s) ORDER BY pk", (pks,)
            ).fetchall()
            claims = self._claims_from_rows(conn, rows)
        self._wrote()
        return claims

    def _insert_claims(
        self, conn: Conn, items: list[NewClaim], actor: str, at: datetime | None = None
    ) -> list[int]:
        """Insert (id or None, fields, seed hash) rows with COPY; returns their pks in order."""
        given = [claim_id for claim_id, _, _ in items if claim_id]
        if len(set(given)) != len(given):
            repeated = next(i for i in given if given.count(i) > 1)
            raise Conflict(f"claim id {repeated} appears twice in one batch")
        if taken := self._existing_ids(conn, given):
            raise Conflict(f"claim id {sorted(taken)[0]} is already taken")
        ids: list[str] = []
        used = set(given)
        for claim_id, _, _ in items:
            while claim_id is None or (claim_id in used and claim_id not in given):
                claim_id = new_claim_id()  # 40 random bits: a repeat is all but impossible
            ids.append(claim_id)
            used.add(claim_id)
        while clash := self._existing_ids(conn, [i for i in ids if i not in given]):
            ids = [new_claim_id() if i in clash else i for i in ids]
        self._check_external_ids(conn, [fields for _, fields, _ in items])

        pks = sorted(
            row["pk"]
            for row in conn.execute(
                "SELECT nextval(pg_get_serial_sequence('claims', 'pk')) AS pk"
                " FROM generate_series(1, %s)",
                (len(items),),
            )
        )
        at = at or utcnow()
        with conn.cursor() as cur:
            with cur.copy(CLAIM_COPY) as copy:
                for pk, claim_id, (_, fields, hash_) in zip(pks, ids, items, strict=True):
                    copy.write_row(
                        (
                            pk, claim_id, fields.text, as_text(fields.status), fields.explanation,
                            fields.claimant or None, fields.claim_date, fields.summary,
                            fields.external_id, fields.guild_id, at, actor, at, actor, 1, False,
                            hash_, *search_document(fields.text, fields.summary),
                        )
                    )  # fmt: skip
            with cur.copy(SOURCE_COPY) as copy:
                for pk, (_, fields, _) in zip(pks, items, strict=True):
                    for number, source in enumerate(fields.sources, 1):
                        copy.write_row(_source_row(pk, number, source))
            with cur.copy(AUDIT_COPY) as copy:
                for pk in pks:
                    copy.write_row((pk, at, actor, "create", None, None, None))
        return pks

    @staticmethod
    def _existing_ids(conn: Conn, ids: list[str]) -> set[str]:
        if not ids:
            return set()
        rows = conn.execute("SELECT id FROM claims WHERE id = ANY(%s)", (ids,))
        return {row["id"] for row in rows}

    @staticmethod
    def _check_external_ids(conn: Conn, batch: list[ClaimFields]) -> None:
        keys = [(f.guild_id or 0, f.external_id) for f in batch if f.external_id is not None]
        if not keys:
            return
        if len(set(keys)) != len(keys):
            repeated = next(k for k in keys if keys.count(k) > 1)
            raise Conflict(f"external id {short(repeated[1])} appears twice in one batch")
        # One index lookup per key. Without statistics (a table filling up in a bulk import)
        # the planner would read every claim for each batch instead, making imports quadratic.
        for setting in ("enable_seqscan", "enable_hashjoin", "enable_mergejoin"):
            conn.execute(f"SET LOCAL {setting} = off")
        rows = conn.execute(
            "SELECT c.id, coalesce(c.guild_id, 0) AS guild, c.external_id"
            " FROM unnest(%s::bigint[], %s::text[]) AS k (guild, ext)"
            " JOIN claims c ON coalesce(c.guild_id, 0) = k.guild AND c.external_id = k.ext",
            ([guild for guild, _ in keys], [ext for _, ext in keys]),
        ).fetchall()
        for setting in ("enable_seqscan", "enable_hashjoin", "enable_mergejoin"):
            conn.execute(f"SET LOCAL {setting} = on")
        if rows:
            row = min(rows, key=lambda r: (r["guild"], r["external_id"]))
            raise Conflict(
                f"external id {short(row['external_id'])} is already used by claim {row['id']}"
            )

    # -- reading claims ----------------------------------------------------------------------
    def get_claim(self, claim_id: str, scope: Scope) -> Claim:
        with self._read() as conn:
            row = self._claim_row(conn, claim_id, scope)
            return self._claims_from_rows(conn, [row])[0]

    def get_claims(self, claim_ids: Iterable[str]) -> dict[str, Claim]:
        ids = list(dict.fromkeys(str(i) for i in claim_ids))
        if not ids:
            return {}
        with self._read() as conn:
            rows = conn.execute(f"SELECT {CLAIM_COLUMNS} FROM claims WHERE id = ANY(%s)", (ids,))
            found = {claim.id: claim for claim in self._claims_from_rows(conn, rows)}
        return {i: found[i] for i in ids if i in found}

    def _where(
        self,
        scope: Scope,
        *,
        include_retired: bool,
        status: Status | None = None,
        contains: str | None = None,
    ) -> tuple[str, list[Any]]:
        clause, params = scope_sql(scope)
        clauses = [clause]
        if not include_retired:
            clauses.append("NOT c.retired")
        if status is not None:
            try:
                params.append(Status(status).value)
            except ValueError:
                raise InvalidInput(f"unknown status {short(str(status))!r}") from None
            clauses.append("c.status = %s")
        contains = CONTROL.sub(" ", contains or "").strip()
        if contains:
            pattern = like_pattern(contains)
            clauses.append(
                "(c.text ILIKE %s ESCAPE '\\' OR c.summary ILIKE %s ESCAPE '\\'"
                " OR c.claimant ILIKE %s ESCAPE '\\' OR c.id = %s)"
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
        query = (
            f"SELECT {CLAIM_COLUMNS} FROM claims c WHERE {where}"
            " ORDER BY c.pk DESC LIMIT %s OFFSET %s"
        )
        with self._read() as conn:
            rows = conn.execute(query, (*params, max(0, limit), max(0, offset))).fetchall()
            return self._claims_from_rows(conn, rows)

    def iter_claims(self, scope: Scope, *, include_retired: bool = False) -> Iterator[Claim]:
        where, params = self._where(scope, include_retired=include_retired)
        query = (
            f"SELECT {CLAIM_COLUMNS} FROM claims c WHERE {where} AND c.pk > %s"
            " ORDER BY c.pk LIMIT %s"
        )
        last = 0
        while True:
            with self._read() as conn:
                rows = conn.execute(query, (*params, last, ITER_BATCH)).fetchall()
                batch = self._claims_from_rows(conn, rows)
            if not rows:
                return
            last = rows[-1]["pk"]
            yield from batch

    def count_claims(self, scope: Scope, *, include_retired: bool = False) -> int:
        where, params = self._where(scope, include_retired=include_retired)
        with self._read() as conn:
            row = conn.execute(f"SELECT count(*) AS n FROM claims c WHERE {where}", params)
            return int(row.fetchone()["n"])

    def history(self, claim_id: str, scope: Scope) -> list[AuditEntry]:
        with self._read() as conn:
            row = self._claim_row(conn, claim_id, scope)
            rows = conn.execute("SELECT * FROM audit WHERE claim_pk = %s ORDER BY id", (row["pk"],))
            return [self._audit_entry(entry, row["id"]) for entry in rows]

    def find_by_external_id(self, external_id: str, guild_id: int | None) -> Claim | None:
        with self._read() as conn:
            row = conn.execute(
                f"SELECT {CLAIM_COLUMNS} FROM claims"
                " WHERE coalesce(guild_id, 0) = %s AND external_id = %s",
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
                name: _native(name, value)
                for name, value in changes.model_dump(exclude_none=True).items()
                if name in EDITABLE
            }
            self._change_columns(conn, row, wanted, actor, "update")
            claim = self._claim_by_pk(conn, row["pk"])
            if notify is not None:
                self._notify(conn, notify, claim, Status(row["status"]), scope)
        self._wrote()
        return claim

    def _change_columns(
        self,
        conn: Conn,
        row: dict[str, Any],
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
                sets = ", ".join(f"{name} = %s" for name in extra)
                conn.execute(
                    f"UPDATE claims SET {sets} WHERE pk = %s", (*extra.values(), row["pk"])
                )
            return False
        at = utcnow()
        columns = {**changed, **(extra or {}), "updated_at": at, "updated_by": actor}
        if "text" in changed or "summary" in changed:
            text = changed.get("text", row["text"])
            summary = changed.get("summary", row["summary"])
            columns.update(zip(SEARCH_COLUMNS, search_document(text, summary), strict=True))
        assert set(columns) <= {*SEEDED, *SEARCH_COLUMNS, "seed_hash", "updated_at", "updated_by"}
        sets = ", ".join(f"{name} = %s" for name in columns)
        conn.execute(
            f"UPDATE claims SET {sets}, version = version + 1 WHERE pk = %s",
            (*columns.values(), row["pk"]),
        )
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO audit (claim_pk, at, actor, action, field, old, new)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [
                    (row["pk"], at, actor, action, name, as_text(row[name]), as_text(new))
                    for name, new in changed.items()
                ],
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
                    "SELECT 1 FROM sources WHERE claim_pk = %s AND url = %s", (row["pk"], url)
                ).fetchone()
            ):
                raise Conflict(f"claim {row['id']} already cites {short(url, 80)}")
            position = conn.execute(
                "SELECT coalesce(max(position), 0) + 1 AS n FROM sources WHERE claim_pk = %s",
                (row["pk"],),
            ).fetchone()["n"]
            conn.execute(SOURCE_INSERT, _source_row(row["pk"], position, source))
            at = utcnow()
            conn.execute(
                "UPDATE claims SET version = version + 1, updated_at = %s, updated_by = %s"
                " WHERE pk = %s",
                (at, actor, row["pk"]),
            )
            self._audit(conn, row["pk"], at, actor, "add_source", "sources", None, url)
            claim = self._claim_by_pk(conn, row["pk"])
        self._wrote()
        return claim

    def retire_claim(self, claim_id: str, actor: str, scope: Scope, reason: str = "") -> Claim:
        actor = check_actor(actor)
        with self._write() as conn:
            row = self._changeable_row(conn, claim_id, scope, allow_retired=True)
            if row["retired"]:
                raise Conflict(f"claim {row['id']} is already retired")
            at = utcnow()
            conn.execute(
                "UPDATE claims SET retired = true, version = version + 1, updated_at = %s,"
                " updated_by = %s WHERE pk = %s",
                (at, actor, row["pk"]),
            )
            self._audit(conn, row["pk"], at, actor, "retire", None, None, reason.strip() or None)
            claim = self._claim_by_pk(conn, row["pk"])
        self._wrote()
        return claim

    # -- retrieval ---------------------------------------------------------------------------
    def search(self, terms: list[str], scope: Scope, limit: int = 50) -> list[Candidate]:
        """FTS5's BM25 (k1 1.2, b 0.75, text weighted 2, summary 1) over the same tokens; large
        indexes through the same pool as SQLite's (see `postgres_search`)."""
        phrases = query_phrases(terms)
        if not phrases or limit <= 0:
            return []
        # Pooling needs single-token terms, as SQLite decides it, so both take the same path.
        words = [w for w in dict.fromkeys(CONTROL.sub(" ", str(t)).strip() for t in terms) if w]
        poolable = all(map(single_token, words))
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
            return bm25_search(conn, phrases, counts, totals, scope_sql(scope), limit, p)

    @staticmethod
    def _totals(conn: Conn) -> tuple[int, int]:
        row = conn.execute(
            "SELECT coalesce(sum(docs), 0) AS docs, coalesce(sum(tokens), 0) AS tokens"
            " FROM search_totals"
        ).fetchone()
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
            raise _translated(exc) from None
        return [(row["term"], int(row["n"])) for row in rows]

    def claim_count_for_search(self) -> int:
        with self._read() as conn:
            return self._totals(conn)[0]

    # -- seeds -------------------------------------------------------------------------------
    def seed(self, claims: list[tuple[str, ClaimFields]]) -> SeedReport:
        """Insert missing seeded claims, refresh those only seeding has touched, keep the rest.

        Seeding processes (shards starting together) take turns on an advisory lock, so the
        second finds the first's claims instead of failing on their ids.
        """
        ids = [check_claim_id(claim_id) for claim_id, _ in claims]
        if len(set(ids)) != len(ids):
            repeated = next(i for i in ids if ids.count(i) > 1)
            raise InvalidInput(f"seed claim id {repeated} appears twice")
        updated = unchanged = kept = 0
        with self._write() as conn:
            conn.execute(
                "SELECT pg_advisory_xact_lock(hashtext('claimbot.seed'),"
                " hashtext(current_schema()))"
            )
            rows = conn.execute(
                f"SELECT {CLAIM_COLUMNS} FROM claims WHERE id = ANY(%s) ORDER BY pk FOR UPDATE",
                (ids,),
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
                elif self._refresh_seeded(conn, row, fields, digest):
                    updated += 1
                else:
                    unchanged += 1
            if new:
                self._insert_claims(conn, new, SEED_ACTOR)
        if new or updated:
            self._wrote()
        return SeedReport(
            added=len(new), updated=updated, unchanged=unchanged, kept_moderator_edits=kept
        )

    def _refresh_seeded(
        self, conn: Conn, row: dict[str, Any], fields: ClaimFields, digest: str
    ) -> bool:
        wanted = {name: _native(name, getattr(fields, name)) for name in SEEDED}
        changed = self._change_columns(
            conn, row, wanted, SEED_ACTOR, "update", extra={"seed_hash": digest}
        )
        old = self._sources_for(conn, [row["pk"]]).get(row["pk"], [])
        if old == list(fields.sources):
            return changed
        at = utcnow()
        conn.execute("DELETE FROM sources WHERE claim_pk = %s", (row["pk"],))
        with conn.cursor() as cur:
            cur.executemany(
                SOURCE_INSERT,
                [_source_row(row["pk"], n, s) for n, s in enumerate(fields.sources, 1)],
            )
        if not changed:
            conn.execute(
                "UPDATE claims SET version = version + 1, updated_at = %s, updated_by = %s"
                " WHERE pk = %s",
                (at, SEED_ACTOR, row["pk"]),
            )
        urls = ["\n".join(str(s.url) for s in sources) for sources in (old, fields.sources)]
        self._audit(conn, row["pk"], at, SEED_ACTOR, "update", "sources", urls[0], urls[1])
        return True

    # -- settings ----------------------------------------------------------------------------
    def get_settings(self, guild_id: int) -> GuildSettings:
        with self._read() as conn:
            row = conn.execute(
                "SELECT data FROM guild_settings WHERE guild_id = %s", (guild_id,)
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
                " VALUES (%s, %s, %s, %s) ON CONFLICT (guild_id) DO UPDATE SET"
                " data = excluded.data, updated_at = excluded.updated_at,"
                " updated_by = excluded.updated_by",
                (settings.guild_id, settings.model_dump_json(), utcnow(), actor),
            )
        return settings
