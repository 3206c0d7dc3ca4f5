"""Polls in the store: channel settings, a card's poll columns, and the close transaction.

Closing is exactly-once: the row in `card_closes` (primary key: the card) is the claim, and it
is written in the same transaction that sets `cards.closed_at` and reads the final tally. On
PostgreSQL that transaction first takes the card's tally rows in the vote writer's order
(`card_tools … ORDER BY card_id, position FOR UPDATE`), so a vote batch for the card either
commits before the final tally is read (and is in it) or runs after and sees the card closed.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.polls.durations import DEFAULT_HIDDEN_DURATION
from bot.polls.models import ChannelSettings, PollRecord, ResultsMode, VoteMode
from bot.storage import Transaction
from bot.votes import (
    AlsoInTransaction,
    CardRecord,
    Store,
    StoreError,
    card_by_id,
    card_poll,
    card_tally_in,
    card_vote_mode,
    cards_due,
    current_choice,
    hold_card_votes,
    mark_card_closed,
    set_card_poll,
    voter_state,
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
        self._asking: dict[tuple[str, str, str], asyncio.Future[str | None]] = {}

    async def voted_with_buttons(self, platform: str, channel: str, message_id: str) -> bool:
        """Whether the card on this message counts button presses only. A card's vote mode
        never changes once posted, so each process asks the database once per card: reactions
        arriving together on a card not yet known (a rush right after a restart) share one
        read, rather than each queueing its own behind the others on the reading connection."""
        key = (platform, channel, message_id)
        known = self._button_cards.get(key)
        if known is not None:
            return known
        asking = self._asking.get(key)
        if asking is None:
            asking = asyncio.ensure_future(card_vote_mode(self.store, *key))
            self._asking[key] = asking
            asking.add_done_callback(lambda _: self._asking.pop(key, None))
        mode = await asyncio.shield(asking)  # one caller giving up cancels no one else's read
        if mode is None:
            return False
        if len(self._button_cards) >= 10_000:
            self._button_cards.clear()
        self._button_cards[key] = mode == "buttons"
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
            await set_card_poll(
                tx,
                card.id,
                results=settings.results,
                vote_mode=settings.vote_mode,
                closes_at=iso(closes_at) if closes_at else None,
            )
            if also is not None:
                await also(tx, card)

        return write

    async def poll(self, card_id: int) -> PollRecord | None:
        row = await card_poll(self.store, card_id)
        return _record(row) if row else None

    async def close(self, card_id: int, *, closed_by: str, now: datetime) -> PollRecord | None:
        """Close the card's vote; None if it was closed already (by anyone, anywhere)."""
        async with self.store.db.transaction() as tx:
            # The lock every vote batch takes on its cards: a batch holding this card commits
            # first and its votes are in the tally read below; one after waits and then finds
            # the card closed.
            await hold_card_votes(self.store, tx, card_id)
            claimed = await tx.fetch(
                "INSERT INTO card_closes (card_id, closed_at, closed_by, final_votes) "
                "VALUES (?, ?, ?, '[]') ON CONFLICT DO NOTHING RETURNING card_id",
                (card_id, iso(now), closed_by),
            )
            if not claimed:
                return None
            tally = await card_tally_in(tx, card_id)
            await tx.execute(
                "UPDATE card_closes SET final_votes = ? WHERE card_id = ?",
                (json.dumps(tally), card_id),
            )
            await mark_card_closed(tx, card_id, iso(now))
            row = await card_poll(tx, card_id)
            if row is None:  # the card row is held by this transaction: only a broken schema
                raise StoreError(f"card {card_id} vanished while it was being closed")
            return _record(row)

    async def due(self, platform: str, now: datetime) -> list[int]:
        """Open cards of `platform` whose end time has come (including while the bot was down)."""
        return await cards_due(self.store, platform, iso(now))

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
        return await card_by_id(self.store, card_id)

    async def voter_state(self, card_id: int, voter: str) -> tuple[int | None, float]:
        """The voter's stored choice on the card (None: no vote), and the time of the latest
        event stored for them there (0 when none)."""
        return await voter_state(self.store, card_id, voter)

    async def current_choice(self, card_id: int, voter: str) -> int | None:
        return await current_choice(self.store, card_id, voter)


def ends(now: datetime, lasts: timedelta | None, settings: ChannelSettings) -> datetime | None:
    """A new card's end time: as asked, or the default when its results are hidden."""
    if lasts is not None:
        return now + lasts
    return now + DEFAULT_HIDDEN_DURATION if settings.results == "closed" else None
