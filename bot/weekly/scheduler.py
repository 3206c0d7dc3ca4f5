"""Posts weekly verdicts when they are due: claim in the store, send, record; retry on failure.

One scheduler per bot process; several may share a database. `run_once` is safe to call as
often as you like (cron, a loop, the terminal adapter after every command).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.chat import ChatBot
from bot.errors import BadQuery
from bot.poll_flows import PollDesk
from bot.weekly.pick import Subscription, WeekWindow, pick_for_week, recap, week_window
from bot.weekly.store import WeeklyPost, WeeklyStore

log = logging.getLogger(__name__)

LEASE_SECONDS = 600.0
"""A claim whose owner has not finished within this long is taken to have crashed."""
RETRY_BACKOFF_SECONDS = (60.0, 300.0, 900.0, 3600.0)
"""Waits after the 1st, 2nd, 3rd and later failed sends."""
CHECK_EVERY_SECONDS = 60.0
FIRST_WEEK = "The first weekly verdict in this channel."

Outcome = Literal["sent", "failed", "skipped", "busy", "nothing-to-post"]


@dataclass(frozen=True, slots=True)
class WeeklyResult:
    subscription: Subscription
    week: str
    outcome: Outcome
    tools: tuple[str, ...] = ()
    card_id: int | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class WeeklyPreview:
    subscription: Subscription
    week: str
    due: dt.datetime
    tools: tuple[str, ...]
    reason: str
    recap: str | None


class WeeklyScheduler:
    def __init__(
        self,
        bots: Mapping[str, ChatBot],
        weekly: WeeklyStore,
        *,
        clock: Callable[[], dt.datetime],
        owner: str | None = None,
    ) -> None:
        """`bots` maps a platform name to the bot that posts there; other platforms' channels
        are left to the process that runs them."""
        self.bots = bots
        # Every bot of a process shares one catalogue; previews of other platforms' channels
        # need it without a bot of their own.
        self.catalogue = next(iter(bots.values())).comparer.catalogue
        self.weekly = weekly
        self.clock = clock
        self.owner = owner or uuid.uuid4().hex

    async def run_once(self) -> list[WeeklyResult]:
        """Post every weekly verdict that is due now; one channel's failure stops no other."""
        now = self.clock()
        for bot in self.bots.values():  # votes that are due to close (issue 17)
            try:
                await PollDesk(bot).close_due()
            except Exception:  # one platform's failure must not stop weekly posts
                log.exception("closing due votes on %s failed", bot.platform.name)
        subscriptions = [s for s in await self.weekly.subscriptions() if s.platform in self.bots]
        results = await asyncio.gather(*(self._run_for(s, now) for s in subscriptions))
        return [r for r in results if r is not None]

    async def run_forever(
        self,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        every: float = CHECK_EVERY_SECONDS,
        stop: asyncio.Event | None = None,
    ) -> None:
        """Check for due posts every `every` seconds until `stop` is set (or cancelled). A
        shutdown sets `stop` rather than cancelling: a post under way finishes and is recorded,
        instead of being cut between the platform accepting it and the store recording it."""
        while stop is None or not stop.is_set():
            try:
                await self.run_once()
            except Exception:  # the loop must outlive any one bad run
                log.exception("weekly verdicts: run failed")
            if stop is None:
                await sleep(every)
                continue
            napping = asyncio.ensure_future(sleep(every))
            stopping = asyncio.ensure_future(stop.wait())
            await asyncio.wait({napping, stopping}, return_when=asyncio.FIRST_COMPLETED)
            for waiting in (napping, stopping):
                waiting.cancel()

    async def post_now(self, subscription: Subscription) -> WeeklyResult:
        """/verdicts now: this week's post, sent at once if it has not gone out yet."""
        now = self.clock()
        return await self._send(subscription, week_window(subscription, now), now)

    async def preview(self, subscription: Subscription) -> WeeklyPreview | None:
        """What the channel gets next, and when (this week's post if it has not gone out)."""
        now = self.clock()
        window = week_window(subscription, now)
        post = await self.weekly.post(subscription.id, window.week)
        owed = window.due >= subscription.created_at
        if not owed or (post is not None and post.status in {"sent", "skipped"}):
            window = week_window(subscription, window.ends + dt.timedelta(hours=1))
            post = None
        if post is not None:
            tools, reason = post.tools, "already chosen"
        else:
            pick = await self._pick(subscription, window, now)
            if pick is None:
                return None
            tools, reason = pick
        return WeeklyPreview(
            subscription=subscription,
            week=window.week,
            due=max(window.due, now),
            tools=tools,
            reason=reason,
            recap=await self._recap(subscription),
        )

    async def _run_for(self, subscription: Subscription, now: dt.datetime) -> WeeklyResult | None:
        try:
            await self._note_missed_week(subscription, now)
            window = week_window(subscription, now)
            if now < window.due or window.due < subscription.created_at:
                return None  # not due yet, or due before the channel subscribed
            post = await self.weekly.post(subscription.id, window.week)
            if post is not None and (
                post.status in {"sent", "skipped"}
                or (post.status == "retry" and post.next_attempt_at > now.timestamp())
            ):
                return None
            return await self._send(subscription, window, now)
        except BadQuery as error:  # e.g. a time zone this machine no longer knows
            log.error(
                "weekly verdicts: %s/%s: %s", subscription.platform, subscription.channel, error
            )
            return WeeklyResult(subscription, "", "failed", detail=str(error))

    async def _note_missed_week(self, subscription: Subscription, now: dt.datetime) -> None:
        """A week that ended without its post (the bot was down) is skipped, and said once."""
        previous = week_window(
            subscription, week_window(subscription, now).due - dt.timedelta(days=7)
        )
        if previous.due < subscription.created_at:
            return
        post = await self.weekly.post(subscription.id, previous.week)
        if post is not None and post.status == "sent":
            return
        if post is None and await self.weekly.mark_skipped(
            subscription.id, previous.week, now=now.timestamp()
        ):
            log.warning(
                "weekly verdicts: %s/%s missed week %s while the bot was down; skipped",
                subscription.platform,
                subscription.channel,
                previous.week,
            )

    async def _send(
        self, subscription: Subscription, window: WeekWindow, now: dt.datetime
    ) -> WeeklyResult:
        existing = await self.weekly.post(subscription.id, window.week)
        if existing is not None and existing.status == "sent":
            return WeeklyResult(
                subscription,
                window.week,
                "busy",
                existing.tools,
                existing.card_id,
                detail="already posted this week",
            )
        if existing is not None:
            wanted: Sequence[str] = existing.tools
        else:
            pick = await self._pick(subscription, window, now)
            if pick is None:
                return WeeklyResult(subscription, window.week, "nothing-to-post")
            wanted = pick[0]
        tools = await self.weekly.claim(
            subscription.id,
            window.week,
            wanted,
            owner=self.owner,
            now=now.timestamp(),
            lease_seconds=LEASE_SECONDS,
        )
        if tools is None:
            return WeeklyResult(subscription, window.week, "busy", detail="claimed elsewhere")
        bot = self.bots[subscription.platform]
        await self._close_previous(bot, subscription)
        try:
            card = await bot.post_card(
                subscription.channel,
                tools,
                asked_by=f"weekly:{subscription.id}",
                recap=await self._recap(subscription) or FIRST_WEEK,
                also=self.weekly.marks_sent(subscription.id, window.week),
                key=post_key(subscription, window.week),
                # A claim or retry already stood: an attempt may have posted and died before
                # recording it. Look for its card before posting again.
                look_first=existing is not None,
            )
        except Exception as error:  # a platform failure: retry later, other channels go on
            attempts = await self.weekly.mark_retry(
                subscription.id,
                window.week,
                error=repr(error),
                next_attempt_at=now.timestamp() + _backoff(existing),
            )
            log.warning(
                "weekly verdicts: sending to %s/%s failed (attempt %d): %r; will retry",
                subscription.platform,
                subscription.channel,
                attempts,
                error,
            )
            return WeeklyResult(subscription, window.week, "failed", tools, detail=repr(error))
        log.info(
            "weekly verdicts: posted %s to %s/%s for %s",
            " vs ".join(tools),
            subscription.platform,
            subscription.channel,
            window.week,
        )
        return WeeklyResult(subscription, window.week, "sent", tools, card.id)

    async def _pick(
        self, subscription: Subscription, window: WeekWindow, now: dt.datetime
    ) -> tuple[tuple[str, ...], str] | None:
        history = await self.weekly.history(subscription.platform, subscription.channel)
        requests = await self.weekly.recent_requests(now - dt.timedelta(days=7))
        pick = pick_for_week(self.catalogue, window, [p.tools for p in history], requests)
        return (pick.tools, pick.reason) if pick is not None else None

    async def _close_previous(self, bot: ChatBot, subscription: Subscription) -> None:
        """The channel's last weekly card closes as the next one goes out (before the recap
        is read, so a hidden result is final when the recap shows it)."""
        history = await self.weekly.history(subscription.platform, subscription.channel)
        if not history or history[0].card_id is None:
            return
        try:
            await PollDesk(bot).close_weekly(history[0].card_id)
        except Exception:  # the old card stays open; the new week's card still goes out
            log.exception("weekly verdicts: could not close card %s", history[0].card_id)

    async def _recap(self, subscription: Subscription) -> str | None:
        history = await self.weekly.history(subscription.platform, subscription.channel)
        if not history or history[0].card_id is None:
            return None
        known = self.catalogue.by_slug
        names = [known[slug].name for slug in history[0].tools if slug in known]
        votes = await self.weekly.store.card_tally(history[0].card_id)
        if len(names) != len(votes):
            return None  # a tool left the catalogue since: no recap rather than a wrong one
        return recap(names, votes)


def post_key(subscription: Subscription, week: str) -> str:
    """One channel-week's idempotency key: the same for every attempt (at most 25 characters,
    Discord's limit for a nonce)."""
    return f"vw{subscription.id}-{week}"


def _backoff(post: WeeklyPost | None) -> float:
    """The wait before the next try, from how many tries of this post failed before."""
    attempts = post.attempts if post is not None else 0
    return RETRY_BACKOFF_SECONDS[min(attempts, len(RETRY_BACKOFF_SECONDS) - 1)]
