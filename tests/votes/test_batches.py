"""Votes committed a batch at a time: closed cards refuse them, a v5 database keeps its votes
through migration 6 (its pair and leaderboard tallies filled from the cards'), pair tallies stay
exact, and events arriving together count in order."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from bot.catalogue import Catalogue, Tool
from bot.chat import ChatBot
from bot.platform import PostedCard
from bot.votes import (
    Leaderboard,
    ReactionEvent,
    Store,
    VoteOutcome,
    VoteWrite,
    handle_reaction,
)
from bot.votes.choices import read_choice_counts, read_choice_counts_from_cards
from tests.votes.choice_tallies import counted, kept_rows, rows_from_cards

TOOLS = ("gpt-4o", "claude-3-5-haiku")


class RecordingPlatform:
    """Slack's side of the conversation, reduced to what the tests look at: card edits."""

    name = "slack"

    def __init__(self) -> None:
        self.edited: list[tuple[int, ...]] = []
        self.posts = 0

    async def post_card(self, channel: str, posted: PostedCard) -> str:
        self.posts += 1
        return f"1700000000.{self.posts:06d}"

    async def edit_card(self, channel: str, message_id: str, posted: PostedCard) -> None:
        self.edited.append(posted.card_votes)

    async def add_reactions(self, channel: str, message_id: str, emojis: Sequence[str]) -> None:
        return None

    async def send_ephemeral(self, channel: str, user_id: str, text: str) -> None:
        return None

    async def post_tool(self, channel: str, tool: Tool) -> None:
        return None

    async def post_leaderboard(self, channel: str, board: Leaderboard) -> None:
        return None


async def _close(store: Store, card_id: int) -> None:
    """What closing a poll does to the database (issue 17 builds the command)."""
    await store.write(
        "UPDATE cards SET closed_at = '2026-11-25T00:00:00+00:00' WHERE id = ?", (card_id,)
    )


def _vote(store: Store, card_id: int, user: str, choice: int, when: float) -> VoteWrite:
    return VoteWrite(
        card_id=card_id,
        voter=store.hash_user("slack", user),
        added=True,
        choice=choice,
        event_time=when,
        event_key=f"{card_id}|{user}|{choice}|{when}",
    )


async def test_a_closed_card_refuses_new_votes_and_keeps_its_tally(
    db_location: str, catalogue: Catalogue
) -> None:
    store = await Store.open(db_location)
    platform = RecordingPlatform()
    bot = ChatBot(catalogue, store, platform)
    try:
        card = await bot.post_card("C07CLOSED", TOOLS, asked_by="U07ASKER01")
        assert await store.record_vote(_vote(store, card.id, "U07ANN0001", 0, 1.0)) is True
        await _close(store, card.id)

        assert await store.record_vote(_vote(store, card.id, "U07BOB0001", 1, 2.0)) is False
        retraction = VoteWrite(card.id, store.hash_user("slack", "U07ANN0001"), False, 0, 3.0, "r")
        assert await store.record_vote(retraction) is False
        event = ReactionEvent(
            platform="slack",
            channel="C07CLOSED",
            message_id=card.message_id,
            user_id="U07CY00001",
            emoji="two",
            added=True,
            event_id="Ev07CLOSED01",
            event_time=4.0,
        )
        assert await bot.reaction(event) is VoteOutcome.CLOSED
        assert platform.edited == []  # nothing changed, so the card is not edited

        assert await store.card_tally(card.id) == (1, 0)
        assert (await store.tool_tallies(TOOLS))["gpt-4o"].votes == 1
        pair = await store.head_to_head(*TOOLS)
        assert (pair.first_wins, pair.second_wins, pair.votes) == (1, 0, 1)
    finally:
        await store.close()


