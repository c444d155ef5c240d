"""The real discord.py client, connected to the fake Discord on 127.0.0.1, over a real store.

`h` (or `make_harness(**settings)`) starts one bot per test in a fraction of a second: two
servers (Alpha, Beta), members, a moderator, another bot, and a seeded SQLite file. Anything
the client logs at ERROR level, and any task exception, fails the test at once instead of
surfacing as a timeout.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket

from bot.client import ClaimBot
from bot.cogs.check.passive import Outcome
from tests.fakediscord import FakeDiscord, FakeGuild, FakeInteraction, SentMessage, payloads
from verifiers.domain.models import Claim, ClaimFields, Scope, Source, Status
from verifiers.domain.settings import DiscordSettings, FactCheckSettings, Settings
from verifiers.service import ClaimService
from verifiers.sources.fetch import FetchPolicy
from verifiers.store import open_store
from verifiers.store.ports import Store

MOD_ROLE = "Fact mods"
MakeHarness = Callable[..., Awaitable["Harness"]]


class _ErrorCollector(logging.Handler):
    """Routes client errors into the fake, whose waits then fail with the traceback."""

    def __init__(self, fake: FakeDiscord) -> None:
        super().__init__(logging.ERROR)
        self.fake = fake

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + "".join(traceback.format_exception(*record.exc_info))
        self.fake.client_errors.append(f"{record.name}: {text}")


@dataclass
class Harness:
    fake: FakeDiscord
    store: Store
    bot: ClaimBot
    alpha: FakeGuild
    beta: FakeGuild
    alice: dict[str, Any]
    bob: dict[str, Any]
    mod: dict[str, Any]
    other_bot: dict[str, Any]
    outcomes: dict[int, list[Outcome]] = field(default_factory=dict)

    @property
    def service(self) -> ClaimService:
        return self.bot.service

    def add_claim(
        self,
        text: str,
        status: Status = Status.FALSE,
        *,
        guild: FakeGuild | None = None,
        sources: list[Source] | None = None,
        explanation: str = "",
    ) -> Claim:
        fields = ClaimFields(
            text=text,
            status=status,
            explanation=explanation,
            sources=sources
            if sources is not None
            else [Source(url="https://example.org/report", publisher="Example News")],
            guild_id=guild.id if guild else None,
        )
        return self.service.add_claim(fields, "test:setup", Scope.everything())

    def listen(self, guild: FakeGuild, channel: str) -> None:
        settings = self.service.store.get_settings(guild.id)
        channels = [*settings.listen_channel_ids, guild.channel(channel)]
        self.service.store.save_settings(
            settings.model_copy(update={"listen_channel_ids": channels}), "test:setup"
        )

    async def say(
        self,
        guild: FakeGuild | None,
        channel: str | int,
        author: dict[str, Any],
        text: str,
        **kwargs: Any,
    ) -> tuple[dict[str, Any], Outcome]:
        """Post a message and wait until the bot has finished with it (replied or not)."""
        message = await self.fake.post_message(guild, channel, author, text, **kwargs)
        return message, await self.outcome_of(message)

    async def outcome_of(self, message: dict[str, Any], index: int = 0) -> Outcome:
        key = int(message["id"])
        outcomes = await self.fake.wait_until(
            lambda: len(self.outcomes.get(key, [])) > index and self.outcomes[key],
            what=f"the bot to handle message {key}",
        )
        return outcomes[index]

    async def dms_to(self, user: dict[str, Any], count: int = 1) -> list[SentMessage]:
        """Wait until the bot has sent `user` at least `count` DMs (the outbox is drained in the
        background), then return them."""
        channel = self.fake.dm_channel_id(user)
        return await self.posts_in(channel, count, what=f"{count} DM(s) to {user['username']}")

    async def posts_in(
        self, channel: int, count: int = 1, *, what: str = "the mod-log post"
    ) -> list[SentMessage]:
        """Wait until `channel` has at least `count` messages, then return them: a mod-log post
        follows the reply to the moderator, so reading the channel at once races it."""
        return await self.fake.wait_until(
            lambda: len(self.fake.messages_in(channel)) >= count and self.fake.messages_in(channel),
            what=what,
        )

    def replies_to(self, message: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            s.message
            for s in self.fake.sent
            if str((s.body.get("message_reference") or {}).get("message_id")) == message["id"]
        ]

    async def slash(
        self, command: str, options: dict[str, Any] | None = None, **kwargs: Any
    ) -> FakeInteraction:
        kwargs.setdefault("guild", self.alpha)
        kwargs.setdefault("user", self.alice)
        return await self.fake.slash(command, options, **kwargs)

    async def as_mod(
        self, command: str, options: dict[str, Any] | None = None, **kwargs: Any
    ) -> FakeInteraction:
        kwargs.setdefault("user", self.mod)
        kwargs.setdefault("permissions", payloads.MODERATOR_PERMISSIONS)
        return await self.slash(command, options, **kwargs)


def settings_for(
    fake: FakeDiscord, factcheck: FactCheckSettings | None = None, **discord_settings: Any
) -> Settings:
    return Settings(
        discord=DiscordSettings(token=fake.token, **discord_settings),
        factcheck=factcheck or FactCheckSettings(),
    )


async def start_bot(
    fake: FakeDiscord, settings: Settings, store: Store, fetch_policy: FetchPolicy | None = None
) -> ClaimBot:
    """Start a bot and wait for READY; a failed start raises its own exception."""
    # Ready comes `guild_ready_timeout` after the last GUILD_CREATE; the fake sends them at once.
    # The outbox is drained every 50 ms here (3 s in production) so DMs arrive promptly.
    service = ClaimService(store, settings, fetch_policy=fetch_policy)
    bot = ClaimBot(service, settings, guild_ready_timeout=0.05, outbox_interval=0.05)
    task = asyncio.create_task(bot.start(settings.discord.token.get_secret_value()))
    bot._test_task = task  # type: ignore[attr-defined]
    await fake.wait_until(lambda: bot.is_ready() or task.done(), what="the bot to be ready")
    if task.done():
        task.result()
    return bot


async def stop_bot(bot: ClaimBot) -> None:
    await bot.close()
    task: asyncio.Task[None] = bot._test_task  # type: ignore[attr-defined]
    await asyncio.wait_for(task, 30)  # returns as soon as the bot has stopped


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    collector = _ErrorCollector(server)
    logging.getLogger().addHandler(collector)
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(
        lambda _loop, context: server.client_errors.append(
            f"asyncio: {context.get('message')} {context.get('exception')!r}"
        )
    )
    try:
        yield server
    finally:
        loop.set_exception_handler(None)
        logging.getLogger().removeHandler(collector)
        await server.stop()


@pytest.fixture
def pointed_at_fake(fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch) -> FakeDiscord:
    monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url))
    return fake


@pytest.fixture
def claim_store(tmp_path: Path) -> AsyncIterator[Store]:
    """A real, seeded SQLite file."""
    store = open_store(str(tmp_path / "claims.db"))
    yield store
    store.close()


@pytest.fixture
async def make_harness(
    pointed_at_fake: FakeDiscord, claim_store: Store
) -> AsyncIterator[MakeHarness]:
    """Start the bot with these `[discord]` settings; at the end, check what Discord received."""
    fake = pointed_at_fake
    started: list[Harness] = []

    async def make(
        *,
        message_content_allowed: bool = True,
        fetch_policy: FetchPolicy | None = None,
        factcheck: FactCheckSettings | None = None,
        **discord_settings: Any,
    ) -> Harness:
        """`fetch_policy` lets the bot fetch from a test server on 127.0.0.1 (tests only)."""
        assert not started, "one bot per test"
        fake.message_content_allowed = message_content_allowed
        alpha = fake.add_guild("Alpha", channels=["general", "news", "modlog"], roles=[MOD_ROLE])
        beta = fake.add_guild("Beta", channels=["general"])
        users = {name: fake.add_user(name) for name in ("alice", "bob", "mod")}
        other_bot = fake.add_user("helperbot", bot=True)
        settings = settings_for(fake, factcheck, **discord_settings)
        bot = await start_bot(fake, settings, claim_store, fetch_policy)
        harness = Harness(
            fake,
            claim_store,
            bot,
            alpha,
            beta,
            users["alice"],
            users["bob"],
            users["mod"],
            other_bot,
        )
        started.append(harness)

        async def record(message_id: int, outcome: Outcome) -> None:
            harness.outcomes.setdefault(message_id, []).append(outcome)

        bot.add_listener(record, "on_claimbot_message_handled")
        await bot.tree.sync()  # what `claimbot sync` does: global commands, usable everywhere
        return harness

    try:
        yield make
        fake.raise_client_errors()
        assert not fake.rejected, f"Discord would have rejected: {fake.rejected}"
        assert not fake.unhandled, f"routes the fake does not serve: {fake.unhandled}"
        for sent in fake.sent:  # never a ping, whatever the message (see test_safety.py)
            assert sent.body.get("allowed_mentions") == {"parse": []}, sent.route
    finally:
        for harness in started:
            await stop_bot(harness.bot)


@pytest.fixture
async def h(make_harness: MakeHarness) -> Harness:
    """The bot with default settings, in two servers."""
    return await make_harness()
