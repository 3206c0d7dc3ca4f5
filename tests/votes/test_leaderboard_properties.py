"""The fit and the board on random vote graphs: whatever the votes, every rating and band is
finite, a tool the votes do not connect is never ranked, and on connected graphs with enough
votes the fit is choix's."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

import choix
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.catalogue import Catalogue, Tool
from bot.votes import StoredVote, build_leaderboard, count_choices
from bot.votes.luce import PRIOR_PRECISION, fit_luce

SLUGS = (
    "gpt-5",
    "gpt-4o",
    "claude-3-5-haiku",
    "gemini-2-0-flash",
    "qwen2-vl-7b",
    "smolvlm2",
    "mistral-medium-3",
    "llama-3-3-70b",
)

Ballot = tuple[tuple[int, ...], int, int]
"""(the tools on the card, the one picked, how many votes picked it)."""


def _card(draw: st.DrawFn, tools: list[int]) -> list[Ballot]:
    """Votes on one card showing `tools`: a few picks, each a few times."""
    ballots = []
    for pick in draw(st.lists(st.sampled_from(tools), min_size=1, max_size=len(tools))):
        ballots.append((tuple(tools), pick, draw(st.integers(1, 40))))
    return ballots


@st.composite
def vote_graphs(draw: st.DrawFn) -> list[Ballot]:
    """Graphs a community makes: groups that never met, a star, a chain, one heavy pair among
    light ones, a tool with a single vote, or cards at random."""
    n = draw(st.integers(2, len(SLUGS)))
    shape = draw(st.sampled_from(("apart", "star", "chain", "heavy", "one vote", "random")))
    ballots: list[Ballot] = []
    if shape == "apart":
        for a in range(0, n - 1, 2):
            ballots += _card(draw, [a, a + 1])
    elif shape == "star":
        for leaf in range(1, n):
            ballots += _card(draw, [0, leaf])
    elif shape == "chain":
        for a in range(n - 1):
            ballots += _card(draw, [a, a + 1])
    elif shape == "heavy":
        ballots += [((0, 1), 0, 5000), ((0, 1), 1, 4000)]
        for a in range(1, n - 1):
            ballots += _card(draw, [a, a + 1])
    elif shape == "one vote":
        for a in range(n - 2):
            ballots += _card(draw, [a, a + 1])
        ballots.append(((n - 2, n - 1), draw(st.sampled_from((n - 2, n - 1))), 1))
    else:
        for _ in range(draw(st.integers(1, 12))):
            size = draw(st.integers(2, min(4, n)))
            ballots += _card(draw, draw(st.permutations(range(n)))[:size])
    return ballots


def _stored(ballots: list[Ballot]) -> list[StoredVote]:
    votes, n = [], 0
    for tools, pick, count in ballots:
        for _ in range(count):
            shown = tuple(SLUGS[t] for t in tools)
            votes.append(StoredVote(n, "console", "2026-01-01", f"v{n}", shown, SLUGS[pick], n))
            n += 1
    return votes


def _joined(ballots: list[Ballot]) -> dict[str, set[str]]:
    """Each tool's group, by breadth-first search over the cards: the test's own answer."""
    neighbours: dict[str, set[str]] = {}
    for tools, _, _ in ballots:
        for t in tools:
            neighbours.setdefault(SLUGS[t], set()).update(SLUGS[o] for o in tools)
    group: dict[str, set[str]] = {}
    for start in neighbours:
        if start in group:
            continue
        seen, queue = {start}, deque([start])
        while queue:
            for other in neighbours[queue.popleft()] - seen:
                seen.add(other)
                queue.append(other)
        for slug in seen:
            group[slug] = seen
    return group


def _fit_rows(ballots: list[Ballot]) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    counts = count_choices(_stored(ballots))
    return len(counts.slugs), counts.members, counts.picks, counts.votes


@settings(max_examples=150, deadline=None)
@given(vote_graphs())
def test_every_rating_and_band_is_finite_on_any_vote_graph(ballots: list[Ballot]) -> None:
    n, members, picks, votes = _fit_rows(ballots)
    params, errors = fit_luce(n, members, picks, votes, alpha=0.01)
    assert np.all(np.isfinite(params)) and np.all(np.isfinite(errors))
    assert np.all(errors >= 0)
    # A band no wider than the prior allows: ±1.96 · √10 log-units, ~2,200 rating points.
    assert np.all(errors <= np.sqrt(10.0) + 1e-9)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ballots=vote_graphs(), min_votes=st.sampled_from((1, 10, 50)))
def test_a_tool_without_a_path_of_votes_is_never_ranked_with_the_others(
    catalogue: Catalogue, ballots: list[Ballot], min_votes: int
) -> None:
    tools: Mapping[str, Tool] = catalogue.by_slug
    board = build_leaderboard(_stored(ballots), tools, min_votes=min_votes)
    group = _joined(ballots)
    rated = [e for e in (*board.ranked, *board.unranked) if e.rating is not None]
    for entry in rated:
        assert entry.low is not None and entry.high is not None and entry.rating is not None
        assert entry.low <= entry.rating <= entry.high
        assert entry.high - entry.low <= 2160  # never wider than the prior: 2·1.96·√10 log-units
        assert group[entry.slug] >= {e.slug for e in rated}  # one connected group
    for entry in board.not_comparable:
        assert entry.rating is None and entry.rank is None
        assert all(entry.slug not in group[e.slug] for e in rated)
    listed = [e.slug for e in (*board.ranked, *board.unranked, *board.not_comparable)]
    assert sorted(listed) == sorted(group)  # every voted tool, once
    ranks = [e.rank for e in board.ranked]
    assert ranks == sorted(ranks) and (not ranks or ranks[0] == 1)
    for entry in board.ranked:
        assert entry.votes >= min_votes and not entry.preliminary
        assert entry.rank is not None and entry.lowest_rank is not None
        assert 1 <= entry.rank <= entry.lowest_rank <= len(board.ranked)
        above = sum(1 for e in board.ranked if (e.low or 0) > (entry.high or 0))
        assert abs(entry.rank - 1 - above) <= 1  # bands compared before rounding to points
    for pair in board.pairs:
        assert 0.0 <= pair.first_chance <= 1.0
        assert pair.first_wins + pair.second_wins <= pair.votes


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(2, 6),
    seed=st.integers(0, 2**32 - 1),
    rounds=st.integers(30, 80),
)
def test_the_fit_is_choix_on_connected_graphs_with_enough_votes(
    n: int, seed: int, rounds: int
) -> None:
    rng = np.random.default_rng(seed)
    strength = rng.lognormal(0.0, 1.0, n)
    data: list[tuple[int, list[int]]] = []
    ballots: list[Ballot] = []
    for _ in range(rounds * n):
        # a chain of pairs keeps it connected; random 2–4-way cards fill it in
        shown = [
            int(t) for t in rng.choice(n, size=int(rng.integers(2, min(4, n) + 1)), replace=False)
        ]
        if len(data) < n - 1:
            shown = [len(data), len(data) + 1]
        p = strength[shown] / strength[shown].sum()
        pick = int(rng.choice(shown, p=p))
        data.append((pick, [t for t in shown if t != pick]))
        ballots.append((tuple(shown), pick, 1))
    counts = count_choices(_stored(ballots))
    order = [SLUGS.index(s) for s in counts.slugs]
    params, errors = fit_luce(
        len(counts.slugs), counts.members, counts.picks, counts.votes, alpha=0.01
    )
    expected = np.asarray(choix.ilsr_top1(n, data, alpha=0.01))[order]
    assert np.allclose(params, expected - expected.mean(), atol=1e-5)
    # The bands: the Fisher information written out vote by vote, its pseudo-inverse (the
    # old form, without the prior), centred.
    information = np.zeros((n, n))
    strength = np.exp(params)
    for tools, _, count in ballots:
        at = [counts.slugs.index(SLUGS[t]) for t in tools]
        p = strength[at] / strength[at].sum()
        information[np.ix_(at, at)] += count * (np.diag(p) - np.outer(p, p))
    # pinv(I) for a connected graph, whose only null direction is the all-ones vector
    textbook = np.sqrt(np.diag(np.linalg.inv(information + 1.0 / n) - 1.0 / n))
    # The prior (precision λ) only narrows a band, and by at most √(μ/(μ+λ)), μ the weakest
    # direction the votes pin down: next to nothing once every tool has many votes.
    weakest = np.linalg.eigvalsh(information)[1]  # [0] is the shared constant's 0
    floor = np.sqrt(weakest / (weakest + PRIOR_PRECISION))
    assert np.all(errors <= textbook * 1.0001)
    assert np.all(errors >= textbook * floor * 0.9999)
    if weakest > 50:
        assert np.allclose(errors, textbook, rtol=0.001)
