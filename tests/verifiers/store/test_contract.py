"""The store contract: what every backend (SQLite, PostgreSQL) must do alike, on real databases.

Each test runs once per backend: SQLite on a file in tmp_path, PostgreSQL in a schema of its
own on the test server (skipped, saying why, where there is none). Backend-only behaviour
lives in test_store_sqlite.py and test_store_postgres.py.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import make_fields, postgres_schema
from tests.verifiers.matching.test_seeded import HELD_OUT, TUNING
from tests.verifiers.test_seeding import (  # noqa: F401 - these tests also run here, on every backend
    seeds,
    test_a_changed_seed_updates_an_untouched_claim,
    test_a_moderator_edit_survives_reseeding,
    test_a_retired_seeded_claim_stays_retired,
    test_seeding_twice_adds_nothing_new,
)
from verifiers.domain.errors import (
    ClaimbotError,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from verifiers.domain.models import (
    ClaimChanges,
    ClaimFields,
    DraftChanges,
    DraftFields,
    DraftState,
    FlagKind,
    FlagRate,
    FlagState,
    GuildSettings,
    HoldReason,
    IngestReport,
    LinkState,
    Scope,
    Source,
    SourceCheck,
)
from verifiers.domain.settings import MatchingSettings
from verifiers.matching.pipeline import Matcher
from verifiers.notifications import DeliveryState, notifications_for
from verifiers.store import migrate, migration_status, open_store
from verifiers.store.ports import Store
from verifiers.store.records import ImportReport
from verifiers.store.sql.values import CONTROL

OP = Scope.everything()
A = Scope.guild(111)
B = Scope.guild(222)
TABLES = {"claims", "sources", "audit", "flags", "guild_settings", "articles", "drafts"}


@dataclass
class Backend:
    """One backend under test: its URL, and raw SQL access for checks the API cannot make."""

    name: str
    url: str

    def open(self, *, seed: bool = False) -> Store:
        return open_store(self.url, seed=seed)

    def rows(self, query: str) -> list[tuple[Any, ...]]:
        if self.name == "sqlite":
            conn = sqlite3.connect(self.url)
            try:
                return conn.execute(query).fetchall()
            finally:
                conn.close()
        from verifiers.store.postgres.db import connect, parse_postgres_url

        with connect(parse_postgres_url(self.url)) as conn:
            return [tuple(row.values()) for row in conn.execute(query).fetchall()]

    def count(self, table: str) -> int:
        return int(self.rows(f"SELECT count(*) FROM {table}")[0][0])

    def tables(self) -> set[str]:
        if self.name == "sqlite":
            return {r[0] for r in self.rows("SELECT name FROM sqlite_master WHERE type='table'")}
        return {
            r[0]
            for r in self.rows(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = current_schema()"
            )
        }

    def index_ok(self, store: Store) -> None:
        """The search index agrees with the live claims: it counts them, finds each by its own
        words, and never returns a retired one."""
        [(live,)] = self.rows("SELECT count(*) FROM claims WHERE NOT retired")
        assert store.claim_count_for_search() == live
        retired = {r[0] for r in self.rows("SELECT id FROM claims WHERE retired")}
        claims = list(store.iter_claims(OP))
        for claim in claims[:: max(1, len(claims) // 50)]:  # 50 at most, spread out
            found = [c.claim_id for c in store.search(claim.text.split(), OP, limit=1000)]
            assert claim.id in found
            assert not retired & set(found)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "sqlite":
        yield Backend("sqlite", str(tmp_path / "claims.db"))
        return
    with postgres_schema() as url:
        yield Backend("postgres", url)


@pytest.fixture
def store(backend: Backend) -> Iterator[Store]:
    """An empty, migrated store (not seeded), on each backend in turn."""
    with backend.open() as opened:
        yield opened


# -- opening and migrations ---------------------------------------------------------------------
def test_new_database_is_created_and_migrated(backend: Backend) -> None:
    before = migration_status(backend.url)
    assert before.applied == []
    assert before.pending[0] == "0001_initial"
    with backend.open() as store:
        status = store.migration_status()
    assert status.applied == before.pending  # same ids, in order, on every backend
    assert status.pending == []
    assert backend.tables() >= TABLES


def test_reopening_an_existing_database_is_a_no_op(backend: Backend) -> None:
    with backend.open() as store:
        claim = store.add_claim(make_fields(), "alice")
    assert migrate(backend.url) == []
    with backend.open() as store:
        assert store.get_claim(claim.id, OP) == claim
        assert store.migration_status().pending == []
        assert store.count_claims(OP) == 1


def test_several_processes_creating_one_database_at_once(backend: Backend) -> None:
    script = "import sys; from verifiers.store import open_store; open_store(sys.argv[1]).close()"
    procs = [
        subprocess.Popen([sys.executable, "-c", script, backend.url], stderr=subprocess.PIPE)
        for _ in range(3)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    with backend.open() as store:
        assert store.migration_status().applied[0] == "0001_initial"
        assert store.migration_status().pending == []
        # Seeding raced too: each seeded claim is there once, created by exactly one of them.
        ids = [c.id for c in store.iter_claims(OP)]
        assert ids
        assert len(ids) == len(set(ids))
        assert {e.action for c in ids for e in store.history(c, OP)} == {"create"}


def test_a_closed_store_raises_a_claimbot_error(backend: Backend) -> None:
    store = backend.open()
    store.close()
    store.close()  # twice is fine
    with pytest.raises(ClaimbotError, match="closed"):
        store.count_claims(OP)


# -- claims, scope rules ------------------------------------------------------------------------
def test_add_and_get_claim(store: Store) -> None:
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


def test_given_ids_and_taken_ids(store: Store) -> None:
    store.add_claim(make_fields(), "alice", claim_id="moon-cheese")
    with pytest.raises(Conflict, match="already taken"):
        store.add_claim(make_fields(), "alice", claim_id="moon-cheese")
    with pytest.raises(InvalidInput):
        store.add_claim(make_fields(), "alice", claim_id="has space")
    with pytest.raises(InvalidInput):
        store.add_claim(make_fields(), "  ")


def test_guilds_never_see_or_change_each_others_claims(store: Store) -> None:
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
    assert store.count_claims(B) == 1
    assert store.count_claims(A) == 2 == store.count_claims(OP)
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


def test_list_filters_paging_and_like_escaping(store: Store) -> None:
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
    assert store.count_claims(OP) == 2
    assert store.count_claims(OP, include_retired=True) == 3
    # counted with the same filters the listing pages through
    assert store.count_claims(OP, contains="PRICES") == 1
    assert store.count_claims(OP, contains="PRICES", include_retired=True) == 2
    assert store.count_claims(OP, status="false") == 1
    with pytest.raises(InvalidInput):
        store.list_claims(OP, status="bogus")  # type: ignore[arg-type]


def test_an_unretired_claim_is_listed_searched_and_kept_in_history(store: Store) -> None:
    claim = store.add_claim(make_fields("Otters hold hands while sleeping"), "a")
    store.retire_claim(claim.id, "mod", OP, "duplicate")
    assert store.search(["otters"], OP) == []
    back = store.unretire_claim(claim.id, "mod", OP, "not a duplicate after all")
    assert not back.retired
    assert back.version == 3
    assert [h.claim_id for h in store.search(["otters"], OP)] == [claim.id]
    assert claim.id in [c.id for c in store.list_claims(OP)]
    actions = [(e.action, e.new) for e in store.history(claim.id, OP)][-2:]
    assert actions == [("retire", "duplicate"), ("unretire", "not a duplicate after all")]
    with pytest.raises(Conflict, match="is not retired"):
        store.unretire_claim(claim.id, "mod", OP)
    guild_claim = store.add_claim(make_fields("Local claim", guild_id=7), "a")
    store.retire_claim(guild_claim.id, "mod", OP)
    with pytest.raises((PermissionDenied, NotFound)):
        store.unretire_claim(guild_claim.id, "mod", Scope.guild(8))


def test_iter_claims_walks_every_batch(store: Store) -> None:
    made = store.add_claims([make_fields(f"Claim number {n}") for n in range(1234)], "bulk")
    assert [c.id for c in store.iter_claims(OP)] == [c.id for c in made]


def test_external_ids_are_unique_per_scope(store: Store) -> None:
    claim = store.add_claim(make_fields(external_id="ext-1"), "imp")
    other = store.add_claim(make_fields(external_id="ext-1", guild_id=111), "imp")
    assert store.find_by_external_id("ext-1", None) == claim
    assert store.find_by_external_id("ext-1", 111) == other
    assert store.find_by_external_id("ext-1", 222) is None
    with pytest.raises(Conflict, match="ext-1"):
        store.add_claim(make_fields(external_id="ext-1"), "imp")


def test_add_claims_is_all_or_nothing(store: Store, backend: Backend) -> None:
    store.add_claim(make_fields(external_id="taken"), "imp")
    batch = [make_fields(f"Good claim {n}") for n in range(5)]
    with pytest.raises(Conflict):
        store.add_claims([*batch, make_fields(external_id="taken")], "imp")
    broken = ClaimFields.model_construct(**{**dict(make_fields()), "status": "bogus"})
    with pytest.raises(Conflict):  # fails in the database (CHECK), after earlier rows went in
        store.add_claims([*batch, broken], "imp")
    assert store.count_claims(OP, include_retired=True) == 1
    assert backend.count("sources") == 1
    assert backend.count("audit") == 1
    assert store.search(["good"], OP) == []
    made = store.add_claims(batch, "imp")
    assert len({c.id for c in made}) == 5
    assert store.count_claims(OP) == 6
    assert store.add_claims([], "imp") == []


def test_import_claims_streams_in_chunks_and_is_all_or_nothing(
    store: Store, backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file's import is read and written a chunk at a time in one transaction: claims
    imported before are skipped and counted, and a bad row found after earlier chunks were
    written still leaves nothing behind."""
    from verifiers.store.sql import claims as records

    monkeypatch.setattr(records, "IMPORT_CHUNK", 2)
    store.add_claim(make_fields("Known claim about tides", external_id="k1"), "imp")
    items = [make_fields(f"Imported claim {n} about rivers", external_id=f"e{n}") for n in range(5)]
    known_again = make_fields("Known claim about tides, reworded", external_id="k1")
    report = store.import_claims(iter([items[0], known_again, *items[1:]]), "imp")
    assert report == ImportReport(added=5, skipped=1)
    assert store.count_claims(OP) == 6
    assert backend.count("audit") == 6
    assert store.find_by_external_id("k1", None).text == "Known claim about tides"  # type: ignore[union-attr]
    assert store.import_claims(items, "imp") == ImportReport(added=0, skipped=5)

    def late_failure() -> Iterator[ClaimFields]:
        for n in range(3):  # two chunks are written before the bad row is found
            yield make_fields(f"Lately imported claim {n}", external_id=f"x{n}")
        raise InvalidInput("claims.csv: nothing imported; 1 bad row(s): line 5: status")

    with pytest.raises(InvalidInput, match="line 5"):
        store.import_claims(late_failure(), "imp")
    repeated = [
        make_fields("First", external_id="r"),
        make_fields("Other"),
        make_fields("Again", external_id="r"),
    ]
    with pytest.raises(Conflict, match="external id r appears twice"):
        store.import_claims(repeated, "imp")
    with pytest.raises(Conflict, match="external id k1 appears twice"):  # even when stored
        store.import_claims([known_again, known_again], "imp")
    numbered = [
        {"text": "A valid claim about lakes"},
        {"text": "Another valid claim"},
        {"text": " "},
    ]
    with pytest.raises(InvalidInput, match="claim #3"):
        store.import_claims(numbered, "imp")  # type: ignore[arg-type]
    assert store.count_claims(OP, include_retired=True) == 6
    assert backend.count("audit") == 6
    assert store.search(["lately"], OP) == []
    assert store.search(["lakes"], OP) == []


