"""Weekly subscriptions and posts in the store. The week's post is claimed here before it is
sent: the primary key (subscription, week) is what makes posting exactly-once across restarts
and across bot processes sharing one database."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from bot.storage import Transaction
from bot.typed import printable
from bot.votes import AlsoInTransaction, CardRecord, Store, requests_since
from bot.weekly.pick import Subscription

PostStatus = Literal["claimed", "retry", "sent", "skipped"]

_SUBSCRIPTION_COLUMNS = "id, platform, channel, weekday, hour, timezone, subscribed_by, created_at"


@dataclass(frozen=True, slots=True)
class WeeklyPost:
    subscription_id: int
    week: str
    tools: tuple[str, ...]
    status: PostStatus
    attempts: int
    next_attempt_at: float
    card_id: int | None


_POST_COLUMNS = "subscription_id, week, tools, status, attempts, next_attempt_at, card_id"


def _post(row: Sequence[Any]) -> WeeklyPost:
    sub, week, tools, status, attempts, next_at, card_id = row
    return WeeklyPost(sub, week, tuple(json.loads(tools)), status, attempts, next_at, card_id)


async def _mark_sent(
    tx: Transaction, subscription_id: int, week: str, message_id: str, card_id: int
) -> None:
    await tx.execute(
        "UPDATE weekly_posts SET status = 'sent', message_id = ?, card_id = ?, "
        "last_error = NULL WHERE subscription_id = ? AND week = ?",
        (message_id, card_id, subscription_id, week),
    )


def _subscription(row: Sequence[object]) -> Subscription:
    keys = [c.strip() for c in _SUBSCRIPTION_COLUMNS.split(",")]
    return Subscription.model_validate(dict(zip(keys, row, strict=True)))


@dataclass(frozen=True, slots=True)
class PublicPost:
    """A sent weekly verdict of a channel that shows its archive on the web."""

    subscription_id: int
    channel_name: str
    """The name the channel chose to be shown under; never its platform id."""
    week: str
    tools: tuple[str, ...]
    sent_at: dt.datetime


class WeeklyStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def subscribe(
        self,
        *,
        platform: str,
        channel: str,
        weekday: int,
        hour: int,
        timezone: str,
        user_id: str,
        now: dt.datetime,
    ) -> Subscription:
        """Subscribe a channel, or change its schedule if it already has one."""
        rows = await self.store.write_returning(
            "INSERT INTO subscriptions "
            "(platform, channel, weekday, hour, timezone, subscribed_by, created_at, active) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 1) "
            "ON CONFLICT (platform, channel) DO UPDATE SET weekday = excluded.weekday, "
            "hour = excluded.hour, timezone = excluded.timezone, "
            "subscribed_by = excluded.subscribed_by, created_at = excluded.created_at, active = 1 "
            f"RETURNING {_SUBSCRIPTION_COLUMNS}",
            (
                platform,
                channel,
                weekday,
                hour,
                timezone,
                self.store.hash_user(platform, user_id),
                now.isoformat(),
            ),
        )
        return _subscription(rows[0])

    async def unsubscribe(self, platform: str, channel: str) -> bool:
        """Stop a channel's weekly posts; its history is kept. False if it had none."""
        changed = await self.store.write(
            "UPDATE subscriptions SET active = 0 WHERE platform = ? AND channel = ? AND active = 1",
            (platform, channel),
        )
        return changed > 0

    async def subscription(self, platform: str, channel: str) -> Subscription | None:
        rows = await self.store.fetch(
            f"SELECT {_SUBSCRIPTION_COLUMNS} FROM subscriptions "
            "WHERE platform = ? AND channel = ? AND active = 1",
            (platform, channel),
        )
        return _subscription(rows[0]) if rows else None

    async def subscriptions(self) -> list[Subscription]:
        rows = await self.store.fetch(
            f"SELECT {_SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE active = 1 ORDER BY id"
        )
        return [_subscription(row) for row in rows]

    async def post(self, subscription_id: int, week: str) -> WeeklyPost | None:
        rows = await self.store.fetch(
            f"SELECT {_POST_COLUMNS} FROM weekly_posts WHERE subscription_id = ? AND week = ?",
            (subscription_id, week),
        )
        return _post(rows[0]) if rows else None

    async def claim(
        self,
        subscription_id: int,
        week: str,
        tools: Sequence[str],
        *,
        owner: str,
        now: float,
        lease_seconds: float,
    ) -> tuple[str, ...] | None:
        """Take the week's post for `owner`; returns the tools to post, or None if it is not ours.

        A new week is claimed by whoever inserts first. A claim can be taken over only when
        its retry time has come, or when its owner went quiet for `lease_seconds` (it crashed
        between claiming and sending); then the tools first chosen are kept.
        """
        claimed = await self.store.write_returning(
            "INSERT INTO weekly_posts "
            "(subscription_id, week, tools, status, claimed_by, claimed_at, next_attempt_at) "
            "VALUES (?, ?, ?, 'claimed', ?, ?, ?) "
            "ON CONFLICT (subscription_id, week) DO UPDATE "
            "SET status = 'claimed', claimed_by = excluded.claimed_by, "
            "    claimed_at = excluded.claimed_at "
            "WHERE (weekly_posts.status = 'retry' AND weekly_posts.next_attempt_at <= ?) "
            "   OR (weekly_posts.status = 'claimed' AND weekly_posts.claimed_at <= ?) "
            "RETURNING tools",
            (
                subscription_id,
                week,
                json.dumps(list(tools)),
                owner,
                now,
                now,
                now,
                now - lease_seconds,
            ),
        )
        return tuple(json.loads(claimed[0][0])) if claimed else None

    async def mark_sent(
        self, subscription_id: int, week: str, *, message_id: str, card_id: int
    ) -> None:
        async with self.store.db.transaction() as tx:
            await _mark_sent(tx, subscription_id, week, message_id, card_id)

    @staticmethod
    def marks_sent(subscription_id: int, week: str) -> AlsoInTransaction:
        """Marks the week's post sent inside the transaction that registers its card, so no
        crash can leave a posted weekly card that a restart would take for unsent."""

        async def mark(tx: Transaction, card: CardRecord) -> None:
            await _mark_sent(tx, subscription_id, week, card.message_id, card.id)

        return mark

    async def mark_retry(
        self, subscription_id: int, week: str, *, error: str, next_attempt_at: float
    ) -> int:
        """Record a failed send; returns how many attempts have failed so far."""
        rows = await self.store.write_returning(
            "UPDATE weekly_posts SET status = 'retry', attempts = attempts + 1, "
            "next_attempt_at = ?, last_error = ? WHERE subscription_id = ? AND week = ? "
            "RETURNING attempts",
            (next_attempt_at, error[:500], subscription_id, week),
        )
        return int(rows[0][0]) if rows else 0

    async def mark_skipped(self, subscription_id: int, week: str, *, now: float) -> bool:
        """Note a week whose post was missed entirely; True the first time only."""
        changed = await self.store.write(
            "INSERT INTO weekly_posts "
            "(subscription_id, week, tools, status, claimed_by, claimed_at, next_attempt_at) "
            "VALUES (?, ?, '[]', 'skipped', '', ?, ?) ON CONFLICT DO NOTHING",
            (subscription_id, week, now, now),
        )
        return changed > 0

    async def history(self, platform: str, channel: str) -> list[WeeklyPost]:
        """What the channel was sent, most recent week first (across re-subscriptions)."""
        columns = ", ".join(f"p.{c.strip()}" for c in _POST_COLUMNS.split(","))
        rows = await self.store.fetch(
            f"SELECT {columns} "
            "FROM weekly_posts p JOIN subscriptions s ON s.id = p.subscription_id "
            "WHERE s.platform = ? AND s.channel = ? AND p.status = 'sent' "
            "ORDER BY p.week DESC",
            (platform, channel),
        )
        return [_post(row) for row in rows]

    async def set_public_name(self, platform: str, channel: str, name: str | None) -> bool:
        """Show the channel's weekly archive on the web under `name`, or hide it (None).
        False if the channel has no weekly verdict."""
        changed = await self.store.write(
            "UPDATE subscriptions SET public_name = ? "
            "WHERE platform = ? AND channel = ? AND active = 1",
            (name, platform, channel),
        )
        return changed > 0

    async def public_posts(self, limit: int = 500) -> list[PublicPost]:
        """Sent weekly verdicts of public channels, newest first (the /weekly page and feed)."""
        rows = await self.store.fetch(
            "SELECT s.id, s.public_name, p.week, p.tools, p.claimed_at "
            "FROM weekly_posts p JOIN subscriptions s ON s.id = p.subscription_id "
            "WHERE s.public_name IS NOT NULL AND p.status = 'sent' "
            "ORDER BY p.claimed_at DESC, s.id LIMIT ?",
            (limit,),
        )
        return [
            PublicPost(
                subscription_id=int(sub),
                channel_name=printable(name),  # a name stored before control characters
                week=week,  # were refused at the door must not break the feed (XML) or a page
                tools=tuple(json.loads(tools)),
                sent_at=dt.datetime.fromtimestamp(float(sent), dt.UTC),
            )
            for sub, name, week, tools, sent in rows
        ]

    async def recent_requests(self, since: dt.datetime) -> list[tuple[str, ...]]:
        return await requests_since(self.store, since)
