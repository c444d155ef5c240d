"""The tantivy lexical index over a real SQLite store: what it finds, for whom, after which
changes, across reopening, damage, threads and another process."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import make_fields
from tests.paths import REPO
from verifiers.domain.models import Claim, ClaimChanges, Scope
from verifiers.matching.features import claim_terms
from verifiers.store import Store, open_store
from verifiers.store.index.lexical import IndexBusy, IndexUnusable, LexicalIndex, body_terms

ROOT = REPO
GUILD_A = 111
GUILD_B = 222
EVERYONE = Scope.everything()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(str(tmp_path / "claims.db"), seed=False) as opened:
        yield opened


def sequence_of(store: Store) -> int:
    """The store's change sequence: the newest audit row (every claim change writes one)."""
    with sqlite3.connect(store.path) as conn:  # type: ignore[attr-defined]
        return int(conn.execute("SELECT coalesce(max(id), 0) FROM audit").fetchone()[0])


def changes_since(store: Store, sequence: int) -> tuple[list[Claim], int]:
    """What a follower of the change feed reads: every claim with an audit row after
    `sequence`, as it is now (retired ones included), and the newest audit id."""
    with sqlite3.connect(store.path) as conn:  # type: ignore[attr-defined]
        rows = conn.execute(
            "SELECT a.id, c.id FROM audit a JOIN claims c ON c.pk = a.claim_pk"
            " WHERE a.id > ? ORDER BY a.id",
            (sequence,),
        ).fetchall()
    if not rows:
        return [], sequence
    changed = store.get_claims(dict.fromkeys(claim_id for _, claim_id in rows))
    return list(changed.values()), rows[-1][0]


def follow(store: Store, index: LexicalIndex) -> int:
    """Apply every change made since the index's sequence; returns the new sequence."""
    claims, sequence = changes_since(store, index.sequence)
    index.apply(claims, sequence)
    return sequence


def build(store: Store, folder: Path) -> LexicalIndex:
    """The index as a start-up would make it: sequence read first, then the claims."""
    sequence = sequence_of(store)
    return LexicalIndex.create(folder, store.iter_claims(EVERYONE), sequence)


def ids(candidates: list) -> list[str]:
    return [c.claim_id for c in candidates]


def test_search_finds_the_claims_best_first_with_their_words(store: Store, tmp_path: Path):
    volcano = store.add_claim(
        make_fields(
            "A volcano erupted under the Antarctic ice sheet in 2024",
            summary="Did a volcano erupt in Antarctica?",
        ),
        actor="mod",
    )
    ice = store.add_claim(make_fields("Arctic sea ice reached a record low in 2024"), actor="mod")
    store.add_claim(make_fields("The city council banned electric scooters"), actor="mod")
    with build(store, tmp_path / "lexical") as index:
        found = index.search(["volcano", "antarctic", "ice", "2024"], EVERYONE, limit=10)
        assert ids(found) == [volcano.id, ice.id]  # the scooters share no word
        assert found[0].bm25 > found[1].bm25 > 0
        assert (found[0].text, found[0].summary) == (volcano.text, volcano.summary)
        # With the tokens and content stems the matcher screens by, as it reads them itself.
        assert found[0].text_stems == list(claim_terms(volcano.text).stems)
        assert found[0].summary_tokens == ["did", "a", "volcano", "erupt", "in", "antarctica"]
        assert found[0].summary_stems == ["volcano", "erupt", "antarctica"]
        assert found[1].summary_tokens == found[1].summary_stems == []  # no summary
        assert index.search(["giraffe"], EVERYONE) == []
        assert index.search([], EVERYONE) == []
        assert ids(index.search(["volcano", "ice"], EVERYONE, limit=1)) == [volcano.id]


def test_terms_are_the_matchers_normalised_tokens(store: Store, tmp_path: Path):
    """Accents, full-width letters and look-alike Cyrillic letters are folded as `normalize`
    folds them, so the matcher's terms meet the claims' words."""
    cafe = store.add_claim(make_fields("The Café Müller closed after the FIFA inquiry"), actor="m")
    spoof = store.add_claim(make_fields("Рutіn met the ｐｒｅｓｉｄｅｎｔ in Kazan"), actor="m")
    with build(store, tmp_path / "lexical") as index:
        assert ids(index.search(["cafe", "muller"], EVERYONE)) == [cafe.id]
        assert ids(index.search(["fifa"], EVERYONE)) == [cafe.id]
        assert ids(index.search(["putin"], EVERYONE)) == [spoof.id]
        assert ids(index.search(["president", "kazan"], EVERYONE)) == [spoof.id]
        # Terms given as a person typed them are normalised the same way.
        assert ids(index.search(["Café"], EVERYONE)) == [cafe.id]


