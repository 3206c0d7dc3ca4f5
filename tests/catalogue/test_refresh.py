"""Fresh prices: genai-prices fetches from a (loopback) URL in the background and every comparer
answers with the new prices afterwards. Off unless asked for."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from genai_prices import data_snapshot

from bot.catalogue import Catalogue, PriceRefresh
from bot.compare import Comparer
from bot.settings import Settings
from tests.loopback import serve

FRESH = [
    {
        "id": "anthropic",
        "name": "Anthropic",
        "api_pattern": "https://api\\.anthropic\\.com",
        "pricing_urls": ["https://www.anthropic.com/pricing#api"],
        "model_match": {"contains": "claude"},
        "models": [
            {
                "id": "claude-opus-4-1",
                "name": "Claude Opus 4.1",
                "match": {"equals": "claude-opus-4-1"},
                "context_window": 200000,
                "prices": {"input_mtok": 7.5, "output_mtok": 37.5},
            }
        ],
    }
]


@pytest.fixture
async def price_server() -> AsyncIterator[tuple[str, list[int]]]:
    fetches: list[int] = []

    async def prices(request: web.Request) -> web.Response:
        fetches.append(1)
        return web.json_response(FRESH)

    app = web.Application()
    app.router.add_get("/data.json", prices)
    runner, port = await serve(app)
    try:
        yield f"http://127.0.0.1:{port}/data.json", fetches
    finally:
        await runner.cleanup()
        data_snapshot.set_custom_snapshot(None)  # the bundled snapshot again for other tests


def test_refreshing_is_off_unless_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VERDICT_REFRESH_PRICES", raising=False)
    assert Settings().refresh_prices is False
    monkeypatch.setenv("VERDICT_REFRESH_PRICES", "1")
    assert Settings().refresh_prices is True


async def test_fetched_prices_reach_the_running_comparer_whole(
    price_server: tuple[str, list[int]], catalogue: Catalogue
) -> None:
    url, fetches = price_server
    comparer = Comparer(catalogue)
    assert "claude-opus-4-1" not in comparer.catalogue.by_slug
    updates: list[Catalogue] = []

    def publish(fresh: Catalogue) -> None:
        updates.append(fresh)
        comparer.replace_catalogue(fresh)

    refresh = PriceRefresh(
        catalogue, publish, today=lambda: dt.date(2026, 11, 24), url=url, poll_s=0.02
    )
    refresh.start()
    try:
        for _ in range(250):
            if updates:
                break
            await asyncio.sleep(0.02)
    finally:
        refresh.stop()
    assert fetches and updates
    opus = comparer.tool("claude opus 4.1")
    assert (opus.pricing.input_usd_per_mtok, opus.pricing.output_usd_per_mtok) == (7.5, 37.5)
    assert opus.pricing.as_of == dt.date(2026, 11, 24)
    assert comparer.tool("smolvlm2").reviewed  # the reviewed files stay on top
    assert comparer.catalogue.by_slug["claude-opus-4-1"] == opus  # catalogue and matcher agree
