"""A product's row on the card: how it is priced (free tier, per seat per month, per use in its
unit), its licence and whether a team can host it, and what it works with.

The layout (`layout.py`) calls these for a column whose `kind` is "product"; a model's row is
built as before. Cells stay short (the terminal table is 80 columns for four tools); the note
under the table carries the rest, within one line.
"""

from __future__ import annotations

from bot.compare import ToolColumn

PRICE_CELL_WIDTH = 24
NOTE_LINE = 80
"""A note is one terminal line: "  <name>: <note>" within 80 columns."""


def _amount(usd: float) -> str:
    if usd == int(usd):
        return f"${usd:.0f}"
    return f"${usd:.4f}".rstrip("0") if usd < 0.01 else f"${usd:.2f}"


SHORT_UNIT = 20
"""A usage unit longer than this ("per 1M tokens at your provider's rate") is prose: the
card says "pay per use" and leaves the detail to the tool's page."""


def _short_unit(unit: str) -> str | None:
    """ "per audio minute" -> "/audio minute", "per 1M characters" -> "/1M characters"; None
    for a unit too long for a card."""
    unit = unit.strip()
    if not unit or len(unit) > SHORT_UNIT:
        return None
    return "/" + unit[4:] if unit.lower().startswith("per ") else f" {unit}"


def _usage(column: ToolColumn) -> str | None:
    """ "$0.0043/audio minute", or None when the card cannot say it in a few characters."""
    product = column.product
    if product is None or not product.usage_priced or product.usage_usd is None:
        return None
    unit = _short_unit(product.usage_unit)
    return f"{_amount(product.usage_usd)}{unit}" if unit else None


def price_cell(column: ToolColumn) -> str:
    """ "freemium $20/seat/mo", "paid $0.0043/audio minute", "free": the entry price and the
    cheapest paid figure in the product's own unit."""
    product = column.product
    entry = column.entry_price.value
    if product is None:
        return entry
    if product.seat_usd_per_month is not None:
        cell = f"{entry} {_amount(product.seat_usd_per_month)}/seat/mo"
    elif _usage(column):
        cell = f"{entry} {_usage(column)}"
    elif product.usage_priced:
        cell = f"{entry}, pay per use"
    else:
        cell = entry
    return cell if len(cell) <= PRICE_CELL_WIDTH else cell[: PRICE_CELL_WIDTH - 1] + "…"


def hosting(column: ToolColumn) -> str:
    """ "open source (MIT), self-hostable", "Proprietary, hosted only"."""
    product = column.product
    if product is None:
        return column.licence
    # A custom SPDX reference ("LicenseRef-Stability-AI-Community") would fill the line.
    named = "custom licence" if column.licence.startswith("LicenseRef-") else column.licence
    licence = f"open source ({named})" if product.open_source else named
    return f"{licence}, {'self-hostable' if product.self_hostable else 'hosted only'}"


def note(column: ToolColumn) -> str | None:
    """One line: how it is hosted and licensed, a usage price beside a seat price, then as much
    of "works with" as fits ("plus usage" last, when the usage unit is too long to quote)."""
    product = column.product
    if product is None:
        return None
    parts = [hosting(column)]
    extra_usage = product.seat_usd_per_month is not None and product.usage_priced
    if extra_usage and _usage(column):
        parts.append(f"or {_usage(column)}")

    def fits(text: str) -> bool:
        return len(f"  {column.name}: {text}") <= NOTE_LINE

    shown: list[str] = []
    for item in product.works_with:
        if not fits("; ".join([*parts, f"works with {', '.join([*shown, item])}"])):
            break
        shown.append(item)
    if shown:
        parts.append(f"works with {', '.join(shown)}")
    if extra_usage and not _usage(column) and fits("; ".join([*parts, "plus usage"])):
        parts.append("plus usage")
    return "; ".join(parts)
