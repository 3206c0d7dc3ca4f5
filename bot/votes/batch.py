"""How a batch of reaction events becomes votes and tallies, in one transaction.

The store's writer hands over a whole batch; `apply_votes` is that transaction written once for
both databases, as set-based statements the database runs (`bot.storage.Steps`): refuse the
votes of closed cards, drop redeliveries, fold the events into each reaction's times (the vote
order rule), recompute the touched votes, and add the card, tool, pair and choice tallies from
the votes' before-and-after counts, once per batch.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
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
    preferred_shard: int = 0,
) -> Steps[frozenset[int]]:
    """The batch's transaction; returns the ids of the batch's cards that were closed (their
    votes were not applied). `rows` come from `batch_rows`. With `prune_before`, event keys
    seen before then are forgotten. On PostgreSQL the tallies go to a shard no concurrent
    transaction holds, tried from `preferred_shard` on (e.g. the process id).

    Every statement is set-based and returns no rows but the (rare) closed cards: the whole
    transaction is about fifteen statements whatever the batch's size or card mix, and on
    SQLite each is one call into the library (see `SqliteDatabase.run_steps` for why that
    matters)."""
    postgres = dialect == "postgresql"
    if postgres:  # one round trip, the batch as one array per column
        yield Step(
            "execute", _FILL_POSTGRES_BATCH, [list(column) for column in zip(*rows, strict=True)]
        )
    else:
        yield Step("execute", "DELETE FROM vote_batch")
        yield Step("execute", "DELETE FROM vote_delta")
        yield Step("execute", "DELETE FROM vote_change")
        for chunk in _chunks(len(rows)):
            yield Step(
                "execute",
                _fill_sqlite_batch(chunk.stop - chunk.start),
                list(chain.from_iterable(rows[chunk])),
            )
    # On PostgreSQL the batch's cards are locked (in one order, so writers queue instead of
    # deadlocking): a close (an UPDATE of closed_at) either waits for this commit or commits
    # first and this batch sees it; and votes of one card are applied one batch at a time, so
    # each batch reads the votes it changes as they are. SQLite's writer holds the whole file.
    found = yield Step("fetch", _BATCH_CARDS[dialect])
    closed = frozenset(card_id for card_id, closed_at in found if closed_at is not None)
    if closed:
        yield Step(
            "execute",
            f"DELETE FROM vote_batch WHERE card_id IN ({_marks(closed)})",
            sorted(closed),
        )
    if any(row[1] is not None for row in rows):  # reactions carry none (`rules._event_key`)
        yield Step("execute", _SKIP_KNOWN_EVENTS[dialect], (now,) if postgres else ())
        if not postgres:
            yield Step(
                "execute",
                "INSERT INTO vote_events (event_key, seen_at) "
                "SELECT event_key, ? FROM vote_batch WHERE event_key IS NOT NULL",
                (now,),
            )
    for round_ in range(max(row[8] for row in rows) + 1):
        yield Step("execute", _APPLY_REACTIONS[dialect], (round_,))
    for statement in _APPLY_CHANGES[dialect]:
        yield Step("execute", statement)
    if postgres:
        # A tally shard of its own for this transaction: writers in other processes take
        # other shards, so no two transactions ever wait on each other's tally rows.
        claimed = yield Step("fetch", _CLAIM_SHARD, (preferred_shard % COUNTER_SHARDS,))
        shard = int(claimed[0][0]) if claimed else preferred_shard % COUNTER_SHARDS
        statements = _postgres_tallies(shard)
    else:
        statements = _SQLITE_TALLIES
    for statement in statements:
        yield Step("execute", statement)
    if prune_before is not None:
        yield Step("execute", "DELETE FROM vote_events WHERE seen_at < ?", (prune_before,))
    return closed


def tool_set(slugs: Iterable[str]) -> str:
    """A card's tool set as `choice_counts.tools` spells it (migration 6 fills it alike)."""
    return TOOL_SET_SEPARATOR.join(sorted(slugs))


CHUNK_ROWS = 1024
"""The largest batch insert on SQLite: 1,024 rows of 9 values (SQLite allows 32,766)."""


def _chunks(count: int) -> list[slice]:
    """The batch's rows as runs of power-of-two length (at most `CHUNK_ROWS`): a handful of
    prepared statements serve every batch size, instead of one freshly parsed per size."""
    chunks = []
    start = 0
    while start < count:
        size = min(CHUNK_ROWS, 1 << ((count - start).bit_length() - 1))
        chunks.append(slice(start, start + size))
        start += size
    return chunks


@lru_cache(maxsize=16)
def _fill_sqlite_batch(count: int) -> str:
    row = "(" + ",".join("?" * len(BATCH_COLUMNS)) + ")"
    return f"INSERT INTO vote_batch ({', '.join(BATCH_COLUMNS)}) VALUES " + ",".join([row] * count)


def _marks(values: Sequence[object] | frozenset[object]) -> str:
    return ",".join("?" * len(values))


