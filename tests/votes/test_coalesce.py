"""Coalesced edits: the first at once, then at most one per interval, and the newest wins."""

from __future__ import annotations

import asyncio

from bot.votes import EditCoalescer


async def test_a_rush_becomes_one_immediate_and_one_delayed_edit_with_the_final_state() -> None:
    now = [0.0]
    naps: list[float] = []

    async def sleep(seconds: float) -> None:
        naps.append(seconds)
        now[0] += seconds
        await asyncio.sleep(0)

    state = {"count": 0}
    shown: list[int] = []

    async def edit() -> None:
        shown.append(state["count"])  # reads the state when sent, not when asked

    edits = EditCoalescer(interval=3.0, clock=lambda: now[0], sleep=sleep)
    state["count"] += 1
    edits.submit("card-1", edit)
    await asyncio.sleep(0)  # the first change is shown at once
    assert shown == [1]
    for _ in range(99):  # a rush inside the quiet interval
        state["count"] += 1
        edits.submit("card-1", edit)
    await edits.drain()
    assert shown == [1, 100]
    assert naps == [3.0]


async def test_cards_are_coalesced_separately_and_a_failed_edit_stops_nothing() -> None:
    sent: list[str] = []

    async def ok(key: str) -> None:
        sent.append(key)

    async def broken() -> None:
        raise ConnectionError("platform hiccup")

    edits = EditCoalescer(interval=0.0)
    edits.submit("a", broken)
    edits.submit("b", lambda: ok("b"))
    await edits.drain()
    edits.submit("a", lambda: ok("a"))
    await edits.drain()
    assert sorted(sent) == ["a", "b"]
