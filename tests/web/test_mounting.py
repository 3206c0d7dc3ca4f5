"""The pages mounted in another aiohttp app, as `verdict slack` (HTTP mode) will: one port
serves both Slack's events and the pages, and neither gets in the other's way."""

from __future__ import annotations

from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.web import WebSite, add_web_routes
from bot.catalogue import Catalogue
from bot.compare import Comparer
from bot.votes import Store


async def test_pages_mounted_beside_slacks_events_endpoint(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    bolt = AsyncApp(
        client=AsyncWebClient(token="xoxb-test", base_url="http://127.0.0.1:9/"),
        signing_secret="secret",
    )
    app = bolt.web_app(path="/slack/events")
    store = await Store.open(tmp_path / "web.db")
    add_web_routes(app, WebSite(Comparer(catalogue), store))
    client = TestClient(TestServer(app, host="127.0.0.1"))
    try:
        await client.start_server()
        async with client.get("/c/mistral-medium-3-vs-smolvlm2") as response:
            assert response.status == 200
            assert "Verdict: ship SmolVLM2." in await response.text()
        async with client.post("/slack/events", data=b"{}") as response:
            assert response.status == 401  # unsigned: still bolt's answer, not ours
    finally:
        await client.close()
        await store.close()
