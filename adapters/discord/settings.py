"""Discord's settings, read from the environment with the core's rules (a blank value is
unset; an unusable one is one line naming it): the bot's token, the server its commands sync
to, the shards this process runs and the API it talks to."""

from __future__ import annotations

from pydantic import Field, SecretStr

from bot.settings import EnvironmentSettings, SettingsError

SHARD_IDS = "DISCORD_SHARD_IDS"


class DiscordSettings(EnvironmentSettings):
    """Everything `verdict discord` and `verdict doctor discord` read besides the core's."""

    token: SecretStr | None = Field(
        default=None, validation_alias="DISCORD_TOKEN", description="the bot's token"
    )
    guild_id: int | None = Field(
        default=None,
        validation_alias="DISCORD_GUILD_ID",
        description="a whole number: the server's id (Copy Server ID)",
    )
    shard_count: int | None = Field(
        default=None,
        ge=1,
        validation_alias="DISCORD_SHARD_COUNT",
        description="a whole number from 1: the total shard count",
    )
    shard_ids: str = Field(default="", validation_alias=SHARD_IDS)
    api_url: str | None = Field(
        default=None, validation_alias="DISCORD_API_URL", description="an http(s) URL"
    )
    """Another host for Discord's API (tests, proxies): `verdict doctor` asks it."""

    def shards(self) -> list[int] | None:
        """The shards this process runs: DISCORD_SHARD_IDS ("0,1") out of DISCORD_SHARD_COUNT;
        None for all of them."""
        if not self.shard_ids.strip():
            return None
        try:
            ids = [int(part) for part in self.shard_ids.split(",") if part.strip()]
        except ValueError:
            raise SettingsError(f"{SHARD_IDS} wants shard numbers separated by commas") from None
        count = self.shard_count
        if count is None:
            raise SettingsError(f"{SHARD_IDS} needs DISCORD_SHARD_COUNT, the total shard count")
        if any(not 0 <= i < count for i in ids) or len(set(ids)) != len(ids):
            raise SettingsError(f"{SHARD_IDS}: each shard once, from 0 to {count - 1}")
        return ids
