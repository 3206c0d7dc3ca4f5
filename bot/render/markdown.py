"""Markdown for chats and documents: the card's shared layout, verdict first, as a table."""

from __future__ import annotations

from bot.compare import VerdictCard
from bot.render.layout import HEADERS, layout


def _cell(text: str) -> str:
    """Text that stays inside its table cell or list item and formats nothing."""
    for mark in ("\\", "|", "*", "_", "`", "[", "]", "<", ">"):
        text = text.replace(mark, "\\" + mark)
    return text.replace("\n", " ")


def render_card(card: VerdictCard, *, tally: str | None = None) -> str:
    shape = layout(card)
    lines = [f"**{_cell(shape.headline)}** {_cell(shape.reason)}", ""]
    lines.append("| " + " | ".join(HEADERS) + " |")
    lines.append("|---" * len(HEADERS) + "|")
    for row in shape.rows:
        lines.append("| " + " | ".join(_cell(c) for c in row.cells) + " |")
    # Every tool's note on one line: a line per tool would spend the card's line budget.
    notes = " · ".join(f"*{_cell(r.name)}: {_cell(r.note)}*" for r in shape.rows if r.note)
    age = card.data_age if not tally else None  # with a tally it closes the footer instead
    if notes and age:  # on the notes' line: a paragraph of its own would cost two lines
        notes, age = f"{notes} · {_cell(age)}", None
    lines += ["", notes] if notes else []
    items = [
        f"- ≠ **{_cell(s.persona)}** {_cell(s.stance)}: “{_cell(s.take)}”" for s in shape.splits
    ]
    if shape.agree:
        items.append(f"- = {_cell(shape.agree)}")
    # A list may follow the notes' paragraph directly (CommonMark lets it interrupt one).
    lines += ([] if notes else [""]) + items if items else []
    footer = " · ".join(part for part in (tally, card.data_age if tally else age) if part)
    if footer:
        lines += ["", _cell(footer)]
    return "\n".join(lines)
