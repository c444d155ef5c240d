"""The notifications outbox through the real client: a change made anywhere (here: the CLI, in
another process) reaches the flagger as a DM from the running bot; failures are recorded and
never retried; two bot processes, or two shards, never send the same DM."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from datetime import timedelta
from typing import Any

from tests.bot.conftest import Harness, settings_for, start_bot, stop_bot
from tests.conftest import make_fields
from tests.fakediscord import FakeDiscord
from verifiers.domain.models import Scope, Status, utcnow
from verifiers.notifications import DeliveryState, Notification
from verifiers.store import open_store
from verifiers.store.ports import Store
from verifiers.store.sql.values import ts

CLAIM = "Tap water in Riverton contains **microchips** @everyone"


async def claimbot_cli(h: Harness, *args: str) -> str:
    """Run `claimbot ARGS` in a process of its own on the bot's database file."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "claimbot", "--db", str(h.store.path), *args,  # type: ignore[attr-defined]
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()
    return out.decode()


async def settled(h: Harness, count: int) -> list[Notification]:
    """Wait until `count` notifications are delivered or failed, and return those."""
    done = (DeliveryState.DELIVERED, DeliveryState.FAILED)

    def finished() -> list[Notification] | None:
        rows = [n for n in h.store.list_notifications(limit=500) if n.state in done]
        return rows if len(rows) >= count else None

    return await h.fake.wait_until(finished, what=f"{count} notifications to be settled")


async def test_a_status_change_made_from_the_cli_reaches_the_flagger(h: Harness) -> None:
    claim = h.add_claim(CLAIM, Status.UNVERIFIED)
    flagged = await h.fake.reply_of(
        await h.slash("flag", {"claim": claim.id, "reason": "water has no chips"})
    )
    assert "You will get a DM when it is resolved" in flagged["content"]

    out = await claimbot_cli(
        h, "claims", "status", claim.id, "false", "--explanation", "Lab tests found none"
    )
    assert "queued a DM for 1 flagger(s)" in out

    [dm] = await h.dms_to(h.alice)
    text = dm.body["content"]
    assert text.startswith(
        "**claimbot** · Alpha\nA claim you flagged changed from Unverified to False"
    )
    assert "\\*\\*microchips\\*\\*" in text
    assert "@\u200beveryone" in text
    assert dm.body["allowed_mentions"] == {"parse": []}
    [sent] = h.store.list_notifications()
    assert sent.state is DeliveryState.DELIVERED
    assert sent.claimed_by.startswith("bot:")


async def test_closed_dms_are_recorded_as_failed_and_never_retried(h: Harness) -> None:
    claim = h.add_claim(CLAIM, Status.UNVERIFIED, guild=h.alpha)
    here = Scope.guild(h.alpha.id)
    flags = {
        user["username"]: h.service.flag(
            claim.id, user_id=f"discord:{user['id']}", scope=here, reason="no"
        )
        for user in (h.alice, h.bob)
    }
    h.service.flag(claim.id, user_id="cli:ops", scope=here, reason="no")
    h.fake.dms_closed.add(int(h.alice["id"]))
    h.service.set_status(claim.id, Status.FALSE, None, "cli:ops", Scope.everything())

    await settled(h, 3)
    states = {n.user_id: n for n in h.store.list_notifications()}
    alice = states[f"discord:{h.alice['id']}"]
    assert alice.state is DeliveryState.FAILED
    assert alice.error == "DMs closed or blocked (Discord 403: Cannot send messages to this user)"
    assert states["cli:ops"].error == "not a Discord user"
    assert states[f"discord:{h.bob['id']}"].state is DeliveryState.DELIVERED

    # Later passes leave the failed row alone: Alice withdraws, a second change reaches Bob,
    # and Alice's DM channel saw one attempt in all.
    h.service.store.withdraw_flag(flags["alice"].id, f"discord:{h.alice['id']}", here)
    h.service.set_status(claim.id, Status.DISPUTED, None, "cli:ops", Scope.everything())
    await h.dms_to(h.bob, 2)
    attempts = h.fake.requests_to("POST", rf"/channels/{h.fake.dm_channel_id(h.alice)}/messages")
    assert [r.status for r in attempts] == [403]