# -- versions and audit -------------------------------------------------------------------------
def test_optimistic_versioning(store: Store) -> None:
    claim = store.add_claim(make_fields(), "alice")
    first = store.update_claim(
        claim.id, ClaimChanges(status="false"), "bob", OP, expected_version=1
    )
    assert first.version == 2
    assert first.updated_by == "bob"
    with pytest.raises(Conflict) as info:
        store.update_claim(
            claim.id, ClaimChanges(status="confirmed"), "carol", OP, expected_version=1
        )
    assert str(info.value) == (
        f"claim {claim.id} was changed meanwhile (now version 2); reload and try again"
    )
    same = store.update_claim(claim.id, ClaimChanges(status="false"), "dave", OP)
    assert same.version == 2
    assert same.updated_by == "bob"


def test_audit_history(store: Store) -> None:
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
    assert final.version == 5
    assert final.retired
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


def test_add_source_appends_and_refuses_duplicates(store: Store) -> None:
    claim = store.add_claim(make_fields(), "alice")
    extra = Source(url="https://second.example/", publisher="Second", role="fact_check")
    updated = store.add_source(claim.id, extra, "bob", OP)
    assert [str(s.url) for s in updated.sources] == ["https://example.org/report", str(extra.url)]
    with pytest.raises(Conflict, match="already cites"):
        store.add_source(claim.id, extra, "bob", OP)


