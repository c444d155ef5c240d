"""Moving a whole database between backends: nothing lost, nothing merged, checked by checksum."""

from __future__ import annotations

import io
import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from tests.conftest import make_fields
from verifiers.domain.errors import Conflict, InvalidInput
from verifiers.domain.models import (
    ClaimChanges,
    DraftFields,
    FlagKind,
    GuildSettings,
    HoldReason,
    LinkState,
    Scope,
    Source,
    SourceCheck,
)
from verifiers.notifications import notifications_for
from verifiers.store import open_store
from verifiers.store.copy import NOT_COPIED, TABLES, copy_database, table_checks, write_dump
from verifiers.store.ports import Store
from verifiers.store.postgres.db import connect, parse_postgres_url
from verifiers.store.records import StoredEmbedding

OP = Scope.everything()
A = Scope.guild(111)


def fill(store: Store) -> None:
    """Some of everything a database holds: seeds, edits, history, flags, drafts, settings."""
    store.seed(
        [
            ("seed-one", make_fields("The first seeded claim, about Zürich")),
            ("seed-two", make_fields("The second seeded claim", claim_date="2025-07-04")),
        ]
    )
    local = store.add_claim(
        make_fields("A guild's own claim", guild_id=111, claimant="Someone", external_id="x-1"),
        "mod:1",
    )
    store.update_claim("seed-one", ClaimChanges(status="false", summary="edited"), "mod:2", OP)
    store.add_source(local.id, Source(url="https://b.example/2", publisher="B"), "mod:1", A)
    store.retire_claim("seed-two", "op", OP, reason="duplicate")
    open_flag = store.add_flag(local.id, user_id="u1", guild_id=111, reason="wrong")
    store.add_flag("seed-one", user_id="u2", guild_id=None, reason="", kind=FlagKind.FALSE_MATCH)
    withdrawn = store.add_flag("seed-one", user_id="u3", guild_id=111, reason="hmm")
    store.withdraw_flag(withdrawn.id, "u3", A)
    store.resolve_flag(open_flag.id, upheld=True, moderator="m", note="ok", scope=A,
                       new_status="disputed", notify=notifications_for)  # fmt: skip
    [told] = store.claim_notifications("bot-1")  # the outbox: one DM owed, taken and sent
    store.finish_notification(told.id)
    joined = datetime(2025, 7, 1, 9, 30, 0, 654321, tzinfo=UTC)
    store.add_flag(
        local.id, user_id="u4", guild_id=111, reason="new here", held=[HoldReason.NEW_MEMBER],
        account_created_at=joined - timedelta(days=400), member_joined_at=joined,
    )  # fmt: skip
    store.dismiss_held_flags(local.id, moderator="m", note="a group", scope=A)
    store.save_settings(GuildSettings(guild_id=111, listen_channel_ids=[5, 6]), "admin")
    store.put_embeddings("model-a", [(local.id, StoredEmbedding("t" * 16, bytes(range(8))))])
    report = store.add_article_drafts(  # type: ignore[attr-defined]
        guild_id=111,
        url="https://news.example/a",
        content_hash="h" * 64,
        title="An article",
        publisher="News",
        drafts=[
            DraftFields(text="Drafted claim one", status="reported", quote="q", sources=[
                Source(url="https://news.example/a", publisher="News")
            ]),
            DraftFields(text="Drafted claim two", status="unverified"),
        ],
        actor="mod:1",
    )  # fmt: skip
    store.approve_draft(report.drafts[0].id, "mod:1", A)  # type: ignore[attr-defined]
    store.reject_draft(report.drafts[1].id, "mod:1", A, note="no")  # type: ignore[attr-defined]
    store.save_source_check(  # type: ignore[attr-defined]
        SourceCheck(
            url="https://b.example/2",
            state=LinkState.ALIVE,
            checked_at=datetime(2025, 7, 20, 12, 0, 0, 123456, tzinfo=UTC),
            http_status=200,
            content_hash="c" * 64,
            baseline_at=datetime(2025, 7, 19, tzinfo=UTC),
        )
    )


def dump(store: Store) -> str:
    out = io.StringIO()
    write_dump(store, out)
    return out.getvalue()


