"""Per-channel settings typed as `results:live|closed votes:reactions|buttons`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.errors import BadSetting
from bot.polls.durations import DEFAULT_HIDDEN_DURATION
from bot.polls.models import ChannelSettings

SETTINGS_USAGE = "Usage: /verdicts settings results:live|closed votes:reactions|buttons"
_CHOICES: dict[str, tuple[str, ...]] = {
    "results": ("live", "closed"),
    "votes": ("reactions", "buttons"),
}


def parse_settings(words: Sequence[str]) -> dict[str, Any]:
    """The settings asked for, e.g. {"results": "closed"}; empty when only asked to show them."""
    wanted: dict[str, Any] = {}
    for word in words:
        name, _, value = word.partition(":")
        name, value = name.strip().casefold(), value.strip().casefold()
        if name not in _CHOICES or value not in _CHOICES[name]:
            shown = word if len(word) <= 40 else word[:39] + "…"
            if name in _CHOICES and not value:  # the right name and no value: say which
                allowed = " or ".join(f"{name}:{v}" for v in _CHOICES[name])
                raise BadSetting(f'"{shown}" needs a value: {allowed}.')
            raise BadSetting(f'"{shown}" is not a setting. {SETTINGS_USAGE}')
        wanted[name] = value
    return wanted


def describe_settings(settings: ChannelSettings) -> str:
    days = DEFAULT_HIDDEN_DURATION.days
    results = (
        "results:closed — Results hidden until close: cards show only the number of votes "
        f"until they close (after {days} days unless asked otherwise, e.g. /compare A vs B for 24h)"
        if settings.results == "closed"
        else "results:live — cards show the split as votes come in"
    )
    if settings.results == "closed":
        votes = "votes are by buttons, since reaction counts are public"
    elif settings.votes == "buttons":
        votes = "votes:buttons — one button per tool; nobody sees who voted what"
    else:
        votes = "votes:reactions — react with the number of a tool"
    return f"Settings here (for new cards): {results}; {votes}."
