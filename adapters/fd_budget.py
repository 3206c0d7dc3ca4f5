"""The process's descriptors, shared by its listeners: the Slack listener and the web pages run
in one process (with its usual 1,024 descriptors) beside the database, the catalogue files and
the connections to Slack's API. Each listener has its own cap (the pages at most 256, so they
can never take what Slack needs), and together they never go past the limit less RESERVED:
a listener at the budget sheds an idle connection or refuses the new one instead of letting
`accept` fail with "Too many open files". Accepting can take a whole backlog of sockets at
once before any cap is checked, so each listener's backlog is counted as used."""

from __future__ import annotations

import resource
from collections.abc import Callable

RESERVED = 128
"""Kept for everything that is not a listener's connection (database, files, Slack's API)."""


def descriptor_limit() -> int:
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return soft if soft != resource.RLIM_INFINITY else 1 << 20


class DescriptorBudget:
    """What the listeners of this process hold, against what the process may open."""

    def __init__(self, limit: Callable[[], int] = descriptor_limit) -> None:
        self._limit = limit
        self._listeners: dict[object, tuple[Callable[[], int], int]] = {}

    def join(self, listener: object, open_now: Callable[[], int], backlog: int) -> None:
        self._listeners[listener] = (open_now, backlog)

    def leave(self, listener: object) -> None:
        self._listeners.pop(listener, None)

    def room(self) -> int:
        """Connections any listener may still open (0 or less: full)."""
        used = sum(open_now() + 2 * backlog for open_now, backlog in self._listeners.values())
        return self._limit() - RESERVED - used


BUDGET = DescriptorBudget()
"""The one budget of this process."""
