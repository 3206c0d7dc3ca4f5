"""Growing the catalogue from the command line: `verdict request NAME` (ask for a tool the
catalogue lacks), `verdict catalogue requests` (the most wanted, with counts) and `verdict
catalogue add` (a draft file for a new tool, from a dataset model, a Hugging Face Hub model or
a product's name). A draft's facts come from the source the file names; the panel's reviews,
and any fact the source does not state, are left for a person, so `verdict catalogue check`
fails on the file until they are written. A draft is never written over a file."""

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
from bot.catalogue import (
    Catalogue,
    Draft,
    HubError,
    Panel,
    Tool,
    check_catalogue,
    default_cache_dir,
    draft_from_hub,
    known_tools,
    pair_layers,
    scaffold_toml,
)
from bot.catalogue.loader import PRODUCTS_DIR
from bot.catalogue.product_draft import BadProductName, product_draft
from bot.compare import Comparer, Matcher
from bot.errors import VerdictError
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


TOOL_NEXT = (
    "The facts come from the source named in the file; the panel reviews (and any fact the "
    "source does not state) are left for a person to write, so `verdict catalogue check` "
    "fails on this file until they are."
)
PRODUCT_NEXT = (
    "Every fact is left for a person to read from a source and date; `verdict catalogue "
    "check` fails on this file until they are written, with the panel's four reviews."
)


class Refused(Exception):
    """A draft that is not written: the line for stderr, and exit 2."""


def add(args: argparse.Namespace, directory: Path, today: dt.date) -> int:
    """Write the draft `args` asks for into the catalogue `directory`, never over a file."""
    # Only the panel must be sound: other drafts awaiting their reviews may be in the directory.
    try:
        panel = Panel.model_validate(tomllib.loads((directory / "panel.toml").read_text()))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValidationError) as error:
        print(f"verdict: cannot read the panel in {directory}: {error}", file=sys.stderr)
        return EXIT_CATALOGUE
    try:
        if args.product is not None:
            slug, text = _product(args.product, panel, today)
            (directory / PRODUCTS_DIR).mkdir(exist_ok=True)
            path = directory / PRODUCTS_DIR / f"{slug}.toml"
        else:
            draft = _tool(args, directory, today)
            slug, text = draft.slug, scaffold_toml(draft, panel)
            path = directory / "tools" / f"{slug}.toml"
        _write_new(path, slug, text)
    except Refused as refused:
        print(refused, file=sys.stderr)
        return EXIT_UNANSWERABLE
    except OSError as error:
        print(f"verdict: cannot write {path}: {error.strerror or error}", file=sys.stderr)
        return EXIT_UNANSWERABLE
    print(f"wrote {path}")
    print(PRODUCT_NEXT if args.product is not None else TOOL_NEXT)
    return EXIT_OK


def _product(name: str, panel: Panel, today: dt.date) -> tuple[str, str]:
    try:
        return product_draft(name, panel, today)
    except BadProductName as error:
        raise Refused(f"verdict: {error}") from None


def _tool(args: argparse.Namespace, directory: Path, today: dt.date) -> Tool | Draft:
    """The tool drafted from the dataset or the Hub; refused when it is reviewed already."""
    if args.from_dataset is None:
        try:
            return draft_from_hub(args.from_hub)
        except HubError as error:
            raise Refused(f"verdict: {error}") from None
    settings = load_settings()
    known, _ = known_tools(today, cache_dir=settings.cache_dir or default_cache_dir())
    try:
        draft = Matcher(known).resolve(args.from_dataset)
    except VerdictError as error:
        raise Refused(error.message) from None
    reviewed, _ = check_catalogue(directory)
    twins = pair_layers(reviewed.tools, [draft]) if reviewed is not None else []
    if twins:
        raise Refused(f"verdict: {draft.name} is already reviewed as {twins[0][0].slug}")
    return draft


def _write_new(path: Path, slug: str, text: str) -> None:
    """`text` into `path`, which must not exist yet (a reviewed file is never overwritten)."""
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise Refused(f"verdict: {slug} is already reviewed or drafted: {path}") from None
