"""The pages read the same on SQLite and PostgreSQL: tallies, head to head, the public archive."""

from __future__ import annotations

import datetime as dt

from aiohttp.test_utils import TestClient, TestServer

from adapters.web import WebSite, build_web_app
from bot.catalogue import Catalogue
from bot.compare import Comparer
from bot.votes import Store
from bot.weekly import WeeklyStore
from tests.web.conftest import card, vote


async def test_a_comparison_and_the_weekly_archive_on_either_backend(
    db_location: str, catalogue: Catalogue
) -> None:
    store = await Store.open(db_location)
    client = TestClient(TestServer(build_web_app(WebSite(Comparer(catalogue), store))))
    try:
        await client.start_server()
        card_id = await card(store, ["smolvlm2", "mistral-medium-3"], "m1")
        await vote(store, card_id, "ann", 0)
        await vote(store, card_id, "bob", 1)
        await vote(store, card_id, "cy", 1)
        await vote(store, card_id, "cy", 1, added=False)
        weekly = WeeklyStore(store)
        sub = await weekly.subscribe(
            platform="console",
            channel="c",
            weekday=0,
            hour=9,
            timezone="UTC",
            user_id="u",
            now=dt.datetime(2026, 11, 23, tzinfo=dt.UTC),
        )
        tools = ["smolvlm2", "mistral-medium-3"]
        await weekly.claim(sub.id, "2026-W48", tools, owner="t", now=1.8e9, lease_seconds=600)
        await weekly.mark_sent(sub.id, "2026-W48", message_id="m1", card_id=card_id)
        assert await weekly.set_public_name("console", "c", "ML team")

        async with client.get("/c/mistral-medium-3-vs-smolvlm2") as response:
            html = await response.text()
        assert "Mistral Medium 3 won 1, SmolVLM2 won 1 (2 votes in all)" in html
        assert "50% of 2 votes" in html
        async with client.get("/weekly") as response:
            html = await response.text()
        assert "ML team" in html and 'href="/c/mistral-medium-3-vs-smolvlm2"' in html
    finally:
        await client.close()
        await store.close()