async def test_an_open_card_beside_a_closed_one_still_counts_in_the_same_batch(
    db_location: str,
) -> None:
    store = await Store.open(db_location)
    try:
        cards = [
            await store.register_card(
                platform="slack", channel="C07", message_id=m, tools=TOOLS, asked_by="U07A"
            )
            for m in ("1.000001", "1.000002")
        ]
        await _close(store, cards[0].id)
        results = await asyncio.gather(  # one batch: both cards' votes commit together
            *(
                store.record_vote(_vote(store, card.id, f"U07V{n:07d}", n % 2, float(n)))
                for n in range(40)
                for card in cards
            )
        )
        assert results == [False, True] * 40
        assert await store.card_tally(cards[0].id) == (0, 0)
        assert await store.card_tally(cards[1].id) == (20, 20)
    finally:
        await store.close()


async def test_a_close_racing_votes_from_another_process_counts_each_vote_or_refuses_it(
    db_location: str,
) -> None:
    """Two stores on one database stand for two bot processes: whichever way the close and a
    batch interleave, a vote acknowledged as applied is counted and a refused one is not."""
    voting = await Store.open(db_location)
    closing = await Store.open(db_location)
    try:
        card = await voting.register_card(
            platform="slack", channel="C07RACE", message_id="1.5", tools=TOOLS, asked_by="U07A"
        )

        def vote(n: int) -> VoteWrite:
            return _vote(voting, card.id, f"U07R{n:07d}", n % 2, float(n))

        before = await asyncio.gather(*(voting.record_vote(vote(n)) for n in range(100)))
        *racing, _ = await asyncio.gather(
            *(voting.record_vote(vote(n)) for n in range(100, 300)), _close(closing, card.id)
        )
        after = await asyncio.gather(*(voting.record_vote(vote(n)) for n in range(300, 400)))
        assert all(before) and not any(after)
        applied = [*before, *racing, *after]
        assert sum(await voting.card_tally(card.id)) == sum(applied)
        tallies = await voting.tool_tallies(TOOLS)
        assert tallies["gpt-4o"].votes == sum(applied)
        assert (await voting.head_to_head(*TOOLS)).votes == sum(applied)
    finally:
        await closing.close()
        await voting.close()


async def test_events_of_one_voter_arriving_together_count_as_delivered_in_order(
    db_location: str,
) -> None:
    """Discord gives no event times: arrival order is the order, even inside one batch."""
    store = await Store.open(db_location)
    try:
        card = await store.register_card(
            platform="discord", channel="1187", message_id="1188", tools=TOOLS, asked_by="1"
        )
        voter = store.hash_user("discord", "1187123456789012345")
        steps = [(0, True), (0, False), (1, True), (1, False), (1, True), (0, True)]
        await asyncio.gather(
            *(
                store.record_vote(VoteWrite(card.id, voter, added, choice, 100.0 + n, None, False))
                for n, (choice, added) in enumerate(steps)
            )
        )
        assert await store.card_tally(card.id) == (1, 0)
        await asyncio.gather(
            store.record_vote(VoteWrite(card.id, voter, False, 0, 200.0, None, False)),
            store.record_vote(VoteWrite(card.id, voter, False, 0, 201.0, None, False)),
        )
        assert await store.card_tally(card.id) == (0, 0)
    finally:
        await store.close()


def _slack_reaction(
    message_id: str, user: str, emoji: str, added: bool, when: float, event_id: str
) -> ReactionEvent:
    """A reaction on a card in channel C07 as Slack reports it: with its event id and time."""
    return ReactionEvent(
        platform="slack",
        channel="C07",
        message_id=message_id,
        user_id=user,
        emoji=emoji,
        added=added,
        event_id=event_id,
        event_time=when,
    )


async def test_a_redelivered_event_counts_once_even_in_the_same_batch(db_location: str) -> None:
    store = await Store.open(db_location)
    try:
        card = await store.register_card(
            platform="slack", channel="C07", message_id="2.5", tools=TOOLS, asked_by="U07A"
        )
        event = _slack_reaction(
            "2.5", "U07ABCDE123", "one", True, 1732492800.000123, "Ev07ABCD1234"
        )
        outcomes = await asyncio.gather(
            *(
                handle_reaction(store, event, bot_user_id=None, arrival_time=lambda: 0.0)
                for _ in range(3)
            )
        )
        again = await handle_reaction(store, event, bot_user_id=None, arrival_time=lambda: 0.0)
        assert [*outcomes, again] == [VoteOutcome.RECORDED] * 4
        assert await store.card_tally(card.id) == (1, 0)
        assert (await store.tool_tallies(TOOLS))["gpt-4o"].votes == 1
    finally:
        await store.close()


