"""The web pages served for real on 127.0.0.1 by aiohttp's test server, over a SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from adapters.web import WebSite, build_web_app
from bot.catalogue import Catalogue
from bot.compare import Comparer
from bot.votes import Store, VoteWrite


@dataclass
class Web:
    client: TestClient
    site: WebSite
    store: Store

    async def get(self, path: str, **kwargs: object) -> tuple[int, str]:
        async with self.client.get(path, allow_redirects=False, **kwargs) as response:
            return response.status, await response.text()


async def card(
    store: Store, slugs: Sequence[str], message_id: str, *, use_case: str | None = None
) -> int:
    record = await store.register_card(
        platform="console",
        channel="c",
        message_id=message_id,
        tools=slugs,
        asked_by="asker",
        use_case=use_case,
    )
    return record.id


async def vote(store: Store, card_id: int, voter: str, choice: int, *, added: bool = True) -> None:
    await store.record_vote(
        VoteWrite(
            card_id=card_id,
            voter=voter,
            added=added,
            choice=choice,
            event_time=float(len(voter) + choice) if added else 1e9,
            event_key=None,
        )
    )


@pytest.fixture
def web_catalogue(catalogue: Catalogue) -> Catalogue:
    """The catalogue a test's site serves; a test overrides this to serve its own tools."""
    return catalogue


@pytest.fixture
async def web(tmp_path: Path, web_catalogue: Catalogue) -> AsyncIterator[Web]:
    store = await Store.open(tmp_path / "web.db")
    site = WebSite(Comparer(web_catalogue), store, public_url="https://verdict.example")
    client = TestClient(TestServer(build_web_app(site), host="127.0.0.1"))
    try:  # an open store must always be closed: its thread would keep pytest from exiting
        await client.start_server()
        yield Web(client, site, store)
    finally:
        await client.close()
        await store.close()
