"""Weekly verdicts with a fake clock and real SQLite files: due times, the pick, exactly-once."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from adapters.console.chat import ConsoleChat
from bot.catalogue import Catalogue, WeeklyEntry
from bot.chat import ChatBot
from bot.platform import PostedCard
from bot.votes import KEYCAPS, ReactionEvent, Store
from bot.weekly import (
    LEASE_SECONDS,
    Subscription,
    WeeklyScheduler,
    WeeklyStore,
    WeekWindow,
    pick_for_week,
    recap,
    week_window,
)

UTC = dt.UTC
# 2026-11-23 is a Monday.
MONDAY = dt.datetime(2026, 11, 23, tzinfo=UTC)


def _sub(
    weekday: int, hour: int, tz: str = "UTC", created: dt.datetime | None = None
) -> Subscription:
    return Subscription(
        id=1,
        platform="console",
        channel="c",
        weekday=weekday,
        hour=hour,
        timezone=tz,
        subscribed_by="x",
        created_at=created or dt.datetime(2020, 1, 1, tzinfo=UTC),
    )


# --- due times ---------------------------------------------------------------------------


def test_due_time_is_the_chosen_hour_in_the_channels_time_zone() -> None:
    window = week_window(_sub(0, 9, "Europe/Paris"), MONDAY + dt.timedelta(days=2))
    assert window.week == "2026-W48"
    assert window.due == dt.datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 09:00 CET
    assert window.ends == dt.datetime(2026, 11, 29, 23, 0, tzinfo=UTC)  # Monday 00:00 CET


def test_a_far_east_zone_can_be_in_a_different_week_than_utc() -> None:
    sunday_late_utc = dt.datetime(2026, 11, 29, 20, 0, tzinfo=UTC)  # Monday 05:00 in Tokyo
    assert week_window(_sub(0, 9, "Asia/Tokyo"), sunday_late_utc).week == "2026-W49"
    assert week_window(_sub(0, 9, "UTC"), sunday_late_utc).week == "2026-W48"


def test_the_wall_clock_hour_holds_across_a_dst_change() -> None:
    new_york = _sub(0, 9, "America/New_York")
    before = week_window(new_york, dt.datetime(2026, 10, 28, tzinfo=UTC))  # EDT, UTC-4
    after = week_window(new_york, dt.datetime(2026, 11, 4, tzinfo=UTC))  # EST, UTC-5
    assert before.due == dt.datetime(2026, 10, 26, 13, 0, tzinfo=UTC)
    assert after.due == dt.datetime(2026, 11, 2, 14, 0, tzinfo=UTC)


def test_an_hour_skipped_by_dst_still_gives_one_due_time() -> None:
    # Europe/Paris jumps from 02:00 to 03:00 on Sunday 2026-03-29.
    window = week_window(_sub(6, 2, "Europe/Paris"), dt.datetime(2026, 3, 25, tzinfo=UTC))
    assert window.due == dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC)  # 03:00 CEST


# --- the pick ----------------------------------------------------------------------------


def _window(day: dt.date = dt.date(2026, 11, 23)) -> WeekWindow:
    return week_window(_sub(0, 9), dt.datetime.combine(day, dt.time(12), tzinfo=UTC))


def _with_queue(catalogue: Catalogue, *entries: WeeklyEntry) -> Catalogue:
    return catalogue.model_copy(update={"weekly": entries})


def test_the_curated_queue_goes_first_in_order_once_each(catalogue: Catalogue) -> None:
    cat = _with_queue(
        catalogue,
        WeeklyEntry(tools=("gpt-4o", "claude-haiku-4-5")),
        WeeklyEntry(tools=("moondream2", "smolvlm2")),
    )
    first = pick_for_week(cat, _window(), [], [])
    assert first is not None and (first.tools, first.reason) == (
        ("gpt-4o", "claude-haiku-4-5"),
        "queue",
    )
    second = pick_for_week(cat, _window(), [("gpt-4o", "claude-haiku-4-5")], [])
    assert second is not None and second.tools == ("moondream2", "smolvlm2")


def test_a_dated_queue_entry_waits_for_its_week(catalogue: Catalogue) -> None:
    dated = WeeklyEntry(tools=("gpt-5", "llama-3-3-70b"), date=dt.date(2026, 12, 2))
    cat = _with_queue(catalogue, dated)
    assert pick_for_week(cat, _window(), [], []).reason != "queue"  # type: ignore[union-attr]
    its_week = pick_for_week(cat, _window(dt.date(2026, 11, 30)), [], [])
    assert its_week is not None and its_week.tools == ("gpt-5", "llama-3-3-70b")


def test_then_the_most_requested_comparison_not_had_in_eight_weeks(catalogue: Catalogue) -> None:
    cat = _with_queue(catalogue)
    asked = [("claude-haiku-4-5", "gpt-4o-mini")] * 3 + [("gpt-4o", "mistral-large")] * 5
    pick = pick_for_week(cat, _window(), [], asked)
    assert pick is not None and (pick.tools, pick.reason) == (
        ("gpt-4o", "mistral-large"),
        "requested",
    )
    had = [("smolvlm2", "moondream2")] + [("mistral-large", "gpt-4o")] + [("a", "b")] * 6
    pick = pick_for_week(cat, _window(), had, asked)
    assert pick is not None and pick.tools == ("claude-haiku-4-5", "gpt-4o-mini")


def test_then_a_rotation_through_same_category_pairs(catalogue: Catalogue) -> None:
    cat = _with_queue(catalogue)
    first = pick_for_week(cat, _window(), [], [])
    assert first is not None and first.reason == "rotation"
    a, b = (catalogue.by_slug[s] for s in first.tools)
    assert a.category == b.category
    second = pick_for_week(cat, _window(), [first.tools], [])
    assert second is not None and second.tools != first.tools
    assert pick_for_week(cat, _window(), [first.tools], []) == second  # deterministic


def test_never_the_same_comparison_twice_in_a_row(catalogue: Catalogue) -> None:
    cat = _with_queue(
        catalogue, WeeklyEntry(tools=("gpt-4o", "mistral-large"), date=dt.date(2026, 11, 24))
    )
    last_week = [("mistral-large", "gpt-4o")]
    pick = pick_for_week(cat, _window(), last_week, [("gpt-4o", "mistral-large")] * 9)
    assert pick is not None and set(pick.tools) != {"gpt-4o", "mistral-large"}


def test_recap_lines() -> None:
    assert recap(["A", "B"], [34, 21]) == "Last week: the community picked A, 34 to 21."
    assert (
        recap(["A", "B", "C"], [1, 5, 2]) == "Last week: the community picked B, with 5 of 8 votes."
    )
    assert recap(["A", "B"], [3, 3]) == "Last week: A and B tied with 3 votes each."
    assert recap(["A", "B"], [0, 0]) == "Last week (A vs B): no votes were cast."


# --- the scheduler -------------------------------------------------------------------------


@dataclass
class FakeClock:
    now: dt.datetime

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


class FlakyChat(ConsoleChat):
    """The console platform, failing the first `failures` posts to the named channels."""

    def __init__(self, catalogue: Catalogue, failing: set[str], failures: int = 1) -> None:
        super().__init__(catalogue)
        self.failing = failing
        self.failures = failures

    async def post_card(self, channel: str, posted: PostedCard) -> str:
        if channel in self.failing and self.failures > 0:
            self.failures -= 1
            raise ConnectionError("platform is down")
        return await super().post_card(channel, posted)


@dataclass
class Bot:
    """One bot process: its own store connections, chat platform and scheduler."""

    store: Store
    chat: ConsoleChat
    chat_bot: ChatBot
    weekly: WeeklyStore
    scheduler: WeeklyScheduler

    def cards(self) -> list[str]:
        return [m.text for m in self.chat.outbox if m.kind == "card"]


async def start_bot(
    db: str | Path, catalogue: Catalogue, clock: FakeClock, chat: ConsoleChat | None = None
) -> Bot:
    store = await Store.open(db, clock=clock)
    chat = chat or ConsoleChat(catalogue)
    chat_bot = ChatBot(catalogue, store, chat, bot_user_id="bot", clock=clock)
    weekly = WeeklyStore(store)
    scheduler = WeeklyScheduler({"console": chat_bot}, weekly, clock=clock)
    return Bot(store, chat, chat_bot, weekly, scheduler)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(MONDAY + dt.timedelta(hours=6))


@pytest.fixture
async def bot(db_location: str, catalogue: Catalogue, clock: FakeClock) -> AsyncIterator[Bot]:
    """Scheduler tests run twice: on a SQLite file and on PostgreSQL."""
    started = await start_bot(db_location, catalogue, clock)
    yield started
    await started.store.close()


async def _subscribe(
    bot: Bot, clock: FakeClock, channel: str = "c", weekday: int = 0, hour: int = 9
) -> Subscription:
    return await bot.weekly.subscribe(
        platform="console",
        channel=channel,
        weekday=weekday,
        hour=hour,
        timezone="UTC",
        user_id="admin",
        now=clock(),
    )


async def _posts(bot: Bot) -> list[tuple[str, str]]:
    rows = await bot.store.fetch("SELECT week, status FROM weekly_posts ORDER BY week")
    return [(week, status) for week, status in rows]


async def test_nothing_is_posted_before_the_hour_and_once_at_it(bot: Bot, clock: FakeClock) -> None:
    await _subscribe(bot, clock)
    assert await bot.scheduler.run_once() == []
    clock.advance(hours=3)  # Monday 09:00
    [result] = await bot.scheduler.run_once()
    assert result.outcome == "sent" and result.week == "2026-W48"
    clock.advance(minutes=5)
    assert await bot.scheduler.run_once() == []
    assert len(bot.cards()) == 1
    assert "SmolVLM2 vs Mistral Medium 3" in bot.cards()[0]  # the curated queue's first entry


async def test_a_restart_mid_week_does_not_post_again(
    db_location: str, catalogue: Catalogue, bot: Bot, clock: FakeClock
) -> None:
    await _subscribe(bot, clock)
    clock.advance(hours=3)
    await bot.scheduler.run_once()
    await bot.store.close()
    clock.advance(days=2)
    restarted = await start_bot(db_location, catalogue, clock)
    try:
        assert await restarted.scheduler.run_once() == []
        assert restarted.cards() == []
    finally:
        await restarted.store.close()
    bot.store = await Store.open(db_location, clock=clock)  # for the fixture's close


async def test_a_post_missed_while_down_is_sent_on_start_if_its_week_is_not_over(
    bot: Bot, clock: FakeClock
) -> None:
    await _subscribe(bot, clock)
    clock.advance(days=3)  # Thursday: the bot was down on Monday 09:00
    [result] = await bot.scheduler.run_once()
    assert result.outcome == "sent" and result.week == "2026-W48"


async def test_a_week_missed_entirely_is_skipped_with_a_log_line(
    bot: Bot, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    await _subscribe(bot, clock)
    clock.advance(days=8)  # the next Tuesday: all of week 48 passed without the bot
    with caplog.at_level(logging.WARNING, logger="bot.weekly.scheduler"):
        [result] = await bot.scheduler.run_once()
        await bot.scheduler.run_once()
    assert result.week == "2026-W49" and result.outcome == "sent"
    assert [r.message for r in caplog.records].count(
        "weekly verdicts: console/c missed week 2026-W48 while the bot was down; skipped"
    ) == 1
    assert await _posts(bot) == [("2026-W48", "skipped"), ("2026-W49", "sent")]


async def test_subscribing_after_the_hour_waits_for_next_week(bot: Bot, clock: FakeClock) -> None:
    clock.advance(hours=5)  # Monday 11:00
    await _subscribe(bot, clock)
    assert await bot.scheduler.run_once() == []
    clock.advance(days=7)
    [result] = await bot.scheduler.run_once()
    assert result.week == "2026-W49"


async def test_a_crash_between_claim_and_send_posts_once_after_the_lease(
    bot: Bot, clock: FakeClock
) -> None:
    sub = await _subscribe(bot, clock)
    clock.advance(hours=3)
    window = week_window(sub, clock())
    claimed = await bot.weekly.claim(
        sub.id,
        window.week,
        ("gpt-4o", "mistral-large"),
        owner="crashed-process",
        now=clock().timestamp(),
        lease_seconds=LEASE_SECONDS,
    )
    assert claimed == ("gpt-4o", "mistral-large")
    clock.advance(minutes=1)
    [busy] = await bot.scheduler.run_once()
    assert busy.outcome == "busy" and bot.cards() == []
    clock.advance(seconds=LEASE_SECONDS)
    [sent] = await bot.scheduler.run_once()
    assert sent.outcome == "sent" and sent.tools == ("gpt-4o", "mistral-large")
    clock.advance(minutes=1)
    assert await bot.scheduler.run_once() == []
    assert len(bot.cards()) == 1


async def test_two_processes_racing_post_once(
    db_location: str, catalogue: Catalogue, bot: Bot, clock: FakeClock
) -> None:
    await _subscribe(bot, clock)
    other = await start_bot(db_location, catalogue, clock)
    try:
        clock.advance(hours=3)
        for _ in range(5):
            await asyncio.gather(bot.scheduler.run_once(), other.scheduler.run_once())
        assert len(bot.cards()) + len(other.cards()) == 1
    finally:
        await other.store.close()
    assert await _posts(bot) == [("2026-W48", "sent")]


async def test_a_failed_send_is_retried_with_backoff_and_blocks_no_other_channel(
    tmp_path: Path, catalogue: Catalogue, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    flaky = FlakyChat(catalogue, failing={"a"})
    bot = await start_bot(tmp_path / "flaky.db", catalogue, clock, chat=flaky)
    try:
        await _subscribe(bot, clock, channel="a")
        await _subscribe(bot, clock, channel="b")
        clock.advance(hours=3)
        with caplog.at_level(logging.WARNING, logger="bot.weekly.scheduler"):
            results = {r.subscription.channel: r.outcome for r in await bot.scheduler.run_once()}
        assert results == {"a": "failed", "b": "sent"}
        assert any("failed (attempt 1)" in r.message for r in caplog.records)
        clock.advance(seconds=30)
        assert await bot.scheduler.run_once() == []  # still backing off
        clock.advance(seconds=31)
        [retried] = await bot.scheduler.run_once()
        assert (retried.subscription.channel, retried.outcome) == ("a", "sent")
        assert len(bot.cards()) == 2
    finally:
        await bot.store.close()


async def test_unsubscribing_stops_the_posts(bot: Bot, clock: FakeClock) -> None:
    await _subscribe(bot, clock)
    assert await bot.weekly.unsubscribe("console", "c")
    clock.advance(days=1)
    assert await bot.scheduler.run_once() == []
    assert not await bot.weekly.unsubscribe("console", "c")


async def test_next_weeks_card_recaps_this_weeks_vote_and_picks_another_pair(
    bot: Bot, clock: FakeClock
) -> None:
    await _subscribe(bot, clock)
    clock.advance(hours=3)
    [first] = await bot.scheduler.run_once()
    card = await bot.store.find_card("console", "c", "1")
    assert card is not None
    for user, choice in (("ann", 0), ("bob", 0), ("cy", 1)):
        await bot.chat_bot.reaction(
            ReactionEvent(
                platform="console",
                channel="c",
                message_id="1",
                user_id=user,
                emoji=KEYCAPS[choice],
                added=True,
            )
        )
    edited = [m for m in bot.chat.outbox if m.kind == "edit"][-1].text
    assert edited.startswith("Weekly verdict\nThe first weekly verdict in this channel.")
    clock.advance(days=7)
    [second] = await bot.scheduler.run_once()
    assert set(second.tools) != set(first.tools)
    posted = bot.cards()[-1]
    assert posted.startswith("Weekly verdict\nLast week: the community picked SmolVLM2, 2 to 1.")
    # The recap stays on the card when its tally is edited.
    await bot.chat_bot.reaction(
        ReactionEvent(
            platform="console",
            channel="c",
            message_id="2",
            user_id="ann",
            emoji=KEYCAPS[0],
            added=True,
        )
    )
    assert bot.chat.messages["2"].startswith("Weekly verdict\nLast week:")


async def test_preview_shows_what_and_when_without_posting(bot: Bot, clock: FakeClock) -> None:
    sub = await _subscribe(bot, clock)
    preview = await bot.scheduler.preview(sub)
    assert preview is not None
    assert preview.due == dt.datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert preview.tools == ("smolvlm2", "mistral-medium-3")
    assert bot.cards() == []


async def test_the_loop_keeps_checking_after_a_failed_run(
    bot: Bot, clock: FakeClock, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _subscribe(bot, clock)
    calls = {"runs": 0}
    real_run_once = bot.scheduler.run_once

    async def flaky_run_once() -> list:
        calls["runs"] += 1
        if calls["runs"] == 1:
            raise RuntimeError("database went away for a moment")
        return await real_run_once()

    monkeypatch.setattr(bot.scheduler, "run_once", flaky_run_once)
    naps: list[float] = []

    async def sleep(seconds: float) -> None:
        naps.append(seconds)
        clock.advance(hours=2)  # the loop's next check finds Monday 09:00 passed
        if len(naps) == 3:
            raise asyncio.CancelledError

    with (
        caplog.at_level(logging.ERROR, logger="bot.weekly.scheduler"),
        pytest.raises(asyncio.CancelledError),
    ):
        await bot.scheduler.run_forever(sleep=sleep, every=60.0)
    assert naps == [60.0, 60.0, 60.0]
    assert any(r.message == "weekly verdicts: run failed" for r in caplog.records)
    assert len(bot.cards()) == 1


class ProcessKilled(BaseException):
    """Stands in for kill -9: nothing after it runs, no `except Exception` catches it."""


class DiesWhileSeedingReactions(ConsoleChat):
    async def add_reactions(self, channel: str, message_id: str, emojis: Sequence[str]) -> None:
        raise ProcessKilled


async def test_a_crash_after_the_post_while_seeding_reactions_never_posts_twice(
    db_location: str, catalogue: Catalogue, clock: FakeClock
) -> None:
    dying = await start_bot(db_location, catalogue, clock, DiesWhileSeedingReactions(catalogue))
    await _subscribe(dying, clock)
    clock.advance(hours=3)
    with pytest.raises(ProcessKilled):
        await dying.scheduler.run_once()
    assert len(dying.cards()) == 1
    await dying.store.close()
    clock.advance(seconds=LEASE_SECONDS + 60)  # long past the crashed process's lease
    restarted = await start_bot(db_location, catalogue, clock)
    try:
        assert await restarted.scheduler.run_once() == []
        assert restarted.cards() == []
        assert await _posts(restarted) == [("2026-W48", "sent")]
    finally:
        await restarted.store.close()


class SlowToPost(ConsoleChat):
    def __init__(self, catalogue: Catalogue) -> None:
        super().__init__(catalogue)
        self.posting = asyncio.Event()
        self.release = asyncio.Event()

    async def post_card(self, channel: str, posted: PostedCard) -> str:
        self.posting.set()
        await self.release.wait()
        return await super().post_card(channel, posted)


async def test_stopping_the_loop_lets_a_post_under_way_finish_and_be_recorded(
    db_location: str, catalogue: Catalogue, clock: FakeClock
) -> None:
    chat = SlowToPost(catalogue)
    running = await start_bot(db_location, catalogue, clock, chat)
    try:
        await _subscribe(running, clock)
        clock.advance(hours=3)
        stop = asyncio.Event()
        loop = asyncio.create_task(running.scheduler.run_forever(stop=stop))
        await asyncio.wait_for(chat.posting.wait(), 5)
        stop.set()  # SIGTERM arrives while the platform is accepting the card
        chat.release.set()
        await asyncio.wait_for(loop, 5)
        assert len(running.cards()) == 1
        assert await _posts(running) == [("2026-W48", "sent")]
    finally:
        await running.store.close()
