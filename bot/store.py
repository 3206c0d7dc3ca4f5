"""Durable storage on one SQLite file: cards, votes, tallies, the request log, subscriptions.

Votes go through one writer task that commits them in groups: every caller waits until the
transaction holding its vote has committed, so an acknowledged vote survives a crash, while
thousands of votes share one commit. Reads use a second connection (WAL lets them run alongside).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import secrets
import sqlite3
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.card import CommunityTally
from bot.schema import MIGRATIONS, SCHEMA_VERSION

Clock = Callable[[], datetime]
MAX_BATCH = 2048
EVENT_MEMORY_SECONDS = 3600.0
"""Event keys are kept an hour: well past Slack's last retry, about five minutes in."""
PRUNE_EVERY_SECONDS = 60.0
"""Old event keys are deleted at most this often, not in every batch of votes."""


def utc_now() -> datetime:
    return datetime.now(UTC)


class StoreError(Exception):
    """The database cannot be used (a newer schema, a file that is not SQLite)."""


@dataclass(frozen=True, slots=True)
class CardRecord:
    id: int
    platform: str
    channel: str
    message_id: str
    tools: tuple[str, ...]
    recap: str | None = None


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


@dataclass(frozen=True, slots=True)
class VoteWrite:
    """One reaction event as the store applies it: `added` False retracts `choice`."""

    card_id: int
    voter: str
    added: bool
    choice: int
    event_time: float
    event_key: str | None


async def _migrate(db: aiosqlite.Connection) -> None:
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    version = int(row[0]) if row else 0
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"the database has schema version {version}, newer than this bot's {SCHEMA_VERSION}; "
            "upgrade the bot"
        )
    for number in range(version, SCHEMA_VERSION):
        await db.executescript(
            f"BEGIN; {MIGRATIONS[number]}; PRAGMA user_version = {number + 1}; COMMIT;"
        )


async def _configure(db: aiosqlite.Connection) -> None:
    await db.execute("PRAGMA journal_mode = WAL")
    await db.execute("PRAGMA synchronous = FULL")
    await db.execute("PRAGMA foreign_keys = ON")
    await db.execute("PRAGMA busy_timeout = 5000")


