"""The SQLite store on real files: migrations, scope rules, versions, audit, search, flags."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import make_fields
from verifiers.errors import ConfigError, Conflict, InvalidInput, NotFound, PermissionDenied
from verifiers.models import ClaimChanges, ClaimFields, FlagKind, FlagState, GuildSettings, Source
from verifiers.store import open_store
from verifiers.store.base import Scope
from verifiers.store.sqlite import SqliteStore
from verifiers.store.sqlite_db import apply_migrations

OP = Scope.everything()
A = Scope.guild(111)
B = Scope.guild(222)


def fts_ok(store: SqliteStore) -> None:
    """FTS5's own check that the index matches its content (live claims)."""
    store.conn.execute("INSERT INTO claims_fts (claims_fts) VALUES ('integrity-check')")


# -- opening and migrations ---------------------------------------------------------------------
def test_new_database_is_created_and_migrated(db_path: Path) -> None:
    with SqliteStore(db_path) as store:
        status = store.migration_status()
        assert status.applied[0] == "0001_initial"  # later migrations (drafts, …) follow it
        assert status.pending == []
        tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
    assert {"claims", "sources", "audit", "flags", "guild_settings", "claims_fts"} <= tables


def test_reopening_an_existing_database_is_a_no_op(db_path: Path) -> None:
    with SqliteStore(db_path) as store:
        claim = store.add_claim(make_fields(), "alice")
    assert apply_migrations(db_path) == []
    with SqliteStore(db_path) as store:
        assert store.get_claim(claim.id, OP) == claim
        assert store.migration_status().pending == []
        assert store.count_claims(OP) == 1


def test_connection_pragmas(store: SqliteStore) -> None:
    pragma = lambda name: store.conn.execute(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
    assert pragma("journal_mode") == "wal"
    assert pragma("foreign_keys") == 1
    assert pragma("synchronous") == 1  # NORMAL
    assert pragma("busy_timeout") >= 1000
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        store.conn.execute(
            "INSERT INTO sources (claim_pk, position, url, publisher, role)"
            " VALUES (999, 1, 'https://x.example/', 'X', 'original')"
        )


def test_missing_folder_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "nope" / "claims.db"
    with pytest.raises(ConfigError, match=re.escape(str(path.parent))):
        SqliteStore(path)


def test_a_file_that_is_not_sqlite_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 20)
    with pytest.raises(ConfigError) as info:
        SqliteStore(path)
    assert str(info.value) == f"{path} is not a SQLite database"
    with pytest.raises(ConfigError, match="folder"):
        SqliteStore(tmp_path)


def test_another_programs_database_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE recipes (name TEXT)")
    other.close()
    with pytest.raises(ConfigError, match="another program"):
        SqliteStore(path)
    with sqlite3.connect(path) as other:
        names = [r[0] for r in other.execute("SELECT name FROM sqlite_master")]
    other.close()
    assert names == ["recipes"]


def test_two_processes_creating_one_database_at_once(db_path: Path) -> None:
    script = (
        "import sys; from verifiers.store.sqlite import SqliteStore;"
        " SqliteStore(sys.argv[1]).close()"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(db_path)], stderr=subprocess.PIPE)
        for _ in range(3)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err.decode()
    with SqliteStore(db_path) as store:
        assert store.migration_status().applied[0] == "0001_initial"
        assert store.migration_status().pending == []


def test_open_store_urls(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="PostgreSQL support is not built yet"):
        open_store("postgresql://bot@localhost/claims")
    with pytest.raises(ConfigError, match="unsupported"):
        open_store("mysql://localhost/claims")
    with pytest.raises(ConfigError):
        open_store(":memory:")
    path = tmp_path / "via-url.db"
    with open_store(f"sqlite:///{path}", seed=False) as store:
        store.add_claim(make_fields(), "alice")
    with open_store(str(path), seed=False) as store:
        assert store.count_claims(OP) == 1


