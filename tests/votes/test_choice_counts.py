"""The leaderboard's counts kept with the votes (`choice_counts`): the same counts and board as
read from every card's tally, under moves, retractions, redeliveries and two writers, with the
votes of cards hiding their results out until those close."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator

import pytest

from bot.catalogue import Catalogue
from bot.votes import Store, VoteWrite, count_choices, rank_choices
from bot.votes.choices import ChoiceCounts, read_choice_counts, read_choice_counts_from_cards
from tests.votes.choice_tallies import counted, kept_rows, rows_from_cards

TOOLS = ("gpt-4o", "claude-3-5-haiku", "gemini-2-0-flash", "qwen2-vl-7b", "smolvlm2", "gpt-5")


async def assert_counts_agree(store: Store, catalogue: Catalogue) -> ChoiceCounts:
    """Kept counts = counts from the cards' tallies = counts from the vote rows; same boards."""
    kept = await read_choice_counts(store)
    from_cards = await read_choice_counts_from_cards(store)
    assert counted(kept) == counted(from_cards) == counted(count_choices(await store.vote_rows()))
    for category in (None, "llm"):
        assert rank_choices(kept, catalogue.by_slug, category=category) == rank_choices(
            from_cards, catalogue.by_slug, category=category
        )
    return kept


@pytest.fixture
async def stores(db_location: str) -> AsyncIterator[tuple[Store, Store]]:
    """Two stores on one database: two bot processes, each with its own vote writer."""
    first = await Store.open(db_location)
    second = await Store.open(db_location)
    yield first, second
    await second.close()
    await first.close()


@pytest.mark.parametrize("seed", [5, 6])
async def test_kept_counts_match_the_cards_tallies_after_a_storm_of_votes(
    stores: tuple[Store, Store], catalogue: Catalogue, seed: int
) -> None:
    rng = random.Random(seed)
    first, second = stores
    tool_lists = [tuple(rng.sample(TOOLS, rng.choice((2, 3, 4)))) for _ in range(14)]
    tool_lists.append(tool_lists[0][::-1])  # one tool set, shown in two orders
    cards = [
        await first.register_card(
            platform="slack", channel="C07", message_id=f"5.{n}", tools=tools, asked_by="U07A"
        )
        for n, tools in enumerate(tool_lists)
    ]
    sent: list[VoteWrite] = []
    for wave in range(6):
        events = []
        for n in range(250):
            if sent and rng.random() < 0.1:  # a redelivery: the same event again
                events.append(rng.choice(sent))
                continue
            card = rng.choice(cards)
            events.append(
                VoteWrite(
                    card_id=card.id,
                    voter=first.hash_user("slack", f"U07S{rng.randrange(25):07d}"),
                    added=rng.random() < 0.75,  # the rest retract a number
                    choice=rng.randrange(len(card.tools)),
                    event_time=rng.uniform(0, 1000),  # out of order: the order rule sorts it
                    event_key=f"Ev{seed}-{wave}-{n}",
                )
            )
        sent.extend(events)
        # Both writers at once, each batching its share: on PostgreSQL they lock the same
        # tally rows and must queue on them, not deadlock or lose a change.
        await asyncio.gather(
            *((first if n % 2 else second).record_vote(event) for n, event in enumerate(events))
        )
        assert await kept_rows(first, zeros=True) == await rows_from_cards(first, zeros=True)
        kept = await assert_counts_agree(first, catalogue)
    assert kept.total == len(await first.vote_rows()) > 0


async def test_a_moved_vote_leaves_its_old_winner_and_a_retracted_one_leaves_the_count(
    stores: tuple[Store, Store], catalogue: Catalogue
) -> None:
    store, _ = stores
    card = await store.register_card(
        platform="slack", channel="C07", message_id="6.1", tools=TOOLS[:3], asked_by="U07A"
    )
    voter = store.hash_user("slack", "U07MOVER01")
    await store.record_vote(VoteWrite(card.id, voter, True, 0, 1.0, "a"))
    await store.record_vote(VoteWrite(card.id, voter, True, 2, 2.0, "b"))
    shown = tuple(sorted(TOOLS[:3]))
    assert counted(await assert_counts_agree(store, catalogue)) == {(shown, TOOLS[2]): 1}
    await store.record_vote(VoteWrite(card.id, voter, False, 2, 3.0, "c"))
    assert counted(await assert_counts_agree(store, catalogue)) == {}
    assert await kept_rows(store) == {}


async def test_a_hidden_cards_votes_are_out_of_the_count_until_it_closes(
    stores: tuple[Store, Store], catalogue: Catalogue
) -> None:
    store, _ = stores
    pair = ("gpt-4o", "claude-3-5-haiku")
    shown, hidden = [
        await store.register_card(
            platform="slack", channel="C07", message_id=m, tools=tools, asked_by="U07A"
        )
        for m, tools in (("7.1", pair), ("7.2", pair[::-1]))  # one tool set, both cards
    ]
    await store.write("UPDATE cards SET results = 'closed' WHERE id = ?", (hidden.id,))
    ballots = [(shown, 0), (shown, 0), (shown, 1), (hidden, 1), (hidden, 1), (hidden, 0)]
    await asyncio.gather(
        *(
            store.record_vote(
                VoteWrite(card.id, store.hash_user("slack", f"U07V{n}"), True, choice, n, f"h{n}")
            )
            for n, (card, choice) in enumerate(ballots)
        )
    )
    key = tuple(sorted(pair))
    open_counts = await assert_counts_agree(store, catalogue)
    assert counted(open_counts) == {(key, "gpt-4o"): 2, (key, "claude-3-5-haiku"): 1}

    await store.write(
        "UPDATE cards SET closed_at = '2026-11-25T00:00:00+00:00' WHERE id = ?", (hidden.id,)
    )
    closed_counts = await assert_counts_agree(store, catalogue)
    # the hidden card shows the pair the other way round: its 1 is gpt-4o
    assert counted(closed_counts) == {(key, "gpt-4o"): 4, (key, "claude-3-5-haiku"): 2}


async def test_a_hidden_card_alone_leaves_nothing_to_count(
    stores: tuple[Store, Store], catalogue: Catalogue
) -> None:
    store, _ = stores
    card = await store.register_card(
        platform="slack", channel="C07", message_id="8.1", tools=TOOLS[:2], asked_by="U07A"
    )
    await store.write("UPDATE cards SET results = 'closed' WHERE id = ?", (card.id,))
    await store.record_vote(VoteWrite(card.id, store.hash_user("slack", "U1"), True, 1, 1.0, "k"))
    counts = await assert_counts_agree(store, catalogue)
    assert counts.total == 0 and counted(counts) == {}
    assert rank_choices(counts, catalogue.by_slug).total_votes == 0