# -- search -------------------------------------------------------------------------------------
def test_search_follows_inserts_edits_and_retirement(store: Store, backend: Backend) -> None:
    claim = store.add_claim(make_fields("Giraffes sleep standing up"), "a")
    other = store.add_claim(make_fields("Penguins cannot fly", summary="giraffes mentioned"), "a")
    hits = store.search(["giraffes"], OP)
    assert [h.claim_id for h in hits] == [claim.id, other.id]  # text outweighs summary
    assert all(h.bm25 > 0 for h in hits)
    assert hits[0].bm25 > hits[1].bm25
    # A hit carries what the matcher screens on, as stored.
    assert [(h.text, h.summary) for h in hits] == [
        (claim.text, claim.summary),
        ("Penguins cannot fly", "giraffes mentioned"),
    ]
    store.update_claim(claim.id, ClaimChanges(text="Elephants sleep standing up"), "a", OP)
    assert [h.claim_id for h in store.search(["giraffes"], OP)] == [other.id]
    assert [h.text for h in store.search(["elephants"], OP)] == ["Elephants sleep standing up"]
    store.update_claim(other.id, ClaimChanges(summary="about birds"), "a", OP)
    assert store.search(["giraffes"], OP) == []
    store.retire_claim(claim.id, "a", OP)
    assert store.search(["elephants", "sleep"], OP) == []
    assert store.search([], OP) == []
    assert store.search(["", "  "], OP) == []
    backend.index_ok(store)


