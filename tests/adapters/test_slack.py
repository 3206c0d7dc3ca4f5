"""The Slack adapter over real HTTP on 127.0.0.1: signed requests into the Bolt app's own aiohttp
server, and the bot's slack_sdk client talking to a mock Web API that records every call."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import urllib.parse
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.bot import EVENTS_PATH, NOT_ALLOWED, SlackVerdicts, build_app
from adapters.slack.render import (
    CONTEXT_LIMIT,
    FIELD_LIMIT,
    HEADER_LIMIT,
    MAX_BLOCKS,
    MAX_FIELDS,
    SECTION_LIMIT,
    card_blocks,
)
from bot.catalogue import Catalogue, Review, Tool
from bot.compare import Comparer
from bot.platform import PostedCard
from bot.votes import EditCoalescer, Store
from tests.fake_slack import BOT_USER, FakeSlack
from tests.loopback import serve
from tests.unreviewed import with_unreviewed

SECRET = "test-signing-secret"
CHANNEL = "C0CHANNEL"
_triggers = itertools.count(1)


class SlackHarness:
    def __init__(self, fake: FakeSlack, services: SlackVerdicts, url: str) -> None:
        self.fake = fake
        self.services = services
        self.url = url
        self.session = aiohttp.ClientSession()

    async def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        secret: str = SECRET,
        headers: dict[str, str] | None = None,
    ) -> aiohttp.ClientResponse:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
        sent = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature,
            **(headers or {}),
        }
        async with self.session.post(self.url, data=body.encode(), headers=sent) as response:
            await response.read()
            return response

    async def command(
        self, name: str, text: str, user: str = "U1", trigger: str | None = None, **kw: Any
    ) -> aiohttp.ClientResponse:
        body = urllib.parse.urlencode(
            {
                "command": name,
                "text": text,
                "channel_id": CHANNEL,
                "user_id": user,
                "team_id": "T1",
                "response_url": "https://hooks.invalid/x",
                "trigger_id": trigger or f"t{next(_triggers)}",
            }
        )
        return await self.post(body, "application/x-www-form-urlencoded", **kw)

    async def action(
        self, action_id: str, value: str, user: str = "U1", *, ephemeral: bool = False
    ) -> aiohttp.ClientResponse:
        """A button press, as Slack sends it: form-encoded `payload=<json>`."""
        payload = {
            "type": "block_actions",
            "team": {"id": "T1"},
            "user": {"id": user},
            "api_app_id": "A1",
            "token": "x",
            "container": {"type": "message", "is_ephemeral": ephemeral},
            "trigger_id": "t",
            "channel": {"id": CHANNEL, "name": "general"},
            "response_url": f"{self.fake.base_url}response_url",
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": "b",
                    "value": value,
                    "action_ts": "1700000000.1",
                }
            ],
        }
        body = urllib.parse.urlencode({"payload": json.dumps(payload)})
        return await self.post(body, "application/x-www-form-urlencoded")

    async def reaction(
        self,
        user: str,
        name: str,
        ts: str,
        *,
        added: bool = True,
        event_ts: str,
        event_id: str,
        retry: int | None = None,
    ) -> aiohttp.ClientResponse:
        body = json.dumps(
            {
                "token": "x",
                "team_id": "T1",
                "api_app_id": "A1",
                "type": "event_callback",
                "event_id": event_id,
                "event_time": int(float(event_ts)),
                "event": {
                    "type": "reaction_added" if added else "reaction_removed",
                    "user": user,
                    "reaction": name,
                    "item": {"type": "message", "channel": CHANNEL, "ts": ts},
                    "item_user": BOT_USER,
                    "event_ts": event_ts,
                },
            }
        )
        headers = (
            {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
            if retry
            else None
        )
        return await self.post(body, "application/json", headers=headers)


async def tally_becomes(slack: SlackHarness, ts: str, expected: tuple[int, ...]) -> None:
    """Events are processed after the ack: wait (bounded) until the stored tally settles."""
    card = await slack.services.store.find_card("slack", CHANNEL, ts)
    assert card is not None
    deadline = asyncio.get_running_loop().time() + 5.0
    while (tally := await slack.services.store.card_tally(card.id)) != expected:
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"tally stayed {tally}, expected {expected}")
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.1)  # anything still in flight would change it now
    assert await slack.services.store.card_tally(card.id) == expected


async def eventually(check: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


@pytest.fixture
async def slack(tmp_path: Path, catalogue: Catalogue) -> AsyncIterator[SlackHarness]:
    fake = FakeSlack()
    client = AsyncWebClient(token="xoxb-test", base_url=await fake.start())
    store = await Store.open(tmp_path / "slack.db")
    services = SlackVerdicts(
        client,
        catalogue,
        store,
        bot_user_id=BOT_USER,
        admin_user_ids=frozenset({"UADMIN"}),
        edits=EditCoalescer(interval=0.2),
    )
    app = build_app(lambda: services, client=client, signing_secret=SECRET)
    runner, port = await serve(app.web_app(path=EVENTS_PATH))
    harness = SlackHarness(fake, services, f"http://127.0.0.1:{port}{EVENTS_PATH}")
    yield harness
    await harness.session.close()
    await services.edits.drain()
    await runner.cleanup()
    await store.close()
    await fake.stop()


async def _compare(slack: SlackHarness, text: str) -> str:
    started = time.perf_counter()
    response = await slack.command("/compare", text)
    assert response.status == 200
    assert time.perf_counter() - started < 3.0
    await eventually(lambda: len(slack.fake.of("reactions.add")) >= 2)
    return str(slack.fake.of("reactions.add")[-1].args["timestamp"])


async def test_compare_acks_posts_blocks_adds_reactions_and_registers_the_card(
    slack: SlackHarness,
) -> None:
    ts = await _compare(slack, "smolvlm2 vs mistral-medium-3")
    [post] = slack.fake.of("chat.postMessage")
    assert post.args["channel"] == CHANNEL
    assert post.args["text"] == "SmolVLM2 vs Mistral Medium 3 — verdict: ship SmolVLM2."
    header = post.args["blocks"][0]
    assert header == {
        "type": "header",
        "text": {
            "type": "plain_text",
            "text": "SmolVLM2 vs Mistral Medium 3 — verdict: ship SmolVLM2.",
        },
    }
    assert post.args["blocks"][1]["text"]["text"].startswith("3 of 4 reviewers ship SmolVLM2")
    button, close = post.args["blocks"][-1]["elements"]  # Full reviews, then Close vote
    assert close["action_id"] == "verdict_close"
    assert (button["action_id"], button["value"]) == (
        "verdict_reviews",
        "smolvlm2+mistral-medium-3",
    )
    assert [c.args["name"] for c in slack.fake.of("reactions.add")] == ["one", "two"]
    card = await slack.services.store.find_card("slack", CHANNEL, ts)
    assert card is not None and card.tools == ("smolvlm2", "mistral-medium-3")


async def test_reactions_vote_and_a_retried_event_counts_once(slack: SlackHarness) -> None:
    ts = await _compare(slack, "claude 3.5 haiku vs gpt-4o-mini")
    await slack.reaction("U1", "one", ts, event_ts="1700000100.000100", event_id="Ev1")
    await slack.reaction("U1", "one", ts, event_ts="1700000100.000100", event_id="Ev1", retry=1)
    await slack.reaction("U2", "two", ts, event_ts="1700000101.000100", event_id="Ev2")
    await slack.reaction("U2", "two", ts, added=False, event_ts="1700000102.000100", event_id="Ev3")
    # the retry of U2's add arrives after the removal: it must not bring the vote back
    await slack.reaction("U2", "two", ts, event_ts="1700000101.000100", event_id="Ev2b", retry=2)
    await slack.reaction(BOT_USER, "two", ts, event_ts="1700000103.000100", event_id="Ev4")
    await tally_becomes(slack, ts, (1, 0))


async def test_forged_or_stale_requests_are_rejected_and_store_nothing(slack: SlackHarness) -> None:
    forged = await slack.command("/compare", "claude 3.5 haiku vs gpt-4o", secret="wrong-secret")
    stale = await slack.command(
        "/compare", "claude 3.5 haiku vs gpt-4o", timestamp=int(time.time()) - 301
    )
    assert forged.status == 401 and stale.status == 401
    await asyncio.sleep(0.2)
    assert slack.fake.of("chat.postMessage") == []
    assert await slack.services.store.vote_rows() == []


async def test_a_burst_of_reactions_gives_few_updates_with_the_final_tally(
    slack: SlackHarness,
) -> None:
    ts = await _compare(slack, "claude 3.5 haiku vs gpt-4o-mini")
    await asyncio.gather(
        *(
            slack.reaction(
                f"U{i}",
                "one" if i % 3 else "two",
                ts,
                event_ts=f"1700000200.{i:06d}",
                event_id=f"Ev{i}",
            )
            for i in range(60)
        )
    )
    await tally_becomes(slack, ts, (40, 20))
    await slack.services.edits.drain()
    updates = slack.fake.of("chat.update")
    assert 1 <= len(updates) <= 8
    footer = updates[-1].args["blocks"][-2]["elements"][0]["text"]
    assert footer.startswith("Votes here: :one: 40 · :two: 20 · react to vote")


async def test_a_bad_query_gets_an_ephemeral_answer_that_pings_nobody(slack: SlackHarness) -> None:
    response = await slack.command("/compare", "<!channel> vs <@U123> & gpt 9")
    assert response.status == 200
    await eventually(lambda: bool(slack.fake.of("chat.postEphemeral")))
    [answer] = slack.fake.of("chat.postEphemeral")
    assert answer.args["user"] == "U1"
    text = answer.args["text"]
    assert "<!channel>" not in text and "<@U123>" not in text
    assert "&lt;!channel&gt;" in text
    assert slack.fake.of("chat.postMessage") == []


async def said_to_users(slack: SlackHarness, n: int) -> list[str]:
    await eventually(lambda: len(slack.fake.of("chat.postEphemeral")) == n)
    return [c.args["text"] for c in slack.fake.of("chat.postEphemeral")]


async def test_subscribing_a_channel_grants_its_member_no_rights(slack: SlackHarness) -> None:
    # A plain member may neither subscribe an unsubscribed channel nor, having got a
    # subscription made by an admin, manage it: rights come from Slack's roles only.
    await slack.command("/verdicts", "subscribe friday 5 pm Europe/Paris", user="U1")
    assert (await said_to_users(slack, 1))[0] == NOT_ALLOWED
    assert await slack.services.weekly.store.subscription("slack", CHANNEL) is None
    await slack.command("/verdicts", "subscribe friday 5 pm Europe/Paris", user="UADMIN")
    assert (await said_to_users(slack, 2))[1] == (
        "Subscribed: a weekly verdict here on Fridays at 17:00 Europe/Paris."
    )
    for n, text in enumerate(
        ["unsubscribe", "now", "public ML team", "private", "settings votes:buttons"], start=3
    ):
        await slack.command("/verdicts", text, user="U1")
        assert (await said_to_users(slack, n))[-1].startswith(NOT_ALLOWED)
    assert slack.fake.of("chat.postMessage") == []
    await slack.command("/verdicts", "preview", user="U1")  # reading is for everyone
    assert not (await said_to_users(slack, 8))[-1].startswith(NOT_ALLOWED)
    await slack.command("/verdicts", "now", user="UADMIN")
    await said_to_users(slack, 9)
    [card] = slack.fake.of("chat.postMessage")
    assert card.args["blocks"][1]["elements"][0]["text"].startswith("_The first weekly verdict")


async def test_workspace_admins_and_owners_manage_channels_as_slack_says(
    slack: SlackHarness,
) -> None:
    slack.fake.users = {"UWSADMIN": {"is_admin": True}, "UOWNER": {"is_owner": True}}
    for n, (user, text) in enumerate(
        [
            ("UWSADMIN", "subscribe mon 9"),
            ("U2", "public <!channel> team"),
            ("UOWNER", "public ML team"),
            ("UWSADMIN", "private"),
        ],
        start=1,
    ):
        await slack.command("/verdicts", text, user=user)
        await said_to_users(slack, n)
    said = [c.args["text"] for c in slack.fake.of("chat.postEphemeral")]
    assert said[0] == "Subscribed: a weekly verdict here on Mondays at 09:00 UTC."
    assert said[1] == NOT_ALLOWED
    assert said[2] == 'This channel\'s weekly verdicts are now public on the web as "ML team".'
    assert said[3] == "This channel's weekly verdicts are no longer shown on the web."
    asked = {c.args["user"] for c in slack.fake.of("users.info")}
    assert asked == {"UWSADMIN", "U2", "UOWNER"}  # a bot admin is never looked up


async def test_without_the_users_read_scope_only_bot_admins_manage(slack: SlackHarness) -> None:
    slack.fake.users = {"UWSADMIN": {"is_admin": True}}
    slack.fake.users_error = "missing_scope"
    await slack.command("/verdicts", "subscribe mon 9", user="UWSADMIN")
    assert (await said_to_users(slack, 1))[0] == NOT_ALLOWED
    await slack.command("/verdicts", "subscribe mon 9", user="UADMIN")
    assert (await said_to_users(slack, 2))[1].startswith("Subscribed")


def _longest(tool: Tool, n: int) -> Tool:
    review = Review(
        verdict="ship" if n % 2 else "skip", take="<!here> " + "T" * 132, body="B" * 1000
    )
    return tool.model_copy(
        update={
            "slug": f"{tool.slug}-{n}",
            "name": "&" * 79 + str(n),
            "tagline": "<" * 100,
            "best_for": ">" * 120,
            "panel": dict.fromkeys(tool.panel, review),
        }
    )


def test_blocks_stay_within_slacks_limits_for_four_long_tools(catalogue: Catalogue) -> None:
    tools = [_longest(catalogue.by_slug["gpt-4o"], n) for n in range(4)]
    card = Comparer(catalogue).card_for(tools, {})
    posted = PostedCard(
        card=card, vote_emojis=("1️⃣", "2️⃣", "3️⃣", "4️⃣"), card_votes=(1, 2, 3, 4), recap="R" * 2500
    )
    blocks = card_blocks(posted)
    assert len(blocks) <= MAX_BLOCKS
    for block in blocks:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= HEADER_LIMIT
        if block["type"] == "section":
            if "text" in block:
                assert len(block["text"]["text"]) <= SECTION_LIMIT
            for field in block.get("fields", []):
                assert len(field["text"]) <= FIELD_LIMIT
            assert len(block.get("fields", [])) <= MAX_FIELDS
        if block["type"] == "context":
            assert all(len(e["text"]) <= CONTEXT_LIMIT for e in block["elements"])
    text = json.dumps(blocks)
    assert "<!here>" not in text


def test_the_manifest_asks_for_exactly_the_scopes_needed() -> None:
    manifest = json.loads(
        (Path(__file__).resolve().parents[2] / "adapters" / "slack" / "manifest.json").read_text()
    )
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == [
        "channels:history",
        "chat:write",
        "commands",
        "files:write",
        "groups:history",
        "reactions:read",
        "reactions:write",
        "users:read",
    ]
    assert {c["command"] for c in manifest["features"]["slash_commands"]} == {
        "/compare",
        "/tool",
        "/tools",
        "/leaderboard",
        "/verdicts",
    }
    assert manifest["settings"]["interactivity"] == {
        "is_enabled": True,
        "request_url": "https://YOUR-HOST/slack/events",
    }
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == {
        "reaction_added",
        "reaction_removed",
    }


def test_verdict_slack_without_settings_says_which(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from adapters.cli import main

    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    assert main(["slack"]) == 5
    assert "SLACK_BOT_TOKEN" in capsys.readouterr().err
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    assert main(["slack"]) == 5
    assert "SLACK_SIGNING_SECRET" in capsys.readouterr().err


async def test_verdict_slack_with_a_refused_token_is_one_line_without_the_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from adapters.cli import main

    fake = FakeSlack(reject_token=True)
    monkeypatch.setenv("SLACK_API_URL", await fake.start())
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-secret-value")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    monkeypatch.setenv("VERDICT_DB", str(tmp_path / "s.db"))
    try:
        code = await asyncio.to_thread(main, ["slack"])
    finally:
        await fake.stop()
    captured = capsys.readouterr()
    assert code == 5
    assert captured.err.splitlines()[-1] == "verdict: Slack refused SLACK_BOT_TOKEN (invalid_auth)"
    assert "xoxb-secret-value" not in captured.out + captured.err


async def test_verdict_slack_serves_signed_http_end_to_end(tmp_path: Path) -> None:
    """The real `verdict slack` process: HTTP mode on a port, the Web API faked on loopback."""
    import os
    import socket
    import subprocess
    import sys

    fake = FakeSlack()
    api = await fake.start()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "SLACK_API_URL": api,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SECRET,
        "PORT": str(port),
        "VERDICT_DB": str(tmp_path / "served.db"),
    }
    env.pop("SLACK_APP_TOKEN", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "slack",
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    harness = SlackHarness(fake, None, f"http://127.0.0.1:{port}{EVENTS_PATH}")  # type: ignore[arg-type]
    try:
        deadline = asyncio.get_running_loop().time() + 30
        while True:
            try:
                response = await harness.command("/compare", "claude 3.5 haiku vs gpt-4o")
                break
            except aiohttp.ClientConnectionError:
                if asyncio.get_running_loop().time() > deadline or process.returncode is not None:
                    raise
                await asyncio.sleep(0.2)
        assert response.status == 200
        await eventually(lambda: len(fake.of("reactions.add")) == 2, timeout=10)
        assert fake.of("auth.test") and fake.of("chat.postMessage")
    finally:
        await harness.session.close()
        process.terminate()
        await process.wait()
        await fake.stop()


async def test_full_reviews_of_an_unreviewed_tool_show_each_take_from_facts(
    slack: SlackHarness, catalogue: Catalogue
) -> None:
    slack.services.bot.comparer.replace_catalogue(with_unreviewed(catalogue))
    await _compare(slack, "gpt-4o vs new mini")
    [post] = slack.fake.of("chat.postMessage")
    button = post.args["blocks"][-1]["elements"][0]
    await slack.action(button["action_id"], button["value"], user="U9")
    await eventually(lambda: len(slack.fake.of("chat.postEphemeral")) == 2)
    page = slack.fake.of("chat.postEphemeral")[1]
    blocks = page.args["blocks"]
    assert blocks[0]["text"]["text"] == "Full reviews: New Mini"
    takes = [b["text"]["text"] for b in blocks[1:]]
    assert [t.split(" (from facts):")[0] for t in takes] == [
        f"*{p.name}" for p in catalogue.panel.personas
    ]
    assert takes[3].startswith("*The Buyer (from facts): ship.* Ship: $0.26 per 1M tokens")
    assert takes[0] == "*The Builder (from facts):* Too few facts to judge."
    assert all("Not reviewed yet" not in t for t in takes)
    assert len(blocks) <= 50 and all(len(t) <= 3000 for t in takes)


async def test_full_reviews_answers_the_presser_privately_one_message_per_tool(
    slack: SlackHarness, catalogue: Catalogue
) -> None:
    await _compare(slack, "smolvlm2 vs mistral-medium-3")
    [post] = slack.fake.of("chat.postMessage")
    button, close = post.args["blocks"][-1]["elements"]  # Full reviews, then Close vote
    assert close["action_id"] == "verdict_close"
    response = await slack.action(button["action_id"], button["value"], user="U9")
    assert response.status == 200
    await eventually(lambda: len(slack.fake.of("chat.postEphemeral")) == 2)
    pages = slack.fake.of("chat.postEphemeral")
    assert [p.args["user"] for p in pages] == ["U9", "U9"]
    assert [p.args["blocks"][0]["text"]["text"] for p in pages] == [
        "Full reviews: SmolVLM2",
        "Full reviews: Mistral Medium 3",
    ]
    skeptic = catalogue.by_slug["smolvlm2"].panel["skeptic"]
    assert pages[0].args["blocks"][2]["text"]["text"] == (
        f"*The Skeptic: skip.* {skeptic.take}\n{skeptic.body}"
    )
    for page in pages:
        assert len(page.args["blocks"]) <= 50
        assert all(len(b["text"]["text"]) <= 3000 for b in page.args["blocks"])


async def test_did_you_mean_buttons_name_every_problem_and_rerun_the_comparison(
    slack: SlackHarness,
) -> None:
    await slack.command("/compare", "mistral vs openai")
    await eventually(lambda: len(slack.fake.of("chat.postEphemeral")) == 1)
    [asked] = slack.fake.of("chat.postEphemeral")
    assert '"mistral" could be several tools' in asked.args["text"]
    assert '"openai" could be several tools' in asked.args["text"]
    buttons = [e for b in asked.args["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [b["text"]["text"] for b in buttons] == [  # newest active model of each family first
        "Mistral Medium 3 (for mistral)",
        "Mistral Large (for mistral)",
        "Mistral Medium 3.1 (for mistral)",
        "OpenAI Agents SDK (framework) (for openai)",  # a product and models: each named by kind
        "gpt-oss-120b (model) (for openai)",
        "GPT-5 (model) (for openai)",
        "GPT-5 mini (model) (for openai)",
        "GPT-4o (model) (for openai)",
    ]
    assert buttons[0]["value"] == "mistral-medium-3 vs openai"
    await slack.action(buttons[0]["action_id"], buttons[0]["value"])
    await eventually(lambda: len(slack.fake.of("chat.postEphemeral")) == 2)
    again = slack.fake.of("chat.postEphemeral")[-1]
    assert '"mistral"' not in again.args["text"]  # settled; only openai is asked again
    pick = again.args["blocks"][1]["elements"][2]
    assert pick["value"] == "mistral-medium-3 vs gpt-5"
    await slack.action(pick["action_id"], pick["value"])
    await eventually(lambda: len(slack.fake.of("chat.postMessage")) == 1)
    [card] = slack.fake.of("chat.postMessage")
    assert card.args["text"].startswith("Mistral Medium 3 vs GPT-5 — verdict:")


async def test_a_did_you_mean_button_keeps_the_use_case_asked(slack: SlackHarness) -> None:
    await slack.command("/compare", "mistral vs gpt-5 for coding")
    await eventually(lambda: len(slack.fake.of("chat.postEphemeral")) == 1)
    [asked] = slack.fake.of("chat.postEphemeral")
    pick = asked.args["blocks"][1]["elements"][0]
    assert pick["value"] == "mistral-medium-3 vs gpt-5 for coding"
    await slack.action(pick["action_id"], pick["value"])
    await eventually(lambda: len(slack.fake.of("chat.postMessage")) == 1)
    [card] = slack.fake.of("chat.postMessage")
    assert card.args["text"].startswith("Mistral Medium 3 vs GPT-5 for coding — verdict:")


async def test_an_unknown_name_points_to_slacks_own_commands(slack: SlackHarness) -> None:
    await slack.command("/compare", "qqqqqq vs haiku")
    await eventually(lambda: len(slack.fake.of("chat.postEphemeral")) == 1)
    text = slack.fake.of("chat.postEphemeral")[0].args["text"]
    assert "`/tools [filter]` lists every tool" in text and "verdict list" not in text


async def test_tool_tools_and_leaderboard_commands(slack: SlackHarness) -> None:
    await slack.command("/tool", "gemni 2.0 flash")
    await eventually(lambda: len(slack.fake.of("chat.postMessage")) == 1)
    page = slack.fake.of("chat.postMessage")[0]
    assert page.args["blocks"][0]["text"]["text"] == "Gemini 2.0 Flash · Google"
    await slack.command("/tools", "vision")
    await eventually(lambda: len(slack.fake.of("chat.postEphemeral")) == 1)
    listing = slack.fake.of("chat.postEphemeral")[0].args["blocks"]
    assert listing[0]["text"]["text"] == '*7 tools matching "vision", page 1 of 1*'
    assert "*SmolVLM2* `smolvlm2`" in listing[1]["text"]["text"]
    await slack.command("/leaderboard", "no-such-category", user="U7")
    await eventually(lambda: len(slack.fake.of("chat.postEphemeral")) == 2)
    refused = slack.fake.of("chat.postEphemeral")[-1]
    assert refused.args["user"] == "U7"
    assert refused.args["text"].startswith(
        'No category "no-such-category". Known: agent-framework, chat-assistant,'
    )
    await slack.command("/leaderboard", "")
    await eventually(lambda: len(slack.fake.of("chat.postMessage")) == 2)
    board = slack.fake.of("chat.postMessage")[-1].args["blocks"]
    assert board[0]["text"]["text"] == "Community leaderboard"
    assert "On cards: votes cast on cards holding the tool" in board[-1]["elements"][0]["text"]


async def test_tools_pages_turn_in_place(
    slack: SlackHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.render.lists.PAGE_SIZE", 5)
    await slack.command("/tools", "")
    await eventually(lambda: len(slack.fake.of("chat.postEphemeral")) == 1)
    first = slack.fake.of("chat.postEphemeral")[0].args["blocks"]
    assert first[0]["text"]["text"] == "*88 tools, page 1 of 18*"
    [more] = first[-1]["elements"]
    assert (more["text"]["text"], more["value"]) == ("Next", "2:")
    await slack.action(more["action_id"], more["value"], ephemeral=True)
    await eventually(lambda: len(slack.fake.of("response_url")) == 1)
    [replaced] = slack.fake.of("response_url")
    assert replaced.args["replace_original"] is True
    assert replaced.args["blocks"][0]["text"]["text"] == "*88 tools, page 2 of 18*"
    assert [b["text"]["text"] for b in replaced.args["blocks"][-1]["elements"]] == [
        "Previous",
        "Next",
    ]


async def test_a_200_to_a_reaction_event_means_the_vote_is_committed(slack: SlackHarness) -> None:
    """Slack never retries a 200: the vote must be stored before the answer, not after."""
    ts = await _compare(slack, "claude 3.5 haiku vs gpt-4o-mini")
    card = await slack.services.store.find_card("slack", CHANNEL, ts)
    assert card is not None
    for n in range(10):
        response = await slack.reaction(
            f"U{n}", "two", ts, event_ts=f"1700000300.{n:06d}", event_id=f"EvC{n}"
        )
        assert response.status == 200
        assert await slack.services.store.card_tally(card.id) == (0, n + 1)


@pytest.mark.parametrize("status", [500, 429])
async def test_verdict_slack_when_slack_fails_says_so_not_refused_token(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    status: int,
) -> None:
    from aiohttp import web

    from adapters.cli import main

    async def failing(request: web.Request) -> web.Response:
        return web.Response(status=status, text="upstream trouble", headers={"Retry-After": "0"})

    app = web.Application()
    app.router.add_post("/api/{method}", failing)
    runner, port = await serve(app)
    monkeypatch.setenv("SLACK_API_URL", f"http://127.0.0.1:{port}/api/")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-secret-value")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    monkeypatch.setenv("VERDICT_DB", str(tmp_path / "s.db"))
    try:
        code = await asyncio.to_thread(main, ["slack"])
    finally:
        await runner.cleanup()
    err = capsys.readouterr().err
    assert code == 5
    assert err.count("\n") == 1 and "refused" not in err and f"HTTP {status}" in err
    assert "Traceback" not in err and "xoxb-secret-value" not in err


async def test_verdict_slack_with_an_unreachable_api_url_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import socket

    from adapters.cli import main

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    monkeypatch.setenv("SLACK_API_URL", f"http://127.0.0.1:{port}/api/")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-secret-value")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    monkeypatch.setenv("VERDICT_DB", str(tmp_path / "s.db"))
    code = await asyncio.to_thread(main, ["slack"])
    err = capsys.readouterr().err
    assert code == 5
    assert err.startswith("verdict: cannot reach Slack at 127.0.0.1:") and err.count("\n") == 1


async def test_compare_for_coding_judges_for_it_shows_it_and_stores_it(
    slack: SlackHarness,
) -> None:
    ts = await _compare(slack, "which is better for coding, gpt-5 or smolvlm2?")
    [post] = slack.fake.of("chat.postMessage")
    assert post.args["text"].startswith("GPT-5 vs SmolVLM2 for coding — verdict:")
    card = await slack.services.store.find_card("slack", CHANNEL, ts)
    assert card is not None and card.use_case == "coding"
