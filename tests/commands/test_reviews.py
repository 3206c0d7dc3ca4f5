""" "Full reviews" in the core: a page per tool where the platform lays out a tool's reviews
itself, else every review in one private text; a card whose tools are gone is said so."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from adapters.console.chat import ConsoleChat
from bot import commands
from bot.catalogue import Catalogue
from bot.chat import ChatBot
from bot.compare import VerdictCard
from bot.votes import Store

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
ASKER = commands.Surface(name="console").request("c1", "alice")


@dataclass
class PagedChat(ConsoleChat):
    """The terminal, with a page of reviews per tool as Discord and Slack have."""

    pages: list[tuple[str, str]] = field(default_factory=list)

    async def send_reviews(self, channel: str, user_id: str, card: VerdictCard, slug: str) -> None:
        self.pages.append((user_id, slug))


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "verdict.db")
    try:
        yield opened
    finally:
        await opened.close()


async def test_a_platform_with_review_pages_gets_one_per_tool_for_the_asker_alone(
    store: Store, catalogue: Catalogue
) -> None:
    chat = PagedChat(catalogue, store)
    bot = ChatBot(catalogue, store, chat, clock=lambda: NOW)
    slugs = [tool.slug for tool in catalogue.tools[:2]]
    await commands.show(bot, ASKER, commands.ask_reviews(bot.comparer, slugs))
    assert chat.pages == [("alice", slugs[0]), ("alice", slugs[1])]
    assert not chat.outbox


async def test_a_platform_without_review_pages_gets_every_review_in_one_private_text(
    store: Store, catalogue: Catalogue
) -> None:
    chat = ConsoleChat(catalogue, store)
    bot = ChatBot(catalogue, store, chat, clock=lambda: NOW)
    first, second = catalogue.tools[:2]
    await commands.show(bot, ASKER, commands.ask_reviews(bot.comparer, [first.slug, second.slug]))
    [said] = chat.outbox
    assert said.kind == "ephemeral" and said.to_user == "alice"
    assert first.name in said.text and second.name in said.text


async def test_reviews_of_a_card_no_longer_stored_are_refused_in_words(
    store: Store, catalogue: Catalogue
) -> None:
    chat = PagedChat(catalogue, store)
    bot = ChatBot(catalogue, store, chat, clock=lambda: NOW)
    await commands.show(bot, ASKER, commands.ask_reviews(bot.comparer, None))
    [said] = chat.outbox
    assert said.kind == "ephemeral" and said.text == commands.CARD_GONE
    assert chat.pages == []