def test_search_folds_case_and_diacritics(store: Store) -> None:
    claim = store.add_claim(make_fields("The Café in Zürich closed"), "a")
    for term in ("cafe", "CAFÉ", "zurich", "Zürich"):
        assert [h.claim_id for h in store.search([term], OP)] == [claim.id]


def test_search_limit_and_or_semantics(store: Store) -> None:
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
        (['"'], set()),
        (['"moon'], {"m1"}),  # the word "moon", nothing more
        (["*"], set()),
        (["moo*"], set()),  # no prefix search
        (["NEAR("], set()),
        (["NEAR(moon cheese)"], {"m1"}),  # the words near, moon, cheese: no operator
        (["OR"], set()),
        (["AND", "NOT"], set()),
        (["-"], set()),
        (["-vaccines"], {"v1"}),
        ([":"], set()),
        (["text:moon"], {"m1"}),  # the words text and moon, not a field filter
        (["summary:secret"], {"m1"}),  # the claim's summary says "secret"
        (["summary:microchips"], {"v1"}),  # not a filter keeping the summary field only
        (["'; DROP TABLE claims; --"], set()),
        (["')) OR 1=1 --"], set()),
        (["\x00", "\x00moon"], {"m1"}),
        (["\udcff", "moon\udcff"], {"m1"}),  # a lone surrogate: a byte not UTF-8 in argv
        (["^moon"], {"m1"}),
        (["(", ")", "+", "landing AND vaccines"], {"m1", "v1"}),  # any word: OR, no syntax
        (["guild:222", "id:v1"], set()),
    ],
)
def test_search_syntax_in_terms_is_plain_text(
    store: Store, backend: Backend, terms: list[str], expected: set[str]
) -> None:
    """The words of each term are searched, whatever characters surround them: nothing a
    member types is query syntax (no operators, fields, prefixes or phrases)."""
    store.add_claim(make_fields("Moon landing was staged", summary="secret"), "a", claim_id="m1")
    store.add_claim(make_fields("Vaccines contain microchips"), "a", claim_id="v1")
    assert {h.claim_id for h in store.search(terms, OP)} == expected
    assert store.count_claims(OP) == 2
    for term in terms:  # LIKE matches the literal text only
        needle = CONTROL.sub("", term).strip().lower()
        for claim in store.list_claims(OP, contains=term) if needle else []:
            assert needle in f"{claim.text} {claim.summary}".lower()
    frequencies = store.document_frequencies(terms)
    assert set(frequencies) == set(terms)
    backend.index_ok(store)


def test_quoted_terms_still_match_their_words(store: Store) -> None:
    store.add_claim(make_fields("Moon landing was staged"), "a", claim_id="m1")
    assert [h.claim_id for h in store.search(['"moon"', "(landing)", "staged*"], OP)] == ["m1"]


def test_document_frequencies_and_count(store: Store) -> None:
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
def flag(store: Store, claim_id: str, user: str = "u1", guild: int | None = 111, **kw):
    return store.add_flag(claim_id, user_id=user, guild_id=guild, reason="wrong", **kw)


def test_one_open_flag_per_user_claim_and_kind(store: Store) -> None:
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


def test_one_open_flag_even_when_two_connections_race(backend: Backend) -> None:
    with backend.open() as setup:
        claim = setup.add_claim(make_fields(), "a")
    stores = [backend.open(), backend.open()]

    def click(store: Store, user: str, barrier: threading.Barrier, out: list[str]) -> None:
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


def test_withdraw_rules(store: Store) -> None:
    claim = store.add_claim(make_fields(), "a")
    raised = flag(store, claim.id)
    with pytest.raises(PermissionDenied):
        store.withdraw_flag(raised.id, "someone-else", A)
    with pytest.raises(NotFound):
        store.withdraw_flag(raised.id, "u1", B)
    done = store.withdraw_flag(raised.id, "u1", A)
    assert done.state == FlagState.WITHDRAWN
    assert done.resolved_by == "u1"
    assert done.resolved_at
    with pytest.raises(Conflict, match="withdrawn"):
        store.withdraw_flag(raised.id, "u1", A)
    with pytest.raises(Conflict):
        store.resolve_flag(raised.id, upheld=False, moderator="m", note="", scope=A)


def test_resolve_rules(store: Store) -> None:
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


def test_flag_visibility_across_guilds(store: Store) -> None:
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


HOUR = FlagRate(3, timedelta(hours=1))


