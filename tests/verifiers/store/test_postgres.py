"""What only the PostgreSQL store does: URLs and schemas, many processes at once, LISTEN/NOTIFY,
lost connections, and search that scores exactly as on SQLite (one index path for both).

Each test gets a schema of its own on the test server (see tests/conftest.py) and skips,
saying why, where there is no server.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.conftest import POSTGRES_URL, make_fields, postgres_schema
from tests.verifiers.matching.test_seeded import (  # noqa: F401 - the matcher's seed tests, on PostgreSQL
    matcher,
    test_contradicting_messages_match_the_same_claim_with_stance,
    test_held_out_phrasings_match_their_claim,
    test_several_claims_in_one_message_give_several_results,
    test_tuning_phrasings_match_their_claim,
    test_unrelated_claims_get_no_match,
)
from tests.verifiers.store.test_contract import Events
from verifiers.domain.errors import ConfigError, Conflict, InvalidInput
from verifiers.domain.models import ClaimChanges, ClaimFields, Scope, Source
from verifiers.store import open_store
from verifiers.store.ports import Store
from verifiers.store.postgres.db import BUSY_MESSAGE, connect, parse_postgres_url
from verifiers.store.postgres.store import PostgresStore
from verifiers.store.sqlite.store import SqliteStore

pytestmark = pytest.mark.postgres

OP = Scope.everything()


@pytest.fixture
def store(pg_url: str) -> Iterator[PostgresStore]:
    with PostgresStore(pg_url) as opened:
        yield opened


@pytest.fixture(scope="module")
def seeded() -> Iterator[Store]:
    """The seeded store the matcher's tests run on (see tests/verifiers/matching/test_seeded.py)."""
    with postgres_schema() as url, open_store(url, seed=True) as opened:
        yield opened


def sql(url: str, query: str, params: tuple[object, ...] = ()) -> list[dict[str, object]]:
    with connect(parse_postgres_url(url)) as conn:
        return conn.execute(query, params).fetchall()


# -- URLs and schemas ---------------------------------------------------------------------------
def test_urls_name_a_schema_and_never_show_the_password() -> None:
    target = parse_postgres_url("postgres://bot:s3cret@db.example:5433/claims?schema=shard_a")
    assert target.schema == "shard_a"
    assert target.display == "postgresql://bot@db.example:5433/claims?schema=shard_a"
    assert "schema" not in target.conninfo
    assert "s3cret" in target.conninfo
    assert parse_postgres_url("postgresql:///claims?host=/run/postgresql").schema == "public"
    for bad, message in [
        ("postgresql://h/claims?schema=Robert');DROP", "schema"),
        ("postgresql://host", "names no database"),
    ]:
        with pytest.raises(ConfigError, match=message):
            parse_postgres_url(bad)


def test_an_unreachable_server_is_one_clear_line() -> None:
    with pytest.raises(ConfigError) as info:
        open_store("postgresql://bot:pw@127.0.0.1:1/claims")
    message = str(info.value)
    assert message.startswith("cannot connect to postgresql://bot@127.0.0.1:1/claims")
    assert "pw" not in message
    assert "\n" not in message


def test_open_store_creates_its_schema_and_seeds_it(pg_url: str) -> None:
    with open_store(pg_url) as store:
        seeded = store.count_claims(OP)
        assert seeded > 0
    with open_store(pg_url) as store:  # seeding again adds nothing
        assert store.count_claims(OP) == seeded
    schema = parse_postgres_url(pg_url).schema
    rows = sql(pg_url, "SELECT count(*) AS n FROM pg_namespace WHERE nspname = %s", (schema,))
    assert rows == [{"n": 1}]


def test_another_programs_schema_is_left_alone(pg_url: str) -> None:
    schema = parse_postgres_url(pg_url).schema
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
        admin.execute(f"CREATE TABLE {schema}.recipes (name text)")
    with pytest.raises(ConfigError, match="another program's tables"):
        PostgresStore(pg_url)
    tables = sql(
        pg_url, "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
        (schema,),
    )  # fmt: skip
    assert tables == [{"table_name": "recipes"}]


def test_backup_points_to_pg_dump(store: PostgresStore) -> None:
    with pytest.raises(InvalidInput) as info:
        store.backup("claims.dump")
    message = str(info.value)
    assert "pg_dump" in message
    assert "claims.dump" in message
    assert "\n" not in message


# -- search: the same candidates, counts and BM25 scores as SQLite ---------------------------------
CORPUS = [
    ("The Café in Zürich closed after 30 years", "A café story; cafe owners protest"),
    ("Giraffes sleep standing up, giraffes say", ""),
    ("Penguins cannot fly but penguins swim", "giraffes mentioned once"),
    ("Covid-19 e-mail hoax: the e-mail claims 3.5% of people", "an e-mail chain letter"),
    ("Trump asked Zelenskyy whether Ukraine could hit Moscow", "Moscow strike question"),
    ("Prices rose 50% in a year, the minister said", "prices and the minister"),
    ("Naïve façade coöperation in Ærøskøbing", ""),
    ("Moon landing was staged", "secret"),
    ("the the the the the the the the the the words repeat", "the the"),
]
QUERIES = [
    ["cafe"], ["Café", "cafe"], ["giraffes"], ["giraffes", "penguins", "fly"], ["e-mail"],
    ["e mail", "hoax"], ["moscow", "ukraine", "zelenskyy", "trump"], ["minister", "prices"],
    ["the"], ["the", "words"], ["zurich", "30"], ["3.5"], ["naive", "aerøskøbing"],
    ["NEAR(moon cheese)"], ["moon", "landing", "staged", "secret"], ["repeat", "the the"],
]  # fmt: skip


