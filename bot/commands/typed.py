"""The commands a chat takes as typed words, each once: "/compare A vs B", "/tool NAME",
"/tools [filter] [page]" and "/leaderboard [category | use case]". A platform whose commands
arrive as a name and a line of text (Slack, the terminal) hands both here; Discord's commands
come with typed options and call the `ask_*` functions one by one."""

from __future__ import annotations

from bot.chat import ChatBot
from bot.commands.asking import ask_compare, ask_leaderboard, ask_tool, ask_tools
from bot.commands.models import Answer, Request

TYPED = ("/compare", "/tool", "/tools", "/leaderboard")
"""The commands `ask_typed` answers."""


async def ask_typed(bot: ChatBot, request: Request, command: str, text: str) -> Answer:
    """What to show for `command` (one of `TYPED`) typed with `text`; the lifecycle is read on
    the bot's today."""
    if command == "/compare":
        return ask_compare(bot.comparer, request, text, today=bot.clock().date())
    if command == "/tool":
        return ask_tool(bot.comparer, request, text)
    if command == "/tools":
        return ask_tools(bot.comparer, text)
    if command == "/leaderboard":
        return await ask_leaderboard(bot.comparer, bot.store, request, text)
    raise ValueError(f"{command} is not one of {', '.join(TYPED)}")