def test_disputes_past_the_rate_are_kept_but_held_from_the_public_count(store: Store) -> None:
    claim = store.add_claim(make_fields(), "a")
    withdrawn = flag(store, claim.id, user="w", rate=HOUR)
    store.withdraw_flag(withdrawn.id, "w", A)  # still one of the claim's new disputes
    first = [flag(store, claim.id, user=f"u{n}", rate=HOUR) for n in range(2)]
    later = [flag(store, claim.id, user=f"v{n}", rate=HOUR) for n in range(3)]
    assert [f.held for f in first] == [[], []]
    assert [f.held for f in later] == [[HoldReason.BURST]] * 3
    assert all(f.state is FlagState.OPEN and not f.counted for f in later)  # kept, not counted
    assert store.open_flag_counts([claim.id], A) == {claim.id: 2}
    assert [f.id for f in store.list_flags(A)] == [f.id for f in first + later]
    # The rate is per server, and false-match reports neither count towards it nor are held.
    assert flag(store, claim.id, user="b", guild=222, rate=HOUR).held == []
    assert flag(store, claim.id, user="x", kind=FlagKind.FALSE_MATCH, rate=HOUR).held == []
    # A window that has passed: new disputes count again.
    assert flag(store, claim.id, user="z", rate=FlagRate(3, timedelta(0))).held == []


def test_a_flag_keeps_what_was_known_of_the_flagger(store: Store) -> None:
    claim = store.add_claim(make_fields(), "a")
    created = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    joined = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    held = flag(
        store, claim.id, account_created_at=created, member_joined_at=joined,
        held=[HoldReason.NEW_MEMBER, HoldReason.NEW_ACCOUNT],
    )  # fmt: skip
    assert (held.account_created_at, held.member_joined_at) == (created, joined)
    assert held.held == [HoldReason.NEW_ACCOUNT, HoldReason.NEW_MEMBER]
    assert store.get_flag(held.id, A) == held
    assert held.account_age() == held.created_at - created
    assert store.open_flag_counts([claim.id], A) == {claim.id: 0}
    plain = flag(store, claim.id, user="u2")
    assert (plain.account_created_at, plain.member_joined_at, plain.held) == (None, None, [])
    assert store.open_flag_counts([claim.id], A) == {claim.id: 1}


def test_held_flags_are_dismissed_as_a_group(store: Store) -> None:
    claim = store.add_claim(make_fields(), "a")
    counted = flag(store, claim.id, user="old-timer", rate=HOUR)
    new = [flag(store, claim.id, user=f"new{n}", held=[HoldReason.NEW_ACCOUNT]) for n in range(3)]
    in_b = flag(store, claim.id, user="b1", guild=222, held=[HoldReason.NEW_ACCOUNT])
    with pytest.raises(InvalidInput):
        store.dismiss_held_flags(claim.id, moderator=" ", note="", scope=A)
    dismissed = store.dismiss_held_flags(
        claim.id, moderator="m1", note=" a brigade ", scope=A, up_to=new[1].id,
        notify=notifications_for,
    )  # fmt: skip
    assert [f.id for f in dismissed] == [new[0].id, new[1].id]  # filed after the look: kept
    assert all(
        (f.state, f.group_dismissed, f.resolved_by, f.resolution_note)
        == (FlagState.DISMISSED, True, "m1", "a brigade")
        for f in dismissed
    )
    assert store.get_flag(new[2].id, A).state is FlagState.OPEN
    assert store.get_flag(counted.id, A).state is FlagState.OPEN  # counted flags: one by one
    assert store.get_flag(in_b.id, B).state is FlagState.OPEN  # another server's are its own
    told = store.list_notifications(claim_id=claim.id)
    assert sorted(n.user_id for n in told) == ["new0", "new1"]
    assert all("was dismissed" in n.message for n in told)
    assert store.open_flag_counts([claim.id], A) == {claim.id: 1}
    # A member dismissed with a group who flags the claim again is held, whatever their age.
    again = flag(store, claim.id, user="new0")
    assert again.held == [HoldReason.DISMISSED_BEFORE]
    rest = store.dismiss_held_flags(claim.id, moderator="m1", note="", scope=A)
    assert [f.id for f in rest] == [new[2].id, again.id]
    assert store.dismiss_held_flags(claim.id, moderator="m1", note="", scope=A) == []
    assert flag(store, claim.id, user="new0", guild=222).held == []  # another server's call
    private = store.add_claim(make_fields("A private claim", guild_id=111), "mod")
    with pytest.raises(NotFound):
        store.dismiss_held_flags(private.id, moderator="m", note="", scope=B)


def test_the_rate_holds_when_many_flag_one_claim_at_once(backend: Backend) -> None:
    with backend.open() as setup:
        claim = setup.add_claim(make_fields(), "a")
    stores = [backend.open() for _ in range(6)]
    try:
        outcomes = run_together(6, lambda n: flag(stores[n], claim.id, user=f"user{n}", rate=HOUR))
        assert outcomes == ["ok"] * 6
        flags = stores[0].list_flags(OP)
        assert sorted(len(f.held) for f in flags) == [0, 0, 0, 1, 1, 1]
        assert stores[0].open_flag_counts([claim.id], A) == {claim.id: 3}
    finally:
        for s in stores:
            s.close()


