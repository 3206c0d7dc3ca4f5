"""End to end through the terminal adapter: the same core flows Discord and Slack will use."""

from __future__ import annotations

import contextlib
import io
import re
import sqlite3
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import adapters.console
from adapters.console import ConsoleSession, open_console, run_chat
from bot.catalogue import Catalogue


@pytest.fixture
async def chat(tmp_path: Path, catalogue: Catalogue) -> AsyncIterator[ConsoleSession]:
    async with open_console(db=tmp_path / "chat.db", catalogue=catalogue) as session:
        yield session


async def test_compare_posts_a_card_that_says_how_to_vote(chat: ConsoleSession) -> None:
    await chat.send("/compare smolvlm2 vs mistral-medium-3")
    card = chat.pop()
    assert card.kind == "card" and card.message_id == "1"
    assert card.text.startswith("SmolVLM2 vs Mistral Medium 3")
    assert "1️⃣ SmolVLM2: 0 votes here" in card.text
    assert "2️⃣ Mistral Medium 3: 0 votes here" in card.text
    assert chat.chat.reactions["1"] == ["1️⃣", "2️⃣"]


async def test_votes_move_and_retract_and_the_card_shows_the_tally(chat: ConsoleSession) -> None:
    await chat.send("/compare haiku vs gpt-4o-mini vs flash")
    chat.pop_all()
    await chat.send(":react alice 1 2")
    edit = chat.pop()
    assert edit.kind == "edit" and "GPT-4o mini: 1 vote here" in edit.text
    await chat.send(":react bob 1 2")
    await chat.send(":react alice 1 3")  # alice moves her vote
    chat.pop_all()
    await chat.send(":unreact bob 1 2")
    last = [m for m in chat.pop_all() if m.kind == "edit"][-1]
    assert "Claude 3.5 Haiku: 0 votes here" in last.text
    assert "GPT-4o mini: 0 votes here" in last.text
    assert "Gemini 2.0 Flash: 1 vote here" in last.text


async def test_the_bots_own_reaction_and_non_choices_change_nothing(chat: ConsoleSession) -> None:
    await chat.send("/compare haiku vs sonnet")
    chat.pop_all()
    await chat.send(":react verdict-bot 1 1")
    await chat.send(":react alice 1 3")
    await chat.send(":react alice 1 thumbsup")
    said = chat.pop_all()
    assert [m.kind for m in said] == ["reaction", "reaction", "reaction"]
    assert all(m.text.endswith("(ignored)") for m in said)


async def test_a_reaction_on_a_card_that_does_not_exist_is_explained(chat: ConsoleSession) -> None:
    await chat.send(":react alice 7 1")
    assert "There is no card '7'" in chat.pop().text


async def test_community_votes_follow_a_tool_onto_new_cards(chat: ConsoleSession) -> None:
    await chat.send("/compare haiku vs gpt-4o")
    for user in ("ann", "bob", "cy"):
        await chat.send(f":react {user} 1 1")
    chat.pop_all()
    await chat.send("/compare gpt-4o vs haiku vs flash")
    card = chat.pop().text
    community = next(line for line in card.splitlines() if line.startswith("Community"))
    assert community.split()[1:] == ["0%", "of", "3", "votes", "100%", "of", "3", "votes", "—"]
    assert "Head to head" not in card  # only two-tool cards carry it


async def test_two_tool_cards_show_the_head_to_head_in_either_order(chat: ConsoleSession) -> None:
    await chat.send("/compare haiku vs gpt-4o")
    await chat.send(":react ann 1 1")
    chat.pop_all()
    await chat.send("/compare gpt-4o vs haiku")
    card = chat.pop().text
    assert "Head to head on every card with both: GPT-4o 0, Claude 3.5 Haiku 1." in card


async def test_a_bad_question_gets_a_private_answer_that_pings_nobody(chat: ConsoleSession) -> None:
    await chat.send("/compare gpt 5 vs haiku", user="dana")
    answer = chat.pop()
    assert answer.kind == "ephemeral" and answer.to_user == "dana"
    assert "GPT-4o" in answer.text
    await chat.send("/compare \x1b[2J@everyone vs haiku")
    assert "\x1b" not in chat.pop().text


async def test_every_compare_is_logged_for_the_weekly_pick(
    chat: ConsoleSession, tmp_path: Path
) -> None:
    await chat.send("/compare haiku vs gpt-4o")
    await chat.send("/compare gpt 5 vs haiku")  # unanswered: not logged
    rows = sqlite3.connect(tmp_path / "chat.db").execute("SELECT tools FROM requests").fetchall()
    assert rows == [('["claude-3-5-haiku", "gpt-4o"]',)]


