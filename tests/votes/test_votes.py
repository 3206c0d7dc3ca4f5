"""Reaction votes against a real SQLite file: the rules a voter notices, and nothing lost."""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage import SCHEMA_VERSION
from bot.votes import KEYCAPS, ReactionEvent, Store, StoreError, VoteOutcome, handle_reaction
from tests.storage.old_bot import post_old_card, store_at_version

BOT_ID = "B0T"
ONE, TWO, THREE = KEYCAPS[:3]


@pytest.fixture
async def store(db_location: str) -> AsyncIterator[Store]:
    """Every test using this runs twice: on a SQLite file and on PostgreSQL."""
    opened = await Store.open(db_location)
    yield opened
    await opened.close()


async def _card(store: Store, message_id: str = "m1", tools: tuple[str, ...] = ("gpt-4o", "haiku")):
    return await store.register_card(
        platform="console", channel="c1", message_id=message_id, tools=tools, asked_by="asker"
    )


_clock = itertools.count(1)


async def react(
    store: Store,
    user: str,
    emoji: str,
    *,
    added: bool = True,
    message_id: str = "m1",
    is_bot: bool = False,
    event_id: str | None = None,
    event_time: float | None = None,
) -> VoteOutcome:
    event = ReactionEvent(
        platform="console",
        channel="c1",
        message_id=message_id,
        user_id=user,
        emoji=emoji,
        added=added,
        user_is_bot=is_bot,
        event_id=event_id,
        event_time=event_time,
    )
    return await handle_reaction(
        store, event, bot_user_id=BOT_ID, arrival_time=lambda: float(next(_clock))
    )


async def test_a_reaction_with_a_number_is_a_vote_for_that_tool(store: Store) -> None:
    card = await _card(store)
    assert await react(store, "ann", TWO) is VoteOutcome.RECORDED
    assert await store.card_tally(card.id) == (0, 1)
    tallies = await store.tool_tallies(["gpt-4o", "haiku"])
    assert tallies["haiku"].votes == 1 and tallies["haiku"].ship_pct == 100
    assert tallies["gpt-4o"].votes == 1 and tallies["gpt-4o"].ship_pct == 0


async def test_another_number_moves_the_vote_and_removing_it_retracts(store: Store) -> None:
    card = await _card(store)
    await react(store, "ann", ONE)
    await react(store, "ann", TWO)
    assert await store.card_tally(card.id) == (0, 1)
    await react(store, "ann", ONE, added=False)  # stale: her vote is already on two
    assert await store.card_tally(card.id) == (0, 1)
    await react(store, "ann", TWO, added=False)
    assert await store.card_tally(card.id) == (0, 0)
    assert (await store.tool_tallies(["haiku"]))["haiku"].votes == 0


async def test_slack_names_count_like_keycaps(store: Store) -> None:
    card = await _card(store)
    await react(store, "ann", "one")
    await react(store, "bob", "two")
    assert await store.card_tally(card.id) == (1, 1)


@pytest.mark.parametrize(
    ("user", "emoji", "is_bot", "message_id"),
    [
        (BOT_ID, ONE, False, "m1"),  # the bot's own seed reactions
        ("helper", ONE, True, "m1"),  # another bot
        ("ann", THREE, False, "m1"),  # not a choice on a two-tool card
        ("ann", "thumbsup", False, "m1"),
        ("ann", ONE, False, "not-a-card"),
    ],
)
async def test_reactions_that_are_not_votes_are_ignored(
    store: Store, user: str, emoji: str, is_bot: bool, message_id: str
) -> None:
    card = await _card(store)
    outcome = await react(store, user, emoji, is_bot=is_bot, message_id=message_id)
    assert outcome is VoteOutcome.IGNORED
    assert await store.card_tally(card.id) == (0, 0)


async def test_a_redelivered_event_id_counts_once(store: Store) -> None:
    card = await _card(store)
    await react(store, "ann", ONE, event_id="E1")
    await react(store, "ann", ONE, added=False, event_id="E2")
    await react(store, "ann", ONE, event_id="E1")  # the first add, delivered again
    assert await store.card_tally(card.id) == (0, 0)


async def test_same_user_emoji_message_and_time_counts_once_whatever_the_id(store: Store) -> None:
    card = await _card(store)
    await react(store, "ann", ONE, event_id="E1", event_time=100.0)
    await react(store, "ann", ONE, added=False, event_id="E2", event_time=101.0)
    await react(store, "ann", ONE, event_id="E9", event_time=100.0)
    assert await store.card_tally(card.id) == (0, 0)


