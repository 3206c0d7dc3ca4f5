"""Polls in the store: channel settings, a card's poll columns, and the close transaction.

Closing is exactly-once: the row in `card_closes` (primary key: the card) is the claim, and it
is written in the same transaction that sets `cards.closed_at` and reads the final tally. On
PostgreSQL that transaction first takes the card's tally rows in the vote writer's order
(`card_tools … ORDER BY card_id, position FOR UPDATE`), so a vote batch for the card either
commits before the final tally is read (and is in it) or runs after and sees the card closed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.polls.durations import DEFAULT_HIDDEN_DURATION
from bot.polls.models import ChannelSettings, PollRecord, ResultsMode, VoteMode
from bot.storage import Transaction
from bot.votes import AlsoInTransaction, CardRecord, Store

_POLL = (
    "SELECT c.id, c.asked_by, c.results, c.vote_mode, c.closes_at, c.closed_at, k.final_votes "
    "FROM cards c LEFT JOIN card_closes k ON k.card_id = c.id WHERE c.id = ?"
)


def iso(moment: datetime) -> str:
    """Times compared in SQL are UTC, to the second, so that text order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _record(row: Sequence[Any]) -> PollRecord:
    card_id, asked_by, results, vote_mode, closes_at, closed_at, final = row
    return PollRecord(
        card_id=card_id,
        asked_by=asked_by,
        results=results,
        vote_mode=vote_mode,
        closes_at=_time(closes_at),
        closed_at=_time(closed_at),
        final_votes=tuple(json.loads(final)) if final else None,
    )


