"""The use case a card was asked for is stored with it (migration 9) and ranks its own
leaderboard: "/leaderboard coding" counts only the votes on cards asked for coding."""

from __future__ import annotations

import pytest

from bot.catalogue import Catalogue
from bot.commands import leaderboard_scope
from bot.compare import UseCase
from bot.render import text
from bot.votes import Leaderboards, Store
from tests.storage.old_bot import post_old_card, store_at_version
from tests.votes.test_votes import react


async def test_a_version_7_database_upgrades_and_keeps_its_cards_without_a_use_case(
    db_location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with (
        store_at_version(db_location, 7, monkeypatch) as old,  # it stored a card
        old.db.transaction() as tx,
    ):
        await post_old_card(tx, ("gpt-4o", "haiku"), message_id="m1", asked_by="x")

    upgraded = await Store.open(db_location)
    try:
        old_card = await upgraded.find_card("console", "c1", "m1")
        assert old_card is not None and old_card.use_case is None
        new = await upgraded.register_card(
            platform="console",
            channel="c1",
            message_id="m2",
            tools=("gpt-4o", "haiku"),
            asked_by="ann",
            use_case="coding",
        )
        assert new.use_case == "coding"
        found = await upgraded.find_card("console", "c1", "m2")
        assert found is not None and found.use_case == "coding"
    finally:
        await upgraded.close()


async def test_the_leaderboard_for_a_use_case_counts_only_its_cards(
    db_location: str, catalogue: Catalogue
) -> None:
    store = await Store.open(db_location)
    try:
        tools = ("gpt-4o", "gpt-4o-mini")
        for message_id, use_case in (("m1", "coding"), ("m2", None)):
            await store.register_card(
                platform="console",
                channel="c1",
                message_id=message_id,
                tools=tools,
                asked_by="asker",
                use_case=use_case,
            )
        for n in range(3):  # on the coding card, GPT-4o
            await react(store, f"coder{n}", "1️⃣", message_id="m1")
        for n in range(5):  # on the other card, GPT-4o mini
            await react(store, f"other{n}", "2️⃣", message_id="m2")
        boards = Leaderboards(store, refresh_seconds=0)
        category, use_case = leaderboard_scope(catalogue.by_slug, "coding")
        assert (category, use_case) == (None, UseCase.CODING)
        assert leaderboard_scope(catalogue.by_slug, "llm") == ("llm", None)
        coding = await boards.board(catalogue.by_slug, None, min_votes=1, use_case="coding")
        assert coding.use_case == "coding" and coding.total_votes == 3
        wins = {e.slug: e.wins for e in (*coding.ranked, *coding.unranked)}
        assert wins == {"gpt-4o": 3, "gpt-4o-mini": 0}
        everything = await boards.board(catalogue.by_slug, None, min_votes=1)
        assert everything.use_case is None and everything.total_votes == 8
        assert "cards asked for coding" in text.render_leaderboard(coding)
    finally:
        await store.close()
