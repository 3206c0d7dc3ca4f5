"""One voter's quick presses on one card are applied one after another, against what is stored:
a double click takes the vote back, A then B then A ends on A — on both backends, through the
terminal chat's `:vote` (the same PollDesk every adapter uses)."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from adapters.console.chat import ConsoleSession, open_console
from bot.catalogue import Catalogue

NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)


async def _choice(session: ConsoleSession) -> int | None:
    """Where ann's vote on card 1 stands in the database."""
    record = await session.bot.store.find_card("console", "terminal", "1")
    assert record is not None
    voter = session.bot.store.voter_on("console", "ann", record.id)
    return await session.bot.polls.current_choice(record.id, voter)


async def test_a_double_click_takes_the_vote_back(db_location: str, catalogue: Catalogue) -> None:
    async with open_console(db=db_location, catalogue=catalogue, clock=lambda: NOW) as session:
        await session.send("/verdicts settings votes:buttons")
        await session.send("/compare smolvlm2 vs mistral-medium-3")
        session.pop_all()
        await asyncio.gather(*(session.send(":vote ann 1 1") for _ in range(2)))
        assert await _choice(session) is None
        answers = [m.text for m in session.pop_all() if m.kind == "ephemeral"]
        assert answers[-1] == "Your vote is taken back — press a button to vote again."


async def test_a_then_b_then_a_at_once_ends_on_a(db_location: str, catalogue: Catalogue) -> None:
    async with open_console(db=db_location, catalogue=catalogue, clock=lambda: NOW) as session:
        await session.send("/verdicts settings votes:buttons")
        await session.send("/compare smolvlm2 vs mistral-medium-3")
        session.pop_all()
        card = await session.bot.store.find_card("console", "terminal", "1")
        assert card is not None
        answers = await asyncio.gather(  # as a chat platform hands them over, in this order
            *(session.desk.press(card, "ann", n, f"press-{i}") for i, n in enumerate((0, 1, 0)))
        )
        assert await _choice(session) == 0
        assert answers[-1].startswith("You voted SmolVLM2")


async def test_presses_in_a_later_terminal_session_count(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    db = tmp_path / "two-sessions.db"
    async with open_console(db=db, catalogue=catalogue, clock=lambda: NOW) as first:
        await first.send("/verdicts settings votes:buttons")
        await first.send("/compare smolvlm2 vs mistral-medium-3")
        await first.send(":vote bob 1 2")
    async with open_console(db=db, catalogue=catalogue, clock=lambda: NOW) as later:
        later.pop_all()
        await later.send(":vote ann 1 1")
        [answer] = [m.text for m in later.pop_all() if m.kind == "ephemeral"]
        assert answer.startswith("You voted SmolVLM2")
        assert await _choice(later) == 0
