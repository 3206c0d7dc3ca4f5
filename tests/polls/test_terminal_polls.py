"""Poll-grade voting in the terminal chat: close by command and by timer, results hidden until
close, button votes, and settings — the core flows every adapter shares, on a real SQLite file."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.console.chat import ConsoleSession, open_console
from bot.catalogue import Catalogue

START = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
PAIR = "/compare smolvlm2 vs mistral-medium-3"


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def chat(tmp_path: Path, catalogue: Catalogue, clock: Clock) -> AsyncIterator[ConsoleSession]:
    async with open_console(
        db=tmp_path / "polls.db", catalogue=catalogue, clock=clock, user="admin"
    ) as session:
        yield session


def flat(text: str) -> str:
    """A card as one line: the terminal wraps long lines at 80 columns."""
    return " ".join(text.replace("\n  ", " ").split())


def texts(chat: ConsoleSession) -> list[str]:
    return [flat(m.text) for m in chat.pop_all()]


def edits(messages: list[str]) -> list[str]:
    return [m for m in messages if m.startswith("SmolVLM2 vs")]


async def test_the_asker_closes_the_vote_and_the_card_shows_the_final_line(
    chat: ConsoleSession,
) -> None:
    await chat.send(PAIR, user="ann")
    await chat.send(":react bob 1 1")
    await chat.send(":react cy 1 1")
    await chat.send(":react dee 1 2")
    chat.pop_all()
    await chat.send(":close ann 1")
    said = chat.pop_all()
    [edit] = [m for m in said if m.kind == "edit"]
    assert "Final: SmolVLM2 2 – Mistral Medium 3 1. The vote is closed" in flat(edit.text)
    assert "React to vote" not in flat(edit.text)
    [answer] = [m for m in said if m.kind == "ephemeral"]
    assert answer.to_user == "ann"
    assert answer.text == "Vote closed. Final: SmolVLM2 2 – Mistral Medium 3 1"


async def test_only_the_asker_or_an_admin_may_close_and_only_once(chat: ConsoleSession) -> None:
    await chat.send(PAIR, user="ann")
    chat.pop_all()
    await chat.send(":close bob 1")
    [refused] = chat.pop_all()
    assert refused.to_user == "bob"
    assert refused.text.startswith("Only the person who asked for this card, or a channel admin")
    await chat.send("/verdicts close 1", user="admin")  # the terminal's own user is the admin
    assert any(m.text.startswith("Vote closed.") for m in chat.pop_all())
    await chat.send(":close ann 1")
    [again] = chat.pop_all()
    assert again.text == "This vote is already closed. Final: SmolVLM2 0 – Mistral Medium 3 0"


async def test_a_reaction_after_the_close_changes_nothing_and_the_voter_is_told(
    chat: ConsoleSession,
) -> None:
    await chat.send(PAIR)
    await chat.send(":react bob 1 2")
    await chat.send(":close admin 1")
    chat.pop_all()
    await chat.send(":react cy 1 1")
    await chat.send(":unreact bob 1 2")
    said = chat.pop_all()
    assert not [m for m in said if m.kind == "edit"]
    [told] = [m for m in said if m.kind == "ephemeral"]
    assert (told.to_user, told.text) == (
        "cy",
        "This vote is closed; your reaction was not counted.",
    )
    assert "(closed)" in said[-1].text
    card = await chat.bot.store.find_card("console", "terminal", "1")
    assert card is not None and await chat.bot.store.card_tally(card.id) == (0, 1)


async def test_a_timed_card_closes_by_itself_when_its_time_comes(
    chat: ConsoleSession, clock: Clock
) -> None:
    await chat.send(f"{PAIR} for 90m")
    card = chat.pop()
    assert "ends 24 Nov 13:30 UTC" in flat(card.text)
    await chat.send(":react bob 1 1")
    clock.advance(minutes=89)
    await chat.send("/help")
    assert not [t for t in texts(chat) if "Final:" in t]
    clock.advance(minutes=1)
    await chat.send("/help")  # any command runs what is due, as the live bot's loop does
    [final] = [t for t in texts(chat) if "Final:" in t]
    assert "Final: SmolVLM2 1 – Mistral Medium 3 0" in final


async def test_a_close_due_while_the_bot_was_down_happens_at_start_up(
    tmp_path: Path, catalogue: Catalogue, clock: Clock
) -> None:
    db = tmp_path / "down.db"
    async with open_console(db=db, catalogue=catalogue, clock=clock) as chat:
        await chat.send(f"{PAIR} for 2d")
        await chat.send(":react bob 1 2")
    clock.advance(days=3)
    async with open_console(db=db, catalogue=catalogue, clock=clock) as chat:
        await chat.weekly.scheduler.run_once()  # what every adapter runs first at start-up
        [final] = [m for m in chat.pop_all() if m.kind == "edit"]
        assert "Final: Mistral Medium 3 1 – SmolVLM2 0" in flat(final.text)
        await chat.weekly.scheduler.run_once()
        assert not chat.pop_all()  # closed once, shown once


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("for 40d", '"40d" is too long: a vote stays open at most 32 days.'),
        ("for banana", '"banana" is not a length of time.'),
        ("for 0m", '"0m" is too short'),
    ],
)
async def test_a_bad_duration_gets_a_short_private_answer(
    chat: ConsoleSession, typed: str, why: str
) -> None:
    await chat.send(f"{PAIR} {typed}")
    [answer] = chat.pop_all()
    assert answer.kind == "ephemeral" and answer.text.startswith(why)


async def test_hidden_results_show_only_the_number_of_votes_until_the_close(
    chat: ConsoleSession, clock: Clock
) -> None:
    await chat.send("/verdicts settings results:closed")
    said = chat.pop().text
    assert "results:closed" in said
    assert "votes are by buttons, since reaction counts are public" in said
    await chat.send(PAIR, user="ann")
    card = chat.pop()
    assert "0 votes, split hidden until 1 Dec 12:00 UTC" in flat(card.text)
    # a hidden card gets an end: 7 days
    for user, choice in [("bob", 1), ("cy", 1), ("dee", 2)]:
        await chat.send(f":vote {user} 1 {choice}")
    shown = [flat(m.text) for m in chat.pop_all() if m.kind == "edit"]
    assert len(shown) == 3
    for n, text in enumerate(shown, start=1):
        assert f"{n} vote" in text and "SmolVLM2 1" not in text and "SmolVLM2 2" not in text
    # Nor anywhere else: the tool page, the head to head on another card, the leaderboard.
    await chat.send("/verdicts settings results:live")
    await chat.send("/compare mistral-medium-3 vs smolvlm2")
    [other] = [flat(m.text) for m in chat.pop_all() if m.kind == "card"]
    assert "Head to head" not in other
    assert "% of" not in other  # the community column shows no votes yet
    await chat.send("/leaderboard")
    board = chat.pop().text
    assert "from 0 votes" in board
    clock.advance(days=7)
    await chat.send("/help")
    final = [flat(m.text) for m in chat.pop_all() if m.kind == "edit"]
    assert any("Final: SmolVLM2 2 – Mistral Medium 3 1" in t for t in final)
    await chat.send("/leaderboard")
    assert "from 3 votes" in chat.pop().text  # closed: its votes count as before


async def test_button_votes_change_and_retract_and_answer_privately(chat: ConsoleSession) -> None:
    await chat.send("/verdicts settings votes:buttons")
    chat.pop_all()
    await chat.send(PAIR)
    card = chat.pop()
    assert "Vote with :vote USER 1 N" in flat(card.text)
    assert "1" not in chat.chat.reactions  # no reaction emojis to seed
    await chat.send(":vote bob 1 1")
    said = chat.pop_all()
    [answer] = [m for m in said if m.kind == "ephemeral"]
    assert answer.to_user == "bob"
    assert answer.text == (
        "You voted SmolVLM2 — press another to change, the same one to take it back."
    )
    assert "1️⃣ SmolVLM2 1" in flat([m for m in said if m.kind == "edit"][-1].text)
    await chat.send(":vote bob 1 2")
    assert "You voted Mistral Medium 3" in chat.pop_all()[-1].text
    await chat.send(":vote bob 1 2")
    said = chat.pop_all()
    assert said[-1].text == "Your vote is taken back — press a button to vote again."
    assert "1️⃣ SmolVLM2 0 · 2️⃣ Mistral Medium 3 0" in flat(said[0].text)
    await chat.send(":react cy 1 1")  # a reaction on a button card is no vote
    assert "voted on with buttons" in chat.pop().text


async def test_a_redelivered_press_counts_once(chat: ConsoleSession) -> None:
    await chat.send("/verdicts settings votes:buttons")
    await chat.send(PAIR)
    chat.pop_all()
    card = await chat.bot.store.find_card("console", "terminal", "1")
    assert card is not None
    first = await chat.desk.press(card, "bob", 0, "press-1")
    again = await chat.desk.press(card, "bob", 0, "press-1")  # the same press, delivered twice
    assert (
        first
        == again
        == ("You voted SmolVLM2 — press another to change, the same one to take it back.")
    )
    assert await chat.bot.store.card_tally(card.id) == (1, 0)


async def test_a_press_after_the_close_is_refused_with_the_final_line(
    chat: ConsoleSession,
) -> None:
    await chat.send("/verdicts settings votes:buttons results:closed")
    await chat.send(PAIR)
    await chat.send(":vote bob 1 2")
    await chat.send(":close admin 1")
    chat.pop_all()
    await chat.send(":vote cy 1 1")
    [answer] = chat.pop_all()
    assert answer.text == (
        "This vote is closed; your press was not counted. Final: Mistral Medium 3 1 – SmolVLM2 0"
    )


async def test_settings_are_shown_and_bad_ones_explained(chat: ConsoleSession) -> None:
    await chat.send("/verdicts settings")
    assert "results:live" in chat.pop().text
    await chat.send("/verdicts settings results:maybe")
    answer = chat.pop()
    assert answer.kind == "ephemeral"
    assert answer.text.startswith('"results:maybe" is not a setting. Usage: /verdicts settings')


async def test_a_weekly_card_closes_when_the_next_one_is_posted(
    chat: ConsoleSession, clock: Clock
) -> None:
    await chat.send("/verdicts subscribe tue 9am")
    await chat.send("/verdicts now")
    first = await chat.bot.store.fetch("SELECT id FROM cards ORDER BY id")
    chat.pop_all()
    clock.advance(days=7)
    await chat.send("/help")
    said = chat.pop_all()
    assert any(m.kind == "edit" and "Final:" in m.text for m in said)
    assert any(m.kind == "card" for m in said)
    closed = await chat.bot.store.fetch("SELECT card_id FROM card_closes")
    assert closed == [first[0]]


def test_the_command_line_explains_a_bad_duration_and_exits_non_zero(tmp_path: Path) -> None:
    from tests.adapters.test_cli import verdict

    result = verdict("compare", "smolvlm2 vs mistral-medium-3 for 40d", cwd=tmp_path)
    assert result.returncode != 0
    assert result.stderr == '"40d" is too long: a vote stays open at most 32 days.\n'
    assert "Traceback" not in result.stderr and result.stdout == ""
    fine = verdict("compare", "smolvlm2 vs mistral-medium-3 for 2d", cwd=tmp_path)
    assert fine.returncode == 0 and fine.stdout.startswith("SmolVLM2 vs Mistral Medium 3")


async def test_a_setting_without_a_value_names_the_allowed_values(chat: ConsoleSession) -> None:
    await chat.send("/verdicts settings votes:")
    assert chat.pop().text == '"votes:" needs a value: votes:reactions or votes:buttons.'
