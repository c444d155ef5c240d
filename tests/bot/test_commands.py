"""What the bot registers with Discord: names, options, default permissions, contexts."""

from __future__ import annotations

from tests.bot.conftest import Harness, settings_for, start_bot, stop_bot
from tests.fakediscord import FakeDiscord

GUILD, BOT_DM = 0, 1
MANAGE_MESSAGES = 1 << 13


def _by_name(commands: list[dict]) -> dict[str, dict]:
    return {c["name"]: c for c in commands}


def _options(command: dict, *path: str) -> dict[str, dict]:
    options = command.get("options", [])
    for name in path:
        options = next(o for o in options if o["name"] == name)["options"]
    return {o["name"]: o for o in options}


async def test_global_sync_payload(h: Harness) -> None:
    [put] = h.fake.requests_to("PUT", rf"/applications/{h.fake.app_id}/commands")
    commands = _by_name(put.body)
    assert set(commands) == {
        "check",
        "flag",
        "unflag",
        "flags",
        "drafts",
        "claim",
        "claimbot",
        "Check claims",
    }

    member_commands = ("check", "flag", "unflag", "Check claims")
    for name in member_commands:
        assert commands[name]["contexts"] == [GUILD, BOT_DM], name
        assert commands[name]["default_member_permissions"] is None, name
        assert commands[name]["integration_types"] == [0], name
    for name in ("flags", "drafts", "claim", "claimbot"):
        assert commands[name]["contexts"] == [GUILD], name
        assert int(commands[name]["default_member_permissions"]) == MANAGE_MESSAGES, name

    assert commands["Check claims"]["type"] == 3  # a message command
    check = _options(commands["check"])
    assert check["text"]["required"]
    assert check["text"]["max_length"] == 4000
    assert not check["public"]["required"]
    assert check["public"]["type"] == 5
    flag = _options(commands["flag"])
    assert flag["claim"]["autocomplete"]
    assert flag["reason"]["required"]
    assert not flag["evidence"]["required"]

    claim = _options(commands["claim"])
    assert set(claim) == {
        "add", "edit", "status", "source", "retire", "ingest", "show", "history"
    }  # fmt: skip
    assert _options(commands["claim"], "ingest")["url"]["required"]
    assert set(_options(commands["claim"], "source")) == {"add"}
    for sub in ("edit", "status", "retire", "show", "history"):
        assert _options(commands["claim"], sub)["claim"]["autocomplete"], sub
    statuses = [c["value"] for c in _options(commands["claim"], "status")["status"]["choices"]]
    assert statuses == ["confirmed", "reported", "unverified", "disputed", "misleading", "false"]
    assert set(_options(commands["claimbot"])) == {"settings", "listen", "status", "sync"}


async def test_dev_guild_sync_at_start_up_only(pointed_at_fake: FakeDiscord, claim_store) -> None:
    fake = pointed_at_fake
    dev = fake.add_guild("Dev")
    bot = await start_bot(fake, settings_for(fake, dev_guild_id=dev.id), claim_store)
    try:
        [put] = fake.requests_to("PUT", rf"/applications/{fake.app_id}/guilds/{dev.id}/commands")
        assert "check" in _by_name(put.body)
        assert not fake.requests_to("PUT", rf"/applications/{fake.app_id}/commands")
    finally:
        await stop_bot(bot)


async def test_sharded_bot_serves_guilds_on_every_shard(
    pointed_at_fake: FakeDiscord, claim_store
) -> None:
    fake = pointed_at_fake
    base = 1_300_000_000_000_000_000 >> 22
    even = fake.add_guild("Even", guild_id=(base * 2) << 22)
    odd = fake.add_guild("Odd", guild_id=(base * 2 + 1) << 22)
    alice = fake.add_user("alice")
    bot = await start_bot(fake, settings_for(fake, shard_count=2), claim_store)
    try:
        await bot.tree.sync()
        await fake.wait_connected(2)
        assert sorted(i["shard"] for i in fake.identifies) == [[0, 2], [1, 2]]
        assert {g.id for g in bot.guilds} == {even.id, odd.id}
        for guild in (even, odd):
            ix = await fake.slash("check", {"text": "hello there"}, guild=guild, user=alice)
            assert "No claim" in (await fake.reply_of(ix))["content"]
    finally:
        await stop_bot(bot)
