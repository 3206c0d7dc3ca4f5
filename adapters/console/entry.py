"""The console's entry in the platform list: `verdict chat`, a pretend channel in the terminal."""

from __future__ import annotations

import argparse
import asyncio

from adapters.exit_codes import EXIT_OK
from adapters.platform import Startup
from bot.settings import load_settings


def run(args: argparse.Namespace, startup: Startup) -> int:
    from adapters.console.chat import run_chat

    settings = load_settings()
    asyncio.run(run_chat(startup.catalogue(args), settings.db, public_url=settings.public_url))
    return EXIT_OK
