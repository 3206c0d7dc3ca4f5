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
    """A close time as every surface prints it: `1 Dec 14:00 UTC`."""
    utc = moment.astimezone(UTC)
    return f"{utc.day} {utc:%b %H:%M} UTC"


def hidden_tally(poll: CardPoll) -> str | None:
    """While results are hidden, the one figure shown: `12 votes, split hidden until 1 Dec
    14:00 UTC` (the close time included, so the line stays within the card's budget)."""
    if poll.hidden_total is None or poll.closed:
        return None
    votes = "1 vote" if poll.hidden_total == 1 else f"{poll.hidden_total} votes"
    until = when(poll.closes_at) if poll.closes_at is not None else "the vote closes"
    return f"{votes}, split hidden until {until}"


def closing_note(poll: CardPoll | None) -> str | None:
    if poll is None or poll.closed or poll.closes_at is None or poll.hidden_total is not None:
        return None
    return f"ends {when(poll.closes_at)}"


def how_to_vote(poll: CardPoll | None) -> str | None:
    """How to vote, when the card does not show it: buttons speak for themselves."""
    return None if poll is not None and poll.buttons else "react to vote"
