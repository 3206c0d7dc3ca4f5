"""`verdict doctor`: checks a set-up the way the bot will use it, one line per check.

Each check says `ok …` or what to do about it; nothing is changed (no database is created or
migrated, no message is posted) and no secret is ever printed: messages name settings, never
their values. Network checks have a deadline, so a dead API is a line, not a hang.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from adapters.doctor.data_checks import (
    catalogue_check,
    data_age_check,
    database_check,
    public_url_check,
)
from adapters.doctor.discord_checks import DISCORD_PERMISSIONS, discord_checks, invite_url
from adapters.doctor.report import Check, Status, fail, passed
from adapters.doctor.slack_checks import SLACK_SCOPES, slack_checks
from bot.catalogue import default_cache_dir
from bot.settings import Settings

__all__ = [
    "DISCORD_PERMISSIONS",
    "SLACK_SCOPES",
    "Check",
    "Status",
    "invite_url",
    "passed",
    "run_doctor",
]

Platform = Literal["discord", "slack"]


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
            checks += await discord_checks(settings, offline=offline)
        else:
            checks += await slack_checks(settings, channel=channel, offline=offline)
    checks.append(await database_check(settings.db))
    checks.append(catalogue_check(catalogue_dir))
    checks.append(data_age_check(settings.cache_dir or default_cache_dir()))
    if settings.public_url and not offline:
        checks.append(await public_url_check(settings.public_url))
    return checks