@pytest.mark.postgres
def test_sqlite_to_postgres_and_back_is_byte_identical(tmp_path: Path, pg_url: str) -> None:
    with open_store(str(tmp_path / "first.db"), seed=True) as first:
        fill(first)
        original = dump(first)
        claims = {c.id: c for c in first.iter_claims(OP, include_retired=True)}
        history = first.history("seed-one", OP)
        with open_store(pg_url, seed=False) as middle:
            report = copy_database(first, middle)
            assert report.tables == table_checks(first)
            assert all(t.rows for t in report.tables), report.tables  # every table had rows
            assert dump(middle) == original
            with open_store(str(tmp_path / "last.db"), seed=False) as last:
                assert copy_database(middle, last) == report
                assert dump(last) == original
            # The copy is a working database, not only equal rows.
            assert {c.id: c for c in middle.iter_claims(OP, include_retired=True)} == claims
            assert middle.history("seed-one", OP) == history
            assert [h.claim_id for h in middle.search(["zurich"], OP)] == ["seed-one"]
            assert middle.search(["second", "seeded"], OP)[0].claim_id != "seed-two"  # retired
            newer = middle.add_flag("seed-one", user_id="u9", guild_id=None, reason="later")
            assert newer.id == 5  # numbering goes on after the copied rows
            assert middle.add_claim(make_fields("One more"), "a").id not in claims
    raw = [sqlite3.connect(tmp_path / name) for name in ("first.db", "last.db")]
    try:  # even the SQLite files' rows are the same, not only their canonical form
        for table in TABLES:
            query = f"SELECT * FROM {table.name} ORDER BY {table.key}"
            assert raw[0].execute(query).fetchall() == raw[1].execute(query).fetchall()
    finally:
        for conn in raw:
            conn.close()


def test_a_copy_never_merges_into_a_database_that_holds_something(tmp_path: Path) -> None:
    with (
        open_store(str(tmp_path / "a.db"), seed=False) as source,
        open_store(str(tmp_path / "b.db"), seed=False) as target,
    ):
        fill(source)
        kept = target.add_claim(make_fields("Already here"), "a")
        target.save_settings(GuildSettings(guild_id=9), "admin")
        with pytest.raises(Conflict) as info:
            copy_database(source, target)
        assert str(info.value) == (
            "the target database is not empty (1 claims, 1 sources, 1 audit, 1 guild_settings):"
            " copy into an empty database, or add --replace to discard what it holds"
        )
        assert [c.id for c in target.iter_claims(OP)] == [kept.id]
        copy_database(source, target, replace=True)
        assert dump(target) == dump(source)
        with pytest.raises(InvalidInput, match="same database"):
            copy_database(source, source)


@pytest.mark.postgres
def test_a_copy_that_does_not_check_out_leaves_nothing(tmp_path: Path, pg_url: str) -> None:
    with (
        open_store(str(tmp_path / "a.db"), seed=False) as source,
        open_store(pg_url, seed=False) as target,
    ):
        fill(source)
        # Something in the target changes rows as they arrive (say, a trigger someone added).
        with connect(parse_postgres_url(pg_url)) as conn:
            conn.execute(
                "CREATE FUNCTION shout() RETURNS trigger LANGUAGE plpgsql AS"
                " $$ BEGIN NEW.reason := upper(NEW.reason); RETURN NEW; END $$"
            )
            conn.execute("CREATE TRIGGER shout BEFORE INSERT ON flags FOR EACH ROW"
                         " EXECUTE FUNCTION shout()")  # fmt: skip
        with pytest.raises(Conflict) as info:
            copy_database(source, target)
        assert str(info.value) == (
            "the copy of table flags does not match its source (4 rows written, 4 read);"
            " nothing was copied"
        )
        assert [(t.name, t.rows) for t in table_checks(target)] == [(t.name, 0) for t in TABLES]


@pytest.mark.postgres
def test_the_copy_covers_every_column_of_every_table(tmp_path: Path, pg_url: str) -> None:
    expected = {t.name: set(t.names) for t in TABLES}
    with open_store(str(tmp_path / "a.db"), seed=False) as store:
        conn = store.conn  # type: ignore[attr-defined]
        for name in expected:
            assert {r[1] for r in conn.execute(f"PRAGMA table_info({name})")} == expected[name]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    ours = {t for t in tables if not t.startswith(("_yoyo", "yoyo"))}
    assert ours - NOT_COPIED == set(expected)
    with open_store(pg_url, seed=False), psycopg.connect(parse_postgres_url(pg_url).conninfo) as c:
        rows = c.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = %s",
            (parse_postgres_url(pg_url).schema,),
        ).fetchall()
    found: dict[str, set[str]] = {}
    for table, column in rows:
        if not table.startswith(("_yoyo", "yoyo")) and table not in NOT_COPIED:
            found.setdefault(table, set()).add(column)
    assert found == expected


