"""Ratings fitted to community votes: a vote for X on an N-way card says "X, out of these N".

That is Luce's choice model (Bradley–Terry for N = 2), fitted on votes counted by (tool set,
pick) in SQL (`choices`), so the cost follows the number of distinct tool sets, not votes. The
band is the estimate ± 1.96 standard errors from the model's Fisher information, so a tool with
few votes shows a wide band rather than a confident-looking rank. `Leaderboards` keeps the
counts between votes and re-reads them at most once per `REFRESH_SECONDS`.
"""

from __future__ import annotations

import math
import time
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict

from bot.catalogue import Tool
from bot.errors import BadQuery
from bot.votes.choices import ChoiceCount, count_choices, read_choice_counts
from bot.votes.luce import fit_luce
from bot.votes.store import Store, StoredVote

MIN_VOTES = 10
"""A tool needs this many votes cast on cards holding it before it is ranked."""
REGULARISATION = 0.01
"""Keeps a tool that never won finite; small enough not to pull real differences together."""
RATING_BASE = 1500.0
RATING_SCALE = 400.0 / math.log(10)
"""Elo-like points: 400 points apart means 10 to 1 odds of being picked between the two."""
Z_95 = 1.96
REFRESH_SECONDS = 30.0
"""A shown leaderboard may miss the votes of the last this many seconds: votes arriving
together trigger one re-read, not one each."""
MAX_AGE_SECONDS = 600.0
"""Re-read at least this often even when the tally marks look unchanged (two moved votes can
cancel out in the per-tool marks)."""


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
    counted_at: datetime | None = None
    """When the votes were read, for boards kept between votes (None: read just now)."""
    refresh_seconds: float | None = None
    """Votes newer than this many seconds may be missing from a kept board."""


def freshness_note(board: Leaderboard) -> str | None:
    """ "Votes counted at 12:04 UTC; recounted at most every 30 s." for kept boards."""
    if board.counted_at is None or board.refresh_seconds is None:
        return None
    at = board.counted_at.astimezone(UTC).strftime("%H:%M UTC")
    return f"Votes counted at {at}; recounted at most every {board.refresh_seconds:g} s."


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
    """The leaderboard of votes already in memory (see `rank_choices`)."""
    return rank_choices(count_choices(votes), tools, category=category, min_votes=min_votes)


def rank_choices(
    counts: Iterable[ChoiceCount],
    tools: Mapping[str, Tool],
    *,
    category: str | None = None,
    min_votes: int = MIN_VOTES,
    counted_at: datetime | None = None,
    refresh_seconds: float | None = None,
) -> Leaderboard:
    """Rank catalogue tools (optionally one category) by the community's votes, counted by
    (tool set, pick). A vote counts among the card's tools of the category (and, for the fit,
    among its ranked ones); a pick with no other such tool on its card says nothing. An unknown
    category is a `BadQuery` naming the known ones, in chat as in the CLI."""
    check_category(tools, category)
    eligible = {s for s, t in tools.items() if category is None or t.category == category}
    observations = _observations(counts, eligible)
    appearances: Counter[str] = Counter()
    wins: Counter[str] = Counter()
    for winner, others, n in observations:
        wins[winner] += n
        appearances[winner] += n
        for other in others:
            appearances[other] += n

    rankable = sorted(s for s, n in appearances.items() if n >= min_votes)
    entries: dict[str, LeaderboardEntry] = {}
    fitted = _observations(_as_counts(observations), set(rankable)) if len(rankable) >= 2 else []
    if fitted:
        index = {slug: i for i, slug in enumerate(rankable)}
        params, errors = fit_luce(
            len(rankable),
            [(index[w], [index[o] for o in others], n) for w, others, n in fitted],
            alpha=REGULARISATION,
        )
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
        total_votes=sum(n for _, _, n in observations),
        counted_at=counted_at,
        refresh_seconds=refresh_seconds,
    )