# -- claims, scope rules ------------------------------------------------------------------------
def test_add_and_get_claim(store: SqliteStore) -> None:
    fields = make_fields(
        "Paris is the capital of France",
        status="confirmed",
        claimant="A. Person",
        claim_date="2025-07-04",
        summary="About Paris",
        sources=[
            Source(url="https://a.example/1", publisher="A", published="2025-07-05"),
            Source(url="https://b.example/2", publisher="B", role="republication", quote="q"),
        ],
    )
    claim = store.add_claim(fields, "alice")
    assert re.fullmatch(r"c[a-z2-7]{8}", claim.id)
    assert (claim.version, claim.created_by, claim.updated_by) == (1, "alice", "alice")
    assert claim.model_dump(include=set(ClaimFields.model_fields)) == fields.model_dump()
    assert store.get_claim(claim.id, OP) == claim
    assert store.get_claims([claim.id, "missing"]) == {claim.id: claim}


def test_given_ids_and_taken_ids(store: SqliteStore) -> None:
    store.add_claim(make_fields(), "alice", claim_id="moon-cheese")
    with pytest.raises(Conflict, match="already taken"):
        store.add_claim(make_fields(), "alice", claim_id="moon-cheese")
    with pytest.raises(InvalidInput):
        store.add_claim(make_fields(), "alice", claim_id="has space")
    with pytest.raises(InvalidInput):
        store.add_claim(make_fields(), "  ")


def test_guilds_never_see_or_change_each_others_claims(store: SqliteStore) -> None:
    mine = store.add_claim(make_fields("Guild A private claim", guild_id=111), "mod-a")
    glob = store.add_claim(make_fields("A global claim for all"), "op")
    for scope in (A, OP):
        assert store.get_claim(mine.id, scope).id == mine.id
    with pytest.raises(NotFound) as invisible:
        store.get_claim(mine.id, B)
    with pytest.raises(NotFound) as missing:
        store.get_claim("cmissing1", B)
    assert str(invisible.value).replace(mine.id, "X") == str(missing.value).replace(
        "cmissing1", "X"
    )
    for attempt in (
        lambda: store.update_claim(mine.id, ClaimChanges(status="false"), "mod-b", B),
        lambda: store.add_source(mine.id, Source(url="https://x.example", publisher="X"), "b", B),
        lambda: store.retire_claim(mine.id, "mod-b", B),
        lambda: store.history(mine.id, B),
    ):
        with pytest.raises(NotFound):
            attempt()
    assert [c.id for c in store.list_claims(B)] == [glob.id]
    assert {c.id for c in store.list_claims(A)} == {glob.id, mine.id}
    assert store.count_claims(B) == 1 and store.count_claims(A) == 2 == store.count_claims(OP)
    assert [c.id for c in store.iter_claims(B)] == [glob.id]
    assert [c.claim_id for c in store.search(["claim"], B)] == [glob.id]
    assert store.get_claim(glob.id, B) == glob
    with pytest.raises(PermissionDenied, match="global"):
        store.update_claim(glob.id, ClaimChanges(status="false"), "mod-a", A)
    with pytest.raises(PermissionDenied):
        store.retire_claim(glob.id, "mod-a", A)
    assert store.get_claim(glob.id, OP).version == 1
    changed = store.update_claim(mine.id, ClaimChanges(status="false"), "mod-a", A)
    assert changed.status == "false"
    assert store.update_claim(glob.id, ClaimChanges(status="false"), "op", OP).version == 2


def test_list_filters_paging_and_like_escaping(store: SqliteStore) -> None:
    plain = store.add_claim(make_fields("Prices rose 50 percent"), "a")
    literal = store.add_claim(make_fields("Prices rose 50% in a year", status="false"), "a")
    under = store.add_claim(make_fields("The file my_notes was leaked"), "a")
    assert [c.id for c in store.list_claims(OP)] == [under.id, literal.id, plain.id]
    assert [c.id for c in store.list_claims(OP, contains="50%")] == [literal.id]
    assert [c.id for c in store.list_claims(OP, contains="my_n")] == [under.id]
    assert [c.id for c in store.list_claims(OP, contains="PRICES")] == [literal.id, plain.id]
    assert [c.id for c in store.list_claims(OP, status="false")] == [literal.id]
    assert [c.id for c in store.list_claims(OP, limit=1, offset=1)] == [literal.id]
    store.retire_claim(plain.id, "a", OP)
    assert plain.id not in [c.id for c in store.list_claims(OP)]
    assert plain.id in [c.id for c in store.list_claims(OP, include_retired=True)]
    assert store.count_claims(OP) == 2 and store.count_claims(OP, include_retired=True) == 3
    with pytest.raises(InvalidInput):
        store.list_claims(OP, status="bogus")  # type: ignore[arg-type]


