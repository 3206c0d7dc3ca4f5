"""Ratings fitted to community votes: a vote for X on an N-way card says "X, out of these N".

That is Luce's choice model (Bradley–Terry for N = 2), fitted with choix. The band is the
estimate ± 1.96 standard errors from the model's Fisher information, so a tool with few votes
shows a wide band rather than a confident-looking rank.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from bot.catalogue import Tool
from bot.errors import BadQuery
from bot.votes.store import StoredVote

if TYPE_CHECKING:
    import numpy as np

MIN_VOTES = 10
"""A tool needs this many votes cast on cards holding it before it is ranked."""
REGULARISATION = 0.01
"""Keeps a tool that never won finite; small enough not to pull real differences together."""
RATING_BASE = 1500.0
RATING_SCALE = 400.0 / math.log(10)
"""Elo-like points: 400 points apart means 10 to 1 odds of being picked between the two."""
Z_95 = 1.96


MEANING = (
    "Rating: Elo-like, 400 points apart = picked 10 to 1, with a 95% band. On cards: votes "
    "cast on cards holding the tool; picked: the votes it won."
)
"""What the numbers are, said under every leaderboard."""


def entry_summary(entry: LeaderboardEntry) -> str:
    """ "13 votes on cards with X, X picked 9 times", for places without a table."""
    times = "once" if entry.wins == 1 else f"{entry.wins} times"
    votes = f"{entry.votes} vote{'s' if entry.votes != 1 else ''}"
    return f"{votes} on cards with {entry.name}, {entry.name} picked {times}"


def scope_note(board: Leaderboard) -> str | None:
    """How cards that mix categories count on a one-category board."""
    if board.category is None:
        return "A card can mix categories; each vote counts against the tools it was cast among."
    return (
        f"Cards that mix categories count here only between their {board.category} tools; "
        "a vote for a tool of another category is left out."
    )


class LeaderboardEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    slug: str
    name: str
    votes: int
    """Votes cast on cards holding this tool."""
    wins: int
    rating: int | None = None
    low: int | None = None
    high: int | None = None


class Leaderboard(BaseModel):
    model_config = ConfigDict(frozen=True)

    ranked: tuple[LeaderboardEntry, ...]
    unranked: tuple[LeaderboardEntry, ...]
    """Tools with votes, but fewer than `min_votes`: listed apart, not ranked."""
    min_votes: int
    category: str | None
    total_votes: int


def _observations(
    votes: Sequence[StoredVote], eligible: set[str]
) -> list[tuple[str, tuple[str, ...]]]:
    """Each vote as (winner, the other tools on its card), kept to `eligible` tools."""
    out = []
    for vote in votes:
        others = tuple(t for t in vote.tools if t in eligible and t != vote.choice)
        if vote.choice in eligible and others:
            out.append((vote.choice, others))
    return out


def _fit(
    observations: Sequence[tuple[str, tuple[str, ...]]], slugs: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Luce strengths (centred log-odds) and their standard errors.

    choix pulls in scipy (about a second): imported here, where a fit runs, so that commands
    that never rank anything (`verdict --help`, `verdict compare`) start fast."""
    import choix
    import numpy as np

    index = {slug: i for i, slug in enumerate(slugs)}
    data = [(index[w], tuple(index[o] for o in others)) for w, others in observations]
    params = np.asarray(choix.ilsr_top1(len(slugs), data, alpha=REGULARISATION))
    params = params - params.mean()

    information = np.zeros((len(slugs), len(slugs)))
    choice_sets = Counter(tuple(sorted((w, *others))) for w, others in data)
    for members, count in choice_sets.items():
        ids = np.array(members)
        weights = np.exp(params[ids] - params[ids].max())
        p = weights / weights.sum()
        information[np.ix_(ids, ids)] += count * (np.diag(p) - np.outer(p, p))
    # Strengths are only defined up to a shared constant; the pseudo-inverse fixes their mean.
    covariance = np.linalg.pinv(information)
    errors = np.sqrt(np.clip(np.diag(covariance), 0.0, None))
    return params, errors


def _points(value: float) -> int:
    return round(RATING_BASE + RATING_SCALE * value)


def check_category(tools: Mapping[str, Tool], category: str | None) -> None:
    """A `BadQuery` naming the known categories when `category` is none of them."""
    categories = sorted({t.category for t in tools.values()})
    if category is not None and category not in categories:
        raise BadQuery(f'No category "{category}". Known: {", ".join(categories)}.')


def build_leaderboard(
    votes: Sequence[StoredVote],
    tools: Mapping[str, Tool],
    *,
    category: str | None = None,
    min_votes: int = MIN_VOTES,
) -> Leaderboard:
    """Rank catalogue tools (optionally one category) by the community's votes. An unknown
    category is a `BadQuery` naming the known ones, in chat as in the CLI."""
    check_category(tools, category)
    eligible = {s for s, t in tools.items() if category is None or t.category == category}
    observations = _observations(votes, eligible)
    appearances: Counter[str] = Counter()
    wins: Counter[str] = Counter()
    for winner, others in observations:
        wins[winner] += 1
        appearances.update((winner, *others))

    rankable = sorted(s for s, n in appearances.items() if n >= min_votes)
    entries: dict[str, LeaderboardEntry] = {}
    fitted = _observations(votes, set(rankable)) if len(rankable) >= 2 else []
    if fitted:
        params, errors = _fit(fitted, rankable)
        for i, slug in enumerate(rankable):
            entries[slug] = LeaderboardEntry(
                slug=slug,
                name=tools[slug].name,
                votes=appearances[slug],
                wins=wins[slug],
                rating=_points(params[i]),
                low=_points(params[i] - Z_95 * errors[i]),
                high=_points(params[i] + Z_95 * errors[i]),
            )
    ranked = sorted(entries.values(), key=lambda e: (-(e.rating or 0), e.slug))
    unranked = sorted(
        (
            LeaderboardEntry(slug=s, name=tools[s].name, votes=n, wins=wins[s])
            for s, n in appearances.items()
            if s not in entries
        ),
        key=lambda e: (-e.votes, e.slug),
    )
    return Leaderboard(
        ranked=tuple(ranked),
        unranked=tuple(unranked),
        min_votes=min_votes,
        category=category,
        total_votes=len(observations),
    )