def batch_rows(votes: Sequence[VoteWrite]) -> list[tuple[Any, ...]]:
    """The batch as rows for the scratch table. A second copy of an event in the same batch
    is dropped here (by its key, or, for a timed event without one, by being the same
    reaction change at the same time: a no-op the order rule would apply in a round of its
    own); `round` numbers the events of one reaction (card, voter, number), which the order
    rule must see one after another."""
    rows = []
    seen: set[object] = set()
    rounds: dict[tuple[int, str, int], int] = {}
    for seq, vote in enumerate(votes):
        key = vote.event_key
        if isinstance(key, str):
            key = _key64(key)
        same: object = key
        if key is None and vote.timed:
            same = (vote.card_id, vote.voter, vote.choice, vote.added, vote.event_time)
        if same is not None:
            if same in seen:
                continue
            seen.add(same)
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

_TOUCHED = "SELECT DISTINCT card_id, voter FROM vote_batch"

_BATCH_CARDS = {
    "sqlite": "SELECT id, closed_at FROM cards WHERE closed_at IS NOT NULL "
    "AND id IN (SELECT card_id FROM vote_batch)",
    "postgresql": "SELECT id, closed_at FROM cards WHERE id IN (SELECT card_id FROM vote_batch) "
    "ORDER BY id FOR NO KEY UPDATE",
}
"""The batch's closed cards (and, on PostgreSQL, every card of the batch locked in id order)."""


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


_LATEST = f"""
    latest AS MATERIALIZED (
        SELECT t.card_id, t.voter,
               (SELECT r.choice FROM vote_reactions r
                WHERE r.card_id = t.card_id AND r.voter = t.voter AND r.added_at IS NOT NULL
                ORDER BY r.added_at DESC, r.choice DESC LIMIT 1) AS choice
        FROM ({_TOUCHED}) t
    )"""
_CHANGES = """
    SELECT latest.card_id, latest.voter,
           (SELECT v.choice FROM votes v
            WHERE v.card_id = latest.card_id AND v.voter = latest.voter) AS was,
           CASE WHEN r.removed_at IS NULL OR r.removed_at < r.added_at THEN r.choice END
               AS choice,
           r.added_at AS event_time
    FROM latest
    JOIN vote_reactions r
        ON r.card_id = latest.card_id AND r.voter = latest.voter AND r.choice = latest.choice
    WHERE latest.choice IS NOT NULL"""
"""Each touched voter's vote before the batch (`was`, None when there was none) and after it,
from their reactions: the number added last, unless it was taken off at or after that time.
A voter who never added a number keeps what they had and is left out.

Each voter is looked up on their own (correlated subqueries), never joined: with statistics,
SQLite would build a Bloom filter over a join's inner table, reading all of `votes` in every
batch. Materialized: a flattened subquery would run its look-up and sort again for every
mention of it. The votes after the batch come from here, so they are never looked up again."""


def _store_votes(differs: str) -> str:
    return f"""
    INSERT INTO votes AS v (card_id, voter, choice, event_time)
    SELECT card_id, voter, choice, event_time FROM vote_change WHERE true
    ON CONFLICT (card_id, voter) DO UPDATE
        SET choice = excluded.choice, event_time = excluded.event_time
        WHERE v.choice {differs} excluded.choice OR v.event_time <> excluded.event_time"""


_COUNT_CHANGES = """
    INSERT INTO vote_delta (card_id, choice, n)
    SELECT card_id, choice, sum(n) FROM (
        SELECT card_id, was AS choice, -1 AS n FROM vote_change WHERE was IS NOT NULL
        UNION ALL
        SELECT card_id, choice, 1 AS n FROM vote_change WHERE choice IS NOT NULL
    ) moves
    GROUP BY card_id, choice HAVING sum(n) <> 0"""
"""What the batch changed per card and choice, each vote taken off where it was and added
where it is (a vote that stayed cancels out): every tally's delta, in one pass."""

_APPLY_CHANGES = {
    # SQLite: three statements over a scratch table.
    "sqlite": (
        f"WITH {_LATEST} INSERT INTO vote_change (card_id, voter, was, choice, event_time) "
        f"{_CHANGES}",
        _store_votes("IS NOT"),
        _COUNT_CHANGES,
    ),
    # PostgreSQL: one statement, its parts sharing one snapshot (`was` is read before the
    # votes are stored); a scratch table would cost a file truncation at every commit.
    "postgresql": (
        f"WITH {_LATEST}, vote_change AS MATERIALIZED ({_CHANGES}), "
        f"stored AS ({_store_votes('IS DISTINCT FROM')}) {_COUNT_CHANGES}",
    ),
}
"""The batch's votes: who now votes for what, stored, and the tallies' deltas counted."""


