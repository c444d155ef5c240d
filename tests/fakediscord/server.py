"""A small Discord on 127.0.0.1: the REST routes and gateway a discord.py bot uses.

It records every request the bot makes (so a test can assert on the wire, e.g. that every message
carries `allowed_mentions: {"parse": []}`) and lets a test push gateway events: messages,
slash commands, context-menu commands, autocomplete, button clicks and modal submits.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiohttp import WSMsgType, web

from . import payloads as p

MESSAGE_CONTENT_INTENT = 1 << 15
# Application flags: GATEWAY_MESSAGE_CONTENT (verified) and _LIMITED (self-serve, < 100 servers).
APP_FLAG_MESSAGE_CONTENT = (1 << 18) | (1 << 19)


class FakeDiscordError(AssertionError):
    """The bot did something a real Discord would reject, or a wait ran out."""


class Rejected(Exception):
    """A request body Discord would answer with 400 Invalid Form Body."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    status: int = 200


@dataclass
class SentMessage:
    """A message the bot created or edited, with the exact JSON it sent."""

    route: str
    body: dict[str, Any]
    message: dict[str, Any]
    at: float = field(default_factory=time.monotonic)  # when the fake received it


@dataclass
class FakeGuild:
    id: int
    name: str
    channels: dict[str, int]
    roles: dict[str, int]

    def channel(self, name: str) -> int:
        return self.channels[name]


@dataclass
class FakeInteraction:
    """One interaction pushed to the bot, and everything the bot answered to it."""

    id: int
    token: str
    payload: dict[str, Any]
    user: dict[str, Any]
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    edits: list[dict[str, Any]] = field(default_factory=list)

    @property
    def modal(self) -> dict[str, Any] | None:
        for callback in self.callbacks:
            if callback["type"] == 9:
                return callback["data"]
        return None

    @property
    def choices(self) -> list[dict[str, Any]] | None:
        for callback in self.callbacks:
            if callback["type"] == 8:
                return callback["data"]["choices"]
        return None


