"""Renderers turn core models (cards, tool pages) into text for one kind of output."""

from bot.render.lists import ToolList, ToolPage, list_tools, parse_tools_args, tool_page
from bot.render.text import render_reviews

__all__ = [
    "ToolList",
    "ToolPage",
    "list_tools",
    "parse_tools_args",
    "render_reviews",
    "tool_page",
]
