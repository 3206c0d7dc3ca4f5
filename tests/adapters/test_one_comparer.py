"""A running bot has one comparer, built at start-up: a price refresh swaps its catalogue whole
and the next /compare on Slack, and the web pages the same process serves, answer from it."""

from __future__ import annotations

import asyncio
from pathlib import Path

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.bot import EVENTS_PATH, SlackVerdicts, build_app
from adapters.web import WebSite
from bot.catalogue import Catalogue
from bot.compare import Comparer
from bot.votes import EditCoalescer, Store
from tests.adapters.test_slack import SECRET, SlackHarness
from tests.fake_slack import BOT_USER, FakeSlack
from tests.loopback import serve

LATE = "moondream2"
"""The tool the start-up catalogue lacks and the refreshed one has."""


async def _posted(fake: FakeSlack, method: str, count: int) -> None:
    for _ in range(200):
        if len(fake.of(method)) >= count:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"{method} was not called {count} time(s)")


async def test_a_refresh_reaches_slack_and_the_pages_through_the_one_comparer(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    before = Catalogue(
        panel=catalogue.panel,
        tools=tuple(t for t in catalogue.tools if t.slug != LATE),
        weekly=catalogue.weekly,
    )
    comparer = Comparer(before)
    fake = FakeSlack()
    client = AsyncWebClient(token="xoxb-test", base_url=await fake.start())
    store = await Store.open(tmp_path / "slack.db")
    services = SlackVerdicts(
        client,
        before,
        store,
        bot_user_id=BOT_USER,
        edits=EditCoalescer(interval=0.2),
        comparer=comparer,
    )
    site = WebSite(services.bot.comparer, store, public_url=None)
    app = build_app(lambda: services, client=client, signing_secret=SECRET)
    runner, port = await serve(app.web_app(path=EVENTS_PATH))
    slack = SlackHarness(fake, services, f"http://127.0.0.1:{port}{EVENTS_PATH}")
    try:
        await slack.command("/compare", "moondream2 vs smolvlm2")
        await _posted(fake, "chat.postEphemeral", 1)
        assert not fake.of("chat.postMessage")
        assert LATE not in site.comparer.catalogue.by_slug

        comparer.replace_catalogue(catalogue)  # what the price refresh does, from its thread

        await slack.command("/compare", "moondream2 vs smolvlm2")
        await _posted(fake, "chat.postMessage", 1)
        [card] = fake.of("chat.postMessage")
        assert "Moondream 2" in str(card.args["blocks"])
        assert site.comparer.catalogue.by_slug[LATE].name == "Moondream 2"
    finally:
        await slack.session.close()
        await services.edits.drain()
        await runner.cleanup()
        await store.close()
        await fake.stop()