def test_the_scored_field_holds_the_text_terms_twice_then_the_summarys(store: Store):
    claim = store.add_claim(make_fields("The Café closed", summary="Café news"), actor="m")
    assert body_terms(claim) == "the cafe closed the cafe closed cafe news"
    no_summary = store.add_claim(make_fields("Bridges fell", summary=""), actor="m")
    assert body_terms(no_summary) == "bridges fell bridges fell"


def test_a_word_in_the_text_outweighs_the_same_word_in_the_summary(store: Store, tmp_path: Path):
    in_summary = store.add_claim(
        make_fields("Harbour authorities closed the old pier", summary="A lighthouse story"),
        actor="mod",
    )
    in_text = store.add_claim(
        make_fields("Harbour authorities closed the old lighthouse", summary="A pier story"),
        actor="mod",
    )
    with build(store, tmp_path / "lexical") as index:
        found = index.search(["lighthouse"], EVERYONE)
        assert ids(found) == [in_text.id, in_summary.id]
        assert found[0].bm25 > found[1].bm25


def fts5_scores(claims: list[Claim], words: list[str]) -> dict[str, float]:
    """SQLite FTS5's own bm25() (text weighted 2, summary 1) of `words` over `claims`,
    higher is better, for the claims holding any of them."""
    with sqlite3.connect(":memory:") as conn:
        conn.execute("CREATE VIRTUAL TABLE t USING fts5(id UNINDEXED, text, summary)")
        conn.executemany(
            "INSERT INTO t VALUES (?, ?, ?)", [(c.id, c.text, c.summary) for c in claims]
        )
        rows = conn.execute(
            "SELECT id, -bm25(t, 0.0, 2.0, 1.0) FROM t WHERE t MATCH ?", (" OR ".join(words),)
        ).fetchall()
    return dict(rows)


def test_hits_carry_fts5s_bm25_and_come_in_its_order(store: Store, tmp_path: Path):
    """The answer models were fitted on FTS5's bm25(): the index gives the same scores (and so
    the same order), whatever tantivy's own scoring would say, and keeps giving them after an
    edit and a retirement change the claims' lengths and the words' rarity."""
    texts = [
        ("the harbour pier closed after the storm", "harbour pier storm"),
        ("a storm closed the harbour for a week and the pier stayed shut", ""),
        ("the old pier reopened", "pier reopened after repairs"),
        ("ferries stopped because of the storm the storm the storm", "ferry storm"),
        ("the harbour master resigned", "harbour news"),
        ("council votes to rebuild the pier with steel", "pier rebuild vote"),
    ]
    claims = [
        store.add_claim(make_fields(text, summary=summary), actor="mod") for text, summary in texts
    ]
    words = ["harbour", "pier", "storm", "closed"]

    def check(index: LexicalIndex, live: list[Claim]) -> None:
        expected = fts5_scores(live, words)
        found = index.search(words, EVERYONE, limit=10)
        assert {c.claim_id: c.bm25 for c in found} == pytest.approx(expected, rel=1e-9)
        assert ids(found) == sorted(expected, key=lambda claim_id: -expected[claim_id])

    with build(store, tmp_path / "lexical") as index:
        check(index, claims)
        changes = ClaimChanges(text="the old pier reopened to the public today")
        edited = store.update_claim(claims[2].id, changes, "mod", EVERYONE)
        store.retire_claim(claims[4].id, "mod", EVERYONE)
        follow(store, index)
        check(index, [edited if c.id == edited.id else c for c in claims if c.id != claims[4].id])


