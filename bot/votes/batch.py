"""How a batch of reaction events becomes votes and tallies, in one transaction.

The store's writer hands over a whole batch; `apply_votes` is that transaction written once for
both databases, as statements the database runs (`bot.storage.Steps`): refuse the votes of
closed cards, drop redeliveries, fold the events into each reaction's times (the vote order
rule), recompute the touched votes, and add the card, tool, pair and choice tallies once per
batch.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.storage import COUNTER_SHARDS, TOOL_SET_SEPARATOR, Dialect, Step, Steps


@dataclass(frozen=True, slots=True)
class VoteWrite:
    """One reaction event as the store applies it: `added` False retracts `choice`."""

    card_id: int
    voter: str
    added: bool
    choice: int
    event_time: float
    event_key: int | str | None
    """Same key, same event: a redelivery counts once. An int is used as it is (64 bits); any
    other text is digested to 64 bits. None: the event cannot be recognised again."""
    timed: bool = True
    """False when `event_time` is only when the event arrived (Discord gives no time)."""


BATCH_COLUMNS = (
    "seq",
    "event_key",
    "card_id",
    "voter",
    "added",
    "choice",
    "event_time",
    "timed",
    "round",
)
Row = tuple[Any, ...]
_FILL_POSTGRES_BATCH = (
    f"INSERT INTO vote_batch ({', '.join(BATCH_COLUMNS)}) SELECT * FROM unnest("
    "?::integer[], ?::bigint[], ?::bigint[], ?::text[], ?::integer[], ?::integer[], "
    "?::float8[], ?::integer[], ?::integer[])"
)


def apply_votes(
    dialect: Dialect,
    rows: list[Row],
    now: float,
    *,
    prune_before: float | None,
    tools: Mapping[int, tuple[str, ...]],
) -> Steps[frozenset[int]]:
    """The batch's transaction; returns the ids of the batch's cards that were closed (their
    votes were not applied). `rows` come from `batch_rows`; `tools` holds the tool lists of
    the cards already known (the others are read). With `prune_before`, event keys seen
    before then are forgotten."""
    postgres = dialect == "postgresql"
    if postgres:  # one round trip, the batch as one array per column
        yield Step(
            "execute", _FILL_POSTGRES_BATCH, [list(column) for column in zip(*rows, strict=True)]
        )
    else:
        yield Step("execute", "DELETE FROM vote_batch")
        yield Step("copy", "vote_batch", rows, BATCH_COLUMNS)
    card_ids = sorted({row[2] for row in rows})
    # On PostgreSQL the batch's cards are locked (in one order, so writers queue instead of
    # deadlocking): a close (an UPDATE of closed_at) either waits for this commit or commits
    # first and this batch sees it; and votes of one card are applied one batch at a time, so
    # each batch reads the votes it changes as they are. SQLite's writer holds the whole file.
    found = yield Step(
        "fetch",
        f"SELECT id, closed_at FROM cards WHERE id IN ({_marks(card_ids)}) ORDER BY id"
        + (" FOR NO KEY UPDATE" if postgres else ""),
        card_ids,
    )
    closed = frozenset(card_id for card_id, closed_at in found if closed_at is not None)
    if closed:
        yield Step(
            "execute",
            f"DELETE FROM vote_batch WHERE card_id IN ({_marks(closed)})",
            sorted(closed),
        )
    yield Step("execute", _SKIP_KNOWN_EVENTS[dialect], (now,) if postgres else ())
    if not postgres:
        yield Step(
            "execute",
            "INSERT INTO vote_events (event_key, seen_at) "
            "SELECT event_key, ? FROM vote_batch WHERE event_key IS NOT NULL",
            (now,),
        )
    before = {
        (card_id, voter): choice for card_id, voter, choice in (yield Step("fetch", _TOUCHED_VOTES))
    }
    for round_ in range(max(row[8] for row in rows) + 1):
        yield Step("execute", _APPLY_REACTIONS[dialect], (round_,))
    changes: dict[tuple[int, int], int] = {}
    for card_id, voter, choice in (yield Step("fetch", _RECOMPUTE_VOTES[dialect])):
        old = before.get((card_id, voter))
        if old == choice:
            continue
        if old is not None:
            changes[card_id, old] = changes.get((card_id, old), 0) - 1
        if choice is not None:
            changes[card_id, choice] = changes.get((card_id, choice), 0) + 1
    changes = {key: delta for key, delta in changes.items() if delta}
    if changes:
        yield from _add_tallies(changes, tools)
    if prune_before is not None:
        yield Step("execute", "DELETE FROM vote_events WHERE seen_at < ?", (prune_before,))
    return closed


def tool_set(slugs: Iterable[str]) -> str:
    """A card's tool set as `choice_counts.tools` spells it (migration 6 fills it alike)."""
    return TOOL_SET_SEPARATOR.join(sorted(slugs))