def test_iter_claims_walks_every_batch(store: SqliteStore) -> None:
    made = store.add_claims([make_fields(f"Claim number {n}") for n in range(1234)], "bulk")
    assert [c.id for c in store.iter_claims(OP)] == [c.id for c in made]


def test_external_ids_are_unique_per_scope(store: SqliteStore) -> None:
    claim = store.add_claim(make_fields(external_id="ext-1"), "imp")
    other = store.add_claim(make_fields(external_id="ext-1", guild_id=111), "imp")
    assert store.find_by_external_id("ext-1", None) == claim
    assert store.find_by_external_id("ext-1", 111) == other
    assert store.find_by_external_id("ext-1", 222) is None
    with pytest.raises(Conflict, match="ext-1"):
        store.add_claim(make_fields(external_id="ext-1"), "imp")


def test_add_claims_is_all_or_nothing(store: SqliteStore) -> None:
    store.add_claim(make_fields(external_id="taken"), "imp")
    batch = [make_fields(f"Good claim {n}") for n in range(5)]
    with pytest.raises(Conflict):
        store.add_claims([*batch, make_fields(external_id="taken")], "imp")
    broken = ClaimFields.model_construct(**{**dict(make_fields()), "status": "bogus"})
    with pytest.raises(Conflict):  # fails in the database (CHECK), after earlier rows went in
        store.add_claims([*batch, broken], "imp")
    assert store.count_claims(OP, include_retired=True) == 1
    assert store.conn.execute("SELECT count(*) FROM sources").fetchone()[0] == 1
    assert store.conn.execute("SELECT count(*) FROM audit").fetchone()[0] == 1
    assert store.search(["good"], OP) == []
    made = store.add_claims(batch, "imp")
    assert len({c.id for c in made}) == 5 and store.count_claims(OP) == 6
    assert store.add_claims([], "imp") == []


# -- versions and audit -------------------------------------------------------------------------
def test_optimistic_versioning(store: SqliteStore) -> None:
    claim = store.add_claim(make_fields(), "alice")
    first = store.update_claim(
        claim.id, ClaimChanges(status="false"), "bob", OP, expected_version=1
    )
    assert first.version == 2 and first.updated_by == "bob"
    with pytest.raises(Conflict) as info:
        store.update_claim(
            claim.id, ClaimChanges(status="confirmed"), "carol", OP, expected_version=1
        )
    assert str(info.value) == (
        f"claim {claim.id} was changed meanwhile (now version 2); reload and try again"
    )
    same = store.update_claim(claim.id, ClaimChanges(status="false"), "dave", OP)
    assert same.version == 2 and same.updated_by == "bob"  # nothing changed: no new version


def test_audit_history(store: SqliteStore) -> None:
    claim = store.add_claim(make_fields("Original text here", claimant="Someone"), "alice")
    store.update_claim(
        claim.id,
        ClaimChanges(text="Edited text here", status="disputed", summary="New summary"),
        "bob",
        OP,
    )
    store.update_claim(claim.id, ClaimChanges(claimant=""), "bob", OP)
    store.add_source(claim.id, Source(url="https://new.example/x", publisher="N"), "carol", OP)
    final = store.retire_claim(claim.id, "dave", OP, reason="duplicate")
    assert final.version == 5 and final.retired
    entries = [(e.actor, e.action, e.field, e.old, e.new) for e in store.history(claim.id, OP)]
    assert entries == [
        ("alice", "create", None, None, None),
        ("bob", "update", "text", "Original text here", "Edited text here"),
        ("bob", "update", "status", "unverified", "disputed"),
        ("bob", "update", "summary", "", "New summary"),
        ("bob", "update", "claimant", "Someone", None),
        ("carol", "add_source", "sources", None, "https://new.example/x"),
        ("dave", "retire", None, None, "duplicate"),
    ]
    with pytest.raises(Conflict, match="already retired"):
        store.retire_claim(claim.id, "dave", OP)
    with pytest.raises(Conflict, match="retired"):
        store.update_claim(claim.id, ClaimChanges(status="false"), "bob", OP)