def test_search_scores_and_counts_equal_sqlites(store: PostgresStore, tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "twin.db") as twin:
        for n, (text, summary) in enumerate(CORPUS):
            for target in (store, twin):
                target.add_claim(make_fields(text, summary=summary), "a", claim_id=f"doc{n}")
        twin_claim = twin.list_claims(OP)[0]
        for target in (store, twin):  # edits and retirement move the statistics too
            target.update_claim(twin_claim.id, ClaimChanges(summary="edited words"), "b", OP)
            target.retire_claim("doc4", "b", OP)
        assert sorted(store.vocabulary()) == sorted(twin.vocabulary())
        assert store.claim_count_for_search() == twin.claim_count_for_search()
        for terms in QUERIES:
            ours, theirs = store.search(terms, OP), twin.search(terms, OP)
            assert ours == theirs, terms  # the same ids, ranks and scores, to the last bit
            assert store.document_frequencies(terms) == twin.document_frequencies(terms)


# -- many processes ------------------------------------------------------------------------------
RACER = textwrap.dedent(
    """
    import sys
    from verifiers.domain.errors import Conflict
    from verifiers.domain.models import ClaimChanges, Source
    from verifiers.store import open_store
    from verifiers.domain.models import Scope
    url, claim_id, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = open_store(url, seed=False)
    print("ready", flush=True)
    sys.stdin.readline()  # wait until every process is ready
    outcomes = []
    for user in ("alice", "bob", f"only{n}"):
        try:
            store.add_flag(claim_id, user_id=user, guild_id=None, reason="no")
            outcomes.append("flag")
        except Conflict:
            outcomes.append("flag-conflict")
    try:
        store.update_claim(claim_id, ClaimChanges(explanation=f"by {n}"), f"p{n}",
                           Scope.everything(), expected_version=1)
        outcomes.append("edit")
    except Conflict as exc:
        assert "changed meanwhile" in str(exc), exc
        outcomes.append("edit-conflict")
    source = Source(url=f"https://p{n}.example/", publisher="P")
    store.add_source(claim_id, source, f"p{n}", Scope.everything())
    print(" ".join(outcomes), flush=True)
    """
)


