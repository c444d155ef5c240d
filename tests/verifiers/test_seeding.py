"""Seed files and idempotent seeding."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import verifiers.seeding
from verifiers.domain.errors import InvalidInput
from verifiers.domain.models import ClaimChanges, Scope
from verifiers.seeding import load_seed_claims, packaged_seeds
from verifiers.store import open_store
from verifiers.store.sqlite.store import SqliteStore

OP = Scope.everything()


def row(claim_id: str, text: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": claim_id,
        "text": text,
        "status": "reported",
        "explanation": "Reported by one outlet.",
        "claimant": None,
        "claim_date": "2025-07-04",
        "summary": "",
        "sources": [
            {
                "url": f"https://news.example/{claim_id}",
                "publisher": "Example News",
                "title": "A report",
                "published": "2025-07-15",
                "quote": "It happened.",
                "role": "original",
            }
        ],
        **extra,
    }


def write_seeds(folder: Path, rows: list[dict[str, Any]], *, raw: list[str] = ()) -> Path:
    folder.mkdir(exist_ok=True)
    lines = [json.dumps(r) for r in rows] + list(raw)
    (folder / "claims.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    return write_seeds(
        tmp_path / "seeds",
        [row("seed-one", "The first seeded claim"), row("seed-two", "The second seeded claim")],
    )


# -- loading ------------------------------------------------------------------------------------
def test_load_seed_claims_from_folder_or_file(seeds: Path) -> None:
    (seeds / "claims.jsonl").write_text(
        (seeds / "claims.jsonl").read_text() + "\n   \n", encoding="utf-8"
    )
    loaded = load_seed_claims(seeds)
    assert [claim_id for claim_id, _ in loaded] == ["seed-one", "seed-two"]
    fields = loaded[0][1]
    assert fields.status == "reported"
    assert str(fields.claim_date) == "2025-07-04"
    assert fields.guild_id is None
    assert len(fields.sources) == 1
    assert load_seed_claims(seeds / "claims.jsonl") == loaded


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ('{"id": "x1", "text": "oops",,}', "line 2: not valid JSON"),
        ('["a list"]', "line 2: expected a JSON object"),
        ('{"text": "No id on this one"}', 'line 2: missing "id"'),
        (json.dumps(row("x1", "Bad status", status="maybe")), "line 2 (claim x1): status"),
        (json.dumps(row("x1", "Typo", sumary="s")), "unknown field 'sumary'"),
        (json.dumps(row("x1", "Bad source", sources=[{"url": "nope", "publisher": "P"}])),
         "line 2 (claim x1): sources.0.url"),
        (json.dumps(row("x1", "Source typo", sources=[{"url": "https://a.b", "publisher": "P",
                                                       "quote_": "q"}])),
         "unknown field 'sources.quote_'"),
        (json.dumps(row("seed-one", "Repeated id")), "claim id seed-one repeats line 1"),
        (json.dumps(row("has space", "Bad id")), "line 2: invalid claim id"),
    ],
)  # fmt: skip
def test_malformed_seed_rows_name_file_and_line(tmp_path: Path, bad: str, message: str) -> None:
    folder = write_seeds(tmp_path / "seeds", [row("seed-one", "A fine claim")], raw=[bad])
    with pytest.raises(InvalidInput) as info:
        load_seed_claims(folder)
    text = str(info.value)
    assert str(folder / "claims.jsonl") in text
    assert message in text
    assert "\n" not in text


def test_missing_seed_file_is_an_error_unless_packaged(tmp_path: Path, monkeypatch) -> None:
    with pytest.raises(InvalidInput, match="seed file not found"):
        load_seed_claims(tmp_path)
    monkeypatch.setattr(verifiers.seeding, "packaged_seeds", lambda: tmp_path)
    assert load_seed_claims() == []


def test_packaged_seed_file_is_valid() -> None:
    folder = packaged_seeds()
    if folder is None or not (folder / "claims.jsonl").is_file():
        pytest.skip("no packaged seeds/claims.jsonl yet")
    claims = load_seed_claims()
    assert claims, "the packaged seed file has no claims"


# -- seeding ------------------------------------------------------------------------------------
def test_seeding_twice_adds_nothing_new(store: SqliteStore, seeds: Path) -> None:
    first = store.seed(load_seed_claims(seeds))
    assert (first.added, first.updated, first.unchanged, first.kept_moderator_edits) == (2, 0, 0, 0)
    again = store.seed(load_seed_claims(seeds))
    assert (again.added, again.updated, again.unchanged, again.kept_moderator_edits) == (0, 0, 2, 0)
    assert store.count_claims(OP) == 2
    claim = store.get_claim("seed-one", OP)
    assert (claim.created_by, claim.updated_by, claim.version, claim.guild_id) == (
        "seed", "seed", 1, None
    )  # fmt: skip
    assert [h.claim_id for h in store.search(["first"], OP)] == ["seed-one"]


def test_a_changed_seed_updates_an_untouched_claim(store: SqliteStore, tmp_path: Path) -> None:
    store.seed(load_seed_claims(write_seeds(tmp_path / "v1", [row("s1", "Old wording here")])))
    changed = row("s1", "New wording here", status="confirmed")
    changed["sources"].append({"url": "https://other.example/", "publisher": "Other"})
    report = store.seed(load_seed_claims(write_seeds(tmp_path / "v2", [changed])))
    assert (report.added, report.updated, report.unchanged) == (0, 1, 0)
    claim = store.get_claim("s1", OP)
    assert (claim.text, claim.status, claim.version, claim.updated_by) == (
        "New wording here", "confirmed", 2, "seed"
    )  # fmt: skip
    assert [str(s.url) for s in claim.sources] == [
        "https://news.example/s1", "https://other.example/"
    ]  # fmt: skip
    changes = [(e.actor, e.field, e.old, e.new) for e in store.history("s1", OP)[1:]]
    assert changes == [
        ("seed", "text", "Old wording here", "New wording here"),
        ("seed", "status", "reported", "confirmed"),
        ("seed", "sources", "https://news.example/s1",
         "https://news.example/s1\nhttps://other.example/"),
    ]  # fmt: skip
    assert [h.claim_id for h in store.search(["wording"], OP)] == ["s1"]
    assert store.search(["old"], OP) == []
    again = store.seed(load_seed_claims(tmp_path / "v2"))
    assert (again.updated, again.unchanged) == (0, 1)


def test_a_moderator_edit_survives_reseeding(store: SqliteStore, tmp_path: Path) -> None:
    store.seed(load_seed_claims(write_seeds(tmp_path / "v1", [row("s1", "Seeded text here")])))
    store.update_claim("s1", ClaimChanges(text="Moderator's better text"), "mod:42", OP)
    unchanged_seed = store.seed(load_seed_claims(tmp_path / "v1"))
    assert (unchanged_seed.unchanged, unchanged_seed.kept_moderator_edits) == (1, 0)
    newer = write_seeds(tmp_path / "v2", [row("s1", "Seed's newer text"), row("s2", "Added")])
    report = store.seed(load_seed_claims(newer))
    assert (report.added, report.updated, report.kept_moderator_edits) == (1, 0, 1)
    claim = store.get_claim("s1", OP)
    assert (claim.text, claim.updated_by, claim.version) == ("Moderator's better text", "mod:42", 2)


def test_a_retired_seeded_claim_stays_retired(store: SqliteStore, tmp_path: Path) -> None:
    store.seed(load_seed_claims(write_seeds(tmp_path / "v1", [row("s1", "Seeded text here")])))
    store.retire_claim("s1", "mod:1", OP, reason="out of date")
    for folder in (tmp_path / "v1", write_seeds(tmp_path / "v2", [row("s1", "Changed seed")])):
        store.seed(load_seed_claims(folder))
        claim = store.get_claim("s1", OP)
        assert claim.retired
        assert claim.text == "Seeded text here"
    assert store.count_claims(OP, include_retired=True) == 1
    assert store.search(["seeded"], OP) == []


def test_open_store_seeds_new_and_existing_databases(
    tmp_path: Path, seeds: Path, monkeypatch
) -> None:
    monkeypatch.setattr(verifiers.seeding, "packaged_seeds", lambda: seeds)
    path = tmp_path / "bot.db"
    with open_store(str(path)) as store:
        assert store.count_claims(OP) == 2
    write_seeds(seeds, [row("seed-one", "The first seeded claim"), row("seed-3", "A third one")])
    with open_store(f"sqlite:///{path}") as store:
        assert {c.id for c in store.iter_claims(OP)} == {"seed-one", "seed-two", "seed-3"}
    with open_store(str(tmp_path / "empty.db"), seed=False) as store:
        assert store.count_claims(OP) == 0


def test_open_store_reports_a_bad_seed_file_and_closes(tmp_path: Path, monkeypatch) -> None:
    folder = write_seeds(tmp_path / "seeds", [], raw=["{not json"])
    monkeypatch.setattr(verifiers.seeding, "packaged_seeds", lambda: folder)
    with pytest.raises(InvalidInput, match="line 1"):
        open_store(str(tmp_path / "bot.db"))
