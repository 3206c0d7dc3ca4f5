"""Poll-grade voting on Slack over real HTTP on 127.0.0.1: signed button presses into the Bolt
app, read back from what the mock Web API received (chat.update, chat.postEphemeral)."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import sqlite3
import time
import urllib.parse
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.bot import EVENTS_PATH, SlackVerdicts, build_app
from adapters.slack.render import CLOSE_ACTION, block_lines
from bot.catalogue import Catalogue
from bot.commands import PRESS_FAILED
from bot.votes import EditCoalescer, Store
from tests.adapters.test_slack import CHANNEL, SlackHarness, eventually
from tests.fake_slack import BOT_USER, FakeSlack
from tests.loopback import serve

PAIR = "smolvlm2 vs mistral-medium-3"
_triggers = itertools.count(1)


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def slack(tmp_path: Path, catalogue: Catalogue, clock: Clock) -> AsyncIterator[SlackHarness]:
    fake = FakeSlack()
    client = AsyncWebClient(token="xoxb-test", base_url=await fake.start())
    store = await Store.open(tmp_path / "slack.db", clock=clock)
    services = SlackVerdicts(
        client,
        catalogue,
        store,
        bot_user_id=BOT_USER,
        admin_user_ids=frozenset({"UADMIN"}),
        edits=EditCoalescer(interval=0.05),
        clock=clock,
    )
    app = build_app(lambda: services, client=client, signing_secret="test-signing-secret")
    runner, port = await serve(app.web_app(path=EVENTS_PATH))
    harness = SlackHarness(fake, services, f"http://127.0.0.1:{port}{EVENTS_PATH}")
    yield harness
    await harness.session.close()
    await services.edits.drain()
    await runner.cleanup()
    await store.close()
    await fake.stop()


async def post(slack: SlackHarness, text: str = PAIR, user: str = "UASK") -> dict[str, Any]:
    """/compare; returns the card's chat.postMessage call."""
    store = slack.services.store
    before = len(await store.fetch("SELECT id FROM cards"))
    assert (await slack.command("/compare", text, user=user)).status == 200
    for _ in range(500):  # the card is stored once Slack has accepted its message
        rows = await store.fetch("SELECT message_id FROM cards ORDER BY id DESC")
        if len(rows) > before:
            break
        await asyncio.sleep(0.01)
    message = slack.fake.of("chat.postMessage")[-1].args
    return {**message, "ts": rows[0][0]}


async def press(
    slack: SlackHarness, action_id: str, ts: str, user: str, *, trigger: str | None = None
) -> aiohttp.ClientResponse:
    """A button press on the card `ts`, form-encoded `payload=<json>` as Slack sends it."""
    payload = {
        "type": "block_actions",
        "team": {"id": "T1"},
        "user": {"id": user},
        "api_app_id": "A1",
        "token": "x",
        "container": {"type": "message", "message_ts": ts, "channel_id": CHANNEL},
        "trigger_id": trigger or f"trig-{next(_triggers)}",
        "channel": {"id": CHANNEL, "name": "general"},
        "message": {"ts": ts, "type": "message"},
        "response_url": f"{slack.fake.base_url}response_url",
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "b",
                "value": action_id[-1],
                "action_ts": "1700000000.1",
            }
        ],
    }
    body = urllib.parse.urlencode({"payload": json.dumps(payload)})
    return await slack.post(body, "application/x-www-form-urlencoded")


async def answer_to(slack: SlackHarness, user: str, count: int) -> str:
    """The `count`th private answer to `user` (1-based), once it has been sent."""

    def answers() -> list[str]:
        return [
            c.args["text"] for c in slack.fake.of("chat.postEphemeral") if c.args["user"] == user
        ]

    await eventually(lambda: len(answers()) >= count)
    return answers()[count - 1]


def updates(slack: SlackHarness, ts: str) -> list[list[str]]:
    return [
        block_lines(c.args["blocks"]) for c in slack.fake.of("chat.update") if c.args["ts"] == ts
    ]


async def settings(slack: SlackHarness, text: str) -> str:
    before = len(slack.fake.of("chat.postEphemeral"))
    await slack.command("/verdicts", f"settings {text}", user="UADMIN")
    await eventually(lambda: len(slack.fake.of("chat.postEphemeral")) > before)
    return str(slack.fake.of("chat.postEphemeral")[-1].args["text"])


async def tally(slack: SlackHarness, ts: str) -> tuple[int, ...]:
    card = await slack.services.store.find_card("slack", CHANNEL, ts)
    assert card is not None
    return await slack.services.store.card_tally(card.id)