def test_add_source_appends_and_refuses_duplicates(store: SqliteStore) -> None:
    claim = store.add_claim(make_fields(), "alice")
    extra = Source(url="https://second.example/", publisher="Second", role="fact_check")
    updated = store.add_source(claim.id, extra, "bob", OP)
    assert [str(s.url) for s in updated.sources] == ["https://example.org/report", str(extra.url)]
    with pytest.raises(Conflict, match="already cites"):
        store.add_source(claim.id, extra, "bob", OP)


# -- search -------------------------------------------------------------------------------------
def test_search_follows_inserts_edits_and_retirement(store: SqliteStore) -> None:
    claim = store.add_claim(make_fields("Giraffes sleep standing up"), "a")
    other = store.add_claim(make_fields("Penguins cannot fly", summary="giraffes mentioned"), "a")
    hits = store.search(["giraffes"], OP)
    assert [h.claim_id for h in hits] == [claim.id, other.id]  # text outweighs summary
    assert all(h.bm25 > 0 for h in hits) and hits[0].bm25 > hits[1].bm25
    store.update_claim(claim.id, ClaimChanges(text="Elephants sleep standing up"), "a", OP)
    assert [h.claim_id for h in store.search(["giraffes"], OP)] == [other.id]
    assert [h.claim_id for h in store.search(["elephants"], OP)] == [claim.id]
    store.update_claim(other.id, ClaimChanges(summary="about birds"), "a", OP)
    assert store.search(["giraffes"], OP) == []
    store.retire_claim(claim.id, "a", OP)
    assert store.search(["elephants", "sleep"], OP) == []
    assert store.search([], OP) == [] and store.search(["", "  "], OP) == []
    fts_ok(store)


def test_search_folds_case_and_diacritics(store: SqliteStore) -> None:
    claim = store.add_claim(make_fields("The Café in Zürich closed"), "a")
    for term in ("cafe", "CAFÉ", "zurich", "Zürich"):
        assert [h.claim_id for h in store.search([term], OP)] == [claim.id]


def test_search_limit_and_or_semantics(store: SqliteStore) -> None:
    made = store.add_claims([make_fields(f"Rain fell in town {n}") for n in range(20)], "a")
    snow = store.add_claim(make_fields("Snow fell in the mountains"), "a")
    assert len(store.search(["rain"], OP, limit=5)) == 5
    assert store.search(["rain"], OP, limit=0) == []
    ids = {h.claim_id for h in store.search(["snow", "nonexistentword"], OP)}
    assert ids == {snow.id}
    assert len(store.search(["rain", "snow"], OP)) == len(made) + 1


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        (['"'], []),
        (['"moon'], ["m1"]),  # the word "moon", nothing more
        (["*"], []),
        (["moo*"], []),  # no prefix search
        (["NEAR("], []),
        (["NEAR(moon cheese)"], []),  # the phrase "near moon cheese"
        (["OR"], []),
        (["AND", "NOT"], []),
        (["-"], []),
        (["-vaccines"], ["v1"]),
        ([":"], []),
        (["text:moon"], []),  # the phrase "text moon", not a column filter
        (["summary:secret"], []),
        (["{text summary}: moon"], []),
        (["'; DROP TABLE claims; --"], []),
        (["')) OR 1=1 --"], []),
        (["\x00", "\x00moon"], ["m1"]),
        (["^moon"], ["m1"]),
        (["(", ")", "+", "landing AND vaccines"], []),
    ],
)
def test_fts_injection_attempts_are_plain_text(
    store: SqliteStore, terms: list[str], expected: list[str]
) -> None:
    store.add_claim(make_fields("Moon landing was staged", summary="secret"), "a", claim_id="m1")
    store.add_claim(make_fields("Vaccines contain microchips"), "a", claim_id="v1")
    assert [h.claim_id for h in store.search(terms, OP)] == expected
    assert store.count_claims(OP) == 2
    for term in terms:  # LIKE matches the literal text only
        needle = term.replace("\x00", "").strip().lower()
        for claim in store.list_claims(OP, contains=term) if needle else []:
            assert needle in f"{claim.text} {claim.summary}".lower()
    frequencies = store.document_frequencies(terms)
    assert set(frequencies) == set(terms)
    assert sum(frequencies.values()) == len(expected)
    fts_ok(store)


