"""`verdict doctor`: checks a set-up the way the bot will use it, one line per check.

Each check says `ok …` or what to do about it; nothing is changed (no database is created or
migrated, no message is posted) and no secret is ever printed: messages name settings, never
their values. Network checks have a deadline, so a dead API is a line, not a hang.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import aiohttp

from adapters.logs import describe_database
from bot.catalogue import check_catalogue
from bot.settings import Settings, bundled_catalogue_dir
from bot.storage import SCHEMA_VERSION, DatabaseError, read_schema_version

Platform = Literal["discord", "slack"]
DEADLINE_SECONDS = 15.0
SLACK_SCOPES = ("commands", "chat:write", "reactions:read", "reactions:write")
"""What the bot calls Slack with; the manifests ask for exactly these."""
DISCORD_PERMISSIONS = {
    "send_messages": "Send Messages",
    "embed_links": "Embed Links",
    "add_reactions": "Add Reactions",
    "read_message_history": "Read Message History",
}
"""What the bot does in a channel; the README's invite link grants exactly these (84032)."""
DISCORD_ADMINISTRATOR = 1 << 3
HEALTH_PATH = "/healthz"


class Status(Enum):
    OK = "ok"
    FAIL = "FAIL"
    SKIP = "skip"


@dataclass(frozen=True)
class Check:
    """One line of the report: what was checked, and either what is fine or what to do."""

    name: str
    status: Status
    detail: str

    def line(self) -> str:
        return f"{self.status.value:<4}  {self.name}: {self.detail}"


def ok(name: str, detail: str) -> Check:
    return Check(name, Status.OK, detail)


def fail(name: str, detail: str) -> Check:
    return Check(name, Status.FAIL, detail)


def skip(name: str, detail: str) -> Check:
    return Check(name, Status.SKIP, detail)


def passed(checks: list[Check]) -> bool:
    return all(c.status is not Status.FAIL for c in checks)


async def run_doctor(
    settings: Settings,
    *,
    platform: Platform | None,
    catalogue_dir: Path,
    channel: str | None = None,
    offline: bool = False,
) -> list[Check]:
    """Every check for `platform` (or for each platform whose token is set), then the
    database and the catalogue. `offline` leaves out everything that needs the network."""
    platforms: list[Platform] = (
        [platform]
        if platform is not None
        else [
            p
            for p, token in (
                ("discord", settings.discord_token),
                ("slack", settings.slack_bot_token),
            )
            if token is not None
        ]
    )
    checks: list[Check] = []
    if not platforms:
        checks.append(
            fail(
                "settings",
                "no DISCORD_TOKEN or SLACK_BOT_TOKEN is set; set one (README: Discord, Slack)",
            )
        )
    for name in platforms:
        if name == "discord":
            checks += await _discord_checks(settings, offline=offline)
        else:
            checks += await _slack_checks(settings, channel=channel, offline=offline)
    checks.append(await _database_check(settings.db))
    checks.append(_catalogue_check(catalogue_dir))
    if settings.public_url and not offline:
        checks.append(await _public_url_check(settings.public_url))
    return checks


async def _within_deadline(
    name: str, where: str, call: Callable[[], Awaitable[list[Check]]]
) -> list[Check]:
    """Run network checks; an unreachable or silent API becomes one line saying so."""
    try:
        return await asyncio.wait_for(call(), DEADLINE_SECONDS)
    except (aiohttp.ClientConnectionError, OSError) as error:
        return [fail(name, f"cannot reach {where} ({type(error).__name__}); check the network")]
    except TimeoutError:
        return [fail(name, f"{where} did not answer in {DEADLINE_SECONDS:.0f} s")]


# --- Slack ----------------------------------------------------------------------------


async def _slack_checks(settings: Settings, *, channel: str | None, offline: bool) -> list[Check]:
    from slack_sdk.errors import SlackApiError
    from slack_sdk.web.async_client import AsyncWebClient

    token = settings.slack_bot_token
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
    app_token = settings.slack_app_token
    if app_token is not None:
        if not app_token.get_secret_value().startswith("xapp-"):
            return [
                fail(
                    "slack settings",
                    "SLACK_APP_TOKEN should be an app-level token (xapp-…) with connections:write",
                )
            ]
        checks.append(ok("slack settings", "Socket Mode (SLACK_APP_TOKEN is set)"))
    elif settings.slack_signing_secret is not None:
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

    api = settings.slack_api_url or AsyncWebClient.BASE_URL
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

    return checks + await _within_deadline("slack token", f"Slack at {api}", online)


def _scopes_check(headers: Any) -> Check:
    granted_header = _header(headers, "x-oauth-scopes")
    if granted_header is None:
        return skip("slack scopes", "Slack did not say which scopes the token has")
    granted = {s.strip() for s in granted_header.split(",") if s.strip()}
    missing = [s for s in SLACK_SCOPES if s not in granted]
    if missing:
        return fail(
            "slack scopes",
            f"the app lacks {', '.join(missing)}: paste the manifest again (or add them under "
            "OAuth & Permissions → Scopes), then Reinstall to Workspace",
        )
    return ok("slack scopes", ", ".join(SLACK_SCOPES))


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


# --- Discord --------------------------------------------------------------------------


def invite_url(application_id: str | int) -> str:
    permissions = 84032  # the four in DISCORD_PERMISSIONS
    return (
        f"https://discord.com/oauth2/authorize?client_id={application_id}"
        f"&scope=bot+applications.commands&permissions={permissions}"
    )


