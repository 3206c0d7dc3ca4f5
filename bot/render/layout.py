"""The card's one layout, shared by every surface so they never disagree on order or words:
the verdict and its reason, one compact row per tool, the reviewers who split, a tally line.

Renderers (text, Markdown, Discord embed, Slack blocks) only format these pieces; the budget
(lines and characters) is the same for all of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.compare import (
    PersonaSplit,
    ToolColumn,
    VerdictCard,
    and_list,
    count_word,
    kind_label,
    number_word,
    tokens,
)
from bot.render import product_row

CARD_LINES = {2: 12, 3: 15, 4: 18}
"""At most this many lines for a card of 2, 3, 4 tools, on every surface."""
CARD_CHARS = {2: 900, 3: 1200, 4: 1500}
"""At most this many characters, so a card reads in five seconds and fits one message."""
HEADERS = ("Tool", "Category", "Panel", "Community", "Price", "Context")
NOT_REVIEWED = "not reviewed yet"
TOO_FEW_FACTS = "too few facts"
FROM_FACTS = "from facts"
"""Marks a take computed by a persona's rules, so no reader takes it for a reviewer's words."""
NO_VOTES = "—"
SERVED_BY_SHOWN = 2


@dataclass(frozen=True)
class ToolRow:
    name: str
    category: str
    panel: str
    community: str
    price: str
    context: str
    notes: tuple[str, ...]
    """Retired or deprecated (first: it matters more), and who serves it cheapest."""
    warns: bool = False
    """Its first note is a lifecycle warning, which stays when the other notes give way."""

    @property
    def note(self) -> str | None:
        return " · ".join(self.notes) or None

    @property
    def cells(self) -> tuple[str, ...]:
        return (self.name, self.category, self.panel, self.community, self.price, self.context)


@dataclass(frozen=True)
class SplitLine:
    """A reviewer whose verdicts differ across the card, and their take on one tool."""

    persona: str
    stance: str
    """ "ships A, skips B", ending with the tool the take is about."""
    take: str


@dataclass(frozen=True)
class CardLayout:
    headline: str
    reason: str
    rows: tuple[ToolRow, ...]
    splits: tuple[SplitLine, ...]
    agree: str | None
    """Reviewers who judge every tool alike, in one line: "All four reviewers: ship both"."""


def verdict_words(card: VerdictCard) -> str:
    """ "ship A", "it depends", "too close to call", "neither": the verdict in a few words."""
    pick = picked_name(card)
    if pick:
        return f"ship {pick}"
    if card.verdict.decided_by == "depends":
        return "it depends"
    if card.verdict.decided_by == "tie":
        return "too close to call"
    if card.verdict.decided_by == "too few facts":
        return "too few facts to judge"
    return "neither" if len(card.tools) == 2 else "none of them"


def headline(card: VerdictCard) -> str:
    asked = f" {card.use_case.label}" if card.use_case else ""
    return f"{title(card)}{asked} — verdict: {verdict_words(card)}."


def title(card: VerdictCard) -> str:
    """The card's title; with an app and a model on one card, each name says which it is
    ("ChatGPT (app) vs GPT-5 (model)")."""
    if len({c.kind for c in card.tools}) < 2:
        return card.title
    names = []
    for column in card.tools:
        label = kind_label(column.kind, column.category)
        named = column.name.endswith(f"({label})")  # "Gemini (app)" says it already
        names.append(column.name if named else f"{column.name} ({label})")
    return " vs ".join(names)


def picked_name(card: VerdictCard) -> str | None:
    return next((c.name for c in card.tools if c.slug == card.verdict.pick), None)


def community_cell(column: ToolColumn) -> str:
    """ "62% of 40 (47-76)": the share, its votes and, from 10 votes, its 95% interval."""
    votes = column.community.votes
    if votes == 0 or column.community.ship_pct is None:
        return NO_VOTES
    interval = column.community.interval_pct
    sure = f" ({interval[0]}-{interval[1]})" if interval else ""
    return f"{column.community.ship_pct}% of {votes}{sure}"


def panel_cell(column: ToolColumn) -> str:
    if column.panel_ship_pct is None or not column.panel_size:
        return TOO_FEW_FACTS
    if column.panel_from_facts:
        return f"{column.panel_ship_pct}% {FROM_FACTS}"
    return f"{column.panel_ship_pct}%"


def _usd(amount: float) -> str:
    return f"${amount:.2f}"


def offer_text(column: ToolColumn) -> str | None:
    """ "served by Groq $0.59/$0.79, Together $0.88/$0.88" (input/output per 1M tokens)."""
    offers = [
        f"{o.provider_name} {_usd(o.input_usd_per_mtok)}/{_usd(o.output_usd_per_mtok)}"
        for o in column.served_by[:SERVED_BY_SHOWN]
        if o.input_usd_per_mtok is not None and o.output_usd_per_mtok is not None
    ]
    more = len(column.served_by) - SERVED_BY_SHOWN
    if not offers:
        return None
    return "served by " + ", ".join(offers) + (f" and {more} more" if more > 0 else "")


UNIT_SHORT = {
    "minute of audio": "min",
    "1M characters": "1M chars",
    "1,000 pages": "1K pages",
    "1M input tokens": "1M in",
}
"""A price unit as the Price cell writes it: "$0.006/min" for a transcriber."""


def price_cell(column: ToolColumn) -> str:
    """Entry price, and the blended per-token price (input weighted 3:1) where there is one;
    a price in another unit in that unit ("paid $0.006/min"), never as a per-token figure."""
    entry = column.entry_price.value
    if column.unit_price is not None:
        usd, unit = column.unit_price
        return f"{entry} ${usd:.3g}/{UNIT_SHORT.get(unit, unit)}"
    if column.blended_usd_per_mtok is None:
        return entry
    return f"{entry} {_usd(column.blended_usd_per_mtok)}/1M"


def context_cell(column: ToolColumn) -> str:
    return tokens(column.context_window) if column.context_window else NO_VOTES


def _row(column: ToolColumn) -> ToolRow:
    notes = [n for n in (column.lifecycle_note, offer_text(column), product_row.note(column)) if n]
    return ToolRow(
        name=column.name,
        category=column.category,
        panel=panel_cell(column),
        community=community_cell(column),
        price=product_row.price_cell(column) if column.product else price_cell(column),
        context="" if column.product else context_cell(column),  # an app has no context window
        notes=tuple(notes),
        warns=column.lifecycle_note is not None,
    )


def _split_line(persona: PersonaSplit, card: VerdictCard) -> SplitLine:
    line = _split_words(persona, card)
    if any(t.from_facts and t.take == line.take for t in persona.takes):
        return SplitLine(line.persona, f"{line.stance} ({FROM_FACTS})", line.take)
    return line


def _split_words(persona: PersonaSplit, card: VerdictCard) -> SplitLine:
    """Name the smaller side ("skips C", "ships only B"), or both on an even split, and quote
    the take on the last tool named: why they skip it, or why they ship it."""
    ships = [t for t in persona.takes if t.verdict == "ship"]
    skips = [t for t in persona.takes if t.verdict == "skip"]
    ship_names = and_list([t.name for t in ships])
    skip_names = and_list([t.name for t in skips])
    if len(skips) < len(ships):
        return SplitLine(persona.name, f"skips {skip_names}", skips[0].take)
    if len(ships) < len(skips):
        if persona.persona in card.verdict.quoted:  # the reason quotes their take on the pick
            stance = f"ships only {ship_names}; on {skips[0].name}"
            return SplitLine(persona.name, stance, skips[0].take)
        about = next((t for t in ships if t.slug == card.verdict.pick), ships[0])
        return SplitLine(persona.name, f"ships only {ship_names}", about.take)
    if persona.persona in card.verdict.quoted:
        # The reason already quotes why they ship the pick: say why not the other.
        return SplitLine(persona.name, f"ships {ship_names}, skips {skip_names}", skips[0].take)
    about = next((t for t in ships if t.slug == card.verdict.pick), ships[0])
    return SplitLine(persona.name, f"skips {skip_names}, ships {ship_names}", about.take)


def _agree(card: VerdictCard) -> str | None:
    """Reviewers who judge every tool alike, grouped: "The Builder and The Futurist: ship
    both; The Skeptic: skip both", or "All four reviewers: ship both". Personas whose takes
    are computed are grouped apart and marked: "The Skeptic (from facts): ship both"."""
    n = len(card.tools)
    groups: dict[tuple[str, str, bool], list[str]] = {}
    for persona in card.reviewer_split:
        if persona.split or not persona.takes:
            continue
        # A tool without a review from this persona is left out of what they agree on.
        covered = (
            count_word(n) if len(persona.takes) == n else and_list([t.name for t in persona.takes])
        )
        computed = any(t.from_facts for t in persona.takes)
        groups.setdefault((persona.takes[0].verdict, covered, computed), []).append(persona.name)
    if not groups:
        return None
    size = len(card.reviewer_split)
    if len(groups) == 1 and size > 1:
        (verdict, covered, computed), names = next(iter(groups.items()))
        if len(names) == size:
            who = "personas, from facts" if computed else "reviewers"
            return f"All {number_word(size)} {who}: {verdict} {covered}"
    return "; ".join(
        f"{and_list(names)}{f' ({FROM_FACTS})' if computed else ''}: {verdict} {covered}"
        for (verdict, covered, computed), names in groups.items()
    )


def layout(card: VerdictCard) -> CardLayout:
    return CardLayout(
        headline=headline(card),
        reason=card.verdict.reason,
        rows=tuple(_row(c) for c in card.tools),
        splits=tuple(_split_line(p, card) for p in card.reviewer_split if p.split),
        agree=_agree(card),
    )


_QUOTE = re.compile(r" tips it: “[^”]*”")


def unquoted(reason: str) -> str:
    """The reason without the tipping reviewer's quoted take ("The Builder tips it."): what
    gives way when two long product names leave no room for it (the take is in Full reviews)."""
    return _QUOTE.sub(" tips it.", reason)


def fit(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, ending in an ellipsis when cut."""
    return text if len(text) <= limit else text[: max(1, limit - 1)].rstrip() + "…"
