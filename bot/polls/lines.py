"""The words a card shows of its poll, the same on every surface: the final line, the hidden
tally, when the vote closes and how to vote."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from bot.polls.models import CardPoll


def final_line(names: Sequence[str], votes: Sequence[int]) -> str:
    """`Final: SmolVLM2 34 – Mistral Medium 3 21`: most votes first, ties in card order."""
    order = sorted(range(len(names)), key=lambda i: -votes[i])
    return "Final: " + " – ".join(f"{names[i]} {votes[i]}" for i in order)


def when(moment: datetime) -> str:
    """A close time as every surface prints it: `Tue 1 Dec 14:00 UTC`."""
    utc = moment.astimezone(UTC)
    return f"{utc:%a} {utc.day} {utc:%b %H:%M} UTC"


def hidden_tally(total: int) -> str:
    votes = "1 vote" if total == 1 else f"{total} votes"
    return f"{votes}, results hidden until the vote closes"


def closing_note(poll: CardPoll | None) -> str | None:
    if poll is None or poll.closed or poll.closes_at is None:
        return None
    return f"closes {when(poll.closes_at)}"


def how_to_vote(poll: CardPoll | None) -> str:
    return "press a button to vote" if poll is not None and poll.buttons else "react to vote"
