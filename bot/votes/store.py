"""Durable storage on SQLite or PostgreSQL: cards, votes, tallies, the request log, subscriptions.

Votes go through one writer task that commits them in batches: every caller waits until the
transaction holding its vote has committed, so an acknowledged vote survives a crash, while
thousands of votes share one commit and a handful of set-based statements. Reads use their own
connection (WAL lets them run alongside on SQLite).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import secrets
import sqlite3
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.storage import (
    COUNTER_SHARDS,
    Database,
    DatabaseError,
    NotSetUp,
    Transaction,
    is_postgres_url,
    open_database,
    sqlite_path,
)
from bot.votes.batch import VoteWrite, apply_votes, batch_rows, tool_set
from bot.votes.tally import CommunityTally

Clock = Callable[[], datetime]
AlsoInTransaction = Callable[[Transaction, "CardRecord"], Awaitable[None]]
"""More writes to commit with a card's registration, or not at all (e.g. marking it sent)."""
MAX_BATCH = 2048
CARDS_IN_MEMORY = 100_000
"""Cards kept in memory for the reaction path (a few hundred bytes each)."""
DEADLOCK_RETRIES = 5
EVENT_MEMORY_SECONDS = 3600.0
"""Event keys are kept an hour: well past Slack's last retry, about five minutes in."""
STATISTICS_EVERY_SECONDS = 3600.0
"""The writer refreshes the query planner's statistics this often (and each start does)."""
GATHER_SECONDS = 0.005
"""How long at most a batch of votes waits for more before it is committed (group commit)."""
PRUNE_EVERY_SECONDS = 60.0
"""Old event keys are deleted at most this often, not in every batch of votes."""


def utc_now() -> datetime:
    return datetime.now(UTC)


class StoreError(Exception):
    """The database cannot be used (a newer schema, a file that is not SQLite)."""


class NothingStored(StoreError):
    """Opened for reading, the database has never been set up: there is nothing in it yet."""


@dataclass(frozen=True, slots=True)
class CardRecord:
    id: int
    platform: str
    channel: str
    message_id: str
    tools: tuple[str, ...]
    recap: str | None = None
    use_case: str | None = None
    """What the card was asked for ("coding"), or None."""


@dataclass(frozen=True, slots=True)
class HeadToHead:
    first: str
    second: str
    first_wins: int
    second_wins: int
    votes: int
    """All votes on cards holding both, including votes for a third tool on the card."""


@dataclass(frozen=True, slots=True)
class StoredVote:
    card_id: int
    platform: str
    card_created_at: str
    voter: str
    tools: tuple[str, ...]
    choice: str
    event_time: float


@dataclass(slots=True)
class _Batch:
    """Votes committed in one transaction. Each caller waits on its own future in `waiters`,
    which says which of the batch's cards were closed (their votes were refused): a caller
    giving up cancels only its own wait, with no shield (a second future and callback per
    vote) around a shared one. `settled` is set once the batch is committed or failed."""

    votes: list[VoteWrite] = field(default_factory=list)
    waiters: list[asyncio.Future[frozenset[int]]] = field(default_factory=list)
    settled: asyncio.Event = field(default_factory=asyncio.Event)

    def settle(self, refused: frozenset[int], error: Exception | None = None) -> None:
        for waiter in self.waiters:
            if waiter.done():  # its caller gave up (cancelled)
                continue
            if error is None:
                waiter.set_result(refused)
            else:
                waiter.set_exception(error)
        self.settled.set()


