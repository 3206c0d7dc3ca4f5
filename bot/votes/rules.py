"""Vote rules, whatever the platform: which reactions are votes, and what each one does.

A card with N tools invites the keycaps 1️⃣ … N️⃣ (Slack names them `one` … `four`). One vote per
person per card: another number moves the vote, removing the current one retracts it, removing
a stale one changes nothing. The store enforces that with a key on card + voter.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from bot.votes.batch import VoteWrite
from bot.votes.store import Store

KEYCAPS = ("1\ufe0f\u20e3", "2\ufe0f\u20e3", "3\ufe0f\u20e3", "4\ufe0f\u20e3")
SLACK_NAMES = ("one", "two", "three", "four")
_CHOICE_BY_EMOJI = {
    **{emoji: i for i, emoji in enumerate(KEYCAPS)},
    **{"1\u20e3": 0, "2\u20e3": 1, "3\u20e3": 2, "4\u20e3": 3},
    **{name: i for i, name in enumerate(SLACK_NAMES)},
    **{f":{name}:": i for i, name in enumerate(SLACK_NAMES)},
}


class ReactionEvent(BaseModel):
    """A reaction added to or removed from a message, as any adapter reports it."""

    model_config = ConfigDict(frozen=True)

    platform: str
    channel: str
    message_id: str
    user_id: str
    emoji: str
    added: bool
    user_is_bot: bool = False
    event_id: str | None = None
    event_time: float | None = None
    """The platform's own time for the event (Slack's `event_ts`), when it gives one."""


class VoteOutcome(StrEnum):
    RECORDED = "recorded"
    IGNORED = "ignored"
    CLOSED = "closed"
    """Refused: the card's vote had closed when it was committed."""


def choice_for(emoji: str, tool_count: int) -> int | None:
    """The 0-based card position an emoji votes for, or None if it is not a choice here."""
    choice = _CHOICE_BY_EMOJI.get(emoji)
    return choice if choice is not None and choice < tool_count else None


def vote_emoji(position: int) -> str:
    return KEYCAPS[position]


async def handle_reaction(
    store: Store,
    event: ReactionEvent,
    *,
    bot_user_id: str | None,
    arrival_time: Callable[[], float],
) -> VoteOutcome:
    """Apply one reaction event; returns once any resulting vote is committed (or refused
    because the card is closed)."""
    if event.user_is_bot or event.user_id == bot_user_id:
        return VoteOutcome.IGNORED
    card = await store.find_card(event.platform, event.channel, event.message_id)
    if card is None:
        return VoteOutcome.IGNORED
    choice = choice_for(event.emoji, len(card.tools))
    if choice is None:
        return VoteOutcome.IGNORED
    voter = store.voter_on(event.platform, event.user_id, card.id)
    event_time = event.event_time if event.event_time is not None else arrival_time()
    applied = await store.record_vote(
        VoteWrite(
            card_id=card.id,
            voter=voter,
            added=event.added,
            choice=choice,
            event_time=event_time,
            event_key=_event_key(event),
            timed=event.event_time is not None,
        )
    )
    return VoteOutcome.RECORDED if applied else VoteOutcome.CLOSED


def _event_key(event: ReactionEvent) -> int | None:
    """The key that recognises a redelivery of an event without a platform time: its event id,
    stored as a 64-bit digest (the key is only ever compared, and a longer one costs more index
    space than the vote itself; two events of the last hour sharing 64 bits is a chance of about
    one in 10^9 at 10^5 events).

    An event with the platform's own time (Slack's `event_ts`) needs no key and gets none:
    applying it again changes nothing, since the order rule keeps each reaction's latest add
    and latest removal time and a redelivery (whatever its event id says) brings the same
    time. So it counts once however late it comes, even past the hour keys are kept, and the
    store writes no key row for it (a random page of the key index dirtied per event)."""
    if event.event_time is not None or event.event_id is None:
        return None
    digest = hashlib.blake2b(f"{event.platform}|id|{event.event_id}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), signed=True)
