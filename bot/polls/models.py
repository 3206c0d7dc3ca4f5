"""The poll vocabulary: a channel's settings, a card's poll state as stored, and what a posted
card shows of it."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

ResultsMode = Literal["live", "closed"]
"""live: the split shows as votes come in; closed: only the number of votes, until close."""
VoteMode = Literal["reactions", "buttons"]
"""reactions: keycap reactions (public); buttons: one button per tool, answered privately."""


class ChannelSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    results: ResultsMode = "live"
    votes: VoteMode = "reactions"

    @property
    def vote_mode(self) -> VoteMode:
        """How new cards are voted on. Hidden results take buttons whatever `votes` says:
        reaction counts under a card are public, so reactions would show the split."""
        return "buttons" if self.results == "closed" else self.votes


class PollRecord(BaseModel):
    """A card's poll state as the store keeps it."""

    model_config = ConfigDict(frozen=True)

    card_id: int
    asked_by: str
    """The asker's salted hash (weekly cards: the subscription's)."""
    results: ResultsMode
    vote_mode: VoteMode
    closes_at: datetime | None
    closed_at: datetime | None
    final_votes: tuple[int, ...] | None
    """The tally read in the close transaction; None while open."""

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    @property
    def hidden(self) -> bool:
        """Whether the split must not be shown now."""
        return self.results == "closed" and not self.closed


class CardPoll(BaseModel):
    """What a posted card shows of its poll, decided by the core: renderers never see a
    hidden split, because the core does not hand it to them."""

    model_config = ConfigDict(frozen=True)

    buttons: bool = False
    """Voted on with buttons (one per tool) rather than reactions."""
    hidden_total: int | None = None
    """While results are hidden: the number of votes, the only figure shown."""
    closes_at: datetime | None = None
    final: str | None = None
    """Once closed: the final result in one line; the card takes no more votes."""

    @property
    def closed(self) -> bool:
        return self.final is not None
