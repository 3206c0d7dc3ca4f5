"""/leaderboard with millions of votes stored: latency with and without the kept board, memory.

Run: `python -m benchmarks.leaderboard [--votes 1000000] [--db postgresql://…]`. Without
`--votes` it measures 1,000,000 and 10,000,000 votes; without `--db`, fresh SQLite files. Goals
(issue 13): p99 <= 100 ms at 1,000,000 votes and <= 300 ms at 10,000,000, memory growth <= 50 MB.
A PostgreSQL `--db` must be an empty, throwaway database: the benchmark fills it.

Set-up, in bulk SQL (minutes through the vote path would measure the writer, not the board):
the catalogue `verdict` loads (the reviewed tools and the generated layer, ~800 tools) with a
Zipf popularity (most cards hold the well-known tools, some a long-tail one); one card per
`--votes-per-card` votes (default 100), 2 to 4 tools each (60/25/15 %), card sizes skewed (a
few cards draw most votes); each card's votes split among its tools by hidden Luce strengths.
Cards go into `cards`, their per-position tallies into `card_tools.votes`, the per-tool tallies
into `tool_counts` and the per-(tool set, winner) ones the leaderboard reads into
`choice_counts` (filled from the cards' tallies by migration 6's own statement): exactly what
the vote writer would have left. The `votes` rows themselves are not written: the leaderboard
never reads them (that is its design).

Measured in a fresh process per database, through `bot.commands.ask_leaderboard` (the shared
kept board, `leaderboards_of`, and the text an adapter posts): its first, cold call; steady
calls; calls while votes keep coming (a recount due and running behind on every call).
"Uncached" counts and fits on every call (`Leaderboards(refresh_seconds=0)`): the work each
background recount does.
RSS growth is the peak RSS over all of it against the RSS before the first call.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGETS_MS = {1_000_000: 100.0, 10_000_000: 300.0}
MEMORY_TARGET_MB = 50.0
SHARDS = 16
UNCACHED_CALLS = 30
CACHED_CALLS = 2000
BUSY_CALLS = 200


def _catalogue() -> Any:
    from adapters.commands import _load

    return _load(argparse.Namespace(catalogue=None))


def _synthetic(votes: int, votes_per_card: int, seed: int) -> tuple[list[str], Any, Any, Any]:
    """Slugs, and per card-tool row: card index, slug index, position, votes."""
    import numpy as np

    rng = np.random.default_rng(seed)
    catalogue = _catalogue()
    reviewed = [t.slug for t in catalogue.tools if t.reviewed]
    rest = [t.slug for t in catalogue.tools if not t.reviewed]
    rng.shuffle(rest)
    slugs = reviewed + rest
    popularity = 1.0 / np.arange(1, len(slugs) + 1) ** 1.1
    popularity /= popularity.sum()
    strength = rng.lognormal(0.0, 0.8, len(slugs))

    cards = max(1, votes // votes_per_card)
    sizes = rng.choice([2, 3, 4], size=cards, p=[0.6, 0.25, 0.15])
    share = rng.pareto(1.5, cards) + 1.0  # a few cards draw most votes
    per_card = np.floor(share / share.sum() * votes).astype(np.int64)
    per_card[: votes - int(per_card.sum())] += 1

    card_ix, slug_ix, position, tally = [], [], [], []
    for c in range(cards):
        chosen = rng.choice(len(slugs), size=int(sizes[c]), replace=False, p=popularity)
        p = strength[chosen] / strength[chosen].sum()
        split = rng.multinomial(int(per_card[c]), p)
        for pos, (s, n) in enumerate(zip(chosen, split, strict=True)):
            card_ix.append(c)
            slug_ix.append(int(s))
            position.append(pos)
            tally.append(int(n))
    return slugs, np.array(card_ix), np.array(slug_ix), (np.array(position), np.array(tally))


async def build(location: str, votes: int, votes_per_card: int, seed: int = 13) -> int:
    """Fill an empty database with `votes` votes on realistic cards; returns the card count."""
    import numpy as np

    from bot.storage import FILL_CHOICE_COUNTS, is_postgres_url
    from bot.votes import Store

    slugs, card_ix, slug_ix, (position, tally) = _synthetic(votes, votes_per_card, seed)
    cards = int(card_ix.max()) + 1
    store = await Store.open(location)  # creates the schema
    await store.close()
    card_rows = [
        (c + 1, "slack", f"C{c % 97:04d}", f"17000{c:08d}.000100", f"asker{c % 5000}", "2026-01-01")
        for c in range(cards)
    ]
    tool_rows = [
        (int(c) + 1, int(p), slugs[s], int(n))
        for c, p, s, n in zip(card_ix, position, slug_ix, tally, strict=True)
    ]
    wins = np.zeros((len(slugs), SHARDS), dtype=np.int64)
    seen = np.zeros((len(slugs), SHARDS), dtype=np.int64)
    card_votes = np.bincount(card_ix, weights=tally, minlength=cards).astype(np.int64)
    shard = (card_ix + 1) % SHARDS
    np.add.at(wins, (slug_ix, shard), tally)
    np.add.at(seen, (slug_ix, shard), card_votes[card_ix])
    touched = np.zeros((len(slugs), SHARDS), dtype=bool)
    touched[slug_ix, shard] = True
    tool_of, shard_of = np.nonzero(touched)
    count_rows = [
        (slugs[s], int(h), int(seen[s, h]), int(wins[s, h]))
        for s, h in zip(tool_of, shard_of, strict=True)
    ]
    if is_postgres_url(location):
        import asyncpg

        connection = await asyncpg.connect(location)
        try:
            await connection.copy_records_to_table(
                "cards",
                records=card_rows,
                columns=["id", "platform", "channel", "message_id", "asked_by", "created_at"],
            )
            await connection.copy_records_to_table(
                "card_tools", records=tool_rows, columns=["card_id", "position", "slug", "votes"]
            )
            await connection.copy_records_to_table(
                "tool_counts", records=count_rows, columns=["slug", "shard", "votes", "wins"]
            )
            await connection.execute(FILL_CHOICE_COUNTS["postgresql"])
            await connection.execute("SELECT setval('cards_id_seq', $1)", cards)
        finally:
            await connection.close()
        return cards
    with sqlite3.connect(location) as db:
        db.executemany(
            "INSERT INTO cards (id, platform, channel, message_id, asked_by, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            card_rows,
        )
        db.executemany(
            "INSERT INTO card_tools (card_id, position, slug, votes) VALUES (?, ?, ?, ?)",
            tool_rows,
        )
        db.executemany(
            "INSERT INTO tool_counts (slug, shard, votes, wins) VALUES (?, ?, ?, ?)", count_rows
        )
        db.execute(FILL_CHOICE_COUNTS["sqlite"])
    return cards


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _peak_mb() -> float:
    """This process's own peak RSS (VmHWM). Not `ru_maxrss` where /proc has it: Linux carries
    that across exec, so the child measuring 10,000,000 votes started with the ~155 MB of the
    parent that had just built them as its "peak", and reported that (80–90 MB over its own
    start) whatever the leaderboard did."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _percentiles(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {
        "p50": statistics.median(ordered) * 1000,
        "p99": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000,
        "max": ordered[-1] * 1000,
    }


