"""The chat card's lines, laid out once for every chat platform: a tool's row, a reviewer who
splits, and the tally line under the card. A platform passes its vote markers (an emoji, a
Slack `:one:`), how it sets a name in bold, and how it escapes text; the words and their order
are decided here. The leaderboard's title, ranked lines and caveats, and a /tools line,
likewise."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from bot.catalogue import Tool
from bot.platform import PostedCard
from bot.polls import closing_note, hidden_tally, how_to_vote
from bot.render.layout import CARD_CHARS, SplitLine, ToolRow, fit, layout, unquoted
from bot.votes import (
    Leaderboard,
    band_text,
    entry_summary,
    not_comparable_text,
    preliminary_text,
    rank_text,
)

Escape = Callable[[str], str]
Shown = TypeVar("Shown")

REASON_SHORT = 200
"""The reason's length when nothing else is left to give way (the full page has it whole)."""
GIVE_WAY = (
    (140, True, True, None),
    (100, True, True, None),
    (60, True, True, None),
    (0, True, True, None),
    (0, True, False, None),
    (0, False, False, None),
    (0, False, False, REASON_SHORT),
)
"""How a chat card gives way to its budget, step by step (the reviewers' take limit, the note
line, the quote in the reason, the reason's length): long takes first (the full reviews are a
click away), then the quote in the reason, then the notes, then the reason's tail (the last
resorts: two long names)."""


def as_is(text: str) -> str:
    """No escaping (a surface that shows text literally, e.g. Discord's embed footer)."""
    return text


def row_line(marker: str, row: ToolRow, *, strong: Escape, escape: Escape) -> str:
    """One tool on the card: its vote marker, name, category, panel, community, price, context
    (none for a product)."""
    context = f" · context {row.context}" if row.context else ""
    return (
        f"{marker} {strong(escape(row.name))} · {escape(row.category)} · "
        f"panel {row.panel} · community {row.community} · {escape(row.price)}{context}"
    )


def tools_line(tool: Tool, *, strong: Escape, escape: Escape) -> str:
    """One tool on a /tools page: its name, slug (as code), vendor and category."""
    return f"{strong(escape(tool.name))} `{tool.slug}` · {escape(tool.vendor)} · {tool.category}"


def split_line(split: SplitLine, take_limit: int, *, strong: Escape, escape: Escape) -> str:
    """A reviewer whose verdicts differ across the card, with their take cut to `take_limit`
    characters (none when 0)."""
    line = f"≠ {strong(escape(split.persona))} {escape(split.stance)}"
    return f"{line}: “{escape(fit(split.take, take_limit))}”" if take_limit > 0 else line


def tally_line(posted: PostedCard, markers: Sequence[str], *, escape: Escape = as_is) -> str:
    """The votes on this card and how to vote, when the vote closes, and the head to head for a
    pair; once closed, the final line; while results are hidden, only the number of votes."""
    poll = posted.poll
    if poll is not None and poll.final is not None:
        return f"{escape(poll.final)} · vote closed"
    hidden = hidden_tally(poll) if poll is not None else None
    votes = hidden or " · ".join(
        f"{marker} {n}" for marker, n in zip(markers, posted.card_votes, strict=True)
    )
    how = how_to_vote(poll)
    line = hidden or f"Votes here: {votes}"
    line += f" · {how}" if how else ""
    closing = closing_note(poll)
    if closing is not None:
        line += f" · {closing}"
    pair = posted.head_to_head
    if pair is not None:
        names = {c.slug: escape(c.name) for c in posted.card.tools}
        line += (
            f" · head to head, every card: {names[pair.first]} {pair.first_wins}, "
            f"{names[pair.second]} {pair.second_wins}"
        )
    if posted.card.data_age:  # the footer says how old the dataset facts are, on every surface
        line += f" · {escape(posted.card.data_age)}"
    return line


@dataclass(frozen=True)
class CardSections:
    """The card under its title, as a chat platform shows it: each part already marked up."""

    recap: str | None
    """On a weekly card, how the channel's last one ended (in italics)."""
    reason: str
    rows: str
    """A row per tool, then one line with every tool's note."""
    opinions: str | None
    """The reviewers who split, and what they agree on."""


def card_sections(
    posted: PostedCard,
    markers: Sequence[str],
    take_limit: int,
    *,
    strong: Escape,
    italic: Escape,
    escape: Escape,
    notes: bool = True,
    quote: bool = True,
    reason_limit: int | None = None,
) -> CardSections:
    """The card's parts in the shared layout's order, marked up by the platform's rules.
    `quote` False leaves the tipping reviewer's take out of the reason, and `notes` False the
    tools' note line (the last resorts for the budget, in that order: long product names)."""
    shape = layout(posted.card)
    rows = [
        row_line(m, r, strong=strong, escape=escape)
        for m, r in zip(markers, shape.rows, strict=True)
    ]
    line = " · ".join(italic(f"{escape(r.name)}: {escape(r.note)}") for r in shape.rows if r.note)
    rows += [line] if line and notes else []  # one line for every tool's note, within budget
    opinions = [split_line(s, take_limit, strong=strong, escape=escape) for s in shape.splits]
    if shape.agree:
        opinions.append(f"= {escape(shape.agree)}")
    reason = shape.reason if quote else unquoted(shape.reason)
    return CardSections(
        recap=italic(escape(posted.recap)) if posted.recap else None,
        reason=escape(fit(reason, reason_limit) if reason_limit else reason),
        rows="\n".join(rows),
        opinions="\n".join(opinions) if opinions else None,
    )


def board_title(board: Leaderboard) -> str:
    """ "Community leaderboard · vision-language", or "· for coding" for a use case."""
    scope = f" · {board.category}" if board.category else ""
    scope = f" · for {board.use_case}" if board.use_case else scope
    return f"Community leaderboard{scope}"


def board_lines(board: Leaderboard, *, strong: Escape, escape: Escape) -> list[str]:
    """One line per ranked tool (its rank and name in bold, its band and summary), or why
    nothing is ranked yet."""
    return [
        f"{strong(f'{rank_text(e)}. {escape(e.name)}')} {band_text(e)}: {escape(entry_summary(e))}"
        for e in board.ranked
    ] or [f"No tool has {board.min_votes} votes yet, so nothing is ranked."]


def board_caveats(board: Leaderboard) -> list[str]:
    """What to keep in mind reading the ranks: a preliminary board, tools not comparable."""
    return [part for part in (preliminary_text(board), not_comparable_text(board)) if part]


def fit_card(
    posted: PostedCard,
    markers: Sequence[str],
    build: Callable[[CardSections], Shown],
    size: Callable[[Shown], int],
    *,
    strong: Escape,
    italic: Escape,
    escape: Escape,
) -> Shown:
    """The card as the platform `build`s it from its sections, within the card budget
    (`CARD_CHARS`, measured by `size`) where the catalogue allows: the first step of
    `GIVE_WAY` that fits, else the last."""
    budget = CARD_CHARS.get(len(posted.card.tools), CARD_CHARS[4])
    for take_limit, notes, quote, reason_limit in GIVE_WAY:
        shown = card_sections(
            posted,
            markers,
            take_limit,
            strong=strong,
            italic=italic,
            escape=escape,
            notes=notes,
            quote=quote,
            reason_limit=reason_limit,
        )
        built = build(shown)
        if size(built) <= budget:
            break
    return built
