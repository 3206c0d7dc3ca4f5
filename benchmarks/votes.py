"""Durable vote throughput and /compare latency with many votes stored, on a real SQLite file.

Run: `python -m benchmarks.votes [--votes-stored 1000000]`. Goals (issue 3): at least 50,000
durable votes a second, every one committed before it is acknowledged; /compare p99 at most
10 ms with 1,000,000 votes stored; and the file size per million votes.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from bot.catalogue_loader import load_catalogue
from bot.compare import Comparer
from bot.render.text import render_card
from bot.settings import bundled_catalogue_dir
from bot.store import Store, VoteWrite


async def _throughput(store: Store, card_id: int, voters: int, total: int, offset: int) -> float:
    per_voter = total // voters

    async def voter(index: int) -> None:
        for i in range(per_voter):
            n = offset + index * per_voter + i
            await store.record_vote(
                VoteWrite(
                    card_id=card_id,
                    voter=f"bench-{n}",
                    added=True,
                    choice=n % 2,
                    event_time=float(n),
                    event_key=f"bench|{n}",
                )
            )

    start = time.perf_counter()
    await asyncio.gather(*(voter(i) for i in range(voters)))
    return voters * per_voter / (time.perf_counter() - start)


async def main_async(votes_stored: int, per_run: int) -> None:
    comparer = Comparer(load_catalogue(bundled_catalogue_dir()))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        store = await Store.open(path)
        card = await store.register_card(
            platform="bench",
            channel="c",
            message_id="m",
            tools=("gpt-4o", "claude-3-5-haiku"),
            asked_by="bench",
        )
        print(f"{'concurrent voters':<20} {'durable votes/s':>16}")
        offset = 0
        for voters in (1, 8, 64):
            rate = await _throughput(store, card.id, voters, per_run, offset)
            offset += per_run
            print(f"{voters:<20} {rate:>16,.0f}")

        remaining = max(0, votes_stored - offset)
        start = time.perf_counter()
        await _throughput(store, card.id, 64, remaining, offset)
        fill_s = time.perf_counter() - start
        stored = offset + remaining
        size = sum(p.stat().st_size for p in Path(tmp).iterdir())

        timings = []
        for _ in range(500):
            begin = time.perf_counter()
            tools = comparer.resolve_query("gpt-4o vs haiku")
            tallies = await store.tool_tallies([t.slug for t in tools])
            render_card(comparer.card_for(tools, tallies))
            timings.append(time.perf_counter() - begin)
        await store.close()
    timings.sort()
    print()
    print(f"votes stored: {stored:,} (filled in {fill_s:.1f} s)")
    print(
        f"/compare p50 {statistics.median(timings) * 1000:.2f} ms, "
        f"p99 {timings[int(0.99 * (len(timings) - 1))] * 1000:.2f} ms (goal p99 <= 10 ms)"
    )
    print(f"database size: {size / 1e6:.1f} MB, {size / stored:.0f} bytes per vote")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--votes-stored", type=int, default=1_000_000)
    parser.add_argument("--per-run", type=int, default=64_000)
    args = parser.parse_args()
    asyncio.run(main_async(args.votes_stored, args.per_run))


if __name__ == "__main__":
    main()
