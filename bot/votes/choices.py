"""What the leaderboard's fit needs from the votes: how often each tool was picked out of each
set of tools shown together, read from running tallies and kept as numpy arrays.

The vote writer keeps exactly these counts (`choice_counts`, per tool set, winner and shard), so
the read costs the number of tool sets shown (times their winners and shards), not of cards or
votes: at most the cards' read, far less where people compare the same tools again. A
database read as an older bot left it has only each card's per-position tally
(`card_tools.votes`); then cards are read a page at a time and cards showing the same tools
added up here. Arrays, not one Python object per row: at 100,000 cards the objects alone would
cost more than the fit.
"""

from __future__ import annotations

import asyncio
import functools
import re
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from bot.storage import TOOL_SET_SEPARATOR
from bot.votes.batch import tool_set
from bot.votes.store import card_tools_page

if TYPE_CHECKING:
    import numpy as np

    from bot.votes.store import Store, StoredVote

T = TypeVar("T")

PAGE_ROWS = 20_000
"""Card-tool rows read per query: Python holds one page of row tuples at a time, not them all
(at 10,000,000 votes the tuples alone would be ~100 MB)."""

_worker: ThreadPoolExecutor | None = None


async def off_loop(work: Callable[..., T], *args: Any) -> T:
    """Run the counting and fitting off the event loop, on one thread of their own: one at a
    time (two cores serve votes too), and one malloc arena, so that repeated recounts reuse
    the same memory instead of growing a heap per worker thread."""
    global _worker
    if _worker is None:
        _map_big_arrays()
        _one_blas_thread()
        _worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="leaderboard")
    return await asyncio.get_running_loop().run_in_executor(_worker, functools.partial(work, *args))


MMAP_THRESHOLD = 128 * 1024
"""glibc's default threshold for serving an allocation with its own mmap; see below."""


def _map_big_arrays() -> None:
    """Keep glibc serving allocations over 128 kB (numpy's arrays of a count and a fit) with
    their own mmap, returned to the system when freed. By default glibc raises that threshold
    after the first such free, up to 32 MB: each recount's multi-megabyte arrays then come
    from the heap, and the process keeps their high-water mark. Measured at 10,000,000
    votes, one count and fit grew RSS by ~58 MB with the default and ~47 MB with this. Other
    C libraries have no `mallopt`: nothing to do there."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if name is None:
        return
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError):
        return
    mallopt(-3, MMAP_THRESHOLD)  # M_MMAP_THRESHOLD; setting it also stops the raising


def _one_blas_thread() -> None:
    """The fit's matrix factorisation on one BLAS thread: the worker already runs one job at
    a time so that the cores stay free for votes, and OpenBLAS's threads spinning against the
    event loop's made the inverse of 800 tools ~10 times slower (480 ms against 46 ms)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")


@dataclass(frozen=True, eq=False)
class ChoiceCounts:
    """Row r: `votes[r]` votes picked tool `picks[r]` on cards showing the tools in
    `members[r]` (the pick among them; −1 pads rows of smaller cards). Tools are indexes into
    `slugs`. No two rows have the same pick and tool set."""

    slugs: tuple[str, ...]
    members: np.ndarray
    picks: np.ndarray
    votes: np.ndarray

    @property
    def total(self) -> int:
        return int(self.votes.sum())


async def read_choice_counts(store: Store) -> ChoiceCounts:
    """Every current vote, counted by (tool set, pick), leaving out cards whose results are
    hidden until they close. Retracted votes are not in the tallies, so they are not here
    either."""
    if not store.choices_kept:
        return await read_choice_counts_from_cards(store)
    [(text,)] = await store.fetch(store.counted_choices)
    return await off_loop(counts_from_totals, text or "")


_HIDDEN = re.compile(r"(?:^|;)\|([^|;]+)\|([^|;]+)")
"""An entry for one tool of a card whose results are hidden: "slug:votes", the card's id."""


