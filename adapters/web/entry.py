"""The web pages' entry in the platform list: `verdict web`."""

from __future__ import annotations

import argparse
import asyncio

from adapters.exit_codes import EXIT_OK
from adapters.platform import Startup
from bot.settings import load_settings


def run(args: argparse.Namespace, startup: Startup) -> int:
    from adapters.web import serve_forever

    settings = load_settings()
    catalogue = startup.catalogue(args)
    asyncio.run(
        serve_forever(
            catalogue,
            settings.db,
            host=args.host or settings.web_host,
            port=args.port or settings.web_port,
            public_url=settings.public_url,
        )
    )
    return EXIT_OK
