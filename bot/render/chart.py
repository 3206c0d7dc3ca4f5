"""The leaderboard as a PNG: each ranked tool's rank (with its spread), rating and 95% band as a
horizontal error bar, best on top; preliminary and not-comparable tools greyed underneath.

matplotlib costs about half a second to import: it is imported here, when a picture is drawn,
so commands that never draw (`verdict --help`, `verdict compare`) never load it.
"""

from __future__ import annotations

import asyncio
import functools
import io
import threading

from bot.votes import (
    Leaderboard,
    LeaderboardEntry,
    band_text,
    freshness_note,
    rank_text,
    scope_note,
    votes_text,
)

FILENAME = "leaderboard.png"
MAX_RANKED = 40
MAX_UNRANKED = 10
"""Rows beyond these are summed up in one line: a taller picture is unreadable in chat."""
WIDTH_INCHES = 5.6
ROW_INCHES = 0.52
DPI = 150
"""840 px wide with 13-point labels (27 px): a phone shows a chat picture ~360 px wide, so a
label still reads at ~12 px there. Each tool gets a row of its own, its name and numbers
above its band, so long names never squeeze the axis."""
LABEL_POINTS = 13
SMALL_POINTS = 11
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


def axis_range(board: Leaderboard) -> tuple[float, float]:
    """The rating axis: the ranked tools' bands and a margin, nothing more. Preliminary bands
    (wide by nature) are cut at its edges rather than squeezing every ranked band flat."""
    lows = [float(e.low) for e in board.ranked if e.low is not None] or [1450.0]
    highs = [float(e.high) for e in board.ranked if e.high is not None] or [1550.0]
    low, high = min(lows), max(highs)
    if high - low < 40:
        middle = (high + low) / 2
        low, high = middle - 20, middle + 20
    margin = 0.06 * (high - low)
    return low - margin, high + margin


def leaderboard_png(board: Leaderboard) -> bytes | None:
    """The board drawn as a PNG, or None when nothing is ranked: an empty picture says less
    than the text's "nothing is ranked yet"."""
    if not board.ranked:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    ranked = board.ranked[:MAX_RANKED]
    waiting = [*board.unranked, *board.not_comparable][:MAX_UNRANKED]
    rows = len(ranked) + len(waiting)
    figure = Figure(figsize=(WIDTH_INCHES, 1.5 + ROW_INCHES * rows), dpi=DPI)
    axes = figure.add_subplot()
    low, high = axis_range(board)
    axes.set_xlim(low, high)
    axes.set_ylim(rows - 0.35, -0.75)
    label_at = axes.get_yaxis_transform()  # x in the axes' width, y in rows

    for row, entry in enumerate([*ranked, *waiting]):
        rated = entry.rating is not None and entry.low is not None and entry.high is not None
        colour = COLOUR if entry.rank is not None else GREY
        if rated:
            axes.errorbar(
                [entry.rating or 0],
                [row],
                xerr=[
                    [(entry.rating or 0) - (entry.low or 0)],
                    [(entry.high or 0) - (entry.rating or 0)],
                ],
                fmt="o",
                color=colour,
                ecolor=colour,
                elinewidth=3,
                capsize=4,
                markersize=7,
            )
        left, right = _row_words(board, entry)
        axes.text(
            0.0,
            row - 0.3,
            left,
            transform=label_at,
            color="black" if entry.rank else GREY,
            fontsize=LABEL_POINTS,
            va="bottom",
            ha="left",
            clip_on=False,
        )
        axes.text(
            1.0,
            row - 0.3,
            right,
            transform=label_at,
            color=GREY,
            fontsize=SMALL_POINTS,
            va="bottom",
            ha="right",
            clip_on=False,
        )
    axes.set_yticks([])
    axes.ticklabel_format(axis="x", style="plain", useOffset=False)
    axes.tick_params(axis="x", labelsize=SMALL_POINTS, labeltop=True, top=True)
    axes.grid(axis="x", alpha=0.3)
    for side in ("left", "right"):
        axes.spines[side].set_visible(False)
    axes.set_xlabel("Rating (400 points apart = picked 10 to 1), 95% band", fontsize=SMALL_POINTS)
    scope = f" · {board.category}" if board.category else ""
    axes.set_title(
        f"Community leaderboard{scope}\nfrom {board.total_votes:,} votes · rank (possible ranks)",
        loc="left",
        fontsize=LABEL_POINTS,
        pad=28,
    )
    shown_apart = len(waiting)
    more = (
        len(board.ranked)
        - len(ranked)
        + len(board.unranked)
        + len(board.not_comparable)
        - shown_apart
    )
    notes = [n for n in (scope_note(board), freshness_note(board)) if n]
    if more:
        notes.insert(0, f"{more} more tools are in the text leaderboard.")
    if notes:
        figure.text(0.01, 0.005, " ".join(notes), fontsize=8, color=GREY, wrap=True)
    figure.tight_layout(rect=(0, 0.03 if notes else 0, 1, 1))
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def _row_words(board: Leaderboard, entry: LeaderboardEntry) -> tuple[str, str]:
    """A row's name line (left) and numbers (right)."""
    name = entry.name if len(entry.name) <= 26 else entry.name[:25] + "…"
    if entry.rank is not None:
        return f"{rank_text(entry)}  {name}", f"{band_text(entry)} · {votes_text(entry.votes)}"
    if entry.rating is not None:
        return f"{name} · preliminary", f"{band_text(entry)} · {votes_text(entry.votes)}"
    return f"{name} · not comparable yet", votes_text(entry.votes)