def test_many_processes_flagging_and_editing_keep_the_rules(
    store: PostgresStore, pg_url: str
) -> None:
    claim = store.add_claim(make_fields(), "a")
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, pg_url, claim.id, str(n)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for n in range(6)
    ]  # fmt: skip
    for proc in procs:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
    outputs = [proc.communicate("go\n", timeout=120) for proc in procs]
    for proc, (_, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
    outcomes = [word for out, _ in outputs for word in out.split()]
    assert outcomes.count("flag") == 2 + 6  # alice once, bob once, each only-user once
    assert outcomes.count("edit") == 1
    assert outcomes.count("edit-conflict") == 5
    flags = store.list_flags(OP)
    assert sorted(f.user_id for f in flags) == sorted(
        ["alice", "bob", *(f"only{n}" for n in range(6))]
    )
    final = store.get_claim(claim.id, OP)
    assert final.version == 1 + 1 + 6  # one edit won, and no source was lost
    assert len(final.sources) == 1 + 6


def test_a_busy_row_is_a_clear_conflict(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("verifiers.store.postgres.db.LOCK_TIMEOUT", "200ms")
    with PostgresStore(pg_url) as store:
        claim = store.add_claim(make_fields(), "a")
        with connect(parse_postgres_url(pg_url)) as holder:
            holder.execute("BEGIN")
            holder.execute("SELECT 1 FROM claims WHERE id = %s FOR UPDATE", (claim.id,))
            with pytest.raises(Conflict) as info:
                store.update_claim(claim.id, ClaimChanges(status="false"), "b", OP)
            assert str(info.value) == BUSY_MESSAGE
            holder.execute("ROLLBACK")
        assert store.update_claim(claim.id, ClaimChanges(status="false"), "b", OP).version == 2


def test_a_dropped_connection_is_replaced(store: PostgresStore, pg_url: str) -> None:
    claim = store.add_claim(make_fields(), "a")
    pid = store.conn.info.backend_pid
    sql(pg_url, "SELECT pg_terminate_backend(%s)", (pid,))
    assert store.get_claim(claim.id, OP) == claim
    assert store.conn.info.backend_pid != pid


def test_text_postgresql_cannot_hold_is_invalid_input(store: PostgresStore) -> None:
    with pytest.raises(InvalidInput, match="NUL"):
        store.add_claim(make_fields("Text with a \x00 inside it"), "a")
    assert store.count_claims(OP) == 0


# -- LISTEN / NOTIFY ------------------------------------------------------------------------------
def test_notifications_name_the_claims_or_say_many(store: PostgresStore, pg_url: str) -> None:
    events = Events()
    with store.listen_for_changes(events), PostgresStore(pg_url) as other:
        few = other.add_claims([make_fields(f"Claim number {n}") for n in range(3)], "a")
        assert events.next() == {c.id for c in few}
        other.add_claims([make_fields(f"Bulk claim {n}") for n in range(150)], "a")
        assert events.next() is None  # more than fit in one notification: "reload everything"
        other.save_settings(other.get_settings(1), "admin")
        other.add_flag(few[0].id, user_id="u", guild_id=None, reason="r")
        other.retire_claim(few[1].id, "a", OP)
        assert events.next() == {few[1].id}  # settings and flags are no claim change


def test_a_listener_whose_connection_drops_reconnects_and_says_so(
    store: PostgresStore, pg_url: str
) -> None:
    events = Events()
    with store.listen_for_changes(events) as listener:
        pid = listener._conn.info.backend_pid  # type: ignore[attr-defined]
        sql(pg_url, "SELECT pg_terminate_backend(%s)", (pid,))
        assert events.next() is None  # changes may have been missed meanwhile
        claim = store.add_claim(ClaimFields(text="After the reconnection"), "a")
        assert events.next() == {claim.id}


def test_a_notification_is_sent_only_when_the_change_commits(
    store: PostgresStore, pg_url: str
) -> None:
    events = Events()
    with store.listen_for_changes(events):
        with pytest.raises(Conflict):
            store.add_claims([make_fields("Fine one"), make_fields(external_id="x"),
                              make_fields(external_id="x")], "a")  # fmt: skip
        kept = store.add_claim(make_fields("Kept"), "a")
        assert events.next() == {kept.id}


def test_sources_are_stored_with_their_types(store: PostgresStore, pg_url: str) -> None:
    claim = store.add_claim(
        make_fields(claim_date="2025-07-04", sources=[Source(
            url="https://a.example/", publisher="A", published="2025-07-05", role="fact_check"
        )]),
        "a",
    )  # fmt: skip
    [row] = sql(pg_url, "SELECT published, role FROM sources")
    assert str(row["published"]) == "2025-07-05"
    assert row["role"] == "fact_check"
    assert store.get_claim(claim.id, OP).sources[0].published.isoformat() == "2025-07-05"


# -- pg_dump / pg_restore, as docs/storage.md tells --------------------------------------------
def test_pg_dump_and_pg_restore_bring_back_a_working_database(
    store: PostgresStore, pg_url: str, tmp_path: Path
) -> None:
    tools = [shutil.which(name) for name in ("pg_dump", "pg_restore")]
    if not all(tools):
        pytest.skip("pg_dump and pg_restore are not installed here")
    claim = store.add_claim(make_fields("Backed up before the disaster"), "a")
    flagged = store.add_flag(claim.id, user_id="u1", guild_id=None, reason="r")
    target = parse_postgres_url(pg_url)
    dump = tmp_path / "claims.dump"
    subprocess.run(
        [tools[0], "--format=custom", f"--schema={target.schema}", f"--file={dump}",
         target.conninfo],
        check=True, capture_output=True,
    )  # fmt: skip
    database = f"claimbot_restore_{secrets.token_hex(4)}"
    server = target.conninfo.rsplit("/", 1)[0]
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {database}")
    try:
        subprocess.run(
            [tools[1], "--no-owner", f"--dbname={server}/{database}", str(dump)],
            check=True, capture_output=True,
        )  # fmt: skip
        with PostgresStore(f"{server}/{database}?schema={target.schema}") as restored:
            assert restored.migration_status().pending == []
            assert restored.get_claim(claim.id, OP) == claim
            assert [h.claim_id for h in restored.search(["disaster"], OP)] == [claim.id]
            assert restored.claim_count_for_search() == 1
            later = restored.add_flag(claim.id, user_id="u2", guild_id=None, reason="r")
            assert later.id == flagged.id + 1  # sequences came back too
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def test_an_import_leaves_the_planner_statistics_of_what_it_wrote(
    store: PostgresStore, pg_url: str
) -> None:
    """A check's candidate lookup is planned from them: without, at a million claims, as a
    parallel scan taking five times as long (autovacuum may be off, and comes late at best)."""
    schema = parse_postgres_url(pg_url).schema
    stats = (
        "SELECT tablename, attname FROM pg_stats WHERE schemaname = %s"
        " AND (tablename, attname) IN (('claims', 'id'), ('sources', 'claim_pk'))"
    )
    rows = [make_fields(f"Imported claim number {n} about the harbour wall") for n in range(300)]
    report = store.import_claims(rows, actor="test")
    assert report.added == 300
    found = {(r["tablename"], r["attname"]) for r in sql(pg_url, stats, (schema,))}
    assert found == {("claims", "id"), ("sources", "claim_pk")}
