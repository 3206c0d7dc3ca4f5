"""The web pages under load: a comparison page with 1,000,000 votes stored, and a cached page.

Run: `python -m benchmarks.web [--votes-stored 1000000] [--seconds 5] [--connections 16]`.
It fills a fresh SQLite file through the store (the same triggers every vote takes), spread
over cards of random 2-, 3- and 4-tool comparisons of the bundled catalogue, then starts the
real `verdict web` process on it and measures over loopback HTTP from this process:

- a comparison page that must be rebuilt: before each request a vote lands on one of its cards
  (committed by this process), so the page's tallies changed and its cache entry is stale;
- a cached page: one comparison requested by `--connections` clients at once for `--seconds`.

Targets (issue 15): rebuilt comparison page p99 <= 20 ms; >= 1,000 cached requests/s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from bot.catalogue import load_catalogue
from bot.compare import comparison_path
from bot.settings import bundled_catalogue_dir
from bot.votes import Store, VoteWrite

CARDS = 5_000
"""Cards the votes are spread over: each pair of tools shares a few hundred of them."""
TARGET_P99_MS = 20.0
TARGET_RPS = 1_000.0

Cards = list[tuple[int, tuple[str, ...]]]


async def _fill(store: Store, slugs: list[str], votes: int, rng: random.Random) -> Cards:
    cards = []
    for i in range(CARDS):
        tools = tuple(rng.sample(slugs, rng.choice((2, 2, 2, 3, 4))))
        record = await store.register_card(
            platform="bench", channel=f"ch{i % 50}", message_id=str(i), tools=tools, asked_by="a"
        )
        cards.append((record.id, tools))
    per_card = votes // CARDS

    async def voter(lane: int) -> None:
        for index in range(lane, CARDS, 64):
            card_id, tools = cards[index]
            for n in range(per_card):
                await store.record_vote(
                    VoteWrite(
                        card_id=card_id,
                        voter=f"u{index}-{n}",
                        added=True,
                        choice=rng.randrange(len(tools)),
                        event_time=float(n),
                        event_key=f"{index}|{n}",
                    )
                )

    await asyncio.gather(*(voter(lane) for lane in range(64)))
    return cards


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _wait_until_up(session: aiohttp.ClientSession, base: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            async with session.get(f"{base}/static/style.css") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit("verdict web did not start")
        await asyncio.sleep(0.1)


async def _rebuilt_pages(
    session: aiohttp.ClientSession,
    base: str,
    store: Store,
    cards: Cards,
    rng: random.Random,
    requests: int,
) -> list[float]:
    timings = []
    for n in range(requests):
        card_id, tools = rng.choice(cards)
        await store.record_vote(
            VoteWrite(
                card_id=card_id,
                voter=f"late-{n}",
                added=True,
                choice=rng.randrange(len(tools)),
                event_time=1e9 + n,
                event_key=f"late|{n}",
            )
        )
        begin = time.perf_counter()
        async with session.get(base + comparison_path(tools)) as response:
            await response.read()
            assert response.status == 200, response.status
        timings.append(time.perf_counter() - begin)
    return timings


async def _cached_rate(
    session: aiohttp.ClientSession, url: str, seconds: float, connections: int
) -> float:
    async with session.get(url) as response:  # warm the cache
        await response.read()
    done = 0
    stop = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal done
        while time.perf_counter() < stop:
            async with session.get(url) as response:
                await response.read()
                assert response.status == 200
            done += 1

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(connections)))
    return done / (time.perf_counter() - start)


async def main_async(db: Path, votes: int, seconds: float, connections: int) -> None:
    catalogue = load_catalogue(bundled_catalogue_dir())
    rng = random.Random(15)
    store = await Store.open(db)
    start = time.perf_counter()
    cards = await _fill(store, [t.slug for t in catalogue.tools], votes, rng)
    stored = (votes // CARDS) * CARDS
    fill_s = time.perf_counter() - start
    print(f"votes stored: {stored:,} on {CARDS:,} cards (filled in {fill_s:.0f} s)")

    port = _free_port()
    env = {**os.environ, "VERDICT_DB": str(db), "VERDICT_WEB_PORT": str(port)}
    server = subprocess.Popen(
        [sys.executable, "-m", "bot", "web"], env=env, stdout=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        connector = aiohttp.TCPConnector(limit=connections)
        async with aiohttp.ClientSession(connector=connector) as session:
            await _wait_until_up(session, base)
            await _rebuilt_pages(session, base, store, cards, rng, 50)  # warm up
            timings = sorted(await _rebuilt_pages(session, base, store, cards, rng, 1000))
            popular = next(tools for _, tools in cards if len(tools) == 2)
            rate = await _cached_rate(
                session, base + comparison_path(popular), seconds, connections
            )
    finally:
        server.terminate()
        server.wait(timeout=10)
        await store.close()

    p50 = statistics.median(timings) * 1000
    p99 = timings[int(0.99 * (len(timings) - 1))] * 1000
    rows = [
        ("comparison page, rebuilt (p50)", f"{p50:.2f} ms", ""),
        ("comparison page, rebuilt (p99)", f"{p99:.2f} ms", f"<= {TARGET_P99_MS:.0f} ms"),
        (
            f"cached page, {connections} connections",
            f"{rate:,.0f} req/s",
            f">= {TARGET_RPS:,.0f} req/s",
        ),
    ]
    print()
    print(f"{'measure':<36} {'result':>14}  {'target':<14} ok")
    checks = [None, p99 <= TARGET_P99_MS, rate >= TARGET_RPS]
    for (name, value, target), ok in zip(rows, checks, strict=True):
        mark = "" if ok is None else ("yes" if ok else "NO")
        print(f"{name:<36} {value:>14}  {target:<14} {mark}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--votes-stored", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(
            main_async(Path(tmp) / "bench.db", args.votes_stored, args.seconds, args.connections)
        )


if __name__ == "__main__":
    main()
