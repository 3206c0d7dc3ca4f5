"""End to end through the terminal adapter: the same core flows Discord and Slack will use."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import sqlite3
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import adapters.console.chat
from adapters.console.chat import ConsoleSession, open_console, run_chat
from bot.catalogue import Catalogue


@pytest.fixture
async def chat(tmp_path: Path, catalogue: Catalogue) -> AsyncIterator[ConsoleSession]:
    async with open_console(db=tmp_path / "chat.db", catalogue=catalogue) as session:
        yield session


async def test_compare_posts_a_card_that_says_how_to_vote(chat: ConsoleSession) -> None:
    await chat.send("/compare smolvlm2 vs mistral-medium-3")
    card = chat.pop()
    assert card.kind == "card" and card.message_id == "1"
    assert card.text.startswith("SmolVLM2 vs Mistral Medium 3 — verdict: ship SmolVLM2.")
    assert "Votes here: 1️⃣ SmolVLM2 0 · 2️⃣ Mistral Medium 3 0. React to vote" in card.text
    assert ":reviews 1" in card.text
    assert chat.chat.reactions["1"] == ["1️⃣", "2️⃣"]


async def test_votes_move_and_retract_and_the_card_shows_the_tally(chat: ConsoleSession) -> None:
    await chat.send("/compare claude 3.5 haiku vs gpt-4o-mini vs gemini 2.0 flash")
    chat.pop_all()
    await chat.send(":react alice 1 2")
    edit = chat.pop()
    assert edit.kind == "edit" and "2️⃣ GPT-4o mini 1" in edit.text
    await chat.send(":react bob 1 2")
    await chat.send(":react alice 1 3")  # alice moves her vote
    chat.pop_all()
    await chat.send(":unreact bob 1 2")
    last = [m for m in chat.pop_all() if m.kind == "edit"][-1]
    assert "1️⃣ Claude 3.5 Haiku 0 · 2️⃣ GPT-4o mini 0 · 3️⃣ Gemini 2.0 Flash 1" in last.summary


async def test_the_bots_own_reaction_and_non_choices_change_nothing(chat: ConsoleSession) -> None:
    await chat.send("/compare claude 3.5 haiku vs claude 3.5 sonnet")
    chat.pop_all()
    await chat.send(":react verdict-bot 1 1")
    await chat.send(":react alice 1 3")
    await chat.send(":react alice 1 thumbsup")
    said = [m.text for m in chat.pop_all()]
    assert said == [
        "verdict-bot's reaction of 1️⃣ on card 1 changes nothing: the bot's own reactions are "
        "not votes.",
        "alice's reaction of 3️⃣ on card 1 changes nothing: it is not a choice on this card "
        "(1️⃣ Claude 3.5 Haiku, 2️⃣ Claude 3.5 Sonnet).",
        "alice's reaction of thumbsup on card 1 changes nothing: it is not a choice on this card "
        "(1️⃣ Claude 3.5 Haiku, 2️⃣ Claude 3.5 Sonnet).",
    ]


async def test_taking_back_a_vote_you_do_not_hold_says_why_nothing_changed(
    chat: ConsoleSession,
) -> None:
    await chat.send("/compare claude 3.5 haiku vs claude 3.5 sonnet")
    await chat.send(":unreact alice 1 1")
    await chat.send(":react alice 1 2")
    chat.pop_all()
    await chat.send(":unreact alice 1 1")
    await chat.send(":unreact bob 1 2")
    assert [m.text for m in chat.pop_all()] == [
        "alice's removal of 1️⃣ on card 1 changes nothing: alice's vote is 2️⃣ Claude 3.5 "
        "Sonnet, not 1️⃣.",
        "bob's removal of 2️⃣ on card 1 changes nothing: bob has no vote on this card.",
    ]
    await chat.send(":unreact alice 1 2")
    said = chat.pop_all()
    assert said[-1].text == "alice took back the vote 2️⃣ on card 1 (recorded)"


async def test_a_reaction_on_a_card_that_does_not_exist_is_explained(chat: ConsoleSession) -> None:
    await chat.send(":react alice 7 1")
    assert "There is no card '7'" in chat.pop().text


async def test_community_votes_follow_a_tool_onto_new_cards(chat: ConsoleSession) -> None:
    await chat.send("/compare claude 3.5 haiku vs gpt-4o")
    for user in ("ann", "bob", "cy"):
        await chat.send(f":react {user} 1 1")
    chat.pop_all()
    await chat.send("/compare gpt-4o vs claude 3.5 haiku vs gemini 2.0 flash")
    card = chat.pop().text
    names = ("GPT-4o  ", "Claude 3.5 Haiku  ", "Gemini 2.0 Flash  ")
    rows = {
        line.split("  ")[0]: line.split() for line in card.splitlines() if line.startswith(names)
    }
    assert rows["GPT-4o"][3:6] == ["0%", "of", "3"]
    assert rows["Claude 3.5 Haiku"][5:8] == ["100%", "of", "3"]
    assert rows["Gemini 2.0 Flash"][5] == "—"
    assert "Head to head" not in card  # only two-tool cards carry it


async def test_two_tool_cards_show_the_head_to_head_in_either_order(chat: ConsoleSession) -> None:
    await chat.send("/compare claude 3.5 haiku vs gpt-4o")
    await chat.send(":react ann 1 1")
    chat.pop_all()
    await chat.send("/compare gpt-4o vs claude 3.5 haiku")
    card = chat.pop().text
    assert "Head to head on every card with both: GPT-4o 0, Claude 3.5 Haiku 1." in card


async def test_a_bad_question_gets_a_private_answer_that_pings_nobody(chat: ConsoleSession) -> None:
    await chat.send("/compare gpt 9 vs claude 3.5 haiku", user="dana")
    answer = chat.pop()
    assert answer.kind == "ephemeral" and answer.to_user == "dana"
    assert "GPT-4o" in answer.text
    await chat.send("/compare \x1b[2J@everyone vs claude 3.5 haiku")
    assert "\x1b" not in chat.pop().text


async def test_every_compare_is_logged_for_the_weekly_pick(
    chat: ConsoleSession, tmp_path: Path
) -> None:
    await chat.send("/compare claude 3.5 haiku vs gpt-4o")
    await chat.send("/compare gpt 9 vs claude 3.5 haiku")  # unanswered: not logged
    rows = sqlite3.connect(tmp_path / "chat.db").execute("SELECT tools FROM requests").fetchall()
    assert rows == [('["claude-3-5-haiku", "gpt-4o"]',)]


async def test_tool_and_leaderboard_commands(chat: ConsoleSession) -> None:
    await chat.send("/tool gemni 2.0 flash")
    assert chat.pop().text.startswith("Gemini 2.0 Flash (gemini-2-0-flash)")
    await chat.send("/compare claude 3.5 haiku vs gpt-4o-mini")
    for i in range(12):
        await chat.send(f":react voter{i} 1 {1 if i < 9 else 2}")
    chat.pop_all()
    await chat.send("/leaderboard")
    board = chat.pop().text
    assert "from 12 votes" in board
    ranked = [line for line in board.splitlines() if re.match(r"\s*\d+\s", line)]
    assert "Claude 3.5 Haiku" in ranked[0] and "GPT-4o mini" in ranked[1]
    await chat.send("/compare haiku vs smolvlm2")
    await chat.send(":react voter1 2 1")
    chat.pop_all()
    await chat.send("/leaderboard vision-language")
    vision = " ".join(chat.pop().text.split())
    # The only vote went to Claude 3.5 Haiku, an llm: on the vision-language board it is out.
    assert "from 0 votes" in vision and "nothing is ranked" in vision
    assert "Cards that mix categories count here only between their vision-language tools" in (
        vision
    )
    await chat.send("/leaderboard robots", user="dana")
    refused = chat.pop()
    assert refused.kind == "ephemeral" and refused.to_user == "dana"
    assert refused.text.startswith('No category "robots". Known: agent-framework, chat-assistant,')


def test_the_module_docstring_example_runs() -> None:
    doc = adapters.console.chat.__doc__ or ""
    example = textwrap.dedent(doc.split("::", 1)[1])
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(example, "console-example", "exec"), {})
    assert "2️⃣ Mistral Medium 3 1" in out.getvalue()


async def test_the_interactive_loop_reads_lines_until_quit(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    stdin = io.StringIO(
        "/compare claude 3.5 haiku vs claude 3.5 sonnet\n:react ann 1 2\n/quit\n/compare never\n"
    )
    out = io.StringIO()
    await run_chat(catalogue, tmp_path / "loop.db", stdin=stdin, out=out)
    shown = out.getvalue()
    assert "--- card 1 ---" in shown
    assert "--- card 1, tallies updated ---" in shown
    assert "2️⃣ Claude 3.5 Sonnet 1" in shown
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
            "Weekly verdict\nThe first weekly verdict in this channel.\nSmolVLM2 vs Mistral"
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


async def test_card_numbers_continue_across_sessions_and_votes_land_on_the_card_shown(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    db = tmp_path / "twice.db"
    async with open_console(db=db, catalogue=catalogue) as first:
        await first.send("/compare claude 3.5 haiku vs claude 3.5 sonnet")
        assert first.pop().message_id == "1"
    async with open_console(db=db, catalogue=catalogue) as second:
        await second.send("/compare smolvlm2 vs mistral-medium-3")
        card = second.pop()
        assert card.message_id == "2" and ":reviews 2" in card.text
        await second.send(":react zed 2 1")
        edit, said = second.pop_all()
        assert edit.kind == "edit" and edit.message_id == "2"
        assert "1️⃣ SmolVLM2 1" in (edit.summary or "")
        assert said.text == "zed voted 1️⃣ on card 2 (recorded)"
        await second.send(":react zed 1 2")  # the first session's card still takes votes
        assert "2️⃣ Claude 3.5 Sonnet 1" in (second.pop().summary or "")
    rows = sqlite3.connect(db).execute("SELECT message_id FROM cards ORDER BY id").fetchall()
    assert rows == [("1",), ("2",)]


async def test_reviews_shows_each_reviewers_full_review_of_each_tool(
    chat: ConsoleSession, catalogue: Catalogue
) -> None:
    await chat.send("/compare smolvlm2 vs mistral-medium-3")
    chat.pop_all()
    await chat.send(":reviews 1")
    reviews = chat.pop().text
    assert reviews.startswith("Full reviews: SmolVLM2 vs Mistral Medium 3")
    body = catalogue.by_slug["mistral-medium-3"].panel["skeptic"].body
    assert " ".join(body.split()[:8]) in " ".join(reviews.split())
    assert reviews.count("The Buyer:") == 2
    await chat.send(":reviews 9")
    assert "There is no card '9'" in chat.pop().text


async def test_every_unresolved_name_is_reported_at_once_with_numbered_choices(
    chat: ConsoleSession,
) -> None:
    await chat.send("/compare mistral vs openai", user="dana")
    answer = chat.pop()
    assert answer.kind == "ephemeral" and answer.to_user == "dana"
    assert '"mistral" could be several tools' in answer.text
    assert '"openai" could be several tools' in answer.text
    assert "1. Mistral Medium 3 (for 'mistral')" in answer.text  # newest active first
    await chat.send(":pick 1", user="dana")
    again = chat.pop()  # mistral is settled; openai still needs an answer
    assert '"mistral"' not in again.text and '"openai" could be several tools' in again.text
    await chat.send(":pick 3", user="dana")  # 1 is OpenAI Agents SDK, 2 gpt-oss-120b
    card = chat.pop()
    assert card.kind == "card" and card.text.startswith("Mistral Medium 3 vs GPT-5")
    await chat.send(":pick 1", user="dana")  # the answered question is not asked again
    assert chat.pop().kind == "card"


async def test_a_picked_choice_keeps_the_use_case_and_the_duration_asked(
    chat: ConsoleSession,
) -> None:
    await chat.send("/compare mistral vs gpt-5 for coding for 36h", user="dana")
    assert "1. Mistral Medium 3 (for 'mistral')" in chat.pop().text
    await chat.send(":pick 1", user="dana")
    card = chat.pop()
    assert card.kind == "card"
    assert card.text.startswith("Mistral Medium 3 vs GPT-5 for coding — verdict:")
    assert "ends 5 Dec" in card.text  # 36 hours after it was asked, as typed


async def test_an_unknown_name_in_the_terminal_points_to_tools_not_the_cli(
    chat: ConsoleSession,
) -> None:
    await chat.send("/compare qqqqqq vs haiku")
    text = chat.pop().text
    assert "`/tools` lists every tool." in text and "verdict list" not in text


async def test_tools_lists_the_catalogue_filtered_and_paged(chat: ConsoleSession) -> None:
    await chat.send("/tools vision")
    page = chat.pop().text
    assert page.startswith('7 tools matching "vision", page 1 of 1')
    assert "SmolVLM2 (smolvlm2) · Hugging Face · vision-language" in page
    assert "GPT-4o" not in page
    await chat.send("/tools anthropic")
    assert chat.pop().text.startswith('6 tools matching "anthropic"')
    await chat.send("/tools nothing-like-this")
    assert chat.pop().text.startswith('No tool matching "nothing-like-this"')


async def test_tools_opens_on_the_tools_in_use_the_newest_first(
    chat: ConsoleSession, catalogue: Catalogue
) -> None:
    # The same order as `verdict list` (bot.catalogue.listing): not the alphabet's "Ada".
    today = dt.datetime.now(dt.UTC).date()
    await chat.send("/tools")
    first = chat.pop().text.splitlines()[1:16]
    slugs = [line.split(" · ")[0].rsplit("(", 1)[1].rstrip(")") for line in first]
    shown = [catalogue.by_slug[slug] for slug in slugs]
    assert all(t.status_on(today) == "active" for t in shown)
    newest = sorted(
        (t for t in catalogue.tools if t.status_on(today) == "active"),
        key=lambda t: t.released or dt.date.min,
        reverse=True,
    )
    assert shown[0].released == newest[0].released
    await chat.send("/tools anthropic")
    page = chat.pop().text.splitlines()[1:]
    slugs = [line.split(" · ")[0].rsplit("(", 1)[1].rstrip(")") for line in page]
    statuses = [catalogue.by_slug[slug].status_on(today) for slug in slugs]
    assert statuses == sorted(statuses, key=["active", "deprecated", "retired"].index)
    assert statuses[-1] == "retired"  # Claude 3.5 Sonnet and the like: last


async def test_compare_for_a_use_case_says_it_first_and_keeps_it_on_every_edit(
    chat: ConsoleSession,
) -> None:
    await chat.send("/compare gpt-4o-mini vs mistral-large for vision for 24h")
    card = chat.pop_all()[0]
    assert card.text.startswith(
        "GPT-4o mini vs Mistral Large for vision — verdict: ship GPT-4o mini."
    )
    assert "Mistral Large does not read images" in card.text
    assert "ends" in card.text  # the duration stays a duration
    await chat.send(":react alice 1 1")
    edit = [m for m in chat.pop_all() if m.kind == "edit"][-1]
    assert edit.text.startswith("GPT-4o mini vs Mistral Large for vision — verdict:")


async def test_a_retired_model_never_wins_and_the_successor_comparison_is_offered(
    chat: ConsoleSession,
) -> None:
    # The bundled catalogue's one chain that ends inside it: Claude 3.5 Haiku (retired
    # 2026-02-19) → Claude Haiku 4.5, still served.
    await chat.send("/compare claude 3.5 haiku vs gpt-4o")
    card, offer = chat.pop_all()[:2]
    assert "verdict: ship GPT-4o." in card.text
    assert "Claude 3.5 Haiku was retired on 2026-02-19" in card.text
    assert offer.kind == "ephemeral"
    assert offer.text == (
        "Claude 3.5 Haiku is retired. Compare the live models instead: "
        "/compare Claude Haiku 4.5 vs GPT-4o"
    )


async def test_an_unknown_use_case_gets_a_short_answer_naming_the_known_ones(
    chat: ConsoleSession,
) -> None:
    await chat.send("/compare gpt-4o vs gpt-5 for poetry")
    [answer] = chat.pop_all()
    assert answer.kind == "ephemeral"
    assert answer.text.startswith('"poetry" is not a length of time.')
    assert "for coding" in answer.text


async def test_the_leaderboard_for_a_use_case_counts_only_cards_asked_for_it(
    chat: ConsoleSession,
) -> None:
    await chat.send("/compare gpt-4o vs gpt-4o-mini for coding")
    for i in range(3):
        await chat.send(f":react coder{i} 1 1")
    await chat.send("/compare gpt-4o vs gpt-4o-mini")
    for i in range(5):
        await chat.send(f":react someone{i} 2 2")
    chat.pop_all()
    await chat.send("/leaderboard coding")
    board = chat.pop().text
    assert board.startswith("Community leaderboard (cards asked for coding), from 3 votes")
    await chat.send("/leaderboard")
    assert "from 8 votes" in chat.pop().text