async def test_a_slack_reaction_redelivered_hours_later_still_counts_once(
    db_location: str,
) -> None:
    """Past the hour event keys are kept, a late copy of an add (even under a new event id)
    must not bring back a vote its voter has since taken off, nor count twice."""
    now = [datetime(2026, 11, 25, 12, tzinfo=UTC)]
    store = await Store.open(db_location, clock=lambda: now[0])
    try:
        card = await store.register_card(
            platform="slack", channel="C07", message_id="2.6", tools=TOOLS, asked_by="U07A"
        )

        def reaction(
            user: str, emoji: str, added: bool, when: float, event_id: str
        ) -> ReactionEvent:
            return _slack_reaction("2.6", user, emoji, added, when, event_id)

        async def deliver(event: ReactionEvent) -> VoteOutcome:
            return await handle_reaction(store, event, bot_user_id=None, arrival_time=lambda: 0.0)

        first_add = reaction("U07ABCDE123", "one", True, 1764072000.000100, "Ev07A")
        kept_add = reaction("U07FGHIJ456", "two", True, 1764072000.000200, "Ev07B")
        for event in (
            first_add,
            kept_add,
            reaction("U07ABCDE123", "one", False, 1764072060.5, "Ev07C"),
        ):
            assert await deliver(event) is VoteOutcome.RECORDED
        assert await store.card_tally(card.id) == (0, 1)
        now[0] += timedelta(hours=3)  # every event key of the rush is forgotten by now
        await deliver(reaction("U07KLMNO789", "two", True, 1764082800.0, "Ev07D"))
        for late in (first_add, first_add.model_copy(update={"event_id": "Ev07Z"}), kept_add):
            assert await deliver(late) is VoteOutcome.RECORDED
        assert await store.card_tally(card.id) == (0, 2)
        tallies = await store.tool_tallies(TOOLS)
        assert (tallies["gpt-4o"].votes, tallies["claude-3-5-haiku"].ship_pct) == (2, 100)
    finally:
        await store.close()


async def test_head_to_head_counts_every_card_holding_the_pair_in_either_order(
    db_location: str,
) -> None:
    store = await Store.open(db_location)
    try:
        orders = [TOOLS, TOOLS[::-1], (TOOLS[1], "smolvlm2", TOOLS[0])]
        cards = [
            await store.register_card(
                platform="slack", channel="C07", message_id=f"3.{n}", tools=tools, asked_by="U"
            )
            for n, tools in enumerate(orders)
        ]
        votes = [(0, 0), (0, 1), (1, 0), (1, 0), (2, 1), (2, 2), (2, 0)]
        for n, (card, choice) in enumerate(votes):
            await store.record_vote(_vote(store, cards[card].id, f"U07H{n:07d}", choice, n))
        pair = await store.head_to_head("gpt-4o", "claude-3-5-haiku")
        # gpt-4o: card 0's first and card 2's third; haiku: four; the smolvlm2 vote still
        # counts as a vote on a card holding both.
        assert (pair.first_wins, pair.second_wins, pair.votes) == (2, 4, 7)
        swapped = await store.head_to_head("claude-3-5-haiku", "gpt-4o")
        assert (swapped.first_wins, swapped.second_wins) == (4, 2)
    finally:
        await store.close()


