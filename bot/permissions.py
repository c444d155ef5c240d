"""Moderator and owner checks, done in code: `default_member_permissions` is only a default
that server admins can override, so it never decides on its own."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar

import discord
from discord import app_commands

from bot.ratelimit import user_command_cooldown
from bot.replies import Refused
from verifiers.domain.models import GuildSettings

if TYPE_CHECKING:
    from bot.client import ClaimBot

NOT_IN_SERVER = "Moderator commands work only inside a server."
NOT_MODERATOR = "You need the Manage Messages permission or this server's moderator role."
NOT_MANAGER = "You need the Manage Server permission to change claimbot's settings."
NOT_OWNER = "Only the bot's owner can do this."

T = TypeVar("T")


def member_command(command: T) -> T:
    """Where members' commands (`/check`, `/flag`, ...) may run, declared once: servers and DMs
    with the bot (it is installed to servers only), each user under the command cooldown."""
    command = app_commands.checks.dynamic_cooldown(user_command_cooldown)(command)
    command = app_commands.allowed_installs(guilds=True, users=False)(command)
    return app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)(command)


def moderator_command(command: T) -> T:
    """Moderator commands and groups: servers only, shown by default to Manage Messages only
    (a default admins can change, so `require_moderator` still checks in code)."""
    command = app_commands.default_permissions(manage_messages=True)(command)
    command = app_commands.allowed_installs(guilds=True, users=False)(command)
    return app_commands.guild_only()(command)


def is_moderator(
    permissions: discord.Permissions, role_ids: Iterable[int], settings: GuildSettings
) -> bool:
    if permissions.manage_messages or permissions.administrator:
        return True
    return settings.moderator_role_id is not None and settings.moderator_role_id in set(role_ids)


def member_role_ids(user: discord.abc.User) -> list[int]:
    return [role.id for role in getattr(user, "roles", [])]


async def require_moderator(interaction: discord.Interaction[ClaimBot]) -> GuildSettings:
    """The guild's settings, once the user is known to moderate it; Refused otherwise."""
    if interaction.guild_id is None:
        raise Refused(NOT_IN_SERVER)
    settings = await interaction.client.guild_settings(interaction.guild_id)
    if not is_moderator(interaction.permissions, member_role_ids(interaction.user), settings):
        raise Refused(NOT_MODERATOR)
    return settings


def require_manager(interaction: discord.Interaction) -> None:
    if interaction.guild_id is None:
        raise Refused(NOT_IN_SERVER)
    permissions = interaction.permissions
    if not (permissions.manage_guild or permissions.administrator):
        raise Refused(NOT_MANAGER)


async def is_owner(interaction: discord.Interaction[ClaimBot]) -> bool:
    """The bot's operator in Discord: `owner_ids` in settings, or the application's owner."""
    bot = interaction.client
    if interaction.user.id in bot.settings.discord.owner_ids:
        return True
    return await bot.is_owner(interaction.user)


async def require_owner(interaction: discord.Interaction[ClaimBot]) -> None:
    if not await is_owner(interaction):
        raise Refused(NOT_OWNER)
