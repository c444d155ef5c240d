"""Settings: the example file documents every setting and loads as it is."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from pydantic import BaseModel

from tests.paths import REPO
from verifiers.domain.errors import ConfigError
from verifiers.domain.settings import Settings, load_settings

EXAMPLE = REPO / "config.example.toml"


def _setting_names(model: type[BaseModel], prefix: str = "") -> set[str]:
    names = set()
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names |= _setting_names(annotation, f"{prefix}{name}.")
        else:
            names.add(prefix + name)
    return names


def test_example_config_documents_every_setting() -> None:
    text = EXAMPLE.read_text()
    documented = set()
    section = ""
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1] + "."
        elif "=" in line and not line.startswith(("e.g", "CLAIMBOT")):
            documented.add(section + line.split("=", 1)[0].strip())
    assert _setting_names(Settings) <= documented


def test_example_config_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(__import__("os").environ):
        if key.startswith("CLAIMBOT_"):
            monkeypatch.delenv(key)
    settings = load_settings(EXAMPLE)
    assert tomllib.loads(EXAMPLE.read_text())["matching"]["matcher"] == settings.matching.matcher


def test_environment_overrides_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[database]\nurl = "from-file.db"\n[matching]\nmax_segments = 3\n')
    monkeypatch.setenv("CLAIMBOT_DATABASE_URL", "from-env.db")
    monkeypatch.setenv("CLAIMBOT_DISCORD_TOKEN", "sekrit")
    settings = load_settings(config)
    assert settings.database.url == "from-env.db"
    assert settings.matching.max_segments == 3
    assert settings.discord.token is not None
    assert settings.discord.token.get_secret_value() == "sekrit"
    assert "sekrit" not in repr(settings)


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ("[matching]\nconfident_threshold = 2\n", "matching.confident_threshold"),
        ("[matching]\nmatcher = 'magic'\n", "matching.matcher"),
        ("[nonsense]\nx = 1\n", "nonsense"),
        ("this is not toml", "cannot read config file"),
    ],
)
def test_bad_settings_are_named(tmp_path: Path, content: str, named: str) -> None:
    config = tmp_path / "c.toml"
    config.write_text(content)
    with pytest.raises(ConfigError) as info:
        load_settings(config)
    assert named in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_config_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "nope.toml")


def test_the_shipped_models_are_found_where_the_settings_look() -> None:
    """ "shipped" names the model files installed with the matcher, and they pass the check a
    file of one's own must pass (a wrong path here breaks every semantic check)."""
    from verifiers.domain.model_files import (
        HEAD_ARRAYS,
        SHIPPED_ADAPTER,
        SHIPPED_RERANKER,
        model_file,
    )

    assert SHIPPED_ADAPTER.parent.name == "matching"
    assert model_file("shipped", "minilm_adapter", SHIPPED_ADAPTER, "finetune") == SHIPPED_ADAPTER
    reranker = model_file("shipped", "reranker", SHIPPED_RERANKER, "rerank_train", HEAD_ARRAYS)
    assert reranker == SHIPPED_RERANKER