def test_each_scope_sees_only_its_claims(store: Store, tmp_path: Path):
    seen = {
        None: store.add_claim(make_fields("Penguins were spotted in the desert"), actor="m"),
        GUILD_A: store.add_claim(
            make_fields("Penguins escaped from the zoo in town A", guild_id=GUILD_A), actor="m"
        ),
        GUILD_B: store.add_claim(
            make_fields("Penguins escaped from the zoo in town B", guild_id=GUILD_B), actor="m"
        ),
    }
    every = {guild: claim.id for guild, claim in seen.items()}
    with build(store, tmp_path / "lexical") as index:

        def found(scope: Scope) -> set[str]:
            return set(ids(index.search(["penguins", "zoo"], scope)))

        assert found(Scope.guild(GUILD_A)) == {every[None], every[GUILD_A]}
        assert found(Scope.guild(GUILD_B)) == {every[None], every[GUILD_B]}
        assert found(Scope.guild(999)) == {every[None]}
        assert found(Scope()) == {every[None]}  # global claims only
        assert found(EVERYONE) == set(every.values())


def test_a_guild_finds_its_claim_when_other_guilds_claims_score_higher(
    store: Store, tmp_path: Path
):
    """Another guild's many better-scoring claims never crowd a guild's own claim out."""
    store.add_claims(
        [
            make_fields(f"Walrus sighting number {n} walrus walrus", guild_id=GUILD_B)
            for n in range(60)
        ],
        actor="mod",
    )
    mine = store.add_claim(
        make_fields("A walrus was seen once near the harbour of our own town", guild_id=GUILD_A),
        actor="mod",
    )
    with build(store, tmp_path / "lexical") as index:
        assert ids(index.search(["walrus"], Scope.guild(GUILD_A), limit=5)) == [mine.id]
        assert len(index.search(["walrus"], Scope.guild(GUILD_B), limit=5)) == 5
        assert mine.id not in ids(index.search(["walrus"], Scope.guild(GUILD_B), limit=100))


def test_retired_claims_are_never_returned_and_come_back_when_unretired(
    store: Store, tmp_path: Path
):
    kept = store.add_claim(make_fields("Meteor shower lights up the sky over Lisbon"), actor="m")
    gone = store.add_claim(make_fields("Meteor fragments found on a Lisbon roof"), actor="m")
    store.retire_claim(gone.id, "mod", EVERYONE, reason="duplicate")
    # A build given retired claims too leaves them out.
    sequence = sequence_of(store)
    every = store.iter_claims(EVERYONE, include_retired=True)
    with LexicalIndex.create(tmp_path / "lexical", every, sequence) as index:
        assert ids(index.search(["meteor", "lisbon"], EVERYONE)) == [kept.id]
        assert index.claim_count == 1

        store.unretire_claim(gone.id, "mod", EVERYONE)
        follow(store, index)
        assert set(ids(index.search(["meteor", "lisbon"], EVERYONE))) == {kept.id, gone.id}

        store.retire_claim(kept.id, "mod", EVERYONE)
        assert follow(store, index) == sequence_of(store) == index.sequence
        assert ids(index.search(["meteor", "lisbon"], EVERYONE)) == [gone.id]
        assert ids(index.search(["sky"], EVERYONE)) == []


def test_an_edit_moves_a_claim_to_its_new_words(store: Store, tmp_path: Path):
    claim = store.add_claim(
        make_fields("Sharks were seen in the flooded subway", summary="Subway sharks?"),
        actor="mod",
    )
    with build(store, tmp_path / "lexical") as index:
        before = index.sequence
        store.update_claim(
            claim.id,
            ClaimChanges(text="Crocodiles were seen in the flooded metro", summary="Metro"),
            "mod",
            EVERYONE,
        )
        assert index.search(["crocodiles"], EVERYONE) == []  # not applied yet
        follow(store, index)
        assert index.sequence > before
        found = index.search(["crocodiles", "metro"], EVERYONE)
        assert ids(found) == [claim.id]
        assert found[0].text == "Crocodiles were seen in the flooded metro"
        assert found[0].text_stems == ["crocodil", "seen", "flood", "metro"]
        assert index.search(["sharks", "subway"], EVERYONE) == []
        assert index.claim_count == 1  # replaced, not added twice


def test_the_index_and_its_sequence_outlive_the_process_that_wrote_them(
    store: Store, tmp_path: Path
):
    folder = tmp_path / "lexical"
    claim = store.add_claim(make_fields("Hailstones the size of oranges fell in Denver"), actor="m")
    with build(store, folder) as index:
        store.update_claim(claim.id, ClaimChanges(summary="Orange-sized hail"), "m", EVERYONE)
        sequence = follow(store, index)
        expected = index.search(["hailstones", "denver", "hail"], EVERYONE)
    with LexicalIndex.open(folder) as reopened:
        assert reopened.sequence == sequence == sequence_of(store)
        assert reopened.search(["hailstones", "denver", "hail"], EVERYONE) == expected
        assert reopened.search(["hail"], EVERYONE)[0].summary == "Orange-sized hail"


