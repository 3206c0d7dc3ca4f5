"""Closing is exactly-once and races votes safely: in one process on both backends, and across
two processes on PostgreSQL (a vote either counts and is in the final line, or is refused)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from bot.polls import PollStore
from bot.votes import Store, VoteWrite

PROJECT = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)


async def _card(store: Store) -> int:
    card = await store.register_card(
        platform="console", channel="c", message_id="m", tools=("gpt-4o", "smolvlm2"), asked_by="x"
    )
    return card.id


def _vote(card_id: int, voter: str, choice: int = 0, *, added: bool = True) -> VoteWrite:
    return VoteWrite(
        card_id=card_id,
        voter=voter,
        added=added,
        choice=choice,
        event_time=1.0 if added else 2.0,
        event_key=f"{voter}:{added}",
    )


async def test_many_closes_at_once_close_once_and_later_votes_are_refused(
    db_location: str,
) -> None:
    store = await Store.open(db_location)
    try:
        card_id = await _card(store)
        assert await store.record_vote(_vote(card_id, "ann", 1))
        polls = PollStore(store)
        closes = await asyncio.gather(
            *(polls.close(card_id, closed_by=f"c{n}", now=NOW) for n in range(8))
        )
        [closed] = [c for c in closes if c is not None]
        assert closed.final_votes == (0, 1)
        assert not await store.record_vote(_vote(card_id, "bob", 0))  # a new vote
        assert not await store.record_vote(_vote(card_id, "ann", 1, added=False))  # a retraction
        assert await store.card_tally(card_id) == (0, 1)
        assert await store.fetch("SELECT count(*) FROM card_closes") == [(1,)]
    finally:
        await store.close()


VOTER = textwrap.dedent(
    """
    import asyncio, json, sys
    from bot.votes import Store, VoteWrite

    async def main(url, card_id):
        store = await Store.open(url)
        applied, refused, n = [], 0, 0
        while refused < 40 and n < 20000:
            batch = [f"v{n + i}" for i in range(20)]
            n += 20
            results = await asyncio.gather(*(
                store.record_vote(VoteWrite(card_id=card_id, voter=v, added=True, choice=len(v) % 2,
                                            event_time=1.0, event_key=v))
                for v in batch))
            applied += [v for v, ok in zip(batch, results) if ok]
            refused += results.count(False)
        await store.close()
        print(json.dumps({"applied": applied, "refused": refused}))

    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
    """
)

CLOSER = textwrap.dedent(
    """
    import asyncio, datetime as dt, json, sys
    from bot.polls import PollStore
    from bot.votes import Store

    async def main(url, card_id):
        store = await Store.open(url)
        while sum(await store.card_tally(card_id)) < 200:
            await asyncio.sleep(0.005)
        closed = await PollStore(store).close(
            card_id, closed_by="admin", now=dt.datetime(2026, 11, 24, tzinfo=dt.UTC))
        await store.close()
        print(json.dumps({"final": list(closed.final_votes)}))

    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
    """
)


async def test_a_close_racing_votes_in_another_process_never_counts_a_vote_after_it(
    postgres_url: str,
) -> None:
    store = await Store.open(postgres_url)
    try:
        card_id = await _card(store)
        env = {**os.environ, "PYTHONPATH": str(PROJECT)}
        procs = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                code,
                postgres_url,
                str(card_id),
                stdout=subprocess.PIPE,
                env=env,
            )
            for code in (VOTER, CLOSER)
        ]
        (voted, _), (closer, _) = [await p.communicate() for p in procs]
        assert all(p.returncode == 0 for p in procs)
        votes = json.loads(voted.decode().splitlines()[-1])
        final = json.loads(closer.decode().splitlines()[-1])["final"]
        assert votes["refused"] >= 40  # votes kept coming after the close
        applied = votes["applied"]
        expected = [sum(len(v) % 2 == 0 for v in applied), sum(len(v) % 2 == 1 for v in applied)]
        assert final == expected  # every acknowledged vote is in the final line, no other
        assert list(await store.card_tally(card_id)) == final  # and nothing counted after it
    finally:
        await store.close()
