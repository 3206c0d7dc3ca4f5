"""Slack's entry in the platform list: `verdict slack` and its `verdict doctor` checks."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from adapters.doctor.report import Check
from adapters.exit_codes import EXIT_OK, EXIT_SETTINGS
from adapters.platform import DoctorOptions, Startup
from bot.settings import Settings, load_settings, read_settings


def run(args: argparse.Namespace, startup: Startup) -> int:
    from adapters.logs import configure_logging
    from adapters.slack.bot import MAX_BACKGROUND, run_slack
    from adapters.slack.http import HttpLimits
    from adapters.slack.settings import SlackSettings

    settings = load_settings()
    slack = read_settings(SlackSettings)
    configure_logging(settings, also=[slack])
    # Bolt's AsyncApp reads SLACK_BOT_TOKEN from the environment by itself and, as we hand it
    # a client, warns that the token "will be unused". The settings hold the secrets now; no
    # library (and no child process) needs them from the environment.
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        os.environ.pop(name, None)
    if slack.bot_token is None:
        print(
            "verdict: set SLACK_BOT_TOKEN to the app's bot token (docs/running.md: Slack)",
            file=sys.stderr,
        )
        return EXIT_SETTINGS
    if slack.app_token is None and slack.signing_secret is None:
        print(
            "verdict: set SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode)",
            file=sys.stderr,
        )
        return EXIT_SETTINGS
    comparer = startup.comparer(args)
    secret = slack.signing_secret
    app_token = slack.app_token
    defaults = HttpLimits()
    limits = HttpLimits(
        max_in_flight=slack.max_in_flight or defaults.max_in_flight,
        max_queue_seconds=slack.max_queue_seconds or defaults.max_queue_seconds,
    )
    asyncio.run(
        run_slack(
            comparer.catalogue,
            settings.db,
            bot_token=slack.bot_token.get_secret_value(),
            signing_secret=secret.get_secret_value() if secret else None,
            app_token=app_token.get_secret_value() if app_token else None,
            api_url=slack.api_url,
            port=slack.port,
            admin_user_ids=slack.admins,
            host=slack.host,
            public_url=settings.public_url,
            web=(settings.web_host, settings.web_port),
            limits=limits,
            max_background=slack.max_background or MAX_BACKGROUND,
            comparer=comparer,
        )
    )
    return EXIT_OK


async def doctor(settings: Settings, options: DoctorOptions) -> list[Check]:
    from adapters.slack.checks import slack_checks
    from adapters.slack.settings import SlackSettings

    slack = read_settings(SlackSettings)
    return await slack_checks(slack, channel=options.channel, offline=options.offline)
