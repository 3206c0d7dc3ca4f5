"""Control characters in a weekly archive's public name: refused when typed, and a name
stored before that (by an older bot) is escaped on every page, so /weekly.atom stays valid XML
instead of answering 500 for good. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from adapters.console.chat import ConsoleSession, open_console
from adapters.web import WebSite, build_web_app
from bot.catalogue import Catalogue

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = "ML\x1b[31m team\x00\x07\x7f\x85"
STORED = "ML\x1b[31m team\x01\x07\x7f\x85"
"""What an older bot could have stored (PostgreSQL text cannot hold NUL)."""


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
async def channel(db_location: str, catalogue: Catalogue) -> AsyncIterator[ConsoleSession]:
    clock = Clock(dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC))
    async with open_console(db=db_location, catalogue=catalogue, channel="ml", clock=clock) as s:
        await s.send("/verdicts subscribe mon 9 UTC")
        await s.send("/verdicts now")
        s.pop_all()
        yield s


async def test_a_public_name_with_control_characters_is_refused(channel: ConsoleSession) -> None:
    await channel.send(f"/verdicts public {HOSTILE}")
    [answer] = channel.pop_all()
    assert answer.text == "That contains control characters; type it again without them."
    assert (
        await channel.bot.store.fetch(
            "SELECT public_name FROM subscriptions WHERE public_name IS NOT NULL", ()
        )
        == []
    )


async def test_a_stored_name_with_control_characters_is_escaped_in_the_feed_and_page(
    channel: ConsoleSession,
) -> None:
    await channel.bot.store.write("UPDATE subscriptions SET public_name = ?", (STORED,))
    site = WebSite(channel.bot.comparer, channel.bot.store, public_url="https://v.example")
    client = TestClient(TestServer(build_web_app(site), host="127.0.0.1"))
    await client.start_server()
    try:
        async with client.get("/weekly.atom") as response:
            assert response.status == 200
            feed = ET.fromstring(await response.read())
        async with client.get("/weekly") as response:
            assert response.status == 200
            page = await response.text()
    finally:
        await client.close()
    [title] = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    assert title is not None and title.startswith("ML\ufffd[31m team\ufffd\ufffd\ufffd\ufffd, ")
    assert "\x1b" not in page and "\x01" not in page
    assert "ML\ufffd[31m team" in page


async def test_the_host_header_is_never_written_into_a_page(
    tmp_path: object, catalogue: Catalogue
) -> None:
    from pathlib import Path

    from bot.compare import Comparer
    from bot.votes import Store

    store = await Store.open(Path(str(tmp_path)) / "web.db")
    site = WebSite(Comparer(catalogue), store)  # no VERDICT_PUBLIC_URL
    client = TestClient(TestServer(build_web_app(site), host="127.0.0.1"))
    await client.start_server()
    try:
        for path in ("/", "/c/mistral-medium-3-vs-smolvlm2", "/weekly.atom", "/nope"):
            headers = {"Host": "evil.example"}
            async with client.get(path, headers=headers, allow_redirects=False) as response:
                body = await response.text()
            assert "evil.example" not in body, path
        assert '<link rel="canonical" href="/c/mistral-medium-3-vs-smolvlm2">' in (
            await (await client.get("/c/mistral-medium-3-vs-smolvlm2")).text()
        )
    finally:
        await client.close()
        await store.close()
