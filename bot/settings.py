"""Settings read once from the environment, with defaults that work on a laptop."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def bundled_catalogue_dir() -> Path:
    """The catalogue shipped with the bot.

    A wheel carries it as `bot/_catalogue`; a source checkout (or an editable install) has it
    beside the package as `catalogue/`.
    """
    package_dir = Path(__file__).resolve().parent
    for candidate in (package_dir / "_catalogue", package_dir.parent / "catalogue"):
        if (candidate / "panel.toml").is_file():
            return candidate
    return package_dir.parent / "catalogue"


class Settings(BaseSettings):
    """Everything the bot reads from its environment. Tokens never get a default."""

    model_config = SettingsConfigDict(env_prefix="VERDICT_", extra="ignore")

    catalogue: Path = Field(default_factory=bundled_catalogue_dir)
    dataset: bool = True
    """Serve the generated layer (every model in genai-prices) under the reviewed files."""
    cache_dir: Path | None = None
    """Where the generated layer is cached; default `$XDG_CACHE_HOME/verdict-bot`."""
    refresh_prices: bool = False
    """Fetch fresh prices from genai-prices' online source in the background (long-running
    bots only; off by default and in tests, which use the bundled snapshot)."""
    db: str = "verdict.db"
    discord_token: SecretStr | None = Field(default=None, validation_alias="DISCORD_TOKEN")
    discord_guild_id: int | None = Field(default=None, validation_alias="DISCORD_GUILD_ID")
    discord_shard_count: int | None = Field(
        default=None, ge=1, validation_alias="DISCORD_SHARD_COUNT"
    )
    discord_shard_ids: str = Field(default="", validation_alias="DISCORD_SHARD_IDS")
    slack_bot_token: SecretStr | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(
        default=None, validation_alias="SLACK_SIGNING_SECRET"
    )
    slack_app_token: SecretStr | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    slack_api_url: str | None = Field(default=None, validation_alias="SLACK_API_URL")
    slack_admin_user_ids: str = Field(default="", validation_alias="SLACK_ADMIN_USER_IDS")
    # Slack's HTTP mode (adapters/slack/http.py). Loopback unless told otherwise: put a TLS
    # proxy or load balancer in front, or set HOST=0.0.0.0 (e.g. in a container).
    host: str = Field(default="127.0.0.1", min_length=1, validation_alias="HOST")
    port: int = Field(default=3000, ge=1, le=65535, validation_alias="PORT")
    # Slack under a rush: requests worked on at once and the longest the oldest may wait before
    # new ones are turned away (503, Slack retries), and commands under way in the background.
    # Unset, the adapter's defaults apply (adapters/slack/http.py, adapters/slack/bot.py).
    slack_max_in_flight: int | None = Field(default=None, ge=1)
    slack_max_queue_seconds: float | None = Field(default=None, gt=0)
    slack_max_background: int | None = Field(default=None, ge=1)
    # The web pages (`verdict web`). `PORT` above is Slack's HTTP port, so the web server has
    # its own pair; `public_url` is where people reach it, and turns on "Full page" links. The
    # pages link to each other from the root, so the URL is a scheme and host, without a path.
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8080, ge=1, le=65535)
    public_url: str | None = Field(default=None, pattern=r"^https?://[^\s/]+/?$")

    # Operating the bot: how it logs, and which API `verdict doctor` asks (tests and proxies
    # point these at another host). `public_url` above is also where `doctor` expects the
    # bot's HTTP server to answer /healthz.
    log_format: Literal["text", "json"] = "text"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    discord_api_url: str | None = Field(default=None, validation_alias="DISCORD_API_URL")

    @field_validator("log_format", "log_level", mode="before")
    @classmethod
    def _any_case(cls, value: object) -> object:
        """`json` or `JSON`, `info` or `INFO`: people type both."""
        if not isinstance(value, str):
            return value
        return value.lower() if value.lower() in {"text", "json"} else value.upper()


def shard_ids(settings: Settings) -> list[int] | None:
    """The shards this process runs: DISCORD_SHARD_IDS ("0,1") out of DISCORD_SHARD_COUNT."""
    if not settings.discord_shard_ids.strip():
        return None
    try:
        ids = [int(part) for part in settings.discord_shard_ids.split(",") if part.strip()]
    except ValueError:
        raise SettingsError("DISCORD_SHARD_IDS: use shard numbers separated by commas") from None
    count = settings.discord_shard_count
    if count is None:
        raise SettingsError("DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT, the total shard count")
    if any(not 0 <= i < count for i in ids) or len(set(ids)) != len(ids):
        raise SettingsError(f"DISCORD_SHARD_IDS: each shard once, from 0 to {count - 1}")
    return ids


class SettingsError(Exception):
    """A setting in the environment is unusable; the message names it, never its value."""


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        problems = [
            f"{_variable(str(e['loc'][0]))}: {e['msg']}"
            for e in error.errors(include_input=False, include_url=False)
        ]
        raise SettingsError("; ".join(problems)) from None


def _variable(name: str) -> str:
    """The environment variable behind a setting: aliases are already its name."""
    return name if name.isupper() else f"VERDICT_{name.upper()}"
