"""JSON for other programs: the card as the CLI contract describes it, and error objects."""

from __future__ import annotations

import json
from typing import Any

from bot.catalogue import Tool
from bot.compare import VerdictCard
from bot.errors import VerdictError
from bot.votes import Leaderboard


def render_card(card: VerdictCard) -> str:
    return json.dumps(card.model_dump(mode="json"), ensure_ascii=False, indent=2)


def render_tool(tool: Tool) -> str:
    return json.dumps(tool.model_dump(mode="json"), ensure_ascii=False, indent=2)


def render_leaderboard(board: Leaderboard) -> str:
    return json.dumps(board.model_dump(mode="json"), ensure_ascii=False, indent=2)


def render_error(error: VerdictError) -> str:
    suggestions = getattr(error, "suggestions", [])
    body: dict[str, Any] = {
        "kind": error.kind,
        "message": error.message,
        "suggestions": [s.slug for s in suggestions],
    }
    return json.dumps({"error": body}, ensure_ascii=False)