class Store:
    """Cards, votes and tallies on a SQLite file or a PostgreSQL database.

    Open with `await Store.open(location)` — a path, `sqlite:///path` or `postgresql://…` —
    and close with `await store.close()`.
    """

    def __init__(
        self,
        db: Database,
        salt: bytes,
        clock: Clock,
        *,
        polls: bool = True,
        pairs_kept: bool = True,
        choices_kept: bool = True,
    ) -> None:
        """`polls` False: a database read as it is, from before cards could hide results;
        `pairs_kept` False: one read as it is, from before head-to-head counts were kept;
        `choices_kept` False: one from before the leaderboard's counts were kept."""
        self.db = db
        self._hidden = HIDDEN_CARD if polls else "(1 = 0)"
        self._pairs_kept = pairs_kept
        self.choices_kept = choices_kept
        self._salt = salt
        self._per_card_from: int | float = float("inf")
        """Cards from this id on store their voters keyed per card (see `voter_on`)."""
        self._clock = clock
        self._batches: deque[_Batch] = deque()
        self._wake = asyncio.Event()
        self._writer_task: asyncio.Task[None] | None = None
        self._pruned_at = float("-inf")
        self.gather_seconds = GATHER_SECONDS
        self._statistics_at: float | None = None
        """Loop time of the last statistics refresh by the writer (the open did the first)."""
        self.batch_sizes: deque[int] = deque(maxlen=100_000)
        """The sizes of the last batches committed (benchmarks report their median)."""
        self._cards: dict[tuple[str, str, str], CardRecord] = {}
        self._tools_by_id: dict[int, tuple[str, ...]] = {}

    @classmethod
    async def open(
        cls,
        location: str | Path,
        *,
        clock: Clock = utc_now,
        check: bool = False,
        read_only: bool = False,
    ) -> Store:
        """With `check`, a SQLite file is integrity-checked first (`PRAGMA quick_check`): the
        long-running commands refuse a corrupt file at start rather than fail mid-flight.
        With `read_only`, nothing is migrated, created or written (reading commands)."""
        try:
            db = await open_database(location, read_only=read_only)
        except NotSetUp as error:
            raise NothingStored(str(error)) from None
        except DatabaseError as error:
            raise StoreError(str(error)) from None
        try:
            if check and db.dialect == "sqlite":
                rows = await db.fetch("PRAGMA quick_check")
                if [tuple(r) for r in rows] != [("ok",)]:
                    raise StoreError(
                        f"{location}: the integrity check failed ({rows[0][0]}); restore it "
                        "from a backup"
                    )
            salt = await _voter_key(db, location, read_only=read_only)
            polls = await _has_table(db, "card_closes")  # migration 7 adds it with cards.results
            pairs_kept = not read_only or await _has_table(db, "pair_counts")
            choices_kept = not read_only or await _has_table(db, "choice_counts")
        except BaseException as error:
            await db.close()
            if isinstance(error, sqlite3.DatabaseError | OSError):
                raise StoreError(f"cannot use {location}: {error}") from None
            raise
        store = cls(db, salt, clock, polls=polls, pairs_kept=pairs_kept, choices_kept=choices_kept)
        try:
            store._per_card_from = await _per_card_voters_from(db)
        except BaseException:
            await db.close()
            raise
        return store

    async def close(self) -> None:
        """Waits for every vote already handed to the writer to be committed, then closes."""
        if self._writer_task is not None:
            while self._batches:
                await self._batches[-1].settled.wait()
            self._writer_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer_task
        await self.db.close()

    def hash_user(self, platform: str, user_id: str) -> str:
        """Voters and askers are stored only as salted hashes; the salt never leaves the file."""
        digest = hashlib.blake2b(f"{platform}\0{user_id}".encode(), key=self._salt, digest_size=16)
        return digest.hexdigest()

    def voter_on(self, platform: str, user_id: str, card_id: int) -> str:
        """How a voter is stored on one card: keyed with the card's id, so one person's ids on
        two cards differ and cannot be joined (a public reaction on one card names nobody's
        button votes on another). Cards from before this rule keep the hash they were voted
        with (`hash_user`), so nobody can vote twice on them."""
        if card_id < self._per_card_from:
            return self.hash_user(platform, user_id)
        key = f"{platform}\0{user_id}\0card\0{card_id}".encode()
        return hashlib.blake2b(key, key=self._salt, digest_size=16).hexdigest()

    def exported_voter(self, card_id: int, voter: str) -> str:
        """A stored voter as exports show it: keyed again with the card, so that even the
        votes of cards from before `voter_on` cannot be joined across cards."""
        key = f"export\0{card_id}\0{voter}".encode()
        return hashlib.blake2b(key, key=self._salt, digest_size=16).hexdigest()

    async def register_card(
        self,
        *,
        platform: str,
        channel: str,
        message_id: str,
        tools: Sequence[str],
        asked_by: str,
        recap: str | None = None,
        also: AlsoInTransaction | None = None,
        use_case: str | None = None,
    ) -> CardRecord:
        """Remember a posted card (idempotent for the same platform message); the record is
        read back inside the same transaction, so it is there whatever other flows do. `also`
        runs in that transaction: a crash keeps both writes or neither."""
        async with self.db.transaction() as tx:
            record = await self._register_card(
                tx,
                platform=platform,
                channel=channel,
                message_id=message_id,
                tools=tools,
                asked_by=asked_by,
                recap=recap,
                use_case=use_case,
            )
            if also is not None:
                await also(tx, record)
        self._remember(record)
        return record

    async def _register_card(
        self,
        tx: Transaction,
        *,
        platform: str,
        channel: str,
        message_id: str,
        tools: Sequence[str],
        asked_by: str,
        recap: str | None,
        use_case: str | None = None,
    ) -> CardRecord:
        now = self._clock().isoformat()
        inserted = await tx.fetch(
            "INSERT INTO cards (platform, channel, message_id, asked_by, created_at, recap, "
            "use_case) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
            (
                platform,
                channel,
                message_id,
                self.hash_user(platform, asked_by),
                now,
                recap,
                use_case,
            ),
        )
        if inserted:
            card_id = inserted[0][0]
            shard = card_id % COUNTER_SHARDS
            await tx.executemany(
                "INSERT INTO card_tools (card_id, position, slug) VALUES (?, ?, ?)",
                [(card_id, i, slug) for i, slug in enumerate(tools)],
            )
            # The vote writer only updates tally rows: they are made here, in sorted order (on
            # PostgreSQL two cards being registered wait on each other's new rows, not in a
            # circle).
            slugs = sorted(set(tools))
            await tx.executemany(
                "INSERT INTO tool_counts (slug, shard) VALUES (?, ?) ON CONFLICT DO NOTHING",
                [(slug, shard) for slug in slugs],
            )
            pairs = [(a, b) for a in slugs for b in slugs if a < b]
            if pairs:
                await tx.executemany(
                    "INSERT INTO pair_counts (first, second, shard) VALUES (?, ?, ?) "
                    "ON CONFLICT DO NOTHING",
                    [(a, b, shard) for a, b in pairs],
                )
            shown = tool_set(tools)
            await tx.executemany(
                "INSERT INTO choice_counts (tools, winner, shard) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                [(shown, slug, shard) for slug in slugs],
            )
        record = _card_record(await tx.fetch(_FIND_CARD, (platform, channel, message_id)))
        if record is None:  # the row is ours inside this transaction: only a broken schema
            raise StoreError(f"card {platform}/{channel}/{message_id} vanished while stored")
        return record

    async def message_ids(self, platform: str) -> list[str]:
        """The message id of every card posted on `platform` (the terminal numbers its cards
        after the ones earlier sessions posted)."""
        rows = await self.db.fetch("SELECT message_id FROM cards WHERE platform = ?", (platform,))
        return [str(message_id) for (message_id,) in rows]

    async def find_card(self, platform: str, channel: str, message_id: str) -> CardRecord | None:
        """The card posted as this platform message, or None. Cards never change once stored,
        so a card found once is kept in memory; a miss is always asked again (another process
        may store the card any moment)."""
        card = self._cards.get((platform, channel, message_id))
        if card is None:
            card = _card_record(await self.db.fetch(_FIND_CARD, (platform, channel, message_id)))
            if card is not None:
                self._remember(card)
        return card

    def _remember(self, card: CardRecord) -> None:
        if len(self._cards) >= CARDS_IN_MEMORY:  # the oldest remembered goes first
            old = self._cards.pop(next(iter(self._cards)))
            self._tools_by_id.pop(old.id, None)
        self._cards[(card.platform, card.channel, card.message_id)] = card
        self._tools_by_id[card.id] = card.tools

    async def record_vote(self, vote: VoteWrite) -> bool:
        """Returns once the vote is committed: True when it was applied (or was a redelivery of
        an applied one, which counts once), False when it was refused because its card was
        closed by the time of the commit."""
        batch = self._batches[-1] if self._batches else None
        if batch is None or len(batch.votes) >= MAX_BATCH or batch.settled.is_set():
            batch = _Batch()
            self._batches.append(batch)
            self._wake.set()
            if self._writer_task is None or self._writer_task.done():
                self._writer_task = asyncio.create_task(self._write_votes())
        batch.votes.append(vote)
        waiter: asyncio.Future[frozenset[int]] = asyncio.get_running_loop().create_future()
        batch.waiters.append(waiter)
        refused = await waiter
        return vote.card_id not in refused

    async def _write_votes(self) -> None:
        """The one writer: takes the oldest batch while callers keep filling the newest."""
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._batches:
                batch = self._batches[0]
                if len(self._batches) == 1:
                    await self._gather(batch)
                if len(self._batches) == 1:
                    # Seal it: votes arriving from now on start the next batch.
                    self._batches.append(_Batch())
                try:
                    refused = await self._commit_votes(batch.votes) if batch.votes else frozenset()
                    self.batch_sizes.append(len(batch.votes))
                except Exception as error:  # every waiter must hear about it, then we go on
                    batch.settle(frozenset(), error)
                else:
                    batch.settle(refused)
                self._batches.popleft()
                if len(self._batches) == 1 and not self._batches[0].votes:
                    self._batches.popleft().settle(frozenset())
            await self._keep_statistics()

    async def _keep_statistics(self) -> None:
        """A store that runs for weeks sees its tables grow a thousandfold: the statistics
        gathered at start would mislead the planner long before the next restart."""
        now = asyncio.get_running_loop().time()
        if self._statistics_at is None:
            self._statistics_at = now
        if now - self._statistics_at < STATISTICS_EVERY_SECONDS:
            return
        self._statistics_at = now
        with contextlib.suppress(Exception):  # statistics are an optimisation, votes are not
            await self.db.refresh_statistics()

    async def _gather(self, batch: _Batch) -> None:
        """Group commit: before the newest batch is sealed, let it fill while votes keep coming,
        until it is full or `GATHER_SECONDS` have passed. The voters a commit has just
        acknowledged send their next votes a loop turn or two later; without this wait each
        commit would take only what arrived during the last one, and with many cards in play
        batches would shrink to a few votes each. An idle bot does not wait: the first loop
        turn that brings no vote ends the gathering."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.gather_seconds
        idle_turns = 0
        while len(batch.votes) < MAX_BATCH and idle_turns < 4 and loop.time() < deadline:
            before = len(batch.votes)
            await asyncio.sleep(0)
            idle_turns = idle_turns + 1 if len(batch.votes) == before else 0

    async def _commit_votes(self, votes: Sequence[VoteWrite]) -> frozenset[int]:
        now = self._clock().timestamp()
        rows = batch_rows(votes)
        prune_before = (
            now - EVENT_MEMORY_SECONDS if now - self._pruned_at >= PRUNE_EVERY_SECONDS else None
        )
        for attempt in range(DEADLOCK_RETRIES):
            try:
                refused = await self.db.run_steps(
                    apply_votes(
                        self.db.dialect,
                        rows,
                        now,
                        prune_before=prune_before,
                        preferred_shard=os.getpid(),
                    )
                )
                break
            except Exception as error:
                if attempt + 1 == DEADLOCK_RETRIES or not _is_deadlock(error):
                    raise
        if prune_before is not None:
            self._pruned_at = now
        return refused

    async def card_tally(self, card_id: int) -> tuple[int, ...]:
        """Votes per position on one card, in card order."""
        rows = await self.db.fetch(
            "SELECT votes FROM card_tools WHERE card_id = ? ORDER BY position", (card_id,)
        )
        return tuple(int(r[0]) for r in rows)

    async def tool_tallies(self, slugs: Sequence[str]) -> dict[str, CommunityTally]:
        """Per tool, across every card that contains it: votes cast there, and its winning share."""
        if not slugs:
            return {}
        rows = await self.db.fetch(*self._counted_totals(slugs))
        return {
            slug: CommunityTally(votes=votes, ship_pct=round(100 * wins / votes) if votes else None)
            for slug, votes, wins in rows
        }

    async def tally_marks(self, slugs: Sequence[str] | None = None) -> dict[str, tuple[int, int]]:
        """Exact (votes, wins) per tool; every tool's when `slugs` is None. A vote cast, moved or
        retracted on any card holding a tool changes its mark, so web pages key their cache on
        these: one small read instead of rebuilding the page."""
        if slugs is not None and not slugs:
            return {}
        rows = await self.db.fetch(*self._counted_totals(slugs))
        return {slug: (votes, wins) for slug, votes, wins in rows}

    async def head_to_head(self, first: str, second: str) -> HeadToHead:
        """Votes on every card holding both tools, in either order: who won them.

        Read from the pair's running tally (kept with the votes, in their transaction), so it
        costs the same however many votes and cards hold the pair."""
        if not self._pairs_kept:
            return await self._head_to_head_from_cards(first, second)
        a, b = sorted((first, second))
        rows = await self.db.fetch(*self._counted_pair(a, b))
        a_wins, b_wins, votes = (int(n or 0) for n in rows[0]) if rows else (0, 0, 0)
        if first == second:  # not a pair: only a card that names one tool twice
            return await self._same_tool(first)
        wins = {a: a_wins, b: b_wins}
        return HeadToHead(
            first=first,
            second=second,
            first_wins=wins[first],
            second_wins=wins[second],
            votes=votes,
        )

    def _counted_pair(self, a: str, b: str) -> tuple[str, tuple[str, ...]]:
        """SQL for the pair's (a wins, b wins, votes), leaving out cards whose results are
        hidden until they close, in one statement (one snapshot, as `_counted_totals`)."""
        totals = (
            "SELECT coalesce(sum(first_wins), 0) AS a, coalesce(sum(second_wins), 0) AS b, "
            "coalesce(sum(votes), 0) AS votes FROM pair_counts WHERE first = ? AND second = ?"
        )
        if self._hidden != HIDDEN_CARD:
            return totals, (a, b)
        sql = (
            f"WITH totals AS ({totals}), "
            f"hidden_cards AS (SELECT c.id FROM cards c WHERE {HIDDEN_CARD}), "
            "pair_cards AS (SELECT x.card_id FROM card_tools x "
            "JOIN card_tools y ON y.card_id = x.card_id AND y.slug = ? "
            "WHERE x.slug = ? AND x.card_id IN (SELECT id FROM hidden_cards)), "
            "hidden AS (SELECT "
            "coalesce(sum(CASE WHEN t.slug = ? THEN t.votes ELSE 0 END), 0) AS a, "
            "coalesce(sum(CASE WHEN t.slug = ? THEN t.votes ELSE 0 END), 0) AS b, "
            "coalesce(sum(t.votes), 0) AS votes FROM card_tools t "
            "WHERE t.card_id IN (SELECT card_id FROM pair_cards)) "
            "SELECT totals.a - hidden.a, totals.b - hidden.b, totals.votes - hidden.votes "
            "FROM totals, hidden"
        )
        return sql, (a, b, b, a, a, b)

    async def _head_to_head_from_cards(self, first: str, second: str) -> HeadToHead:
        """For a database read as an older bot left it (read-only, before migration 6)."""
        rows = await self.db.fetch(
            "SELECT t.slug, sum(t.votes) FROM card_tools a "
            "JOIN card_tools b ON b.card_id = a.card_id AND b.slug = ? "
            "JOIN card_tools t ON t.card_id = a.card_id "
            f"JOIN cards c ON c.id = a.card_id WHERE a.slug = ? AND NOT {self._hidden} "
            "GROUP BY t.slug",
            (second, first),
        )
        wins = {slug: int(count) for slug, count in rows}
        return HeadToHead(
            first=first,
            second=second,
            first_wins=wins.get(first, 0),
            second_wins=wins.get(second, 0),
            votes=sum(wins.values()),
        )

    async def _same_tool(self, slug: str) -> HeadToHead:
        rows = await self.db.fetch(
            "SELECT sum(votes), sum(wins) FROM tool_counts WHERE slug = ?", (slug,)
        )
        votes, wins = (int(n or 0) for n in rows[0]) if rows else (0, 0)
        return HeadToHead(first=slug, second=slug, first_wins=wins, second_wins=wins, votes=votes)

    async def vote_rows(self) -> list[StoredVote]:
        """Every current vote with its card's tools in order; voters appear only as hashes."""
        cards: dict[int, list[str]] = {}
        for card_id, slug in await self.db.fetch(
            "SELECT card_id, slug FROM card_tools ORDER BY card_id, position"
        ):
            cards.setdefault(card_id, []).append(slug)
        rows = await self.db.fetch(
            "SELECT c.id, c.platform, c.created_at, v.voter, v.choice, v.event_time "
            "FROM votes v JOIN cards c ON c.id = v.card_id "
            f"WHERE v.choice IS NOT NULL AND NOT {self._hidden} "
            "ORDER BY c.id, v.event_time, v.voter"
        )
        votes = []
        for card_id, platform, created_at, voter, choice, event_time in rows:
            tools = cards.get(card_id, [])
            if not 0 <= choice < len(tools):  # only a damaged file: the schema forbids it
                raise StoreError(f"the vote database is damaged (card {card_id}); restore a backup")
            votes.append(
                StoredVote(
                    card_id=card_id,
                    platform=platform,
                    card_created_at=created_at,
                    voter=self.exported_voter(card_id, voter),
                    tools=tuple(tools),
                    choice=tools[choice],
                    event_time=event_time,
                )
            )
        return votes

    def _counted_totals(self, slugs: Sequence[str] | None) -> tuple[str, tuple[str, ...]]:
        """SQL for (slug, votes, wins) per tool, every tool's when `slugs` is None, leaving out
        votes on cards whose results are hidden until they close. One statement, so the totals
        and the hidden part come from one snapshot: a vote landing between two reads could
        otherwise be taken off without having been added, and show which way it went. Hidden
        open cards are few and indexed (`cards_hidden_open`), so this costs what the totals do."""
        params = tuple(slugs or ())
        where = "" if slugs is None else f" WHERE slug IN ({','.join('?' * len(params))})"
        totals = f"SELECT slug, sum(votes) AS votes, sum(wins) AS wins FROM tool_counts{where} "
        totals += "GROUP BY slug"
        if self._hidden != HIDDEN_CARD:
            return totals, params
        also = "" if slugs is None else f" AND t.slug IN ({','.join('?' * len(params))})"
        sql = (
            f"WITH totals AS ({totals}), "
            f"hidden_cards AS (SELECT c.id FROM cards c WHERE {HIDDEN_CARD}), "
            "card_votes AS (SELECT card_id, sum(votes) AS votes FROM card_tools "
            "WHERE card_id IN (SELECT id FROM hidden_cards) GROUP BY card_id), "
            "hidden AS (SELECT t.slug, sum(a.votes) AS votes, sum(t.votes) AS wins "
            "FROM card_votes a JOIN card_tools t ON t.card_id = a.card_id "
            f"WHERE 1 = 1{also} GROUP BY t.slug) "
            "SELECT totals.slug, totals.votes - coalesce(hidden.votes, 0), "
            "totals.wins - coalesce(hidden.wins, 0) "
            "FROM totals LEFT JOIN hidden ON hidden.slug = totals.slug"
        )
        return sql, params + params

    @property
    def counted_choices(self) -> str:
        """SQL for the leaderboard's counts, in one statement (one snapshot, as
        `_counted_totals`), as one text: entries "tools|winner:votes winner:votes …|" joined by
        ";". One entry per tool set, each winner's votes summed over `choice_counts`' shards.
        Then entries "|slug:votes|card id", one per tool of each card whose results are hidden
        until it closes, for the reader to take off (see `bot.votes.choices`); hidden open
        cards are few and indexed (`cards_hidden_open`). One text, not a row per tool set: at
        ~50,000 sets the rows' Python objects cost ~13 MB and left the heap fragmented; one
        string of a few MB goes back to the system whole. (Slugs hold neither "|" nor ";".)"""
        concat = "string_agg" if self.db.dialect == "postgresql" else "group_concat"
        entries = (
            f"SELECT tools, {concat}(winner || ':' || votes, ' ') AS won, NULL AS card_id FROM ("
            "SELECT tools, winner, sum(votes) AS votes FROM choice_counts "
            "GROUP BY tools, winner HAVING sum(votes) > 0) won GROUP BY tools"
        )
        if self._hidden == HIDDEN_CARD:
            entries += (
                " UNION ALL SELECT NULL, t.slug || ':' || t.votes, t.card_id FROM card_tools t "
                f"WHERE t.card_id IN (SELECT c.id FROM cards c WHERE {HIDDEN_CARD})"
            )
        return (
            f"SELECT {concat}(coalesce(tools, '') || '|' || won || '|' || "
            f"coalesce(CAST(card_id AS TEXT), ''), ';') FROM ({entries}) counted"
        )

    @property
    def use_case_cards(self) -> str:
        """SQL for (card id, position, slug, votes) of the cards asked for one use case (the
        parameter), but those whose results stay hidden until they close."""
        return (
            "SELECT t.card_id, t.position, t.slug, t.votes FROM cards c "
            "JOIN card_tools t ON t.card_id = c.id "
            f"WHERE c.use_case = ? AND NOT {self._hidden} ORDER BY t.card_id, t.position"
        )

    @property
    def counted_cards(self) -> str:
        """SQL for the ids of the cards whose votes count in totals: every card but those whose
        results stay hidden until they close."""
        return f"SELECT c.id FROM cards c WHERE NOT {self._hidden}"

    async def healthy(self) -> bool:
        """Whether the database answers a query (for load balancers' health checks)."""
        return bool(await self.db.fetch("SELECT 1"))

    async def fetch(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Run a read query (for the store's companion modules, e.g. the weekly store)."""
        return await self.db.fetch(sql, params)

    async def write(self, sql: str, params: Sequence[object] = ()) -> int:
        """Run one write statement in its own committed transaction; returns rows changed."""
        async with self.db.transaction() as tx:
            changed: int = await tx.execute(sql, params)
            return changed

    async def write_returning(
        self, sql: str, params: Sequence[object] = ()
    ) -> list[tuple[Any, ...]]:
        """Run one write statement with a RETURNING clause in its own committed transaction:
        the rows it wrote, as written (read your writes, whatever other flows do)."""
        async with self.db.transaction() as tx:
            rows: list[tuple[Any, ...]] = await tx.fetch(sql, params)
            return rows

    async def log_request(self, *, platform: str, channel: str, tools: Sequence[str]) -> None:
        """Which comparisons people ask for (the weekly pick reads this)."""
        await self.write(
            "INSERT INTO requests (platform, channel, tools, asked_at) VALUES (?, ?, ?, ?)",
            (
                platform,
                channel,
                json.dumps(sorted(tools)),
                self._clock().astimezone(UTC).isoformat(),
            ),
        )


# --- results hidden until close (issue 17) ------------------------------------------------
# Votes on a card whose channel hides results (`results` 'closed') and that has not closed yet
# are left out of every figure but the card's own vote count: community %, head to head, the
# leaderboard and export. `tool_counts` includes them (the writer knows nothing of polls), so
# the hidden part is read from those cards' own tallies and taken off.
HIDDEN_CARD = "(c.results = 'closed' AND c.closed_at IS NULL)"


_FIND_CARD = (
    "SELECT c.id, t.slug, c.recap, c.platform, c.channel, c.message_id, c.use_case "
    "FROM cards c JOIN card_tools t ON t.card_id = c.id "
    "WHERE c.platform = ? AND c.channel = ? AND c.message_id = ? ORDER BY t.position"
)


def _card_record(rows: Sequence[Sequence[Any]]) -> CardRecord | None:
    if not rows:
        return None
    card_id, _, recap, platform, channel, message_id, use_case = rows[0]
    tools = tuple(str(r[1]) for r in rows)
    return CardRecord(card_id, platform, channel, message_id, tools, recap, use_case)


async def _has_table(db: Database, name: str) -> bool:
    if db.dialect == "postgresql":
        rows = await db.fetch("SELECT to_regclass(?) IS NOT NULL", (name,))
    else:
        rows = await db.fetch("SELECT count(*) FROM sqlite_master WHERE name = ?", (name,))
    return bool(rows[0][0])


def _is_deadlock(error: Exception) -> bool:
    return type(error).__name__ in {"DeadlockDetectedError", "SerializationError"}


PEPPER_SUFFIX = ".pepper"
"""The voter-hash key of `verdict.db` lives in `verdict.db.pepper` (mode 0600), not in it."""


def pepper_path(location: str | Path) -> Path | None:
    """Where a SQLite database's voter-hash key lives; None for PostgreSQL (kept in `meta`)."""
    if is_postgres_url(str(location)):
        return None
    return Path(sqlite_path(location) + PEPPER_SUFFIX)


async def _voter_key(db: Database, location: str | Path, *, read_only: bool) -> bytes:
    """The key voter and asker ids are hashed with.

    For SQLite it is kept in a file beside the database, readable by its owner only, so the
    database file alone (a backup, a copy sent for debugging) cannot be used to test guesses of
    user ids against the stored hashes. A database from before keeps its key: it moves out of
    the `meta` table into the file (written and synced first, then deleted from the table). On
    PostgreSQL every process must share one key, so it stays in the database's `meta` table.
    """
    rows = await db.fetch("SELECT value FROM meta WHERE key = 'voter_salt'")
    in_table = str(rows[0][0]) if rows else None
    path = pepper_path(location)
    if path is None:
        return bytes.fromhex(in_table or await _table_key(db))
    if path.exists():
        in_file = _read_pepper(path)
        if in_table is not None and in_table != in_file:
            raise StoreError(f"{path} does not belong to this database (its key differs)")
    elif read_only:  # nothing is written by a reader; reading never hashes a user id
        return bytes.fromhex(in_table) if in_table else secrets.token_bytes(32)
    else:
        in_file = _write_pepper(path, in_table or secrets.token_hex(32))
    if in_table is not None and not read_only:
        async with db.transaction() as tx:
            await tx.execute("DELETE FROM meta WHERE key = 'voter_salt'")
    return bytes.fromhex(in_file)


def _read_pepper(path: Path) -> str:
    text = path.read_text(encoding="ascii", errors="replace").strip()
    if len(text) != 64 or any(c not in "0123456789abcdef" for c in text):
        raise StoreError(f"{path} is not a voter-hash key (64 hex digits); restore it")
    return text


def _write_pepper(path: Path, key: str) -> str:
    """Create the key file atomically with mode 0600; if another process won, use its key."""
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(descriptor, f"{key}\n".encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    try:
        os.link(temporary, path)  # fails if the file appeared meanwhile: theirs wins
    except FileExistsError:
        return _read_pepper(path)
    finally:
        temporary.unlink()
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return key


async def _per_card_voters_from(db: Database) -> int | float:
    """The first card whose voters are keyed per card: the next card when migration 10 ran.
    A database read as it is from before that migration keys none."""
    rows = await db.fetch("SELECT value FROM meta WHERE key = 'voters_per_card_from'")
    return int(rows[0][0]) if rows else float("inf")


async def _table_key(db: Database) -> str:
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO meta (key, value) VALUES ('voter_salt', ?) ON CONFLICT DO NOTHING",
            (secrets.token_hex(32),),
        )
        rows = await tx.fetch("SELECT value FROM meta WHERE key = 'voter_salt'")
    return str(rows[0][0])


# --- reads and writes other modules need from this module's tables ----------------------------
# This module owns the cards and votes tables (`bot.storage.owners`): `bot.polls` sets and reads
# a card's poll columns here, the weekly pick reads the request log, the leaderboard pages
# through the cards' tallies.

Reader = Transaction | Store
"""Reads inside a transaction (they see its writes) or on their own."""

_CARD_POLL = (
    "SELECT c.id, c.asked_by, c.results, c.vote_mode, c.closes_at, c.closed_at, k.final_votes "
    "FROM cards c LEFT JOIN card_closes k ON k.card_id = c.id WHERE c.id = ?"
)


async def card_poll(reader: Reader, card_id: int) -> tuple[Any, ...] | None:
    """The card's poll, in one read: (id, asked_by, results, vote_mode, closes_at, closed_at,
    the final tally's JSON or None); None when there is no such card."""
    rows = await reader.fetch(_CARD_POLL, (card_id,))
    return tuple(rows[0]) if rows else None


async def card_vote_mode(store: Store, platform: str, channel: str, message_id: str) -> str | None:
    """How the card on this message takes votes ('reactions' or 'buttons'); None: no card."""
    rows = await store.fetch(
        "SELECT vote_mode FROM cards WHERE platform = ? AND channel = ? AND message_id = ?",
        (platform, channel, message_id),
    )
    return str(rows[0][0]) if rows else None


async def set_card_poll(
    tx: Transaction, card_id: int, *, results: str, vote_mode: str, closes_at: str | None
) -> None:
    """A new card's poll columns, set in its registration transaction."""
    await tx.execute(
        "UPDATE cards SET results = ?, vote_mode = ?, closes_at = ? WHERE id = ?",
        (results, vote_mode, closes_at, card_id),
    )


async def hold_card_votes(store: Store, tx: Transaction, card_id: int) -> None:
    """Take the lock every vote batch takes on its cards (PostgreSQL; SQLite's writers are
    serialised already): a batch holding the card commits first, one after it waits."""
    if store.db.dialect == "postgresql":
        await tx.fetch("SELECT 1 FROM cards WHERE id = ? FOR NO KEY UPDATE", (card_id,))


async def card_tally_in(tx: Transaction, card_id: int) -> list[int]:
    """Votes per position on one card, as the transaction sees them."""
    rows = await tx.fetch(
        "SELECT votes FROM card_tools WHERE card_id = ? ORDER BY position", (card_id,)
    )
    return [int(r[0]) for r in rows]


async def mark_card_closed(tx: Transaction, card_id: int, closed_at: str) -> None:
    """From this commit on, the vote writer refuses the card's votes."""
    await tx.execute("UPDATE cards SET closed_at = ? WHERE id = ?", (closed_at, card_id))


async def cards_due(store: Store, platform: str, now: str) -> list[int]:
    """Open cards of `platform` whose end time (`closes_at`) is `now` or before, oldest first."""
    rows = await store.fetch(
        "SELECT id FROM cards WHERE platform = ? AND closed_at IS NULL "
        "AND closes_at IS NOT NULL AND closes_at <= ? ORDER BY closes_at",
        (platform, now),
    )
    return [int(r[0]) for r in rows]


async def card_by_id(store: Store, card_id: int) -> CardRecord | None:
    rows = await store.fetch(
        "SELECT platform, channel, message_id FROM cards WHERE id = ?", (card_id,)
    )
    return await store.find_card(*rows[0]) if rows else None


async def voter_state(store: Store, card_id: int, voter: str) -> tuple[int | None, float]:
    """The voter's stored choice on the card (None: no vote), and the time of the latest
    event stored for them there (0 when none)."""
    rows = await store.fetch(
        "SELECT (SELECT choice FROM votes WHERE card_id = ? AND voter = ?), "
        "(SELECT max(added_at) FROM vote_reactions WHERE card_id = ? AND voter = ?), "
        "(SELECT max(removed_at) FROM vote_reactions WHERE card_id = ? AND voter = ?)",
        (card_id, voter) * 3,
    )
    choice, added, removed = rows[0]
    return choice, max(float(added or 0), float(removed or 0))


async def current_choice(store: Store, card_id: int, voter: str) -> int | None:
    rows = await store.fetch(
        "SELECT choice FROM votes WHERE card_id = ? AND voter = ?", (card_id, voter)
    )
    return rows[0][0] if rows else None


async def requests_since(store: Store, since: datetime) -> list[tuple[str, ...]]:
    """The tools of each comparison asked for since then (`Store.log_request`)."""
    rows = await store.fetch(
        "SELECT tools FROM requests WHERE asked_at >= ?", (since.astimezone(UTC).isoformat(),)
    )
    return [tuple(json.loads(row[0])) for row in rows]


async def card_tools_page(
    store: Store, after: tuple[int, int], limit: int
) -> list[tuple[Any, ...]]:
    """(card id, position, slug, votes) of the card tools after `after` (card id, position),
    in that order, `limit` of them: the cards' tallies read a page at a time."""
    return await store.fetch(
        "SELECT card_id, position, slug, votes FROM card_tools "
        "WHERE (card_id, position) > (?, ?) ORDER BY card_id, position LIMIT ?",
        (after[0], after[1], limit),
    )
