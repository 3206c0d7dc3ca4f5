"""The leaderboard read from counts in SQL: the same board as from every vote, the same fit as
choix, and a kept board that re-reads at most once per interval."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator

import choix
import numpy as np
import pytest

from bot.catalogue import Catalogue
from bot.errors import BadQuery
from bot.votes import (
    KEYCAPS,
    Leaderboards,
    ReactionEvent,
    Store,
    build_leaderboard,
    choices,
    freshness_note,
    handle_reaction,
    leaderboards_of,
    rank_choices,
)
from bot.votes.choices import read_choice_counts, read_choice_counts_from_cards
from bot.votes.luce import fit_luce

TOOLS = ("gpt-4o", "claude-3-5-haiku", "gemini-2-0-flash", "qwen2-vl-7b", "smolvlm2", "gpt-5")


@pytest.fixture
async def store(db_location: str) -> AsyncIterator[Store]:
    """Every test using this runs twice: on a SQLite file and on PostgreSQL."""
    opened = await Store.open(db_location)
    yield opened
    await opened.close()


class Voting:
    """Cards and votes through the real reaction path."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.time = 0.0
        self.cards = 0

    async def card(self, tools: tuple[str, ...]) -> str:
        self.cards += 1
        message = f"m{self.cards}"
        await self.store.register_card(
            platform="console", channel="c", message_id=message, tools=tools, asked_by="a"
        )
        return message

    async def vote(self, message: str, voter: str, choice: int, *, added: bool = True) -> None:
        self.time += 1
        event = ReactionEvent(
            platform="console",
            channel="c",
            message_id=message,
            user_id=voter,
            emoji=KEYCAPS[choice],
            added=added,
            user_is_bot=False,
            event_time=self.time,
        )
        await handle_reaction(self.store, event, bot_user_id="B0T", arrival_time=lambda: 0.0)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_weighted_fit_matches_choix_on_every_vote(seed: int) -> None:
    rng = random.Random(seed)
    n = 6
    votes: list[tuple[int, tuple[int, ...]]] = []
    for _ in range(300):
        offered = rng.sample(range(n), rng.choice((2, 3, 4)))
        winner = min(offered, key=lambda i: rng.random() * (i + 1))
        votes.append((winner, tuple(o for o in offered if o != winner)))
    counted: dict[tuple[int, tuple[int, ...]], int] = {}
    for winner, others in votes:
        key = (winner, tuple(sorted((winner, *others))))
        counted[key] = counted.get(key, 0) + 1
    members = np.full((len(counted), 4), -1)
    for row, (_, offered) in enumerate(counted):
        members[row, : len(offered)] = offered
    expected = np.asarray(choix.ilsr_top1(n, votes, alpha=0.01))
    params, errors = fit_luce(
        n,
        members,
        np.array([w for w, _ in counted]),
        np.array(list(counted.values())),
        alpha=0.01,
    )
    assert np.allclose(params, expected - expected.mean(), atol=1e-6)
    assert np.all(errors > 0)


async def test_counts_in_sql_give_the_board_every_vote_gives(
    store: Store, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(choices, "PAGE_ROWS", 7)  # an older database's cards split across pages
    voting = Voting(store)
    rng = random.Random(7)
    for c in range(40):
        tools = tuple(rng.sample(TOOLS, rng.choice((2, 3, 4))))
        message = await voting.card(tools)
        for v in range(rng.randint(0, 12)):
            await voting.vote(message, f"u{c}-{v}", rng.randrange(len(tools)))
    message = await voting.card(("gpt-4o", "smolvlm2"))
    await voting.vote(message, "mover", 0)
    await voting.vote(message, "mover", 1)  # moved: counts once, for the second
    await voting.vote(message, "quitter", 0)
    await voting.vote(message, "quitter", 0, added=False)  # retracted: not counted

    counts = await read_choice_counts(store)
    from_cards = await read_choice_counts_from_cards(store)
    for category in (None, "llm", "vision-language"):
        expected = build_leaderboard(await store.vote_rows(), catalogue.by_slug, category=category)
        assert rank_choices(counts, catalogue.by_slug, category=category) == expected
        assert rank_choices(from_cards, catalogue.by_slug, category=category) == expected
    assert counts.total == from_cards.total == len(await store.vote_rows())


async def test_a_kept_board_is_recounted_only_after_the_interval(
    store: Store, catalogue: Catalogue
) -> None:
    voting = Voting(store)
    message = await voting.card(("gpt-4o", "claude-3-5-haiku"))
    for v in range(12):
        await voting.vote(message, f"u{v}", v % 2)
    now = [100.0]
    boards = Leaderboards(store, refresh_seconds=30, wait_seconds=60, clock=lambda: now[0])
    first = await boards.board(catalogue.by_slug)
    assert first.total_votes == 12 and freshness_note(first) is not None

    await voting.vote(message, "late", 0)
    now[0] += 10
    assert (await boards.board(catalogue.by_slug)) is first  # within the interval
    now[0] += 25
    assert (await boards.board(catalogue.by_slug)).total_votes == 13

    every_time = Leaderboards(store, refresh_seconds=0)
    await voting.vote(message, "later", 1)
    board = await every_time.board(catalogue.by_slug)
    assert board.total_votes == 14 and freshness_note(board) is None


async def test_a_slow_recount_answers_from_the_kept_board_meanwhile(
    store: Store, catalogue: Catalogue
) -> None:
    voting = Voting(store)
    message = await voting.card(("gpt-4o", "claude-3-5-haiku"))
    for v in range(12):
        await voting.vote(message, f"u{v}", 0)
    now = [0.0]
    boards = Leaderboards(store, refresh_seconds=5, wait_seconds=0, clock=lambda: now[0])
    kept = await boards.board(catalogue.by_slug)
    assert kept.ranked[0].wins == 12
    await voting.vote(message, "u0", 1)  # moved
    now[0] += 6
    assert await boards.board(catalogue.by_slug) is kept  # the recount runs behind
    await boards.settled()
    assert (await boards.board(catalogue.by_slug)).ranked[0].wins == 11


async def test_unchanged_marks_keep_the_board_until_it_is_old(
    store: Store, catalogue: Catalogue
) -> None:
    voting = Voting(store)
    message = await voting.card(("gpt-4o", "claude-3-5-haiku"))
    for v in range(12):
        await voting.vote(message, f"u{v}", v % 2)
    now = [0.0]
    boards = Leaderboards(
        store, refresh_seconds=5, max_age_seconds=60, wait_seconds=60, clock=lambda: now[0]
    )
    kept = await boards.board(catalogue.by_slug)
    now[0] += 30
    assert await boards.board(catalogue.by_slug) is kept
    now[0] += 31
    again = await boards.board(catalogue.by_slug)
    assert again is not kept and again.ranked == kept.ranked


async def test_categories_are_fitted_from_one_read_and_checked_first(
    store: Store, catalogue: Catalogue
) -> None:
    voting = Voting(store)
    message = await voting.card(("qwen2-vl-7b", "gpt-4o", "smolvlm2"))
    for v in range(45):
        await voting.vote(message, f"u{v}", (0, 1, 1, 2)[v % 4])
    boards = leaderboards_of(store)
    assert leaderboards_of(store) is boards
    vision = await boards.board(catalogue.by_slug, "vision-language")
    assert [e.slug for e in vision.ranked] == ["qwen2-vl-7b", "smolvlm2"]
    assert (await boards.board(catalogue.by_slug)).total_votes == 45
    with pytest.raises(BadQuery, match="No category"):
        await boards.board(catalogue.by_slug, "nonsense")
