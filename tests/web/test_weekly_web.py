"""The weekly archive on the web shows only channels that chose it; the feed is valid Atom."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from adapters.console.chat import ConsoleSession, open_console
from adapters.web import WebSite, build_web_app
from bot.catalogue import Catalogue

ATOM = "{http://www.w3.org/2005/Atom}"
MONDAY_10 = dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC)


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
async def two_channels(
    tmp_path: Path, catalogue: Catalogue
) -> AsyncIterator[tuple[ConsoleSession, ConsoleSession, TestClient]]:
    """Two terminal channels on one database, each with a week of weekly verdicts sent."""
    clock = Clock(MONDAY_10)
    db = tmp_path / "weekly.db"
    async with (
        open_console(db=db, catalogue=catalogue, channel="ml-team", clock=clock) as public,
        open_console(db=db, catalogue=catalogue, channel="secret", clock=clock) as private,
    ):
        for session in (public, private):
            await session.send("/verdicts subscribe mon 9 UTC")
            await session.send("/verdicts now")
        clock.now += dt.timedelta(days=7)
        await public.send("/verdicts now")  # a second week for the public channel
        public.pop_all()
        private.pop_all()
        site = WebSite(public.bot.comparer, public.bot.store)
        client = TestClient(TestServer(build_web_app(site), host="127.0.0.1"))
        await client.start_server()
        try:
            yield public, private, client
        finally:
            await client.close()


async def test_only_channels_that_chose_to_be_public_are_shown(
    two_channels: tuple[ConsoleSession, ConsoleSession, TestClient],
) -> None:
    public, _, client = two_channels
    async with client.get("/weekly") as response:
        assert "No channel publishes its weekly verdicts yet." in await response.text()

    await public.send("/verdicts public   ML   team ")
    assert (
        public.pop().text
        == 'This channel\'s weekly verdicts are now public on the web as "ML team".'
    )
    async with client.get("/weekly") as response:
        html = await response.text()
    assert '<h2 id="channel-1">ML team</h2>' in html
    assert html.count('<li><span class="week">') == 2
    assert "2026-W48" in html and "2026-W49" in html
    assert "secret" not in html and "ml-team" not in html  # platform ids never shown

    await public.send("/verdicts private")
    async with client.get("/weekly") as response:
        assert "ML team" not in await response.text()


async def test_making_public_a_channel_without_a_weekly_verdict_is_refused(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    async with open_console(db=tmp_path / "c.db", catalogue=catalogue) as session:
        await session.send("/verdicts public Team")
        assert "subscribe first" in session.pop().text


async def test_the_feed_is_valid_atom_with_one_entry_per_public_weekly_verdict(
    two_channels: tuple[ConsoleSession, ConsoleSession, TestClient],
) -> None:
    public, _, client = two_channels
    await public.send("/verdicts public ML team")
    async with client.get("/weekly.atom") as response:
        assert response.status == 200
        assert response.content_type == "application/atom+xml"
        etag = response.headers["ETag"]
        feed = ET.fromstring(await response.read())
    async with client.get("/weekly.atom", headers={"If-None-Match": etag}) as response:
        assert response.status == 304

    # RFC 4287: the feed has an id, a title, an updated date, an author and a self link;
    # every entry an id, a title and an updated date; dates are RFC 3339.
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    rels = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert rels["self"].endswith("/weekly.atom") and rels["alternate"].endswith("/weekly")
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == 2 and all(i and i.startswith("tag:") for i in ids)
    updated = [dt.datetime.fromisoformat(e.findtext(f"{ATOM}updated") or "") for e in entries]
    assert updated == sorted(updated, reverse=True)  # newest first
    assert dt.datetime.fromisoformat(feed.findtext(f"{ATOM}updated") or "") == updated[0]
    for entry in entries:
        title = entry.findtext(f"{ATOM}title") or ""
        assert title.startswith("ML team, 2026-W4")
        link = entry.find(f"{ATOM}link")
        assert link is not None and "/c/" in (link.get("href") or "")
        assert (entry.findtext(f"{ATOM}summary") or "").startswith("Verdict: ")
