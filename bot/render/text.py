"""Plain text for terminals: tools side by side, every line within the terminal's width (80
columns unless the caller knows better, e.g. `verdict compare` from $COLUMNS)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Literal

from bot.catalogue import Catalogue, Tool, data_age, pricing_read
from bot.compare import VerdictCard
from bot.platform import PostedCard
from bot.polls import closing_note, hidden_tally, how_to_vote
from bot.render.facts import released, stated_facts
from bot.render.layout import (
    CARD_CHARS,
    CARD_LINES,
    HEADERS,
    SplitLine,
    ToolRow,
    fit,
    layout,
)
from bot.render.reviews import full_reviews, no_reviews
from bot.votes import (
    MEANING,
    RANKS_MEANING,
    Leaderboard,
    not_comparable_text,
    pair_line,
    preliminary_text,
    rank_text,
    scope_note,
    votes_text,
)

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


def _hanging(text: str, first: str, rest: str, width: int = WIDTH) -> list[str]:
    return textwrap.wrap(text, width=width, initial_indent=first, subsequent_indent=rest)


NAME_FLOOR = 14
"""A tool's name is not cut below this in the table ("Claude Opus 4.…"): narrower, the
category and context columns go first, then the table becomes one line per tool."""
DROPPED_FIRST = (1, 5)
"""Category, then context: what a narrow terminal loses before the table stops being one."""


Notes = Literal["all", "warnings", "none"]
"""Which notes go under the table: every one, only lifecycle warnings, or none."""


def _table(rows: Sequence[ToolRow], *, notes: Notes = "all", width: int = WIDTH) -> list[str]:
    """One line per tool under a header, columns as wide as their widest cell; the name and
    category give way (with an ellipsis) when four tools would pass `width` columns, then the
    category and context columns, and below that each tool is a wrapped line of its own.
    The notes under the table give way first to warnings only, then (last) entirely."""
    table = [HEADERS, *(row.cells for row in rows)]
    widths = [max(len(cells[i]) for cells in table) for i in range(len(HEADERS))]
    shown = list(range(len(HEADERS)))

    def over() -> int:
        return sum(widths[i] for i in shown) + GAP * (len(shown) - 1) - width

    floors = {1: len(HEADERS[1]), 0: min(widths[0], NAME_FLOOR)}
    for shrink in (1, 0):  # category first, then the name
        if over() > 0:
            widths[shrink] = max(floors[shrink], widths[shrink] - over())
    for dropped in DROPPED_FIRST:
        if over() > 0:
            shown.remove(dropped)
    if over() > 0:
        lines = [line for row in rows for line in _stacked(row, width)]
    else:
        lines = []
        for cells in table:
            parts = [fit(cells[i], widths[i]).ljust(widths[i]) for i in shown]
            lines.append((" " * GAP).join(parts).rstrip())
    for row in rows if notes != "none" else ():
        if notes == "warnings":
            if row.warns:
                lines.append(fit(f"  {row.name}: {row.notes[0]}", width))
        elif row.notes:
            line = f"  {row.name}: {row.note}"
            # Too long for one line: the lifecycle note alone, rather than half of each.
            lines.append(
                line if len(line) <= width else fit(f"  {row.name}: {row.notes[0]}", width)
            )
    # Notes go under the table so the columns stay one block; each names its tool.
    return lines


def _stacked(row: ToolRow, width: int) -> list[str]:
    """A tool's row where no table fits: "GPT-5.5: panel 75% from facts; community —; …"."""
    cells = dict(zip(HEADERS, row.cells, strict=True))
    said = "; ".join(f"{head.lower()} {cells[head]}" for head in HEADERS[2:] if cells[head])
    return _hanging(f"{row.name}: {said}", "", "    ", width)


def _split_lines(split: SplitLine, max_lines: int, width: int = WIDTH) -> list[str]:
    """One reviewer's split in at most `max_lines`, the take cut short (…) if need be."""
    head = f"≠ {split.persona} {split.stance}"
    wrapped = _hanging(f"{head}: “{split.take}”", "", "  ", width)
    if len(wrapped) <= max_lines:
        return wrapped
    kept = _hanging(head, "", "  ", width)
    if len(kept) > max_lines:  # even the stance is cut: say so
        return [*kept[: max_lines - 1], fit(kept[max_lines - 1] + " …", width)]
    if len(kept) == max_lines:
        return kept
    # Fill the lines we have, then end the quote where the room ends.
    room = max_lines * width - 2 * (max_lines - 1) - len(head) - 8
    lines = _hanging(f"{head}: “{fit(split.take, room)}”", "", "  ", width)
    if len(lines) > max_lines:  # wrapping lost more than the estimate: say it was cut
        lines = [*lines[: max_lines - 1], fit(lines[max_lines - 1] + " …", width)]
    return lines