def test_applying_an_older_sequence_is_refused(store: Store, tmp_path: Path):
    store.add_claim(make_fields("Snow fell in the Sahara for an hour"), actor="m")
    with build(store, tmp_path / "lexical") as index, pytest.raises(ValueError, match="behind"):
        index.apply([], index.sequence - 1)


def _damage_state(folder: Path) -> None:
    (folder / "state.json").write_text("{not json", encoding="utf-8")


def _other_format(folder: Path) -> None:
    (folder / "state.json").write_text(
        '{"format": 999, "generation": "g-000000000000", "sequence": 1}', encoding="utf-8"
    )


def _no_state(folder: Path) -> None:
    (folder / "state.json").unlink()


def _generation(folder: Path) -> Path:
    return next(p for p in folder.iterdir() if p.is_dir())


def _no_generation(folder: Path) -> None:
    shutil.rmtree(_generation(folder))


def _damage_meta(folder: Path) -> None:
    (_generation(folder) / "meta.json").write_text("garbage", encoding="utf-8")


def _truncate_postings(folder: Path) -> None:
    path = next(_generation(folder).glob("*.idx"))
    path.write_bytes(path.read_bytes()[:10])


def _remove_terms(folder: Path) -> None:
    next(_generation(folder).glob("*.term")).unlink()


@pytest.mark.parametrize(
    "damage",
    [
        _damage_state,
        _other_format,
        _no_state,
        _no_generation,
        _damage_meta,
        _truncate_postings,
        _remove_terms,
    ],
)
def test_a_damaged_index_raises_index_unusable_and_can_be_rebuilt(
    store: Store, tmp_path: Path, damage
):
    folder = tmp_path / "lexical"
    claim = store.add_claim(make_fields("Tornado lifts a barn over the river"), actor="m")
    build(store, folder).close()
    damage(folder)
    with pytest.raises(IndexUnusable, match="build"):
        LexicalIndex.open(folder)
    with build(store, folder) as rebuilt:
        assert ids(rebuilt.search(["tornado"], EVERYONE)) == [claim.id]
    assert len([p for p in folder.iterdir() if p.is_dir()]) == 1  # the damaged one is gone


def test_a_missing_folder_raises_index_unusable(tmp_path: Path):
    with pytest.raises(IndexUnusable, match="no search index"):
        LexicalIndex.open(tmp_path / "nowhere")


def test_a_failed_apply_or_build_leaves_the_index_as_it_was(store: Store, tmp_path: Path):
    claim = store.add_claim(make_fields("Blue moon rises over Tokyo tonight"), actor="m")
    other = store.add_claim(make_fields("Rare comet visible above Oslo"), actor="m")
    with build(store, tmp_path / "lexical") as index:
        before = index.sequence
        edited = claim.model_copy(update={"text": "Green moon rises over Osaka"})

        def feed_that_breaks() -> Iterator[Claim]:
            yield other.model_copy(update={"text": "Rare comet visible above Bergen"})
            raise sqlite3.OperationalError("disk I/O error")

        with pytest.raises(sqlite3.OperationalError):
            index.apply(feed_that_breaks(), before + 5)
        assert index.sequence == before
        assert index.search(["bergen"], EVERYONE) == []
        assert ids(index.search(["tokyo"], EVERYONE)) == [claim.id]

        def claims_that_break() -> Iterator[Claim]:
            yield other
            raise sqlite3.OperationalError("disk I/O error")

        with pytest.raises(sqlite3.OperationalError):
            index.build(claims_that_break(), before + 5)
        assert index.sequence == before
        assert ids(index.search(["tokyo"], EVERYONE)) == [claim.id]
        # The edit applies cleanly afterwards: the writer is still usable.
        index.apply([edited], before + 5)
        assert ids(index.search(["osaka"], EVERYONE)) == [claim.id]
        assert index.search(["bergen"], EVERYONE) == []  # the failed apply's part is gone
        assert ids(index.search(["oslo"], EVERYONE)) == [other.id]
    assert len([p for p in (tmp_path / "lexical").iterdir() if p.is_dir()]) == 1