@pytest.mark.parametrize("moves", [0, 1])
async def test_a_version_5_database_keeps_every_card_vote_and_tally_after_migration_6(
    db_location: str, monkeypatch: pytest.MonkeyPatch, moves: int
) -> None:
    import bot.storage.database
    from bot.storage import POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS

    cards = [TOOLS, TOOLS[::-1], ("gpt-4o", "smolvlm2", "claude-3-5-haiku")]
    ballots = [(0, "ann", 0), (0, "bob", 1), (0, "cy", 0), (1, "ann", 1), (2, "dee", 2)]
    with monkeypatch.context() as patch:  # a bot of schema version 5 stores the votes
        patch.setattr(bot.storage.database, "SQLITE_MIGRATIONS", SQLITE_MIGRATIONS[:5])
        patch.setattr(bot.storage.database, "POSTGRES_MIGRATIONS", POSTGRES_MIGRATIONS[:5])
        old = await Store.open(db_location)
        async with old.db.transaction() as tx:
            ids = []
            for n, tools in enumerate(cards):
                [(card_id,)] = await tx.fetch(
                    "INSERT INTO cards (platform, channel, message_id, asked_by, created_at) "
                    "VALUES ('slack', 'C07', ?, 'x', 't') RETURNING id",
                    (f"9.{n}",),
                )
                ids.append(card_id)
                for position, slug in enumerate(tools):
                    await tx.execute(
                        "INSERT INTO card_tools (card_id, position, slug) VALUES (?, ?, ?)",
                        (card_id, position, slug),
                    )
                    await tx.execute(
                        "INSERT INTO tool_counts (slug, shard) VALUES (?, ?) "
                        "ON CONFLICT DO NOTHING",
                        (slug, card_id % 16),
                    )
            for n, (card, user, choice) in enumerate(ballots):
                await tx.execute(
                    "INSERT INTO vote_events (event_key, card_id, voter, added, choice, "
                    "event_time, seen_at, timed) VALUES (?, ?, ?, 1, ?, ?, 0, 1)",
                    (f"k{n}", ids[card], old.hash_user("slack", user), choice, float(n)),
                )
        before_rows = await old.vote_rows()
        before_tallies = [await old.card_tally(card_id) for card_id in ids]
        before_tools = await old.tool_tallies(["gpt-4o", "claude-3-5-haiku", "smolvlm2"])
        await old.close()

    two, three = ("claude-3-5-haiku", "gpt-4o"), ("claude-3-5-haiku", "gpt-4o", "smolvlm2")
    # card 0: gpt-4o 2, haiku 1; card 1 (reversed, the same set): ann for gpt-4o; card 2: dee
    # for haiku
    choices = {(two, "gpt-4o"): 3, (two, "claude-3-5-haiku"): 1, (three, "claude-3-5-haiku"): 1}
    reader = await Store.open(db_location, read_only=True)  # as it is, from before 6
    try:
        assert not reader.choices_kept
        assert counted(await read_choice_counts(reader)) == choices
    finally:
        await reader.close()

    store = await Store.open(db_location)
    try:
        assert store.choices_kept
        assert await kept_rows(store, zeros=True) == await rows_from_cards(store, zeros=True)
        assert counted(await read_choice_counts(store)) == choices
        assert await store.vote_rows() == before_rows
        assert [await store.card_tally(card_id) for card_id in ids] == before_tallies
        tools = ["gpt-4o", "claude-3-5-haiku", "smolvlm2"]
        assert await store.tool_tallies(tools) == before_tools
        pair = await store.head_to_head("gpt-4o", "claude-3-5-haiku")
        # card 0: gpt-4o 2, haiku 1; card 1 (reversed): ann for gpt-4o; card 2: dee for haiku
        assert (pair.first_wins, pair.second_wins, pair.votes) == (3, 2, 5)
        if moves:  # and the upgraded store keeps counting from there
            voter = store.hash_user("slack", "bob")
            await store.record_vote(VoteWrite(ids[0], voter, True, 0, 50.0, "move"))
            assert await store.card_tally(ids[0]) == (3, 0)
            pair = await store.head_to_head("gpt-4o", "claude-3-5-haiku")
            assert (pair.first_wins, pair.second_wins, pair.votes) == (4, 1, 5)
            kept = counted(await read_choice_counts(store))
            assert kept == counted(await read_choice_counts_from_cards(store))
            assert kept[two, "gpt-4o"] == 4 and (two, "claude-3-5-haiku") not in kept
    finally:
        await store.close()
