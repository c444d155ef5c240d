"""Settings: `config.example.toml` documents each one; `CLAIMBOT_<SECTION>_<KEY>` overrides it.

pydantic-settings does the layering (defaults < TOML file < environment) and the validation,
so a bad value is reported by name instead of failing somewhere deep inside.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from verifiers.domain.errors import ConfigError
from verifiers.domain.model_files import adapter_file, reranker_file
from verifiers.domain.models import FlagRate
from verifiers.domain.validation import first_problem
from verifiers.paths import default_database_path, user_config_file

DEFAULT_CONFIG_FILE = Path("claimbot.toml")


class DatabaseSettings(BaseModel):
    # Unset means claimbot.db in the user data folder, which differs by machine and user: it is
    # filled in when the settings are read, so every reader of `url` gets a path.
    url: str = Field(
        None,  # type: ignore[assignment]
        validate_default=True,
        description="A SQLite file path (one process), or a PostgreSQL URL "
        "(postgresql://user:password@host:5432/dbname?schema=claimbot) shared by many processes. "
        "Unset: claimbot.db in the user data folder.",
    )
    seed_on_create: bool = True

    @field_validator("url", mode="before")
    @classmethod
    def _default_location(cls, value: object) -> object:
        return str(default_database_path()) if value is None else value

    notification_retention_days: int = Field(
        30, ge=1, description="Delivered DMs stay in the outbox this long, then are deleted."
    )


class MatchingSettings(BaseModel):
    matcher: Literal["lexical", "semantic"] = "lexical"
    # Calibrated on CheckThat! 2020 train (docs/matching.md): each matcher's confident threshold
    # is the lowest with at most 2.5% false answers on train (lexical 0.70: 58.5% of queries
    # answered correctly there; semantic, before reranking, 0.75: 68.4%). Related: a
    # suggestion tier (~15% false).
    confident_threshold: float = Field(0.7, ge=0.0, le=1.0)
    related_threshold: float = Field(0.35, ge=0.0, le=1.0)
    # The semantic matcher's scores come from its own fitted model, so its own thresholds.
    # With the cross-encoder reranking (below) 0.80: the lowest threshold whose false answers on
    # train (1.8%) are no more than the matcher's without reranking at its calibrated 0.75 (2.1%).
    confident_threshold_semantic: float = Field(0.8, ge=0.0, le=1.0)
    related_threshold_semantic: float = Field(0.35, ge=0.0, le=1.0)
    semantic_candidates: int = Field(
        50, ge=0, le=500, description="Nearest claims by embedding added to the BM25 candidates."
    )
    # Below this many live claims the nearest claims by embedding are found by exact search
    # (a matrix product: 10 ms at 50k claims); from it on, through the approximate index kept
    # beside the database (docs/benchmarks.md, "Semantic path").
    approximate_from: int = Field(
        50_000,
        ge=0,
        description="Semantic matcher: live claims from which nearest claims are searched "
        "approximately (an index kept beside the database) rather than exactly.",
    )
    max_input_chars: int = Field(4_000, ge=100, le=100_000)
    max_segments: int = Field(12, ge=1, le=50)
    candidates: int = Field(50, ge=5, le=500)
    max_query_terms: int = Field(
        32, ge=1, le=200, description="Only this many of a query's rarest terms are searched."
    )
    max_related: int = Field(3, ge=0, le=10, description="'Possibly related' claims per segment.")
    min_confident_words: int = Field(
        3, ge=1, le=20, description="Content words a segment needs for a confident answer."
    )
    min_claim_coverage: float = Field(
        0.25,
        ge=0.0,
        le=1.0,
        description="Share of a claim's weighted words a segment must state to be answered.",
    )
    min_denial_coverage: float = Field(
        0.15,
        ge=0.0,
        le=1.0,
        description="Share of a claim's weighted words a segment that denies the claim must "
        "state to be answered: a denial names the act and leaves out its details.",
    )
    min_identity: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="Probability that a message states the claim (or contradicts it) below "
        "which it is not answered with it, though the rules found nothing changed.",
    )
    # The semantic matcher may also answer a paraphrase that shares few words with the claim.
    min_claim_cosine: float = Field(
        0.65,
        ge=-1.0,
        le=1.0,
        description="Semantic matcher: embedding cosine that states a claim in other words.",
    )
    # CLAIMBOT_MINILM_ADAPTER is this setting's first name (kept: the refit command uses it).
    minilm_adapter: str = Field(
        default_factory=lambda: os.environ.get("CLAIMBOT_MINILM_ADAPTER", "").strip() or "shipped",
        description='Semantic matcher: "shipped" (tuned MiniLM), "none" or an adapter file.',
    )

    reranker: str = Field(
        "shipped",
        description='Semantic matcher: cross-encoder "shipped", "none" or a rerank_train file.',
    )
    # Chosen on CheckThat! 2020 train with out-of-sample cross-encoder scores (docs/matching.md).
    rerank_top: int = Field(
        5, ge=0, le=50, description="Semantic matcher: candidates the cross-encoder reads."
    )
    rerank_weight: float = Field(
        0.25, ge=0.0, le=10.0, description="Weight of the cross-encoder's score in answers."
    )
    # Out of sample on train a heavier weight orders better (MAP@5 0.9311 -> 0.9350) but
    # answers worse; ordering by it and answering by `rerank_weight` changed no answer there.
    rerank_order_weight: float = Field(
        0.75,
        ge=0.0,
        le=10.0,
        description="Weight of the cross-encoder's score in the order of the claims listed.",
    )
    # On CheckThat! 2020 train no segment scoring below 0.05 before reranking rose above 0.094
    # after it (1,600 rankings), far below the related tier: checks skip the cross-encoder there.
    rerank_from: float = Field(
        0.05,
        ge=0.0,
        le=1.0,
        description="Semantic checks: the best answer score below which a segment is not reranked.",
    )

    @field_validator("minilm_adapter", "reranker")
    @classmethod
    def _model_file_exists(cls, value: str, info: ValidationInfo) -> str:
        """A file of one's own that is missing or not a model is refused with the settings.
        The shipped ones are checked when a semantic matcher is built: a lexical one never
        reads them."""
        if value.strip().lower() == "shipped":
            return value
        try:
            (adapter_file if info.field_name == "minilm_adapter" else reranker_file)(value)
        except ConfigError as exc:
            raise PydanticCustomError("model_file", str(exc).split(": ", 1)[1]) from None
        return value


class DiscordSettings(BaseModel):
    token: SecretStr | None = None
    dev_guild_id: int | None = None
    owner_ids: list[int] = Field(default_factory=list)
    message_content_intent: bool = True
    shard_count: int | None = Field(None, ge=1, description="Shards of the whole bot.")
    shard_ids: list[int] | None = Field(
        None, min_length=1, description="The shards this process runs (needs shard_count)."
    )
    # Cooldowns: uses per user per period of /check, /flag, "Check claims" and mentions.
    command_rate: int = Field(5, ge=1)
    command_period: float = Field(30.0, gt=0)
    # Passive listening: replies per channel and per member per period.
    passive_channel_rate: int = Field(4, ge=1)
    passive_channel_period: float = Field(60.0, gt=0)
    passive_user_rate: int = Field(2, ge=1)
    passive_user_period: float = Field(60.0, gt=0)
    # Under load (bot/scheduler.py): checks asked for go first; passive ones may be shed.
    check_workers: int = Field(
        2,
        ge=1,
        le=64,
        description="Checks run at once. A check is CPU-bound Python: more than the machine's"
        " cores gains nothing.",
    )
    check_queue: int = Field(
        100,
        ge=0,
        description="Passive checks that may wait for a worker; more are shed (counted in"
        " /claimbot status). Checks a member asked for always wait their turn.",
    )
    passive_max_wait: float = Field(
        5.0,
        gt=0,
        description="Seconds a passive check may wait for a worker before it is shed: its"
        " reply would come too late to follow the conversation.",
    )

    @field_validator("shard_ids")
    @classmethod
    def _shards_fit(cls, ids: list[int] | None, info: ValidationInfo) -> list[int] | None:
        """A wrong shard layout would leave servers unserved or be refused by Discord only
        later: say so at start-up instead."""
        if ids is None:
            return ids
        count = info.data.get("shard_count")
        if count is None:
            raise PydanticCustomError("shards", "needs shard_count (the number of shards in all)")
        outside = sorted({i for i in ids if not 0 <= i < count})
        if outside:
            raise PydanticCustomError(
                "shards", f"{outside} outside 0..{count - 1} (shard_count is {count})"
            )
        if len(set(ids)) != len(ids):
            raise PydanticCustomError("shards", f"{ids} names a shard twice")
        return ids


class FlagSettings(BaseModel):
    """Who may flag a claim as disputed, and which open flags the public count beside a claim
    shows (docs/decisions.md, "Flags that resist brigading")."""

    min_account_days: int = Field(
        7, ge=0, le=3650, description="A Discord account must be this old to flag a claim."
    )
    min_member_days: int = Field(
        3,
        ge=0,
        le=3650,
        description="In a server, the flagger must have been a member this long.",
    )
    public_account_days: int = Field(
        30,
        ge=0,
        le=3650,
        description="Flags from accounts younger than this are kept for moderators, not counted.",
    )
    public_member_days: int = Field(
        7,
        ge=0,
        le=3650,
        description="Flags from members newer than this are kept for moderators, not counted.",
    )
    burst_limit: int = Field(
        5, ge=1, le=1000, description="New disputes of one claim per window counted publicly."
    )
    burst_window_minutes: int = Field(60, ge=1, le=10_080, description="The window, in minutes.")

    @property
    def rate(self) -> FlagRate:
        return FlagRate(self.burst_limit, timedelta(minutes=self.burst_window_minutes))


class FactCheckSettings(BaseModel):
    """Google Fact Check Tools (`claims:search`), asked when our database has no confident match.

    Off by default: it needs an API key (Google Cloud console → enable the Fact Check Tools
    API → create an API key) and sends the checked text to Google.
    """

    enabled: bool = False
    api_key: SecretStr | None = None
    base_url: str = "https://factchecktools.googleapis.com/v1alpha1"
    language_code: str = Field("en", min_length=2, max_length=20)
    page_size: int = Field(5, ge=1, le=50)
    cache_ttl_seconds: int = Field(86_400, ge=0, description="0 turns the cache off.")
    rate_limit_per_minute: int = Field(30, ge=1, le=6_000)
    timeout_seconds: float = Field(10.0, gt=0, le=60)


class PublisherSettings(BaseModel):
    """Who publishes this database's claims: the `author` of its ClaimReview export."""

    name: str = Field(
        "claimbot", min_length=1, max_length=300, description="The publishing organisation."
    )
    url: str = Field(
        "",
        description="Its website; each exported review's url is {url}/claims/{claim id}.",
    )

    @field_validator("name")
    @classmethod
    def _name_is_text(cls, value: str) -> str:
        if not value.strip():
            raise PydanticCustomError("blank", "must not be blank")
        return value.strip()

    @field_validator("url")
    @classmethod
    def _url_is_http(cls, value: str) -> str:
        """A typo here would be published in every exported review: refuse it up front."""
        value = value.strip().rstrip("/")
        parts = urlsplit(value)
        if value and (parts.scheme not in ("http", "https") or not parts.netloc):
            raise PydanticCustomError("url", "must be an http(s) URL such as https://example.org")
        return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CLAIMBOT_",
        env_nested_delimiter="_",
        env_nested_max_split=1,
        extra="forbid",
    )

    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    matching: MatchingSettings = Field(default_factory=MatchingSettings)
    discord: DiscordSettings = Field(default_factory=DiscordSettings)
    factcheck: FactCheckSettings = Field(default_factory=FactCheckSettings)
    flags: FlagSettings = Field(default_factory=FlagSettings)
    publisher: PublisherSettings = Field(default_factory=PublisherSettings)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))


