"""Several bot processes on one PostgreSQL: votes and weekly posts stay exactly-once."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from bot.votes import Store

PROJECT = Path(__file__).resolve().parents[2]
PROCESSES = 4
VOTERS = 150

WORKER = textwrap.dedent(
    """
    import asyncio, datetime as dt, json, sys
    from adapters.console.chat import ConsoleChat
    from bot.catalogue import load_catalogue
    from bot.chat import ChatBot
    from bot.weekly import WeeklyScheduler
    from bot.settings import bundled_catalogue_dir
    from bot.votes import Store, VoteWrite
    from bot.weekly import WeeklyStore

    async def main(url, me, processes, voters):
        clock = lambda: dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
        store = await Store.open(url, clock=clock)
        card = await store.register_card(platform="console", channel="c", message_id="m",
                                         tools=("gpt-4o", "claude-3-5-haiku", "smolvlm2"),
                                         asked_by="x")
        # Every process votes for every voter; the event with the latest time must win.
        for voter in range(voters):
            when = float(voter * processes + (voter + me) % processes)
            await store.record_vote(VoteWrite(card_id=card.id, voter=f"v{voter}", added=True,
                                              choice=(voter + me) % 3, event_time=when,
                                              event_key=f"{me}:{voter}"))
        catalogue = load_catalogue(bundled_catalogue_dir())
        chat = ConsoleChat(catalogue)
        bot = ChatBot(catalogue, store, chat, clock=clock)
        scheduler = WeeklyScheduler({"console": bot}, WeeklyStore(store), clock=clock)
        sent = 0
        for _ in range(5):
            sent += sum(r.outcome == "sent" for r in await scheduler.run_once())
        await store.close()
        print(json.dumps({"sent": sent}))

    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])))
    """
)


def _expected(voter: int) -> int:
    """The choice of the process whose event time for `voter` is the latest."""
    latest = max(range(PROCESSES), key=lambda me: (voter + me) % PROCESSES)
    return (voter + latest) % 3


async def test_four_processes_count_votes_exactly_and_post_the_weekly_once(
    postgres_url: str,
) -> None:
    import datetime as dt

    from bot.weekly import WeeklyStore

    store = await Store.open(postgres_url)
    await WeeklyStore(store).subscribe(
        platform="console",
        channel="weekly",
        weekday=0,
        hour=9,
        timezone="UTC",
        user_id="admin",
        now=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
    )
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            WORKER,
            postgres_url,
            str(me),
            str(PROCESSES),
            str(VOTERS),
            stdout=subprocess.PIPE,
            env=env,
        )
        for me in range(PROCESSES)
    ]
    outputs = [await p.communicate() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    sent = sum(json.loads(out.decode().splitlines()[-1])["sent"] for out, _ in outputs)
    assert sent == 1
    try:
        card = await store.find_card("console", "c", "m")
        assert card is not None
        expected = [0, 0, 0]
        for voter in range(VOTERS):
            expected[_expected(voter)] += 1
        assert await store.card_tally(card.id) == tuple(expected)
        tallies = await store.tool_tallies(["gpt-4o", "claude-3-5-haiku", "smolvlm2"])
        assert all(t.votes == VOTERS for t in tallies.values())
        sent_weeks = await store.fetch("SELECT week FROM weekly_posts WHERE status = 'sent'")
        assert sent_weeks == [("2026-W48",)]
    finally:
        await store.close()
