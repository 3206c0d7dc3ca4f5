"""Slack's settings, read from the environment with the core's rules (a blank value is unset;
an unusable one is one line naming it): the tokens for each mode, who administers the bot,
where its HTTP server listens and how much load it takes."""

from __future__ import annotations

from pydantic import Field, SecretStr

from bot.settings import EnvironmentSettings


class SlackSettings(EnvironmentSettings):
    """Everything `verdict slack` and `verdict doctor slack` read besides the core's."""

    bot_token: SecretStr | None = Field(
        default=None, validation_alias="SLACK_BOT_TOKEN", description="the Bot User OAuth Token"
    )
    signing_secret: SecretStr | None = Field(
        default=None, validation_alias="SLACK_SIGNING_SECRET", description="the signing secret"
    )
    app_token: SecretStr | None = Field(
        default=None, validation_alias="SLACK_APP_TOKEN", description="an app-level token"
    )
    api_url: str | None = Field(
        default=None, validation_alias="SLACK_API_URL", description="an http(s) URL"
    )
    admin_user_ids: str = Field(default="", validation_alias="SLACK_ADMIN_USER_IDS")
    # HTTP mode (adapters/slack/http.py). Loopback unless told otherwise: put a TLS proxy or
    # load balancer in front, or set HOST=0.0.0.0 (e.g. in a container).
    host: str = Field(
        default="127.0.0.1",
        min_length=1,
        validation_alias="HOST",
        description="an address to listen on",
    )
    port: int = Field(
        default=3000,
        ge=1,
        le=65535,
        validation_alias="PORT",
        description="a port from 1 to 65535",
    )
    # Under a rush: requests worked on at once and the longest the oldest may wait before new
    # ones are turned away (503, Slack retries), and commands under way in the background.
    # Unset, the adapter's defaults apply (adapters/slack/http.py, adapters/slack/bot.py).
    max_in_flight: int | None = Field(
        default=None,
        ge=1,
        validation_alias="VERDICT_SLACK_MAX_IN_FLIGHT",
        description="a whole number from 1",
    )
    max_queue_seconds: float | None = Field(
        default=None,
        gt=0,
        validation_alias="VERDICT_SLACK_MAX_QUEUE_SECONDS",
        description="a number of seconds above 0",
    )
    max_background: int | None = Field(
        default=None,
        ge=1,
        validation_alias="VERDICT_SLACK_MAX_BACKGROUND",
        description="a whole number from 1",
    )

    @property
    def admins(self) -> frozenset[str]:
        """SLACK_ADMIN_USER_IDS ("U1,U2"): users who manage any channel."""
        return frozenset(u.strip() for u in self.admin_user_ids.split(",") if u.strip())
