"""Gateway and REST payloads shaped like Discord's, with every key discord.py 2.7 reads.

Kept separate from the server so a test can build a message or a member the same way the fake does.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

# Snowflakes from mid-2024 so discord.py's created_at stays plausible.
_SNOWFLAKES = itertools.count(1_250_000_000_000_000_000)

# Permission bits used by the tests.
MANAGE_GUILD = 1 << 5
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
READ_HISTORY = 1 << 16
MEMBER_PERMISSIONS = VIEW_CHANNEL | SEND_MESSAGES | READ_HISTORY | EMBED_LINKS
MODERATOR_PERMISSIONS = MEMBER_PERMISSIONS | MANAGE_MESSAGES
ADMIN_PERMISSIONS = MODERATOR_PERMISSIONS | MANAGE_GUILD

EPHEMERAL = 1 << 6


# Discord's epoch (2015-01-01, in ms): a snowflake's top bits are milliseconds since it.
DISCORD_EPOCH_MS = 1_420_070_400_000
_LOW_BITS = itertools.count(1)
# When members joined their servers unless a test says otherwise: long enough ago that no
# rule about new members applies to them.
LONG_AGO = "2024-07-01T00:00:00+00:00"


def snowflake() -> int:
    return next(_SNOWFLAKES)


def snowflake_at(moment: datetime) -> int:
    """A new snowflake whose creation time is `moment` (how Discord dates an account)."""
    ms = int(moment.timestamp() * 1000) - DISCORD_EPOCH_MS
    return (ms << 22) | (next(_LOW_BITS) & 0x3FFFFF)


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def user(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name,
        "discriminator": "0",
        "global_name": name,
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


def role(role_id: int, name: str, permissions: int = 0, position: int = 0) -> dict[str, Any]:
    return {
        "id": str(role_id),
        "name": name,
        "permissions": str(permissions),
        "position": position,
        "color": 0,
        "hoist": False,
        "managed": False,
        "mentionable": False,
        "flags": 0,
        "icon": None,
        "unicode_emoji": None,
    }


def member(
    user_payload: dict[str, Any],
    *,
    roles: list[int] = (),
    permissions: int | None = None,
    joined_at: str = LONG_AGO,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "user": user_payload,
        "roles": [str(r) for r in roles],
        "joined_at": joined_at,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "nick": None,
        "avatar": None,
        "pending": False,
        "premium_since": None,
        "communication_disabled_until": None,
    }
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def text_channel(channel_id: int, guild_id: int, name: str) -> dict[str, Any]:
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(guild_id),
        "name": name,
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }


def dm_channel(channel_id: int, recipient: dict[str, Any]) -> dict[str, Any]:
    return {"id": str(channel_id), "type": 1, "recipients": [recipient], "last_message_id": None}


def guild(
    guild_id: int,
    name: str,
    *,
    owner_id: int,
    channels: list[dict[str, Any]],
    roles: list[dict[str, Any]],
    members: list[dict[str, Any]],
) -> dict[str, Any]:
    return {
        "id": str(guild_id),
        "name": name,
        "owner_id": str(owner_id),
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "safety_alerts_channel_id": None,
        "vanity_url_code": None,
        "application_id": None,
        "features": [],
        "roles": roles,
        "emojis": [],
        "stickers": [],
        "channels": channels,
        "threads": [],
        "members": members,
        "member_count": len(members),
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "large": False,
        "unavailable": False,
        "joined_at": now_iso(),
        "max_members": 500000,
        "premium_progress_bar_enabled": False,
    }


def message(
    *,
    message_id: int,
    channel_id: int,
    author: dict[str, Any],
    content: str,
    guild_id: int | None = None,
    author_member: dict[str, Any] | None = None,
    mentions: list[dict[str, Any]] = (),
    embeds: list[dict[str, Any]] = (),
    components: list[dict[str, Any]] = (),
    flags: int = 0,
    reference: dict[str, Any] | None = None,
    referenced_message: dict[str, Any] | None = None,
    webhook_id: int | None = None,
    application_id: int | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "author": author,
        "content": content,
        "timestamp": now_iso(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": list(mentions),
        "mention_roles": [],
        "mention_channels": [],
        "attachments": [],
        "embeds": list(embeds),
        "reactions": [],
        "pinned": False,
        "type": 19 if reference else 0,
        "flags": flags,
        "components": list(components),
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    if author_member is not None:
        data["member"] = {k: v for k, v in author_member.items() if k != "user"}
    if reference is not None:
        data["message_reference"] = reference
        data["referenced_message"] = referenced_message
    if webhook_id is not None:
        data["webhook_id"] = str(webhook_id)
    if application_id is not None:
        data["application_id"] = str(application_id)
    return data