async def measure(location: str) -> dict[str, Any]:
    """The figures for one filled database, in this (fresh) process."""
    import numpy  # noqa: F401  (imported by any bot process long before a leaderboard)

    from adapters.console.chat import ConsoleChat
    from bot.chat import ChatBot
    from bot.commands import Request, ShowBoard, ask_leaderboard, show
    from bot.render.chart import leaderboard_png
    from bot.render.text import render_leaderboard
    from bot.votes import Leaderboard, Leaderboards, Store

    catalogue = _catalogue()
    store = await Store.open(location, read_only=True)
    chat = ConsoleChat(catalogue, store)
    bot = ChatBot(catalogue, store, chat)
    by_slug = catalogue.by_slug
    await store.fetch("SELECT count(*) FROM card_tools")  # the connection is warm
    rss_before = _rss_mb()

    request = Request(platform=chat.name, channel="bench", user_id="bench")

    async def leaderboard() -> Leaderboard:
        """/leaderboard as every platform runs it: the core's command, shown through the bot."""
        answer = await ask_leaderboard(bot.comparer, store, request, None)
        assert isinstance(answer, ShowBoard)
        await show(bot, request, answer)
        return answer.board

    begin = time.perf_counter()
    board = await leaderboard()
    cold = time.perf_counter() - begin
    chat.outbox.clear()

    cached = []
    for _ in range(CACHED_CALLS):
        begin = time.perf_counter()
        await leaderboard()
        cached.append(time.perf_counter() - begin)
        chat.outbox.clear()

    every_time = Leaderboards(store, refresh_seconds=0)
    uncached = []
    for _ in range(UNCACHED_CALLS):
        begin = time.perf_counter()
        render_leaderboard(await every_time.board(by_slug))
        uncached.append(time.perf_counter() - begin)
    # Votes arriving all the time: every call finds a recount due (marks ignored), starts it in
    # the background if none runs, waits at most WAIT_SECONDS, answers from the kept board.
    busy = Leaderboards(store, refresh_seconds=1e-9, max_age_seconds=0.0)
    await busy.board(by_slug)
    recounting = []
    for _ in range(BUSY_CALLS):
        begin = time.perf_counter()
        render_leaderboard(await busy.board(by_slug))
        recounting.append(time.perf_counter() - begin)
    await busy.settled()
    category = []
    for _ in range(UNCACHED_CALLS):
        begin = time.perf_counter()
        render_leaderboard(await every_time.board(by_slug, "vision-language"))
        category.append(time.perf_counter() - begin)
    peak = _peak_mb()

    begin = time.perf_counter()
    png = leaderboard_png(board)
    chart_first = time.perf_counter() - begin
    begin = time.perf_counter()
    leaderboard_png(board)
    chart = time.perf_counter() - begin
    counted = await store.fetch("SELECT count(*), sum(votes) FROM card_tools")
    kept = await store.fetch("SELECT count(*) FROM choice_counts")
    await store.close()
    return {
        "card_tools": int(counted[0][0]),
        "choice_counts": int(kept[0][0]),
        "votes": int(counted[0][1]),
        "ranked": len(board.ranked),
        "unranked": len(board.unranked),
        "cold_ms": cold * 1000,
        "cached": _percentiles(cached),
        "uncached": _percentiles(uncached),
        "category_uncached": _percentiles(category),
        "recounting": _percentiles(recounting),
        "rss_growth_mb": max(0.0, peak - rss_before),
        "chart_first_ms": chart_first * 1000,
        "chart_ms": chart * 1000,
        "chart_bytes": len(png or b""),
    }


