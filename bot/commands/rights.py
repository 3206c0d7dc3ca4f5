"""Who is a channel admin where the platform's roles cost a call to learn (Slack's
`users.info`): the configured bot admins first, then the platform's answer, remembered a
while so a busy channel does not ask for every command."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

ROLE_MEMORY_SECONDS = 300.0
"""How long a user's role is remembered before asking the platform again."""
ROLES_KEPT = 4096
"""At most this many users' roles are remembered (the oldest asked is forgotten first)."""

RoleLookup = Callable[[str], Awaitable[bool | None]]
"""The platform's answer: whether the user holds an admin role; None when it could not say
(a missing scope, a timeout), which is a "no" not remembered, so the next command asks again."""


class RoleMemory:
    """`admin(user)`: a bot admin, or what `lookup` said within `seconds`."""

    def __init__(
        self,
        lookup: RoleLookup,
        *,
        bot_admins: frozenset[str] = frozenset(),
        seconds: float = ROLE_MEMORY_SECONDS,
        kept: int = ROLES_KEPT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.lookup = lookup
        self.bot_admins = bot_admins
        self.seconds = seconds
        self.kept = kept
        self.clock = clock
        self._roles: dict[str, tuple[float, bool]] = {}
        """User id -> (when asked, admin); insertion-ordered, so the first is the oldest."""

    async def admin(self, user: str) -> bool:
        """Whether `user` may manage channels. Having done anything through the bot (such as
        subscribing a channel) grants nothing: only the configuration and the platform's roles."""
        if user in self.bot_admins:
            return True
        now = self.clock()
        known = self._roles.get(user)
        if known is not None and now - known[0] < self.seconds:
            return known[1]
        said = await self.lookup(user)
        if said is None:
            return False
        self._roles.pop(user, None)
        if len(self._roles) >= self.kept:
            self._roles.pop(next(iter(self._roles)))
        self._roles[user] = (now, said)
        return said
