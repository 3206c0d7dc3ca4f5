"""Discord's entry in the platform list: `verdict discord` and its `verdict doctor` checks."""

from __future__ import annotations

import argparse
import sys

from adapters.doctor.report import Check
from adapters.exit_codes import EXIT_OK, EXIT_SETTINGS
from adapters.platform import DoctorOptions, Startup
from bot.errors import PlatformRefused
from bot.settings import Settings, load_settings, read_settings


def run(args: argparse.Namespace, startup: Startup) -> int:
    import aiohttp

    from adapters.discord.bot import run_discord
    from adapters.discord.settings import DiscordSettings
    from adapters.logs import configure_logging

    settings = load_settings()
    discord = read_settings(DiscordSettings)
    configure_logging(settings, also=[discord])
    if discord.token is None:
        print(
            "verdict: set DISCORD_TOKEN to the bot's token (docs/running.md: Discord)",
            file=sys.stderr,
        )
        return EXIT_SETTINGS
    shards = discord.shards()
    comparer = startup.comparer(args)
    try:
        run_discord(
            comparer.catalogue,
            settings.db,
            discord.token.get_secret_value(),
            discord.guild_id,
            shard_count=discord.shard_count,
            shard_ids=shards,
            public_url=settings.public_url,
            web=(settings.web_host, settings.web_port),
            comparer=comparer,
        )
    except (OSError, aiohttp.ClientError) as error:  # no network, DNS, a proxy in the way
        raise PlatformRefused(
            f"cannot reach Discord ({type(error).__name__}); check the network"
        ) from None
    return EXIT_OK


async def doctor(settings: Settings, options: DoctorOptions) -> list[Check]:
    from adapters.discord.checks import discord_checks
    from adapters.discord.settings import DiscordSettings

    return await discord_checks(read_settings(DiscordSettings), offline=options.offline)
