"""Log lines caused by strangers are rate-limited: a client sending unsigned requests as fast
as it can grows the log by a few lines a minute, not one line per request."""

from __future__ import annotations

import logging

import pytest

from adapters.quiet_log import PER_MINUTE, QuietLog


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def test_each_kind_of_line_is_written_at_most_per_minute_then_summed_up(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock()
    quiet = QuietLog(logging.getLogger("strangers"), clock=clock)
    with caplog.at_level(logging.WARNING, logger="strangers"):
        for n in range(1000):
            quiet.warning("rejected a request: %s", f"reason {n}")
            quiet.warning("another kind %d", n)
        assert len(caplog.records) == 2 * PER_MINUTE
        clock.now = 61.0
        quiet.warning("rejected a request: %s", "late")
    said = [r.getMessage() for r in caplog.records]
    assert said[-2] == "990 more like 'rejected a request: %s' in the last minute, not logged"
    assert said[-1] == "rejected a request: late"
