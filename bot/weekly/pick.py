"""Weekly verdicts, the pure part: when a channel's post is due, and which comparison it gets.

Times are computed in the subscription's own time zone, so "Monday 09:00 Europe/Paris" stays
09:00 across daylight-saving changes. A week is the ISO week of that zone.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from itertools import combinations
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field

from bot.catalogue import Catalogue
from bot.errors import BadQuery

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
NO_REPEAT_WEEKS = 8
"""A most-requested comparison is skipped if the channel had it within this many weeks."""


class Subscription(BaseModel):
    """A channel that asked for a weekly verdict, and when it wants it."""

    model_config = ConfigDict(frozen=True)

    id: int
    platform: str
    channel: str
    weekday: int = Field(ge=0, le=6)
    hour: int = Field(ge=0, le=23)
    timezone: str = "UTC"
    subscribed_by: str
    created_at: dt.datetime

    @property
    def when(self) -> str:
        return f"{WEEKDAYS[self.weekday].capitalize()}s at {self.hour:02d}:00 {self.timezone}"


class WeekWindow(BaseModel):
    """One subscription's week: its key, when the post is due, and when the week ends (UTC)."""

    model_config = ConfigDict(frozen=True)

    week: str
    due: dt.datetime
    ends: dt.datetime
    first_day: dt.date
    last_day: dt.date


class WeeklyPick(BaseModel):
    model_config = ConfigDict(frozen=True)

    tools: tuple[str, ...]
    reason: Literal["queue", "requested", "rotation"]


def parse_weekday(text: str) -> int:
    """ "mon", "Monday" or "1" (Monday) … "7" (Sunday)."""
    word = text.strip().casefold()
    if word.isdigit() and 1 <= int(word) <= 7:
        return int(word) - 1
    for index, name in enumerate(WEEKDAYS):
        if len(word) >= 3 and name.startswith(word):
            return index
    raise BadQuery(f'"{text}" is not a weekday; use mon, tue, wed, thu, fri, sat or sun.')


_HOUR = re.compile(r"^(\d{1,2})(?::00)?\s*(am|pm|h)?$")


def parse_hour(text: str) -> int:
    """An hour as people write it: "9", "09:00", "9am", "9 am", "9pm", "21h" (0 to 23)."""
    found = _HOUR.match(text.strip().casefold().replace(".", ""))
    if found is not None:
        hour, suffix = int(found.group(1)), found.group(2)
        if suffix in {"am", "pm"} and 1 <= hour <= 12:
            return hour % 12 + (12 if suffix == "pm" else 0)
        if suffix not in {"am", "pm"} and 0 <= hour <= 23:
            return hour
    raise BadQuery(f'"{text}" is not an hour; use 0 to 23, 9am or 09:00 (e.g. 9 for 09:00).')


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadQuery(
            f'"{name}" is not a time zone; use an IANA name such as Europe/Paris or UTC.'
        ) from None


def week_window(subscription: Subscription, moment: dt.datetime) -> WeekWindow:
    """The subscription's week holding `moment` (an aware datetime)."""
    tz = zone(subscription.timezone)
    local = moment.astimezone(tz)
    monday = local.date() - dt.timedelta(days=local.weekday())
    due_day = monday + dt.timedelta(days=subscription.weekday)
    # A wall time that a DST change skips or repeats resolves as zoneinfo does (fold=0): the
    # post still goes out once, near the hour asked for.
    due_local = dt.datetime.combine(due_day, dt.time(subscription.hour), tzinfo=tz)
    next_monday = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(0), tzinfo=tz)
    iso = monday.isocalendar()
    return WeekWindow(
        week=f"{iso.year}-W{iso.week:02d}",
        due=due_local.astimezone(dt.UTC),
        ends=next_monday.astimezone(dt.UTC),
        first_day=monday,
        last_day=monday + dt.timedelta(days=6),
    )


def _same(a: Sequence[str], b: Sequence[str]) -> bool:
    return frozenset(a) == frozenset(b)


def pick_for_week(
    catalogue: Catalogue,
    window: WeekWindow,
    history: Sequence[tuple[str, ...]],
    recent_requests: Sequence[tuple[str, ...]],
) -> WeeklyPick | None:
    """The comparison for a channel's week.

    `history` is what the channel was sent, most recent first; `recent_requests` the
    comparisons people asked for in the last 7 days. Order: the curated queue (dated entries
    in their week, then undated ones not yet sent here), the most requested comparison not
    sent here in 8 weeks, then a fixed rotation through same-category pairs of reviewed tools.
    Never the same comparison as last week, never a retired model.
    """
    known = catalogue.by_slug
    last = history[0] if history else None

    def allowed(tools: Sequence[str]) -> bool:
        """Known, not retired (a weekly card about a model nobody can use helps nobody), and
        not last week's comparison."""
        return all(t in known and not known[t].retired for t in tools) and (
            last is None or not _same(tools, last)
        )

    for entry in catalogue.weekly:
        in_this_week = entry.date is not None and window.first_day <= entry.date <= window.last_day
        if in_this_week and allowed(entry.tools):
            return WeeklyPick(tools=entry.tools, reason="queue")
    for entry in catalogue.weekly:
        never_sent = not any(_same(entry.tools, sent) for sent in history)
        if entry.date is None and allowed(entry.tools) and never_sent:
            return WeeklyPick(tools=entry.tools, reason="queue")

    recent_history = history[:NO_REPEAT_WEEKS]
    counts = Counter(tuple(sorted(r)) for r in recent_requests if len(set(r)) == len(r) >= 2)
    for tools, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        if allowed(tools) and not any(_same(tools, sent) for sent in recent_history):
            return WeeklyPick(tools=tools, reason="requested")

    # The rotation stays among reviewed tools: a weekly card should carry the panel's reviews,
    # and pairs of the ~800 dataset-only models would bury the ones people chose to review.
    reviewed = sorted(
        (t for t in catalogue.tools if t.reviewed), key=lambda t: (t.category, t.slug)
    )
    pairs = [(a.slug, b.slug) for a, b in combinations(reviewed, 2) if a.category == b.category]
    pairs.sort(key=lambda pair: (known[pair[0]].category, pair))

    def last_sent(pair: tuple[str, str]) -> int:
        """How many posts ago the pair was sent; never sent ranks first."""
        for ago, sent in enumerate(history):
            if _same(pair, sent):
                return ago
        return len(history) + 1

    candidates = [pair for pair in pairs if allowed(pair)]
    if not candidates:
        return None
    best = max(candidates, key=last_sent)  # max() keeps the first of equals: deterministic
    return WeeklyPick(tools=best, reason="rotation")


def recap(names: Sequence[str], votes: Sequence[int]) -> str:
    """A line about the channel's previous weekly card, from its final tally."""
    total = sum(votes)
    if total == 0:
        return f"Last week ({' vs '.join(names)}): no votes were cast."
    top = max(votes)
    leaders = [name for name, count in zip(names, votes, strict=True) if count == top]
    if len(leaders) > 1:
        return f"Last week: {' and '.join(leaders)} tied with {top} votes each."
    winner = leaders[0]
    if len(names) == 2:
        return f"Last week: the community picked {winner}, {top} to {total - top}."
    return f"Last week: the community picked {winner}, with {top} of {total} votes."
