"""Anonymous button votes cannot be traced through the export: a voter's id is keyed per card,
so a public reaction on one card (which names its voter to everyone in the channel) matches
no id on any other card. Cards voted on before keep their hashes for counting, and the export
keys those per card too. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest

from adapters.console.chat import open_console
from bot.catalogue import Catalogue
from bot.votes import Store

NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
PEOPLE = ("ann", "bob", "cy")


def cards_by_voter(rows: list) -> dict[str, set[int]]:
    seen: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        seen[row.voter].add(row.card_id)
    return seen


async def test_a_public_reaction_names_nobody_s_button_votes_in_the_export(
    db_location: str, catalogue: Catalogue
) -> None:
    async with open_console(db=db_location, catalogue=catalogue, clock=lambda: NOW) as session:
        await session.send("/compare smolvlm2 vs mistral-medium-3")  # card 1: reactions
        for n, person in enumerate(PEOPLE):
            await session.send(f":react {person} 1 {n % 2 + 1}")
        await session.send("/verdicts settings votes:buttons")
        await session.send("/compare smolvlm2 vs mistral-medium-3")  # card 2: buttons
        for n, person in enumerate(PEOPLE):
            await session.send(f":vote {person} 2 {n % 2 + 1}")
        rows = await session.bot.store.vote_rows()
    assert len(rows) == 6 and {r.card_id for r in rows} == {1, 2}
    assert all(len(cards) == 1 for cards in cards_by_voter(rows).values())  # 6 distinct ids


async def test_cards_voted_before_keep_counting_each_voter_once_and_are_not_joinable(
    db_location: str, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.storage.database
    from bot.storage import POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS

    with monkeypatch.context() as patch:  # a bot from before migration 10 voted on two cards
        patch.setattr(bot.storage.database, "SQLITE_MIGRATIONS", SQLITE_MIGRATIONS[:9])
        patch.setattr(bot.storage.database, "POSTGRES_MIGRATIONS", POSTGRES_MIGRATIONS[:9])
        async with open_console(db=db_location, catalogue=catalogue, clock=lambda: NOW) as s:
            for card in (1, 2):
                await s.send("/compare smolvlm2 vs mistral-medium-3")
                await s.send(f":react ann {card} 1")
            old = await s.bot.store.vote_rows()
    assert old[0].voter != old[1].voter  # even the old bot's export is per card now

    async with open_console(db=db_location, catalogue=catalogue, clock=lambda: NOW) as session:
        await session.send(":react ann 1 2")  # ann moves her vote on an old card: still one
        store: Store = session.bot.store
        assert await store.card_tally(1) == (0, 1)
        await session.send("/compare smolvlm2 vs mistral-medium-3")  # card 3, after the upgrade
        await session.send(":react ann 3 1")
        rows = await store.vote_rows()
        stored = await store.fetch("SELECT card_id, voter FROM votes ORDER BY card_id", ())
    assert len(rows) == 3
    assert all(len(cards) == 1 for cards in cards_by_voter(rows).values())
    by_card = {int(card): voter for card, voter in stored}
    assert by_card[1] == by_card[2]  # the old cards keep the hash they were voted with
    assert by_card[3] != by_card[1]  # a new card's voter is keyed with the card
