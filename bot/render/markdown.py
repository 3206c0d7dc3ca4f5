"""Markdown for chats and documents: a table of numbers, the split, and the verdict."""

from __future__ import annotations

from bot.card import VerdictCard
from bot.render.text import community_cell, panel_cell


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render_card(card: VerdictCard) -> str:
    names = [_cell(c.name) for c in card.tools]
    lines = [f"### {_cell(card.title)}", ""]
    lines.append("| | " + " | ".join(f"**{n}**" for n in names) + " |")
    lines.append("|---|" + "---|" * len(names))
    rows = [
        ("Tagline", [c.tagline for c in card.tools]),
        ("Panel ship", [panel_cell(c) for c in card.tools]),
        ("Community", [community_cell(c) for c in card.tools]),
        ("Entry price", [c.entry_price.value for c in card.tools]),
        ("Pricing", [c.pricing_read for c in card.tools]),
        ("Best for", [c.best_for for c in card.tools]),
    ]
    for label, cells in rows:
        lines.append(f"| {label} | " + " | ".join(_cell(c) for c in cells) + " |")
    lines += ["", "**Where the reviewers split**", ""]
    for persona in card.reviewer_split:
        mark = "≠ split" if persona.split else "= agree"
        takes = "; ".join(f"{t.name}: **{t.verdict}**, {t.take}" for t in persona.takes)
        lines.append(f"- **{persona.name}** ({mark}): {takes}")
    pick = next((c.name for c in card.tools if c.slug == card.verdict.pick), None)
    headline = f"Ship {pick}." if pick else "It depends."
    lines += ["", f"**Verdict: {headline}** {card.verdict.reason}"]
    return "\n".join(lines)