async def test_button_votes_change_retract_answer_privately_and_never_show_the_split(
    slack: SlackHarness,
) -> None:
    assert "results:closed" in await settings(slack, "results:closed votes:buttons")
    card = await post(slack)
    assert not slack.fake.of("reactions.add")
    [actions] = [b for b in card["blocks"] if b["type"] == "actions"]
    ids = [e["action_id"] for e in actions["elements"]]
    assert ids == ["verdict_reviews", "verdict_vote_0", "verdict_vote_1", CLOSE_ACTION]
    assert "0 votes, split hidden until 1 Dec 12:00 UTC" in str(card["blocks"])

    response = await press(slack, "verdict_vote_0", card["ts"], "U1")
    assert response.status == 200
    assert await tally(slack, card["ts"]) == (1, 0)  # committed before the 200
    assert await answer_to(slack, "U1", 1) == (
        "You voted SmolVLM2 — press another to change, the same one to take it back."
    )
    await press(slack, "verdict_vote_1", card["ts"], "U1")
    assert (await answer_to(slack, "U1", 2)).startswith("You voted Mistral Medium 3")
    await press(slack, "verdict_vote_0", card["ts"], "U2")
    await press(slack, "verdict_vote_0", card["ts"], "U2")
    assert await answer_to(slack, "U2", 2) == (
        "Your vote is taken back — press a button to vote again."
    )
    assert await tally(slack, card["ts"]) == (0, 1)
    await slack.services.edits.drain()
    shown = updates(slack, card["ts"])
    assert shown and any(line == "1 vote, split hidden until 1 Dec 12:00 UTC" for line in shown[-1])
    for lines in shown:  # every edit Slack received: a count, never the split
        [votes] = [line for line in lines if "split hidden until" in line]
        assert ":one:" not in votes and ":two:" not in votes and "Votes here" not in votes


async def test_a_redelivered_press_counts_once(slack: SlackHarness) -> None:
    await settings(slack, "votes:buttons")
    card = await post(slack)
    for _ in range(2):
        assert (
            await press(slack, "verdict_vote_1", card["ts"], "U1", trigger="same")
        ).status == 200
    assert await tally(slack, card["ts"]) == (0, 1)


async def test_close_vote_by_the_asker_shows_the_final_line_and_later_presses_are_refused(
    slack: SlackHarness,
) -> None:
    await settings(slack, "votes:buttons")
    card = await post(slack)
    await press(slack, "verdict_vote_1", card["ts"], "U1")
    await press(slack, CLOSE_ACTION, card["ts"], "U1")  # not the asker, not an admin
    assert (await answer_to(slack, "U1", 2)).startswith("Only the person who asked")
    await press(slack, CLOSE_ACTION, card["ts"], "UASK")
    assert await answer_to(slack, "UASK", 1) == (
        "Vote closed. Final: Mistral Medium 3 1 – SmolVLM2 0"
    )
    last = slack.fake.of("chat.update")[-1].args
    assert "Final: Mistral Medium 3 1 – SmolVLM2 0 · vote closed" in block_lines(last["blocks"])
    [actions] = [b for b in last["blocks"] if b["type"] == "actions"]
    assert [e["action_id"] for e in actions["elements"]] == ["verdict_reviews"]  # no voting
    await press(slack, "verdict_vote_0", card["ts"], "U2")
    assert (await answer_to(slack, "U2", 1)).startswith(
        "This vote is closed; your press was not counted. Final: Mistral Medium 3 1"
    )
    assert await tally(slack, card["ts"]) == (0, 1)


async def test_a_timed_card_closes_by_itself_and_a_late_reaction_is_told_why(
    slack: SlackHarness, clock: Clock
) -> None:
    card = await post(slack, f"{PAIR} for 2d")
    assert "ends 26 Nov 12:00 UTC" in str(card["blocks"])
    await slack.reaction("U1", "one", card["ts"], event_ts="1700000001.000001", event_id="Ev1")
    clock.now += dt.timedelta(days=2)
    await slack.services.weekly.scheduler.run_once()  # the bot's loop, also run at start-up
    await slack.services.edits.drain()
    assert "Final: SmolVLM2 1 – Mistral Medium 3 0 · vote closed" in updates(slack, card["ts"])[-1]
    await slack.reaction("U2", "two", card["ts"], event_ts="1700000002.000001", event_id="Ev2")
    assert await answer_to(slack, "U2", 1) == "This vote is closed; your reaction was not counted."
    assert await tally(slack, card["ts"]) == (1, 0)


async def test_close_by_command_with_a_message_link_is_for_admins_and_askers(
    slack: SlackHarness,
) -> None:
    card = await post(slack)
    link = f"https://team.slack.com/archives/{CHANNEL}/p{card['ts'].replace('.', '')}"
    await slack.command("/verdicts", f"close {link}", user="UADMIN")
    assert await answer_to(slack, "UADMIN", 1) == (
        "Vote closed. Final: SmolVLM2 0 – Mistral Medium 3 0"
    )
    await slack.command("/verdicts", "close banana", user="UASK")
    assert (await answer_to(slack, "UASK", 1)).startswith("Which card?")


