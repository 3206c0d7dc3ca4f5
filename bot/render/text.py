"""Plain text for terminals: tools side by side, every line within 80 columns."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from bot.catalogue import Catalogue, Tool, pricing_read
from bot.compare import VerdictCard
from bot.platform import PostedCard
from bot.render.cells import community_cell, picked_name, table_rows
from bot.votes import Leaderboard

WIDTH = 80
LABEL_WIDTH = 12
GAP = 2


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width=width, break_long_words=True, break_on_hyphens=False) or [""]


def _row(label: str, cells: Sequence[str], column_width: int) -> list[str]:
    wrapped = [_wrap(cell, column_width) for cell in cells]
    height = max(len(lines) for lines in wrapped)
    out = []
    for i in range(height):
        head = label if i == 0 else ""
        parts = [head.ljust(LABEL_WIDTH)]
        for lines in wrapped:
            parts.append((lines[i] if i < len(lines) else "").ljust(column_width))
        out.append((" " * GAP).join(parts).rstrip())
    return out


def _hanging(text: str, first: str, rest: str) -> list[str]:
    return textwrap.wrap(text, width=WIDTH, initial_indent=first, subsequent_indent=rest)


def render_card(card: VerdictCard) -> str:
    n = len(card.tools)
    column_width = (WIDTH - LABEL_WIDTH - GAP * n) // n
    lines = _wrap(card.title, WIDTH)
    lines.append("=" * min(WIDTH, max(len(line) for line in lines)))
    rows = [
        ("", [c.name for c in card.tools]),
        ("", [c.tagline for c in card.tools]),
        *table_rows(card),
    ]
    for label, cells in rows:
        lines.extend(_row(label, cells, column_width))
    lines.append("")
    pick = picked_name(card)
    headline = f"Verdict: ship {pick}." if pick else "Verdict: it depends."
    lines.extend(_hanging(f"{headline} {card.verdict.reason}", "", "  "))
    lines.append("")
    lines.append("Where the reviewers split")
    for persona in card.reviewer_split:
        mark = "≠" if persona.split else "="
        state = "split" if persona.split else "agree"
        lines.append(f"{mark} {persona.name} ({state})")
        for take in persona.takes:
            lines.extend(
                _hanging(f"{take.name}: {take.verdict.upper()}. {take.take}", "    ", "      ")
            )
    return "\n".join(lines)


def render_tool(tool: Tool, catalogue: Catalogue) -> str:
    lines = _wrap(f"{tool.name} ({tool.slug}), by {tool.vendor}", WIDTH)
    lines.extend(_wrap(tool.tagline, WIDTH))
    lines.append("")
    lines.extend(_wrap(tool.description, WIDTH))
    lines.append("")
    facts = [
        ("Category", tool.category),
        ("Licence", tool.licence),
        ("Released", tool.released.isoformat()),
        ("Entry price", tool.entry_price.value),
        ("Pricing", pricing_read(tool)),
        ("Best for", tool.best_for),
    ]
    if tool.facts.parameters:
        facts.append(("Parameters", tool.facts.parameters))
    if tool.facts.context_window:
        facts.append(("Context", f"{tool.facts.context_window:,} tokens"))
    if tool.facts.modalities:
        facts.append(("Modalities", ", ".join(tool.facts.modalities)))
    for name, score in tool.facts.benchmarks.items():
        facts.append(("Benchmark", f"{name}: {score}"))
    for label, value in facts:
        lines.extend(_hanging(value, f"{label:<{LABEL_WIDTH}}  ", " " * (LABEL_WIDTH + 2)))
    lines.append("")
    lines.append("The panel")
    for persona in catalogue.panel.personas:
        review = tool.panel.get(persona.slug)
        if review is None:
            continue
        lines.extend(
            _hanging(f"{persona.name}: {review.verdict.upper()}. {review.take}", "  ", "    ")
        )
        lines.extend(_hanging(review.body, "    ", "    "))
    lines.append("")
    lines.append("Sources")
    lines.extend(f"  {source.url}" for source in tool.sources)
    return "\n".join(lines)


def render_list(catalogue: Catalogue) -> str:
    slug_width = max(len(t.slug) for t in catalogue.tools)
    name_width = max(len(t.name) for t in catalogue.tools)
    lines = []
    for tool in catalogue.tools:
        head = f"{tool.slug:<{slug_width}}  {tool.name:<{name_width}}  {tool.entry_price.value}"
        lines.append(head[:WIDTH])
    return "\n".join(lines)


def render_votes(posted: PostedCard) -> str:
    """How to vote and where the votes stand: the part of a posted card that changes."""
    lines = ["Which one would you ship? React to vote:"]
    for emoji, column, votes in zip(
        posted.vote_emojis, posted.card.tools, posted.card_votes, strict=True
    ):
        community = community_cell(column)
        lines.append(
            f"  {emoji} {column.name}: {votes} vote{'s' if votes != 1 else ''} here"
            f" (community: {community})"
        )
    pair = posted.head_to_head
    if pair is not None:
        names = {c.slug: c.name for c in posted.card.tools}
        lines.extend(
            _hanging(
                f"Head to head on every card with both: {names[pair.first]} {pair.first_wins}, "
                f"{names[pair.second]} {pair.second_wins}.",
                "",
                "  ",
            )
        )
    return "\n".join(lines)


def render_posted(posted: PostedCard) -> str:
    """The card as posted in a chat: the verdict card, then how to vote and the tallies."""
    card = f"{render_card(posted.card)}\n\n{render_votes(posted)}"
    if posted.page_url is not None:
        card += f"\nFull page: {posted.page_url}"
    if posted.recap is None:
        return card
    return "\n".join(["Weekly verdict", *_wrap(posted.recap, WIDTH), "", card])


def render_leaderboard(board: Leaderboard) -> str:
    scope = f"category {board.category}" if board.category else "all tools"
    lines = [f"Community leaderboard ({scope}), from {board.total_votes} votes"]
    if board.ranked:
        lines.append(
            f"{'#':>2}  {'Tool':<24} {'Rating':>6}  {'95% band':<11} {'Votes':>6} {'Wins':>6}"
        )
        for place, entry in enumerate(board.ranked, start=1):
            band = f"{entry.low}-{entry.high}"
            lines.append(
                f"{place:>2}  {entry.name[:24]:<24} {entry.rating:>6}  {band:<11} "
                f"{entry.votes:>6} {entry.wins:>6}"
            )
    else:
        lines.append(f"No tool has {board.min_votes} votes yet, so nothing is ranked.")
    if board.unranked:
        waiting = ", ".join(f"{e.name} ({e.votes})" for e in board.unranked)
        lines.extend(
            _hanging(f"Not ranked yet (under {board.min_votes} votes): {waiting}", "", "  ")
        )
    return "\n".join(lines)