def _add_tallies(shard: str, collate: str, concat: str) -> tuple[str, ...]:
    """Card, tool, pair and choice tallies from the batch's deltas, one statement per table;
    each row changed once, tables in one order and rows sorted within each: on PostgreSQL,
    writers lock them alike and queue instead of deadlocking. `shard` is the tally row a card's
    votes go to; `collate` makes slugs sort as Python sorts them (code points)."""
    deltas = (
        "WITH d AS (SELECT card_id, choice, n FROM vote_delta), "
        "total AS (SELECT card_id, sum(n) AS n FROM d GROUP BY card_id)"
    )
    return (
        f"{deltas} UPDATE card_tools SET votes = votes + d.n FROM d "
        "WHERE card_tools.card_id = d.card_id AND card_tools.position = d.choice",
        # A tool counts each vote on a card once, however many times the card names it.
        f"{deltas}, per_tool AS (SELECT t.card_id, t.slug, max(total.n) AS votes, "
        "coalesce(sum(d.n), 0) AS wins FROM total JOIN card_tools t ON t.card_id = total.card_id "
        "LEFT JOIN d ON d.card_id = t.card_id AND d.choice = t.position "
        "GROUP BY t.card_id, t.slug) "
        "INSERT INTO tool_counts AS c (slug, shard, votes, wins) "
        f"SELECT slug, {shard}, sum(votes), sum(wins) FROM per_tool WHERE true "
        f"GROUP BY slug, {shard} HAVING sum(votes) <> 0 OR sum(wins) <> 0 ORDER BY 1, 2 "
        "ON CONFLICT (slug, shard) DO UPDATE "
        "SET votes = c.votes + excluded.votes, wins = c.wins + excluded.wins",
        f"{deltas} INSERT INTO pair_counts AS c "
        "(first, second, shard, first_wins, second_wins, votes) "
        f"SELECT x.slug, y.slug, {shard.replace('card_id', 'x.card_id')}, "
        "sum(coalesce(dx.n, 0)), sum(coalesce(dy.n, 0)), sum(total.n) "
        "FROM total JOIN card_tools x ON x.card_id = total.card_id "
        f"JOIN card_tools y ON y.card_id = x.card_id AND y.slug{collate} > x.slug{collate} "
        "LEFT JOIN d dx ON dx.card_id = x.card_id AND dx.choice = x.position "
        "LEFT JOIN d dy ON dy.card_id = y.card_id AND dy.choice = y.position WHERE true "
        f"GROUP BY x.slug, y.slug, {shard.replace('card_id', 'x.card_id')} "
        "HAVING sum(coalesce(dx.n, 0)) <> 0 OR sum(coalesce(dy.n, 0)) <> 0 "
        "OR sum(total.n) <> 0 ORDER BY 1, 2, 3 "
        "ON CONFLICT (first, second, shard) DO UPDATE SET "
        "first_wins = c.first_wins + excluded.first_wins, "
        "second_wins = c.second_wins + excluded.second_wins, votes = c.votes + excluded.votes",
        f"{deltas}, sets AS (SELECT DISTINCT card_id, {concat}(slug, '{TOOL_SET_SEPARATOR}') "
        f"OVER (PARTITION BY card_id ORDER BY slug{collate}, position "
        "ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS tools "
        "FROM card_tools WHERE card_id IN (SELECT card_id FROM d)) "
        "INSERT INTO choice_counts AS c (tools, winner, shard, votes) "
        f"SELECT s.tools, t.slug, {shard.replace('card_id', 't.card_id')}, sum(d.n) FROM d "
        "JOIN card_tools t ON t.card_id = d.card_id AND t.position = d.choice "
        "JOIN sets s ON s.card_id = d.card_id WHERE true "
        f"GROUP BY s.tools, t.slug, {shard.replace('card_id', 't.card_id')} "
        "HAVING sum(d.n) <> 0 ORDER BY 1, 2, 3 "
        "ON CONFLICT (tools, winner, shard) DO UPDATE SET votes = c.votes + excluded.votes",
    )


_SQLITE_TALLIES = _add_tallies(f"card_id % {COUNTER_SHARDS}", "", "group_concat")
"""SQLite has one writer at a time: a card's votes go to the shard its id picks."""


@lru_cache(maxsize=COUNTER_SHARDS)
def _postgres_tallies(shard: int) -> tuple[str, ...]:
    # Cast: a bare integer in GROUP BY would name a column by position.
    return _add_tallies(f"{int(shard)}::integer", ' COLLATE "C"', "string_agg")


SHARD_LOCKS = 7_007_028
"""PostgreSQL advisory lock class of the tally shards (the second key is the shard)."""
_CLAIM_SHARD = (
    f"SELECT shard FROM (SELECT (n + ?) % {COUNTER_SHARDS} AS shard "
    f"FROM generate_series(0, {COUNTER_SHARDS - 1}) n ORDER BY n) tried "
    f"WHERE pg_try_advisory_xact_lock({SHARD_LOCKS}, shard) LIMIT 1"
)
"""The first tally shard no other transaction holds, held until this one ends. Two writers
then never update the same tally row at once: the shared hot rows (a popular tool's counts)
that made PostgreSQL writers queue behind each other's commits. With every shard taken
(more than 16 writers at once) the preferred one is used and writers may queue, as before."""