async def test_tool_and_leaderboard_commands(chat: ConsoleSession) -> None:
    await chat.send("/tool gemni flash")
    assert chat.pop().text.startswith("Gemini 2.0 Flash (gemini-2-0-flash)")
    await chat.send("/compare haiku vs gpt-4o-mini")
    for i in range(12):
        await chat.send(f":react voter{i} 1 {1 if i < 9 else 2}")
    chat.pop_all()
    await chat.send("/leaderboard")
    board = chat.pop().text
    assert "from 12 votes" in board
    ranked = [line for line in board.splitlines() if re.match(r"\s*\d+\s", line)]
    assert "Claude 3.5 Haiku" in ranked[0] and "GPT-4o mini" in ranked[1]


def test_the_module_docstring_example_runs() -> None:
    doc = adapters.console.__doc__ or ""
    example = textwrap.dedent(doc.split("::", 1)[1])
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(example, "console-example", "exec"), {})
    assert "2️⃣ Mistral Medium 3: 1 vote here" in out.getvalue()


async def test_the_interactive_loop_reads_lines_until_quit(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    stdin = io.StringIO("/compare haiku vs sonnet\n:react ann 1 2\n/quit\n/compare never\n")
    out = io.StringIO()
    await run_chat(catalogue, tmp_path / "loop.db", stdin=stdin, out=out)
    shown = out.getvalue()
    assert "--- card 1 ---" in shown
    assert "--- card 1, tallies updated ---" in shown
    assert "Claude 3.5 Sonnet: 1 vote here" in shown
    assert "never" not in shown.split("/quit")[-1]


async def test_verdicts_commands_subscribe_preview_post_and_unsubscribe(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    import datetime as dt

    now = [dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)]  # a Monday
    async with open_console(
        db=tmp_path / "w.db", catalogue=catalogue, clock=lambda: now[0]
    ) as chat:
        await chat.send("/verdicts now")
        assert "subscribe first" in chat.pop().text
        await chat.send("/verdicts subscribe mon 9 Europe/Paris")
        assert (
            chat.pop().text == "Subscribed: a weekly verdict here on Mondays at 09:00 Europe/Paris."
        )
        await chat.send("/verdicts preview")
        assert chat.pop().text.startswith(
            "Next weekly verdict in console/terminal: SmolVLM2 vs Mistral Medium 3, "
            "Mon 23 Nov 2026 09:00 Europe/Paris"
        )
        now[0] += dt.timedelta(
            hours=2
        )  # 08:00 UTC is 09:00 in Paris: any command runs the due post
        await chat.send("/help")
        said = chat.pop_all()
        cards = [m for m in said if m.kind == "card"]
        assert len(cards) == 1
        assert cards[0].text.startswith(
            "Weekly verdict\nThe first weekly verdict in this channel.\n\nSmolVLM2 vs Mistral"
        )
        await chat.send("/verdicts now")
        assert "already posted" in chat.pop().text
        await chat.send("/verdicts unsubscribe")
        assert chat.pop().text == "Unsubscribed."
        now[0] += dt.timedelta(days=7)
        await chat.send("/help")
        assert not [m for m in chat.pop_all() if m.kind == "card"]


async def test_verdicts_subscribe_explains_bad_input(chat: ConsoleSession) -> None:
    for line, says in [
        ("/verdicts subscribe someday 9", "is not a weekday"),
        ("/verdicts subscribe mon 25", "is not an hour"),
        ("/verdicts subscribe mon 9 Mars/Olympus", "is not a time zone"),
        ("/verdicts subscribe mon", "Usage: /verdicts subscribe"),
    ]:
        await chat.send(line)
        answer = chat.pop()
        assert answer.kind == "ephemeral" and says in answer.text


@pytest.mark.parametrize(
    ("typed", "when"),
    [
        ("monday 9am", "Mondays at 09:00 UTC"),
        ("monday 9 am", "Mondays at 09:00 UTC"),
        ("mon 9 am Europe/Paris", "Mondays at 09:00 Europe/Paris"),
        ("fri 09:00", "Fridays at 09:00 UTC"),
        ("fri 21h", "Fridays at 21:00 UTC"),
        ("sun 12am", "Sundays at 00:00 UTC"),
        ("sun 9pm", "Sundays at 21:00 UTC"),
    ],
)
async def test_verdicts_subscribe_reads_hours_as_people_write_them(
    chat: ConsoleSession, typed: str, when: str
) -> None:
    await chat.send(f"/verdicts subscribe {typed}")
    assert chat.pop().text == f"Subscribed: a weekly verdict here on {when}."


async def test_an_hour_past_the_clock_face_is_refused(chat: ConsoleSession) -> None:
    for typed in ("mon 13pm", "mon 24", "mon 9:30"):
        await chat.send(f"/verdicts subscribe {typed}")
        assert "is not an hour" in chat.pop().text