async def test_platform_time_orders_events_that_arrive_out_of_order(store: Store) -> None:
    card = await _card(store)
    await react(store, "ann", TWO, event_time=200.0)
    await react(store, "ann", ONE, event_time=150.0)  # older, arrives late
    assert await store.card_tally(card.id) == (0, 1)
    await react(store, "bob", ONE, added=False, event_time=300.0)  # removal first...
    await react(store, "bob", ONE, event_time=250.0)  # ...then the add it undid
    assert await store.card_tally(card.id) == (0, 1)


async def test_many_voters_at_once_end_with_one_vote_each(store: Store) -> None:
    card = await _card(store, tools=("a", "b", "c", "d"))
    rng = random.Random(3)
    users = [f"user{i}" for i in range(60)]
    events = [(user, rng.choice(KEYCAPS)) for user in users for _ in range(5)]
    rng.shuffle(events)
    await asyncio.gather(*(react(store, user, emoji) for user, emoji in events))
    tally = await store.card_tally(card.id)
    assert sum(tally) == len(users)
    stats = await store.tool_tallies(["a", "b", "c", "d"])
    assert all(stats[s].votes == len(users) for s in "abcd")
    assert sum(round(stats[s].ship_pct * len(users) / 100) for s in "abcd") == len(users)


async def test_votes_and_voter_identity_survive_a_restart(db_location: str) -> None:
    path = db_location
    first = await Store.open(path)
    card = await _card(first)
    await react(first, "ann", ONE)
    await first.close()

    second = await Store.open(path)
    try:
        await react(second, "ann", TWO)  # same person after a restart: the vote moves
        assert await second.card_tally(card.id) == (0, 1)
    finally:
        await second.close()


async def test_voter_ids_are_not_stored_in_the_clear(tmp_path: Path) -> None:
    path = tmp_path / "verdict.db"
    opened = await Store.open(path)
    await _card(opened)
    await react(opened, "U-secret-user-42", ONE)
    await opened.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"U-secret-user-42" not in raw
    assert b"asker" not in raw


async def test_an_empty_file_is_migrated_and_a_newer_schema_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    opened = await Store.open(empty)
    await opened.close()
    assert sqlite3.connect(empty).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION

    newer = tmp_path / "newer.db"
    connection = sqlite3.connect(newer)
    connection.execute("PRAGMA user_version = 99")
    connection.close()
    with pytest.raises(StoreError, match="newer than this bot"):
        await Store.open(newer)


