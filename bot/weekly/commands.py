"""The /verdicts commands every adapter offers: subscribe, unsubscribe, now, preview.

They take and return plain text; permission checks (Manage Server, workspace admin) stay in the
adapters, which know who is asking.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from bot.chat import ChatBot
from bot.errors import BadQuery
from bot.typed import at_the_door
from bot.weekly.pick import Subscription, parse_hour, parse_weekday, zone
from bot.weekly.scheduler import WeeklyPreview, WeeklyScheduler
from bot.weekly.store import WeeklyStore

PUBLIC_NAME_MAX = 60
"""A public archive's name is shown as a heading on /weekly and in the feed."""

REASONS = {
    "queue": "from the curated queue",
    "requested": "the most requested comparison this week",
    "rotation": "next in the category rotation",
    "already chosen": "already chosen for this week",
}


SUBSCRIBE_USAGE = "Usage: /verdicts subscribe DAY HOUR [TZ], e.g. mon 9am Europe/Paris"


def subscribe_words(words: list[str]) -> tuple[str, str, str]:
    """DAY HOUR [TZ] from what was typed after `subscribe`; "9 am" may come as two words."""
    words = list(words)
    if len(words) >= 3 and words[2].casefold().rstrip(".") in {"am", "pm", "a.m", "p.m"}:
        words[1:3] = [words[1] + words[2]]
    if len(words) not in (2, 3):
        raise BadQuery(SUBSCRIBE_USAGE)
    day, hour, *rest = words
    return day, hour, rest[0] if rest else "UTC"


class WeeklyCommands:
    def __init__(
        self,
        scheduler: WeeklyScheduler,
        *,
        platform: str,
        clock: Callable[[], dt.datetime],
    ) -> None:
        self.scheduler = scheduler
        self.store: WeeklyStore = scheduler.weekly
        self.platform = platform
        self.clock = clock

    @classmethod
    def for_bots(
        cls, bots: Mapping[str, ChatBot], *, platform: str, clock: Callable[[], dt.datetime]
    ) -> WeeklyCommands:
        store = WeeklyStore(bots[platform].store)
        return cls(WeeklyScheduler(bots, store, clock=clock), platform=platform, clock=clock)

    async def subscribe(
        self, channel: str, user_id: str, weekday: str, hour: str, timezone: str = "UTC"
    ) -> Subscription:
        day, at, tz = parse_weekday(weekday), parse_hour(hour), zone(timezone)
        return await self.store.subscribe(
            platform=self.platform,
            channel=channel,
            weekday=day,
            hour=at,
            timezone=tz.key,
            user_id=user_id,
            now=self.clock(),
        )

    async def unsubscribe(self, channel: str) -> bool:
        return await self.store.unsubscribe(self.platform, channel)

    async def publish(self, channel: str, name: str) -> str:
        """Show this channel's weekly archive on the web page /weekly under `name`."""
        name = " ".join(at_the_door(name).split())
        if not 1 <= len(name) <= PUBLIC_NAME_MAX:
            raise BadQuery(
                f"Name the archive in 1 to {PUBLIC_NAME_MAX} characters, e.g. "
                "/verdicts public ML team"
            )
        if not await self.store.set_public_name(self.platform, channel, name):
            raise BadQuery("This channel has no weekly verdict; subscribe first.")
        return f'This channel\'s weekly verdicts are now public on the web as "{name}".'

    async def unpublish(self, channel: str) -> str:
        if not await self.store.set_public_name(self.platform, channel, None):
            raise BadQuery("This channel has no weekly verdict; subscribe first.")
        return "This channel's weekly verdicts are no longer shown on the web."

    async def subscription(self, channel: str) -> Subscription:
        found = await self.store.subscription(self.platform, channel)
        if found is None:
            raise BadQuery("This channel has no weekly verdict; subscribe first.")
        return found

    async def post_now(self, channel: str) -> str:
        result = await self.scheduler.post_now(await self.subscription(channel))
        if result.outcome == "sent":
            return f"This week's verdict is posted (card {result.card_id})."
        if result.outcome == "busy":
            return f"This week's verdict is already posted or being posted ({result.detail})."
        if result.outcome == "nothing-to-post":
            return "Nothing to post: every comparison was just posted here."
        return "Posting failed; it will be retried shortly."

    async def preview(self, channel: str) -> str:
        preview = await self.scheduler.preview(await self.subscription(channel))
        if preview is None:
            return "Nothing to post next: every comparison was just posted here."
        return describe_preview(preview, self.scheduler)


def describe_preview(preview: WeeklyPreview, scheduler: WeeklyScheduler) -> str:
    sub = preview.subscription
    local = preview.due.astimezone(zone(sub.timezone))
    names = " vs ".join(scheduler.catalogue.by_slug[s].name for s in preview.tools)
    lines = [
        f"Next weekly verdict in {sub.platform}/{sub.channel}: {names}, "
        f"{local:%a %d %b %Y %H:%M} {sub.timezone} ({REASONS.get(preview.reason, preview.reason)})."
    ]
    if preview.recap:
        lines.append(preview.recap)
    return "\n".join(lines)
