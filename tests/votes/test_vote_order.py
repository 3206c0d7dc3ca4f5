"""Reaction events arrive in any order, and sometimes twice. The rule (README, "Votes"): the
stored vote is always the one in-order delivery gives, where in-order means by the platform's
event time, adds before removals at the same instant, and a higher number after a lower one."""

from __future__ import annotations

import asyncio
import itertools
import random
import tempfile
import uuid
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.votes import KEYCAPS, ReactionEvent, Store, handle_reaction

Event = tuple[int, bool, float]
"""(choice, added, platform time)"""


def in_order(events: Sequence[Event]) -> int | None:
    """The vote after delivering `events` in order: a number is the vote; removing the current
    number retracts it; removing another changes nothing."""
    state: int | None = None
    for choice, added, _ in sorted(events, key=lambda e: (e[2], not e[1], e[0])):
        if added:
            state = choice
        elif state == choice:
            state = None
    return state


def current_vote(tally: tuple[int, ...]) -> int | None:
    return tally.index(1) if 1 in tally else None


async def _apply(
    store: Store, message_id: str, user: str, events: Sequence[Event], *, ids: bool = True
) -> None:
    for n, (choice, added, time) in enumerate(events):
        event = ReactionEvent(
            platform="slack",
            channel="C1",
            message_id=message_id,
            user_id=user,
            emoji=KEYCAPS[choice],
            added=added,
            event_id=f"{message_id}-{user}-{n}" if ids else None,
            event_time=time,
        )
        await handle_reaction(store, event, bot_user_id=None, arrival_time=lambda: 0.0)


async def _card(store: Store, message_id: str) -> int:
    card = await store.register_card(
        platform="slack",
        channel="C1",
        message_id=message_id,
        tools=("gpt-4o", "haiku", "smolvlm2"),
        asked_by="asker",
    )
    return card.id


async def _old_card(store: Store, message_id: str) -> int:
    """`_card`'s card as a bot of an older schema stored it."""
    async with store.db.transaction() as tx:
        [(card_id,)] = await tx.fetch(
            "INSERT INTO cards (platform, channel, message_id, asked_by, created_at) "
            "VALUES ('slack', 'C1', ?, 'asker', 't') RETURNING id",
            (message_id,),
        )
        for position, slug in enumerate(("gpt-4o", "haiku", "smolvlm2")):
            await tx.execute(
                "INSERT INTO card_tools (card_id, position, slug) VALUES (?, ?, ?)",
                (card_id, position, slug),
            )
            await tx.execute(
                "INSERT INTO tool_counts (slug, shard) VALUES (?, ?)", (slug, card_id % 16)
            )
    return int(card_id)


async def test_add_one_add_two_remove_one_is_two_in_all_six_arrival_orders(
    tmp_path: Path,
) -> None:
    """Slack's normal way to change a vote, delivered in every order."""
    events: list[Event] = [(0, True, 1.0), (1, True, 2.0), (0, False, 3.0)]
    store = await Store.open(tmp_path / "v.db")
    try:
        for n, order in enumerate(itertools.permutations(events)):
            card_id = await _card(store, f"m{n}")
            await _apply(store, f"m{n}", "U1", order)
            assert current_vote(await store.card_tally(card_id)) == 1, order
    finally:
        await store.close()


_events = st.lists(
    st.tuples(st.integers(0, 2), st.booleans(), st.sampled_from([1.0, 2.0, 3.0, 4.0, 5.0])),
    min_size=1,
    max_size=4,
    unique=True,
)


@settings(max_examples=40, deadline=None)
@given(events=_events)
def test_every_arrival_order_of_a_short_sequence_gives_the_in_order_vote(
    events: list[Event],
) -> None:
    """All permutations of each generated sequence, each on its own card, at once."""

    async def check() -> None:
        with tempfile.TemporaryDirectory() as directory:
            store = await Store.open(Path(directory) / "v.db")
            try:
                orders = list(itertools.permutations(events))
                cards = [await _card(store, f"m{n}") for n in range(len(orders))]
                await asyncio.gather(
                    *(_apply(store, f"m{n}", "U1", order) for n, order in enumerate(orders))
                )
                expected = in_order(events)
                for card_id, order in zip(cards, orders, strict=True):
                    got = current_vote(await store.card_tally(card_id))
                    assert got == expected, (order, got, expected)
            finally:
                await store.close()

    asyncio.run(check())


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(events=_events)
async def test_every_arrival_order_gives_the_in_order_vote_on_postgresql_too(
    postgres_url: str, events: list[Event]
) -> None:
    """As above, every example on fresh cards of one PostgreSQL database."""
    store = await Store.open(postgres_url)
    try:
        orders = list(itertools.permutations(events))
        example = uuid.uuid4().hex
        names = [f"{example}-{n}" for n in range(len(orders))]
        cards = [await _card(store, name) for name in names]
        await asyncio.gather(
            *(_apply(store, name, "U1", order) for name, order in zip(names, orders, strict=True))
        )
        expected = in_order(events)
        for card_id, order in zip(cards, orders, strict=True):
            got = current_vote(await store.card_tally(card_id))
            assert got == expected, (order, got, expected)
    finally:
        await store.close()


@pytest.fixture
async def store(db_location: str) -> AsyncIterator[Store]:
    opened = await Store.open(db_location)
    yield opened
    await opened.close()


