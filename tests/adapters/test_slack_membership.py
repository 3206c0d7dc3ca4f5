"""/compare in a Slack channel the bot was never invited to: the asker is told, privately, how to
invite it, through the command's response_url (Slack refuses the bot's ephemeral message there)."""

from __future__ import annotations

import asyncio
import time
import urllib.parse
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp
import pytest
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.bot import EVENTS_PATH, INVITE_ME, SlackVerdicts, build_app
from bot.catalogue import Catalogue
from bot.votes import EditCoalescer, Store
from tests.fake_slack import BOT_USER, FakeSlack
from tests.loopback import serve

SECRET = "membership-signing-secret"
OUTSIDE = "C0OUTSIDE"


class Slack:
    def __init__(self, fake: FakeSlack, store: Store, url: str) -> None:
        self.fake, self.store, self.url = fake, store, url

    async def command(self, name: str, text: str, channel: str = OUTSIDE) -> int:
        body = urllib.parse.urlencode(
            {
                "command": name,
                "text": text,
                "channel_id": channel,
                "user_id": "U1",
                "team_id": "T1",
                "response_url": self.fake.response_url(),
                "trigger_id": "t",
            }
        )
        ts = str(int(time.time()))
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": SignatureVerifier(SECRET).generate_signature(
                timestamp=ts, body=body
            ),
        }
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.url, data=body.encode(), headers=headers) as response,
        ):
            return response.status


@pytest.fixture
async def slack(tmp_path: Path, catalogue: Catalogue) -> AsyncIterator[Slack]:
    fake = FakeSlack(outside={OUTSIDE})
    client = AsyncWebClient(token="xoxb-test", base_url=await fake.start())
    store = await Store.open(tmp_path / "slack.db")
    services = SlackVerdicts(
        client, catalogue, store, bot_user_id=BOT_USER, edits=EditCoalescer(interval=0.2)
    )
    app = build_app(lambda: services, client=client, signing_secret=SECRET)
    runner, port = await serve(app.web_app(path=EVENTS_PATH))
    yield Slack(fake, store, f"http://127.0.0.1:{port}{EVENTS_PATH}")
    await services.edits.drain()
    await runner.cleanup()
    await store.close()
    await fake.stop()


async def eventually(check: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


async def test_compare_where_the_bot_is_not_invited_tells_the_asker_how_to_invite_it(
    slack: Slack,
) -> None:
    assert await slack.command("/compare", "smolvlm2 vs mistral-medium-3") == 200
    await eventually(lambda: bool(slack.fake.responses))
    assert slack.fake.responses == [{"text": INVITE_ME, "response_type": "ephemeral"}]
    assert INVITE_ME == "Invite @verdict to this channel: /invite @verdict"
    assert [c.args["channel"] for c in slack.fake.of("chat.postMessage")] == [OUTSIDE]
    assert slack.fake.of("reactions.add") == []
    assert await slack.store.find_card("slack", OUTSIDE, "1700000000.000001") is None


async def test_a_bad_query_where_the_bot_is_not_invited_still_reaches_the_asker(
    slack: Slack,
) -> None:
    assert await slack.command("/compare", "photoshop vs gimp") == 200
    await eventually(lambda: bool(slack.fake.responses))
    [answer] = slack.fake.responses
    assert answer["response_type"] == "ephemeral"
    assert answer["text"].startswith('No tool called "photoshop"')
    assert slack.fake.of("chat.postMessage") == []


async def test_verdicts_where_the_bot_is_not_invited_still_answers_the_asker(slack: Slack) -> None:
    assert await slack.command("/verdicts", "preview") == 200
    await eventually(lambda: bool(slack.fake.responses))
    [answer] = slack.fake.responses
    assert answer["response_type"] == "ephemeral"
    assert answer["text"] == "This channel has no weekly verdict; subscribe first."


@pytest.mark.parametrize(
    ("command", "text", "said"),
    [
        ("/tool", "claude-3-5-haiku", INVITE_ME),
        ("/tool", "photoshop", 'No tool called "photoshop"'),
        ("/leaderboard", "", INVITE_ME),
        ("/tools", "vision", "tools matching"),
    ],
)
async def test_every_command_where_the_bot_is_not_invited_still_answers_the_asker(
    slack: Slack, command: str, text: str, said: str
) -> None:
    assert await slack.command(command, text) == 200
    await eventually(lambda: bool(slack.fake.responses))
    [answer] = slack.fake.responses
    assert answer["response_type"] == "ephemeral"
    assert said in answer["text"]
