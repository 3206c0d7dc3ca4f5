"""The store under concurrency, on a real SQLite file and on PostgreSQL: a read that follows a
write in the same flow sees it, however many flows share the store."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import pytest

from bot.votes import KEYCAPS, ReactionEvent, Store, handle_reaction
from bot.weekly import WeeklyStore

FLOWS = 16


@pytest.fixture
async def store(db_location: str) -> AsyncIterator[Store]:
    opened = await Store.open(db_location)
    yield opened
    await opened.close()


async def test_sixteen_flows_registering_and_voting_each_see_their_own_card(store: Store) -> None:
    """Each flow posts cards and votes on them at once; each read follows its own write."""

    async def flow(n: int) -> None:
        for round_ in range(15):
            message_id = f"m{n}-{round_}"
            card = await store.register_card(
                platform="slack",
                channel=f"C{n}",
                message_id=message_id,
                tools=("gpt-4o", "haiku"),
                asked_by=f"U{n}",
            )
            assert card.message_id == message_id and card.tools == ("gpt-4o", "haiku")
            event = ReactionEvent(
                platform="slack",
                channel=f"C{n}",
                message_id=message_id,
                user_id=f"V{n}",
                emoji=KEYCAPS[round_ % 2],
                added=True,
                event_time=1000.0 + round_,
            )
            await handle_reaction(store, event, bot_user_id=None, arrival_time=lambda: 0.0)
            tally = await store.card_tally(card.id)
            assert tally == ((1, 0) if round_ % 2 == 0 else (0, 1))

    await asyncio.gather(*(flow(n) for n in range(FLOWS)))


async def test_concurrent_weekly_claims_and_subscriptions_read_what_they_wrote(
    store: Store,
) -> None:
    weekly = WeeklyStore(store)
    now = dt.datetime(2026, 11, 24, tzinfo=dt.UTC)

    async def flow(n: int) -> None:
        sub = await weekly.subscribe(
            platform="slack",
            channel=f"C{n}",
            weekday=n % 7,
            hour=9,
            timezone="UTC",
            user_id=f"U{n}",
            now=now,
        )
        assert sub.channel == f"C{n}" and sub.weekday == n % 7
        tools = await weekly.claim(
            sub.id, "2026-W48", ["gpt-4o", "haiku"], owner=f"o{n}", now=1.0, lease_seconds=600
        )
        assert tools == ("gpt-4o", "haiku")
        attempts = await weekly.mark_retry(sub.id, "2026-W48", error="x", next_attempt_at=2.0)
        assert attempts == 1

    await asyncio.gather(*(flow(n) for n in range(FLOWS)))
