"""Several processes on one database: a claim changed through another connection reaches this
process's matcher (typo repair needs its words in the vocabulary), and bursts of changes are
coalesced into a few refreshes instead of one per change."""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import make_fields
from verifiers.domain.models import ClaimChanges, Scope
from verifiers.domain.settings import MatchingSettings, Settings
from verifiers.service import ClaimService
from verifiers.store import open_store
from verifiers.store.ports import Store
from verifiers.watch import Coalescer

CLAIM = "The Quorvian health ministry banned fluoridation of drinking water in Zemblastan"
# Every word misspelt: the search finds the claim only once the matcher's vocabulary knows
# "quorvian", "fluoridation" and "zemblastan" (the claim's own process learns them at once).
TYPOS = "the Quorvien helth ministri baned fluoridaton of drinkin watter in Zemblastn"
DEADLINE = 15.0  # generous: a refresh normally follows a change within a second


@pytest.fixture
def bot_service(database_url: str) -> Iterator[ClaimService]:
    """The service as a bot process runs it: its own store, listening for changes."""
    store = open_store(database_url)
    service = ClaimService(store, Settings())
    service.start_change_listener()
    try:
        yield service
    finally:
        service.stop_change_listener()
        store.close()


@pytest.fixture
def elsewhere(database_url: str) -> Iterator[Store]:
    """Another process's connection to the same database."""
    store = open_store(database_url, seed=False)
    yield store
    store.close()


def answered(service: ClaimService, text: str) -> str | None:
    result = service.check(text, Scope())
    return next((r.match.claim.id for r in result.results if r.match), None)


def wait_for(predicate: Callable[[], object], what: str) -> object:
    done = threading.Event()
    deadline = threading.Timer(DEADLINE, done.set)
    deadline.start()
    try:
        while not done.is_set():
            value = predicate()
            if value:
                return value
            done.wait(0.02)
    finally:
        deadline.cancel()
    raise AssertionError(f"timed out after {DEADLINE} s waiting for {what}")


def test_a_claim_added_elsewhere_is_matched_through_typo_repair(
    bot_service: ClaimService, elsewhere: Store
) -> None:
    assert answered(bot_service, TYPOS) is None  # the vocabulary is loaded, the claim absent
    claim = elsewhere.add_claim(make_fields(CLAIM), "cli:ops")
    assert wait_for(lambda: answered(bot_service, TYPOS), "the other process's claim") == claim.id


def test_a_claim_added_here_is_learnt_in_the_background(bot_service: ClaimService) -> None:
    assert answered(bot_service, TYPOS) is None
    runs = bot_service.matcher_refreshes
    claim = bot_service.add_claim(make_fields(CLAIM), "mod", Scope.everything())
    assert answered(bot_service, CLAIM) == claim.id  # found at once: retrieval reads the store
    assert wait_for(lambda: answered(bot_service, TYPOS), "typo repair of its words") == claim.id
    # by a background refresh, not on the check (which may count itself done a moment later)
    assert wait_for(lambda: bot_service.matcher_refreshes > runs, "the background refresh")


def test_a_claim_reworded_elsewhere_is_matched_by_its_new_words(
    bot_service: ClaimService, elsewhere: Store
) -> None:
    claim = elsewhere.add_claim(make_fields("A council in Riverton voted on water"), "cli:ops")
    assert answered(bot_service, TYPOS) is None
    elsewhere.update_claim(claim.id, ClaimChanges(text=CLAIM), "cli:ops", Scope.everything())
    assert wait_for(lambda: answered(bot_service, TYPOS), "the reworded claim") == claim.id


def test_without_listening_the_other_process_s_words_stay_unknown(database_url: str) -> None:
    """What the listener is for: a process that does not listen keeps its stale vocabulary."""
    with open_store(database_url) as store, open_store(database_url, seed=False) as other:
        service = ClaimService(store, Settings())
        assert answered(service, TYPOS) is None
        other.add_claim(make_fields(CLAIM), "cli:ops")
        assert answered(service, TYPOS) is None
        service.matcher.invalidate()
        assert answered(service, TYPOS) is not None


