"""Per-guild settings, kept as JSON text byte for byte as saved."""

from __future__ import annotations

import json

from verifiers.domain.models import GuildSettings
from verifiers.store.sql.core import RelationalBase
from verifiers.store.sql.values import check_actor


class GuildSettingsRecords(RelationalBase):
    """get/save_settings."""

    def get_settings(self, guild_id: int) -> GuildSettings:
        with self._reading() as db:
            row = db.one("SELECT data FROM guild_settings WHERE guild_id = ?", (guild_id,))
        if row is None:
            return GuildSettings(guild_id=guild_id)
        data = json.loads(row["data"])
        data["guild_id"] = guild_id
        return GuildSettings.model_validate(data)

    def save_settings(self, settings: GuildSettings, actor: str) -> GuildSettings:
        actor = check_actor(actor)
        with self._writing() as db:
            db.execute(
                "INSERT INTO guild_settings (guild_id, data, updated_at, updated_by)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET"
                " data = excluded.data, updated_at = excluded.updated_at,"
                " updated_by = excluded.updated_by",
                (settings.guild_id, settings.model_dump_json(), db.dialect.now(), actor),
            )
        return settings