def counts_from_totals(text: str) -> ChoiceCounts:
    """Counts from `Store.counted_choices`' text: per tool set its winners' votes, less those
    of hidden cards. Its entries are split off a chunk at a time and arrays filled as they
    go: no object per entry or count is kept (one split would make all ~50,000 entries at
    once, and leave Python's heap fragmented). Slugs are numbered in sorted order, so the same
    votes give the same arrays whatever order the entries come in. Each (tool set, winner)
    comes once: the SQL grouped them."""
    import numpy as np

    hidden_cards: dict[str, list[tuple[str, int]]] = {}
    for won, card_id in _HIDDEN.findall(text):
        slug, _, votes = won.partition(":")
        hidden_cards.setdefault(card_id, []).append((slug, int(votes)))
    hidden: dict[tuple[str, str], int] = {}
    for held in hidden_cards.values():
        shown = tool_set(slug for slug, _ in held)
        for slug, votes in held:
            hidden[shown, slug] = hidden.get((shown, slug), 0) + votes
    index: dict[str, int] = {}
    members = array("i")  # each counted row's tools, one after the other
    sizes = array("i")  # how many tools each row has
    picks = array("i")
    counted = array("q")
    for entry in _entries(text):
        shown, won, card_id = entry.split("|")
        if card_id:
            continue
        tools = [index.setdefault(slug, len(index)) for slug in shown.split(TOOL_SET_SEPARATOR)]
        for pick in won.split(" "):
            winner, _, votes = pick.partition(":")
            left = int(votes) - hidden.get((shown, winner), 0) if hidden else int(votes)
            if left > 0:
                members.extend(tools)
                sizes.append(len(tools))
                picks.append(index[winner])
                counted.append(left)
    if not counted:
        return _empty()
    slugs = tuple(sorted(index))
    renumbered = np.empty(len(index) + 1, dtype=np.int32)  # the last entry maps −1 to itself
    renumbered[[index[slug] for slug in slugs]] = np.arange(len(slugs), dtype=np.int32)
    renumbered[-1] = -1
    size = np.frombuffer(sizes, dtype=np.int32)
    numbered = renumbered[np.frombuffer(members, dtype=np.int32)]
    first = np.cumsum(size) - size  # where each row's tools start in `numbered`
    sets = np.full((len(size), int(size.max())), -1, dtype=np.int32)
    for column in range(sets.shape[1]):  # a column at a time: no per-tool index temporaries
        has = size > column
        sets[has, column] = numbered[first[has] + column]
    sets.sort(axis=1)
    return ChoiceCounts(
        slugs,
        sets,
        renumbered[np.frombuffer(picks, dtype=np.int32)],
        np.frombuffer(counted, dtype=np.int64).copy(),
    )


CHUNK = 1 << 16
"""Characters of `Store.counted_choices`' text split into entries at a time (~600 entries)."""


def _entries(text: str) -> Iterator[str]:
    """The entries of `Store.counted_choices`' text, a chunk of them split at a time."""
    start = 0
    while start < len(text):
        end = text.find(";", start + CHUNK)
        if end < 0:
            end = len(text)
        yield from text[start:end].split(";")
        start = end + 1


async def read_choice_counts_from_cards(store: Store) -> ChoiceCounts:
    """The same counts from every card's per-position tally, a page of cards at a time: for a
    database from before `choice_counts` (opened read-only, as it is)."""
    import numpy as np

    counted = np.fromiter((row[0] for row in await store.fetch(store.counted_cards)), np.int64)
    index: dict[str, int] = {}
    pages: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    after = (-1, -1)
    while True:
        rows = await card_tools_page(store, after, PAGE_ROWS)
        if not rows:
            break
        pages.append(await off_loop(_arrays, rows, index))  # the loop keeps answering
        after = (int(rows[-1][0]), int(rows[-1][1]))
        if len(rows) < PAGE_ROWS:
            break
    if not pages:
        return _empty()
    cards, slug_ids, votes = (np.concatenate(column) for column in zip(*pages, strict=True))
    shown = np.isin(cards, counted)
    return await off_loop(
        counts_from_arrays, tuple(index), cards[shown], slug_ids[shown], votes[shown]
    )


async def read_choice_counts_for_use_case(store: Store, use_case: str) -> ChoiceCounts:
    """The counts from the cards asked for one use case ("coding"), through their index
    (`cards_use_case`); hidden open cards left out, as everywhere."""
    rows = await store.fetch(store.use_case_cards, (use_case,))
    if not rows:
        return _empty()
    index: dict[str, int] = {}
    cards, slug_ids, votes = await off_loop(_arrays, rows, index)
    return await off_loop(counts_from_arrays, tuple(index), cards, slug_ids, votes)


