"""/leaderboard on Slack: the text, then the chart uploaded to the channel with files_upload_v2
(upload URL, the bytes, completion); without files:write the text stands alone."""

from __future__ import annotations

import logging

import pytest

from bot.votes import Store, VoteWrite
from tests.adapters.test_leaderboard_chart import assert_a_drawn_chart
from tests.adapters.test_slack import CHANNEL, SlackHarness, eventually, slack  # noqa: F401

PAIR = ("gpt-4o", "claude-3-5-haiku")


async def seed(store: Store, first_wins: int = 15, second_wins: int = 5) -> None:
    card = await store.register_card(
        platform="slack", channel=CHANNEL, message_id="1.1", tools=PAIR, asked_by="a"
    )
    for i in range(first_wins + second_wins):
        await store.record_vote(
            VoteWrite(
                card_id=card.id,
                voter=store.hash_user("slack", f"user{i}"),
                added=True,
                choice=int(i >= first_wins),
                event_time=1.7e9 + i,
                event_key=None,
            )
        )


async def test_the_leaderboard_uploads_its_chart_to_the_channel(
    slack: SlackHarness,  # noqa: F811
) -> None:
    await seed(slack.services.store)
    await slack.command("/leaderboard", "")
    await eventually(lambda: len(slack.fake.shared) == 1, timeout=15)
    [text] = slack.fake.of("chat.postMessage")
    assert "GPT-4o" in text.args["blocks"][1]["text"]["text"]
    [shared] = slack.fake.shared
    assert shared["channel"] == CHANNEL and shared["title"] == "Community leaderboard"
    assert_a_drawn_chart(slack.fake.uploads[shared["id"]])
    [asked] = slack.fake.of("files.getUploadURLExternal")
    assert asked.args["filename"] == "leaderboard.png"
    assert int(asked.args["length"]) == len(slack.fake.uploads[shared["id"]])


async def test_without_files_write_the_text_still_goes_and_the_error_is_logged(
    slack: SlackHarness,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    await seed(slack.services.store)
    slack.fake.upload_error = "missing_scope"
    with caplog.at_level(logging.WARNING, logger="adapters.slack.bot"):
        await slack.command("/leaderboard", "")
        await eventually(lambda: len(slack.fake.of("files.getUploadURLExternal")) == 1, 15)
        await eventually(lambda: "missing_scope" in caplog.text)
    assert len(slack.fake.of("chat.postMessage")) == 1
    assert not slack.fake.uploads and not slack.fake.shared
    assert "files:write" in caplog.text and "xoxb-" not in caplog.text


async def test_an_empty_leaderboard_uploads_nothing(slack: SlackHarness) -> None:  # noqa: F811
    await slack.command("/leaderboard", "")
    await eventually(lambda: len(slack.fake.of("chat.postMessage")) == 1)
    blocks = slack.fake.of("chat.postMessage")[0].args["blocks"]
    assert "nothing is ranked" in blocks[1]["text"]["text"]
    assert not slack.fake.of("files.getUploadURLExternal")
