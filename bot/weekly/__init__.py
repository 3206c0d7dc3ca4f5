"""Weekly verdicts: when a post is due and what it compares (pick), the claims that make it
exactly-once (store), the loop that posts (scheduler) and the /verdicts commands (commands)."""

from bot.weekly.commands import SUBSCRIBE_USAGE, WeeklyCommands, describe_preview, subscribe_words
from bot.weekly.pick import (
    WEEKDAYS,
    Subscription,
    WeeklyPick,
    WeekWindow,
    parse_hour,
    parse_weekday,
    pick_for_week,
    recap,
    week_window,
    zone,
)
from bot.weekly.scheduler import (
    LEASE_SECONDS,
    WeeklyPreview,
    WeeklyResult,
    WeeklyScheduler,
)
from bot.weekly.store import PublicPost, WeeklyPost, WeeklyStore

__all__ = [
    "LEASE_SECONDS",
    "SUBSCRIBE_USAGE",
    "WEEKDAYS",
    "PublicPost",
    "Subscription",
    "WeekWindow",
    "WeeklyCommands",
    "WeeklyPick",
    "WeeklyPost",
    "WeeklyPreview",
    "WeeklyResult",
    "WeeklyScheduler",
    "WeeklyStore",
    "describe_preview",
    "parse_hour",
    "parse_weekday",
    "pick_for_week",
    "recap",
    "subscribe_words",
    "week_window",
    "zone",
]