def _splits(splits: Sequence[SplitLine], room: int, width: int = WIDTH) -> list[str]:
    """The reviewers who split, in at most `room` lines: two lines each while they fit, then
    one, then the rest named on a last line (their full reviews are one command away)."""
    if not splits or room <= 0:
        return []
    if len(splits) > room:
        shown = max(0, room - 1)
        rest = [s.persona for s in splits[shown:]]
        out = [line for s in splits[:shown] for line in _split_lines(s, 1, width)]
        return [*out, fit(f"≠ Also split: {', '.join(rest)}", width)]
    per = [1] * len(splits)
    spare = room - len(splits)
    for i in range(len(splits)):
        if spare > 0:
            per[i] += 1
            spare -= 1
    return [line for s, n in zip(splits, per, strict=True) for line in _split_lines(s, n, width)]


def render_card(
    card: VerdictCard, *, tally: str | None = None, footer: str | None = None, width: int = WIDTH
) -> str:
    """The card in the shared layout, within its line and character budget and `width`
    columns. `tally` is the last lines: the votes on a posted card, wrapped. `footer` is one
    line never wrapped, whatever the width: a command to copy ("Full reviews: verdict …")."""
    shape = layout(card)
    top = [*_wrap(shape.headline, width), *_hanging(shape.reason, "", "  ", width)]
    table = _table(shape.rows, width=width)
    agree = _hanging(f"= {shape.agree}", "", "  ", width) if shape.agree else []
    tail = [line for part in (tally or "").splitlines() for line in _hanging(part, "", "  ", width)]
    tail += _hanging(card.data_age, "", "  ", width) if card.data_age else []
    tail += [footer] if footer else []
    # The budget is for an 80-column terminal; a narrower one wraps the same words onto more
    # lines, and gets them rather than losing the reason.
    budget = round(CARD_LINES.get(len(card.tools), CARD_LINES[4]) * max(1.0, WIDTH / width))
    room = budget - len(top) - len(table) - len(agree) - len(tail)
    if room < 0 and width < WIDTH:  # a narrow terminal: only warnings stay under the table
        table = _table(shape.rows, notes="warnings", width=width)
        room = budget - len(top) - len(table) - len(agree) - len(tail)
    if room < 0:  # a long "depends" reason: cut it, the rows and the reviews still tell
        keep = max(2, len(top) + room)
        top = [*top[: keep - 1], top[keep - 1][: width - 1].rstrip() + "…"]
        room = budget - len(top) - len(table) - len(agree) - len(tail)
    lines = [*top, *table, *_splits(shape.splits, room, width), *agree, *tail]
    limit = CARD_CHARS.get(len(card.tools), CARD_CHARS[4])
    while len("\n".join(lines)) > limit and room > 0:  # long takes: give them fewer lines
        room -= 1
        lines = [*top, *table, *_splits(shape.splits, room, width), *agree, *tail]
    if len("\n".join(lines)) > limit:  # long product names: the notes give way last
        lines = [*top, *_table(shape.rows, notes="none", width=width)]
        lines += [*_splits(shape.splits, room, width), *agree, *tail]
    return "\n".join(lines)


def render_reviews(card: VerdictCard, catalogue: Catalogue, *, width: int = WIDTH) -> str:
    """Every persona's full review of every tool on the card: what "Full reviews" opens."""
    lines = [f"Full reviews: {card.title}"]
    for column in card.tools:
        lines.append("")
        lines.append(f"{column.name}")
        reviews = full_reviews(card, catalogue, column.slug)
        if not reviews:
            lines.extend(_hanging(no_reviews(catalogue, column.slug), "  ", "    ", width))
        for review in reviews:
            verdict = f"{review.verdict.upper()}. " if review.verdict else ""
            head = f"{review.who}: {verdict}{review.take}"
            lines.extend(_hanging(head, "  ", "    ", width))
            if review.body is not None:
                lines.extend(_hanging(review.body, "    ", "    ", width))
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
        ("Released", released(tool)),
        ("Entry price", tool.entry_price.value),
        ("Pricing", pricing_read(tool)),
        ("Best for", tool.best_for),
        *stated_facts(tool),
    ]
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
    age = data_age([tool])
    if age:
        lines.extend(_hanging(age, "  ", "    "))  # the day each dataset was collected
    return "\n".join(lines)


