"""/verdicts rights in the core, on any platform: they come only from the request's `Rights`,
which each platform reckons from its own roles; subscribing a channel grants nothing (issue 27,
finding 2). Driven through the core's command over the terminal's channel and a real SQLite
file."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.console.chat import ConsoleChat
from bot import commands
from bot.catalogue import Catalogue
from bot.chat import ChatBot
from bot.poll_flows import PollDesk
from bot.votes import Store
from bot.weekly import WeeklyCommands

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
PLATFORM = "console"


@pytest.fixture
async def desk(
    tmp_path: Path, catalogue: Catalogue
) -> AsyncIterator[tuple[WeeklyCommands, PollDesk]]:
    store = await Store.open(tmp_path / "verdict.db")
    try:
        bot = ChatBot(catalogue, store, ConsoleChat(catalogue, store), clock=lambda: NOW)
        weekly = WeeklyCommands.for_bots({PLATFORM: bot}, platform=PLATFORM, clock=lambda: NOW)
        yield weekly, PollDesk(bot)
    finally:
        await store.close()


def _asker(user: str, *, admin: bool = False) -> commands.Request:
    rights = commands.Rights(admin=admin, admins="a server admin")
    return commands.Request(platform=PLATFORM, channel="c1", user_id=user, rights=rights)


async def _say(desk: tuple[WeeklyCommands, PollDesk], asker: commands.Request, *words: str) -> str:
    weekly, polls = desk
    return await commands.channel_command(weekly, polls, asker, words[0], list(words[1:]))


async def test_a_member_cannot_subscribe_a_free_channel_and_so_gains_nothing(
    desk: tuple[WeeklyCommands, PollDesk],
) -> None:
    refused = "Only a server admin, or a bot admin, can do that."
    assert await _say(desk, _asker("mallory"), "subscribe", "monday", "9") == refused
    assert await desk[0].store.subscription(PLATFORM, "c1") is None
    for action in (["unsubscribe"], ["now"], ["public", "Team"], ["private"]):
        assert await _say(desk, _asker("mallory"), *action) == refused
    assert (await _say(desk, _asker("mallory"), "settings", "results:closed")).startswith(refused)


async def test_the_subscriber_has_no_more_rights_than_any_member(
    desk: tuple[WeeklyCommands, PollDesk],
) -> None:
    said = await _say(desk, _asker("alice", admin=True), "subscribe", "monday", "9")
    assert said.startswith("Subscribed: a weekly verdict here on Monday")
    # alice lost her role: having subscribed the channel is no right of its own
    assert await _say(desk, _asker("alice"), "unsubscribe") == (
        "Only a server admin, or a bot admin, can do that."
    )
    assert await desk[0].store.subscription(PLATFORM, "c1") is not None
    assert await _say(desk, _asker("bob", admin=True), "unsubscribe") == "Unsubscribed."


async def test_anyone_may_preview_and_read_the_settings(
    desk: tuple[WeeklyCommands, PollDesk],
) -> None:
    await _say(desk, _asker("alice", admin=True), "subscribe", "monday", "9")
    assert "Only" not in await _say(desk, _asker("mallory"), "preview")
    assert "Only" not in await _say(desk, _asker("mallory"), "settings")
