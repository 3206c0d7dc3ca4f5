"""Log lines caused by strangers, rate-limited: whoever can reach a port can make it refuse
requests, and must not be able to fill the disk with the log of those refusals.

`QuietLog(logger).warning("rejected a request: %s", why)` writes at most `per_minute` lines a
minute for each message (its format string), then one line saying how many more there were.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

PER_MINUTE = 10
"""Lines a minute for one kind of message; a few kinds together stay far below 100."""
WINDOW_SECONDS = 60.0
KINDS_KEPT = 64


@dataclass(slots=True)
class _Window:
    started: float
    written: int = 0
    held_back: int = 0


class QuietLog:
    """A logger's warnings about unauthenticated traffic, at most `per_minute` of each kind."""

    def __init__(
        self,
        logger: logging.Logger,
        *,
        per_minute: int = PER_MINUTE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.logger = logger
        self.per_minute = per_minute
        self.clock = clock
        self._windows: dict[str, _Window] = {}

    def warning(self, message: str, *args: object) -> None:
        self._log(logging.WARNING, message, args)

    def info(self, message: str, *args: object) -> None:
        self._log(logging.INFO, message, args)

    def _log(self, level: int, message: str, args: tuple[object, ...]) -> None:
        if not self.logger.isEnabledFor(level):
            return
        now = self.clock()
        window = self._windows.get(message)
        if window is None or now - window.started >= WINDOW_SECONDS:
            if window is not None and window.held_back:
                self.logger.log(
                    level,
                    "%d more like %r in the last minute, not logged",
                    window.held_back,
                    message,
                )
            if window is None and len(self._windows) >= KINDS_KEPT:
                self._windows.pop(next(iter(self._windows)))
            window = self._windows[message] = _Window(started=now)
        if window.written < self.per_minute:
            window.written += 1
            self.logger.log(level, message, *args)
        else:
            window.held_back += 1


class QuietFilter(logging.Filter):
    """The same limit for a library's own lines, by message: asyncio logs every failed
    accept (out of descriptors) with its traceback, one per connection attempt."""

    def __init__(
        self, *, per_minute: int = PER_MINUTE, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__()
        self.per_minute = per_minute
        self.clock = clock
        self._windows: dict[str, _Window] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        now = self.clock()
        kind = str(record.msg)
        window = self._windows.get(kind)
        if window is None or now - window.started >= WINDOW_SECONDS:
            held_back = window.held_back if window is not None else 0
            if window is None and len(self._windows) >= KINDS_KEPT:
                self._windows.pop(next(iter(self._windows)))
            window = self._windows[kind] = _Window(started=now)
            if held_back:
                record.msg = f"({held_back} more like the next in the last minute) {record.msg}"
        if window.written < self.per_minute:
            window.written += 1
            return True
        window.held_back += 1
        return False


def quiet_asyncio() -> None:
    """Rate-limit asyncio's own error lines (a listener out of descriptors), once per process."""
    asyncio_log = logging.getLogger("asyncio")
    if not any(isinstance(f, QuietFilter) for f in asyncio_log.filters):
        asyncio_log.addFilter(QuietFilter())
