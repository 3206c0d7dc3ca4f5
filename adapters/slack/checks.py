"""Slack: the settings for the chosen mode, the bot token (`auth.test`), its scopes (the
`x-oauth-scopes` header of that answer), the app-level token for Socket Mode, and membership of
a channel when asked."""

from __future__ import annotations

from typing import Any

from adapters.doctor.report import Check, fail, ok, skip, within_deadline
from adapters.slack.settings import SlackSettings

SLACK_SCOPES = ("commands", "chat:write", "reactions:read", "reactions:write")
"""What the bot calls Slack with; the manifests ask for exactly these."""


async def slack_checks(
    settings: SlackSettings, *, channel: str | None, offline: bool
) -> list[Check]:
    from slack_sdk.errors import SlackApiError
    from slack_sdk.web.async_client import AsyncWebClient

    token = settings.bot_token
    checks: list[Check] = []
    if token is None:
        return [fail("slack settings", "set SLACK_BOT_TOKEN to the Bot User OAuth Token (xoxb-…)")]
    if not token.get_secret_value().startswith("xoxb-"):
        checks.append(
            fail(
                "slack settings",
                "SLACK_BOT_TOKEN should be the Bot User OAuth Token, which starts with xoxb-",
            )
        )
        return checks
    app_token = settings.app_token
    if app_token is not None:
        if not app_token.get_secret_value().startswith("xapp-"):
            return [
                fail(
                    "slack settings",
                    "SLACK_APP_TOKEN should be an app-level token (xapp-…) with connections:write",
                )
            ]
        checks.append(ok("slack settings", "Socket Mode (SLACK_APP_TOKEN is set)"))
    elif settings.signing_secret is not None:
        checks.append(
            ok("slack settings", f"HTTP mode on port {settings.port} (SLACK_SIGNING_SECRET is set)")
        )
    else:
        return [
            fail(
                "slack settings",
                "set SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode)",
            )
        ]
    if offline:
        return checks

    api = settings.api_url or AsyncWebClient.BASE_URL
    client = AsyncWebClient(token=token.get_secret_value(), base_url=api)

    async def online() -> list[Check]:
        found: list[Check] = []
        try:
            auth = await client.auth_test()
        except SlackApiError as error:
            reason = error.response.get("error", "refused")
            return [
                fail(
                    "slack token",
                    f"Slack refused SLACK_BOT_TOKEN ({reason}); copy the Bot User OAuth Token "
                    "again from OAuth & Permissions (reinstall the app if it was revoked)",
                )
            ]
        found.append(
            ok(
                "slack token",
                f"Slack accepts SLACK_BOT_TOKEN: bot @{auth.get('user')} in {auth.get('team')}",
            )
        )
        found.append(_scopes_check(auth.headers))
        if app_token is not None:
            found.append(await _socket_mode_check(api, app_token.get_secret_value()))
        if channel is not None:
            found.append(await _channel_check(client, channel))
        else:
            found.append(
                skip(
                    "slack channel",
                    "give --channel C… to check the bot is in a channel; in Slack, type "
                    "/invite @verdict in each channel where people will /compare",
                )
            )
        return found

    return checks + await within_deadline("slack token", f"Slack at {api}", online)


def _feature_scopes() -> dict[str, str]:
    """The scopes a feature needs beyond the core (the manifests ask for these too), and what is
    lost without each: the bot still runs, so a stale install shows only in the feature."""
    from adapters.slack.bot import ADMIN_SCOPE, CHART_SCOPE, HISTORY_SCOPES

    return {
        CHART_SCOPE: "the leaderboard's chart",
        ADMIN_SCOPE: "workspace admins managing channels",
        **dict.fromkeys(HISTORY_SCOPES, "finding a weekly card after a crash"),
    }


def _scopes_check(headers: Any) -> Check:
    granted_header = _header(headers, "x-oauth-scopes")
    if granted_header is None:
        return skip("slack scopes", "Slack did not say which scopes the token has")
    granted = {s.strip() for s in granted_header.split(",") if s.strip()}
    features = _feature_scopes()
    missing = [s for s in SLACK_SCOPES if s not in granted]
    lost: dict[str, list[str]] = {}
    for scope, why in features.items():
        if scope not in granted:
            lost.setdefault(why, []).append(scope)
    if missing or lost:
        lacks = [*missing, *(f"{' and '.join(s)} ({why})" for why, s in lost.items())]
        return fail(
            "slack scopes",
            f"the app lacks {', '.join(lacks)}: paste the manifest again (or add them under "
            "OAuth & Permissions → Scopes), then Reinstall to Workspace",
        )
    return ok("slack scopes", ", ".join((*SLACK_SCOPES, *features)))


def _header(headers: Any, name: str) -> str | None:
    for key, value in dict(headers or {}).items():
        if key.lower() == name:
            return ", ".join(value) if isinstance(value, list) else str(value)
    return None


async def _socket_mode_check(api: str, app_token: str) -> Check:
    from slack_sdk.errors import SlackApiError
    from slack_sdk.web.async_client import AsyncWebClient

    try:
        await AsyncWebClient(base_url=api).apps_connections_open(app_token=app_token)
    except SlackApiError as error:
        reason = error.response.get("error", "refused")
        return fail(
            "slack socket mode",
            f"Slack refused SLACK_APP_TOKEN ({reason}); under Basic Information → App-Level "
            "Tokens make one with connections:write, and switch on Socket Mode",
        )
    return ok("slack socket mode", "Slack accepts SLACK_APP_TOKEN")


async def _channel_check(client: Any, channel: str) -> Check:
    from slack_sdk.errors import SlackApiError

    invite = "in Slack, open it and type /invite @verdict"
    try:
        info = await client.conversations_info(channel=channel)
    except SlackApiError as error:
        reason = error.response.get("error", "refused")
        if reason == "missing_scope":
            return skip(
                "slack channel",
                f"the bot may not look up {channel} (that needs channels:read, which it does "
                f"not ask for); to be sure it is there, {invite}",
            )
        if reason == "channel_not_found":
            return fail(
                "slack channel",
                f"the bot cannot see {channel}: check the id (channel details → bottom), "
                f"and for a private channel, {invite}",
            )
        return fail("slack channel", f"Slack would not describe {channel} ({reason})")
    about = info.get("channel") or {}
    name = f"#{about.get('name', channel)}"
    if not about.get("is_member"):
        return fail("slack channel", f"the bot is not in {name}: {invite}")
    return ok("slack channel", f"the bot is in {name}")