Observation = tuple[str, tuple[str, ...], int]
"""(pick, the other tools it was picked among, how many votes)."""


def _observations(counts: Iterable[ChoiceCount], eligible: set[str]) -> list[Observation]:
    """Counts kept to `eligible` tools; sets that shrink to the same one are added up."""
    merged: Counter[tuple[str, frozenset[str]]] = Counter()
    for count in counts:
        if count.choice not in eligible:
            continue
        kept = count.tools if count.tools <= eligible else count.tools & eligible
        if len(kept) >= 2:
            merged[count.choice, kept] += count.votes
    return [
        (choice, tuple(sorted(tools - {choice})), n) for (choice, tools), n in merged.items() if n
    ]


def _as_counts(observations: Iterable[Observation]) -> list[ChoiceCount]:
    return [ChoiceCount(frozenset((w, *others)), w, n) for w, others, n in observations]


class Leaderboards:
    """Leaderboards over one store, kept between votes.

    The counts are re-read when `refresh_seconds` have passed since the last look *and* the
    store's tally marks (a small per-tool read) changed, or after `max_age_seconds` whatever
    the marks say; boards are fitted once per category and read. So a burst of votes costs
    one re-read per interval, and a board may miss the last `refresh_seconds` of votes — it
    says so (`freshness_note`). `refresh_seconds=0` reads and fits on every call."""

    def __init__(
        self,
        store: Store,
        *,
        refresh_seconds: float = REFRESH_SECONDS,
        max_age_seconds: float = MAX_AGE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self.refresh_seconds = refresh_seconds
        self.max_age_seconds = max_age_seconds
        self._clock = clock
        self._wall_clock = wall_clock
        self._counts: list[ChoiceCount] | None = None
        self._mark: object = None
        self._read_at = float("-inf")
        self._looked_at = float("-inf")
        self._counted_at: datetime | None = None
        self._boards: dict[tuple[int, str | None, int], tuple[Mapping[str, Tool], Leaderboard]] = {}

    async def board(
        self,
        tools: Mapping[str, Tool],
        category: str | None = None,
        *,
        min_votes: int = MIN_VOTES,
    ) -> Leaderboard:
        """The leaderboard for `tools` (the catalogue's `by_slug`), optionally one category;
        an unknown category is a `BadQuery` before anything is read."""
        check_category(tools, category)
        counts = await self._current_counts()
        key = (id(tools), category, min_votes)
        kept_board = self._boards.get(key)
        if kept_board is not None and kept_board[0] is tools:
            return kept_board[1]
        kept = self.refresh_seconds > 0
        board = rank_choices(
            counts,
            tools,
            category=category,
            min_votes=min_votes,
            counted_at=self._counted_at if kept else None,
            refresh_seconds=self.refresh_seconds if kept else None,
        )
        if kept:
            self._boards[key] = (tools, board)
        return board

    async def _current_counts(self) -> list[ChoiceCount]:
        now = self._clock()
        if self.refresh_seconds <= 0:
            return await read_choice_counts(self.store)
        if self._counts is not None and now - self._looked_at < self.refresh_seconds:
            return self._counts
        mark = tuple(sorted((await self.store.tally_marks()).items()))
        if (
            self._counts is not None
            and mark == self._mark
            and now - self._read_at < self.max_age_seconds
        ):
            self._looked_at = now
            return self._counts
        self._counted_at = self._wall_clock()
        self._counts = await read_choice_counts(self.store)
        self._mark, self._read_at, self._looked_at = mark, now, now
        self._boards.clear()
        return self._counts


_shared: weakref.WeakKeyDictionary[Store, Leaderboards] = weakref.WeakKeyDictionary()


def leaderboards_of(store: Store) -> Leaderboards:
    """The one `Leaderboards` every surface of a process shares for `store` (chat, web, ...):
    one re-read per interval serves them all."""
    shared = _shared.get(store)
    if shared is None:
        shared = _shared[store] = Leaderboards(store)
    return shared
