"""The `tool_requests` table (migration 8): its only owner. A person counts once per name per
community (the primary key); a request upgrades an earlier unknown-name signal, never the
reverse."""

from __future__ import annotations

from datetime import UTC

from bot.catalogue import compact
from bot.tool_requests.models import RequestRow, Strength
from bot.votes import Clock, Store, utc_now

_INSERT = (
    "INSERT INTO tool_requests "
    "(community, name_key, requester, name, strength, first_at, last_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (community, name_key, requester) DO NOTHING"
)
_UPGRADE = (
    "UPDATE tool_requests SET strength = 'request', last_at = ? "
    "WHERE community = ? AND name_key = ? AND requester = ? AND strength = 'unknown'"
)


class RequestStore:
    """Tool requests in the vote store's database (SQLite or PostgreSQL)."""

    def __init__(self, store: Store, *, clock: Clock = utc_now) -> None:
        self.store = store
        self.clock = clock

    async def record(
        self, *, platform: str, community: str, user_id: str, name: str, strength: Strength
    ) -> Strength | None:
        """Store one person's interest; returns what was stored for them before (None: this
        is their first time asking for this name here)."""
        key = compact(name)
        requester = self.store.hash_user(platform, user_id)
        now = self.clock().astimezone(UTC).isoformat(timespec="seconds")
        # Two statements, each atomic, so that two presses at once still get one "new" answer.
        if await self.store.write(_INSERT, (community, key, requester, name, strength, now, now)):
            return None
        if strength == "request" and await self.store.write(
            _UPGRADE, (now, community, key, requester)
        ):
            return "unknown"
        return strength if strength == "request" else "unknown"

    async def count(self, community: str, name: str) -> int:
        """People in `community` who requested `name` (pressed "Request it")."""
        rows = await self.store.fetch(
            "SELECT count(*) FROM tool_requests "
            "WHERE community = ? AND name_key = ? AND strength = 'request'",
            (community, compact(name)),
        )
        return int(rows[0][0])

    async def rows(self, community: str | None = None) -> list[RequestRow]:
        """Every stored request (of one community), for grouping; empty on a database from
        before migration 8 (reading commands never migrate)."""
        if not await self._has_table():
            return []
        where, params = ("WHERE community = ?", (community,)) if community else ("", ())
        found = await self.store.fetch(
            f"SELECT community, name_key, requester, name, strength FROM tool_requests {where}",
            params,
        )
        return [
            RequestRow(community=c, name_key=k, requester=r, name=n, strength=s)
            for c, k, r, n, s in found
        ]

    async def _has_table(self) -> bool:
        if self.store.db.dialect == "postgresql":
            rows = await self.store.fetch("SELECT to_regclass('tool_requests') IS NOT NULL")
        else:
            rows = await self.store.fetch(
                "SELECT count(*) FROM sqlite_master WHERE name = 'tool_requests'"
            )
        return bool(rows[0][0])