def render_list(catalogue: Catalogue, *, width: int = WIDTH) -> str:
    """One line per tool, in the catalogue's order: slug, name, entry price, within `width`.
    A long name gives way (…) so the price stays on the line; the slug, which is typed, never."""
    slug_width = max(len(t.slug) for t in catalogue.tools)
    price_width = max(len(t.entry_price.value) for t in catalogue.tools)
    name_width = max(len(t.name) for t in catalogue.tools)
    name_width = max(12, min(name_width, width - slug_width - price_width - 2 * GAP))
    lines = []
    for tool in catalogue.tools:
        name = fit(tool.name, name_width)
        head = f"{tool.slug:<{slug_width}}  {name:<{name_width}}  {tool.entry_price.value}"
        lines.append(head.rstrip())
    return "\n".join(lines)


def render_votes(posted: PostedCard, *, card_number: str | None = None) -> str:
    """The tally line of a posted card: the votes here, and how to vote (the part that
    changes). With `card_number`, how to open the full reviews in the terminal chat. A closed
    card shows its final line; a card whose results are hidden shows only its number of votes."""
    poll = posted.poll
    if poll is not None and poll.final is not None:
        line = f"{poll.final}. The vote is closed"
    else:
        hidden = hidden_tally(poll) if poll is not None else None
        votes = hidden or " · ".join(
            f"{emoji} {column.name} {n}"
            for emoji, column, n in zip(
                posted.vote_emojis, posted.card.tools, posted.card_votes, strict=True
            )
        )
        how = (how_to_vote(poll) or "").capitalize()
        if poll is not None and poll.buttons and card_number is not None:
            how = f"Vote with :vote USER {card_number} N"
        line = hidden or f"Votes here: {votes}"
        line += f". {how}" if how else ""
        closing = closing_note(poll)
        if closing is not None:
            line += f"; {closing}"
    if card_number is not None:
        line += f"; :reviews {card_number} for the full reviews"
    line += "."
    pair = posted.head_to_head
    if pair is None:
        return line
    names = {c.slug: c.name for c in posted.card.tools}
    return (
        f"{line}\nHead to head on every card with both: {names[pair.first]} "
        f"{pair.first_wins}, {names[pair.second]} {pair.second_wins}."
    )


def render_posted(posted: PostedCard, *, card_number: str | None = None) -> str:
    """The card as posted in a chat: the verdict card, ending in its tally line (and its full
    page's address when there is one)."""
    card = render_card(posted.card, tally=render_votes(posted, card_number=card_number))
    if posted.page_url is not None:
        card += f"\nFull page: {posted.page_url}"
    if posted.recap is None:
        return card
    return "\n".join(["Weekly verdict", *_wrap(posted.recap, WIDTH), card])


def render_leaderboard(board: Leaderboard, *, pairs: bool = False) -> str:
    """The board as a fixed-width table (80 columns); with `pairs`, the head-to-head list of
    the top tools after it."""
    scope = f"category {board.category}" if board.category else "all tools"
    scope = f"cards asked for {board.use_case}" if board.use_case else scope
    lines = [f"Community leaderboard ({scope}), from {votes_text(board.total_votes)}"]
    if board.ranked:
        lines.append(
            f"{'Rank':<10} {'Tool':<22} {'Rating':>6}  {'95% band':<11} {'On cards':>8} "
            f"{'Picked':>6}"
        )
        for entry in board.ranked:
            band = f"{entry.low}-{entry.high}"
            lines.append(
                f"{rank_text(entry):<10} {entry.name[:22]:<22} {entry.rating:>6}  {band:<11} "
                f"{entry.votes:>8} {entry.wins:>6}"
            )
    else:
        lines.append(f"No tool has {board.min_votes} votes yet, so nothing is ranked.")
    for part in (preliminary_text(board), not_comparable_text(board)):
        if part:
            lines.extend(_hanging(part, "", "  "))
    if pairs:
        lines.extend(_pairs(board))
    lines.extend(_hanging(MEANING, "", "  "))
    if board.ranked:
        lines.extend(_hanging(RANKS_MEANING, "", "  "))
    note = scope_note(board)
    if note:
        lines.extend(_hanging(note, "", "  "))
    return "\n".join(lines)


def _pairs(board: Leaderboard) -> list[str]:
    """Head to head among the top tools: the record where voted, the fit's chance always."""
    if not board.pairs:
        return ["Head to head: needs two ranked tools."]
    top = len({p.first for p in board.pairs} | {p.second for p in board.pairs})
    lines = _hanging(
        f"Head to head among the top {top} ranked tools: wins–wins of the votes on cards "
        "showing both, and the fit's chance for the first (predicted where never voted on).",
        "",
        "  ",
    )
    for pair in board.pairs:
        lines.extend(_hanging(pair_line(pair), "  ", "    "))
    return lines