class FakeDiscord:
    """Start with `await fake.start()`; `api_base` and `gateway_url` point the bot at it."""

    def __init__(self, *, token: str = "fake-token", message_content_allowed: bool = True) -> None:
        self.token = token
        self.message_content_allowed = message_content_allowed
        self.bot_user = p.user(p.snowflake(), "claimbot", bot=True)
        self.app_id = int(self.bot_user["id"])
        self.owner = p.user(p.snowflake(), "owner")
        self.guilds: dict[int, FakeGuild] = {}
        self._guild_payloads: dict[int, dict[str, Any]] = {}
        self.users: dict[int, dict[str, Any]] = {int(self.owner["id"]): self.owner}
        self.channels: dict[int, dict[str, Any]] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        self.requests: list[Recorded] = []
        self.sent: list[SentMessage] = []
        self.identifies: list[dict[str, Any]] = []
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self.interactions: dict[str, FakeInteraction] = {}
        self.unhandled: list[Recorded] = []
        self.rejected: list[tuple[Recorded, list[str]]] = []
        self.client_errors: list[str] = []
        self.errors_expected = False  # a test of error handling sets this while it provokes one
        self.dms_closed: set[int] = set()  # users who accept no DMs from the bot (403 50007)
        self.joined: dict[tuple[int, int], str] = {}  # (guild, user): when they joined it
        self._sockets: list[tuple[web.WebSocketResponse, int, int]] = []
        self._seq = 0
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle ---------------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        for ws, _, _ in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # -- world -------------------------------------------------------------------------------
    def add_user(
        self, name: str, *, bot: bool = False, created_at: datetime | None = None
    ) -> dict[str, Any]:
        """A Discord user; `created_at` dates the account (its id encodes it, as Discord's do),
        else it dates from mid-2024."""
        user_id = p.snowflake_at(created_at) if created_at else p.snowflake()
        data = p.user(user_id, name, bot=bot)
        self.users[int(data["id"])] = data
        return data

    def join(self, guild: FakeGuild, user: dict[str, Any], at: datetime) -> None:
        """`user` joined `guild` at `at` (members joined long ago unless a test says so)."""
        self.joined[(guild.id, int(user["id"]))] = at.isoformat()

    def _member_payload(
        self, guild: FakeGuild, user: dict[str, Any], **kwargs: Any
    ) -> dict[str, Any]:
        joined = self.joined.get((guild.id, int(user["id"])), p.LONG_AGO)
        return p.member(user, joined_at=joined, **kwargs)

    def add_guild(
        self,
        name: str,
        *,
        channels: Iterable[str] = ("general",),
        roles: Iterable[str] = (),
        guild_id: int | None = None,
    ) -> FakeGuild:
        guild_id = guild_id or p.snowflake()
        channel_ids = {c: p.snowflake() for c in channels}
        role_ids = {r: p.snowflake() for r in roles}
        channel_payloads = [p.text_channel(cid, guild_id, c) for c, cid in channel_ids.items()]
        for payload in channel_payloads:
            self.channels[int(payload["id"])] = payload
        role_payloads = [p.role(guild_id, "@everyone", p.MEMBER_PERMISSIONS)]
        role_payloads += [p.role(rid, r, 0, i + 1) for i, (r, rid) in enumerate(role_ids.items())]
        self._guild_payloads[guild_id] = p.guild(
            guild_id,
            name,
            owner_id=int(self.owner["id"]),
            channels=channel_payloads,
            roles=role_payloads,
            members=[p.member(self.bot_user)],
        )
        guild = FakeGuild(guild_id, name, channel_ids, role_ids)
        self.guilds[guild_id] = guild
        return guild

    # -- waiting -----------------------------------------------------------------------------
    async def wait_until(
        self, predicate: Callable[[], Any], *, what: str, timeout: float = 20.0
    ) -> Any:
        """Poll until `predicate()` is truthy; fail at once if the client logged an error. The
        deadline is generous for a loaded machine: an idle one returns as soon as it holds."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            self.raise_client_errors()
            value = predicate()
            if value:
                return value
            if asyncio.get_running_loop().time() > deadline:
                raise FakeDiscordError(f"timed out waiting for {what}")
            await asyncio.sleep(0.01)

    def raise_client_errors(self) -> None:
        if self.client_errors and not self.errors_expected:
            raise FakeDiscordError("the bot logged an error:\n" + "\n".join(self.client_errors))

    async def wait_connected(self, count: int = 1) -> None:
        await self.wait_until(lambda: len(self.identifies) >= count, what="IDENTIFY")

    # -- what the bot sent -------------------------------------------------------------------
    def messages_in(self, channel_id: int) -> list[SentMessage]:
        return [s for s in self.sent if s.message.get("channel_id") == str(channel_id)]

    def requests_to(self, method: str, pattern: str) -> list[Recorded]:
        rx = re.compile(pattern)
        return [r for r in self.requests if r.method == method and rx.fullmatch(r.path)]

    # -- gateway -----------------------------------------------------------------------------
    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}}))
        shard: tuple[int, int] | None = None
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                if frame["op"] == 1:
                    await ws.send_str(json.dumps({"op": 11}))
                elif frame["op"] == 2:
                    shard = await self._identify(ws, frame["d"])
                    if shard is None:
                        break
                elif frame["op"] == 6:
                    await ws.send_str(json.dumps({"op": 9, "d": False}))
        finally:
            self._sockets = [s for s in self._sockets if s[0] is not ws]
        return ws

    async def _identify(
        self, ws: web.WebSocketResponse, data: dict[str, Any]
    ) -> tuple[int, int] | None:
        self.identifies.append(data)
        if data.get("token") != self.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return None
        if data.get("intents", 0) & MESSAGE_CONTENT_INTENT and not self.message_content_allowed:
            await ws.close(code=4014, message=b"Disallowed intent(s).")
            return None
        shard_id, shard_count = data.get("shard") or [0, 1]
        mine = [g for g in self._guild_payloads if (g >> 22) % shard_count == shard_id]
        ready = {
            "v": 10,
            "user": self.bot_user,
            "guilds": [{"id": str(g), "unavailable": True} for g in mine],
            "session_id": secrets.token_hex(8),
            "resume_gateway_url": self.gateway_url,
            "shard": [shard_id, shard_count],
            "application": {"id": str(self.app_id), "flags": self._app_flags()},
        }
        self._sockets.append((ws, shard_id, shard_count))
        await self._send(ws, "READY", ready)
        for guild_id in mine:
            await self._send(ws, "GUILD_CREATE", self._guild_payloads[guild_id])
        return shard_id, shard_count

    def _app_flags(self) -> int:
        return APP_FLAG_MESSAGE_CONTENT if self.message_content_allowed else 0

    async def _send(self, ws: web.WebSocketResponse, event: str, data: dict[str, Any]) -> None:
        self._seq += 1
        await ws.send_str(json.dumps({"op": 0, "t": event, "s": self._seq, "d": data}))

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send an event to the shard that owns its guild (shard 0 for DMs)."""
        await self.wait_until(lambda: self._sockets, what="a gateway connection")
        guild_id = int(data["guild_id"]) if data.get("guild_id") else None
        for ws, shard_id, shard_count in list(self._sockets):
            owner = (guild_id >> 22) % shard_count if guild_id is not None else 0
            if owner == shard_id:
                await self._send(ws, event, data)

    # -- events a test pushes ----------------------------------------------------------------
    def _member_for(
        self, guild: FakeGuild, user: dict[str, Any], roles: Iterable[str], permissions: int
    ) -> dict[str, Any]:
        role_ids = [guild.roles[r] for r in roles]
        return self._member_payload(guild, user, roles=role_ids, permissions=permissions)

    async def post_message(
        self,
        guild: FakeGuild | None,
        channel: str | int,
        author: dict[str, Any],
        content: str,
        *,
        mention_bot: bool = False,
        reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A member (or a DM user when `guild` is None) posts a message."""
        channel_id = guild.channel(channel) if guild and isinstance(channel, str) else int(channel)
        if mention_bot:
            content = f"<@{self.app_id}> {content}".strip()
        reference = None
        if reply_to is not None:
            reference = {"message_id": reply_to["id"], "channel_id": reply_to["channel_id"]}
            if guild is not None:
                reference["guild_id"] = str(guild.id)
        data = p.message(
            message_id=p.snowflake(),
            channel_id=channel_id,
            author=author,
            content=content,
            guild_id=guild.id if guild else None,
            author_member=self._member_payload(guild, author) if guild else None,
            mentions=[self.bot_user] if mention_bot else [],
            reference=reference,
            referenced_message=reply_to,
        )
        self.messages[int(data["id"])] = data
        await self.dispatch("MESSAGE_CREATE", self._as_seen(data))
        return data

    async def edit_message(self, message: dict[str, Any], content: str) -> dict[str, Any]:
        message["content"] = content
        message["edited_timestamp"] = p.now_iso()
        await self.dispatch("MESSAGE_UPDATE", self._as_seen(message))
        return message

    def _as_seen(self, data: dict[str, Any]) -> dict[str, Any]:
        """Without the message-content intent, guild messages not mentioning the bot are blank."""
        if self.message_content_allowed or "guild_id" not in data:
            return data
        if any(m["id"] == self.bot_user["id"] for m in data["mentions"]):
            return data
        return {**data, "content": "", "embeds": [], "components": []}

    async def _interaction(
        self,
        kind: int,
        data: dict[str, Any],
        *,
        guild: FakeGuild | None,
        channel: str | int | None,
        user: dict[str, Any],
        permissions: int,
        roles: Iterable[str] = (),
        message: dict[str, Any] | None = None,
    ) -> FakeInteraction:
        interaction_id = p.snowflake()
        token = secrets.token_urlsafe(24)
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(self.app_id),
            "type": kind,
            "data": data,
            "token": token,
            "version": 1,
            "locale": "en-US",
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
            "app_permissions": str(p.MODERATOR_PERMISSIONS),
        }
        if guild is not None:
            channel_id = guild.channel(channel) if isinstance(channel, str) else int(channel)
            payload.update(
                guild_id=str(guild.id),
                guild_locale="en-US",
                guild={"id": str(guild.id), "locale": "en-US", "features": []},
                channel_id=str(channel_id),
                channel=self.channels[channel_id],
                member=self._member_for(guild, user, roles, permissions),
                context=0,
                authorizing_integration_owners={"0": str(guild.id)},
            )
        else:
            dm = self._dm_channel_for(user)
            payload.update(
                channel_id=dm["id"],
                channel=dm,
                user=user,
                context=1,
                authorizing_integration_owners={"0": "0"},
            )
        if message is not None:
            payload["message"] = message
        handle = FakeInteraction(interaction_id, token, payload, user)
        self.interactions[token] = handle
        await self.dispatch("INTERACTION_CREATE", payload)
        return handle

    def _command(self, name: str, kind: int, guild: FakeGuild | None) -> dict[str, Any]:
        for scope in ((guild.id if guild else None), None):
            for command in self.commands.get(scope, []):
                if command["name"] == name and command.get("type", 1) == kind:
                    return command
        raise FakeDiscordError(f"the bot has not synced a command named {name!r}")

    def _options(
        self,
        schema: list[dict[str, Any]],
        path: list[str],
        values: dict[str, Any],
        focused: str | None,
        resolved: dict[str, dict[str, Any]],
        guild: FakeGuild | None,
    ) -> list[dict[str, Any]]:
        if path:
            sub = next((o for o in schema if o["name"] == path[0] and o["type"] in (1, 2)), None)
            if sub is None:
                raise FakeDiscordError(f"no subcommand {path[0]!r} in the synced command")
            inner = self._options(
                sub.get("options", []), path[1:], values, focused, resolved, guild
            )
            return [{"name": sub["name"], "type": sub["type"], "options": inner}]
        out = []
        for name, value in values.items():
            option = next((o for o in schema if o["name"] == name), None)
            if option is None:
                raise FakeDiscordError(f"no option {name!r} in the synced command")
            out.append(self._option_value(option, value, focused == name, resolved, guild))
        missing = [o["name"] for o in schema if o.get("required") and o["name"] not in values]
        if missing and focused is None:
            raise FakeDiscordError(f"required options missing: {missing}")
        return out

    def _option_value(
        self,
        option: dict[str, Any],
        value: Any,
        focused: bool,
        resolved: dict[str, dict[str, Any]],
        guild: FakeGuild | None,
    ) -> dict[str, Any]:
        kind = option["type"]
        entry: dict[str, Any] = {"name": option["name"], "type": kind, "value": value}
        if focused:
            entry["focused"] = True
        elif kind == 7:  # channel: a test passes the channel id
            channel = self.channels[int(value)]
            resolved.setdefault("channels", {})[str(value)] = {
                **channel,
                "permissions": str(p.ADMIN_PERMISSIONS),
            }
            entry["value"] = str(value)
        elif kind == 8:  # role
            payload = next(
                r for r in self._guild_payloads[guild.id]["roles"] if r["id"] == str(value)
            )
            resolved.setdefault("roles", {})[str(value)] = payload
            entry["value"] = str(value)
        elif option.get("choices") and value not in [c["value"] for c in option["choices"]]:
            raise FakeDiscordError(f"{value!r} is not a choice of option {option['name']!r}")
        return entry

    async def slash(
        self,
        command: str,
        options: dict[str, Any] | None = None,
        *,
        guild: FakeGuild | None,
        user: dict[str, Any],
        channel: str | int | None = "general",
        permissions: int = p.MEMBER_PERMISSIONS,
        roles: Iterable[str] = (),
        focused: str | None = None,
    ) -> FakeInteraction:
        """Invoke `/command sub ...` (space-separated path) the way a member would."""
        name, *path = command.split()
        synced = self._command(name, 1, guild)
        resolved: dict[str, dict[str, Any]] = {}
        opts = self._options(
            synced.get("options", []), path, options or {}, focused, resolved, guild
        )
        data: dict[str, Any] = {"id": synced["id"], "name": name, "type": 1, "options": opts}
        if resolved:
            data["resolved"] = resolved
        if guild is not None and synced.get("guild_id"):
            data["guild_id"] = synced["guild_id"]
        return await self._interaction(
            4 if focused else 2,
            data,
            guild=guild,
            channel=channel,
            user=user,
            permissions=permissions,
            roles=roles,
        )

    async def autocomplete(
        self, command: str, options: dict[str, Any], focused: str, **kwargs: Any
    ) -> list[dict[str, Any]]:
        handle = await self.slash(command, options, focused=focused, **kwargs)
        return await self.wait_until(lambda: handle.choices is not None, what="choices") and (
            handle.choices or []
        )

    async def message_command(
        self,
        name: str,
        target: dict[str, Any],
        *,
        guild: FakeGuild | None,
        user: dict[str, Any],
        channel: str | int | None = "general",
        permissions: int = p.MEMBER_PERMISSIONS,
    ) -> FakeInteraction:
        synced = self._command(name, 3, guild)
        data = {
            "id": synced["id"],
            "name": name,
            "type": 3,
            "target_id": target["id"],
            # Message commands carry the text even without the message-content intent.
            "resolved": {"messages": {target["id"]: target}},
        }
        return await self._interaction(
            2, data, guild=guild, channel=channel, user=user, permissions=permissions
        )

    async def click(
        self,
        message: dict[str, Any],
        label: str,
        *,
        user: dict[str, Any],
        guild: FakeGuild | None,
        permissions: int = p.MEMBER_PERMISSIONS,
        roles: Iterable[str] = (),
    ) -> FakeInteraction:
        """Press the button labelled `label` on a message the bot sent."""
        buttons = [c for row in message.get("components", []) for c in row.get("components", [])]
        button = next((b for b in buttons if b.get("label") == label), None)
        if button is None:
            labels = [b.get("label") for b in buttons]
            raise FakeDiscordError(f"no button {label!r} on the message; it has {labels}")
        data = {"custom_id": button["custom_id"], "component_type": 2}
        return await self._interaction(
            3,
            data,
            guild=guild,
            channel=int(message["channel_id"]),
            user=user,
            permissions=permissions,
            roles=roles,
            message=message,
        )

    async def submit_modal(
        self,
        opened_by: FakeInteraction,
        values: dict[str, str | list[str]],
        *,
        guild: FakeGuild | None,
        permissions: int = p.MEMBER_PERMISSIONS,
        roles: Iterable[str] = (),
    ) -> FakeInteraction:
        """Fill the modal the bot opened in answer to `opened_by`, fields named by their label."""
        modal = await self.modal_of(opened_by)
        components = []
        unknown = set(values)
        for index, top in enumerate(modal["components"]):
            if top["type"] != 18:
                raise FakeDiscordError(f"modal component type {top['type']} is not a Label")
            inner = top["component"]
            value = values.get(top["label"])
            unknown.discard(top["label"])
            if inner["type"] == 4:
                if value is None and inner.get("required", True):
                    raise FakeDiscordError(f"required modal field {top['label']!r} left empty")
                submitted = {"type": 4, "custom_id": inner["custom_id"], "value": value or ""}
            else:
                chosen = value if isinstance(value, list) else ([value] if value else [])
                submitted = {
                    "type": inner["type"],
                    "custom_id": inner["custom_id"],
                    "values": chosen,
                }
            components.append({"type": 18, "id": index + 1, "component": submitted})
        if unknown:
            raise FakeDiscordError(f"the modal has no fields {sorted(unknown)}")
        data = {"custom_id": modal["custom_id"], "components": components}
        source = opened_by.payload
        channel: int | None = int(source["channel_id"])
        return await self._interaction(
            5,
            data,
            guild=guild,
            channel=channel,
            user=opened_by.user,
            permissions=permissions,
            roles=roles,
            message=source.get("message"),
        )

    async def modal_of(self, handle: FakeInteraction) -> dict[str, Any]:
        """The modal the bot opened in answer to an interaction."""
        return await self.wait_until(lambda: handle.modal, what="a modal")

    async def reply_of(self, handle: FakeInteraction, index: int = 0) -> dict[str, Any]:
        """The `index`-th message the bot posted in answer to an interaction."""
        return await self.wait_until(
            lambda: len(handle.messages) > index and handle.messages[index],
            what=f"reply #{index} to interaction {handle.payload['type']}",
        )

    # -- REST --------------------------------------------------------------------------------
    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body: Any = None
        if request.can_read_body:
            raw = await request.read()
            if request.content_type == "application/json" and raw:
                body = json.loads(raw)
            elif raw:
                body = {"_raw": raw.decode("utf-8", "replace")}
        record = Recorded(request.method, path, dict(request.query), body)
        self.requests.append(record)
        interaction_route = path.startswith(("/interactions/", "/webhooks/"))
        if not interaction_route and request.headers.get("Authorization") != f"Bot {self.token}":
            record.status = 401
            return _json({"message": "401: Unauthorized", "code": 0}, 401)
        for method, pattern, handler in self._routes():
            if method == request.method:
                match = re.fullmatch(pattern, path)
                if match:
                    try:
                        status, payload = await handler(body, **match.groupdict())
                    except Rejected as exc:
                        record.status = 400
                        self.rejected.append((record, exc.problems))
                        return _json({"message": "Invalid Form Body", "code": 50035}, 400)
                    record.status = status
                    return (
                        _json(payload, status)
                        if payload is not None
                        else web.Response(status=status)
                    )
        record.status = 404
        self.unhandled.append(record)
        return _json({"message": f"fake Discord has no route {request.method} {path}"}, 404)

    def _routes(self) -> list[tuple[str, str, Any]]:
        app = str(self.app_id)
        return [
            ("GET", r"/users/@me", self._get_me),
            ("GET", r"/oauth2/applications/@me", self._get_application),
            ("GET", r"/gateway/bot", self._get_gateway_bot),
            ("GET", r"/gateway", self._get_gateway_bot),
            ("PUT", rf"/applications/{app}/commands", self._put_commands),
            ("PUT", rf"/applications/{app}/guilds/(?P<guild_id>\d+)/commands", self._put_commands),
            ("GET", rf"/applications/{app}/commands", self._get_commands),
            ("GET", rf"/applications/{app}/guilds/(?P<guild_id>\d+)/commands", self._get_commands),
            ("POST", r"/channels/(?P<channel_id>\d+)/messages", self._create_message),
            ("GET", r"/channels/(?P<channel_id>\d+)/messages/(?P<message_id>\d+)", self._get_msg),
            ("PATCH", r"/channels/(?P<channel_id>\d+)/messages/(?P<message_id>\d+)", self._edit),
            ("GET", r"/channels/(?P<channel_id>\d+)", self._get_channel),
            ("POST", r"/users/@me/channels", self._open_dm),
            ("GET", r"/users/(?P<user_id>\d+)", self._get_user),
            ("POST", r"/interactions/(?P<iid>\d+)/(?P<token>[^/]+)/callback", self._callback),
            ("POST", rf"/webhooks/{app}/(?P<token>[^/]+)", self._followup),
            ("PATCH", rf"/webhooks/{app}/(?P<token>[^/]+)/messages/(?P<mid>[^/]+)", self._wh_edit),
            ("GET", rf"/webhooks/{app}/(?P<token>[^/]+)/messages/(?P<mid>[^/]+)", self._wh_get),
            ("DELETE", rf"/webhooks/{app}/(?P<token>[^/]+)/messages/(?P<mid>[^/]+)", self._wh_del),
        ]

    async def _get_me(self, body: Any) -> tuple[int, Any]:
        return 200, self.bot_user

    async def _get_application(self, body: Any) -> tuple[int, Any]:
        return 200, {
            "id": str(self.app_id),
            "name": "claimbot",
            "icon": None,
            "description": "",
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": self.owner,
            "team": None,
            "verify_key": "0" * 64,
            "flags": self._app_flags(),
            "summary": "",
        }

    async def _get_gateway_bot(self, body: Any) -> tuple[int, Any]:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return 200, {"url": self.gateway_url, "shards": 1, "session_start_limit": limit}

    async def _put_commands(self, body: Any, guild_id: str | None = None) -> tuple[int, Any]:
        stored = []
        for command in body:
            item = {
                **command,
                "id": str(p.snowflake()),
                "application_id": str(self.app_id),
                "version": str(p.snowflake()),
            }
            item.setdefault("type", 1)
            item.setdefault("description", "")
            if guild_id is not None:
                item["guild_id"] = guild_id
            stored.append(item)
        self.commands[int(guild_id) if guild_id else None] = stored
        return 200, stored

    async def _get_commands(self, body: Any, guild_id: str | None = None) -> tuple[int, Any]:
        return 200, self.commands.get(int(guild_id) if guild_id else None, [])

    def _bot_message(self, channel_id: str, body: dict[str, Any], **extra: Any) -> dict[str, Any]:
        data = p.message(
            message_id=p.snowflake(),
            channel_id=int(channel_id),
            author=self.bot_user,
            content=body.get("content") or "",
            guild_id=_guild_of(self.channels.get(int(channel_id))),
            embeds=body.get("embeds") or [],
            components=_with_ids(body.get("components") or []),
            flags=body.get("flags") or 0,
            **extra,
        )
        reference = body.get("message_reference")
        if reference:
            data["message_reference"] = reference
            data["referenced_message"] = self.messages.get(int(reference["message_id"]))
            data["type"] = 19
        self.messages[int(data["id"])] = data
        return data

    async def _create_message(self, body: Any, channel_id: str) -> tuple[int, Any]:
        channel = self.channels.get(int(channel_id))
        if channel is None:
            return 404, {"message": "Unknown Channel", "code": 10003}
        if channel["type"] == 1 and int(channel["recipients"][0]["id"]) in self.dms_closed:
            return 403, {"message": "Cannot send messages to this user", "code": 50007}
        _check_message_body(body)
        data = self._bot_message(channel_id, body)
        self.sent.append(SentMessage(f"POST /channels/{channel_id}/messages", body, data))
        await self.dispatch("MESSAGE_CREATE", data)  # Discord echoes the bot's own messages
        return 200, data

    async def _get_msg(self, body: Any, channel_id: str, message_id: str) -> tuple[int, Any]:
        data = self.messages.get(int(message_id))
        if data is None or data["channel_id"] != channel_id:
            return 404, {"message": "Unknown Message", "code": 10008}
        return 200, self._as_seen(data)

    async def _edit(self, body: Any, channel_id: str, message_id: str) -> tuple[int, Any]:
        data = self.messages.get(int(message_id))
        if data is None:
            return 404, {"message": "Unknown Message", "code": 10008}
        _check_message_body(body)
        _apply_edit(data, body)
        self.sent.append(SentMessage(f"PATCH /channels/{channel_id}/messages", body, data))
        return 200, data

    async def _get_channel(self, body: Any, channel_id: str) -> tuple[int, Any]:
        channel = self.channels.get(int(channel_id))
        return (200, channel) if channel else (404, {"message": "Unknown Channel", "code": 10003})

    def _dm_channel_for(self, user: dict[str, Any]) -> dict[str, Any]:
        for channel in self.channels.values():
            if channel["type"] == 1 and channel["recipients"][0]["id"] == user["id"]:
                return channel
        channel = p.dm_channel(p.snowflake(), user)
        self.channels[int(channel["id"])] = channel
        return channel

    def dm_channel_id(self, user: dict[str, Any]) -> int:
        """The DM channel between the bot and `user` (opened on first use)."""
        return int(self._dm_channel_for(user)["id"])

    async def _open_dm(self, body: Any) -> tuple[int, Any]:
        user = self.users.get(int(body["recipient_id"]))
        if user is None:
            return 404, {"message": "Unknown User", "code": 10013}
        return 200, self._dm_channel_for(user)

    async def _get_user(self, body: Any, user_id: str) -> tuple[int, Any]:
        user = self.users.get(int(user_id))
        return (200, user) if user else (404, {"message": "Unknown User", "code": 10013})

    def _handle(self, token: str) -> FakeInteraction:
        handle = self.interactions.get(token)
        if handle is None:
            raise FakeDiscordError("the bot answered an interaction the fake never sent")
        return handle

    async def _callback(self, body: Any, iid: str, token: str) -> tuple[int, Any]:
        handle = self._handle(token)
        if handle.callbacks:
            return 400, {"message": "Interaction has already been acknowledged.", "code": 40060}
        handle.callbacks.append(body)
        kind = body["type"]
        data = body.get("data") or {}
        interaction = {
            "id": iid,
            "type": handle.payload["type"],
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(data.get("flags", 0) & p.EPHEMERAL),
        }
        resource: dict[str, Any] = {"type": kind}
        if kind == 4:
            _check_message_body(data)
            message = self._bot_message(handle.payload["channel_id"], data)
            handle.messages.append(message)
            self.sent.append(SentMessage("POST callback type 4", data, message))
            interaction["response_message_id"] = message["id"]
            resource["message"] = message
        elif kind == 7:
            _check_message_body(data)
            target = self.messages[int(handle.payload["message"]["id"])]
            _apply_edit(target, data)
            handle.edits.append(target)
            self.sent.append(SentMessage("POST callback type 7", data, target))
            resource["message"] = target
        return 200, {"interaction": interaction, "resource": resource}

    async def _followup(self, body: Any, token: str) -> tuple[int, Any]:
        handle = self._handle(token)
        if not handle.callbacks:
            return 404, {"message": "Unknown Webhook", "code": 10015}
        _check_message_body(body)
        message = self._bot_message(
            handle.payload["channel_id"], body, webhook_id=self.app_id, application_id=self.app_id
        )
        handle.messages.append(message)
        self.sent.append(SentMessage("POST followup", body, message))
        return 200, message

    def _webhook_message(self, handle: FakeInteraction, mid: str) -> dict[str, Any] | None:
        if mid == "@original":
            if handle.messages:
                return handle.messages[0]
            # After a deferred update (6) or an update (7), the original response of a button
            # press or of a form opened by one is the message the button is on.
            clicked = handle.payload.get("message")
            if clicked and handle.callbacks and handle.callbacks[0]["type"] in (6, 7):
                return self.messages.get(int(clicked["id"]))
            return None
        return next((m for m in handle.messages if m["id"] == mid), None)

    async def _wh_edit(self, body: Any, token: str, mid: str) -> tuple[int, Any]:
        handle = self._handle(token)
        _check_message_body(body)
        message = self._webhook_message(handle, mid)
        if message is None and mid == "@original" and handle.callbacks:
            message = self._bot_message(handle.payload["channel_id"], body)
            handle.messages.append(message)
        elif message is None:
            return 404, {"message": "Unknown Message", "code": 10008}
        else:
            _apply_edit(message, body)
            handle.edits.append(message)
        self.sent.append(SentMessage(f"PATCH webhook {mid}", body, message))
        return 200, message

    async def _wh_get(self, body: Any, token: str, mid: str) -> tuple[int, Any]:
        message = self._webhook_message(self._handle(token), mid)
        return (200, message) if message else (404, {"message": "Unknown Message", "code": 10008})

    async def _wh_del(self, body: Any, token: str, mid: str) -> tuple[int, Any]:
        return 204, None


# -- Discord's own validation of message bodies, so an oversized embed fails like a real 400 ---
EMBED_LIMITS = {"title": 256, "description": 4096, "footer": 2048, "author": 256}


def embed_size(embed: dict[str, Any]) -> int:
    size = len(embed.get("title") or "") + len(embed.get("description") or "")
    size += len((embed.get("footer") or {}).get("text") or "")
    size += len((embed.get("author") or {}).get("name") or "")
    for item in embed.get("fields") or []:
        size += len(item["name"]) + len(item["value"])
    return size


def embed_problems(embeds: list[dict[str, Any]]) -> list[str]:
    """Every rule Discord enforces on embeds (a 400 Invalid Form Body otherwise)."""
    problems = []
    if len(embeds) > 10:
        problems.append(f"{len(embeds)} embeds > 10")
    for i, embed in enumerate(embeds):
        for key in ("title", "description"):
            if len(embed.get(key) or "") > EMBED_LIMITS[key]:
                problems.append(f"embed {i} {key} {len(embed[key])} chars")
        if len((embed.get("footer") or {}).get("text") or "") > EMBED_LIMITS["footer"]:
            problems.append(f"embed {i} footer too long")
        if len((embed.get("author") or {}).get("name") or "") > EMBED_LIMITS["author"]:
            problems.append(f"embed {i} author too long")
        fields = embed.get("fields") or []
        if len(fields) > 25:
            problems.append(f"embed {i} has {len(fields)} fields")
        for f in fields:
            if not f.get("name") or len(f["name"]) > 256:
                problems.append(f"embed {i} field name {len(f.get('name') or '')} chars")
            if not f.get("value") or len(f["value"]) > 1024:
                problems.append(f"embed {i} field value {len(f.get('value') or '')} chars")
    total = sum(embed_size(e) for e in embeds)
    if total > 6000:
        problems.append(f"embeds total {total} chars > 6000")
    return problems


def component_problems(rows: list[dict[str, Any]]) -> list[str]:
    problems = []
    if len(rows) > 5:
        problems.append(f"{len(rows)} action rows > 5")
    for row in rows:
        for item in row.get("components", []):
            if len(item.get("custom_id") or "") > 100:
                problems.append("custom_id longer than 100")
            if len(item.get("label") or "") > 80:
                problems.append("button label longer than 80")
        if len(row.get("components", [])) > 5:
            problems.append("more than 5 components in a row")
    return problems


def _check_message_body(body: dict[str, Any]) -> None:
    problems = embed_problems(body.get("embeds") or [])
    problems += component_problems(body.get("components") or [])
    if len(body.get("content") or "") > 2000:
        problems.append("content longer than 2000")
    if problems:
        raise Rejected(problems)


def _apply_edit(message: dict[str, Any], body: dict[str, Any]) -> None:
    for key in ("content", "embeds", "flags"):
        if key in body:
            message[key] = body[key]
    if "components" in body:
        message["components"] = _with_ids(body["components"])
    message["edited_timestamp"] = p.now_iso()


def _with_ids(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Discord numbers components; discord.py reads `id` back on messages it receives."""
    ids = itertools.count(1)
    out = []
    for row in rows:
        row_id = next(ids)
        children = [{**item, "id": next(ids)} for item in row.get("components", [])]
        out.append({**row, "id": row_id, "components": children})
    return out


def _guild_of(channel: dict[str, Any] | None) -> int | None:
    return int(channel["guild_id"]) if channel and channel.get("guild_id") else None


def _json(payload: Any, status: int = 200) -> web.Response:
    # discord.py parses JSON only when Content-Type is exactly application/json.
    return web.Response(
        body=json.dumps(payload).encode(), status=status, content_type="application/json"
    )
