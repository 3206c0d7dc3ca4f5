"""Durable vote throughput and /compare latency with many votes stored.

Run: `python -m benchmarks.votes [--votes-stored 1000000] [--db postgresql://…]`. Without
`--db` it uses a fresh SQLite file. Goals (issue 3): at least 50,000 durable votes a second,
every one committed before it is acknowledged; /compare p99 at most 10 ms with 1,000,000 votes
stored; the database size per vote. With a PostgreSQL `--db` (issue 7) it also prints votes per
second with 1, 2 and 4 writer processes sharing the database, so scaling can be read off.
The PostgreSQL database given must be an empty, throwaway one: the benchmark fills it.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bot.catalogue import load_catalogue
from bot.compare import Comparer
from bot.render.text import render_card
from bot.settings import bundled_catalogue_dir
from bot.storage import is_postgres_url
from bot.votes import Store, VoteWrite


async def _throughput(
    store: Store, card_id: int, voters: int, total: int, offset: int, prefix: str = "bench"
) -> float:
    per_voter = total // voters

    async def voter(index: int) -> None:
        for i in range(per_voter):
            n = offset + index * per_voter + i
            await store.record_vote(
                VoteWrite(
                    card_id=card_id,
                    voter=f"{prefix}-{n}",
                    added=True,
                    choice=n % 2,
                    event_time=float(n),
                    event_key=f"{prefix}|{n}",
                )
            )

    start = time.perf_counter()
    await asyncio.gather(*(voter(i) for i in range(voters)))
    return voters * per_voter / (time.perf_counter() - start)


async def _card(store: Store, message_id: str = "m") -> int:
    card = await store.register_card(
        platform="bench",
        channel="c",
        message_id=message_id,
        tools=("gpt-4o", "claude-3-5-haiku"),
        asked_by="bench",
    )
    return card.id


async def _writer_process(location: str, prefix: str, total: int) -> None:
    """One writer process: waits for "go" on stdin, writes, prints its own rate. Each process
    votes on its own card (its own channel), as separate communities would; the tools, and so
    their tally rows, are shared."""
    store = await Store.open(location)
    card_id = await _card(store, message_id=prefix)
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.readline)
    rate = await _throughput(store, card_id, 64, total, 0, prefix=prefix)
    await store.close()
    print(f"done {rate}", flush=True)


async def _processes(location: str, processes: int, per_process: int, run: int) -> float:
    children = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "benchmarks.votes",
            "--writer",
            location,
            f"p{run}-{me}",
            str(per_process),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        for me in range(processes)
    ]
    for child in children:
        assert child.stdout is not None
        await child.stdout.readline()  # "ready"
    start = time.perf_counter()
    for child in children:
        assert child.stdin is not None
        child.stdin.write(b"go\n")
        await child.stdin.drain()
    await asyncio.gather(*(child.wait() for child in children))
    return processes * per_process / (time.perf_counter() - start)


async def main_async(location: str, votes_stored: int, per_run: int) -> None:
    comparer = Comparer(load_catalogue(bundled_catalogue_dir()))
    store = await Store.open(location)
    card_id = await _card(store)
    print(f"database: {'PostgreSQL' if is_postgres_url(location) else 'SQLite'}")
    print(f"{'concurrent voters':<20} {'durable votes/s':>16}")
    offset = 0
    for voters in (1, 8, 64):
        rate = await _throughput(store, card_id, voters, per_run, offset)
        offset += per_run
        print(f"{voters:<20} {rate:>16,.0f}")

    remaining = max(0, votes_stored - offset)
    start = time.perf_counter()
    await _throughput(store, card_id, 64, remaining, offset)
    fill_s = time.perf_counter() - start
    stored = offset + remaining

    timings = []
    for _ in range(500):
        begin = time.perf_counter()
        tools = comparer.resolve_query("gpt-4o vs claude 3.5 haiku")
        tallies = await store.tool_tallies([t.slug for t in tools])
        render_card(comparer.card_for(tools, tallies))
        timings.append(time.perf_counter() - begin)
    await store.close()
    timings.sort()
    print()
    print(f"votes stored: {stored:,} (filled in {fill_s:.1f} s)")
    p99 = timings[int(0.99 * (len(timings) - 1))]
    print(
        f"/compare p50 {statistics.median(timings) * 1000:.2f} ms, "
        f"p99 {p99 * 1000:.2f} ms (goal p99 <= 10 ms)"
    )
    if not is_postgres_url(location):
        size = sum(p.stat().st_size for p in Path(location).parent.glob(Path(location).name + "*"))
        print(f"database size: {size / 1e6:.1f} MB, {size / stored:.0f} bytes per vote")
        return
    print()
    print(f"{'writer processes':<20} {'durable votes/s':>16}")
    for run, processes in enumerate((1, 2, 4)):
        rate = await _processes(location, processes, per_run, run)
        print(f"{processes:<20} {rate:>16,.0f}")


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--writer":
        asyncio.run(_writer_process(sys.argv[2], sys.argv[3], int(sys.argv[4])))
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--votes-stored", type=int, default=1_000_000)
    parser.add_argument("--per-run", type=int, default=64_000)
    parser.add_argument("--db", help="postgresql://… (an empty throwaway database)")
    args = parser.parse_args()
    if args.db:
        asyncio.run(main_async(args.db, args.votes_stored, args.per_run))
        return
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(main_async(str(Path(tmp) / "bench.db"), args.votes_stored, args.per_run))


if __name__ == "__main__":
    main()
