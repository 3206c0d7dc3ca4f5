"""The order a list of tools is shown in, on every surface (`verdict list`, chat `/tools`):
what people can use and the panel reviewed first, then the most asked and the newest, so the
first page is tools worth reading about, not the alphabet's obscure end. Retired tools last,
or left out where a list hides them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from bot.catalogue.models import Tool

_STATUS_RANK = {"active": 0, "deprecated": 1, "retired": 2}


def listing_key(
    tool: Tool, today: dt.date, asked: Mapping[str, int] | None = None
) -> tuple[int, int, int, int, int, str]:
    """Current before deprecated before retired; reviewed first; then asked about more often
    (`asked`: slug → how many times, where the caller knows), released more recently, and
    served by more providers (the generated layer knows no release date: how widely a model is
    sold is the sign it is known); the name last, so the order is stable."""
    released = tool.released.toordinal() if tool.released is not None else 0
    return (
        _STATUS_RANK[tool.status_on(today)],
        0 if tool.reviewed else 1,
        -(asked or {}).get(tool.slug, 0),
        -released,
        -len(tool.offers),
        tool.name.casefold(),
    )


def in_listing_order(
    tools: Iterable[Tool],
    today: dt.date,
    *,
    retired: bool = True,
    asked: Mapping[str, int] | None = None,
) -> list[Tool]:
    """`tools` in the listing order; `retired` False leaves out the tools retired on `today`."""
    shown = [t for t in tools if retired or t.status_on(today) != "retired"]
    return sorted(shown, key=lambda t: listing_key(t, today, asked))
