"""A store as an older bot left it: opened with only the first migrations, and a card posted
the way that bot wrote it (plain SQL, no column a later migration added): where upgrade tests
start."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import pytest

import bot.storage.database
from bot.storage import POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS
from bot.storage.database import Transaction
from bot.votes import Store


@asynccontextmanager
async def store_at_version(
    location: str, version: int, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Store]:
    """A store of schema `version`, closed on leaving; the next `Store.open` upgrades it."""
    with monkeypatch.context() as patch:
        patch.setattr(bot.storage.database, "SQLITE_MIGRATIONS", SQLITE_MIGRATIONS[:version])
        patch.setattr(bot.storage.database, "POSTGRES_MIGRATIONS", POSTGRES_MIGRATIONS[:version])
        old = await Store.open(location)
        try:
            yield old
        finally:
            await old.close()


async def post_old_card(
    tx: Transaction, slugs: Sequence[str], *, message_id: str, asked_by: str, channel: str = "c1"
) -> int:
    """A console card with `slugs`, as every schema version since 1 stores it; its id."""
    await tx.execute(
        "INSERT INTO cards (platform, channel, message_id, asked_by, created_at) "
        "VALUES ('console', ?, ?, ?, 't')",
        (channel, message_id, asked_by),
    )
    [(card_id,)] = await tx.fetch("SELECT id FROM cards WHERE message_id = ?", (message_id,))
    for position, slug in enumerate(slugs):
        await tx.execute(
            "INSERT INTO card_tools (card_id, position, slug) VALUES (?, ?, ?)",
            (card_id, position, slug),
        )
    return int(card_id)