async def test_settings_need_an_admin_and_bad_input_is_explained(slack: SlackHarness) -> None:
    await slack.command("/verdicts", "settings votes:buttons", user="U1")
    assert (await answer_to(slack, "U1", 1)).startswith("Only a workspace admin or owner")
    assert '"votes:ballot" is not a setting' in await settings(slack, "votes:ballot")
    await slack.command("/compare", f"{PAIR} for banana", user="U2")
    assert (await answer_to(slack, "U2", 1)).startswith('"banana" is not a length of time.')


async def test_a_failed_commit_is_told_to_the_presser_privately(
    slack: SlackHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await settings(slack, "votes:buttons")
    card = await post(slack)

    async def broken(*args: Any, **kwargs: Any) -> bool:
        raise ConnectionError("the database went away")

    monkeypatch.setattr(slack.services.store, "record_vote", broken)
    assert (await press(slack, "verdict_vote_0", card["ts"], "U1")).status == 200
    assert await answer_to(slack, "U1", 1) == PRESS_FAILED


async def test_close_by_a_link_to_another_channel_goes_by_the_rights_in_that_channel(
    slack: SlackHarness,
) -> None:
    elsewhere = "C0ELSEWHERE"
    card = await slack.services.bot.post_card(
        elsewhere, ["smolvlm2", "mistral-medium-3"], asked_by="UASK"
    )
    link = f"https://team.slack.com/archives/{elsewhere}/p{card.message_id.replace('.', '')}"
    await slack.command("/verdicts", f"close {link}", user="U1")  # typed here, not its asker
    assert (await answer_to(slack, "U1", 1)).startswith("Only the person who asked")
    await slack.command("/verdicts", f"close {link}", user="UASK")
    assert await answer_to(slack, "UASK", 1) == (
        "Vote closed. Final: SmolVLM2 0 – Mistral Medium 3 0"
    )


async def test_a_slow_tally_edit_never_lands_after_the_final_line(slack: SlackHarness) -> None:
    services = slack.services
    card = await services.bot.post_card(CHANNEL, ["smolvlm2", "mistral-medium-3"], asked_by="UA")
    slack.fake.update_delays = [0.4]  # the tally edit below reaches Slack late
    await slack.reaction("U1", "one", card.message_id, event_ts="1700000001.000001", event_id="Ev1")
    await asyncio.sleep(0.1)  # that edit has read the open card and is on its way
    await services.desk.close_card(card, closed_by="x")
    await services.edits.drain()
    assert (
        "Final: SmolVLM2 1 – Mistral Medium 3 0 · vote closed"
        in updates(slack, card.message_id)[-1]
    )
    assert await services.desk.polls.unshown("slack") == []


async def test_an_edit_sent_by_another_process_before_the_close_is_followed_by_the_final_line(
    slack: SlackHarness, catalogue: Catalogue
) -> None:
    services = slack.services
    other = SlackVerdicts(  # a second process: its own edit queue, the same database
        services.platform.client,
        catalogue,
        services.store,
        bot_user_id=BOT_USER,
        edits=EditCoalescer(interval=0.05),
    )
    card = await services.bot.post_card(CHANNEL, ["smolvlm2", "mistral-medium-3"], asked_by="UA")
    slack.fake.update_delays = [0.4]
    await other.bot.refresh(card)
    await asyncio.sleep(0.1)
    await services.desk.close_card(card, closed_by="x")
    await other.edits.drain()
    await services.edits.drain()
    assert (
        "Final: SmolVLM2 0 – Mistral Medium 3 0 · vote closed"
        in updates(slack, card.message_id)[-1]
    )


async def test_a_press_whose_commit_is_held_is_acked_in_time_and_answered_later(
    slack: SlackHarness, tmp_path: Path
) -> None:
    await settings(slack, "votes:buttons")
    card = await post(slack)
    holder = sqlite3.connect(tmp_path / "slack.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another connection holds the database's write lock
    try:
        started = time.monotonic()
        response = await press(slack, "verdict_vote_0", card["ts"], "U1")
        assert response.status == 200
        assert time.monotonic() - started < 3.0  # acked within Slack's 3 seconds
        assert not [c for c in slack.fake.of("chat.postEphemeral") if c.args["user"] == "U1"]
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        # Pass or fail, the commit has ended before the store closes under it.
        answer = await answer_to(slack, "U1", 1)
    assert answer.startswith("You voted SmolVLM2")
    assert await tally(slack, card["ts"]) == (1, 0)
