"""JSON for other programs: the card as the CLI contract describes it, and error objects."""

from __future__ import annotations

import json
from typing import Any

from bot.catalogue import Catalogue, Tool
from bot.compare import VerdictCard
from bot.errors import VerdictError
from bot.votes import Leaderboard


def render_card(card: VerdictCard, catalogue: Catalogue | None = None) -> str:
    """The card; with `catalogue`, also `reviews`: each tool's full panel reviews (`--full`)."""
    data = card.model_dump(mode="json")
    if catalogue is not None:
        data["reviews"] = {
            c.slug: {
                persona: review.model_dump(mode="json")
                for persona, review in catalogue.by_slug[c.slug].panel.items()
            }
            for c in card.tools
            if c.slug in catalogue.by_slug
        }
    return json.dumps(data, ensure_ascii=False, indent=2)


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