def test_searches_from_threads_run_during_applies(store: Store, tmp_path: Path):
    """Every search sees the index before or after an apply, never a half-applied one: the
    edited claim is found by its old word or its new one, the others always."""
    store.add_claims(
        [make_fields(f"Parade number {n} closed the avenue downtown") for n in range(200)],
        actor="mod",
    )
    edited = store.add_claim(make_fields("Flamingo parade version 0"), actor="mod")
    errors: list[BaseException] = []
    stop = threading.Event()
    searches = [0]

    def search() -> None:
        try:
            while not stop.is_set():
                parade = index.search(["parade", "avenue"], EVERYONE, limit=300)
                assert len(parade) == 201, len(parade)
                flamingo = index.search(["flamingo"], EVERYONE)
                assert ids(flamingo) == [edited.id], flamingo
                searches[0] += 1
        except BaseException as exc:
            errors.append(exc)

    with build(store, tmp_path / "lexical") as index:
        threads = [threading.Thread(target=search) for _ in range(4)]
        for thread in threads:
            thread.start()
        try:
            for version in range(1, 21):
                text = f"Flamingo parade version {version}"
                store.update_claim(edited.id, ClaimChanges(text=text), "mod", EVERYONE)
                follow(store, index)
        finally:
            stop.set()
            for thread in threads:
                thread.join()
        assert errors == []
        assert searches[0] > 20
        assert index.search(["flamingo"], EVERYONE)[0].text == "Flamingo parade version 20"


READER = """
import fcntl, sys, time
from pathlib import Path
from verifiers.domain.models import Scope
from verifiers.store.index.lexical import IndexBusy, LexicalIndex

folder = Path(sys.argv[1])
index = LexicalIndex.open(folder)
with (folder / "writer.lock").open("a+b") as held:  # as another process's write holds it
    fcntl.flock(held, fcntl.LOCK_EX)
    print("holding", flush=True)
    sys.stdin.readline()  # the other process has tried to write meanwhile
index.apply([], index.sequence)  # the turn is free again
print("wrote", flush=True)
sys.stdin.readline()  # the other process has applied an edit
start = time.monotonic()
while not index.search(["albatross"], Scope.everything()):
    if time.monotonic() - start > 10:
        print("never", flush=True)
        sys.exit(1)
    time.sleep(0.01)
print(f"seen {time.monotonic() - start:.3f}", flush=True)
"""


def test_processes_take_turns_writing_and_a_reader_sees_an_apply_at_its_next_search(
    store: Store, tmp_path: Path
):
    claim = store.add_claim(make_fields("A seagull stole a sandwich on the pier"), actor="m")
    folder = tmp_path / "lexical"
    with build(store, folder) as index:
        reader = subprocess.Popen(
            [sys.executable, "-c", READER, str(folder)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        try:
            assert reader.stdout is not None
            assert reader.stdin is not None
            line = reader.stdout.readline()
            assert line == "holding\n", line + reader.stderr.read()
            with pytest.raises(IndexBusy, match="another process writes the search index"):
                index.apply([], index.sequence)
            reader.stdin.write("go\n")
            reader.stdin.flush()
            assert reader.stdout.readline() == "wrote\n"
            text = "An albatross stole a sandwich on the pier"
            store.update_claim(claim.id, ClaimChanges(text=text), "m", EVERYONE)
            follow(store, index)
            reader.stdin.write("go\n")
            reader.stdin.flush()
            seen = reader.stdout.readline()
            assert reader.wait(timeout=30) == 0, seen + reader.stderr.read()
        finally:
            reader.kill()
            reader.wait()
        assert seen.startswith("seen "), seen
        assert float(seen.split()[1]) < 0.3, seen  # its next search


def test_a_rebuild_by_the_writer_is_followed_by_an_open_reader(store: Store, tmp_path: Path):
    folder = tmp_path / "lexical"
    first = store.add_claim(make_fields("Kangaroo hops across the airport runway"), actor="m")
    with build(store, folder) as writer, LexicalIndex.open(folder) as reader:
        assert ids(reader.search(["kangaroo"], EVERYONE)) == [first.id]
        second = store.add_claim(make_fields("Kangaroo boards a bus in Perth"), actor="m")
        writer.build(store.iter_claims(EVERYONE), sequence_of(store))
        assert set(ids(reader.search(["kangaroo"], EVERYONE))) == {first.id, second.id}
        assert reader.sequence == writer.sequence == sequence_of(store)
