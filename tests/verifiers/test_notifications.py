"""The notifications outbox, on each backend: written with the change that causes it, taken by
one bot process at a time, finished once. The bot's side is in
tests/bot/cogs/outbox/test_outbox.py."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import make_fields
from verifiers.domain.errors import Conflict, InvalidInput
from verifiers.domain.models import Claim, ClaimChanges, Flag, FlagKind, FlagState, Scope, Status
from verifiers.domain.settings import Settings
from verifiers.notifications import (
    ClaimEvent,
    DeliveryState,
    Flagger,
    NotificationKind,
    notifications_for,
    owned_by,
)
from verifiers.service import ClaimService
from verifiers.store import open_store
from verifiers.store.ports import Store

OP = Scope.everything()
A = Scope.guild(111 << 22)  # shard 1 of 2
B = Scope.guild(222 << 22)  # shard 0 of 2


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    with open_store(database_url, seed=False) as opened:
        yield opened


@pytest.fixture
def service(store: Store) -> ClaimService:
    return ClaimService(store, Settings())


def dispute(service: ClaimService, claim_id: str, user: str, scope: Scope) -> int:
    return service.flag(claim_id, user_id=user, scope=scope, reason="I doubt it").id


# -- what is written, and when ---------------------------------------------------------------
def test_a_status_change_queues_one_dm_per_flagger_in_the_same_change(
    service: ClaimService, store: Store
) -> None:
    claim = store.add_claim(make_fields("Bridges sing at night"), "op")
    dispute(service, claim.id, "discord:1", A)
    dispute(service, claim.id, "discord:2", B)
    service.report_false_match(claim.id, user_id="discord:3", scope=A, message_text="x")
    gone = dispute(service, claim.id, "discord:4", A)
    service.store.withdraw_flag(gone, "discord:4", A)

    change = service.set_status(claim.id, Status.FALSE, "Acoustics say no", "cli:op", OP)

    assert change.status_changed
    assert change.notify_user_ids == ["discord:1", "discord:2"]
    queued = sorted(store.list_notifications(), key=lambda n: n.user_id)
    assert [(n.user_id, n.guild_id, n.kind) for n in queued] == [
        ("discord:1", A.guild_id, NotificationKind.STATUS_CHANGED),
        ("discord:2", B.guild_id, NotificationKind.STATUS_CHANGED),
    ]
    assert {n.state for n in queued} == {DeliveryState.PENDING}
    assert queued[0].message.startswith("A claim you flagged changed from Unverified to False")
    assert "Bridges sing at night" in queued[0].message
    assert "Acoustics say no" in queued[0].message


def test_a_guild_only_tells_its_own_flaggers(service: ClaimService, store: Store) -> None:
    claim = store.add_claim(make_fields("Guild A's own claim", guild_id=A.guild_id), "mod")
    dispute(service, claim.id, "discord:1", A)
    change = service.set_status(claim.id, Status.DISPUTED, None, "discord:9", A)
    assert change.notify_user_ids == ["discord:1"]


def test_no_status_change_queues_nothing(service: ClaimService, store: Store) -> None:
    claim = store.add_claim(make_fields(), "op")
    dispute(service, claim.id, "discord:1", A)
    change = service.edit_claim(claim.id, ClaimChanges(explanation="more words"), "op", OP)
    again = service.set_status(claim.id, Status.UNVERIFIED, None, "op", OP)  # same status
    assert change.notify_user_ids == again.notify_user_ids == []
    assert store.list_notifications() == []


def test_resolving_tells_the_author_the_verdict_and_the_others_the_status(
    service: ClaimService, store: Store
) -> None:
    claim = store.add_claim(make_fields("Cats can read", guild_id=A.guild_id), "mod")
    first = dispute(service, claim.id, "discord:1", A)
    dispute(service, claim.id, "discord:2", A)
    resolution = service.resolve_flag(
        first, upheld=True, moderator="discord:9", note="Good catch", scope=A,
        new_status=Status.DISPUTED,
    )  # fmt: skip
    assert resolution.notify_user_ids == ["discord:1", "discord:2"]
    by_user = {n.user_id: n for n in store.list_notifications()}
    verdict = by_user["discord:1"]
    assert verdict.kind is NotificationKind.FLAG_RESOLVED
    assert verdict.flag_id == first
    assert verdict.message.startswith(f"Your flag #{first} was upheld. The claim is Disputed")
    assert "Moderator's note: Good catch" in verdict.message
    assert by_user["discord:2"].kind is NotificationKind.STATUS_CHANGED


def test_a_dismissal_tells_only_its_author(service: ClaimService, store: Store) -> None:
    claim = store.add_claim(make_fields(), "op")
    first = dispute(service, claim.id, "discord:1", A)
    dispute(service, claim.id, "discord:2", A)
    service.resolve_flag(first, upheld=False, moderator="m", note="No evidence", scope=A)
    [told] = store.list_notifications()
    assert (told.user_id, told.kind) == ("discord:1", NotificationKind.FLAG_RESOLVED)
    assert f"#{first} was dismissed" in told.message


def test_a_false_match_report_is_answered_in_its_own_words(
    service: ClaimService, store: Store
) -> None:
    claim = store.add_claim(make_fields(), "op")
    report = service.report_false_match(claim.id, user_id="discord:1", scope=A, message_text="x")
    service.resolve_flag(report.id, upheld=True, moderator="m", note="Wrong match", scope=A)
    [told] = store.list_notifications()
    assert told.message.startswith(
        f"Your report that a reply matched the wrong claim #{report.id} was upheld"
    )


def test_a_change_that_fails_queues_nothing_and_a_failing_rule_undoes_the_change(
    service: ClaimService, store: Store
) -> None:
    claim = store.add_claim(make_fields(), "op")
    dispute(service, claim.id, "discord:1", A)
    with pytest.raises(Conflict):
        service.set_status(claim.id, Status.FALSE, None, "op", OP, expected_version=99)
    assert store.list_notifications() == []

    def broken(event: ClaimEvent) -> list:
        notifications_for(event)
        raise RuntimeError("the rule broke")

    with pytest.raises(RuntimeError):
        store.update_claim(claim.id, ClaimChanges(status=Status.FALSE), "op", OP, notify=broken)
    assert store.get_claim(claim.id, OP).status is Status.UNVERIFIED  # same transaction
    assert store.list_notifications() == []


# -- taking and finishing --------------------------------------------------------------------
def queue(service: ClaimService, store: Store, users: list[tuple[str, Scope]]) -> None:
    claim = store.add_claim(make_fields(f"A claim for {len(users)} flaggers"), "op")
    for user, scope in users:
        dispute(service, claim.id, user, scope)
    service.set_status(claim.id, Status.FALSE, None, "op", OP)


def test_each_shard_takes_only_its_own_guilds_and_shard_zero_the_global_ones(
    service: ClaimService, store: Store
) -> None:
    queue(service, store, [("discord:1", A), ("discord:2", B), ("discord:3", Scope())])
    assert (owned_by(A.guild_id, 2), owned_by(B.guild_id, 2), owned_by(None, 2)) == (1, 0, 0)
    zero = store.claim_notifications("bot-0", shard_count=2, shard_ids=[0])
    one = store.claim_notifications("bot-1", shard_count=2, shard_ids=[1])
    assert sorted(n.user_id for n in zero) == ["discord:2", "discord:3"]
    assert [n.user_id for n in one] == ["discord:1"]
    assert {n.state for n in zero + one} == {DeliveryState.SENDING}
    assert {n.claimed_by for n in one} == {"bot-1"}
    assert store.claim_notifications("bot-2") == []  # all taken already
    with pytest.raises(InvalidInput, match="do not fit 2 shards"):
        store.claim_notifications("bot-3", shard_count=2, shard_ids=[2])


def test_finishing_records_delivery_or_the_failure_once(
    service: ClaimService, store: Store
) -> None:
    queue(service, store, [("discord:1", A), ("discord:2", A)])
    sent, closed = store.claim_notifications("bot", limit=5)
    store.finish_notification(sent.id)
    store.finish_notification(closed.id, error="Cannot send messages to this user (403)")
    with pytest.raises(Conflict, match="delivered, not sending"):
        store.finish_notification(sent.id)
    [failed] = store.list_notifications(state=DeliveryState.FAILED)
    assert failed.error == "Cannot send messages to this user (403)"
    assert failed.finished_at is not None
    assert [n.id for n in store.list_notifications(state=DeliveryState.DELIVERED)] == [sent.id]
    assert store.claim_notifications("bot") == []  # a failed DM is never retried


def test_delivered_dms_are_pruned_after_the_retention_period(store: Store) -> None:
    settings = Settings.model_validate({"database": {"notification_retention_days": 7}})
    service = ClaimService(store, settings)
    queue(service, store, [("discord:1", A), ("discord:2", A)])
    sent, closed = store.claim_notifications("bot", limit=5)
    store.finish_notification(sent.id)
    store.finish_notification(closed.id, error="Cannot send messages to this user (403)")
    [delivered] = store.list_notifications(state=DeliveryState.DELIVERED)
    assert delivered.finished_at is not None
    assert service.prune_notifications(now=delivered.finished_at + timedelta(days=6)) == 0
    assert service.prune_notifications(now=delivered.finished_at + timedelta(days=8)) == 1
    [kept] = store.list_notifications()
    assert kept.id == closed.id
    assert kept.state is DeliveryState.FAILED


def test_a_bot_that_died_mid_send_never_causes_a_second_dm(
    service: ClaimService, store: Store
) -> None:
    queue(service, store, [("discord:1", A)])
    [taken] = store.claim_notifications("bot-that-dies")
    assert store.claim_notifications("bot-2", stale_after=3600) == []
    assert store.claim_notifications("bot-2", stale_after=0) == []
    [expired] = store.list_notifications()
    assert expired.id == taken.id
    assert expired.state is DeliveryState.FAILED
    assert expired.error.startswith("interrupted")


def test_two_takers_at_once_never_get_the_same_notification(
    service: ClaimService, store: Store, database_url: str
) -> None:
    queue(service, store, [(f"discord:{n}", A) for n in range(60)])
    got: dict[str, list[int]] = {"a": [], "b": []}

    def drain(name: str) -> None:
        with open_store(
            database_url, seed=False
        ) as own:  # a connection of its own, as another process
            while batch := own.claim_notifications(name, limit=3):
                got[name] += [n.id for n in batch]

    threads = [threading.Thread(target=drain, args=(name,)) for name in got]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not set(got["a"]) & set(got["b"])
    assert len(got["a"]) + len(got["b"]) == 60


def test_takers_in_separate_processes_split_the_queue(
    service: ClaimService, store: Store, database_url: str, tmp_path: Path
) -> None:
    queue(service, store, [(f"discord:{n}", A) for n in range(40)])
    script = (
        "import sys\n"
        "from verifiers.store import open_store\n"
        "with open_store(sys.argv[1], seed=False) as s:\n"
        "    while batch := s.claim_notifications(sys.argv[2], limit=2):\n"
        "        print(*[n.id for n in batch], sep='\\n', flush=True)\n"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, database_url, f"proc-{n}"],
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(3)
    ]
    taken = [int(line) for proc in procs for line in proc.communicate(timeout=120)[0].split()]
    assert all(proc.returncode == 0 for proc in procs)
    assert sorted(taken) == sorted(n.id for n in store.list_notifications(limit=100))


def test_the_rule_alone_never_tells_anyone_twice() -> None:
    now = datetime(2025, 7, 20, tzinfo=UTC)
    fields = make_fields("Owls are cats", status=Status.FALSE).model_dump()
    claim = Claim(
        **fields, id="c1", created_at=now, created_by="op", updated_at=now, updated_by="op"
    )
    flag = Flag(
        id=7, claim_id="c1", guild_id=5, user_id="u1", reason="r", created_at=now,
        state=FlagState.UPHELD, kind=FlagKind.DISPUTE,
    )  # fmt: skip
    event = ClaimEvent(
        claim, Status.UNVERIFIED, [Flagger("u1", 5), Flagger("u2", None)], resolved=flag
    )
    assert [(n.user_id, n.kind) for n in notifications_for(event)] == [
        ("u1", NotificationKind.FLAG_RESOLVED),
        ("u2", NotificationKind.STATUS_CHANGED),
    ]


# -- the command line says what really happens -----------------------------------------------
def test_the_cli_says_the_dm_is_queued_for_the_bot_and_lists_it(tmp_path: Path) -> None:
    db = tmp_path / "claims.db"
    with open_store(str(db), seed=False) as store:
        claim = store.add_claim(make_fields("Snow is warm"), "op")
        store.add_flag(claim.id, user_id="discord:1", guild_id=None, reason="no")
    result = subprocess.run(
        [sys.executable, "-m", "claimbot", "--db", str(db), "claims", "status", claim.id, "false"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1] == (
        "queued a DM for 1 flagger(s): the bot sends it within seconds while `claimbot run` is"
        " running, otherwise when it next starts"
    )
    with open_store(str(db), seed=False) as store:
        [queued] = store.list_notifications()
    assert queued.user_id == "discord:1"
    assert queued.state is DeliveryState.PENDING
    listed = subprocess.run(
        [sys.executable, "-m", "claimbot", "--db", str(db), "flags", "dms", "--state", "pending"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert listed.stdout.startswith(
        f"#{queued.id} [pending] status_changed to discord:1 about {claim.id} at "
    )