def test_quoted_terms_still_match_their_words(store: SqliteStore) -> None:
    store.add_claim(make_fields("Moon landing was staged"), "a", claim_id="m1")
    assert [h.claim_id for h in store.search(['"moon"', "(landing)", "staged*"], OP)] == ["m1"]


def test_document_frequencies_and_count(store: SqliteStore) -> None:
    one = store.add_claim(make_fields("Cats and dogs", summary="pets"), "a")
    store.add_claim(make_fields("Cats purr loudly"), "a")
    store.add_claim(make_fields("Café prices rose"), "a", claim_id="cafe")
    assert store.claim_count_for_search() == 3
    freq = store.document_frequencies(["cats", "Dogs", "pets", "cafe", "Café", "e-mail", "zebra"])
    assert freq == {"cats": 2, "Dogs": 1, "pets": 1, "cafe": 1, "Café": 1, "e-mail": 0, "zebra": 0}
    assert dict(store.vocabulary()) == {
        "and": 1, "cafe": 1, "cats": 2, "dogs": 1, "loudly": 1, "pets": 1, "prices": 1,
        "purr": 1, "rose": 1,
    }  # fmt: skip
    store.retire_claim(one.id, "a", OP)
    assert store.claim_count_for_search() == 2
    assert store.document_frequencies(["cats", "dogs"]) == {"cats": 1, "dogs": 0}


# -- flags --------------------------------------------------------------------------------------
def flag(store: SqliteStore, claim_id: str, user: str = "u1", guild: int | None = 111, **kw):
    return store.add_flag(claim_id, user_id=user, guild_id=guild, reason="wrong", **kw)


def test_one_open_flag_per_user_claim_and_kind(store: SqliteStore) -> None:
    claim = store.add_claim(make_fields(), "a")
    first = flag(store, claim.id, evidence_url="https://proof.example/x", message_text="msg")
    assert (first.state, first.kind, first.guild_id, first.claim_id) == (
        FlagState.OPEN, FlagKind.DISPUTE, 111, claim.id
    )  # fmt: skip
    assert str(first.evidence_url) == "https://proof.example/x"
    with pytest.raises(Conflict, match="already have an open"):
        flag(store, claim.id)
    with pytest.raises(Conflict):
        flag(store, claim.id, guild=222)  # same user from another guild: still one
    flag(store, claim.id, kind=FlagKind.FALSE_MATCH)
    flag(store, claim.id, user="u2")
    store.withdraw_flag(first.id, "u1", Scope.guild(111))
    assert flag(store, claim.id).state == FlagState.OPEN
    with pytest.raises(InvalidInput):
        flag(store, claim.id, user="u3", evidence_url="javascript:alert(1)")


