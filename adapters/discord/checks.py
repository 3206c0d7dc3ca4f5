"""Discord: the token (a login, `GET /users/@me`), the intents (none privileged), and the bot's
permissions in each server it is in (`GET /users/@me/guilds`), with the invite link to fix them."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
import discord.http

from adapters.discord.bot import CARD_PERMISSIONS
from adapters.discord.settings import DiscordSettings
from adapters.doctor.report import Check, fail, ok, within_deadline

FEATURE_PERMISSIONS = {"attach_files": "Attach Files"}
"""Beyond a card: what a feature needs (the leaderboard's chart, attached as a file)."""
FEATURE_USES = {"attach_files": "the leaderboard's chart"}
DISCORD_PERMISSIONS = {**CARD_PERMISSIONS, **FEATURE_PERMISSIONS}
"""What the bot does in a channel; the README's invite link grants exactly these."""
INVITE_PERMISSIONS = discord.Permissions(**dict.fromkeys(DISCORD_PERMISSIONS, True)).value
DISCORD_ADMINISTRATOR = discord.Permissions(administrator=True).value


def invite_url(application_id: str | int) -> str:
    return (
        f"https://discord.com/oauth2/authorize?client_id={application_id}"
        f"&scope=bot+applications.commands&permissions={INVITE_PERMISSIONS}"
    )


async def discord_checks(settings: DiscordSettings, *, offline: bool) -> list[Check]:
    token = settings.token
    if token is None:
        return [
            fail(
                "discord settings",
                "set DISCORD_TOKEN to the bot's token (docs/running.md: Discord)",
            )
        ]
    guild = settings.guild_id
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

    if settings.api_url:
        discord.http.Route.BASE = settings.api_url.rstrip("/")
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
        found += _permission_checks(guilds, settings.guild_id, str(app["id"]))
        return found

    try:
        return checks + await within_deadline("discord token", where, online)
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
            f"{label} ({FEATURE_USES[flag]})" if flag in FEATURE_USES else label
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
    return int(discord.Permissions(**{flag: True}).value)