async def test_a_file_that_is_not_a_database_is_refused_clearly(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot open"):
        await Store.open(bogus)


VOTER_SCRIPT = textwrap.dedent(
    """
    import asyncio, sys
    from bot.votes import Store
    from bot.votes import ReactionEvent, handle_reaction, KEYCAPS

    async def main(path):
        store = await Store.open(path)
        card = await store.register_card(
            platform="console", channel="c", message_id="m", tools=("a", "b"), asked_by="x")
        print("ready", card.id, flush=True)
        for i in range(1_000_000):
            event = ReactionEvent(platform="console", channel="c", message_id="m",
                                  user_id=f"u{i}", emoji=KEYCAPS[i % 2], added=True)
            await handle_reaction(store, event, bot_user_id=None, arrival_time=lambda: float(i))
            print("ack", i, flush=True)

    asyncio.run(main(sys.argv[1]))
    """
)


def test_every_acknowledged_vote_survives_sigkill(tmp_path: Path) -> None:
    path = tmp_path / "verdict.db"
    child = subprocess.Popen(
        [sys.executable, "-c", VOTER_SCRIPT, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert child.stdout is not None
    acknowledged = 0
    for line in child.stdout:
        if line.startswith("ack"):
            acknowledged = int(line.split()[1]) + 1
            if acknowledged >= 300:
                break
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    connection = sqlite3.connect(path)
    stored = connection.execute("SELECT count(*) FROM votes WHERE choice IS NOT NULL").fetchone()[0]
    tallied = connection.execute("SELECT sum(votes) FROM card_tools").fetchone()[0]
    connection.close()
    assert acknowledged >= 300
    assert stored >= acknowledged
    assert tallied == stored


async def test_a_newer_bot_opens_an_older_file_and_keeps_every_vote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.storage.database
    from bot.storage import SQLITE_MIGRATIONS

    path = tmp_path / "verdict.db"
    old = await Store.open(path)
    card = await _card(old)
    await react(old, "ann", ONE)
    await react(old, "bob", TWO)
    await old.close()

    newer = (*SQLITE_MIGRATIONS, "ALTER TABLE cards ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0")
    monkeypatch.setattr(bot.storage.database, "SQLITE_MIGRATIONS", newer)
    upgraded = await Store.open(path)
    try:
        assert await upgraded.card_tally(card.id) == (1, 1)
        await react(upgraded, "ann", TWO)  # the same voter, recognised after the upgrade
        assert await upgraded.card_tally(card.id) == (0, 2)
    finally:
        await upgraded.close()
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == len(newer)
    assert connection.execute("SELECT pinned FROM cards").fetchall() == [(0,)]


async def test_two_stores_on_one_database_count_each_voter_once(db_location: str) -> None:
    """Two bot processes share a database: the same voters reach both, concurrently."""
    first, second = await Store.open(db_location), await Store.open(db_location)
    try:
        card = await _card(first, tools=("a", "b", "c"))
        assert (await _card(second, tools=("a", "b", "c"))).id == card.id
        events = [
            (store, f"user{i}", KEYCAPS[(i + n) % 3])
            for i in range(40)
            for n, store in enumerate((first, second, first))
        ]
        await asyncio.gather(*(react(store, user, emoji) for store, user, emoji in events))
        assert sum(await first.card_tally(card.id)) == 40
        assert (await second.tool_tallies(["a"]))["a"].votes == 40
    finally:
        await first.close()
        await second.close()


async def test_both_dialects_migrate_to_the_same_tables_and_columns(
    tmp_path: Path, postgres_url: str
) -> None:
    sqlite_store = await Store.open(tmp_path / "schema.db")
    postgres_store = await Store.open(postgres_url)
    try:
        tables = [
            t
            for (t,) in await sqlite_store.fetch(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name"
            )
        ]
        sqlite_columns = {
            t: sorted(c[1] for c in await sqlite_store.fetch(f"PRAGMA table_info({t})"))
            for t in tables
        }
        postgres_columns: dict[str, list[str]] = {}
        for table, column in await postgres_store.fetch(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name <> 'schema_version'"
        ):
            postgres_columns.setdefault(table, []).append(column)
        assert {t: sorted(c) for t, c in postgres_columns.items()} == sqlite_columns
    finally:
        await sqlite_store.close()
        await postgres_store.close()


async def test_a_version_2_database_upgrades_and_keeps_its_tallies(
    db_location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Migration 3 moved per-tool tallies into sharded rows: nothing may be lost on the way."""
    async with (
        store_at_version(db_location, 2, monkeypatch) as old,  # it writes the votes
        old.db.transaction() as tx,
    ):
        card_id = await post_old_card(tx, ("gpt-4o", "haiku"), message_id="m1", asked_by="x")
        for slug in ("gpt-4o", "haiku"):
            await tx.execute("INSERT INTO tool_stats (slug) VALUES (?)", (slug,))
        for n, (user, choice) in enumerate((("ann", 0), ("bob", 0), ("cy", 1))):
            await tx.execute(
                "INSERT INTO vote_events "
                "(event_key, card_id, voter, added, choice, event_time, seen_at) "
                "VALUES (?, ?, ?, 1, ?, ?, 0)",
                (f"k{n}", card_id, old.hash_user("console", user), choice, float(n)),
            )

    upgraded = await Store.open(db_location)
    try:
        tallies = await upgraded.tool_tallies(["gpt-4o", "haiku"])
        assert (tallies["gpt-4o"].votes, tallies["gpt-4o"].ship_pct) == (3, 67)
        assert (tallies["haiku"].votes, tallies["haiku"].ship_pct) == (3, 33)
        # cy changes their mind after the old votes (at 0, 1, 2): the new layout keeps counting
        await react(upgraded, "cy", ONE, event_time=10.0)
        tallies = await upgraded.tool_tallies(["gpt-4o", "haiku"])
        assert (tallies["gpt-4o"].votes, tallies["gpt-4o"].ship_pct) == (3, 100)
    finally:
        await upgraded.close()
