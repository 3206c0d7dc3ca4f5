"""`verdict weekly preview` and `verdict weekly run-once`: every subscribed channel's next
weekly verdict, on any platform, and what a run posted. The terminal runs them over its own
platform; a chat platform's channels are posted by that platform's bot process."""

from __future__ import annotations

from collections.abc import Sequence

from bot.errors import BadQuery
from bot.weekly import Subscription, WeeklyResult, WeeklyScheduler, describe_preview

NO_SUBSCRIBERS = "No channel has subscribed to weekly verdicts yet."
NOTHING_DUE = "Nothing is due."


def names_of(sub: Subscription) -> set[str]:
    """A channel may be named by its id alone or as platform/id."""
    return {sub.channel, f"{sub.platform}/{sub.channel}"}


async def preview_all(scheduler: WeeklyScheduler, channel: str | None = None) -> str:
    """The next post of every subscribed channel, or of `channel` alone. Raises `BadQuery`
    for a `channel` that has not subscribed, naming those that have."""
    subscriptions = await scheduler.weekly.subscriptions()
    if not subscriptions:
        return NO_SUBSCRIBERS
    chosen = [s for s in subscriptions if channel is None or channel in names_of(s)]
    if not chosen:
        known = ", ".join(f"{s.platform}/{s.channel}" for s in subscriptions)
        raise BadQuery(f'No subscribed channel "{channel}"; subscribed: {known}.')
    lines = []
    for sub in chosen:
        preview = await scheduler.preview(sub)
        lines.append(
            describe_preview(preview, scheduler)
            if preview is not None
            else f"{sub.platform}/{sub.channel}: nothing to post next."
        )
    return "\n".join(lines)


def ran_once(results: Sequence[WeeklyResult], elsewhere: int) -> list[str]:
    """A line per channel-week a run looked at, and a word on the `elsewhere` subscribed
    channels that another process posts."""
    lines = [
        f"{r.subscription.platform}/{r.subscription.channel} {r.week}: {r.outcome}"
        + (f" ({r.detail})" if r.detail else "")
        for r in results
    ]
    if elsewhere:
        lines.append(
            f"{elsewhere} subscribed channel(s) on chat platforms are posted by their "
            "own bot process (verdict discord / verdict slack)."
        )
    return lines