def config_file(path: Path | None = None) -> Path | None:
    """The config file in use: `path`, else $CLAIMBOT_CONFIG, else ./claimbot.toml, else the
    user config folder's claimbot.toml, whichever is given or present first (None: defaults)."""
    if path is None and os.environ.get("CLAIMBOT_CONFIG"):
        path = Path(os.environ["CLAIMBOT_CONFIG"])
    if path is not None:
        if not path.is_file():
            raise ConfigError(f"config file not found: {path}")
        return path
    return next((p for p in (DEFAULT_CONFIG_FILE, user_config_file()) if p.is_file()), None)


def load_settings(path: Path | None = None, **overrides: object) -> Settings:
    """Load settings from the config file in use (`config_file`) and the environment.

    Raises ConfigError naming the first bad or unknown setting; never a traceback for the user.
    """
    path = config_file(path)
    if path is not None:
        _refuse_unknown_keys(path)

    class _FileSettings(Settings):
        model_config = SettingsConfigDict(**{**Settings.model_config, "toml_file": path})

    try:
        return _FileSettings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise ConfigError(f"invalid setting {first_problem(exc, 'settings')}") from None
    except ValueError as exc:  # TOML syntax errors surface as ValueError subclasses
        raise ConfigError(f"cannot read config file {path}: {exc}") from None


def _refuse_unknown_keys(path: Path) -> None:
    """A misspelt key (`confident_treshold`) would otherwise leave its default silently in force."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from None
    for key, value in document.items():
        section = Settings.model_fields.get(key)
        if section is None:
            raise ConfigError(_unknown(path, key, Settings.model_fields))
        model = section.annotation
        if isinstance(value, dict) and isinstance(model, type) and issubclass(model, BaseModel):
            for name in value:
                if name not in model.model_fields:
                    raise ConfigError(_unknown(path, f"{key}.{name}", model.model_fields, name))


def _unknown(path: Path, key: str, known: Iterable[str], name: str | None = None) -> str:
    close = difflib.get_close_matches(name or key, list(known), n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown setting {key} in {path}{hint}"
