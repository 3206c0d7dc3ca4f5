"""The request commands: `verdict request NAME` (ask for a tool the catalogue lacks),
`verdict catalogue requests` (the most wanted, with counts) and `verdict catalogue add
--product NAME` (draft its file). Kept apart from `commands.py`, which they only hook into."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import getpass
import json
import sys
import tomllib
from pathlib import Path

from pydantic import ValidationError

from adapters.exit_codes import EXIT_CATALOGUE, EXIT_OK, EXIT_UNANSWERABLE
from bot.catalogue import Catalogue, Panel
from bot.catalogue.loader import PRODUCTS_DIR
from bot.catalogue.product_draft import BadProductName, product_draft
from bot.compare import Comparer
from bot.settings import load_settings
from bot.storage import exists as database_exists
from bot.tool_requests import RequestDesk, RequestStore, WantedTool, group_wanted
from bot.votes import NothingStored, Store

TERMINAL_COMMUNITY = "terminal"
"""Requests made from this machine's command line and `verdict chat` count as one community."""


def _who() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or passwd
        return "unknown"


def request(args: argparse.Namespace, catalogue: Catalogue) -> int:
    """`verdict request NAME`: stored in the vote database (created if need be)."""
    name = " ".join(args.name)

    async def run() -> str:
        store = await Store.open(load_settings().db)
        try:
            desk = RequestDesk(Comparer(catalogue), RequestStore(store))
            return await desk.request(
                platform="cli", community=TERMINAL_COMMUNITY, user_id=_who(), name=name
            )
        finally:
            await store.close()

    answer = asyncio.run(run())
    stored = answer.startswith(("Requested", "You already requested"))
    print(answer, file=sys.stdout if stored else sys.stderr)
    return EXIT_OK if stored else EXIT_UNANSWERABLE


def wanted_line(rank: int, wanted: WantedTool) -> str:
    counts = f"{wanted.requests} request{'s' if wanted.requests != 1 else ''}"
    if wanted.unknown:
        counts += f", +{wanted.unknown} typed in /compare"
    where = f"{wanted.communities} communit{'ies' if wanted.communities != 1 else 'y'}"
    also = f" (also: {', '.join(wanted.spellings[1:4])})" if len(wanted.spellings) > 1 else ""
    return f"{rank:>3}. {wanted.name}: {counts}; {where}{also}"


def list_requests(args: argparse.Namespace) -> int:
    """`verdict catalogue requests`: most wanted first; read-only, never creates a database."""

    async def run() -> list[WantedTool]:
        try:
            store = await Store.open(load_settings().db, read_only=True)
        except NothingStored:
            return []
        try:
            return group_wanted(await RequestStore(store).rows(args.community))
        finally:
            await store.close()

    wanted = asyncio.run(run()) if database_exists(load_settings().db) else []
    wanted = wanted[: args.limit]
    if args.json:
        print(json.dumps([w.model_dump(mode="json") for w in wanted]))
        return EXIT_OK
    if not wanted:
        print("No tool requests yet.")
        return EXIT_OK
    print("Most wanted tools (people who pressed Request it; each once per community):")
    for rank, item in enumerate(wanted, 1):
        print(wanted_line(rank, item))
    return EXIT_OK


def add_product(args: argparse.Namespace, directory: Path) -> int:
    """`verdict catalogue add --product NAME`: a draft in `products/`, never over a file."""
    try:
        panel = Panel.model_validate(tomllib.loads((directory / "panel.toml").read_text()))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValidationError) as error:
        print(f"verdict: cannot read the panel in {directory}: {error}", file=sys.stderr)
        return EXIT_CATALOGUE
    try:
        slug, text = product_draft(args.product, panel, dt.datetime.now(dt.UTC).date())
    except BadProductName as error:
        print(f"verdict: {error}", file=sys.stderr)
        return EXIT_UNANSWERABLE
    folder = directory / PRODUCTS_DIR
    path = folder / f"{slug}.toml"
    try:
        folder.mkdir(exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        print(f"verdict: {slug} is already drafted or reviewed: {path}", file=sys.stderr)
        return EXIT_UNANSWERABLE
    except OSError as error:
        print(f"verdict: cannot write {path}: {error.strerror or error}", file=sys.stderr)
        return EXIT_UNANSWERABLE
    print(f"wrote {path}")
    print(
        "Every fact is left for a person to read from a source and date; `verdict catalogue "
        "check` fails on this file until they are written, with the panel's four reviews."
    )
    return EXIT_OK