# -- settings, backup, durability, speed -------------------------------------------------------
def test_guild_settings_round_trip(store: Store) -> None:
    assert store.get_settings(5) == GuildSettings(guild_id=5)
    saved = GuildSettings(guild_id=5, modlog_channel_id=9, listen_channel_ids=[1, 2])
    store.save_settings(saved, "admin")
    assert store.get_settings(5) == saved
    store.save_settings(saved.model_copy(update={"reply_style": "plain"}), "admin")
    assert store.get_settings(5).reply_style == "plain"
    assert store.get_settings(6) == GuildSettings(guild_id=6)


# -- many writers at once -----------------------------------------------------------------------
def run_together(count: int, work: Any) -> list[str]:
    """Run work(n) in `count` threads released at the same moment; their outcomes, sorted."""
    barrier = threading.Barrier(count)
    outcomes: list[str] = []

    def run(n: int) -> None:
        barrier.wait()
        try:
            work(n)
            outcomes.append("ok")
        except Conflict as exc:
            outcomes.append(f"conflict: {exc}")

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


def test_concurrent_edits_expecting_one_version_exactly_one_wins(backend: Backend) -> None:
    with backend.open() as setup:
        claim = setup.add_claim(make_fields(), "a")
    stores = [backend.open() for _ in range(4)]
    try:
        statuses = ["false", "confirmed", "disputed", "misleading"]
        outcomes = run_together(
            4,
            lambda n: stores[n].update_claim(
                claim.id, ClaimChanges(status=statuses[n]), f"mod{n}", OP, expected_version=1
            ),
        )
        message = f"conflict: claim {claim.id} was changed meanwhile (now version 2);"
        assert outcomes[-1] == "ok"
        assert all(o.startswith(message) for o in outcomes[:-1]), outcomes
        final = stores[0].get_claim(claim.id, OP)
        assert final.version == 2
        assert final.status == statuses[int(final.updated_by[3:])]
        assert len(stores[0].history(claim.id, OP)) == 2
    finally:
        for s in stores:
            s.close()


def test_concurrent_edits_without_a_version_lose_nothing(backend: Backend) -> None:
    with backend.open() as setup:
        claim = setup.add_claim(make_fields(), "a")
    stores = [backend.open() for _ in range(6)]

    def edit(n: int) -> None:
        if n < 4:
            source = Source(url=f"https://source{n}.example/", publisher=f"P{n}")
            stores[n].add_source(claim.id, source, f"u{n}", OP)
        elif n == 4:
            stores[n].update_claim(claim.id, ClaimChanges(status="false"), "u4", OP)
        else:
            stores[n].update_claim(claim.id, ClaimChanges(summary="edited"), "u5", OP)

    try:
        assert run_together(6, edit) == ["ok"] * 6
        final = stores[0].get_claim(claim.id, OP)
        assert final.version == 7  # every edit counted once
        assert (final.status, final.summary) == ("false", "edited")
        urls = sorted(str(s.url) for s in final.sources)
        assert urls == sorted(["https://example.org/report"] + [
            f"https://source{n}.example/" for n in range(4)
        ])  # fmt: skip
        assert len(stores[0].history(claim.id, OP)) == 7
        assert [h.claim_id for h in stores[0].search(["edited"], OP)] == [claim.id]
    finally:
        for s in stores:
            s.close()


def test_many_users_flagging_at_once_get_one_open_flag_each(backend: Backend) -> None:
    with backend.open() as setup:
        claim = setup.add_claim(make_fields(), "a")
    stores = [backend.open() for _ in range(6)]
    try:
        outcomes = run_together(
            6, lambda n: flag(stores[n], claim.id, user=f"user{n % 3}", guild=111 + n)
        )
        assert outcomes.count("ok") == 3
        assert all("already have an open dispute" in o for o in outcomes if o != "ok")
        flags = stores[0].list_flags(OP)
        assert sorted(f.user_id for f in flags) == ["user0", "user1", "user2"]
    finally:
        for s in stores:
            s.close()


# -- the notifications outbox --------------------------------------------------------------------
def test_pruning_deletes_only_delivered_notifications_finished_before_the_cutoff(
    store: Store,
) -> None:
    claim = store.add_claim(make_fields(), "a")
    for n in range(4):
        flag(store, claim.id, user=f"u{n}", guild=None)
    store.update_claim(
        claim.id, ClaimChanges(status="false"), "op", Scope.everything(), notify=notifications_for
    )
    old, failed, recent = store.claim_notifications("bot", limit=3)
    store.finish_notification(old.id)
    store.finish_notification(failed.id, error="Cannot send messages to this user (403)")
    store.finish_notification(recent.id)
    [pending] = store.list_notifications(state=DeliveryState.PENDING)
    by_id = {n.id: n for n in store.list_notifications()}
    cutoff = by_id[recent.id].finished_at
    assert cutoff is not None
    assert by_id[old.id].finished_at < cutoff

    assert store.prune_notifications(finished_before=cutoff - timedelta(days=30)) == 0
    assert store.prune_notifications(finished_before=cutoff) == 1
    left = {n.id: n.state for n in store.list_notifications()}
    assert left == {
        failed.id: DeliveryState.FAILED,  # finished before the cutoff too, but kept
        recent.id: DeliveryState.DELIVERED,  # finished at the cutoff, not before it
        pending.id: DeliveryState.PENDING,
    }
    assert store.prune_notifications(finished_before=cutoff) == 0


