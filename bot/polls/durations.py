"""How long a vote stays open: `/compare A vs B for 24h` (also 2d, 90m, 1h30m, "2 days")."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.errors import BadDuration
from bot.typed import at_the_door

MAX_DURATION = timedelta(days=32)
"""Discord's native polls stay open at most 32 days; ours too."""
MIN_DURATION = timedelta(minutes=1)
DEFAULT_HIDDEN_DURATION = timedelta(days=7)
"""A card whose results are hidden must end some time: this long, unless asked otherwise."""
USAGE = "Say how long the vote stays open, e.g. for 90m, for 24h or for 2d (at most 32 days)."

_FOR = re.compile(r"(?<!\s)\s++for\s++(?P<length>(?:(?!\bvs\b).)*?\S)\s*$", re.IGNORECASE)
"""Linear in a run of spaces: a match starts only at a run's first space (the lookbehind) and
never gives a space back (possessive); the length ends on a non-space, so the trailing spaces
are read once."""
_PART = re.compile(
    r"(?P<n>\d{1,6})\s*(?P<unit>m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?)(?![a-z])",
    re.IGNORECASE,
)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def split_duration(text: str) -> tuple[str, timedelta | None]:
    """The comparison and how long its vote stays open, from `A vs B for 24h`. Raises
    `BadDuration` when what follows `for` is not a length of time within the limits."""
    found = _FOR.search(at_the_door(text))
    if found is None:
        return text, None
    return text[: found.start()], parse_duration(found["length"])


def parse_duration(typed: str) -> timedelta:
    """`90m`, `24h`, `2d`, `1w`, `1h30m`, `2 days`: one or more number-unit parts."""
    words = typed.strip()
    total = timedelta()
    position = 0
    for part in _PART.finditer(words):
        if words[position : part.start()].strip():
            break
        total += timedelta(**{_UNITS[part["unit"][0].lower()]: int(part["n"])})
        position = part.end()
        if total > MAX_DURATION:  # before the sum can outgrow a timedelta (OverflowError)
            raise BadDuration(f'"{_shown(words)}" is too long: a vote stays open at most 32 days.')
    shown = _shown(words)
    if position == 0 or words[position:].strip():
        raise BadDuration(f'"{shown}" is not a length of time. {USAGE}')
    if total > MAX_DURATION:
        raise BadDuration(f'"{shown}" is too long: a vote stays open at most 32 days.')
    if total < MIN_DURATION:
        raise BadDuration(f'"{shown}" is too short: a vote stays open at least a minute.')
    return total


def _shown(typed: str, limit: int = 40) -> str:
    return typed if len(typed) <= limit else typed[: limit - 1] + "…"
