"""Poll-grade voting on Discord, with real discord.py objects against the fake Discord on
127.0.0.1: vote buttons answered privately, "Close vote", timed closes and hidden results, read
from what Discord actually received."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import discord
import discord.http
import pytest

from adapters.discord.bot import DiscordVerdicts, intents
from adapters.discord.buttons import CLOSE_ID, CloseButton, VoteButton
from bot.catalogue import Catalogue
from bot.commands import CLOSE_FAILED, PRESS_FAILED
from bot.votes import EditCoalescer, Store
from tests.adapters.test_discord import interaction, interaction_payload
from tests.fake_discord import APP_ID, CHANNEL_ID, FakeDiscord

MANAGE_GUILD = str(discord.Permissions(manage_guild=True).value)
PAIR = "smolvlm2 vs mistral-medium-3"
_ids = itertools.count(700_000)


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    monkeypatch.setattr(discord.http.Route, "BASE", await server.start())
    yield server
    await server.stop()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def client(fake: FakeDiscord) -> AsyncIterator[discord.Client]:
    bot = discord.Client(intents=intents(), allowed_mentions=discord.AllowedMentions.none())
    await bot.login("not-a-real-token")
    bot.add_dynamic_items(VoteButton, CloseButton)  # as VerdictClient.setup_hook does
    yield bot
    await bot.close()


@pytest.fixture
async def verdicts(
    client: discord.Client, catalogue: Catalogue, tmp_path: Path, clock: Clock
) -> AsyncIterator[DiscordVerdicts]:
    store = await Store.open(tmp_path / "discord.db", clock=clock)
    made = DiscordVerdicts(
        client, catalogue, store, edits=EditCoalescer(interval=0.05), clock=clock
    )
    client.verdicts = lambda: made  # type: ignore[attr-defined]  # as VerdictClient has
    yield made
    await made.edits.drain()
    await store.close()


async def settings(client: discord.Client, verdicts: DiscordVerdicts, *words: str) -> None:
    admin = interaction(client, "settings", [], permissions=MANAGE_GUILD)
    await verdicts.verdicts(admin, "settings", int(CHANNEL_ID), *words)


async def post(
    fake: FakeDiscord, client: discord.Client, verdicts: DiscordVerdicts, query: str = PAIR
) -> dict[str, Any]:
    """/compare as user 777; returns the card's message as Discord holds it."""
    await verdicts.compare(interaction(client, "compare", []), query)
    followup = fake.calls("POST", f"/webhooks/{APP_ID}/")[-1]
    [(message_id,)] = await verdicts.store.fetch(
        "SELECT message_id FROM cards ORDER BY id DESC LIMIT 1"
    )
    return {
        **fake._message(CHANNEL_ID, followup.body, message_id),
        "components": followup.body["components"],
    }


def custom_ids(components: list[dict[str, Any]]) -> list[str]:
    return [b.get("custom_id", "") for row in components for b in row["components"]]


async def press(
    fake: FakeDiscord,
    client: discord.Client,
    custom_id: str,
    message: dict[str, Any],
    *,
    user: str,
    interaction_id: str | None = None,
    permissions: str = "0",
) -> str:
    """A button press through discord.py's own view store, as the gateway delivers it; returns
    the private answer the presser got."""
    payload = interaction_payload("unused", [], permissions)
    payload |= {
        "id": interaction_id or str(next(_ids)),
        "type": 3,
        "data": {"custom_id": custom_id, "component_type": 2},
        "message": message,
    }
    payload["member"]["user"] = {**payload["member"]["user"], "id": user}
    before = len(fake.calls("POST", f"/webhooks/{APP_ID}/"))
    pressed = discord.Interaction(data=payload, state=client._connection)  # type: ignore[arg-type]
    client._connection._view_store.dispatch_view(2, custom_id, pressed)
    for _ in range(300):
        answers = fake.calls("POST", f"/webhooks/{APP_ID}/")
        if len(answers) > before:
            *_, deferred = [
                c for c in fake.calls("POST", "/callback") if f"/{payload['id']}/" in c.path
            ]
            assert deferred.body["type"] == 5 and deferred.body["data"]["flags"] == 64
            assert answers[-1].body["flags"] == 64  # only the presser sees it
            return str(answers[-1].body["content"])
        await asyncio.sleep(0.01)
    raise AssertionError("the press was not answered")


def footers(fake: FakeDiscord, message: dict[str, Any]) -> list[str]:
    edits = fake.calls("PATCH", f"/channels/{CHANNEL_ID}/messages/{message['id']}")
    return [e.body["embeds"][0]["footer"]["text"] for e in edits]


