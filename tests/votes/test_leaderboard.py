"""Ratings fitted to votes: the order, the bands, and who is listed apart."""

from __future__ import annotations

import math

from bot.catalogue import Catalogue
from bot.votes import StoredVote, build_leaderboard


def _votes(card: tuple[str, ...], counts: dict[str, int], start: int = 0) -> list[StoredVote]:
    out = []
    n = start
    for slug, count in counts.items():
        for _ in range(count):
            out.append(StoredVote(n, "console", "2026-01-01", f"v{n}", card, slug, float(n)))
            n += 1
    return out


def test_two_tools_rate_apart_by_their_win_odds(catalogue: Catalogue) -> None:
    votes = _votes(("gpt-4o", "claude-3-5-haiku"), {"gpt-4o": 30, "claude-3-5-haiku": 10})
    board = build_leaderboard(votes, catalogue.by_slug)
    first, second = board.ranked
    assert (first.slug, second.slug) == ("gpt-4o", "claude-3-5-haiku")
    assert first.rating is not None and second.rating is not None
    # Bradley–Terry with 30 to 10: odds 3, i.e. 400 * log10(3) ≈ 191 points apart.
    assert abs((first.rating - second.rating) - 400 * math.log10(3)) < 5
    assert (first.votes, first.wins, second.wins) == (40, 30, 10)


def test_more_votes_narrow_the_band(catalogue: Catalogue) -> None:
    pair = ("gpt-4o", "claude-3-5-haiku")
    few = build_leaderboard(_votes(pair, {"gpt-4o": 12, "claude-3-5-haiku": 8}), catalogue.by_slug)
    many = build_leaderboard(
        _votes(pair, {"gpt-4o": 120, "claude-3-5-haiku": 80}), catalogue.by_slug
    )
    width = [(e.high or 0) - (e.low or 0) for e in (few.ranked[0], many.ranked[0])]
    assert width[1] < width[0] / 2
    for entry in many.ranked:
        assert entry.low is not None and entry.high is not None and entry.rating is not None
        assert entry.low < entry.rating < entry.high


def test_n_way_cards_count_as_picked_out_of_n(catalogue: Catalogue) -> None:
    three = ("gpt-4o", "claude-3-5-haiku", "gemini-2-0-flash")
    votes = _votes(three, {"gemini-2-0-flash": 20, "gpt-4o": 10, "claude-3-5-haiku": 5})
    board = build_leaderboard(votes, catalogue.by_slug)
    assert [e.slug for e in board.ranked] == list(
        ("gemini-2-0-flash", "gpt-4o", "claude-3-5-haiku")
    )
    assert board.total_votes == 35


def test_tools_under_the_minimum_are_listed_apart(catalogue: Catalogue) -> None:
    votes = _votes(("gpt-4o", "claude-3-5-haiku"), {"gpt-4o": 8, "claude-3-5-haiku": 7})
    votes += _votes(("gpt-4o", "smolvlm2"), {"smolvlm2": 3}, start=100)
    board = build_leaderboard(votes, catalogue.by_slug)
    assert [e.slug for e in board.ranked] == ["gpt-4o", "claude-3-5-haiku"]
    assert [(e.slug, e.votes, e.rating) for e in board.unranked] == [("smolvlm2", 3, None)]


def test_a_category_ranks_only_its_own_tools(catalogue: Catalogue) -> None:
    card = ("qwen2-vl-7b", "gpt-4o", "smolvlm2")
    votes = _votes(card, {"qwen2-vl-7b": 10, "gpt-4o": 30, "smolvlm2": 5})
    board = build_leaderboard(votes, catalogue.by_slug, category="vision-language")
    assert [e.slug for e in board.ranked] == ["qwen2-vl-7b", "smolvlm2"]
    assert board.total_votes == 15  # votes for GPT-4o say nothing between the two


def test_no_votes_rank_nothing(catalogue: Catalogue) -> None:
    board = build_leaderboard([], catalogue.by_slug)
    assert board.ranked == () and board.unranked == () and board.total_votes == 0
