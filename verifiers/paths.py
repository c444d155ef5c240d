"""Where claimbot keeps its files unless told otherwise: the platform's user folders."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP = "claimbot"


def default_database_path() -> Path:
    """The default SQLite database, in the user data folder (~/.local/share/claimbot on Linux)."""
    return platformdirs.user_data_path(APP) / "claimbot.db"


def user_config_file() -> Path:
    """The config file read when neither --config, $CLAIMBOT_CONFIG nor ./claimbot.toml is given."""
    return platformdirs.user_config_path(APP) / "claimbot.toml"


def cache_path(*parts: str) -> Path:
    """A path in the user cache folder (~/.cache/claimbot on Linux): what a database without a
    folder of its own (PostgreSQL) derives from it, its indexes."""
    return platformdirs.user_cache_path(APP).joinpath(*parts)
