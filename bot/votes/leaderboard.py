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

from pydantic import BaseModel, ConfigDict, computed_field

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
from bot.votes.ranks import pair_counts, ranks_from_bands, vote_groups
from bot.votes.store import Store, StoredVote

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

MIN_VOTES = 10
"""A tool needs this many votes cast on cards holding it before it is ranked; under it, it is
preliminary: rated with its band, listed apart."""
PAIR_TOOLS = 12
"""Head to head is shown among this many tools from the top (66 pairs): beyond, a list of
every pair would bury the ones people compare."""
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
    rank: int | None = None
    """1 + the ranked tools whose band lies wholly above this one's: overlapping bands share a
    rank (LMArena's rule). None for tools not ranked."""
    lowest_rank: int | None = None
    """The worst rank the bands allow: `rank`–`lowest_rank` is the rank spread."""
    preliminary: bool = False
    """Under the board's minimum of votes: rated, with a band, but not ranked yet."""
    compared_with: tuple[str, ...] = ()
    """For a tool the votes do not connect to the ranked ones: names of tools it was voted
    on against (a few), to say why it is not comparable yet."""


class PairRecord(BaseModel):
    """Two ranked tools head to head: the votes on cards showing both, who those votes picked,
    and the fit's chance that people pick `first` over `second` (predicted from every vote,
    the only figure there is for a pair never voted on)."""

    model_config = ConfigDict(frozen=True)

    first: str
    first_name: str
    second: str
    second_name: str
    votes: int
    first_wins: int
    second_wins: int
    first_chance: float

    @computed_field  # type: ignore[prop-decorator]
    @property
    def voted(self) -> bool:
        """False: no vote compared the two, `first_chance` is the fit's prediction only."""
        return self.votes > 0


class Leaderboard(BaseModel):
    model_config = ConfigDict(frozen=True)

    ranked: tuple[LeaderboardEntry, ...]
    """Tools with at least `min_votes`, connected by votes, best rank first."""
    unranked: tuple[LeaderboardEntry, ...]
    """Tools with votes, but fewer than `min_votes`: preliminary, listed apart, not ranked (a
    rating and band when the votes connect them to the ranked tools)."""
    min_votes: int
    category: str | None
    total_votes: int
    not_comparable: tuple[LeaderboardEntry, ...] = ()
    """Tools with votes but no path of votes to the ranked ones: no rating is comparable."""
    pairs: tuple[PairRecord, ...] = ()
    """Head to head among the first `PAIR_TOOLS` ranked tools: voted pairs (most votes first),
    then the pairs never voted on, with their predicted chance."""
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
    appearances = np.zeros(n, dtype=np.int64)
    for column in range(members.shape[1]):  # a column at a time: no rows × width temporary
        on = kept[:, column]
        appearances += np.bincount(members[on, column], weights=votes[on], minlength=n).astype(
            np.int64
        )
    wins = np.bincount(picks[counted], weights=votes[counted], minlength=n).astype(np.int64)

    # Only tools joined by a path of votes can be rated on one scale: the board ranks the
    # group holding the most tools over the minimum (then the most votes) and lists the rest
    # as not comparable yet, whatever their own ratings would say.
    rows = np.where(kept, members, -1)[counted]
    del kept  # the fit below is the recount's peak: nothing it does not need is held there
    groups = vote_groups(n, rows)
    in_rows = np.zeros(n, dtype=bool)
    in_rows[rows[rows >= 0]] = True
    enough = in_rows & (appearances >= max(min_votes, 1))
    main = -1
    if in_rows.any():
        sizes = np.bincount(groups[enough], minlength=n)
        weight = np.bincount(groups[in_rows], weights=appearances[in_rows], minlength=n)
        main = min(np.unique(groups[in_rows]), key=lambda g: (-sizes[g], -weight[g], g))
    fitted = in_rows & (groups == main)
    ranked_ids = np.nonzero(fitted & enough)[0] if (fitted & enough).sum() >= 2 else ()

    entries: dict[int, LeaderboardEntry] = {}
    pairs: tuple[PairRecord, ...] = ()
    if fitted.sum() >= 2:
        renumbered = (np.cumsum(fitted) - 1).astype(np.int32)
        fit_rows = groups[picks[counted]] == main
        # one lookup renumbers a row's tools and keeps its −1 pads (the table's last entry)
        table = np.append(renumbered, np.int32(-1))
        everyone = bool(fit_rows.all())  # the usual case: no selected copy of the rows
        params, errors = fit_luce(
            int(fitted.sum()),
            table[rows] if everyone else table[rows[fit_rows]],
            renumbered[picks[counted][fit_rows]],
            votes[counted][fit_rows],
            alpha=REGULARISATION,
        )
        lows, highs = params - Z_95 * errors, params + Z_95 * errors
        at = renumbered[ranked_ids] if len(ranked_ids) else np.zeros(0, dtype=np.int64)
        best, worst = ranks_from_bands(lows[at], highs[at])
        places = {int(i): (int(b), int(w)) for i, b, w in zip(ranked_ids, best, worst, strict=True)}
        for i in np.nonzero(fitted)[0]:
            k = renumbered[i]
            place = places.get(int(i))
            entries[int(i)] = LeaderboardEntry(
                slug=counts.slugs[i],
                name=tools[counts.slugs[i]].name,
                votes=int(appearances[i]),
                wins=int(wins[i]),
                rating=_points(params[k]),
                low=_points(lows[k]),
                high=_points(highs[k]),
                rank=place[0] if place else None,
                lowest_rank=place[1] if place else None,
                preliminary=place is None,
            )
        ranked = sorted(
            (entries[int(i)] for i in ranked_ids),
            key=lambda e: (e.rank, -(e.rating or 0), e.slug),
        )
        pairs = _pairs(ranked[:PAIR_TOOLS], counts, params, renumbered, rows, counted)
    else:
        ranked = []

    def plain(i: int, *, compared_with: tuple[str, ...] = ()) -> LeaderboardEntry:
        slug = counts.slugs[i]
        return LeaderboardEntry(
            slug=slug,
            name=tools[slug].name,
            votes=int(appearances[i]),
            wins=int(wins[i]),
            preliminary=appearances[i] < min_votes,
            compared_with=compared_with,
        )

    def by_votes(entry: LeaderboardEntry) -> tuple[int, str]:
        return (-entry.votes, entry.slug)

    listed = {e.slug for e in ranked}
    unranked = sorted(
        (e for i, e in entries.items() if counts.slugs[i] not in listed), key=by_votes
    )
    apart = []
    for i in np.nonzero(appearances)[0]:
        if int(i) in entries:
            continue
        mates = [j for j in np.nonzero(in_rows & (groups == groups[i]))[0] if j != i]
        mates.sort(key=lambda j: (-appearances[j], counts.slugs[j]))
        names = tuple(tools[counts.slugs[j]].name for j in mates[:3])
        apart.append(plain(int(i), compared_with=names if in_rows[i] else ()))
    return Leaderboard(
        ranked=tuple(ranked),
        unranked=tuple(unranked),
        not_comparable=tuple(sorted(apart, key=by_votes)),
        pairs=pairs,
        min_votes=min_votes,
        category=category,
        total_votes=int(votes[counted].sum()),
        counted_at=counted_at,
        refresh_seconds=refresh_seconds,
    )


