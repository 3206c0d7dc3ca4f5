"""Slack's entry in the platform list: `verdict slack` and its `verdict doctor` checks."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from adapters.doctor.report import Check
from adapters.exit_codes import EXIT_OK, EXIT_SETTINGS
from adapters.platform import DoctorOptions, Startup
from bot.settings import Settings, load_settings


def run(args: argparse.Namespace, startup: Startup) -> int:
    from adapters.logs import configure_logging
    from adapters.slack.bot import MAX_BACKGROUND, run_slack
    from adapters.slack.http import HttpLimits

    settings = load_settings()
    configure_logging(settings)
    # Bolt's AsyncApp reads SLACK_BOT_TOKEN from the environment by itself and, as we hand it
    # a client, warns that the token "will be unused". The settings hold the secrets now; no
    # library (and no child process) needs them from the environment.
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        os.environ.pop(name, None)
    if settings.slack_bot_token is None:
        print(
            "verdict: set SLACK_BOT_TOKEN to the app's bot token (README: Slack)", file=sys.stderr
        )
        return EXIT_SETTINGS
    if settings.slack_app_token is None and settings.slack_signing_secret is None:
        print(
            "verdict: set SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode)",
            file=sys.stderr,
        )
        return EXIT_SETTINGS
    comparer = startup.comparer(args)
    secret = settings.slack_signing_secret
    app_token = settings.slack_app_token
    admins = frozenset(u.strip() for u in settings.slack_admin_user_ids.split(",") if u.strip())
    defaults = HttpLimits()
    limits = HttpLimits(
        max_in_flight=settings.slack_max_in_flight or defaults.max_in_flight,
        max_queue_seconds=settings.slack_max_queue_seconds or defaults.max_queue_seconds,
    )
    asyncio.run(
        run_slack(
            comparer.catalogue,
            settings.db,
            bot_token=settings.slack_bot_token.get_secret_value(),
            signing_secret=secret.get_secret_value() if secret else None,
            app_token=app_token.get_secret_value() if app_token else None,
            api_url=settings.slack_api_url,
            port=settings.port,
            admin_user_ids=admins,
            host=settings.host,
            public_url=settings.public_url,
            web=(settings.web_host, settings.web_port),
            limits=limits,
            max_background=settings.slack_max_background or MAX_BACKGROUND,
            comparer=comparer,
        )
    )
    return EXIT_OK


async def doctor(settings: Settings, options: DoctorOptions) -> list[Check]:
    from adapters.slack.checks import slack_checks

    return await slack_checks(settings, channel=options.channel, offline=options.offline)
