"""Ratings fitted to community votes: a vote for X on an N-way card says "X, out of these N".

That is Luce's choice model (Bradley–Terry for N = 2), fitted on votes counted by (tool set,
pick) in SQL (`choices`), so the cost follows the number of distinct tool sets, not votes. The
band is the estimate ± 1.96 standard errors from the model's Fisher information, so a tool with
few votes shows a wide band rather than a confident-looking rank. `Leaderboards` keeps the
counts between votes and re-reads them at most once per `REFRESH_SECONDS`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import math
import time
import weakref
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from bot.catalogue import Tool
from bot.errors import BadQuery
from bot.votes.choices import (
    ChoiceCounts,
    count_choices,
    off_loop,
    read_choice_counts,
    read_choice_counts_for_use_case,
)
from bot.votes.luce import fit_luce
from bot.votes.store import Store, StoredVote

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

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
WAIT_SECONDS = 0.05
"""How long a call waits for a due recount before answering from the kept board."""
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
    use_case: str | None = None
    """Only votes cast on cards asked for this use case ("/leaderboard coding")."""


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
    counts: ChoiceCounts,
    tools: Mapping[str, Tool],
    *,
    category: str | None = None,
    min_votes: int = MIN_VOTES,
    counted_at: datetime | None = None,
    refresh_seconds: float | None = None,
) -> Leaderboard:
    """Rank catalogue tools (optionally one category) by the community's votes, counted by
    (tool set, pick). A vote counts among its card's tools of the category (for the fit: its
    ranked ones); a pick with no other such tool on its card says nothing. An unknown category
    is a `BadQuery` naming the known ones, in chat as in the CLI. CPU-bound with many tools:
    callers on an event loop run it in a thread."""
    import numpy as np

    check_category(tools, category)
    n = len(counts.slugs)
    eligible = np.array(
        [s in tools and (category is None or tools[s].category == category) for s in counts.slugs],
        dtype=bool,
    ).reshape(n)
    members, picks, votes = counts.members, counts.picks, counts.votes
    kept, counted = _kept(members, picks, eligible)
    appearances = np.bincount(
        members[kept], weights=np.broadcast_to(votes[:, None], members.shape)[kept], minlength=n
    ).astype(np.int64)
    wins = np.bincount(picks[counted], weights=votes[counted], minlength=n).astype(np.int64)

    rankable = appearances >= max(min_votes, 1)
    entries: dict[str, LeaderboardEntry] = {}
    if rankable.sum() >= 2:
        fit_kept, fitted = _kept(members, picks, rankable)
        if fitted.any():
            renumbered = np.cumsum(rankable) - 1
            params, errors = fit_luce(
                int(rankable.sum()),
                np.where(fit_kept, renumbered[members], -1)[fitted],
                renumbered[picks[fitted]],
                votes[fitted],
                alpha=REGULARISATION,
            )
            for i in np.nonzero(rankable)[0]:
                slug, k = counts.slugs[i], renumbered[i]
                entries[slug] = LeaderboardEntry(
                    slug=slug,
                    name=tools[slug].name,
                    votes=int(appearances[i]),
                    wins=int(wins[i]),
                    rating=_points(params[k]),
                    low=_points(params[k] - Z_95 * errors[k]),
                    high=_points(params[k] + Z_95 * errors[k]),
                )
    ranked = sorted(entries.values(), key=lambda e: (-(e.rating or 0), e.slug))
    unranked = sorted(
        (
            LeaderboardEntry(
                slug=counts.slugs[i],
                name=tools[counts.slugs[i]].name,
                votes=int(appearances[i]),
                wins=int(wins[i]),
            )
            for i in np.nonzero(appearances)[0]
            if counts.slugs[i] not in entries
        ),
        key=lambda e: (-e.votes, e.slug),
    )
    return Leaderboard(
        ranked=tuple(ranked),
        unranked=tuple(unranked),
        min_votes=min_votes,
        category=category,
        total_votes=int(votes[counted].sum()),
        counted_at=counted_at,
        refresh_seconds=refresh_seconds,
    )


def _kept(members: np.ndarray, picks: np.ndarray, allowed: np.ndarray) -> tuple[Any, Any]:
    """Which tools of each row are `allowed`, and which rows still say something: the pick is
    allowed and at least one other allowed tool was beside it."""
    import numpy as np

    kept = (members >= 0) & allowed[np.where(members >= 0, members, 0)]
    return kept, allowed[picks] & (kept.sum(axis=1) >= 2)


class Leaderboards:
    """Leaderboards over one store, kept between votes.

    When `refresh_seconds` have passed since the last look, a call starts a recount in the
    background — skipped if the store's tally marks (a small per-tool read) did not change,
    unless `max_age_seconds` have passed — and waits for it at most `wait_seconds`: small
    stores answer fresh, big ones answer from the kept board at once and show the recount
    from the next call. So a voting rush costs one recount per interval, a board may miss the
    last `refresh_seconds` of votes and says so (`freshness_note`), and only the very first
    call waits for a count. `refresh_seconds=0` counts and fits on every call."""

    def __init__(
        self,
        store: Store,
        *,
        refresh_seconds: float = REFRESH_SECONDS,
        max_age_seconds: float = MAX_AGE_SECONDS,
        wait_seconds: float = WAIT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self.refresh_seconds = refresh_seconds
        self.max_age_seconds = max_age_seconds
        self.wait_seconds = wait_seconds
        self._clock = clock
        self._wall_clock = wall_clock
        self._kept: _Count | None = None
        self._looked_at = float("-inf")
        self._recount: asyncio.Task[None] | None = None

    async def board(
        self,
        tools: Mapping[str, Tool],
        category: str | None = None,
        *,
        min_votes: int = MIN_VOTES,
        use_case: str | None = None,
    ) -> Leaderboard:
        """The leaderboard for `tools` (the catalogue's `by_slug`), optionally one category,
        or one use case ("coding": the votes cast on cards asked for it, counted when asked);
        an unknown category is a `BadQuery` before anything is read."""
        if use_case is not None:
            counts = await read_choice_counts_for_use_case(self.store, use_case)
            board = await off_loop(
                functools.partial(rank_choices, min_votes=min_votes), counts, tools
            )
            return board.model_copy(update={"use_case": use_case})
        check_category(tools, category)
        if self.refresh_seconds <= 0:
            counts = await read_choice_counts(self.store)
            return await off_loop(
                functools.partial(rank_choices, category=category, min_votes=min_votes),
                counts,
                tools,
            )
        key = (id(tools), category, min_votes)
        kept = await self._current()
        board = kept.boards.get(key)
        if board is None or board[0] is not tools:
            made = await off_loop(kept.rank, tools, category, min_votes)
            board = (tools, made)
            kept.boards[key] = board
        return board[1]

    def look_again(self) -> None:
        """Check the marks on the next call, whatever the interval: for a change people expect
        to see at once (a closed card's hidden votes starting to count)."""
        self._looked_at = float("-inf")

    async def settled(self) -> None:
        """Wait for a recount under way (tests; a clean shutdown)."""
        if self._recount is not None:
            await asyncio.shield(self._recount)

    async def _current(self) -> _Count:
        """The kept count, after starting a recount if one is due (and waiting for it a little,
        or fully when nothing is kept yet)."""
        if self._kept is not None and self._clock() - self._looked_at < self.refresh_seconds:
            return self._kept
        self._looked_at = self._clock()
        if self._recount is None or self._recount.done():
            self._recount = asyncio.create_task(self._count_again())
            self._recount.add_done_callback(_log_failure)
        if self._kept is None:
            await asyncio.shield(self._recount)
        else:
            with contextlib.suppress(Exception):  # logged; the kept board stands meanwhile
                await asyncio.wait_for(asyncio.shield(self._recount), self.wait_seconds)
        if self._kept is None:
            raise LeaderboardUnavailable("the votes could not be counted")
        return self._kept

    async def _count_again(self) -> None:
        """Recount if the marks moved (or the count is old), refit the kept boards, swap."""
        now = self._clock()
        mark = tuple(sorted((await self.store.tally_marks()).items()))
        kept = self._kept
        if kept is not None and mark == kept.mark and now - kept.read_at < self.max_age_seconds:
            return
        counted_at = self._wall_clock()
        counts = await read_choice_counts(self.store)
        fresh = _Count(counts, mark, now, counted_at, self.refresh_seconds)
        if kept is not None:
            for key, (tools, old) in list(kept.boards.items()):
                made = await off_loop(fresh.rank, tools, old.category, old.min_votes)
                fresh.boards[key] = (tools, made)
        self._kept = fresh


class LeaderboardUnavailable(Exception):
    """The first count of the votes failed (its error was logged with its cause)."""


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("recounting the leaderboard failed", exc_info=task.exception())


class _Count:
    """One read of the counts, with the boards fitted from it so far."""

    def __init__(
        self,
        counts: ChoiceCounts,
        mark: object,
        read_at: float,
        counted_at: datetime,
        refresh_seconds: float,
    ) -> None:
        self.counts = counts
        self.mark = mark
        self.read_at = read_at
        self.counted_at = counted_at
        self.refresh_seconds = refresh_seconds
        self.boards: dict[tuple[int, str | None, int], tuple[Mapping[str, Tool], Leaderboard]] = {}

    def rank(self, tools: Mapping[str, Tool], category: str | None, min_votes: int) -> Leaderboard:
        return rank_choices(
            self.counts,
            tools,
            category=category,
            min_votes=min_votes,
            counted_at=self.counted_at,
            refresh_seconds=self.refresh_seconds,
        )


_shared: weakref.WeakKeyDictionary[Store, Leaderboards] = weakref.WeakKeyDictionary()


def leaderboards_of(store: Store) -> Leaderboards:
    """The one `Leaderboards` every surface of a process shares for `store` (chat, web, ...):
    one recount per interval serves them all."""
    shared = _shared.get(store)
    if shared is None:
        shared = _shared[store] = Leaderboards(store)
    return shared
