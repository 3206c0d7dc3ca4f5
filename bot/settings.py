"""Settings read once from the environment, with defaults that work on a laptop: the core's
own here; each platform's (tokens, ids, its server's port) in its package, on the same base."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import Field, ValidationError, field_validator
from pydantic.fields import FieldInfo
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


class EnvironmentSettings(BaseSettings):
    """The base of every settings model, the core's and each platform's. A blank value
    (`VERDICT_PUBLIC_URL=`, what a compose `.env` line with nothing after `=` gives) means
    unset, so the default applies. A field's `description` says what it wants, in the words
    the one-line error uses ("a whole number: the server's id")."""

    model_config = SettingsConfigDict(env_prefix="VERDICT_", extra="ignore", env_ignore_empty=True)


class Settings(EnvironmentSettings):
    """What the core reads from its environment: the catalogue, the database, the web pages
    and the logs. A platform's settings live in its package (`adapters/<name>/settings.py`)."""

    catalogue: Path = Field(
        default_factory=bundled_catalogue_dir, description="a catalogue directory"
    )
    dataset: bool = Field(default=True, description="true or false")
    """Serve the generated layer (every model in genai-prices) under the reviewed files."""
    cache_dir: Path | None = Field(default=None, description="a directory")
    """Where the generated layer is cached; default `$XDG_CACHE_HOME/verdict-bot`."""
    refresh_prices: bool = Field(default=False, description="true or false")
    """Fetch fresh prices from genai-prices' online source in the background (long-running
    bots only; off by default and in tests, which use the bundled snapshot)."""
    db: str = Field(default="verdict.db", description="a SQLite file or a postgresql:// URL")
    # The web pages (`verdict web`, or beside a chat bot). A platform's own server (an HTTP
    # mode) has its own port setting, so the web server has its own pair; `public_url` is
    # where people reach it, and turns on "Full page" links. The pages link to each other
    # from the root, so the URL is a scheme and host, without a path.
    web_host: str = Field(default="127.0.0.1", description="an address to listen on")
    web_port: int = Field(default=8080, ge=1, le=65535, description="a port from 1 to 65535")
    public_url: str | None = Field(
        default=None,
        pattern=r"^https?://[^\s/]+/?$",
        description="a scheme and host without a path, e.g. https://verdict.example.org",
    )
    # Operating the bot: how it logs. `public_url` above is also where `doctor` expects the
    # bot's HTTP server to answer /healthz.
    log_format: Literal["text", "json"] = Field(default="text", description="text or json")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="DEBUG, INFO, WARNING or ERROR"
    )

    @field_validator("log_format", "log_level", mode="before")
    @classmethod
    def _any_case(cls, value: object) -> object:
        """`json` or `JSON`, `info` or `INFO`: people type both."""
        if not isinstance(value, str):
            return value
        return value.lower() if value.lower() in {"text", "json"} else value.upper()


class SettingsError(Exception):
    """A setting in the environment is unusable; the message names it and says what it
    wants, on one line, never with its value (it may be a secret)."""


Model = TypeVar("Model", bound=EnvironmentSettings)


def load_settings() -> Settings:
    """The core's settings, from the environment (`read_settings`)."""
    return read_settings(Settings)


def read_settings(model: type[Model]) -> Model:
    """The settings `model` (the core's, or a platform's) reads from the environment. Raises
    `SettingsError`: one line naming each unusable variable and what it wants."""
    try:
        return model()
    except ValidationError as error:
        problems = []
        for e in error.errors(include_input=False, include_url=False):
            name = str(e["loc"][0]) if e["loc"] else ""
            info = model.model_fields.get(name) or _by_alias(model, name)
            problems.append(f"{variable(model, name, info)} wants {_wants(info, e)}")
        raise SettingsError("; ".join(dict.fromkeys(problems))) from None


def variable(model: type[EnvironmentSettings], name: str, info: FieldInfo | None = None) -> str:
    """The environment variable behind setting `name` of `model`: its alias, or the model's
    prefix and the name in capitals."""
    info = info or model.model_fields.get(name)
    alias = info.validation_alias if info is not None else None
    if isinstance(alias, str):
        return alias
    if name.isupper():
        return name
    prefix = str(model.model_config.get("env_prefix") or "")
    return f"{prefix}{name}".upper()


def _by_alias(model: type[EnvironmentSettings], alias: str) -> FieldInfo | None:
    return next((f for f in model.model_fields.values() if f.validation_alias == alias), None)


def _wants(info: FieldInfo | None, error: Any) -> str:
    """What a setting wants, in words: its `description`, else what pydantic's error implies."""
    if info is not None and info.description:
        return info.description
    kind = str(error.get("type", ""))
    if kind.startswith("int"):
        return "a whole number"
    if kind.startswith("float"):
        return "a number"
    if kind.startswith("bool"):
        return "true or false"
    context = error.get("ctx") or {}
    for key, words in (("ge", "at least"), ("gt", "more than"), ("le", "at most")):
        if key in context:
            return f"a number {words} {context[key]}"
    return "another value (see docs/running.md, Settings)"
