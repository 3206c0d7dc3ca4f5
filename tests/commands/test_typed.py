"""The commands a chat takes as typed words, answered once in the core for Slack and the
terminal: each gives the answer its own command would, over a real store."""

from __future__ import annotations

import datetime as dt

import pytest

from bot import commands
from bot.chat import ChatBot

ASKER = commands.Surface(name="console").request("c1", "alice")


async def test_each_typed_command_answers_as_its_own_command(bot: ChatBot) -> None:
    card = await commands.ask_typed(bot, ASKER, "/compare", "smolvlm2 vs mistral-medium-3 for 2h")
    assert isinstance(card, commands.ShowCard)
    assert card.slugs == ("smolvlm2", "mistral-medium-3") and card.lasts == dt.timedelta(hours=2)
    tool = await commands.ask_typed(bot, ASKER, "/tool", "claude 3.5 haiku")
    assert isinstance(tool, commands.ShowTool) and tool.tool.slug == "claude-3-5-haiku"
    page = await commands.ask_typed(bot, ASKER, "/tools", "2")
    assert isinstance(page, commands.ShowTools)
    assert page.page.filter == "" and page.page.page == 2
    board = await commands.ask_typed(bot, ASKER, "/leaderboard", "")
    assert isinstance(board, commands.ShowBoard) and board.board.total_votes == 0


async def test_a_typed_command_that_cannot_be_answered_is_said_to_the_asker(bot: ChatBot) -> None:
    unknown = await commands.ask_typed(bot, ASKER, "/compare", "photoshop vs smolvlm2")
    assert isinstance(unknown, commands.Private) and unknown.requests == ("photoshop",)
    category = await commands.ask_typed(bot, ASKER, "/leaderboard", "no-such-category")
    assert isinstance(category, commands.Private)
    with pytest.raises(ValueError, match="/verdicts is not one of /compare"):
        await commands.ask_typed(bot, ASKER, "/verdicts", "preview")