def _pairs(
    top: Sequence[LeaderboardEntry],
    counts: ChoiceCounts,
    params: np.ndarray,
    renumbered: np.ndarray,
    rows: np.ndarray,
    counted: np.ndarray,
) -> tuple[PairRecord, ...]:
    """Head to head among `top` (in board order): each pair's record from the counted rows,
    and the fit's chance for the better-placed tool."""
    import numpy as np

    index = {slug: k for k, slug in enumerate(counts.slugs)}
    place = np.full(len(counts.slugs) + 1, -1, dtype=np.int32)  # the last maps −1 to itself
    for k, entry in enumerate(top):
        place[index[entry.slug]] = k
    among = (place[rows] >= 0).sum(axis=1) >= 2  # rows showing two of the top: a few
    shown, won = pair_counts(
        len(top),
        place[rows[among]],
        place[counts.picks[counted][among]],
        counts.votes[counted][among],
    )
    records = []
    for a, first in enumerate(top):
        for b in range(a + 1, len(top)):
            second = top[b]
            gap = params[renumbered[index[first.slug]]] - params[renumbered[index[second.slug]]]
            records.append(
                PairRecord(
                    first=first.slug,
                    first_name=first.name,
                    second=second.slug,
                    second_name=second.name,
                    votes=int(shown[a, b]),
                    first_wins=int(won[a, b]),
                    second_wins=int(won[b, a]),
                    first_chance=round(1.0 / (1.0 + math.exp(-gap)), 3),
                )
            )
    voted = sorted((r for r in records if r.voted), key=lambda r: -r.votes)
    return (*voted, *(r for r in records if not r.voted))


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
            asked = await off_loop(
                functools.partial(rank_choices, min_votes=min_votes), counts, tools
            )
            return asked.model_copy(update={"use_case": use_case})
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
