"""What the bot reads on this machine and beyond the platform: the database (reachable, schema
not newer than the bot; read without creating or migrating it), the catalogue, and the public
URL's health route."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp

from adapters.doctor.report import DEADLINE_SECONDS, Check, fail, ok
from adapters.logs import describe_database
from bot.catalogue import check_catalogue, check_with_known_models
from bot.errors import Problem
from bot.settings import bundled_catalogue_dir
from bot.storage import SCHEMA_VERSION, DatabaseError, read_schema_version

HEALTH_PATH = "/healthz"


async def database_check(location: str) -> Check:
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


def catalogue_check(directory: Path, *, dataset: bool, cache_dir: Path, today: dt.date) -> Check:
    """The catalogue as the bot serves it, counted as its start-up line counts it: the reviewed
    files, and (unless VERDICT_DATASET=0) every model of the price data under them."""
    reviewed, problems = check_catalogue(directory)
    if reviewed is None:
        return _catalogue_failed(directory, problems)
    where = "the bundled catalogue" if directory == bundled_catalogue_dir() else str(directory)
    if not dataset:
        return ok("catalogue", f"{len(reviewed.tools)} tools, all reviewed, {where}")
    served, problems = check_with_known_models(directory, as_of=today, cache_dir=cache_dir)
    if served is None:
        return _catalogue_failed(directory, problems)
    more = len(served.tools) - len(reviewed.tools)
    return ok(
        "catalogue",
        f"{len(served.tools)} tools: {len(reviewed.tools)} reviewed ({where}) and {more} "
        "more from the price data",
    )


def _catalogue_failed(directory: Path, problems: Sequence[Problem]) -> Check:
    first = problems[0] if problems else "unreadable"
    return fail(
        "catalogue",
        f"{len(problems)} problem(s) in {directory}, first: {first}; "
        "`verdict catalogue check` lists them all",
    )


def data_age_check(cache_dir: Path, today: dt.date) -> Check:
    """How old the prices and capabilities are, and whether the last refresh failed."""
    from bot.catalogue.capabilities_data import capability_index
    from bot.catalogue.freshness import describe

    index = capability_index(cache_dir)
    healthy, detail = describe(
        cache_dir, capabilities_read_on=index.read_on if index else None, today=today
    )
    if healthy:
        return ok("data", detail)
    return fail("data", f"{detail}; the bot answers from the data at hand until a refresh works")


async def public_url_check(url: str) -> Check:
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
