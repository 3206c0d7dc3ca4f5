"""Weekly posts under kill -9 at random points: 0 double posts and 0 lost weeks.

A "process" here is a store, a chat bot and a scheduler; killing it raises `ProcessKilled` (a
BaseException nothing catches) at one point of a post: right after the claim commits, right
after the platform accepted the card but before the bot heard back, inside the transaction
that records it (so it rolls back), or while seeding its reactions. The platform (a console
channel keeping its messages) outlives every process, as Slack and Discord do. The next
process starts after the dead one's lease; each post carries its channel-week's idempotency
key, and a recovery looks for the card before posting again. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Sequence

import pytest

from adapters.console.chat import ConsoleChat
from bot.catalogue import Catalogue
from bot.chat import ChatBot
from bot.platform import PostedCard
from bot.storage import Transaction
from bot.votes import AlsoInTransaction, CardRecord, Store
from bot.weekly import WeeklyScheduler, WeeklyStore
from bot.weekly.scheduler import LEASE_SECONDS

MONDAY = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
KILL_POINTS = ("after-claim", "platform-accepted", "in-commit", "seeding", None)


class ProcessKilled(BaseException):
    """Stands in for kill -9: nothing after it runs, no `except Exception` catches it."""


class Killer:
    """Where the current process dies (once), if anywhere."""

    def __init__(self) -> None:
        self.at: str | None = None

    def strike(self, point: str) -> None:
        if self.at == point:
            self.at = None
            raise ProcessKilled(point)


class Platform(ConsoleChat):
    """The chat platform: it keeps every card it accepted, whatever happens to the bot."""

    killer: Killer
    posted: list[tuple[str, str | None]]

    async def post_card(self, channel: str, posted: PostedCard) -> str:
        message_id = await super().post_card(channel, posted)
        self.posted.append((channel, posted.idempotency_key))
        self.killer.strike("platform-accepted")
        return message_id

    async def add_reactions(self, channel: str, message_id: str, emojis: Sequence[str]) -> None:
        self.killer.strike("seeding")
        await super().add_reactions(channel, message_id, emojis)


class DyingWeeklyStore(WeeklyStore):
    def __init__(self, store: Store, killer: Killer) -> None:
        super().__init__(store)
        self.killer = killer

    async def claim(self, *args: object, **kwargs: object) -> tuple[str, ...] | None:
        claimed = await super().claim(*args, **kwargs)  # type: ignore[arg-type]
        self.killer.strike("after-claim")
        return claimed

    def marks_sent(self, subscription_id: int, week: str) -> AlsoInTransaction:
        mark = WeeklyStore.marks_sent(subscription_id, week)
        killer = self.killer

        async def mark_then_die(tx: Transaction, card: CardRecord) -> None:
            await mark(tx, card)
            killer.strike("in-commit")  # inside the transaction: it never commits

        return mark_then_die


@pytest.mark.parametrize("channels,weeks", [(20, 10)])
async def test_kill_9_at_random_points_of_200_channel_weeks_never_posts_twice_or_loses_a_week(
    db_location: str, catalogue: Catalogue, channels: int, weeks: int
) -> None:
    rng = random.Random(27)
    now = MONDAY
    killer = Killer()
    platform = Platform(catalogue)
    platform.killer, platform.posted = killer, []
    kills: Counter[str] = Counter()

    async def process() -> tuple[Store, WeeklyScheduler]:
        store = await Store.open(db_location, clock=lambda: now)
        bot = ChatBot(catalogue, store, platform, bot_user_id="bot", clock=lambda: now)
        weekly = DyingWeeklyStore(store, killer)
        return store, WeeklyScheduler({"console": bot}, weekly, clock=lambda: now)

    store, _ = await process()
    for hour in range(channels):  # one channel per hour: a run has one channel due
        await WeeklyStore(store).subscribe(
            platform="console",
            channel=f"c{hour}",
            weekday=0,
            hour=hour,
            timezone="UTC",
            user_id="admin",
            now=now,
        )
    await store.close()

    for week in range(weeks):
        for hour in range(channels):
            now = MONDAY + dt.timedelta(days=7 * week, hours=hour, minutes=1)
            for attempt in range(4):  # at most three deaths, then a process that lives
                killer.at = rng.choice(KILL_POINTS) if attempt < 3 else None
                store, scheduler = await process()
                try:
                    await scheduler.run_once()
                    died = False
                except ProcessKilled as death:
                    kills[str(death)] += 1
                    died = True
                finally:
                    await store.close()
                if not died:
                    break
                now += dt.timedelta(seconds=LEASE_SECONDS + 1)  # the dead one's lease ends

    store = await Store.open(db_location, clock=lambda: now)
    try:
        rows = await store.fetch("SELECT status, COUNT(*) FROM weekly_posts GROUP BY status", ())
    finally:
        await store.close()
    per_channel_week = Counter(platform.posted)
    doubles = {key: n for key, n in per_channel_week.items() if n > 1}
    assert sum(kills.values()) >= 100 and set(kills) == set(KILL_POINTS) - {None}
    assert doubles == {}
    assert len(per_channel_week) == channels * weeks
    assert {str(status): int(n) for status, n in rows} == {"sent": channels * weeks}
