"""Markdown for chats and documents: a table of numbers, the split, and the verdict."""

from __future__ import annotations

from bot.compare import VerdictCard
from bot.render.cells import picked_name, table_rows


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render_card(card: VerdictCard) -> str:
    names = [_cell(c.name) for c in card.tools]
    lines = [f"### {_cell(card.title)}", ""]
    lines.append("| | " + " | ".join(f"**{n}**" for n in names) + " |")
    lines.append("|---|" + "---|" * len(names))
    rows = [("Tagline", [c.tagline for c in card.tools]), *table_rows(card)]
    for label, cells in rows:
        lines.append(f"| {label} | " + " | ".join(_cell(c) for c in cells) + " |")
    lines += ["", "**Where the reviewers split**", ""]
    for persona in card.reviewer_split:
        mark = "≠ split" if persona.split else "= agree"
        takes = "; ".join(f"{t.name}: **{t.verdict}**, {t.take}" for t in persona.takes)
        lines.append(f"- **{persona.name}** ({mark}): {takes}")
    pick = picked_name(card)
    headline = f"Ship {pick}." if pick else "It depends."
    lines += ["", f"**Verdict: {headline}** {card.verdict.reason}"]
    return "\n".join(lines)