def _add_tallies(
    changes: dict[tuple[int, int], int], known: Mapping[int, tuple[str, ...]]
) -> Steps[None]:
    """Card, tool, pair and choice tallies, each row changed once per batch, tables in one
    order and rows sorted within each: on PostgreSQL, writer processes lock them alike and
    queue instead of deadlocking."""
    card_ids = sorted({card_id for card_id, _ in changes})
    tools_by_id = {card_id: known[card_id] for card_id in card_ids if card_id in known}
    missing = [card_id for card_id in card_ids if card_id not in tools_by_id]
    if missing:
        found: dict[int, list[str]] = {}
        for card_id, slug in (
            yield Step(
                "fetch",
                f"SELECT card_id, slug FROM card_tools WHERE card_id IN ({_marks(missing)}) "
                "ORDER BY card_id, position",
                missing,
            )
        ):
            found.setdefault(card_id, []).append(slug)
        tools_by_id.update({card_id: tuple(slugs) for card_id, slugs in found.items()})
    tools: dict[tuple[str, int], list[int]] = {}
    pairs: dict[tuple[str, str, int], list[int]] = {}
    choices: dict[tuple[str, str, int], int] = {}
    for card_id in card_ids:
        slugs = tools_by_id.get(card_id, ())
        shard = card_id % COUNTER_SHARDS
        wins = [changes.get((card_id, position), 0) for position in range(len(slugs))]
        total = sum(wins)
        shown = tool_set(slugs)
        for slug, won in zip(slugs, wins, strict=True):
            if won:
                choices[shown, slug, shard] = choices.get((shown, slug, shard), 0) + won
        for slug in set(slugs):
            tally = tools.setdefault((slug, shard), [0, 0])
            tally[0] += total
            tally[1] += sum(w for s, w in zip(slugs, wins, strict=True) if s == slug)
        for i, first in enumerate(slugs):
            for j, second in enumerate(slugs):
                if first < second:
                    pair = pairs.setdefault((first, second, shard), [0, 0, 0])
                    pair[0] += wins[i]
                    pair[1] += wins[j]
                    pair[2] += total
    yield Step(
        "executemany",
        "UPDATE card_tools SET votes = votes + ? WHERE card_id = ? AND position = ?",
        [(delta, card_id, position) for (card_id, position), delta in sorted(changes.items())],
    )
    yield Step(
        "executemany",
        "UPDATE tool_counts SET votes = votes + ?, wins = wins + ? WHERE slug = ? AND shard = ?",
        [(v, w, slug, shard) for (slug, shard), (v, w) in sorted(tools.items()) if v or w],
    )
    yield Step(
        "executemany",
        "UPDATE pair_counts SET first_wins = first_wins + ?, second_wins = second_wins + ?, "
        "votes = votes + ? WHERE first = ? AND second = ? AND shard = ?",
        [
            (f, s, v, first, second, shard)
            for (first, second, shard), (f, s, v) in sorted(pairs.items())
            if f or s or v
        ],
    )
    yield Step(
        "executemany",
        "UPDATE choice_counts SET votes = votes + ? WHERE tools = ? AND winner = ? AND shard = ?",
        [
            (votes, shown, winner, shard)
            for (shown, winner, shard), votes in sorted(choices.items())
            if votes
        ],
    )


def _marks(values: Sequence[object] | frozenset[object]) -> str:
    return ",".join("?" * len(values))


def batch_rows(votes: Sequence[VoteWrite]) -> list[tuple[Any, ...]]:
    """The batch as rows for the scratch table. A second copy of an event in the same batch
    is dropped here; `round` numbers the events of one reaction (card, voter, number), which
    the order rule must see one after another."""
    rows = []
    seen: set[int] = set()
    rounds: dict[tuple[int, str, int], int] = {}
    for seq, vote in enumerate(votes):
        key = vote.event_key
        if isinstance(key, str):
            key = _key64(key)
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        reaction = (vote.card_id, vote.voter, vote.choice)
        round_ = rounds.get(reaction, 0)
        rounds[reaction] = round_ + 1
        rows.append(
            (
                seq,
                key,
                vote.card_id,
                vote.voter,
                int(vote.added),
                vote.choice,
                vote.event_time,
                int(vote.timed),
                round_,
            )
        )
    return rows