# -- change notification ------------------------------------------------------------------------
class Events:
    """Collects change events from a listener's thread."""

    def __init__(self) -> None:
        self.items: list[frozenset[str] | None] = []
        self.arrived = threading.Event()

    def __call__(self, ids: frozenset[str] | None) -> None:
        self.items.append(ids)
        self.arrived.set()

    def next(self, timeout: float = 10.0) -> frozenset[str] | None:
        """The oldest event not yet taken, waiting for one if need be."""
        if not self.items:
            assert self.arrived.wait(timeout), "no change event arrived"
        self.arrived.clear()
        return self.items.pop(0)


ADD_ONE = (
    "import sys; from verifiers.domain.models import ClaimFields;"
    " from verifiers.store import open_store;"
    " s = open_store(sys.argv[1], seed=False);"
    " print(s.add_claim(ClaimFields(text='Made in another process'), 'other').id); s.close()"
)


def test_a_change_in_another_process_is_heard(backend: Backend) -> None:
    with backend.open() as store:
        store.add_claim(make_fields(), "a")
        events = Events()
        with store.listen_for_changes(events):
            started = time.monotonic()
            done = subprocess.run(
                [sys.executable, "-c", ADD_ONE, backend.url], capture_output=True, text=True
            )
            assert done.returncode == 0, done.stderr
            new_id = done.stdout.strip()
            ids = events.next()
            print(f"{backend.name}: heard a change from another process after"
                  f" {time.monotonic() - started:.3f} s (process start included)")  # fmt: skip
            assert ids is None or ids == {new_id}  # SQLite cannot tell which claims changed
            if backend.name == "postgres":
                assert ids == {new_id}


def test_changes_through_another_connection_are_heard_and_flags_are_not(
    backend: Backend,
) -> None:
    with backend.open() as store, backend.open() as other:
        claim = other.add_claim(make_fields(), "a")
        events = Events()
        with store.listen_for_changes(events):
            started = time.monotonic()
            other.update_claim(claim.id, ClaimChanges(status="false"), "b", OP)
            first = events.next()
            print(f"{backend.name}: heard an edit after {time.monotonic() - started:.3f} s")
            assert first is None or first == {claim.id}
            other.add_flag(claim.id, user_id="u1", guild_id=None, reason="no")
            other.save_settings(GuildSettings(guild_id=5, reply_style="plain"), "admin")
            other.retire_claim(claim.id, "b", OP)
            assert events.next() in (None, frozenset({claim.id}))  # the retirement, not the flag


# -- the matcher on each backend ------------------------------------------------------------------
def test_the_matcher_answers_the_seed_phrasings_on_every_backend(backend: Backend) -> None:
    with backend.open(seed=True) as store:
        matcher = Matcher(store, MatchingSettings())
        for text, claim_id in [*TUNING, *HELD_OUT]:
            matches = matcher.check(text, OP).matches
            assert [m.claim.id for m in matches] == [claim_id], text


def test_add_claims_in_bulk_keeps_the_index_consistent(store: Store, backend: Backend) -> None:
    """10,000 claims in one call (the import path) all land, and the search index agrees.
    Their speed is measured by bench/scale.py, not asserted here."""
    items = [
        make_fields(
            f"Claim {n}: the minister said that spending rose by {n} percent last year",
            sources=[Source(url=f"https://news.example/{n}", publisher="News")],
        )
        for n in range(10_000)
    ]
    made = store.add_claims(items, "bulk")
    assert len(made) == 10_000
    assert len({c.id for c in made}) == 10_000
    assert store.count_claims(OP) == 10_000
    assert backend.count("sources") == 10_000
    backend.index_ok(store)


# -- drafts, source checks and odd ids (the shared code serves both engines) ---------------------
def _ingest(store: Store, guild_id: int | None, content_hash: str = "h1") -> IngestReport:
    drafts = [
        DraftFields(
            text="The river flooded twice in 2021",
            status="false",
            claim_date=date(2021, 5, 1),
            sources=[Source(url="https://example.org/a", publisher="Gazette")],
        ),
        DraftFields(text="Bread prices rose by half", status="confirmed", claimant="A baker"),
    ]
    return store.add_article_drafts(  # type: ignore[attr-defined]
        guild_id=guild_id,
        url="https://example.org/article",
        content_hash=content_hash,
        title="An article",
        publisher="Gazette",
        drafts=drafts,
        actor="mod",
    )


