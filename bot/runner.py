"""`claimbot run` and `claimbot sync`: start the bot, or publish its commands globally.

Start-up failures a person can fix (no token, a rejected token, a privileged intent not enabled
in the Developer Portal) end with one line on stderr and exit status 1 or 2; SIGTERM and
SIGINT shut down cleanly with status 0. Logs are key=value lines on stdout.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys

import aiohttp
import discord
import yarl
from discord.gateway import DiscordWebSocket

from bot.client import ClaimBot
from bot.logs import configure_logging, log_event
from verifiers.domain.errors import ClaimbotError
from verifiers.domain.settings import Settings
from verifiers.service import ClaimService
from verifiers.store import open_store
from verifiers.store.ports import Store

# Used only by tests, to point the real client at a fake Discord on 127.0.0.1.
API_BASE_ENV = "CLAIMBOT_DISCORD_API_BASE"
GATEWAY_ENV = "CLAIMBOT_DISCORD_GATEWAY"

NO_TOKEN = "no Discord bot token: set CLAIMBOT_DISCORD_TOKEN or [discord] token in claimbot.toml"
BAD_TOKEN = "Discord rejected the bot token (401 Unauthorized): check CLAIMBOT_DISCORD_TOKEN"
NO_INTENT = (
    "the message content intent is not enabled for this application: enable it in the "
    "Developer Portal (Bot → Privileged Gateway Intents) or set "
    "CLAIMBOT_DISCORD_MESSAGE_CONTENT_INTENT=false"
)
EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2


def _fail(message: str, status: int = EXIT_FAILED) -> int:
    print(f"error: {message}", file=sys.stderr)
    return status


def _token(settings: Settings) -> str | None:
    secret = settings.discord.token
    token = secret.get_secret_value().strip() if secret is not None else ""
    return token or None


def point_at_test_server() -> None:
    """Honour the test-only overrides of Discord's REST base and gateway URL."""
    base = os.environ.get(API_BASE_ENV)
    if base:
        discord.http.Route.BASE = base.rstrip("/")
    gateway = os.environ.get(GATEWAY_ENV)
    if gateway:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)


def _failure_line(exc: BaseException) -> str | None:
    """The one line for a start-up failure a person can fix, or None for a bug."""
    if isinstance(exc, discord.LoginFailure):
        return BAD_TOKEN
    if isinstance(exc, discord.PrivilegedIntentsRequired):
        return NO_INTENT
    if isinstance(exc, discord.ConnectionClosed) and exc.code == 4004:
        return BAD_TOKEN
    if isinstance(exc, ClaimbotError):
        return str(exc)
    if isinstance(exc, aiohttp.ClientConnectionError | OSError | discord.GatewayNotFound):
        # No traceback for a network that is down: the person needs the reason, not the stack.
        reason = " ".join(str(exc).split()) or type(exc).__name__
        return f"cannot reach Discord ({reason[:200]}): check the network and try again"
    return None


def _build(settings: Settings, *, sync_dev_guild: bool) -> tuple[ClaimBot, Store]:
    store = open_store(settings.database.url, seed=settings.database.seed_on_create)
    try:
        bot = ClaimBot(ClaimService(store, settings), settings, sync_dev_guild=sync_dev_guild)
    except BaseException:
        store.close()
        raise
    return bot, store


def _start(settings: Settings, *, sync_dev_guild: bool) -> tuple[str, ClaimBot, Store] | int:
    """What `run` and `sync` both need before talking to Discord: the token, logging that masks
    it, and the bot over an open store; or the exit status after a one-line config error."""
    token = _token(settings)
    if token is None:
        return _fail(NO_TOKEN, EXIT_CONFIG)
    configure_logging(settings.log_level, secrets=[token])
    point_at_test_server()
    try:
        bot, store = _build(settings, sync_dev_guild=sync_dev_guild)
    except ClaimbotError as exc:
        return _fail(str(exc), EXIT_CONFIG)
    return token, bot, store


def run(settings: Settings) -> int:
    """Run the bot until SIGTERM/SIGINT (exit 0) or a fatal error (one line, exit 1/2)."""
    started = _start(settings, sync_dev_guild=True)
    if isinstance(started, int):
        return started
    token, bot, store = started
    try:
        # Other processes on the same database (shards, the CLI) change claims too.
        bot.service.start_change_listener()
        return asyncio.run(_serve(bot, token))
    except ClaimbotError as exc:
        return _fail(str(exc), EXIT_CONFIG)
    finally:
        bot.service.stop_change_listener()
        store.close()


async def _serve(bot: ClaimBot, token: str) -> int:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    log_event("starting", pid=os.getpid())
    async with bot:
        running = asyncio.create_task(bot.start(token))
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if stopping.done():
            log_event("stopping", reason="signal")
            await bot.close()
            with contextlib.suppress(Exception):
                await running
            log_event("stopped")
            return EXIT_OK
        stopping.cancel()
        exc = running.exception()
    if exc is None:
        return EXIT_OK
    line = _failure_line(exc)
    if line is None:
        logging.getLogger("claimbot").error("event=crashed", exc_info=exc)
        return _fail(f"the bot stopped unexpectedly ({type(exc).__name__}); see the log")
    return _fail(line)


def sync_global(settings: Settings) -> int:
    """Publish the slash commands globally (can take up to an hour to propagate)."""
    started = _start(settings, sync_dev_guild=False)
    if isinstance(started, int):
        return started
    token, bot, store = started
    try:
        return asyncio.run(_sync(bot, token))
    finally:
        store.close()


async def _sync(bot: ClaimBot, token: str) -> int:
    async with bot:
        try:
            await bot.login(token)
            synced = await bot.tree.sync()
        except (discord.DiscordException, ClaimbotError) as exc:
            line = _failure_line(exc) or f"sync failed: {exc}"
            return _fail(line)
    log_event("commands_synced", scope="global", count=len(synced))
    print(f"synced {len(synced)} commands globally; Discord can take up to an hour to show them")
    return EXIT_OK