async def _discord_checks(settings: Settings, *, offline: bool) -> list[Check]:
    token = settings.discord_token
    if token is None:
        return [fail("discord settings", "set DISCORD_TOKEN to the bot's token (README: Discord)")]
    guild = settings.discord_guild_id
    checks = [
        ok(
            "discord settings",
            "DISCORD_TOKEN is set" + (f"; commands sync to server {guild}" if guild else ""),
        ),
        ok(
            "discord intents",
            "guilds and guild reactions only: nothing privileged to switch on",
        ),
    ]
    if offline:
        return checks

    import discord
    import discord.http

    if settings.discord_api_url:
        discord.http.Route.BASE = settings.discord_api_url.rstrip("/")
    where = f"Discord at {discord.http.Route.BASE}"
    http = discord.http.HTTPClient(asyncio.get_running_loop())

    async def online() -> list[Check]:
        try:
            me = await http.static_login(token.get_secret_value())
        except discord.LoginFailure:
            return [
                fail(
                    "discord token",
                    "Discord refused DISCORD_TOKEN; in the Developer Portal open Bot → "
                    "Reset Token and copy the new one",
                )
            ]
        except discord.HTTPException as error:
            return [fail("discord token", f"Discord answered {error.status} to the login")]
        found = [ok("discord token", f"Discord accepts DISCORD_TOKEN: bot {me['username']}")]
        app = await http.application_info()
        guilds = await http.get_guilds(200)
        found += _permission_checks(guilds, settings.discord_guild_id, str(app["id"]))
        return found

    try:
        return checks + await _within_deadline("discord token", where, online)
    finally:
        await http.close()


def _permission_checks(
    guilds: list[dict[str, Any]], guild_id: int | None, application_id: str
) -> list[Check]:
    invite = invite_url(application_id)
    if guild_id is not None:
        chosen = [g for g in guilds if str(g["id"]) == str(guild_id)]
        if not chosen:
            return [
                fail(
                    "discord permissions",
                    f"the bot is not in server {guild_id} (DISCORD_GUILD_ID); invite it: {invite}",
                )
            ]
        guilds = chosen
    if not guilds:
        return [fail("discord permissions", f"the bot is in no server yet; invite it: {invite}")]
    checks = []
    for guild in guilds:
        granted = int(guild.get("permissions") or 0)
        missing = [
            label
            for flag, label in DISCORD_PERMISSIONS.items()
            if not granted & _permission_value(flag) and not granted & DISCORD_ADMINISTRATOR
        ]
        where = f"server {guild.get('name', guild['id'])}"
        if missing:
            checks.append(
                fail(
                    "discord permissions",
                    f"in {where} the bot lacks {', '.join(missing)}: Server Settings → Roles → "
                    f"verdict, or invite it again: {invite}",
                )
            )
        else:
            checks.append(
                ok(
                    "discord permissions",
                    f"{where}: {', '.join(DISCORD_PERMISSIONS.values())} (a channel's own "
                    "permissions can still take one away; the bot then says which)",
                )
            )
    return checks


def _permission_value(flag: str) -> int:
    import discord

    return int(discord.Permissions(**{flag: True}).value)


# --- Database, catalogue, public URL -------------------------------------------------------


async def _database_check(location: str) -> Check:
    where = describe_database(location)
    try:
        version = await read_schema_version(location)
    except DatabaseError as error:
        return fail("database", f"{error}; check VERDICT_DB")
    if version is None:
        folder = Path(location.removeprefix("sqlite:///")).resolve().parent
        if not folder.is_dir():
            return fail("database", f"{where}: the folder {folder} does not exist")
        return ok("database", f"{where} does not exist yet; the bot creates it on first start")
    if version > SCHEMA_VERSION:
        return fail(
            "database",
            f"{where} has schema version {version}, newer than this bot's {SCHEMA_VERSION}: "
            "upgrade the bot (or point VERDICT_DB at this version's database)",
        )
    if version < SCHEMA_VERSION:
        return ok(
            "database",
            f"{where}, schema version {version}; the bot upgrades it to {SCHEMA_VERSION} on start",
        )
    return ok("database", f"{where}, schema version {version}")


def _catalogue_check(directory: Path) -> Check:
    catalogue, problems = check_catalogue(directory)
    if catalogue is None:
        first = problems[0] if problems else "unreadable"
        return fail(
            "catalogue",
            f"{len(problems)} problem(s) in {directory}, first: {first}; "
            "`verdict catalogue check` lists them all",
        )
    where = "the bundled catalogue" if directory == bundled_catalogue_dir() else str(directory)
    return ok("catalogue", f"{len(catalogue.tools)} tools, {where}")


async def _public_url_check(url: str) -> Check:
    parts = urlsplit(url)
    loopback = parts.hostname in {"127.0.0.1", "localhost", "::1"}
    if parts.scheme != "https" and not loopback:
        return fail(
            "public url",
            f"VERDICT_PUBLIC_URL must be https:// (Slack sends requests only to HTTPS); got {url}",
        )
    health = url.rstrip("/") + HEALTH_PATH
    try:
        timeout = aiohttp.ClientTimeout(total=DEADLINE_SECONDS)
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(health) as response,
        ):
            status = response.status
    except (aiohttp.ClientError, OSError, TimeoutError) as error:
        return fail(
            "public url",
            f"nothing answers at {health} ({type(error).__name__}): is `verdict slack` running, "
            "and does the proxy forward to its PORT?",
        )
    if status != 200:
        return fail("public url", f"{health} answered {status}, not 200")
    return ok("public url", f"{health} answers")
