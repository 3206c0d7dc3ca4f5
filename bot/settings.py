"""Settings read once from the environment, with defaults that work on a laptop."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
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
    db: str = "verdict.db"


def load_settings() -> Settings:
    return Settings()
