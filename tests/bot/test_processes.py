"""Many bot processes on one database: `claimbot run` started as real subprocesses against the
fake Discord. A claim added through one process is answered by another (here: within the
poll deadline; the listener normally takes milliseconds on PostgreSQL, 0.2 s on SQLite).

The checked text states the new claim with every word misspelled, so it is found only after the
answering process refreshed its matcher's vocabulary: a process that did not hear the change
would never answer it (see tests/verifiers/store/test_change_listener.py)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.runner import API_BASE_ENV, GATEWAY_ENV
from tests.conftest import postgres_schema
from tests.fakediscord import FakeDiscord, FakeGuild, payloads

CLAIMBOT = shutil.which("claimbot") or "claimbot (not installed: pip install -e .)"
START_DEADLINE = 60.0
ANSWER_DEADLINE = 15.0  # generous on a busy machine; see the module docstring
CLAIM = "The Quorvian health ministry banned fluoridation of drinking water in Zemblastan"
TYPOS = "the Quorvien helth ministri baned fluoridaton of drinkin watter in Zemblastn"
SHOWN = "Zemblastan"  # in a reply only if the claim itself is shown (the question misspells it)
# Guild ids on a given shard of two: (id >> 22) % 2.
EVEN_GUILD = (1_300_000_000_000_000_000 >> 22) * 2 << 22
ODD_GUILD = ((1_300_000_000_000_000_000 >> 22) * 2 + 1) << 22


class BotProcess:
    """One `claimbot run`, its output kept for the failure message."""

    def __init__(self, process: asyncio.subprocess.Process, name: str) -> None:
        self.process = process
        self.name = name
        self._result: tuple[int, str, str] | None = None

    async def stop(self) -> tuple[int, str, str]:
        """SIGTERM, then its exit status, stdout and stderr (the same on a second call)."""
        if self._result is None:
            if self.process.returncode is None:
                self.process.send_signal(signal.SIGTERM)
            out, err = await asyncio.wait_for(self.process.communicate(), START_DEADLINE)
            assert self.process.returncode is not None
            self._result = (self.process.returncode, out.decode(), err.decode())
        return self._result


async def start_bot(
    fake: FakeDiscord, db_url: str, cwd: Path, name: str, dev_guild: FakeGuild, **env: str
) -> BotProcess:
    """Start `claimbot run` and wait until it has synced its commands to `dev_guild`."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMBOT_")}
    environ.update(
        CLAIMBOT_DISCORD_TOKEN=fake.token,
        CLAIMBOT_DATABASE_URL=db_url,
        CLAIMBOT_DISCORD_DEV_GUILD_ID=str(dev_guild.id),
        CLAIMBOT_DISCORD_COMMAND_RATE="1000",  # the tests poll /check
        **{API_BASE_ENV: fake.api_base, GATEWAY_ENV: fake.gateway_url},
    )
    environ.update(env)
    process = await asyncio.create_subprocess_exec(
        CLAIMBOT, "run", env=environ, cwd=cwd,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    bot = BotProcess(process, name)
    try:
        await fake.wait_until(
            lambda: dev_guild.id in fake.commands or process.returncode is not None,
            what=f"{name} to sync its commands",
            timeout=START_DEADLINE,
        )
    except BaseException:
        await bot.stop()
        raise
    if process.returncode is not None:
        status, out, err = await bot.stop()
        raise AssertionError(f"{name} exited early ({status}):\n{err}\n{out}")
    return bot


@pytest.fixture
async def bots() -> AsyncIterator[list[BotProcess]]:
    """Bot processes a test started; all are stopped at the end and must stop cleanly."""
    started: list[BotProcess] = []
    yield started
    for bot in started:
        status, out, err = await bot.stop()
        assert (status, err) == (0, ""), f"{bot.name}:\n{err}\n{out}"


@pytest.fixture
async def second_fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
def pg_db() -> Iterator[str]:
    with postgres_schema() as url:
        yield url


async def check_text(
    fake: FakeDiscord, guild: FakeGuild | None, user: dict[str, Any], text: str
) -> str:
    """The bot's whole answer to `/check text` (as JSON text, to search in)."""
    ix = await fake.slash("check", {"text": text}, guild=guild, user=user)
    reply = await fake.wait_until(lambda: ix.messages, what="an answer", timeout=START_DEADLINE)
    return json.dumps(reply[0])


def first_embed(answer: str) -> dict[str, Any]:
    embeds: list[dict[str, Any]] = json.loads(answer)["embeds"]
    assert embeds, answer
    return embeds[0]


async def answered_soon(
    fake: FakeDiscord, guild: FakeGuild | None, user: dict[str, Any], text: str
) -> dict[str, Any]:
    """Ask `/check text` until the answer shows the claim (then its first embed); fail after
    the deadline."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + ANSWER_DEADLINE
    while True:
        answer = await check_text(fake, guild, user, text)
        if SHOWN in answer:
            return first_embed(answer)
        if loop.time() > deadline:
            raise AssertionError(f"not answered within {ANSWER_DEADLINE} s; last: {answer}")
        await asyncio.sleep(0.05)


async def add_claim_through_discord(
    fake: FakeDiscord, guild: FakeGuild, mod: dict[str, Any]
) -> None:
    """A moderator's `/claim add` and its form."""
    mod_perms = payloads.MODERATOR_PERMISSIONS
    opened = await fake.slash(
        "claim add", {"status": "false"}, guild=guild, user=mod, permissions=mod_perms
    )
    done = await fake.reply_of(
        await fake.submit_modal(
            opened,
            {
                "Claim": CLAIM,
                "Why this status": "No such ban was ever published.",
                "Source URL": "https://factcheck.example/quorvia",
                "Publisher": "Example Fact Check",
                "Supporting quote": "The ministry has made no decision on fluoridation.",
            },
            guild=guild,
            permissions=mod_perms,
        )
    )
    assert done["embeds"][0]["author"]["name"] == "Claim added", done


async def cli(db_url: str, cwd: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMBOT_")}
    proc = await asyncio.create_subprocess_exec(
        CLAIMBOT, "--db", db_url, *args, env=env, cwd=cwd,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), START_DEADLINE)
    assert proc.returncode == 0, err.decode()
    return out.decode()


async def test_a_claim_added_through_one_bot_process_is_answered_by_another(
    fake: FakeDiscord,
    second_fake: FakeDiscord,
    pg_db: str,
    tmp_path: Path,
    bots: list[BotProcess],
) -> None:
    """Two bot processes on one PostgreSQL database, each on its own gateway, serving the same
    server (as during a rolling restart): a moderator adds a claim through the first; the
    second answers it."""
    alpha = fake.add_guild("Alpha", guild_id=EVEN_GUILD)
    alpha_too = second_fake.add_guild("Alpha", guild_id=EVEN_GUILD)
    mod = fake.add_user("mod")
    alice = second_fake.add_user("alice")
    bots.append(await start_bot(fake, pg_db, tmp_path, "first", alpha))
    bots.append(await start_bot(second_fake, pg_db, tmp_path, "second", alpha_too))
    # The second process has loaded its vocabulary, and does not know the claim.
    assert SHOWN not in await check_text(second_fake, alpha_too, alice, TYPOS)

    await add_claim_through_discord(fake, alpha, mod)
    answer = await answered_soon(second_fake, alpha_too, alice, TYPOS)
    assert answer["description"].startswith(f"> {CLAIM}")
    assert answer["title"].startswith("FALSE")


async def test_two_shards_on_one_database_each_answer_a_claim_added_from_the_cli(
    fake: FakeDiscord, pg_db: str, tmp_path: Path, bots: list[BotProcess]
) -> None:
    """`shard_count = 2`, one process per shard: each connects as its own shard, serves only its
    servers, and both answer a global claim the CLI (a third process) adds."""
    even = fake.add_guild("Even", guild_id=EVEN_GUILD)
    odd = fake.add_guild("Odd", guild_id=ODD_GUILD)
    alice = fake.add_user("alice")
    shards = {"CLAIMBOT_DISCORD_SHARD_COUNT": "2"}
    zero = await start_bot(
        fake, pg_db, tmp_path, "shard 0", even, CLAIMBOT_DISCORD_SHARD_IDS="[0]", **shards
    )
    bots.append(zero)
    one = await start_bot(
        fake, pg_db, tmp_path, "shard 1", odd, CLAIMBOT_DISCORD_SHARD_IDS="[1]", **shards
    )
    bots.append(one)
    await fake.wait_connected(2)
    assert sorted(tuple(i["shard"]) for i in fake.identifies) == [(0, 2), (1, 2)]
    for guild in (even, odd):
        assert SHOWN not in await check_text(fake, guild, alice, TYPOS)

    await cli(pg_db, tmp_path, "claims", "add", CLAIM, "--status", "false")
    for guild in (even, odd):
        answer = await answered_soon(fake, guild, alice, TYPOS)
        assert answer["description"].startswith(f"> {CLAIM}")

    outputs = {bot.name: (await bot.stop())[1] for bot in (zero, one)}
    for name, guild in (("shard 0", even), ("shard 1", odd)):
        assert f"guild={guild.id}" in outputs[name]  # each process served its own server only
        other = odd if guild is even else even
        assert f"guild={other.id}" not in outputs[name]


async def test_one_process_on_sqlite_answers_a_claim_the_cli_adds(
    fake: FakeDiscord, tmp_path: Path, bots: list[BotProcess]
) -> None:
    """SQLite is for one bot process; the CLI writing beside it is heard by polling."""
    db = str(tmp_path / "claims.db")
    guild = fake.add_guild("Alpha")
    alice = fake.add_user("alice")
    bots.append(await start_bot(fake, db, tmp_path, "bot", guild))
    assert SHOWN not in await check_text(fake, guild, alice, TYPOS)

    await cli(db, tmp_path, "claims", "add", CLAIM, "--status", "false")
    answer = await answered_soon(fake, guild, alice, TYPOS)
    assert answer["description"].startswith(f"> {CLAIM}")


@pytest.mark.parametrize(
    ("shards", "line"),
    [
        ({"SHARD_COUNT": "2", "SHARD_IDS": "[2]"}, "[2] outside 0..1 (shard_count is 2)"),
        ({"SHARD_IDS": "[0]"}, "needs shard_count (the number of shards in all)"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "[1, 1]"}, "[1, 1] names a shard twice"),
    ],
)
async def test_a_wrong_shard_layout_is_one_line_before_connecting(
    fake: FakeDiscord, tmp_path: Path, shards: dict[str, str], line: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMBOT_")}
    env.update({f"CLAIMBOT_DISCORD_{key}": value for key, value in shards.items()})
    env.update(CLAIMBOT_DISCORD_TOKEN=fake.token, CLAIMBOT_DATABASE_URL=str(tmp_path / "c.db"))
    env.update({API_BASE_ENV: fake.api_base, GATEWAY_ENV: fake.gateway_url})
    proc = await asyncio.create_subprocess_exec(
        CLAIMBOT, "run", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await asyncio.wait_for(proc.communicate(), START_DEADLINE)
    assert proc.returncode == 2
    assert err.decode() == f"error: invalid setting discord.shard_ids: {line}\n"
    assert not fake.requests
    assert not (tmp_path / "c.db").exists()