def test_one_open_flag_even_when_two_connections_race(db_path: Path) -> None:
    with SqliteStore(db_path) as setup:
        claim = setup.add_claim(make_fields(), "a")
    stores = [SqliteStore(db_path), SqliteStore(db_path)]

    def click(store: SqliteStore, user: str, barrier: threading.Barrier, out: list[str]) -> None:
        barrier.wait()
        try:
            flag(store, claim.id, user=user)
            out.append("ok")
        except Conflict:
            out.append("conflict")

    try:
        for round_ in range(8):
            barrier = threading.Barrier(2)
            outcomes: list[str] = []
            threads = [
                threading.Thread(target=click, args=(s, f"racer{round_}", barrier, outcomes))
                for s in stores
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert sorted(outcomes) == ["conflict", "ok"]
        assert len(stores[0].list_flags(OP)) == 8
    finally:
        for s in stores:
            s.close()


def test_withdraw_rules(store: SqliteStore) -> None:
    claim = store.add_claim(make_fields(), "a")
    raised = flag(store, claim.id)
    with pytest.raises(PermissionDenied):
        store.withdraw_flag(raised.id, "someone-else", A)
    with pytest.raises(NotFound):
        store.withdraw_flag(raised.id, "u1", B)
    done = store.withdraw_flag(raised.id, "u1", A)
    assert done.state == FlagState.WITHDRAWN and done.resolved_by == "u1" and done.resolved_at
    with pytest.raises(Conflict, match="withdrawn"):
        store.withdraw_flag(raised.id, "u1", A)
    with pytest.raises(Conflict):
        store.resolve_flag(raised.id, upheld=False, moderator="m", note="", scope=A)


def test_resolve_rules(store: SqliteStore) -> None:
    local = store.add_claim(make_fields("A local claim", guild_id=111), "mod")
    glob = store.add_claim(make_fields("A global claim"), "op")
    dismissed = store.resolve_flag(
        flag(store, local.id).id, upheld=False, moderator="m1", note=" nope ", scope=A
    )
    assert (dismissed.state, dismissed.resolved_by, dismissed.resolution_note) == (
        FlagState.DISMISSED, "m1", "nope"
    )  # fmt: skip
    assert store.get_claim(local.id, A).version == 1
    with pytest.raises(Conflict):
        store.resolve_flag(dismissed.id, upheld=True, moderator="m1", note="", scope=A)
    with pytest.raises(InvalidInput):
        store.resolve_flag(
            flag(store, local.id, user="u2").id,
            upheld=False, moderator="m", note="", scope=A, new_status="false",
        )  # fmt: skip
    upheld = store.resolve_flag(
        flag(store, local.id, user="u3").id,
        upheld=True, moderator="m2", note="fair", scope=A, new_status="false",
    )  # fmt: skip
    assert upheld.state == FlagState.UPHELD
    claim = store.get_claim(local.id, A)
    assert (claim.status, claim.version, claim.updated_by) == ("false", 2, "m2")
    last = store.history(local.id, A)[-1]
    assert (last.actor, last.action, last.field, last.old, last.new) == (
        "m2", "resolve_flag", "status", "unverified", "false"
    )  # fmt: skip
    on_global = flag(store, glob.id)
    with pytest.raises(PermissionDenied):
        store.resolve_flag(
            on_global.id, upheld=True, moderator="m", note="", scope=A, new_status="false"
        )
    assert store.get_flag(on_global.id, A).state == FlagState.OPEN  # rolled back whole
    assert store.get_claim(glob.id, A).status == "unverified"
    store.resolve_flag(on_global.id, upheld=True, moderator="op", note="", scope=OP,
                       new_status="disputed")  # fmt: skip
    assert store.get_claim(glob.id, A).status == "disputed"


def test_flag_visibility_across_guilds(store: SqliteStore) -> None:
    glob = store.add_claim(make_fields("A global claim"), "op")
    private = store.add_claim(make_fields("A private claim", guild_id=111), "mod")
    in_a = flag(store, glob.id, guild=111)
    in_b = flag(store, glob.id, user="u2", guild=222)
    with pytest.raises(NotFound):
        flag(store, private.id, user="u3", guild=222)
    assert [f.id for f in store.list_flags(A)] == [in_a.id]
    assert [f.id for f in store.list_flags(B)] == [in_b.id]
    assert [f.id for f in store.list_flags(OP)] == [in_a.id, in_b.id]
    assert [f.id for f in store.list_flags(OP, user_id="u2")] == [in_b.id]
    assert [f.id for f in store.list_flags(A, claim_id=glob.id, state=None)] == [in_a.id]
    with pytest.raises(NotFound):
        store.get_flag(in_a.id, B)
    with pytest.raises(NotFound):
        store.resolve_flag(in_a.id, upheld=False, moderator="m", note="", scope=B)
    assert store.get_flag(in_a.id, OP) == in_a
    flag(store, glob.id, user="u4", guild=111, kind=FlagKind.FALSE_MATCH)
    assert store.open_flag_counts([glob.id, private.id], A) == {glob.id: 1, private.id: 0}
    assert store.open_flag_counts([glob.id], OP) == {glob.id: 2}
    assert store.flaggers(glob.id, OP) == ["u1", "u2"]
    assert store.flaggers(glob.id, A, kind=None) == ["u1", "u4"]
    store.withdraw_flag(in_b.id, "u2", B)
    assert store.flaggers(glob.id, OP) == ["u1"]
    assert store.open_flag_counts([glob.id], B) == {glob.id: 0}
    with pytest.raises(NotFound):
        store.flaggers(private.id, B)


# -- settings, backup, durability, speed -------------------------------------------------------
def test_guild_settings_round_trip(store: SqliteStore) -> None:
    assert store.get_settings(5) == GuildSettings(guild_id=5)
    saved = GuildSettings(guild_id=5, modlog_channel_id=9, listen_channel_ids=[1, 2])
    store.save_settings(saved, "admin")
    assert store.get_settings(5) == saved
    store.save_settings(saved.model_copy(update={"reply_style": "plain"}), "admin")
    assert store.get_settings(5).reply_style == "plain"
    assert store.get_settings(6) == GuildSettings(guild_id=6)


def test_backup_makes_a_usable_copy(store: SqliteStore, tmp_path: Path) -> None:
    claim = store.add_claim(make_fields(), "a")
    dest = tmp_path / "backup.db"
    store.backup(str(dest))
    with SqliteStore(dest) as copy:
        assert copy.get_claim(claim.id, OP) == claim
        assert [h.claim_id for h in copy.search(["moon"], OP)] == [claim.id]
    with pytest.raises(InvalidInput, match="exists"):
        store.backup(str(dest))
    store.add_claim(make_fields("Another one here"), "a")
    store.backup(str(dest), overwrite=True)
    with SqliteStore(dest) as copy:
        assert copy.count_claims(OP) == 2
    assert not list(tmp_path.glob("*.partial"))


WRITER = textwrap.dedent(
    """
    import sys
    from verifiers.models import ClaimFields
    from verifiers.store.sqlite import SqliteStore
    store = SqliteStore(sys.argv[1])
    n = 0
    while True:
        claim = store.add_claim(ClaimFields(text=f"claim number {n}"), "writer")
        print(claim.id, flush=True)
        n += 1
    """
)


def test_kill_9_loses_no_acknowledged_write(db_path: Path) -> None:
    SqliteStore(db_path).close()
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db_path)], stdout=subprocess.PIPE, text=True
    )
    acknowledged = []
    assert proc.stdout is not None
    deadline = time.monotonic() + 30
    while len(acknowledged) < 200 and time.monotonic() < deadline:
        acknowledged.append(proc.stdout.readline().strip())
    proc.kill()
    proc.wait()
    with SqliteStore(db_path) as store:
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        fts_ok(store)
        assert set(store.get_claims(acknowledged)) == set(acknowledged)


def test_add_claims_speed(store: SqliteStore) -> None:
    items = [
        make_fields(
            f"Claim {n}: the minister said that spending rose by {n} percent last year",
            sources=[Source(url=f"https://news.example/{n}", publisher="News")],
        )
        for n in range(10_000)
    ]
    started = time.perf_counter()
    made = store.add_claims(items, "bulk")
    rate = len(made) / (time.perf_counter() - started)
    print(f"add_claims: {rate:,.0f} claims/s")
    assert len(made) == 10_000
    assert rate > 1_500  # target is >= 5,000/s; the floor only catches a pathological slowdown


def test_store_connection_is_not_sqlite_error_after_close(db_path: Path) -> None:
    store = SqliteStore(db_path)
    store.close()
    store.close()  # twice is fine
    with pytest.raises(Exception) as info:
        store.count_claims(OP)
    assert not isinstance(info.value, sqlite3.Error)
