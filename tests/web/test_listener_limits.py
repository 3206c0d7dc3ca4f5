"""The pages' port under slow and half-open clients, for real on 127.0.0.1: the listener keeps
within its connection cap (so it can never take the descriptors a chat listener in the same
process needs), sheds the idle connections to let a real visitor in, and closes a connection
that never finishes its request."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from adapters.web import WebSite, start_web
from adapters.web.listener import PageListener, WebLimits
from bot.catalogue import Catalogue
from bot.compare import Comparer
from bot.votes import Store

LIMITS = WebLimits(header_seconds=0.5, max_connections=8, max_in_flight=4)


@pytest.fixture
async def pages(tmp_path: Path, catalogue: Catalogue) -> AsyncIterator[tuple[PageListener, int]]:
    store = await Store.open(tmp_path / "web.db")
    site = WebSite(Comparer(catalogue), store, public_url="https://verdict.example")
    listener = await start_web(site, "127.0.0.1", 0, LIMITS)
    port = listener.port
    try:
        yield listener, port
    finally:
        await listener.cleanup()
        await store.close()


async def half_open(port: int, n: int, head: bytes = b"") -> list[asyncio.StreamWriter]:
    """`n` connections that send `head` (maybe part of a request) and then nothing."""
    writers = []
    for _ in range(n):
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        if head:
            writer.write(head)
        writers.append(writer)
    await asyncio.sleep(0.05)
    return writers


async def get(port: int, path: str = "/") -> int:
    timeout = aiohttp.ClientTimeout(total=3)
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.get(f"http://127.0.0.1:{port}{path}") as response,
    ):
        await response.read()
        return response.status


async def test_a_visitor_gets_in_past_a_crowd_of_half_open_connections(
    pages: tuple[PageListener, int],
) -> None:
    listener, port = pages
    crowd = await half_open(port, 30, b"GET / HTTP/1.1\r\nHost: x\r\n")  # never ends its head
    assert listener.open_connections <= LIMITS.max_connections
    server = listener.runner.server
    assert server is not None and len(server.connections) <= LIMITS.max_connections
    assert await get(port) == 200
    assert listener.load.shed >= 30 - LIMITS.max_connections
    assert listener.load.peak_open <= LIMITS.max_connections
    for writer in crowd:
        writer.close()


async def test_a_connection_that_never_finishes_its_request_is_closed(
    pages: tuple[PageListener, int],
) -> None:
    _, port = pages
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET / HTTP/1.1\r\nHo")
    closed_by_server = await asyncio.wait_for(reader.read(), timeout=LIMITS.header_seconds + 2)
    assert closed_by_server == b""  # EOF, with no answer: the server hung up
    writer.close()


async def test_a_connection_that_sends_nothing_is_closed(pages: tuple[PageListener, int]) -> None:
    _, port = pages
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    assert await asyncio.wait_for(reader.read(), timeout=LIMITS.header_seconds + 2) == b""
    writer.close()


async def test_a_20000_character_url_is_a_400_and_one_log_line(
    pages: tuple[PageListener, int], caplog: pytest.LogCaptureFixture
) -> None:
    _, port = pages
    with caplog.at_level(logging.DEBUG):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /c/" + b"a" * 20_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        status = await asyncio.wait_for(reader.readline(), 3)
        writer.close()
        assert await get(port, "/") == 200  # and the pages go on
    assert status.split()[1] == b"400"
    said = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in said] == [
        "web: 400 to a malformed request (LineTooLong: Got more than 8190 bytes when reading)"
    ]
    assert said[0].exc_info is None and "aaaa" not in caplog.text