def _key64(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), signed=True)


_SKIP_KNOWN_EVENTS = {
    "sqlite": (
        "DELETE FROM vote_batch WHERE event_key IS NOT NULL AND EXISTS "
        "(SELECT 1 FROM vote_events e WHERE e.event_key = vote_batch.event_key)"
    ),
    # Insert the keys and keep only the events whose key went in: a concurrent writer with
    # the same key makes this one wait, then skip it.
    "postgresql": (
        "WITH fresh AS (INSERT INTO vote_events (event_key, seen_at) "
        "SELECT event_key, ? FROM vote_batch WHERE event_key IS NOT NULL "
        "ON CONFLICT DO NOTHING RETURNING event_key) "
        "DELETE FROM vote_batch b WHERE b.event_key IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.event_key = b.event_key)"
    ),
}
"""Redeliveries: events whose key is already stored are not applied again."""

_TOUCHED_VOTES = (
    "SELECT v.card_id, v.voter, v.choice FROM "
    "(SELECT DISTINCT card_id, voter FROM vote_batch) t "
    "JOIN votes v ON v.card_id = t.card_id AND v.voter = t.voter"
)


def _apply_reactions(greatest: str) -> str:
    """The order rule of migration 4 for one round of the batch: each reaction keeps the
    latest time it was added and the latest time it was taken off; without a platform time
    (`timed` 0) a number already on is not added again, nor one already off taken off again."""
    return f"""
    INSERT INTO vote_reactions AS r (card_id, voter, choice, added_at, removed_at, timed)
    SELECT card_id, voter, choice,
           CASE WHEN added = 1 THEN event_time END, CASE WHEN added = 0 THEN event_time END,
           timed
    FROM vote_batch WHERE round = ?
    ON CONFLICT (card_id, voter, choice) DO UPDATE SET
        added_at = CASE
            WHEN excluded.added_at IS NULL THEN r.added_at
            WHEN r.added_at IS NULL THEN excluded.added_at
            WHEN excluded.timed = 0 AND (r.removed_at IS NULL OR r.removed_at < r.added_at)
                THEN r.added_at
            ELSE {greatest}(r.added_at, excluded.added_at) END,
        removed_at = CASE
            WHEN excluded.removed_at IS NULL THEN r.removed_at
            WHEN excluded.timed = 0 AND (r.added_at IS NULL OR r.removed_at >= r.added_at)
                THEN r.removed_at
            WHEN r.removed_at IS NULL THEN excluded.removed_at
            ELSE {greatest}(r.removed_at, excluded.removed_at) END
    """


_APPLY_REACTIONS = {"sqlite": _apply_reactions("max"), "postgresql": _apply_reactions("greatest")}


def _recompute_votes(differs: str) -> str:
    """Each touched voter's vote from their reactions: the number added last, unless it was
    taken off at or after that time. Returns the votes that changed."""
    return f"""
    INSERT INTO votes AS v (card_id, voter, choice, event_time)
    SELECT card_id, voter, CASE WHEN removed_at IS NULL OR removed_at < added_at THEN choice END,
           added_at
    FROM (
        SELECT r.card_id, r.voter, r.choice, r.added_at, r.removed_at,
               row_number() OVER (PARTITION BY r.card_id, r.voter
                                  ORDER BY r.added_at DESC, r.choice DESC) AS latest
        FROM (SELECT DISTINCT card_id, voter FROM vote_batch) t
        JOIN vote_reactions r ON r.card_id = t.card_id AND r.voter = t.voter
        WHERE r.added_at IS NOT NULL
    ) ranked
    WHERE latest = 1
    ON CONFLICT (card_id, voter) DO UPDATE
        SET choice = excluded.choice, event_time = excluded.event_time
        WHERE v.choice {differs} excluded.choice OR v.event_time <> excluded.event_time
    RETURNING card_id, voter, choice
    """


_RECOMPUTE_VOTES = {
    "sqlite": _recompute_votes("IS NOT"),
    "postgresql": _recompute_votes("IS DISTINCT FROM"),
}
