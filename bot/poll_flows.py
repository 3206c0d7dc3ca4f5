"""The poll flows over one chat bot: close a card (button, command, timer, next weekly card),
count a button press, and read or change a channel's settings.

Who may close is decided by the adapter (it knows a channel admin when it sees one) and passed
in as `admin`; the asker is recognised here by the salted hash stored with the card.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from bot.chat import ChatBot
from bot.errors import CloseRefused
from bot.polls import PollRecord, describe_settings, final_line, parse_settings
from bot.votes import CardRecord, VoteWrite, leaderboards_of

log = logging.getLogger(__name__)

CARD_GONE = "That card is not in the vote database any more."
NOT_YOURS = "Only the person who asked for this card, or a channel admin, can close its vote."
TIMER = "timer"
NEXT_WEEKLY = "next weekly card"
PRESS_STEP = 0.001
"""Seconds a press is stamped after the voter's last stored one, at least."""


class PollDesk:
    def __init__(self, bot: ChatBot) -> None:
        self.bot = bot
        self.polls = bot.polls
        self.store = bot.store
        self._pressing: dict[tuple[int, str], tuple[asyncio.Lock, int]] = {}

    @property
    def platform(self) -> str:
        return self.bot.platform.name

    def final(self, card: CardRecord, record: PollRecord) -> str:
        names = [self.bot.comparer.catalogue.by_slug[s].name for s in card.tools]
        return final_line(names, record.final_votes or (0,) * len(names))

    async def close(self, card: CardRecord, *, user_id: str, admin: bool) -> str:
        """Close from the card's button or a command; returns what to tell the closer.
        Raises `CloseRefused` when this person may not, or the vote is closed already."""
        record = await self.polls.poll(card.id)
        if record is None:
            raise CloseRefused(CARD_GONE)
        if record.closed:
            raise CloseRefused(f"This vote is already closed. {self.final(card, record)}")
        if not admin and self.store.hash_user(self.platform, user_id) != record.asked_by:
            raise CloseRefused(NOT_YOURS)
        closed = await self.close_card(card, closed_by=self.store.hash_user(self.platform, user_id))
        if closed is None:  # someone else closed it a moment ago
            closed = await self.polls.poll(card.id)
            final = self.final(card, closed) if closed is not None else ""
            raise CloseRefused(f"This vote is already closed. {final}".strip())
        return f"Vote closed. {self.final(card, closed)}"

    async def close_card(self, card: CardRecord, *, closed_by: str) -> PollRecord | None:
        """Close exactly once, then show the final line; None if it was closed already."""
        closed = await self.polls.close(card.id, closed_by=closed_by, now=self.bot.clock())
        if closed is not None:
            leaderboards_of(self.bot.store).look_again()  # its votes count from now on
            await self.show_final(card)
        return closed

    async def show_final(self, card: CardRecord) -> None:
        """Put the final line on the platform, through the card's edit queue so that no tally
        edit that read the card open can land after it; a failure is retried by `close_due`."""
        try:
            await self.bot.show(card)
        except Exception:
            log.exception("could not show the final line of card %s; will retry", card.id)

    async def close_due(self) -> list[int]:
        """Close this platform's cards whose end time has passed (also those that fell due
        while the bot was down), and show final lines that did not make it out."""
        closed = []
        for card_id in await self.polls.due(self.platform, self.bot.clock()):
            card = await self.polls.card(card_id)
            if card is not None and await self.close_card(card, closed_by=TIMER) is not None:
                closed.append(card_id)
        for card_id in await self.polls.unshown(self.platform):
            card = await self.polls.card(card_id)
            if card is not None:
                await self.show_final(card)
        return closed

    async def close_weekly(self, card_id: int) -> None:
        """A weekly card closes when the next one for its channel is posted."""
        card = await self.polls.card(card_id)
        if card is not None:
            await self.close_card(card, closed_by=NEXT_WEEKLY)

    async def press(self, card: CardRecord, user_id: str, choice: int, press_id: str) -> str:
        """A vote button pressed: another tool moves the vote, the same one takes it back.
        `press_id` is the platform's id for the press, so a redelivery counts once. Returns
        the private answer, which says where the presser's vote stands once it is stored.

        Whether a press sets or takes back is decided against the stored vote, so one voter's
        presses on one card are applied one after another in this process: a double click
        takes the vote back, and A, B, A ends on A. Presses of one voter handled by two
        processes at once may each read the same stored vote; the vote order rule still
        gives one consistent stored vote (the press stamped last wins), and each answer
        says what was stored."""
        names = [self.bot.comparer.catalogue.by_slug[s].name for s in card.tools]
        if not 0 <= choice < len(names):
            return "That button is not a choice on this card any more."
        voter = self.store.voter_on(self.platform, user_id, card.id)
        # Taken before anything is awaited, so this voter's presses go in the order they came.
        async with self._one_press_at_a_time(card.id, voter):
            record = await self.polls.poll(card.id)
            if record is None:
                return CARD_GONE
            if record.closed:
                final = self.final(card, record)
                return f"This vote is closed; your press was not counted. {final}"
            current, last_time = await self.polls.voter_state(card.id, voter)
            key = f"{self.platform}|press|{press_id}"
            applied = await self.store.record_vote(
                VoteWrite(
                    card_id=card.id,
                    voter=voter,
                    added=current != choice,
                    choice=choice,
                    # Later than anything stored for this voter: the order rule must see this
                    # press as the newest even when the clock has not moved since the last.
                    event_time=max(self.bot.clock().timestamp(), last_time + PRESS_STEP),
                    event_key=hashlib.blake2b(key.encode(), digest_size=12).hexdigest(),
                )
            )
            now = await self.polls.current_choice(card.id, voter)
        if not applied:
            closed = await self.polls.poll(card.id)
            final = self.final(card, closed) if closed is not None else ""
            return f"This vote is closed; your press was not counted. {final}".strip()
        await self.bot.refresh(card)
        if now is None:
            return "Your vote is taken back — press a button to vote again."
        return f"You voted {names[now]} — press another to change, the same one to take it back."

    @asynccontextmanager
    async def _one_press_at_a_time(self, card_id: int, voter: str) -> AsyncIterator[None]:
        """One voter's presses on one card, one after another; the lock is dropped once no
        press of theirs waits, so the table stays as small as the presses under way."""
        key = (card_id, voter)
        lock, users = self._pressing.get(key, (asyncio.Lock(), 0))
        self._pressing[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._pressing[key]
            if users == 1:
                del self._pressing[key]
            else:
                self._pressing[key] = (lock, users - 1)

    async def settings(self, channel: str, words: Sequence[str]) -> str:
        """`results:live|closed votes:reactions|buttons`, or nothing to show them."""
        wanted = parse_settings(words)
        if wanted:
            current = await self.polls.change_settings(self.platform, channel, **wanted)
        else:
            current = await self.polls.settings(self.platform, channel)
        return describe_settings(current)
