"""/leaderboard on Discord carries its chart: a real PNG attached to the message and shown as
the embed's image; refused (no Attach Files), the embed goes alone."""

from __future__ import annotations

import discord

from adapters.discord.bot import DiscordVerdicts
from bot.commands import Request, ShowBoard, ask_leaderboard, show
from bot.votes import Store, VoteWrite
from tests.adapters.test_discord import client, fake, interaction, verdicts  # noqa: F401
from tests.adapters.test_leaderboard_chart import assert_a_drawn_chart
from tests.fake_discord import APP_ID, CHANNEL_ID, FakeDiscord

PAIR = ("gpt-4o", "claude-3-5-haiku")


async def seed(store: Store, first_wins: int = 15, second_wins: int = 5) -> None:
    card = await store.register_card(
        platform="discord", channel=CHANNEL_ID, message_id="1", tools=PAIR, asked_by="a"
    )
    for i in range(first_wins + second_wins):
        await store.record_vote(
            VoteWrite(
                card_id=card.id,
                voter=store.hash_user("discord", f"user{i}"),
                added=True,
                choice=int(i >= first_wins),
                event_time=1.7e9 + i,
                event_key=None,
            )
        )


async def test_the_leaderboard_command_attaches_its_chart(
    fake: FakeDiscord,  # noqa: F811
    client: discord.Client,  # noqa: F811
    verdicts: DiscordVerdicts,  # noqa: F811
) -> None:
    await seed(verdicts.store)
    await verdicts.leaderboard(interaction(client, "leaderboard", []))
    [sent] = fake.calls("POST", f"/webhooks/{APP_ID}/")
    embed = sent.body["embeds"][0]
    assert embed["title"] == "Community leaderboard"
    assert embed["image"]["url"] == "attachment://leaderboard.png"
    assert "recounted at most every 30 s" in embed["footer"]["text"]
    assert_a_drawn_chart(sent.files["leaderboard.png"])


async def test_a_refused_chart_still_posts_the_leaderboard(
    fake: FakeDiscord,  # noqa: F811
    client: discord.Client,  # noqa: F811
    verdicts: DiscordVerdicts,  # noqa: F811
) -> None:
    """Through the output contract (`bot.commands.show`), as the console and Slack use it."""
    await seed(verdicts.store)
    fake.refuse_files = True
    request = Request(platform="discord", channel=CHANNEL_ID, user_id="1")
    answer = await ask_leaderboard(verdicts.comparer, verdicts.store, request, None)
    assert isinstance(answer, ShowBoard) and answer.board.ranked
    await show(verdicts.bot, request, answer)
    refused, sent = fake.calls("POST", f"/channels/{CHANNEL_ID}/messages")
    assert "leaderboard.png" in refused.files
    assert not sent.files and "image" not in sent.body["embeds"][0]
    assert "GPT-4o" in sent.body["embeds"][0]["description"]


async def test_an_empty_leaderboard_sends_no_picture(
    fake: FakeDiscord,  # noqa: F811
    client: discord.Client,  # noqa: F811
    verdicts: DiscordVerdicts,  # noqa: F811
) -> None:
    await verdicts.leaderboard(interaction(client, "leaderboard", []))
    [sent] = fake.calls("POST", f"/webhooks/{APP_ID}/")
    assert not sent.files and "image" not in sent.body["embeds"][0]
    assert "nothing is ranked" in sent.body["embeds"][0]["description"]
