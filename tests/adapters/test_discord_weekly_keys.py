"""A weekly card on Discord carries its channel-week's idempotency key twice: as the message's
enforced nonce (Discord returns the first message for a resend within a few minutes) and in
its "Close vote" button's custom_id, where nobody sees it. A recovery after a crash between
Discord accepting the card and the bot recording it reads the channel's latest messages,
finds that card and records it instead of posting a second one. Real discord.py against the
fake Discord on 127.0.0.1; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import discord
import discord.http
import pytest

from adapters.discord.bot import DiscordVerdicts, intents
from adapters.discord.buttons import CloseButton
from bot.catalogue import Catalogue
from bot.polls.models import CardPoll
from bot.votes import EditCoalescer, Store
from bot.weekly import week_window
from bot.weekly.scheduler import LEASE_SECONDS, RETRY_BACKOFF_SECONDS, post_key
from tests.fake_discord import BOT_ID, FakeDiscord

MONDAY_9 = dt.datetime(2026, 11, 23, 9, 1, tzinfo=dt.UTC)
CHANNEL = "4242"
TOOLS = ("smolvlm2", "mistral-medium-3")


class Clock:
    now = MONDAY_9

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
async def discord_bot(
    monkeypatch: pytest.MonkeyPatch, db_location: str, catalogue: Catalogue
) -> AsyncIterator[tuple[FakeDiscord, DiscordVerdicts, Clock]]:
    fake = FakeDiscord()
    monkeypatch.setattr(discord.http.Route, "BASE", await fake.start())
    client = discord.Client(intents=intents(), allowed_mentions=discord.AllowedMentions.none())
    await client.login("not-a-real-token")
    clock = Clock()
    store = await Store.open(db_location, clock=clock)
    services = DiscordVerdicts(client, catalogue, store, clock=clock, edits=EditCoalescer())
    try:
        yield fake, services, clock
    finally:
        await services.edits.drain()
        await store.close()
        await client.close()
        await fake.stop()


async def subscribed(services: DiscordVerdicts, clock: Clock) -> tuple[int, str]:
    sub = await services.weekly.store.subscribe(
        platform="discord",
        channel=CHANNEL,
        weekday=0,
        hour=9,
        timezone="UTC",
        user_id="777",
        now=clock.now - dt.timedelta(days=1),
    )
    week = week_window(sub, clock.now).week
    return sub.id, post_key(sub, week)


async def crashed_after_discord_accepted(
    fake: FakeDiscord, services: DiscordVerdicts, clock: Clock
) -> str:
    """What a process killed between Discord's answer and its commit leaves: a claim, and a
    keyed card in the channel that the database does not know. The takeover comes after the
    10-minute lease, when Discord has long forgotten the nonce."""
    sub_id, key = await subscribed(services, clock)
    week = key.split("-", 1)[1]
    await services.weekly.store.claim(
        sub_id, week, TOOLS, owner="dead", now=clock.now.timestamp(), lease_seconds=LEASE_SECONDS
    )
    posted = await services.bot._posted(list(TOOLS), card_votes=(0, 0), poll=CardPoll())
    await services.platform.post_card(CHANNEL, posted.model_copy(update={"idempotency_key": key}))
    clock.now += dt.timedelta(seconds=LEASE_SECONDS + 60)
    fake.forget_nonces()
    return key


def close_button_ids(message: dict[str, object]) -> list[str]:
    rows = message["components"]
    assert isinstance(rows, list)
    return [b["custom_id"] for row in rows for b in row["components"] if "custom_id" in b]


async def test_a_recovery_records_the_card_discord_already_has_instead_of_posting_again(
    discord_bot: tuple[FakeDiscord, DiscordVerdicts, Clock],
) -> None:
    fake, services, clock = discord_bot
    key = await crashed_after_discord_accepted(fake, services, clock)
    [sent] = fake.calls("POST", f"/channels/{CHANNEL}/messages")
    assert sent.body["nonce"] == key and sent.body["enforce_nonce"] is True
    [card_message] = fake.messages_in(CHANNEL)
    assert f"verdict:close:{key}" in close_button_ids(card_message)
    pressed = CloseButton.__discord_ui_compiled_template__.fullmatch(f"verdict:close:{key}")
    assert pressed is not None  # a press on the keyed button still closes the vote
    embed_text = str(card_message["embeds"])
    assert key not in embed_text and key not in str(card_message["content"])  # out of sight

    [result] = await services.weekly.scheduler.run_once()

    assert result.outcome == "sent"
    assert fake.calls("GET", f"/channels/{CHANNEL}/messages")  # it looked
    assert len(fake.messages_in(CHANNEL)) == 1  # and posted no second card
    card = await services.store.find_card("discord", CHANNEL, card_message["id"])
    assert card is not None and result.card_id == card.id and card.tools == TOOLS
    seeded = {r.path.split("/")[4] for r in fake.calls("PUT", "/reactions/")}
    assert seeded == {card_message["id"]}  # the votes are seeded on the card people see


async def test_a_look_alike_card_from_someone_else_is_not_taken_for_ours(
    discord_bot: tuple[FakeDiscord, DiscordVerdicts, Clock],
) -> None:
    fake, services, clock = discord_bot
    key = await crashed_after_discord_accepted(fake, services, clock)
    [ours] = fake.messages_in(CHANNEL)
    ours["author"] = {**ours["author"], "id": "999"}  # as if another bot had posted it
    [result] = await services.weekly.scheduler.run_once()
    assert result.outcome == "sent"
    assert len(fake.messages_in(CHANNEL)) == 2
    assert f"verdict:close:{key}" in close_button_ids(fake.messages_in(CHANNEL)[1])
    assert fake.messages_in(CHANNEL)[1]["author"]["id"] == BOT_ID


async def test_without_the_look_up_and_after_the_nonce_is_forgotten_a_recovery_posts_again(
    discord_bot: tuple[FakeDiscord, DiscordVerdicts, Clock],
) -> None:
    """The control: the window the look-up closes is real."""
    fake, services, clock = discord_bot
    fake.unreadable_channels = {CHANNEL}  # no Read Message History
    await crashed_after_discord_accepted(fake, services, clock)
    [result] = await services.weekly.scheduler.run_once()
    assert result.outcome == "sent"
    assert len(fake.messages_in(CHANNEL)) == 2


async def test_a_lost_answer_is_retried_with_the_same_nonce_and_discord_returns_the_first_card(
    discord_bot: tuple[FakeDiscord, DiscordVerdicts, Clock],
) -> None:
    """Discord created the card but the connection broke before its answer: the send fails
    and is retried a minute later. Even where the bot cannot read the history, the enforced
    nonce makes Discord hand back the first card instead of creating another."""
    fake, services, clock = discord_bot
    fake.unreadable_channels = {CHANNEL}
    await subscribed(services, clock)
    fake.drop_reply_once = True
    [first] = await services.weekly.scheduler.run_once()
    assert first.outcome == "failed"
    assert len(fake.messages_in(CHANNEL)) == 1
    clock.now += dt.timedelta(seconds=RETRY_BACKOFF_SECONDS[0] + 1)
    [retry] = await services.weekly.scheduler.run_once()
    assert retry.outcome == "sent"
    [card_message] = fake.messages_in(CHANNEL)
    assert len(fake.calls("POST", f"/channels/{CHANNEL}/messages")) == 2  # sent twice, one card
    card = await services.store.find_card("discord", CHANNEL, card_message["id"])
    assert card is not None and retry.card_id == card.id
