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
    (waiting,) = board.unranked
    assert (waiting.slug, waiting.votes, waiting.preliminary, waiting.rank) == (
        "smolvlm2",
        3,
        True,
        None,
    )
    # Rated on the same scale, with the wide band three votes deserve.
    assert waiting.low is not None and waiting.high is not None
    first = board.ranked[0]
    assert first.low is not None and first.high is not None
    assert waiting.high - waiting.low > first.high - first.low


def test_a_category_ranks_only_its_own_tools(catalogue: Catalogue) -> None:
    card = ("qwen2-vl-7b", "gpt-4o", "smolvlm2")
    votes = _votes(card, {"qwen2-vl-7b": 10, "gpt-4o": 30, "smolvlm2": 5})
    board = build_leaderboard(votes, catalogue.by_slug, category="vision-language")
    assert [e.slug for e in board.ranked] == ["qwen2-vl-7b", "smolvlm2"]
    assert board.total_votes == 15  # votes for GPT-4o say nothing between the two


def test_no_votes_rank_nothing(catalogue: Catalogue) -> None:
    board = build_leaderboard([], catalogue.by_slug)
    assert board.ranked == () and board.unranked == () and board.total_votes == 0


def test_cards_that_never_shared_a_tool_rank_one_group_and_set_the_rest_apart(
    catalogue: Catalogue,
) -> None:
    # What a young community has: each card's tools met nowhere else.
    votes = _votes(("gpt-5", "gpt-4o"), {"gpt-5": 14, "gpt-4o": 10})
    votes += _votes(("smolvlm2", "qwen2-vl-7b"), {"smolvlm2": 12, "qwen2-vl-7b": 1}, start=100)
    board = build_leaderboard(votes, catalogue.by_slug)
    assert [e.slug for e in board.ranked] == ["gpt-5", "gpt-4o"]
    assert {e.slug for e in board.not_comparable} == {"smolvlm2", "qwen2-vl-7b"}
    smol = next(e for e in board.not_comparable if e.slug == "smolvlm2")
    assert smol.rating is None and smol.rank is None and smol.compared_with == ("Qwen2-VL 7B",)
    for entry in board.ranked:
        assert entry.low is not None and entry.high is not None
        assert 1000 < entry.low < entry.high < 2000  # no band in the billions


def test_overlapping_bands_share_a_rank_and_say_their_spread(catalogue: Catalogue) -> None:
    close = ("gpt-5", "gpt-4o", "claude-3-5-haiku")
    votes = _votes(close, {"gpt-5": 11, "gpt-4o": 10, "claude-3-5-haiku": 9})
    votes += _votes(("gpt-5", "smolvlm2"), {"gpt-5": 200, "smolvlm2": 5}, start=100)
    board = build_leaderboard(votes, catalogue.by_slug)
    places = {e.slug: (e.rank, e.lowest_rank) for e in board.ranked}
    assert places["gpt-5"][0] == places["gpt-4o"][0] == places["claude-3-5-haiku"][0] == 1
    assert places["gpt-5"][1] == 3
    assert places["smolvlm2"] == (4, 4)  # every band lies wholly above its own


def test_pairs_show_their_record_and_a_prediction_where_never_voted(
    catalogue: Catalogue,
) -> None:
    votes = _votes(("gpt-5", "gpt-4o"), {"gpt-5": 20, "gpt-4o": 10})
    votes += _votes(("gpt-4o", "smolvlm2"), {"gpt-4o": 20, "smolvlm2": 10}, start=100)
    board = build_leaderboard(votes, catalogue.by_slug)
    records = {(p.first, p.second): p for p in board.pairs}
    voted = records["gpt-5", "gpt-4o"]
    assert (voted.votes, voted.first_wins, voted.second_wins) == (30, 20, 10)
    assert 0.6 < voted.first_chance < 0.72  # 20 to 10
    never = records["gpt-5", "smolvlm2"]
    assert never.votes == 0 and not never.voted
    assert 0.75 < never.first_chance < 0.85  # 2:1 twice over: 4 to 1
    assert [p.voted for p in board.pairs] == [True, True, False]