# -- the commands: claimbot migrate | backup | copy ---------------------------------------------
@pytest.fixture
def claimbot(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    """Run `claimbot ARGS` in-process as a user would; returns (exit code, stdout, stderr)."""
    from claimbot.db_cmd import backup_command, copy_command, migrate_command
    from claimbot.main import cli, main

    for command in (migrate_command, backup_command, copy_command):
        monkeypatch.setitem(cli.commands, command.name, command)  # until main.py lists them
    for name in [n for n in os.environ if n.startswith("CLAIMBOT_")]:
        monkeypatch.delenv(name)

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


MIGRATIONS = (
    "0001_initial, 0002_drafts, 0003_source_checks, 0004_embeddings, 0005_notifications,"
    " 0006_search_term_docs, 0007_notifications_pruning, 0008_flag_standing, 0009_search_index,"
    " 0010_vector_changes"
)


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_migrate_shows_then_applies_pending_migrations(
    claimbot, tmp_path: Path, kind: str, request: pytest.FixtureRequest
) -> None:
    db = str(tmp_path / "new.db") if kind == "sqlite" else request.getfixturevalue("pg_url")
    assert claimbot("--db", db, "migrate") == (0, f"applied: none\npending: {MIGRATIONS}\n", "")
    if kind == "sqlite":
        assert not Path(db).exists()  # looking changed nothing
    code, out, _ = claimbot("--db", db, "migrate", "--upgrade")
    assert (code, out) == (0, f"migrated: {MIGRATIONS}\napplied: {MIGRATIONS}\npending: none\n")
    code, out, _ = claimbot("--db", db, "migrate", "--upgrade")
    assert out.startswith("nothing to migrate\n")


def test_backup_of_sqlite_writes_a_usable_file(claimbot, tmp_path: Path) -> None:
    db, dest = tmp_path / "live.db", tmp_path / "copy.db"
    with open_store(str(db), seed=False) as store:
        claim = store.add_claim(make_fields(), "a")
    assert claimbot("--db", str(db), "backup", str(dest)) == (0, f"backed up to {dest}\n", "")
    with open_store(str(dest), seed=False) as copy:
        assert copy.get_claim(claim.id, OP) == claim
    code, _, err = claimbot("--db", str(db), "backup", str(dest))
    assert code == 2
    assert err.startswith("error: ")
    assert "already exists" in err
    code, _, err = claimbot("--db", str(tmp_path / "missing.db"), "backup", str(dest))
    assert (code, err) == (2, f"error: database {tmp_path / 'missing.db'} does not exist\n")
    nowhere = tmp_path / "no such folder" / "copy.db"
    code, _, err = claimbot("--db", str(db), "backup", str(nowhere))
    assert (code, err) == (
        2,
        f"error: backup: cannot write {nowhere}: folder {nowhere.parent} does not exist\n",
    )
    code, _, err = claimbot("--db", str(db), "backup", str(tmp_path), "--overwrite")
    assert (code, err) == (
        2,
        f"error: backup: cannot write {tmp_path}: it is a folder; give a file name\n",
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.db", "live.db"]  # nothing else


@pytest.mark.postgres
def test_backup_of_postgres_gives_the_pg_dump_command(claimbot, pg_url: str) -> None:
    url = pg_url.replace("postgresql://postgres@", "postgresql://postgres:hunter2@")
    code, out, err = claimbot("--db", url, "backup", "claims.dump")
    schema = parse_postgres_url(pg_url).schema
    assert (code, out) == (2, "")
    assert err == (
        "error: PostgreSQL is backed up with its own tools: pg_dump --format=custom"
        f" --schema={schema} --file=claims.dump '{parse_postgres_url(pg_url).server_url}'"
        " (see docs/storage.md)\n"
    )
    assert "hunter2" not in err


@pytest.mark.postgres
def test_copy_command_prints_counts_and_checksums(claimbot, tmp_path: Path, pg_url: str) -> None:
    first, last = tmp_path / "first.db", tmp_path / "last.db"
    with open_store(str(first), seed=True) as store:
        fill(store)
        checks = table_checks(store)
    code, out, err = claimbot("copy", "--from", str(first), "--to", pg_url)
    assert code == 0, err
    lines = out.splitlines()
    width = max(len(t.name) for t in TABLES)
    assert lines[: len(TABLES)] == [
        f"{t.name:<{width}}  {t.rows:>9} rows  sha256 {t.sha256}" for t in checks
    ]
    total = sum(t.rows for t in checks)
    assert lines[-1] == f"copied {total} rows; every table's count and checksum match the source's"
    assert f"copied claims: {checks[0].rows} rows" in err
    code, back, _ = claimbot("copy", "--from", pg_url, "--to", str(last))
    assert (code, back) == (0, out)  # the same counts and checksums on the way back
    code, _, err = claimbot("copy", "--from", pg_url, "--to", str(last))
    assert code == 2
    assert err.startswith("error: the target database is not empty (")
    assert err.count("\n") == 1
    assert claimbot("copy", "--from", pg_url, "--to", str(last), "--replace")[1] == out
    code, _, err = claimbot("copy", "--from", str(tmp_path / "nope.db"), "--to", str(last))
    assert (code, err) == (2, f"error: source database {tmp_path / 'nope.db'} does not exist\n")
