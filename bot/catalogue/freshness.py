"""How old the catalogue's data is, and what the last refresh of each source did.

The refresh (`refresh.py`) writes each fetched dataset into the cache directory and records its
outcome in `refresh-state.json` there; the CLI, the web pages and both bots read the same
directory, so they all answer from the same data, and `verdict doctor` reads the state to say
how old it is and whether the last refresh failed. A failed refresh is worth one WARNING a day,
not one per attempt: `record_failure` says whether this is the day's first.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.catalogue.models import Tool

STATE_FILE = "refresh-state.json"
PRICES_FILE = "genai-prices.json"
SOURCES = ("prices", "capabilities")


@dataclass(frozen=True, slots=True)
class SourceState:
    """One source's last refresh: the day it last succeeded, the day it last failed and why."""

    ok_on: dt.date | None = None
    failed_on: dt.date | None = None
    error: str = ""

    @property
    def failing(self) -> bool:
        return self.failed_on is not None and (self.ok_on is None or self.failed_on >= self.ok_on)


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def read_state(cache_dir: Path) -> dict[str, SourceState]:
    """Every source's state; a missing or damaged file reads as "never refreshed"."""
    try:
        raw = json.loads((cache_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raw = {}
    states = {}
    for source in SOURCES:
        entry = raw.get(source) if isinstance(raw, dict) else None
        entry = entry if isinstance(entry, dict) else {}
        states[source] = SourceState(
            ok_on=_day(entry.get("ok_on")),
            failed_on=_day(entry.get("failed_on")),
            error=str(entry.get("error", ""))[:300],
        )
    return states


def _write_state(cache_dir: Path, states: dict[str, SourceState]) -> None:
    payload = {
        source: {
            "ok_on": state.ok_on.isoformat() if state.ok_on else None,
            "failed_on": state.failed_on.isoformat() if state.failed_on else None,
            "error": state.error,
        }
        for source, state in states.items()
    }
    write_atomically(cache_dir / STATE_FILE, json.dumps(payload))


def write_atomically(path: Path, text: str) -> None:
    """Write a file whole or not at all (a temporary file renamed into place)."""
    written: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", dir=path.parent, prefix=f".{path.name}-", delete=False, encoding="utf-8"
        ) as handle:
            written = handle.name
            handle.write(text)
        os.replace(written, path)
    except OSError:
        if written is not None:
            with contextlib.suppress(OSError):
                os.unlink(written)
        raise


def record_success(cache_dir: Path, source: str, day: dt.date) -> None:
    states = read_state(cache_dir)
    previous = states[source]
    states[source] = SourceState(ok_on=day, failed_on=previous.failed_on, error=previous.error)
    with contextlib.suppress(OSError):
        _write_state(cache_dir, states)


def record_failure(cache_dir: Path, source: str, day: dt.date, error: str) -> bool:
    """Note a failed refresh; True when it is the first failure of `day` (log it then)."""
    states = read_state(cache_dir)
    previous = states[source]
    first_today = previous.failed_on != day
    states[source] = SourceState(ok_on=previous.ok_on, failed_on=day, error=error[:300])
    with contextlib.suppress(OSError):
        _write_state(cache_dir, states)
    return first_today


def _dated(day: dt.date, today: dt.date | None) -> str:
    """ "2026-05-21", or with `today` "2026-05-21 (196 days ago)": how old, at a glance."""
    if today is None:
        return day.isoformat()
    days = (today - day).days
    age = "today" if days == 0 else f"{days} day{'s' if days != 1 else ''} ago"
    return f"{day.isoformat()} ({age})"


def describe(
    cache_dir: Path, *, capabilities_read_on: dt.date | None, today: dt.date | None = None
) -> tuple[bool, str]:
    """One doctor line: (healthy, what it says). Unhealthy when a refresh is failing. With
    `today`, each date also says how many days old the data is."""
    states = read_state(cache_dir)
    prices_on = fetched_on(cache_dir)
    # Dates first: the line says plainly when the data is from; the age follows when asked.
    prices = (
        f"prices fetched {_dated(prices_on, today)}"
        if prices_on
        else "prices from the bundled genai-prices (never refreshed: VERDICT_REFRESH_PRICES=1)"
    )
    capabilities = (
        f"capabilities collected {_dated(capabilities_read_on, today)}"
        if capabilities_read_on
        else "no capabilities data"
    )
    failing = [
        f"the {source} refresh failed on {state.failed_on}: {state.error}"
        for source, state in states.items()
        if state.failing
    ]
    return (not failing, "; ".join([prices, capabilities, *failing]))


def fetched_on(cache_dir: Path) -> dt.date | None:
    """The day the refreshed price data in `cache_dir` was fetched, if there is any."""
    try:
        with (cache_dir / PRICES_FILE).open("rb") as handle:
            head = handle.read(64)
    except OSError:
        return None
    # {"read_on": "2026-12-02", ...}: the date is written first, so it is read without a parse
    text = head.decode("ascii", errors="ignore")
    start = text.find('"read_on": "')
    return _day(text[start + 12 : start + 22]) if start >= 0 else None


def data_age(tools: Iterable[Tool]) -> str | None:
    """How old the dataset facts about `tools` are, for a card's footer or a tool page:
    "prices: genai-prices data of 2026-12-02; specs: models.dev data of 2026-05-21" (the
    capabilities models.dev states: context, modalities, tool calling, …).

    Each date is the day the data was collected (`Source.read_on`), never the day it was read:
    the bundled price snapshot has none, so it is named by its package version instead. Where
    tools differ, the oldest date shows. None when no fact on them comes from a dataset."""
    found: dict[tuple[str, str], dt.date | None] = {}
    for tool in tools:
        for source in tool.sources:
            if source.dataset is None:
                continue
            kind = "prices" if "pricing" in source.supports else "specs"
            key = (kind, source.dataset)
            if key not in found or _older(source.read_on, found[key]):
                found[key] = source.read_on
    parts = [
        f"{kind}: {name} data of {day.isoformat()}" if day else f"{kind}: {name} (bundled)"
        for (kind, name), day in sorted(found.items(), key=lambda item: item[0][0] != "prices")
    ]
    return "; ".join(parts) or None


def _older(day: dt.date | None, than: dt.date | None) -> bool:
    return day is not None and (than is None or day < than)
