"""`verdict doctor`: the checks of each chat platform in the registry that is set up (or of the
one named), then the database, the catalogue and the public URL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from adapters.doctor.data_checks import (
    catalogue_check,
    data_age_check,
    database_check,
    public_url_check,
)
from adapters.doctor.report import Check, fail
from adapters.platform import DoctorOptions
from adapters.registry import chat_platforms
from bot.catalogue import default_cache_dir
from bot.settings import Settings


async def run_doctor(
    settings: Settings,
    *,
    platform: str | None,
    catalogue_dir: Path,
    channel: str | None = None,
    offline: bool = False,
) -> list[Check]:
    """Every check for `platform` (or for each platform whose token is set), then the
    database and the catalogue. `offline` leaves out everything that needs the network."""
    known = chat_platforms()
    chosen = [p for p in known if (p.name == platform if platform is not None else p.configured())]
    checks: list[Check] = []
    if not chosen:
        tokens = " or ".join(p.token_setting or "" for p in known)
        names = ", ".join(p.name.capitalize() for p in known)
        checks.append(fail("settings", f"no {tokens} is set; set one (docs/running.md: {names})"))
    options = DoctorOptions(channel=channel, offline=offline)
    for entry in chosen:
        checks += await entry.doctor(settings, options)
    checks.append(await database_check(settings.db))
    cache_dir = settings.cache_dir or default_cache_dir()
    today = dt.datetime.now(dt.UTC).date()
    checks.append(
        catalogue_check(catalogue_dir, dataset=settings.dataset, cache_dir=cache_dir, today=today)
    )
    checks.append(data_age_check(cache_dir, today))
    if settings.public_url and not offline:
        checks.append(await public_url_check(settings.public_url))
    return checks