def _measure_in_child(location: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.leaderboard", "--measure", location],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "VERDICT_DB": location},
    )
    if result.returncode != 0:
        raise SystemExit(f"measuring {location} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _fresh_postgres(url: str) -> None:
    """Empty the throwaway database given, so each size starts from nothing."""

    async def wipe() -> None:
        import asyncpg

        connection = await asyncpg.connect(url)
        try:
            await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        finally:
            await connection.close()

    asyncio.run(wipe())


def _report(rows: list[tuple[int, int, float, dict[str, Any]]], where: str) -> None:
    print(f"database: {where}")
    print(
        f"{'votes':>11} {'cards':>8} | {'target p99':>10} | {'kept p50/p99':>14} "
        f"{'cold':>7} | {'recounting p99':>14} | {'uncached p50/p99':>17} "
        f"{'category p99':>12} | {'RSS +MB (<= 50)':>15}"
    )
    for votes, cards, _, m in rows:
        target = TARGETS_MS.get(votes)
        kept, uncached = m["cached"], m["uncached"]
        print(
            f"{votes:>11,} {cards:>8,} | {(f'{target:.0f} ms' if target else '-'):>10} | "
            f"{kept['p50']:>5.2f}/{kept['p99']:>5.2f} ms {m['cold_ms']:>4.0f} ms | "
            f"{m['recounting']['p99']:>11.1f} ms | "
            f"{uncached['p50']:>6.0f}/{uncached['p99']:>6.0f} ms "
            f"{m['category_uncached']['p99']:>9.0f} ms | {m['rss_growth_mb']:>15.1f}"
        )
    print(
        f"kept: {CACHED_CALLS} calls of /leaderboard (bot.commands.ask_leaderboard, then shown; "
        "shared kept board, text posted); "
        "cold: its first call, which counts and fits; recounting: "
        f"{BUSY_CALLS} calls while a recount is always due and running behind; uncached: "
        f"{UNCACHED_CALLS} counts + fits + text each, all tools / vision-language only."
    )
    for votes, _, setup, m in rows:
        print(
            f"{votes:,} votes: set-up {setup:.1f} s, {m['ranked']} tools ranked, "
            f"{m['unranked']} unranked, {m['card_tools']:,} card-tool rows, "
            f"{m['choice_counts']:,} choice-count rows; chart PNG "
            f"{m['chart_bytes'] / 1000:.0f} kB in {m['chart_ms']:.0f} ms "
            f"(first in the process {m['chart_first_ms']:.0f} ms)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--votes", type=int, action="append", help="votes stored (repeatable)")
    parser.add_argument("--votes-per-card", type=int, default=100)
    parser.add_argument("--db", help="postgresql://… (an empty throwaway database)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(asyncio.run(measure(args.measure))))
        return
    sizes = args.votes or sorted(TARGETS_MS)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for votes in sizes:
            location = args.db or str(Path(tmp) / f"leaderboard-{votes}.db")
            if args.db:
                _fresh_postgres(args.db)
            begin = time.perf_counter()
            cards = asyncio.run(build(location, votes, args.votes_per_card))
            setup = time.perf_counter() - begin
            rows.append((votes, cards, setup, _measure_in_child(location)))
    _report(rows, "PostgreSQL" if args.db else "SQLite")


if __name__ == "__main__":
    main()