async def test_vote_buttons_record_change_and_retract_privately_and_hide_the_split(
    fake: FakeDiscord, client: discord.Client, verdicts: DiscordVerdicts
) -> None:
    await settings(client, verdicts, "results:closed", "votes:buttons")
    card = await post(fake, client, verdicts)
    assert not fake.calls("PUT", "/reactions/")  # no reaction emojis on a button card
    ids = custom_ids(card["components"])
    assert ids[:1] == ["verdict:reviews"]
    assert ids[1:] == ["verdict:vote:0", "verdict:vote:1", CLOSE_ID]
    labels = [b["label"] for row in card["components"] for b in row["components"]]
    assert "1 SmolVLM2" in labels and "2 Mistral Medium 3" in labels
    assert "0 votes, split hidden until 1 Dec 12:00 UTC" in card["embeds"][0]["footer"]["text"]

    answer = await press(fake, client, "verdict:vote:0", card, user="11")
    assert answer == "You voted SmolVLM2 — press another to change, the same one to take it back."
    assert "You voted Mistral Medium 3" in await press(
        fake, client, "verdict:vote:1", card, user="11"
    )
    await press(fake, client, "verdict:vote:0", card, user="12")
    answer = await press(fake, client, "verdict:vote:0", card, user="12")
    assert answer == "Your vote is taken back — press a button to vote again."
    await verdicts.edits.drain()
    record = await verdicts.store.find_card("discord", CHANNEL_ID, card["id"])
    assert record is not None and await verdicts.store.card_tally(record.id) == (0, 1)
    shown = footers(fake, card)
    assert shown and shown[-1] == "1 vote, split hidden until 1 Dec 12:00 UTC"
    assert all("split hidden" in f and "1️⃣" not in f for f in shown)  # never the split, in any edit


async def test_a_redelivered_press_counts_once(
    fake: FakeDiscord, client: discord.Client, verdicts: DiscordVerdicts
) -> None:
    await settings(client, verdicts, "votes:buttons")
    card = await post(fake, client, verdicts)
    for _ in range(2):
        await press(fake, client, "verdict:vote:1", card, user="11", interaction_id="424242")
    record = await verdicts.store.find_card("discord", CHANNEL_ID, card["id"])
    assert record is not None and await verdicts.store.card_tally(record.id) == (0, 1)


async def test_close_vote_is_for_the_asker_or_a_manager_and_shows_the_final_line(
    fake: FakeDiscord, client: discord.Client, verdicts: DiscordVerdicts
) -> None:
    await settings(client, verdicts, "votes:buttons", "results:closed")
    card = await post(fake, client, verdicts)
    await press(fake, client, "verdict:vote:1", card, user="11")
    refused = await press(fake, client, CLOSE_ID, card, user="11")
    assert refused.startswith("Only the person who asked for this card, or a channel admin")
    manager = str(discord.Permissions(manage_messages=True).value)
    closed = await press(fake, client, CLOSE_ID, card, user="12", permissions=manager)
    assert closed == "Vote closed. Final: Mistral Medium 3 1 – SmolVLM2 0"
    last = fake.calls("PATCH", f"/channels/{CHANNEL_ID}/messages/{card['id']}")[-1]
    assert last.body["embeds"][0]["footer"]["text"] == (
        "Final: Mistral Medium 3 1 – SmolVLM2 0 · vote closed"
    )
    assert custom_ids(last.body["components"]) == ["verdict:reviews"]  # no more voting
    late = await press(fake, client, "verdict:vote:0", card, user="13")
    assert late == (
        "This vote is closed; your press was not counted. Final: Mistral Medium 3 1 – SmolVLM2 0"
    )
    again = await press(fake, client, CLOSE_ID, card, user="777")
    assert again.startswith("This vote is already closed.")


