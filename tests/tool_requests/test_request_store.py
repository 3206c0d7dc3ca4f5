"""Tool requests in the store: once per person per name per community, kept across restarts,
on a SQLite file and on PostgreSQL; and a version-7 database upgrades to hold them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.catalogue import Catalogue
from bot.compare import Comparer
from bot.errors import UnknownTool, Unresolved
from bot.storage import SCHEMA_VERSION
from bot.tool_requests import RequestDesk, RequestStore, unknown_names
from bot.votes import Store
from tests.storage.old_bot import post_old_card, store_at_version


async def _desk(location: str, catalogue: Catalogue) -> tuple[Store, RequestDesk]:
    store = await Store.open(location)
    return store, RequestDesk(Comparer(catalogue), RequestStore(store))


async def test_requests_count_once_per_person_and_survive_a_restart(
    db_location: str, catalogue: Catalogue
) -> None:
    store, desk = await _desk(db_location, catalogue)
    try:
        first = await desk.request(
            platform="slack", community="slack:T1", user_id="U1", name="Zorblax"
        )
        again = await desk.request(
            platform="slack", community="slack:T1", user_id="U1", name="zorblax"
        )
        other = await desk.request(
            platform="slack", community="slack:T1", user_id="U2", name="Zorblax"
        )
        elsewhere = await desk.request(
            platform="discord", community="discord:9", user_id="U1", name="Zorblax"
        )
    finally:
        await store.close()
    assert first.startswith('Requested "Zorblax": 1 person here wants it.')
    assert again.startswith('You already requested "zorblax"; 1 person here wants it.')
    assert other.startswith('Requested "Zorblax": 2 people here want it.')
    assert elsewhere.startswith('Requested "Zorblax": 1 person here wants it.')

    store, desk = await _desk(db_location, catalogue)  # a new process on the same data
    try:
        [wanted] = await desk.most_wanted()
        assert (wanted.name, wanted.requests, wanted.communities) == ("Zorblax", 3, 2)
        [here] = await desk.most_wanted("slack:T1")
        assert here.requests == 2
    finally:
        await store.close()


async def test_unknown_names_typed_in_compare_count_as_a_weaker_signal(
    db_location: str, catalogue: Catalogue
) -> None:
    store, desk = await _desk(db_location, catalogue)
    try:
        with pytest.raises(Unresolved) as caught:
            Comparer(catalogue).resolve_query("qwxyzzy vs plokta vs smolvlm2")
        await desk.note_unknown(
            platform="slack",
            community="slack:T1",
            user_id="U1",
            names=unknown_names(caught.value),
        )
        await desk.request(platform="slack", community="slack:T1", user_id="U2", name="plokta")
        wanted = await desk.most_wanted()
    finally:
        await store.close()
    assert [(w.name, w.requests, w.unknown) for w in wanted] == [
        ("plokta", 1, 1),
        ("qwxyzzy", 0, 1),
    ]


async def test_a_known_or_blank_name_is_not_stored(db_location: str, catalogue: Catalogue) -> None:
    store, desk = await _desk(db_location, catalogue)
    try:
        known = await desk.request(
            platform="slack", community="slack:T1", user_id="U1", name="smolvlm2"
        )
        blank = await desk.request(platform="slack", community="slack:T1", user_id="U1", name=" ")
        long = await desk.request(
            platform="slack", community="slack:T1", user_id="U1", name="x" * 61
        )
        assert await desk.most_wanted() == []
    finally:
        await store.close()
    assert known == '"smolvlm2" is already in the catalogue as SmolVLM2.'
    assert blank.startswith("Name the tool to request")
    assert long == "That name is 61 characters; a tool's name is at most 60."


async def test_requesters_are_stored_only_as_hashes(tmp_path: Path, catalogue: Catalogue) -> None:
    store, desk = await _desk(str(tmp_path / "v.db"), catalogue)
    await desk.request(platform="slack", community="slack:T1", user_id="U-secret-9", name="wuzzle")
    await store.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"U-secret-9" not in raw and b"wuzzle" in raw


async def test_a_version_7_database_upgrades_and_keeps_its_cards(
    db_location: str, monkeypatch: pytest.MonkeyPatch, catalogue: Catalogue
) -> None:
    async with store_at_version(db_location, 7, monkeypatch) as old:  # it posts a card
        # as that bot wrote it: version 7 has no `cards.use_case` (migration 9) to fill
        async with old.db.transaction() as tx:
            await post_old_card(
                tx, ("smolvlm2", "mistral-medium-3"), message_id="1", asked_by="ann", channel="c"
            )
        assert await RequestStore(old).rows() == []  # no table yet: read as empty

    store, desk = await _desk(db_location, catalogue)
    try:
        # the upgrade ran both 8 (tool requests) and 9: the card reads back with its use case
        kept = await store.find_card("console", "c", "1")
        assert kept is not None and kept.use_case is None
        assert list(kept.tools) == ["smolvlm2", "mistral-medium-3"]
        await desk.request(platform="console", community="console", user_id="ann", name="wuzzle")
        assert [w.name for w in await desk.most_wanted()] == ["wuzzle"]
    finally:
        await store.close()
    if not db_location.startswith("postgresql"):
        version = sqlite3.connect(db_location).execute("PRAGMA user_version").fetchone()[0]
        assert version == SCHEMA_VERSION == 10


def test_unknown_tool_names_what_request_it_offers() -> None:
    from bot.tool_requests import unknown_names

    assert unknown_names(UnknownTool("  mid   journey ", [])) == ["mid journey"]
