"""Coalesced edits: the first at once, then at most one per interval, and the newest wins."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

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

    edits = EditCoalescer(interval=3.0, spread=0.0, clock=lambda: now[0], sleep=sleep)
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


async def test_cards_voted_on_together_get_their_follow_up_edits_spread_over_the_interval() -> None:
    loop = asyncio.get_running_loop()
    sent_at: dict[str, list[float]] = {}

    def edit(card: str) -> Callable[[], Awaitable[None]]:
        async def send() -> None:
            sent_at.setdefault(card, []).append(loop.time())

        return send

    cards = [f"C07/{n}" for n in range(200)]
    edits = EditCoalescer(interval=0.2)
    for card in cards:  # every card gets a vote, then another, at the same moment
        edits.submit(card, edit(card))
    await asyncio.sleep(0)
    for card in cards:
        edits.submit(card, edit(card))
    await edits.drain()
    firsts = sorted(times[0] for times in sent_at.values())
    follow_ups = sorted(times[1] for times in sent_at.values())
    assert firsts[-1] - firsts[0] < 0.05  # the first change of each card is shown at once
    assert min(times[1] - times[0] for times in sent_at.values()) >= 0.2  # never sooner
    assert follow_ups[-1] - firsts[0] <= 0.3 + 0.05
    busiest_10_ms = max(
        sum(1 for t in follow_ups if start <= t < start + 0.01) for start in follow_ups
    )
    assert busiest_10_ms <= 60  # not all 200 cards rendered in one moment
