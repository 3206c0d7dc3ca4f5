""" "Request it" on every surface, through the real libraries: a Discord button (discord.py's own
view store, a fresh client after a restart) and a Slack button (signed HTTP into Bolt, answers
read from the mock Web API), `:request` in the terminal chat, and `verdict request`. Each press
is stored once per person per name per community, and the counts outlive the process."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.console.chat import open_console
from adapters.discord.bot import DiscordVerdicts
from adapters.discord.buttons import RequestButton
from adapters.slack.bot import EVENTS_PATH, SlackVerdicts, build_app
from bot.catalogue import Catalogue
from bot.tool_requests import RequestStore, group_wanted
from bot.votes import EditCoalescer, Store
from tests.adapters.test_discord import client, dispatch, fake, intents, interaction  # noqa: F401
from tests.adapters.test_slack import SECRET, SlackHarness, eventually
from tests.catalogue.test_catalogue_commands import verdict as verdict_cli
from tests.fake_discord import APP_ID, CHANNEL_ID, GUILD_ID, FakeDiscord
from tests.fake_slack import BOT_USER, FakeSlack
from tests.loopback import serve


async def _wanted(path: Path) -> list[tuple[str, int, int, int]]:
    """What `verdict catalogue requests` reads, from a store opened afresh on the file."""
    store = await Store.open(path)
    try:
        found = group_wanted(await RequestStore(store).rows())
    finally:
        await store.close()
    return [(w.name, w.requests, w.unknown, w.communities) for w in found]


async def test_discord_request_button_counts_once_per_person_and_survives_a_restart(
    fake: FakeDiscord,  # noqa: F811  (the fixtures of test_discord)
    client: discord.Client,  # noqa: F811
    catalogue: Catalogue,
    tmp_path: Path,
) -> None:
    path = tmp_path / "discord.db"
    store = await Store.open(path)
    verdicts = DiscordVerdicts(client, catalogue, store, edits=EditCoalescer(interval=0.2))
    await verdicts.compare(interaction(client, "compare", []), "qwxyzzy vs smolvlm2")
    [asked] = fake.calls("POST", "/callback")
    data = asked.body["data"]
    assert data["flags"] == 64 and 'No tool called "qwxyzzy"' in data["content"]
    [button] = data["components"][0]["components"]
    assert (button["label"], button["custom_id"]) == (
        "Request “qwxyzzy”",
        "verdict:request:qwxyzzy",
    )
    await verdicts.edits.drain()
    await store.close()  # the bot restarts; the button is still on the message

    store = await Store.open(path)
    restarted = discord.Client(intents=intents())
    await restarted.login("not-a-real-token")
    try:
        restarted.add_dynamic_items(RequestButton)
        fresh = DiscordVerdicts(restarted, catalogue, store)
        restarted.verdicts = lambda: fresh  # type: ignore[attr-defined]  # as VerdictClient has
        message = {**fake._message(CHANNEL_ID, data), "components": data["components"]}
        for _ in range(2):  # the same person presses twice
            await dispatch(restarted, button["custom_id"], message, fake, calls=2)
    finally:
        await restarted.close()
        await store.close()
    answers = [c.body["content"] for c in fake.calls("POST", f"/webhooks/{APP_ID}/")]
    assert answers == [
        'Requested "qwxyzzy": 1 person here wants it. The most wanted tools are added first.',
        'You already requested "qwxyzzy"; 1 person here wants it.',
    ]
    assert all(c.body["flags"] == 64 for c in fake.calls("POST", f"/webhooks/{APP_ID}/"))
    # Typed in /compare (weak), then requested: one person, one request, in this server.
    assert await _wanted(path) == [("qwxyzzy", 1, 0, 1)]
    rows = await _rows(path)
    assert rows == [(f"discord:{GUILD_ID}", "qwxyzzy", "request")]


async def _rows(path: Path) -> list[tuple[str, str, str]]:
    store = await Store.open(path)
    try:
        return [(r.community, r.name_key, r.strength) for r in await RequestStore(store).rows()]
    finally:
        await store.close()


@pytest.fixture
async def slack(tmp_path: Path, catalogue: Catalogue) -> AsyncIterator[SlackHarness]:
    slack_api = FakeSlack()
    web_client = AsyncWebClient(token="xoxb-test", base_url=await slack_api.start())
    store = await Store.open(tmp_path / "slack.db")
    services = SlackVerdicts(
        web_client,
        catalogue,
        store,
        bot_user_id=BOT_USER,
        edits=EditCoalescer(interval=0.2),
        team_id="T1",
    )
    app = build_app(lambda: services, client=web_client, signing_secret=SECRET)
    runner, port = await serve(app.web_app(path=EVENTS_PATH))
    harness = SlackHarness(slack_api, services, f"http://127.0.0.1:{port}{EVENTS_PATH}")
    yield harness
    await harness.session.close()
    await services.edits.drain()
    await runner.cleanup()
    await store.close()
    await slack_api.stop()


async def test_slack_request_button_counts_once_per_person_and_outlives_the_process(
    slack: SlackHarness, tmp_path: Path
) -> None:
    await slack.command("/compare", "smolvlm2 vs plokta <!channel>")
    await eventually(lambda: len(slack.fake.of("chat.postEphemeral")) == 1)
    [asked] = slack.fake.of("chat.postEphemeral")
    assert "&lt;!channel&gt;" in asked.args["text"]  # echoed user text pings nobody
    [ask] = [
        e
        for b in asked.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"].startswith("verdict_request")
    ]
    assert ask["text"]["text"] == "Request “plokta <!channel>”"
    assert ask["value"] == "plokta <!channel>"
    for n, user in enumerate(("U1", "U1", "U2"), start=2):
        await slack.action(ask["action_id"], ask["value"], user=user, ephemeral=True)
        await eventually(lambda n=n: len(slack.fake.of("chat.postEphemeral")) == n)
    answers = [c.args["text"] for c in slack.fake.of("chat.postEphemeral")[1:]]
    assert answers == [
        'Requested "plokta &lt;!channel&gt;": 1 person here wants it. The most wanted tools '
        "are added first.",
        'You already requested "plokta &lt;!channel&gt;"; 1 person here wants it.',
        'Requested "plokta &lt;!channel&gt;": 2 people here want it. The most wanted tools '
        "are added first.",
    ]
    # Another process (`verdict catalogue requests`) reads them from the same file.
    assert await _wanted(tmp_path / "slack.db") == [("plokta <!channel>", 2, 0, 1)]


@pytest.mark.parametrize("asked", ["/compare zorblax vs smolvlm2", "/tool zorblax"])
async def test_terminal_chat_request_names_the_last_unknown(
    catalogue: Catalogue, tmp_path: Path, asked: str
) -> None:
    async with open_console(db=tmp_path / "chat.db", catalogue=catalogue) as session:
        await session.send(asked)
        await session.send(":request")
        await session.send(":request smolvlm2")
        texts = [m.text for m in session.chat.outbox if m.kind == "ephemeral"]
    assert 'Type :request to ask for "zorblax" to be added.' in texts[0]
    assert texts[1].startswith('Requested "zorblax": 1 person here wants it.')
    assert texts[2] == '"smolvlm2" is already in the catalogue as SmolVLM2.'


def test_verdict_request_and_the_most_wanted_list_across_processes(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    unknown = verdict_cli("compare", "zorblax vs smolvlm2", cwd=tmp_path, VERDICT_DB=db)
    assert unknown.returncode == 2
    assert "Ask for it to be added: verdict request zorblax" in unknown.stderr
    empty = verdict_cli("catalogue", "requests", cwd=tmp_path, VERDICT_DB=db)
    assert (empty.returncode, empty.stdout) == (0, "No tool requests yet.\n")
    assert not Path(db).exists()  # a reading command creates nothing
    first = verdict_cli("request", "Zorb", "lax", cwd=tmp_path, VERDICT_DB=db)
    assert first.returncode == 0 and first.stdout.startswith('Requested "Zorb lax"')
    again = verdict_cli("request", "zorblax", cwd=tmp_path, VERDICT_DB=db)
    assert again.stdout.startswith('You already requested "zorblax"')
    known = verdict_cli("request", "smolvlm2", cwd=tmp_path, VERDICT_DB=db)
    assert known.returncode == 2 and "already in the catalogue" in known.stderr
    listed = verdict_cli("catalogue", "requests", cwd=tmp_path, VERDICT_DB=db)
    assert re.search(r"1\. Zorb lax: 1 request; 1 community", listed.stdout), listed.stdout
    assert "Traceback" not in listed.stderr + known.stderr


def test_catalogue_add_product_drafts_a_file_check_refuses_until_written(
    tmp_path: Path, catalogue_copy: Path
) -> None:
    add = ("catalogue", "add", "--product", "Zorblax Studio", str(catalogue_copy))
    added = verdict_cli(*add, cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    draft = catalogue_copy / "products" / "zorblax-studio.toml"
    drafted = draft.read_text()
    assert 'name = "Zorblax Studio"' in drafted and 'kind = "product"' in drafted
    checked = verdict_cli("catalogue", "check", str(catalogue_copy), cwd=tmp_path)
    assert checked.returncode == 3
    assert "catalogue/products/zorblax-studio.toml: vendor: missing" in checked.stderr
    twice = verdict_cli(*add, cwd=tmp_path)
    assert twice.returncode == 2 and "already reviewed or drafted" in twice.stderr