class Store:
    """Open with `await Store.open(path)`; close with `await store.close()`."""

    def __init__(
        self, writer: aiosqlite.Connection, reader: aiosqlite.Connection, salt: bytes, clock: Clock
    ) -> None:
        self._writer = writer
        self._reader = reader
        self._salt = salt
        self._clock = clock
        self._queue: asyncio.Queue[tuple[VoteWrite, asyncio.Future[None]]] = asyncio.Queue()
        self._writer_task: asyncio.Task[None] | None = None
        self._write_lock = asyncio.Lock()
        self._pruned_at = float("-inf")

    @classmethod
    async def open(cls, path: str | Path, *, clock: Clock = utc_now) -> Store:
        opened: list[aiosqlite.Connection] = []
        try:
            writer = await aiosqlite.connect(str(path))
            opened.append(writer)
            await _configure(writer)
            await _migrate(writer)
            salt = await _salt(writer)
            reader = await aiosqlite.connect(str(path))
            opened.append(reader)
            await _configure(reader)
        except (sqlite3.DatabaseError, StoreError) as error:
            for connection in opened:  # an open connection's thread would keep the process alive
                await connection.close()
            if isinstance(error, StoreError):
                raise
            raise StoreError(f"cannot open {path}: {error}") from error
        return cls(writer, reader, salt, clock)

    async def close(self) -> None:
        if self._writer_task is not None:
            await self._queue.join()
            self._writer_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer_task
        await self._reader.close()
        await self._writer.close()

    def hash_user(self, platform: str, user_id: str) -> str:
        """Voters and askers are stored only as salted hashes; the salt never leaves the file."""
        digest = hashlib.blake2b(f"{platform}\0{user_id}".encode(), key=self._salt, digest_size=16)
        return digest.hexdigest()

    async def register_card(
        self,
        *,
        platform: str,
        channel: str,
        message_id: str,
        tools: Sequence[str],
        asked_by: str,
        recap: str | None = None,
    ) -> CardRecord:
        """Remember a posted card (idempotent for the same platform message)."""
        async with self._write_lock:
            now = self._clock().isoformat()
            cursor = await self._writer.execute(
                "INSERT INTO cards (platform, channel, message_id, asked_by, created_at, recap) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (platform, channel, message_id, self.hash_user(platform, asked_by), now, recap),
            )
            if cursor.rowcount:
                card_id = cursor.lastrowid
                await self._writer.executemany(
                    "INSERT INTO card_tools (card_id, position, slug) VALUES (?, ?, ?)",
                    [(card_id, i, slug) for i, slug in enumerate(tools)],
                )
                await self._writer.executemany(
                    "INSERT OR IGNORE INTO tool_stats (slug) VALUES (?)", [(s,) for s in tools]
                )
            await self._writer.commit()
        record = await self.find_card(platform, channel, message_id)
        assert record is not None
        return record

    async def find_card(self, platform: str, channel: str, message_id: str) -> CardRecord | None:
        async with self._reader.execute(
            "SELECT c.id, t.slug, c.recap FROM cards c JOIN card_tools t ON t.card_id = c.id "
            "WHERE c.platform = ? AND c.channel = ? AND c.message_id = ? ORDER BY t.position",
            (platform, channel, message_id),
        ) as cursor:
            rows = await cursor.fetchall()
        if not rows:
            return None
        return CardRecord(
            rows[0][0], platform, channel, message_id, tuple(r[1] for r in rows), rows[0][2]
        )

    async def record_vote(self, vote: VoteWrite) -> None:
        """Returns once the vote is committed. Redeliveries (same event key) count once."""
        if self._writer_task is None:
            self._writer_task = asyncio.create_task(self._write_votes())
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        await self._queue.put((vote, done))
        await done

    async def _write_votes(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < MAX_BATCH and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                async with self._write_lock:
                    await self._commit_votes([vote for vote, _ in batch])
            except Exception as error:  # every waiter must hear about it, then we go on
                for _, done in batch:
                    if not done.done():
                        done.set_exception(error)
            else:
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)
            finally:
                for _ in batch:
                    self._queue.task_done()

    async def _commit_votes(self, votes: Sequence[VoteWrite]) -> None:
        now = self._clock().timestamp()
        rows = [
            (
                vote.event_key or f"once:{uuid.uuid4().hex}",
                vote.card_id,
                vote.voter,
                int(vote.added),
                vote.choice,
                vote.event_time,
                now,
            )
            for vote in votes
        ]
        try:
            await self._writer.executemany(
                "INSERT OR IGNORE INTO vote_events "
                "(event_key, card_id, voter, added, choice, event_time, seen_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            if now - self._pruned_at >= PRUNE_EVERY_SECONDS:
                await self._writer.execute(
                    "DELETE FROM vote_events WHERE seen_at < ?", (now - EVENT_MEMORY_SECONDS,)
                )
                self._pruned_at = now
            await self._writer.commit()
        except BaseException:
            await self._writer.rollback()
            raise

    async def card_tally(self, card_id: int) -> tuple[int, ...]:
        """Votes per position on one card, in card order."""
        async with self._reader.execute(
            "SELECT votes FROM card_tools WHERE card_id = ? ORDER BY position", (card_id,)
        ) as cursor:
            return tuple(int(r[0]) for r in await cursor.fetchall())

    async def tool_tallies(self, slugs: Sequence[str]) -> dict[str, CommunityTally]:
        """Per tool, across every card that contains it: votes cast there, and its winning share."""
        marks = ",".join("?" * len(slugs))
        async with self._reader.execute(
            f"SELECT slug, votes, wins FROM tool_stats WHERE slug IN ({marks})", tuple(slugs)
        ) as cursor:
            rows = await cursor.fetchall()
        return {
            slug: CommunityTally(votes=votes, ship_pct=round(100 * wins / votes) if votes else None)
            for slug, votes, wins in rows
        }

    async def head_to_head(self, first: str, second: str) -> HeadToHead:
        """Votes on every card holding both tools, in either order: who won them."""
        async with self._reader.execute(
            "SELECT t.slug, count(*) FROM votes v "
            "JOIN card_tools a ON a.card_id = v.card_id AND a.slug = ? "
            "JOIN card_tools b ON b.card_id = v.card_id AND b.slug = ? "
            "JOIN card_tools t ON t.card_id = v.card_id AND t.position = v.choice "
            "GROUP BY t.slug",
            (first, second),
        ) as cursor:
            wins = dict(await cursor.fetchall())
        return HeadToHead(
            first=first,
            second=second,
            first_wins=wins.get(first, 0),
            second_wins=wins.get(second, 0),
            votes=sum(wins.values()),
        )

    async def vote_rows(self) -> list[StoredVote]:
        """Every current vote with its card's tools in order; voters appear only as hashes."""
        async with self._reader.execute(
            "SELECT c.id, c.platform, c.created_at, v.voter, v.choice, v.event_time, "
            "       (SELECT group_concat(slug, ' ') FROM "
            "          (SELECT slug FROM card_tools WHERE card_id = c.id ORDER BY position)) "
            "FROM votes v JOIN cards c ON c.id = v.card_id "
            "WHERE v.choice IS NOT NULL ORDER BY c.id, v.event_time, v.voter"
        ) as cursor:
            rows = await cursor.fetchall()
        return [
            StoredVote(
                card_id=card_id,
                platform=platform,
                card_created_at=created_at,
                voter=voter,
                tools=tuple(tools.split(" ")),
                choice=tools.split(" ")[choice],
                event_time=event_time,
            )
            for card_id, platform, created_at, voter, choice, event_time, tools in rows
        ]

    async def fetch(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Run a read query on the reading connection (for the store's companion modules)."""
        async with self._reader.execute(sql, tuple(params)) as cursor:
            return [tuple(row) for row in await cursor.fetchall()]

    async def write(self, sql: str, params: Sequence[object] = ()) -> int:
        """Run one write statement in its own committed transaction; returns rows changed."""
        async with self._write_lock:
            cursor = await self._writer.execute(sql, tuple(params))
            await self._writer.commit()
            return cursor.rowcount

    async def log_request(self, *, platform: str, channel: str, tools: Sequence[str]) -> None:
        """Which comparisons people ask for (the weekly pick reads this)."""
        async with self._write_lock:
            await self._writer.execute(
                "INSERT INTO requests (platform, channel, tools, asked_at) VALUES (?, ?, ?, ?)",
                (
                    platform,
                    channel,
                    json.dumps(sorted(tools)),
                    self._clock().astimezone(UTC).isoformat(),
                ),
            )
            await self._writer.commit()


async def _salt(db: aiosqlite.Connection) -> bytes:
    await db.execute(
        "INSERT OR IGNORE INTO meta (key, value) VALUES ('voter_salt', ?)", (secrets.token_hex(32),)
    )
    await db.commit()
    async with db.execute("SELECT value FROM meta WHERE key = 'voter_salt'") as cursor:
        row = await cursor.fetchone()
    assert row is not None
    return bytes.fromhex(row[0])
