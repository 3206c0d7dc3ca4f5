"""A weekly card on Slack carries its channel-week's idempotency key in its metadata; a
recovery after a crash between Slack accepting the card and the bot recording it finds that
card (conversations.history) and records it instead of posting a second one. Without the
history scopes it cannot look, and posts as before. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.bot import CARD_KEY_EVENT, SlackVerdicts
from bot.catalogue import Catalogue
from bot.votes import EditCoalescer, Store
from bot.weekly import week_window
from bot.weekly.scheduler import LEASE_SECONDS, post_key
from tests.fake_slack import BOT_USER, FakeSlack

MONDAY_9 = dt.datetime(2026, 11, 23, 9, 1, tzinfo=dt.UTC)


class Clock:
    now = MONDAY_9

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
async def slack(
    db_location: str, catalogue: Catalogue
) -> AsyncIterator[tuple[FakeSlack, SlackVerdicts, Clock]]:
    fake = FakeSlack()
    client = AsyncWebClient(token="xoxb-test", base_url=await fake.start())
    clock = Clock()
    store = await Store.open(db_location, clock=clock)
    services = SlackVerdicts(
        client, catalogue, store, bot_user_id=BOT_USER, clock=clock, edits=EditCoalescer()
    )
    try:
        yield fake, services, clock
    finally:
        await services.edits.drain()
        await store.close()
        await fake.stop()


async def crashed_after_slack_accepted(services: SlackVerdicts, clock: Clock) -> str:
    """What a process killed between Slack's answer and its commit leaves: a claim, and a
    keyed card in the channel that the database does not know."""
    sub = await services.weekly.store.subscribe(
        platform="slack",
        channel="C1",
        weekday=0,
        hour=9,
        timezone="UTC",
        user_id="UADMIN",
        now=clock.now - dt.timedelta(days=1),
    )
    week = week_window(sub, clock.now).week
    tools = ("smolvlm2", "mistral-medium-3")
    await services.weekly.store.claim(
        sub.id, week, tools, owner="dead", now=clock.now.timestamp(), lease_seconds=LEASE_SECONDS
    )
    posted = await services.bot._posted(list(tools), card_votes=(0, 0))
    key = post_key(sub, week)
    await services.platform.post_card("C1", posted.model_copy(update={"idempotency_key": key}))
    clock.now += dt.timedelta(seconds=LEASE_SECONDS + 60)
    return key


async def test_a_recovery_records_the_card_slack_already_has_instead_of_posting_again(
    slack: tuple[FakeSlack, SlackVerdicts, Clock],
) -> None:
    fake, services, clock = slack
    key = await crashed_after_slack_accepted(services, clock)
    [first] = fake.of("chat.postMessage")
    assert first.args["metadata"]["event_type"] == CARD_KEY_EVENT
    assert first.args["metadata"]["event_payload"] == {"key": key}
    [result] = await services.weekly.scheduler.run_once()
    assert result.outcome == "sent"
    assert len(fake.of("chat.postMessage")) == 1  # no second card
    card = await services.store.find_card("slack", "C1", "1700000000.000001")
    assert card is not None and result.card_id == card.id
    assert [c.args["name"] for c in fake.of("reactions.add")] == ["one", "two"]


async def test_without_the_history_scopes_a_recovery_posts_as_before(
    slack: tuple[FakeSlack, SlackVerdicts, Clock],
) -> None:
    fake, services, clock = slack
    fake.history_error = "missing_scope"
    await crashed_after_slack_accepted(services, clock)
    [result] = await services.weekly.scheduler.run_once()
    assert result.outcome == "sent"
    assert len(fake.of("chat.postMessage")) == 2