def _arrays(
    rows: Sequence[Sequence[Any]], index: dict[str, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(card id, position, slug, votes) rows as arrays; slugs numbered in `index`."""
    import numpy as np

    cards = np.fromiter((row[0] for row in rows), np.int64, len(rows))
    slug_ids = np.fromiter(
        (index.setdefault(row[2], len(index)) for row in rows), np.int64, len(rows)
    )
    votes = np.fromiter((row[3] for row in rows), np.int64, len(rows))
    return cards, slug_ids, votes


def counts_from_arrays(
    slugs: tuple[str, ...], cards: np.ndarray, slug_ids: np.ndarray, votes: np.ndarray
) -> ChoiceCounts:
    """Counts from one entry per tool of each card (card id, tool, its votes there), in any
    order. CPU-bound for big tables: callers on an event loop may run it in a thread."""
    import numpy as np

    if not len(cards):
        return _empty()
    order = np.argsort(cards, kind="stable")
    cards, slug_ids, votes = cards[order], slug_ids[order], votes[order]
    card_of_row, first_row = _runs(cards)
    del cards, order
    card_sizes = np.diff(np.append(first_row, len(card_of_row)))
    position = np.arange(len(card_of_row)) - first_row[card_of_row]
    members = np.full((len(card_sizes), int(card_sizes.max())), -1, dtype=np.int32)
    members[card_of_row, position] = slug_ids
    del position
    members.sort(axis=1)
    voted = votes > 0
    return _added_up(
        slugs, members[card_of_row[voted]], slug_ids[voted].astype(np.int32), votes[voted]
    )


def count_choices(votes: Iterable[StoredVote]) -> ChoiceCounts:
    """The same counts from vote rows (the export's shape), for data already in memory."""
    import numpy as np

    index: dict[str, int] = {}
    sets: list[list[int]] = []
    picks: list[int] = []
    for vote in votes:
        sets.append(sorted({index.setdefault(t, len(index)) for t in vote.tools}))
        picks.append(index.setdefault(vote.choice, len(index)))
    if not sets:
        return _empty()
    members = np.full((len(sets), max(len(s) for s in sets)), -1, dtype=np.int64)
    for row, tools in enumerate(sets):
        members[row, members.shape[1] - len(tools) :] = tools
    return _added_up(
        tuple(index), members, np.asarray(picks, dtype=np.int64), np.ones(len(sets), np.int64)
    )


def _added_up(
    slugs: tuple[str, ...], members: np.ndarray, picks: np.ndarray, votes: np.ndarray
) -> ChoiceCounts:
    """Rows with the same (sorted) tool set and pick merged, their votes added."""
    import numpy as np

    if not len(members):  # every card left out (e.g. all hidden until they close)
        return ChoiceCounts(slugs, members, picks, votes.astype(np.int64))
    bits = max(1, int(len(slugs) + 1).bit_length())
    if bits * (members.shape[1] + 1) <= 63:  # one integer per row: a 1-D sort
        key = np.zeros(len(members), dtype=np.int64)
        for column in (*members.T, picks):
            key <<= bits
            key |= column + 1
        order = np.argsort(key, kind="stable")
        group_sorted, starts = _runs(key[order])
        del key
    else:  # np.unique(axis=0) is the general case (and needs far more memory)
        keyed = np.column_stack((members, picks))
        _, first, group = np.unique(keyed, axis=0, return_index=True, return_inverse=True)
        summed = np.bincount(group.ravel(), weights=votes, minlength=len(first)).astype(np.int64)
        return ChoiceCounts(slugs, members[first], picks[first], summed)
    first = order[starts]
    summed = np.bincount(group_sorted, weights=votes[order], minlength=len(starts))
    return ChoiceCounts(slugs, members[first], picks[first], summed.astype(np.int64))


def _runs(ordered: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For a sorted array: each entry's run number, and where each run starts. (np.unique
    does this too, at several times the memory.)"""
    import numpy as np

    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    run = np.zeros(len(ordered), dtype=np.int64)
    run[starts[1:]] = 1
    return np.cumsum(run), starts


def _empty() -> ChoiceCounts:
    import numpy as np

    none = np.zeros(0, dtype=np.int64)
    return ChoiceCounts((), np.zeros((0, 0), dtype=np.int64), none, none)
