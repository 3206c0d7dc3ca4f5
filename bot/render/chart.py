"""The leaderboard as a PNG: each ranked tool's rating with its 95% band as a horizontal error
bar, best on top, and the tools with too few votes listed greyed underneath (the Arena style).

matplotlib costs about half a second to import: it is imported here, when a picture is drawn,
so commands that never draw (`verdict --help`, `verdict compare`) never load it.
"""

from __future__ import annotations

import asyncio
import functools
import io
import threading

from bot.votes import Leaderboard, freshness_note, scope_note

FILENAME = "leaderboard.png"
MAX_RANKED = 40
MAX_UNRANKED = 10
"""Rows beyond these are summed up in one line: a taller picture is unreadable in chat."""
WIDTH_INCHES = 9.0
ROW_INCHES = 0.32
DPI = 100
COLOUR = "#5865F2"
GREY = "#9AA0A6"


_drawing = threading.Lock()
"""matplotlib's font cache and rc state are process-wide: one picture at a time."""


async def draw_leaderboard(board: Leaderboard) -> bytes | None:
    """`leaderboard_png` off the event loop (a picture takes ~0.15 s, the first ~0.7 s), kept
    for the last few boards: chat surfaces share kept boards, so they share pictures too."""
    return await asyncio.to_thread(_kept_png, board)


@functools.lru_cache(maxsize=8)
def _kept_png(board: Leaderboard) -> bytes | None:
    with _drawing:
        return leaderboard_png(board)


def leaderboard_png(board: Leaderboard) -> bytes | None:
    """The board drawn as a PNG, or None when nothing is ranked: an empty picture says less
    than the text's "nothing is ranked yet"."""
    if not board.ranked:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    ranked = board.ranked[:MAX_RANKED]
    waiting = board.unranked[:MAX_UNRANKED]
    rows = len(ranked) + len(waiting)
    figure = Figure(figsize=(WIDTH_INCHES, 1.6 + ROW_INCHES * rows), dpi=DPI)
    axes = figure.add_subplot()

    places = list(range(rows))
    ratings = [e.rating or 0 for e in ranked]
    axes.errorbar(
        ratings,
        places[: len(ranked)],
        xerr=[
            [(e.rating or 0) - (e.low or 0) for e in ranked],
            [(e.high or 0) - (e.rating or 0) for e in ranked],
        ],
        fmt="o",
        color=COLOUR,
        ecolor=COLOUR,
        elinewidth=2,
        capsize=3,
    )
    labels = [f"{place}. {e.name}" for place, e in enumerate(ranked, start=1)]
    labels += [f"{e.name} ({e.votes} votes)" for e in waiting]
    axes.set_yticks(places, labels)
    for label in axes.get_yticklabels()[len(ranked) :]:
        label.set_color(GREY)
    if waiting:
        axes.axhline(len(ranked) - 0.5, color=GREY, linewidth=0.8, linestyle="--")
        low = min(e.low or 0 for e in ranked)
        for row in places[len(ranked) :]:
            axes.text(
                low, row, f"not ranked: under {board.min_votes} votes", color=GREY, va="center"
            )
    axes.set_ylim(rows - 0.5, -0.5)
    axes.grid(axis="x", alpha=0.3)
    axes.set_xlabel("Rating (Elo-like; 400 points apart = picked 10 to 1), 95% band")
    scope = f" · {board.category}" if board.category else ""
    axes.set_title(f"Community leaderboard{scope} · from {board.total_votes:,} votes", loc="left")
    more = len(board.ranked) - len(ranked) + len(board.unranked) - len(waiting)
    notes = [n for n in (scope_note(board), freshness_note(board)) if n]
    if more:
        notes.insert(0, f"{more} more tools are in the text leaderboard.")
    if notes:
        figure.text(0.01, 0.01, " ".join(notes), fontsize=7, color=GREY, wrap=True)
    figure.tight_layout(rect=(0, 0.04 if notes else 0, 1, 1))
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