def test_a_burst_of_changes_elsewhere_refreshes_the_matcher_a_few_times(
    bot_service: ClaimService, elsewhere: Store
) -> None:
    answered(bot_service, TYPOS)
    claims = [elsewhere.add_claim(make_fields(f"Claim {n} about dams"), "ops") for n in range(3)]
    for n in range(60):  # 60 separate commits, each heard
        claim = claims[n % 3]
        changes = ClaimChanges(explanation=f"revision {n}")
        elsewhere.update_claim(claim.id, changes, "cli:ops", Scope.everything())
    elsewhere.add_claim(make_fields(CLAIM), "cli:ops")  # the last change of the burst
    wait_for(lambda: answered(bot_service, TYPOS), "the burst's last claim")
    assert 1 <= bot_service.matcher_refreshes < 20


def test_stopping_twice_and_restarting_is_harmless(bot_service: ClaimService) -> None:
    bot_service.stop_change_listener()
    bot_service.stop_change_listener()
    assert bot_service.matcher_refreshes == 0
    bot_service.start_change_listener()
    bot_service.start_change_listener()  # a second start keeps the one listener


def test_a_claim_added_by_the_cli_in_another_process_is_matched(
    bot_service: ClaimService, database_url: str
) -> None:
    assert answered(bot_service, TYPOS) is None
    added = asyncio.run(_cli(database_url, "claims", "add", CLAIM, "--status", "false"))
    assert wait_for(lambda: answered(bot_service, TYPOS), "the CLI's claim")
    assert answered(bot_service, TYPOS) in added


async def _cli(database_url: str, *args: str) -> str:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "claimbot", "--db", database_url, *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()
    return out.decode()


# -- the coalescer itself ---------------------------------------------------------------------
def test_pokes_in_a_burst_become_few_runs_and_the_last_poke_is_never_lost() -> None:
    seen: list[int] = []
    pokes = 0

    def action() -> None:
        seen.append(pokes)

    coalescer = Coalescer(action, pause=0.2)
    try:
        for _ in range(1_000):
            pokes += 1
            coalescer.poke()
        wait_for(lambda: seen and seen[-1] == 1_000, "a run after the last poke")
        assert len(seen) <= 3  # the first poke, then the rest of the burst, at most once more
    finally:
        coalescer.close()


def test_a_failing_action_is_logged_and_the_next_poke_runs_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls: list[int] = []

    def action() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database away")

    coalescer = Coalescer(action, pause=0.01)
    try:
        coalescer.poke()
        wait_for(lambda: coalescer.runs == 1, "the first run")
        coalescer.poke()
        wait_for(lambda: coalescer.runs == 2, "the second run")
    finally:
        coalescer.close()
    assert "refreshing after claim changes failed" in caplog.text
    assert len(calls) == 2


@pytest.mark.semantic
def test_the_semantic_matcher_finds_a_claim_added_elsewhere_without_shared_words(
    tmp_path: Path,
) -> None:
    """Its embedding matrix is renewed too: the claim shares no word with the question, so
    only the claim's new embedding can find it."""
    database_url = str(tmp_path / "claims.db")
    question = "giant sea monster caught on camera near an english harbour by the beacon guardian"
    with open_store(database_url) as store, open_store(database_url, seed=False) as other:
        service = ClaimService(store, Settings(matching=MatchingSettings(matcher="semantic")))
        service.start_change_listener()
        try:
            before = service.matcher.rank(question, Scope.everything(), k=1)  # loads the matrix
            text = "A kraken was photographed off the coast of Grimsby by the lighthouse keeper."
            claim = other.add_claim(make_fields(text), "cli:ops")
            assert [r.claim_id for r in before] != [claim.id]

            def top() -> bool:
                return service.matcher.rank(question, Scope.everything(), k=1)[0][0] == claim.id

            wait_for(top, "the other process's claim by its embedding")
        finally:
            service.stop_change_listener()
