"""Rights reckoned where a platform's roles cost a call (Slack's users.info): bot admins
without asking, an answer remembered for a while, a failure never remembered, and a bounded
memory."""

from __future__ import annotations

from bot import commands


class Roles:
    """The platform's side: who is an admin, what was asked, and whether it can answer."""

    def __init__(self, admins: set[str]) -> None:
        self.admins = admins
        self.asked: list[str] = []
        self.broken = False

    async def lookup(self, user: str) -> bool | None:
        self.asked.append(user)
        return None if self.broken else user in self.admins


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_bot_admin_is_an_admin_without_asking_the_platform() -> None:
    roles = Roles(set())
    memory = commands.RoleMemory(roles.lookup, bot_admins=frozenset({"UBOT"}))
    assert await memory.admin("UBOT")
    assert roles.asked == []


async def test_a_role_is_asked_once_then_remembered_until_it_is_stale() -> None:
    roles, clock = Roles({"UOWNER"}), Clock()
    memory = commands.RoleMemory(roles.lookup, seconds=300, clock=clock)
    assert await memory.admin("UOWNER") and not await memory.admin("UMEMBER")
    assert await memory.admin("UOWNER") and not await memory.admin("UMEMBER")
    assert roles.asked == ["UOWNER", "UMEMBER"]
    roles.admins = {"UMEMBER"}  # the workspace changed its admins
    clock.now += 301
    assert await memory.admin("UMEMBER") and not await memory.admin("UOWNER")
    assert roles.asked == ["UOWNER", "UMEMBER", "UMEMBER", "UOWNER"]


async def test_a_platform_that_cannot_say_means_no_and_is_asked_again_next_time() -> None:
    roles = Roles({"UOWNER"})
    roles.broken = True
    memory = commands.RoleMemory(roles.lookup, clock=Clock())
    assert not await memory.admin("UOWNER")
    roles.broken = False
    assert await memory.admin("UOWNER")
    assert roles.asked == ["UOWNER", "UOWNER"]


async def test_the_memory_keeps_at_most_its_bound_forgetting_the_oldest_first() -> None:
    roles = Roles({"U1"})
    memory = commands.RoleMemory(roles.lookup, kept=2, clock=Clock())
    for user in ("U1", "U2", "U3"):
        await memory.admin(user)
    await memory.admin("U3")
    await memory.admin("U1")  # forgotten: asked again
    assert roles.asked == ["U1", "U2", "U3", "U1"]