async def test_a_timed_card_closes_by_itself_and_later_reactions_change_nothing(
    fake: FakeDiscord, client: discord.Client, verdicts: DiscordVerdicts, clock: Clock
) -> None:
    from tests.adapters.test_discord import reaction

    card = await post(fake, client, verdicts, f"{PAIR} for 24h")
    assert "ends 25 Nov 12:00 UTC" in card["embeds"][0]["footer"]["text"]
    assert CLOSE_ID in custom_ids(card["components"])
    await verdicts.reaction(reaction(client, card["id"], "11", "1️⃣"))
    clock.now += dt.timedelta(hours=24)
    await verdicts.weekly.scheduler.run_once()  # the bot's loop, also run at start-up
    await verdicts.edits.drain()
    assert footers(fake, card)[-1] == "Final: SmolVLM2 1 – Mistral Medium 3 0 · vote closed"
    edits = len(footers(fake, card))
    await verdicts.reaction(reaction(client, card["id"], "12", "2️⃣"))
    await verdicts.edits.drain()
    assert len(footers(fake, card)) == edits
    record = await verdicts.store.find_card("discord", CHANNEL_ID, card["id"])
    assert record is not None and await verdicts.store.card_tally(record.id) == (1, 0)


async def test_the_close_command_takes_a_message_link(
    fake: FakeDiscord, client: discord.Client, verdicts: DiscordVerdicts
) -> None:
    card = await post(fake, client, verdicts)
    link = f"https://discord.com/channels/3000/{CHANNEL_ID}/{card['id']}"
    await verdicts.close_command(interaction(client, "close", []), link)
    answer = fake.calls("POST", f"/webhooks/{APP_ID}/")[-1].body
    assert answer["content"] == "Vote closed. Final: SmolVLM2 0 – Mistral Medium 3 0"
    await verdicts.close_command(interaction(client, "close", []), "banana")
    [*_, which] = fake.calls("POST", "/callback")
    assert which.body["data"]["content"].startswith("Which card?")


async def test_bad_durations_and_settings_are_explained_privately(
    fake: FakeDiscord, client: discord.Client, verdicts: DiscordVerdicts
) -> None:
    await verdicts.compare(interaction(client, "compare", []), f"{PAIR} for 40d")
    [answer] = fake.calls("POST", "/callback")
    assert answer.body["data"]["flags"] == 64
    assert answer.body["data"]["content"].startswith('"40d" is too long')
    await settings(client, verdicts, "results:banana")
    assert (
        '"results:banana" is not a setting'
        in fake.calls("POST", "/callback")[-1].body["data"]["content"]
    )


SERVER = "1181000000000000001"
TYPED_IN = "1181000000000000011"
CARD_CHANNEL = "1181000000000000012"
MODS = "1181000000000000100"
OTHER_SERVER = "1192000000000000001"
OTHER_CHANNEL = "1192000000000000011"
MANAGE_MESSAGES = discord.Permissions(manage_messages=True).value
EVERYONE = str(discord.Permissions(view_channel=True, send_messages=True).value)


def add_server(client: discord.Client, server: str, channels: dict[str, int]) -> None:
    """A server as the gateway's GUILD_CREATE describes it: a "mods" role with Manage
    Messages, and channels that deny (`-1`) or allow (`1`) it to that role, or neither (`0`)."""
    overwrites = {
        -1: [{"id": MODS, "type": 0, "allow": "0", "deny": str(MANAGE_MESSAGES)}],
        1: [{"id": MODS, "type": 0, "allow": str(MANAGE_MESSAGES), "deny": "0"}],
        0: [],
    }
    role = {"color": 0, "hoist": False, "managed": False, "mentionable": False, "position": 0}
    client._connection._add_guild_from_data(
        {  # type: ignore[typeddict-item]
            "id": server,
            "name": "Big server",
            "owner_id": "1",
            "member_count": 3,
            "roles": [
                {**role, "id": server, "name": "@everyone", "permissions": EVERYONE},
                {**role, "id": MODS, "name": "mods", "permissions": str(MANAGE_MESSAGES)},
            ],
            "channels": [
                {
                    "id": channel,
                    "type": 0,
                    "guild_id": server,
                    "name": f"c{channel[-2:]}",
                    "position": 0,
                    "permission_overwrites": overwrites[rule],
                }
                for channel, rule in channels.items()
            ],
        }
    )


def typed_in(client: discord.Client, *, mod: bool) -> discord.Interaction:
    """/close typed in TYPED_IN on SERVER, where a mod has Manage Messages."""
    payload = interaction_payload("close", [], str(MANAGE_MESSAGES if mod else 0))
    payload |= {"guild_id": SERVER, "channel_id": TYPED_IN}
    payload["channel"] = {**payload["channel"], "id": TYPED_IN, "guild_id": SERVER}
    payload["member"]["roles"] = [MODS] if mod else []
    return discord.Interaction(data=payload, state=client._connection)  # type: ignore[arg-type]