def _slack_session(rng: random.Random, start: float) -> list[Event]:
    """What one person really does on a card in Slack: toggles reactions, each at most once."""
    present: set[int] = set()
    events: list[Event] = []
    time = start
    for _ in range(rng.randint(1, 6)):
        time += rng.choice([0.000001, 0.5, 3.0])
        choice = rng.randrange(3)
        added = choice not in present
        (present.add if added else present.discard)(choice)
        events.append((choice, added, round(time, 6)))
    return events


async def test_a_shuffled_storm_with_duplicates_ends_as_in_order_delivery(store: Store) -> None:
    rng = random.Random(11)
    cards = {f"m{n}": await _card(store, f"m{n}") for n in range(8)}
    sessions = {
        (message_id, f"U{user}"): _slack_session(rng, 1_700_000_000.0 + user)
        for message_id in cards
        for user in range(40)
    }
    deliveries = [
        (message_id, user, event, n)
        for (message_id, user), events in sessions.items()
        for n, event in enumerate(events)
    ]
    deliveries += rng.sample(deliveries, len(deliveries) // 5)  # redeliveries, late and early
    rng.shuffle(deliveries)
    queue: asyncio.Queue[tuple[str, str, Event, int]] = asyncio.Queue()
    for delivery in deliveries:
        queue.put_nowait(delivery)

    async def worker() -> None:
        while not queue.empty():
            message_id, user, (choice, added, time), n = queue.get_nowait()
            event = ReactionEvent(
                platform="slack",
                channel="C1",
                message_id=message_id,
                user_id=user,
                emoji=KEYCAPS[choice],
                added=added,
                event_id=f"Ev-{message_id}-{user}-{n}-{rng.random()}",  # retries get new ids
                event_time=time,
            )
            await handle_reaction(store, event, bot_user_id=None, arrival_time=lambda: 0.0)

    await asyncio.gather(*(worker() for _ in range(32)))
    for message_id, card_id in cards.items():
        expected = [0, 0, 0]
        for (card, _), events in sessions.items():
            if card == message_id and (vote := in_order(events)) is not None:
                expected[vote] += 1
        assert await store.card_tally(card_id) == tuple(expected), message_id


async def test_a_late_duplicate_without_platform_time_cannot_flip_a_vote(store: Store) -> None:
    """Discord's raw reaction events carry no id and no time: arrival order stands in, and a
    reaction that is already there cannot be added again, so a late copy changes nothing."""
    card_id = await _card(store, "m1")
    clock = itertools.count(100)

    async def discord(emoji: str, added: bool) -> None:
        event = ReactionEvent(
            platform="slack", channel="C1", message_id="m1", user_id="U1", emoji=emoji, added=added
        )
        await handle_reaction(
            store, event, bot_user_id=None, arrival_time=lambda: float(next(clock))
        )

    await discord(KEYCAPS[0], True)
    await discord(KEYCAPS[1], True)
    await discord(KEYCAPS[0], True)  # a late copy of the first add
    assert current_vote(await store.card_tally(card_id)) == 1
    await discord(KEYCAPS[0], False)  # 1 taken off: not the vote, nothing changes
    await discord(KEYCAPS[0], False)  # ... and its copy
    assert current_vote(await store.card_tally(card_id)) == 1
    await discord(KEYCAPS[1], False)
    assert current_vote(await store.card_tally(card_id)) is None
    await discord(KEYCAPS[1], False)  # a late copy of the retraction
    await discord(KEYCAPS[2], True)
    assert current_vote(await store.card_tally(card_id)) == 2


async def test_a_version_3_database_keeps_its_votes_and_retractions_after_the_upgrade(
    db_location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Migration 4 rebuilds the per-number times from the stored votes: tallies stay, and an
    event older than a stored vote or retraction still cannot change it."""
    import bot.storage.database
    from bot.storage import POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS

    with monkeypatch.context() as patch:
        patch.setattr(bot.storage.database, "SQLITE_MIGRATIONS", SQLITE_MIGRATIONS[:3])
        patch.setattr(bot.storage.database, "POSTGRES_MIGRATIONS", POSTGRES_MIGRATIONS[:3])
        old = await Store.open(db_location)
        card_id = await _old_card(old, "m1")
        rows = [("ann", 1, 1, 10.0), ("bob", 1, 0, 10.0), ("bob", 0, 0, 20.0), ("cy", 1, 2, 10.0)]
        for n, (user, added, choice, time) in enumerate(rows):
            await old.write(
                "INSERT INTO vote_events (event_key, card_id, voter, added, choice, event_time, "
                "seen_at) VALUES (?, ?, ?, ?, ?, ?, 0)",
                (f"k{n}", card_id, old.hash_user("slack", user), added, choice, time),
            )
        assert await old.card_tally(card_id) == (0, 1, 1)  # ann 2, bob retracted, cy 3
        await old.close()

    store = await Store.open(db_location)
    try:
        assert await store.card_tally(card_id) == (0, 1, 1)
        await _apply(store, "m1", "bob", [(1, True, 15.0)])  # older than bob's retraction
        await _apply(store, "m1", "ann", [(0, True, 5.0)])  # older than ann's vote
        assert await store.card_tally(card_id) == (0, 1, 1)
        await _apply(store, "m1", "cy", [(2, False, 30.0)])  # newer: retracts cy's vote
        await _apply(store, "m1", "bob", [(0, True, 25.0)])  # newer: bob votes again
        assert await store.card_tally(card_id) == (1, 1, 0)
    finally:
        await store.close()