async def test_the_drain_loop_prunes_delivered_dms_past_their_retention(h: Harness) -> None:
    claim = h.add_claim(CLAIM, Status.UNVERIFIED)
    for user in (h.alice, h.bob):
        h.service.flag(claim.id, user_id=f"discord:{user['id']}", scope=Scope(), reason="no")
    h.service.set_status(claim.id, Status.FALSE, None, "cli:ops", Scope.everything())
    await settled(h, 2)
    alice = f"discord:{h.alice['id']}"
    days = h.bot.settings.database.notification_retention_days + 1
    long_ago = ts(utcnow() - timedelta(days=days))
    with sqlite3.connect(h.store.path) as db:  # type: ignore[attr-defined]
        db.execute("UPDATE notifications SET finished_at = ? WHERE user_id = ?", (long_ago, alice))
    db.close()
    h.bot.get_cog("OutboxCog").next_prune = 0.0  # type: ignore[union-attr]  # due now

    def pruned() -> list[Notification] | None:
        rows = h.store.list_notifications()
        return rows if len(rows) == 1 else None

    [kept] = await h.fake.wait_until(pruned, what="the old DM to be pruned")
    assert kept.user_id == f"discord:{h.bob['id']}"
    assert kept.state is DeliveryState.DELIVERED


async def test_two_bot_processes_never_send_the_same_dm_twice(h: Harness) -> None:
    second_store = open_store(str(h.store.path), seed=False)  # type: ignore[attr-defined]
    second = await start_bot(h.fake, h.bot.settings, second_store)
    try:
        claim = h.add_claim(CLAIM, Status.UNVERIFIED)
        users = [h.fake.add_user(f"member{n}") for n in range(30)]
        for user in users:
            h.service.flag(claim.id, user_id=f"discord:{user['id']}", scope=Scope(), reason="x")
        h.service.set_status(claim.id, Status.FALSE, None, "cli:ops", Scope.everything())
        done = await settled(h, 30)
        assert {n.state for n in done} == {DeliveryState.DELIVERED}
        for user in users:
            assert len(h.fake.messages_in(h.fake.dm_channel_id(user))) == 1, user["username"]
        workers = {n.claimed_by for n in done}
        assert workers <= {
            h.bot.get_cog("OutboxCog").worker,  # type: ignore[union-attr]
            second.get_cog("OutboxCog").worker,  # type: ignore[union-attr]
        }
    finally:
        await stop_bot(second)
        second_store.close()


async def test_a_shard_delivers_only_for_the_guilds_it_owns(
    pointed_at_fake: FakeDiscord, claim_store: Store
) -> None:
    fake = pointed_at_fake
    base = 1_300_000_000_000_000_000 >> 22
    even = fake.add_guild("Even", guild_id=(base * 2) << 22)  # shard 0 of 2
    odd = fake.add_guild("Odd", guild_id=(base * 2 + 1) << 22)  # shard 1 of 2
    users: dict[str, dict[str, Any]] = {n: fake.add_user(n) for n in ("even", "odd", "dm")}
    settings = settings_for(fake, shard_count=2, shard_ids=[0])
    bot = await start_bot(fake, settings, claim_store)
    try:
        claim = claim_store.add_claim(make_fields(CLAIM), "test:setup")
        for name, scope in (("even", Scope.guild(even.id)), ("odd", Scope.guild(odd.id)),
                            ("dm", Scope())):  # fmt: skip
            bot.service.flag(
                claim.id, user_id=f"discord:{users[name]['id']}", scope=scope, reason="no"
            )
        bot.service.set_status(claim.id, Status.FALSE, None, "cli:ops", Scope.everything())
        for name in ("even", "dm"):  # the odd guild's flagger belongs to shard 1
            channel = fake.dm_channel_id(users[name])
            await fake.wait_until(lambda c=channel: fake.messages_in(c), what=f"{name}'s DM")
        [waiting] = claim_store.list_notifications(state=DeliveryState.PENDING)
        assert waiting.user_id == f"discord:{users['odd']['id']}"
        assert waiting.guild_id == odd.id
        assert not fake.messages_in(fake.dm_channel_id(users["odd"]))
    finally:
        await stop_bot(bot)