async def close_answer(
    fake: FakeDiscord, verdicts: DiscordVerdicts, pressed: Any, link: str
) -> str:
    before = len(fake.requests)
    await verdicts.close_command(pressed, link)
    [answer] = [
        r.body.get("content") or r.body.get("data", {}).get("content")
        for r in fake.requests[before:]
        if r.method == "POST" and ("/webhooks/" in r.path or r.body.get("type") == 4)
    ]
    return str(answer)


async def test_close_by_link_checks_the_callers_rights_in_the_cards_own_channel(
    fake: FakeDiscord, client: discord.Client, verdicts: DiscordVerdicts
) -> None:
    add_server(client, SERVER, {TYPED_IN: 0, CARD_CHANNEL: -1})
    card = await verdicts.bot.post_card(
        CARD_CHANNEL, ["smolvlm2", "mistral-medium-3"], asked_by="5"
    )
    link = f"https://discord.com/channels/{SERVER}/{CARD_CHANNEL}/{card.message_id}"
    refused = await close_answer(fake, verdicts, typed_in(client, mod=True), link)
    assert refused.startswith("Only the person who asked for this card, or a channel admin")
    assert (await verdicts.desk.polls.poll(card.id)).closed_at is None  # type: ignore[union-attr]


async def test_close_by_link_is_for_a_mod_of_the_cards_channel_typing_elsewhere(
    fake: FakeDiscord, client: discord.Client, verdicts: DiscordVerdicts
) -> None:
    add_server(client, SERVER, {TYPED_IN: -1, CARD_CHANNEL: 1})
    card = await verdicts.bot.post_card(
        CARD_CHANNEL, ["smolvlm2", "mistral-medium-3"], asked_by="5"
    )
    pressed = typed_in(client, mod=True)
    pressed._permissions = 0  # Manage Messages is denied where the command was typed
    link = f"https://discord.com/channels/{SERVER}/{CARD_CHANNEL}/{card.message_id}"
    answer = await close_answer(fake, verdicts, pressed, link)
    assert answer == "Vote closed. Final: SmolVLM2 0 – Mistral Medium 3 0"


async def test_a_card_of_another_server_cannot_be_closed_from_here(
    fake: FakeDiscord, client: discord.Client, verdicts: DiscordVerdicts
) -> None:
    add_server(client, SERVER, {TYPED_IN: 0})
    fake.channel_guilds[OTHER_CHANNEL] = OTHER_SERVER
    card = await verdicts.bot.post_card(
        OTHER_CHANNEL, ["smolvlm2", "mistral-medium-3"], asked_by="5"
    )
    manager = typed_in(client, mod=True)
    link = f"https://discord.com/channels/{OTHER_SERVER}/{OTHER_CHANNEL}/{card.message_id}"
    assert await close_answer(fake, verdicts, manager, link) == "That card is in another server."
    bare = f"{OTHER_CHANNEL}/{card.message_id}"  # no server in it: the channel says where
    assert await close_answer(fake, verdicts, typed_in(client, mod=True), bare) == (
        "That card is in another server."
    )
    assert (await verdicts.desk.polls.poll(card.id)).closed_at is None  # type: ignore[union-attr]


async def test_a_press_or_close_the_database_fails_is_answered_privately(
    fake: FakeDiscord,
    client: discord.Client,
    verdicts: DiscordVerdicts,
    catalogue: Catalogue,
    tmp_path: Path,
) -> None:
    await settings(client, verdicts, "votes:buttons")
    card = await post(fake, client, verdicts)
    gone = await Store.open(tmp_path / "gone.db")
    await gone.close()  # every read and write on it now fails
    broken = DiscordVerdicts(client, catalogue, gone, edits=EditCoalescer(interval=0.05))
    client.verdicts = lambda: broken  # type: ignore[attr-defined]
    assert await press(fake, client, "verdict:vote:0", card, user="11") == PRESS_FAILED
    assert await press(fake, client, CLOSE_ID, card, user="777") == CLOSE_FAILED


async def test_hidden_results_take_buttons_since_reaction_counts_are_public(
    fake: FakeDiscord, client: discord.Client, verdicts: DiscordVerdicts
) -> None:
    await settings(client, verdicts, "results:closed", "votes:reactions")
    said = fake.calls("POST", "/callback")[-1].body["data"]["content"]
    assert "votes are by buttons, since reaction counts are public" in said
    card = await post(fake, client, verdicts)
    assert not fake.calls("PUT", "/reactions/")  # no counts under the card to read the split
    assert custom_ids(card["components"])[1:] == ["verdict:vote:0", "verdict:vote:1", CLOSE_ID]
