"""The vote writer off the event loop, group commit, and the planner's statistics kept: a
batch's statements run on the database's own thread, votes arriving together share a commit
even across many cards, and a file the bot keeps has statistics without anyone running ANALYZE."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

import bot.votes.store
from bot.polls.store import PollStore
from bot.votes import Store, VoteWrite


async def _cards(store: Store, count: int) -> list[int]:
    ids = []
    for n in range(count):
        card = await store.register_card(
            platform="slack",
            channel="C07BUSY",
            message_id=f"1700000000.{n:06d}",
            tools=("gpt-4o", "claude-3-5-haiku") if n % 2 else ("gpt-4o-mini", "gpt-4o"),
            asked_by="U07ASKER",
        )
        ids.append(card.id)
    return ids


def _vote(store: Store, card_id: int, n: int) -> VoteWrite:
    return VoteWrite(
        card_id, store.hash_user("slack", f"U07V{n:05d}"), True, n % 2, 1e9 + n, f"Ev{n}"
    )


async def test_a_batch_of_votes_runs_its_statements_off_the_event_loop(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "votes.db")
    threads: set[int] = set()
    # What SQLite ran for the batch, and on which thread (the writer's connection, observed).
    await store.db._writer.set_trace_callback(  # type: ignore[attr-defined]
        lambda sql: threads.add(threading.get_ident()) if "vote_batch" in sql else None
    )
    try:
        ids = await _cards(store, 4)
        await asyncio.gather(*(store.record_vote(_vote(store, ids[n % 4], n)) for n in range(200)))
        assert threads and threading.get_ident() not in threads
        assert sum([sum(await store.card_tally(card_id)) for card_id in ids]) == 200
    finally:
        await store.close()


async def test_votes_on_many_cards_arriving_together_share_one_commit(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "votes.db")
    try:
        ids = await _cards(store, 200)
        await asyncio.gather(
            *(store.record_vote(_vote(store, ids[n % 200], n)) for n in range(1000))
        )
        assert sum(store.batch_sizes) == 1000
        assert len(store.batch_sizes) <= 2
    finally:
        await store.close()


async def test_a_voter_giving_up_on_its_ack_neither_loses_nor_fails_the_neighbours_votes(
    tmp_path: Path,
) -> None:
    """A caller cancelled while its batch commits (a platform's request timed out) must not
    cancel the batch: the vote still counts and every other caller gets its acknowledgement."""
    store = await Store.open(tmp_path / "votes.db")
    try:
        ids = await _cards(store, 4)
        waits = [
            asyncio.create_task(store.record_vote(_vote(store, ids[n % 4], n))) for n in range(40)
        ]
        await asyncio.sleep(0)  # every vote handed to the writer
        waits[7].cancel()
        settled = await asyncio.gather(*waits, return_exceptions=True)
        assert isinstance(settled[7], asyncio.CancelledError)
        assert [applied for n, applied in enumerate(settled) if n != 7] == [True] * 39
        assert sum([sum(await store.card_tally(card_id)) for card_id in ids]) == 40
    finally:
        await store.close()


async def test_voters_coming_back_after_their_ack_join_the_gathering_batch(
    tmp_path: Path,
) -> None:
    """Each voter sends a vote, waits for its acknowledgement and sends the next: the writer
    waits a moment for the acknowledged voters' next votes instead of committing a handful."""
    store = await Store.open(tmp_path / "votes.db")
    store.gather_seconds = 0.5  # a slow machine's bound: the voters' return ends the wait
    try:
        ids = await _cards(store, 200)

        async def voter(me: int) -> None:
            for n in range(5):
                for _ in range(me % 3):  # answering the platform first, as an adapter does
                    await asyncio.sleep(0)
                await store.record_vote(_vote(store, ids[(me + n) % 200], me * 10 + n))

        await asyncio.gather(*(voter(me) for me in range(100)))
        # Without gathering: 34 and 66, the voters quick to come back apart from the others.
        assert list(store.batch_sizes) == [100] * 5
    finally:
        await store.close()


def _statistics(path: Path) -> set[str]:
    connection = sqlite3.connect(path)
    try:
        return {t for (t,) in connection.execute("SELECT DISTINCT tbl FROM sqlite_stat1")}
    finally:
        connection.close()


async def test_a_file_the_bot_keeps_has_planner_statistics_after_a_restart(
    tmp_path: Path,
) -> None:
    path = tmp_path / "votes.db"
    store = await Store.open(path)
    ids = await _cards(store, 50)
    await asyncio.gather(*(store.record_vote(_vote(store, ids[n % 50], n)) for n in range(300)))
    await store.close()
    store = await Store.open(path)
    await store.close()
    assert {"cards", "card_tools", "votes", "vote_reactions"} <= _statistics(path)


async def test_a_long_running_writer_refreshes_the_statistics(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "votes.db"
    store = await Store.open(path)  # empty: nothing worth a statistic yet
    try:
        assert "votes" not in _statistics(path)
        monkeypatch.setattr(bot.votes.store, "STATISTICS_EVERY_SECONDS", 0.0)
        ids = await _cards(store, 20)
        for n in range(3):
            await store.record_vote(_vote(store, ids[n], n))
        assert "votes" in _statistics(path)
    finally:
        await store.close()


async def test_a_postgres_writer_never_waits_on_another_writers_tally_rows(
    postgres_url: str,
) -> None:
    """Another bot process is mid-batch: it holds a tally shard (as its writer claims one) and
    every tally row of that shard. Votes on a card whose id picked that shard still commit at
    once, on a shard of their own, and every tally stays exact."""
    import asyncpg

    from bot.storage import COUNTER_SHARDS
    from bot.votes.batch import SHARD_LOCKS

    store = await Store.open(postgres_url)
    other = await asyncpg.connect(postgres_url)
    try:
        ids = await _cards(store, 2)
        shard = ids[0] % COUNTER_SHARDS
        async with other.transaction():
            assert await other.fetchval(
                "SELECT pg_try_advisory_xact_lock($1, $2)", SHARD_LOCKS, shard
            )
            for table in ("tool_counts", "pair_counts", "choice_counts"):
                await other.execute(f"SELECT * FROM {table} WHERE shard = $1 FOR UPDATE", shard)
            await asyncio.wait_for(
                asyncio.gather(*(store.record_vote(_vote(store, ids[0], n)) for n in range(10))),
                timeout=10,
            )
        tallies = await store.tool_tallies(["gpt-4o", "gpt-4o-mini"])
        assert tallies["gpt-4o"].votes == 10 and tallies["gpt-4o-mini"].votes == 10
        assert sum(await store.card_tally(ids[0])) == 10
    finally:
        await other.close()
        await store.close()


async def test_reactions_arriving_together_on_a_card_not_yet_known_share_one_look_up(
    tmp_path: Path,
) -> None:
    """A bot restarted during a rush: hundreds of reactions on a card it has not seen yet must
    not each queue a read of the card's vote mode on the one reading connection (it made the
    slowest acks wait ~300 ms in `benchmarks.votes`), and one giving up stops no other."""
    store = await Store.open(tmp_path / "votes.db")
    looked_up: list[str] = []
    await store.db._reader.set_trace_callback(  # type: ignore[attr-defined]
        lambda sql: looked_up.append(sql) if "vote_mode" in sql else None
    )
    try:
        await _cards(store, 1)
        polls = PollStore(store)
        card = ("slack", "C07BUSY", "1700000000.000000")
        impatient = asyncio.ensure_future(polls.voted_with_buttons(*card))
        await asyncio.sleep(0)
        rush = asyncio.gather(*(polls.voted_with_buttons(*card) for _ in range(300)))
        await asyncio.sleep(0)
        impatient.cancel()
        assert await rush == [False] * 300
        assert len(looked_up) == 1
        assert await polls.voted_with_buttons(*card) is False and len(looked_up) == 1
    finally:
        await store.close()
