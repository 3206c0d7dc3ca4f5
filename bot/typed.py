"""What a person typed, checked at the door before any parsing: a length cap, so that no
parser ever sees more than a few hundred characters, and no control characters, so that
nothing typed can reach a terminal, a feed or a page as an escape sequence."""

from __future__ import annotations

from bot.errors import BadQuery, escaped

__all__ = ["MAX_TYPED", "at_the_door", "escaped", "has_control_characters", "printable"]

MAX_TYPED = 400
"""Longer than any question (300), its duration (`for 1w 2d 3h`) and a weekly name."""
_ALLOWED_CONTROLS = frozenset("\t\n\r")
"""Typed in chat (shift-enter, a pasted tab); parsers treat them as spaces."""


def has_control_characters(text: str) -> bool:
    """C0 and C1 controls (ESC, NUL, DEL, ...) other than tab and line breaks."""
    return any((ch < " " or "\x7f" <= ch <= "\x9f") and ch not in _ALLOWED_CONTROLS for ch in text)


def at_the_door(text: str, *, limit: int = MAX_TYPED) -> str:
    """`text` unchanged, or a `BadQuery` saying why it is refused. Costs one pass over at most
    `limit` characters: the length is checked first."""
    if len(text) > limit:
        raise BadQuery(f"That is {len(text):,} characters long; keep it under {limit}.")
    if has_control_characters(text):
        raise BadQuery("That contains control characters; type it again without them.")
    return text


def printable(text: str) -> str:
    """`text` with every control character (tab and line breaks too) shown as U+FFFD: for
    text stored before the door refused them, on its way to a page, a feed, a terminal or a
    chat. XML cannot carry most of them at all."""
    return "".join("\ufffd" if ch < " " or "\x7f" <= ch <= "\x9f" else ch for ch in text)
