"""At most one edit per message every few seconds, always with the latest content.

A voting rush would otherwise edit the same message once per reaction and run into the
platform's rate limits (Discord's edit bucket, Slack's chat.update tier). The first change is
shown at once; changes inside the quiet interval wait, and only the newest one is sent.

Cards voted on together would otherwise be edited together, every interval, all in the same
moment: with 200 cards that is 200 card renders in one burst of the event loop, and every vote
acknowledged meanwhile waits behind it (the busiest 1% of acks in `benchmarks.votes` came from
those bursts). So each card's follow-up edits wait a little longer than the interval, by a
share of it that its key picks: the edits of many cards spread out and stay spread out.
"""

from __future__ import annotations

import asyncio
import logging
import zlib
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

Edit = Callable[[], Awaitable[None]]


@dataclass
class _Slot:
    pause: float
    """Seconds from one edit of the card to the next."""
    latest: Edit | None = None
    last_sent: float = float("-inf")
    task: asyncio.Task[None] | None = None


@dataclass
class EditCoalescer:
    interval: float = 3.0
    spread: float = 0.5
    """Follow-up edits of a card wait between `interval` and `(1 + spread) * interval` after
    its last one, the share fixed by the card's key."""
    clock: Callable[[], float] = field(default_factory=lambda: asyncio.get_running_loop().time)
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    _slots: dict[Hashable, _Slot] = field(default_factory=dict)

    def submit(self, key: Hashable, edit: Edit) -> None:
        """Ask for `edit` to be applied to `key`; it replaces any edit still waiting."""
        slot = self._slots.get(key)
        if slot is None:
            share = zlib.crc32(repr(key).encode()) / 0xFFFFFFFF
            slot = self._slots[key] = _Slot(pause=self.interval * (1 + self.spread * share))
        slot.latest = edit
        if slot.task is None or slot.task.done():
            slot.task = asyncio.create_task(self._flush(key, slot))

    async def _flush(self, key: Hashable, slot: _Slot) -> None:
        while slot.latest is not None:
            wait = slot.last_sent + slot.pause - self.clock()
            if wait > 0:
                await self.sleep(wait)
            edit, slot.latest = slot.latest, None
            slot.last_sent = self.clock()
            try:
                await edit()
            except Exception:  # one failed edit must not stop later ones
                log.exception("editing %r failed", key)

    async def settled(self, key: Hashable) -> None:
        """Wait until the edits asked for `key` so far have been sent (or have failed, which
        is logged). The wait can be cancelled without cancelling the edits."""
        slot = self._slots.get(key)
        if slot is not None and slot.task is not None and not slot.task.done():
            await asyncio.wait({slot.task})

    async def drain(self) -> None:
        """Wait until every waiting edit has been sent (for shutdown and tests)."""
        while tasks := [s.task for s in self._slots.values() if s.task and not s.task.done()]:
            await asyncio.gather(*tasks)
