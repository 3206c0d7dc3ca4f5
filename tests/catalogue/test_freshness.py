"""Fresh data everywhere, honestly: what the refresh fetches (over loopback fakes of both
sources) lands in the shared cache directory, every later reader answers from it with the fetch
day as its date, and a failing refresh is one WARNING a day and a doctor line."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.catalogue import Catalogue, PriceRefresh, known_tools
from bot.catalogue.capabilities import SOURCE_URL
from bot.catalogue.capabilities_data import capability_index
from bot.catalogue.freshness import describe, read_state
from tests.catalogue.test_capabilities import FETCHED
from tests.catalogue.test_refresh import FRESH
from tests.loopback import serve

TODAY = dt.date(2026, 12, 3)


@pytest.fixture
async def sources() -> AsyncIterator[tuple[str, dict[str, int]]]:
    """Loopback genai-prices (/prices.json) and models.dev (/api.json); /down/... fail."""
    hits: dict[str, int] = {}

    async def prices(request: web.Request) -> web.Response:
        hits["prices"] = hits.get("prices", 0) + 1
        return web.json_response(FRESH)

    async def api(request: web.Request) -> web.Response:
        hits["capabilities"] = hits.get("capabilities", 0) + 1
        return web.json_response(FETCHED)

    async def down(request: web.Request) -> web.Response:
        hits["down"] = hits.get("down", 0) + 1
        return web.Response(status=503, text="down")

    app = web.Application()
    app.router.add_get("/prices.json", prices)
    app.router.add_get("/api.json", api)
    app.router.add_get("/down/{name}", down)
    runner, port = await serve(app)
    try:
        yield f"http://127.0.0.1:{port}", hits
    finally:
        await runner.cleanup()


async def test_fetched_data_reaches_every_later_reader_dated_by_the_fetch(
    sources: tuple[str, dict[str, int]], catalogue: Catalogue, tmp_path: Path
) -> None:
    base, hits = sources
    fetched_on = dt.date(2026, 12, 2)
    published: list[Catalogue] = []
    refresh = PriceRefresh(
        catalogue,
        published.append,
        today=lambda: fetched_on,
        url=f"{base}/prices.json",
        capabilities_url=f"{base}/api.json",
        cache_dir=tmp_path,
    )
    assert await asyncio.to_thread(refresh.refresh_once)
    assert hits == {"prices": 1, "capabilities": 1}

    # a later process (the CLI, the web pages) reads the same directory: the fetched data
    tools, info = known_tools(TODAY, cache_dir=tmp_path)
    assert "data fetched 2026-12-02" in info.label
    opus = next(t for t in tools if t.slug == "claude-opus-4-1")
    # The data's name and the day it was fetched are in the sources, not in the tagline.
    [dataset] = [s for s in opus.sources if "genai-prices" in str(s.url)]
    assert dataset.read_on == fetched_on and "genai-prices" not in opus.tagline
    assert (opus.pricing.input_usd_per_mtok, opus.pricing.output_usd_per_mtok) == (7.5, 37.5)
    fetched = {t.slug: t for t in tools}
    assert "gpt-5" not in fetched  # only what was fetched: the bundled data is not mixed in
    # the refreshed models.dev copy knows Opus 4.8 only: 4.1 now has no capabilities, unknown
    assert not any(str(s.url) == SOURCE_URL for s in opus.sources)
    assert opus.facts.tool_calling is None
    index = capability_index(tmp_path)
    assert index is not None and index.read_on == fetched_on

    healthy, line = describe(tmp_path, capabilities_read_on=fetched_on)
    assert healthy
    assert line == "prices fetched 2026-12-02; capabilities collected 2026-12-02"


async def test_a_failing_refresh_warns_once_a_day_and_tells_the_doctor(
    sources: tuple[str, dict[str, int]],
    catalogue: Catalogue,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    base, hits = sources
    day = [TODAY]
    refresh = PriceRefresh(
        catalogue,
        lambda _: None,
        today=lambda: day[0],
        url=f"{base}/down/prices",
        capabilities_url=f"{base}/down/api",
        cache_dir=tmp_path,
    )
    with caplog.at_level(logging.INFO, logger="bot.catalogue.refresh"):
        for _ in range(3):
            assert not await asyncio.to_thread(refresh.refresh_once)
        day[0] = TODAY + dt.timedelta(days=1)
        assert not await asyncio.to_thread(refresh.refresh_once)
    assert hits["down"] == 8
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.levelname for r in warnings] == ["WARNING"] * 4  # 2 sources x 2 days, no ERROR
    state = read_state(tmp_path)
    assert state["prices"].failing and state["prices"].failed_on == day[0]
    healthy, line = describe(tmp_path, capabilities_read_on=None)
    assert not healthy
    assert f"the prices refresh failed on {day[0]}" in line
