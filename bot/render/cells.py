"""The card's table cells as short strings, shared by every renderer so they never disagree."""

from __future__ import annotations

from bot.compare import ToolColumn, VerdictCard

NO_VOTES = "—"


def community_cell(column: ToolColumn) -> str:
    votes = column.community.votes
    if votes == 0 or column.community.ship_pct is None:
        return NO_VOTES
    return f"{column.community.ship_pct}% of {votes} vote{'s' if votes != 1 else ''}"


def panel_cell(column: ToolColumn) -> str:
    return f"{column.panel_ship_pct}% ({column.panel_ships}/{column.panel_size})"


def table_rows(card: VerdictCard) -> list[tuple[str, list[str]]]:
    """Label and one cell per tool, for the rows below the names and taglines."""
    return [
        ("Panel ship", [panel_cell(c) for c in card.tools]),
        ("Community", [community_cell(c) for c in card.tools]),
        ("Entry price", [c.entry_price.value for c in card.tools]),
        ("Pricing", [c.pricing_read for c in card.tools]),
        ("Best for", [c.best_for for c in card.tools]),
    ]


def picked_name(card: VerdictCard) -> str | None:
    return next((c.name for c in card.tools if c.slug == card.verdict.pick), None)
