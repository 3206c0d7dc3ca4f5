"""The listeners of one process share its descriptors: together they never go past the limit
less a reserve, each listener's accept backlog counted as used."""

from __future__ import annotations

from adapters.fd_budget import RESERVED, DescriptorBudget


def test_room_is_the_limit_less_the_reserve_what_is_open_and_the_backlogs() -> None:
    budget = DescriptorBudget(limit=lambda: 1024)
    slack, web = [0], [0]
    budget.join("slack", lambda: slack[0], backlog=64)
    budget.join("web", lambda: web[0], backlog=32)
    assert budget.room() == 1024 - RESERVED - 2 * 64 - 2 * 32
    web[0] = 256
    slack[0] = budget.room() + slack[0]
    assert budget.room() == 0
    budget.leave("web")
    assert budget.room() == 256 + 2 * 32
