"""/close in the core, for any platform: what was typed read into a card (a Slack or Discord
message link, or an id alone), the card found where the link says, and the rights asked for
where the card is. Driven over the terminal's channel and a real SQLite file."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.console.chat import ConsoleChat
from bot import commands
from bot.catalogue import Catalogue
from bot.chat import ChatBot
from bot.errors import CloseRefused
from bot.poll_flows import PollDesk
from bot.votes import CardRecord, Store

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
CHAT = commands.Surface(name="console", admins="a server admin", which_card="Which card?")
ALICE = CHAT.request("c1", "alice")
"""The asker of every card here."""
MALLORY = CHAT.request("c1", "mallory")


@pytest.fixture
async def desk(tmp_path: Path, catalogue: Catalogue) -> AsyncIterator[PollDesk]:
    store = await Store.open(tmp_path / "verdict.db")
    try:
        yield PollDesk(ChatBot(catalogue, store, ConsoleChat(catalogue, store), clock=lambda: NOW))
    finally:
        await store.close()


async def _card(desk: PollDesk, catalogue: Catalogue, channel: str = "c1") -> CardRecord:
    slugs = [tool.slug for tool in catalogue.tools[:2]]
    record = await desk.bot.post_comparison(channel, "alice", slugs)
    assert record is not None
    return record


def _never_admin(seen: list[str]) -> commands.AdminWhere:
    async def admin_where(card: CardRecord) -> bool:
        seen.append(card.channel)
        return False

    return admin_where


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        (
            "https://team.slack.com/archives/C0123ABC/p1700000000123456",
            commands.CardLink(channel="C0123ABC", message_id="1700000000.123456"),
        ),
        (
            "https://discord.com/channels/111111/222222/333333",
            commands.CardLink(server="111111", channel="222222", message_id="333333"),
        ),
        (" 1700000000.123456 ", commands.CardLink(message_id="1700000000.123456")),
        ("1192000000000000009", commands.CardLink(message_id="1192000000000000009")),
        ("that one", None),
        ("", None),
    ],
)
def test_a_typed_card_is_read_from_either_chats_link_or_an_id_alone(
    typed: str, read: commands.CardLink | None
) -> None:
    assert commands.read_card_link(typed) == read


async def test_a_link_names_no_card_so_the_closer_is_told_how_to_name_one(
    desk: PollDesk,
) -> None:
    said = await commands.close_linked(desk, ALICE, "that one", _never_admin([]))
    assert said == "Which card?"
    missing = await commands.close_linked(desk, ALICE, "99999", _never_admin([]))
    assert missing == "Which card?"


async def test_a_link_to_another_servers_card_is_refused_before_anything_is_read(
    desk: PollDesk,
) -> None:
    accepted: list[bool] = []

    async def accept() -> None:
        accepted.append(True)

    link = "https://discord.com/channels/111111/222222/333333"
    request = ALICE
    said = await commands.close_linked(
        desk, request, link, _never_admin([]), server="999999", accepted=accept
    )
    assert said == commands.OTHER_SERVER
    assert accepted == []


async def test_the_rights_are_asked_for_where_the_linked_card_is(
    desk: PollDesk, catalogue: Catalogue
) -> None:
    assert isinstance(desk.bot.platform, ConsoleChat)
    desk.bot.platform.messages["1699999999"] = ""  # the next card is 1700000000, an id-like number
    card = await _card(desk, catalogue, channel="222222")
    seen: list[str] = []
    link = f"https://discord.com/channels/111111/222222/{card.message_id}"
    said = await commands.close_linked(desk, MALLORY, link, _never_admin(seen))
    assert seen == ["222222"]
    assert said.startswith("Only")
    closed = await commands.close_linked(desk, ALICE, link, _never_admin(seen))
    assert closed.startswith("Vote closed.")


async def test_a_member_may_not_close_anothers_card_but_a_channel_admin_may(
    desk: PollDesk, catalogue: Catalogue
) -> None:
    card = await _card(desk, catalogue)
    refused = await commands.close_found(desk, MALLORY, card, _never_admin([]))
    assert "Vote closed" not in refused

    async def admin(_: CardRecord) -> bool:
        return True

    closed = await commands.close_found(desk, MALLORY, card, admin)
    assert closed.startswith("Vote closed.")
    again = await commands.close_found(desk, ALICE, card, admin)
    assert again.startswith("This vote is already closed.")


async def test_a_card_the_closer_cannot_reach_is_said_in_the_platforms_words(
    desk: PollDesk, catalogue: Catalogue
) -> None:
    card = await _card(desk, catalogue)

    async def unreachable(_: CardRecord) -> bool:
        raise CloseRefused(commands.OTHER_SERVER)

    said = await commands.close_found(desk, ALICE, card, unreachable)
    assert said == commands.OTHER_SERVER
    assert await desk.polls.poll(card.id) is not None
    assert not (await desk.polls.poll(card.id)).closed  # type: ignore[union-attr]
