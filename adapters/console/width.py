"""How wide the terminal is, for the command line's text: $COLUMNS when set (as a shell or a
script says it), else the terminal's own size, else 80 (a pipe, a file)."""

from __future__ import annotations

import shutil

NARROWEST = 40
"""Below this a table of tools cannot be read at all; narrower terminals wrap it."""
WIDEST = 160
"""Past this, lines of prose are too long to read; the card keeps to it on a wider terminal."""


def terminal_width() -> int:
    """The columns to fit output to, between NARROWEST and WIDEST."""
    columns = shutil.get_terminal_size(fallback=(80, 24)).columns
    return max(NARROWEST, min(WIDEST, columns))
