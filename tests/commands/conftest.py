"""A terminal bot over a real SQLite file in tmp_path, its clock held at `NOW`: what the core
commands are tested through."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.console.chat import ConsoleChat
from bot.catalogue import Catalogue
from bot.chat import ChatBot
from bot.votes import Store

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
async def bot(tmp_path: Path, catalogue: Catalogue) -> AsyncIterator[ChatBot]:
    store = await Store.open(tmp_path / "verdict.db")
    try:
        yield ChatBot(catalogue, store, ConsoleChat(catalogue, store), clock=lambda: NOW)
    finally:
        await store.close()
