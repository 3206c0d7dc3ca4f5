"""`verdict weekly preview` and `run-once` decided in the core over a real store: nothing
subscribed, a channel named by its id or as platform/id, an unknown one refused with those
that are subscribed, and a run's report."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.console.chat import ConsoleChat
from bot import commands
from bot.catalogue import Catalogue
from bot.chat import ChatBot
from bot.errors import BadQuery
from bot.votes import Store
from bot.weekly import WeeklyCommands

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)  # a Wednesday
CLOCK = [NOW]


@pytest.fixture
async def weekly(tmp_path: Path, catalogue: Catalogue) -> AsyncIterator[WeeklyCommands]:
    store = await Store.open(tmp_path / "verdict.db")
    try:
        CLOCK[:] = [NOW]
        bot = ChatBot(catalogue, store, ConsoleChat(catalogue, store), clock=lambda: CLOCK[0])
        yield WeeklyCommands.for_bots({"console": bot}, platform="console", clock=lambda: CLOCK[0])
    finally:
        await store.close()


async def test_with_nothing_subscribed_the_preview_says_so(weekly: WeeklyCommands) -> None:
    assert await commands.preview_all(weekly.scheduler) == commands.NO_SUBSCRIBERS


async def test_a_channel_is_named_by_its_id_or_platform_and_id(weekly: WeeklyCommands) -> None:
    await weekly.subscribe("c1", "alice", "fri", "9")
    await weekly.subscribe("c2", "alice", "mon", "10")
    both = (await commands.preview_all(weekly.scheduler)).split("\n")
    assert [line.split(":")[0] for line in both] == [
        "Next weekly verdict in console/c1",
        "Next weekly verdict in console/c2",
    ]
    for name in ("c2", "console/c2"):
        [one] = (await commands.preview_all(weekly.scheduler, name)).split("\n")
        assert one == both[1] and "Mon 30 Nov 2026 10:00 UTC" in one
    with pytest.raises(BadQuery, match=r'"c3"; subscribed: console/c1, console/c2\.$'):
        await commands.preview_all(weekly.scheduler, "c3")


async def test_a_run_reports_each_channel_week_and_the_channels_posted_elsewhere(
    weekly: WeeklyCommands,
) -> None:
    await weekly.subscribe("c1", "alice", "wed", "13")
    CLOCK[0] = NOW + dt.timedelta(hours=2)
    results = await weekly.scheduler.run_once()
    [line, elsewhere] = commands.ran_once(results, elsewhere=2)
    assert line.startswith("console/c1 2026-W48: sent")
    assert elsewhere.startswith("2 subscribed channel(s) on chat platforms")
    assert commands.ran_once([], elsewhere=0) == []