def test_ingesting_an_article_twice_adds_its_drafts_once(store: Store) -> None:
    first = _ingest(store, 111)
    assert [d.text for d in first.drafts] == [
        "The river flooded twice in 2021",
        "Bread prices rose by half",
    ]
    assert first.drafts[0].claim_date == date(2021, 5, 1)
    assert first.drafts[0].sources[0].publisher == "Gazette"
    assert not first.already_ingested
    again = _ingest(store, 111)
    assert again.already_ingested
    assert again.article.id == first.article.id
    assert [d.id for d in again.drafts] == [d.id for d in first.drafts]
    found = store.find_article(111, url=None, content_hash="h1")  # type: ignore[attr-defined]
    assert found is not None
    assert found.id == first.article.id
    assert store.find_article(222, url=None, content_hash="h1") is None  # type: ignore[attr-defined]


def test_drafts_are_seen_and_decided_only_in_their_guild(store: Store) -> None:
    report = _ingest(store, 111)
    first, second = report.drafts
    assert [d.id for d in store.list_drafts(A)] == [first.id, second.id]  # type: ignore[attr-defined]
    assert store.list_drafts(B) == []  # type: ignore[attr-defined]
    with pytest.raises(NotFound):
        store.get_draft(first.id, B)  # type: ignore[attr-defined]
    with pytest.raises(NotFound):
        store.approve_draft(first.id, "mod", B)  # type: ignore[attr-defined]
    edited = store.edit_draft(  # type: ignore[attr-defined]
        first.id,
        DraftChanges(text="The river flooded three times in 2021"),
        "mod",
        A,
        expected_version=1,
    )
    assert edited.version == 2
    assert edited.text == "The river flooded three times in 2021"
    with pytest.raises(Conflict, match="changed meanwhile"):
        store.edit_draft(first.id, DraftChanges(status="confirmed"), "mod", A, expected_version=1)  # type: ignore[attr-defined]
    approved, claim = store.approve_draft(first.id, "mod", A)  # type: ignore[attr-defined]
    assert approved.state == DraftState.APPROVED
    assert approved.claim_id == claim.id
    assert claim.guild_id == 111
    assert claim.claim_date == date(2021, 5, 1)
    assert [e.action for e in store.history(claim.id, A)] == ["create", "from_draft"]
    assert store.search(["river"], A)[0].claim_id == claim.id
    with pytest.raises(Conflict, match="already approved"):
        store.approve_draft(first.id, "mod", A)  # type: ignore[attr-defined]
    rejected = store.reject_draft(second.id, "mod", A, note="  not   checkable ")  # type: ignore[attr-defined]
    assert rejected.state == DraftState.REJECTED
    assert rejected.decision_note == "not checkable"
    assert store.list_drafts(A) == []  # type: ignore[attr-defined]
    assert len(store.list_drafts(OP, state=None)) == 2  # type: ignore[attr-defined]


@pytest.mark.parametrize("bad", ["x", 2**70, -(2**70)])
def test_an_id_that_cannot_exist_is_not_found(store: Store, bad: object) -> None:
    with pytest.raises(NotFound):
        store.get_flag(bad, OP)  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        store.get_draft(bad, OP)  # type: ignore[attr-defined]


def test_a_source_check_is_kept_per_url_and_replaced_by_the_next(store: Store) -> None:
    at = datetime(2026, 11, 25, 12, 0, 0, 123456, tzinfo=UTC)
    first = SourceCheck(
        url="https://example.org/a",
        state=LinkState.ALIVE,
        checked_at=at,
        http_status=200,
        content_hash="abc",
        baseline_at=at,
    )
    store.save_source_check(first)  # type: ignore[attr-defined]
    assert store.get_source_check(first.url) == first  # type: ignore[attr-defined]
    later = first.model_copy(
        update={"state": LinkState.DEAD, "checked_at": at + timedelta(days=1), "http_status": 404}
    )
    other = SourceCheck(url="https://example.org/b", state=LinkState.ALIVE, checked_at=at)
    store.save_source_check(later)  # type: ignore[attr-defined]
    store.save_source_check(other)  # type: ignore[attr-defined]
    assert store.get_source_check(first.url) == later  # type: ignore[attr-defined]
    assert store.get_source_check("https://example.org/none") is None  # type: ignore[attr-defined]
    assert store.list_source_checks() == [later, other]  # type: ignore[attr-defined]
    assert store.list_source_checks(state=LinkState.DEAD) == [later]  # type: ignore[attr-defined]


def test_an_external_id_taken_in_a_batch_names_the_claim_holding_it(store: Store) -> None:
    held = store.add_claim(make_fields("The first import", external_id="ext-1"), "importer")
    fresh = make_fields("Another import", external_id="ext-2")
    taken = make_fields("A repeat import", external_id="ext-1")
    with pytest.raises(Conflict, match=f"external id ext-1 is already used by claim {held.id}"):
        store.add_claims([fresh, taken], "importer")
    assert store.count_claims(OP) == 1  # all or nothing
