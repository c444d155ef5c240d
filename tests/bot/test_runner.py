"""`claimbot run` and `claimbot sync` as real subprocesses against the fake Discord."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

from bot.runner import API_BASE_ENV, BAD_TOKEN, GATEWAY_ENV, NO_INTENT, NO_TOKEN
from tests.fakediscord import FakeDiscord

CLAIMBOT = shutil.which("claimbot") or "claimbot (not installed: pip install -e .)"
EXIT_DEADLINE = 30.0


def _env(fake: FakeDiscord, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMBOT_")}
    env.update(
        CLAIMBOT_DISCORD_TOKEN=fake.token,
        CLAIMBOT_DATABASE_URL=str(tmp_path / "claims.db"),
        **{API_BASE_ENV: fake.api_base, GATEWAY_ENV: fake.gateway_url},
    )
    env.update(extra)
    return env


async def _start(command: str, env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        CLAIMBOT,
        command,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def _finish(process: asyncio.subprocess.Process) -> tuple[int, str, str]:
    out, err = await asyncio.wait_for(process.communicate(), EXIT_DEADLINE)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_run_connects_syncs_answers_and_stops_on_sigterm(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    guild = fake.add_guild("Dev")
    alice = fake.add_user("alice")
    env = _env(fake, tmp_path, CLAIMBOT_DISCORD_DEV_GUILD_ID=str(guild.id))
    process = await _start("run", env, tmp_path)
    try:
        await fake.wait_until(
            lambda: guild.id in fake.commands or process.returncode is not None,
            what="the dev-guild sync",
            timeout=EXIT_DEADLINE,
        )
        if process.returncode is not None:
            status, out, err = await _finish(process)
            raise AssertionError(f"claimbot run exited early ({status}):\n{err}\n{out}")
        await fake.wait_connected()
        assert fake.identifies[0]["token"] == fake.token
        ix = await fake.slash(
            "check",
            {"text": "Trump asked Zelenskyy whether Ukraine could hit Moscow"},
            guild=guild,
            user=alice,
        )
        reply = await fake.wait_until(lambda: ix.messages, what="an answer", timeout=EXIT_DEADLINE)
        assert reply[0]["embeds"], reply[0]["content"]
        assert "Moscow" in reply[0]["embeds"][0]["description"]
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
    status, out, err = await _finish(process)
    assert (status, err) == (0, "")
    assert "event=starting" in out
    assert "event=check via=slash" in out
    assert out.rstrip().endswith("event=stopped")
    assert fake.token not in out
    for line in out.splitlines():
        assert line.startswith("ts="), line  # one key=value line per event


async def test_rejected_token_gives_one_line_and_fails(fake: FakeDiscord, tmp_path: Path) -> None:
    env = _env(fake, tmp_path, CLAIMBOT_DISCORD_TOKEN="not-the-token")
    status, out, err = await _finish(await _start("run", env, tmp_path))
    assert status == 1
    assert err == f"error: {BAD_TOKEN}\n"
    assert "not-the-token" not in out + err


async def test_disabled_privileged_intent_gives_one_line_and_fails(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    fake.message_content_allowed = False  # not enabled in the Developer Portal
    status, _, err = await _finish(await _start("run", _env(fake, tmp_path), tmp_path))
    assert status == 1
    assert err == f"error: {NO_INTENT}\n"
    assert fake.identifies  # it got as far as the gateway, which closed with 4014


async def test_missing_token_gives_one_line(fake: FakeDiscord, tmp_path: Path) -> None:
    env = _env(fake, tmp_path)
    del env["CLAIMBOT_DISCORD_TOKEN"]
    status, _, err = await _finish(await _start("run", env, tmp_path))
    assert (status, err) == (2, f"error: {NO_TOKEN}\n")
    assert not fake.requests


async def test_sync_publishes_commands_globally(fake: FakeDiscord, tmp_path: Path) -> None:
    status, out, err = await _finish(await _start("sync", _env(fake, tmp_path), tmp_path))
    assert (status, err) == (0, "")
    assert "synced 8 commands globally" in out
    assert {c["name"] for c in fake.commands[None]} >= {"check", "claim", "Check claims"}
    assert not fake.identifies  # no gateway connection needed


def test_python_dash_m_bot_is_the_same_entry_point(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMBOT_")}
    done = subprocess.run(
        [sys.executable, "-m", "bot"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert (done.returncode, done.stderr) == (2, f"error: {NO_TOKEN}\n")


async def test_discord_out_of_reach_is_one_line_and_no_traceback(tmp_path: Path) -> None:
    """A network that is down (here: a closed port on loopback) is a reason, not a stack."""
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMBOT_")}
    env.update(
        CLAIMBOT_DISCORD_TOKEN="x" * 59,
        CLAIMBOT_DATABASE_URL=str(tmp_path / "claims.db"),
        **{API_BASE_ENV: f"http://127.0.0.1:{port}/api/v10", GATEWAY_ENV: f"ws://127.0.0.1:{port}"},
    )
    status, out, err = await _finish(await _start("run", env, tmp_path))
    assert status == 1
    [line] = err.splitlines()
    assert line.startswith("error: cannot reach Discord (")
    assert "check the network" in line
    assert "Traceback" not in out + err
    assert all(len(logged) < 500 for logged in out.splitlines())