class PollStore:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._button_cards: dict[tuple[str, str, str], bool] = {}

    async def voted_with_buttons(self, platform: str, channel: str, message_id: str) -> bool:
        """Whether the card on this message counts button presses only. A card's vote mode
        never changes once posted, so each process asks the database once per card."""
        key = (platform, channel, message_id)
        if key not in self._button_cards:
            rows = await self.store.fetch(
                "SELECT vote_mode FROM cards WHERE platform = ? AND channel = ? AND message_id = ?",
                key,
            )
            if not rows:
                return False
            if len(self._button_cards) >= 10_000:
                self._button_cards.clear()
            self._button_cards[key] = rows[0][0] == "buttons"
        return self._button_cards[key]

    async def settings(self, platform: str, channel: str) -> ChannelSettings:
        rows = await self.store.fetch(
            "SELECT results, votes FROM channel_settings WHERE platform = ? AND channel = ?",
            (platform, channel),
        )
        return ChannelSettings(results=rows[0][0], votes=rows[0][1]) if rows else ChannelSettings()

    async def change_settings(
        self,
        platform: str,
        channel: str,
        *,
        results: ResultsMode | None = None,
        votes: VoteMode | None = None,
    ) -> ChannelSettings:
        """Change what was given, keep the rest; returns the channel's settings now."""
        current = await self.settings(platform, channel)
        wanted = ChannelSettings(results=results or current.results, votes=votes or current.votes)
        rows = await self.store.write_returning(
            "INSERT INTO channel_settings (platform, channel, results, votes) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (platform, channel) DO UPDATE SET "
            "results = excluded.results, votes = excluded.votes RETURNING results, votes",
            (platform, channel, wanted.results, wanted.votes),
        )
        return ChannelSettings(results=rows[0][0], votes=rows[0][1])

    @staticmethod
    def opens(
        settings: ChannelSettings, closes_at: datetime | None, also: AlsoInTransaction | None
    ) -> AlsoInTransaction:
        """Set a new card's poll columns in its registration transaction (with `also`)."""

        async def write(tx: Transaction, card: CardRecord) -> None:
            await tx.execute(
                "UPDATE cards SET results = ?, vote_mode = ?, closes_at = ? WHERE id = ?",
                (
                    settings.results,
                    settings.vote_mode,
                    iso(closes_at) if closes_at else None,
                    card.id,
                ),
            )
            if also is not None:
                await also(tx, card)

        return write

    async def poll(self, card_id: int) -> PollRecord | None:
        rows = await self.store.fetch(_POLL, (card_id,))
        return _record(rows[0]) if rows else None

    async def close(self, card_id: int, *, closed_by: str, now: datetime) -> PollRecord | None:
        """Close the card's vote; None if it was closed already (by anyone, anywhere)."""
        async with self.store.db.transaction() as tx:
            if self.store.db.dialect == "postgresql":
                # The lock every vote batch takes on its cards: a batch holding this card
                # commits first and its votes are in the tally read below; one after waits and
                # then finds the card closed. (SQLite's writers are serialised already.)
                await tx.fetch("SELECT 1 FROM cards WHERE id = ? FOR NO KEY UPDATE", (card_id,))
            claimed = await tx.fetch(
                "INSERT INTO card_closes (card_id, closed_at, closed_by, final_votes) "
                "VALUES (?, ?, ?, '[]') ON CONFLICT DO NOTHING RETURNING card_id",
                (card_id, iso(now), closed_by),
            )
            if not claimed:
                return None
            tally = [
                int(r[0])
                for r in await tx.fetch(
                    "SELECT votes FROM card_tools WHERE card_id = ? ORDER BY position", (card_id,)
                )
            ]
            await tx.execute(
                "UPDATE card_closes SET final_votes = ? WHERE card_id = ?",
                (json.dumps(tally), card_id),
            )
            await tx.execute("UPDATE cards SET closed_at = ? WHERE id = ?", (iso(now), card_id))
            return _record((await tx.fetch(_POLL, (card_id,)))[0])

    async def due(self, platform: str, now: datetime) -> list[int]:
        """Open cards of `platform` whose end time has come (including while the bot was down)."""
        rows = await self.store.fetch(
            "SELECT id FROM cards WHERE platform = ? AND closed_at IS NULL "
            "AND closes_at IS NOT NULL AND closes_at <= ? ORDER BY closes_at",
            (platform, iso(now)),
        )
        return [int(r[0]) for r in rows]

    async def unshown(self, platform: str) -> list[int]:
        """Closed cards whose final line is not on the platform yet (an edit failed or the
        process stopped between the close and the edit)."""
        rows = await self.store.fetch(
            "SELECT k.card_id FROM card_closes k JOIN cards c ON c.id = k.card_id "
            "WHERE c.platform = ? AND k.shown = 0 ORDER BY k.card_id",
            (platform,),
        )
        return [int(r[0]) for r in rows]

    async def mark_shown(self, card_id: int) -> None:
        await self.store.write("UPDATE card_closes SET shown = 1 WHERE card_id = ?", (card_id,))

    async def card(self, card_id: int) -> CardRecord | None:
        rows = await self.store.fetch(
            "SELECT platform, channel, message_id FROM cards WHERE id = ?", (card_id,)
        )
        return await self.store.find_card(*rows[0]) if rows else None

    async def voter_state(self, card_id: int, voter: str) -> tuple[int | None, float]:
        """The voter's stored choice on the card (None: no vote), and the time of the latest
        event stored for them there (0 when none)."""
        rows = await self.store.fetch(
            "SELECT (SELECT choice FROM votes WHERE card_id = ? AND voter = ?), "
            "(SELECT max(added_at) FROM vote_reactions WHERE card_id = ? AND voter = ?), "
            "(SELECT max(removed_at) FROM vote_reactions WHERE card_id = ? AND voter = ?)",
            (card_id, voter) * 3,
        )
        choice, added, removed = rows[0]
        return choice, max(float(added or 0), float(removed or 0))

    async def current_choice(self, card_id: int, voter: str) -> int | None:
        rows = await self.store.fetch(
            "SELECT choice FROM votes WHERE card_id = ? AND voter = ?", (card_id, voter)
        )
        return rows[0][0] if rows else None


def ends(now: datetime, lasts: timedelta | None, settings: ChannelSettings) -> datetime | None:
    """A new card's end time: as asked, or the default when its results are hidden."""
    if lasts is not None:
        return now + lasts
    return now + DEFAULT_HIDDEN_DURATION if settings.results == "closed" else None
