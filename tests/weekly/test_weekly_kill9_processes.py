"""Real kill -9 of real processes during weekly runs (the harness of `benchmarks.weekly_kills`,
small): the scheduler runs in a child process on a real database, Slack is faked on 127.0.0.1
in this process, and the child gets SIGKILL right after Slack took its card (before it hears
back), after a vote reaction, while closing last week's card, and at a random moment. Every
channel-week is posted once and recorded as the card Slack shows. The benchmark runs 200
channel-weeks; this keeps the suite fast. On SQLite and PostgreSQL."""

from __future__ import annotations

import random
from collections.abc import Callable

from benchmarks.weekly_kills import run


def in_order(*plans: str | None) -> Callable[[random.Random, int], str | None]:
    """Where each next child dies, in turn; then they live."""
    queue = list(plans)
    return lambda rng, deaths: queue.pop(0) if queue else None


async def test_sigkill_at_every_step_of_weekly_runs_never_posts_twice_or_loses_a_week(
    db_location: str,
) -> None:
    report = await run(
        db_location,
        channels=1,
        weeks=2,
        plans=in_order(
            "chat.postMessage", "reactions.add", None, "chat.update", "chat.postMessage"
        ),
    )
    assert report.kills["chat.postMessage"] == 2  # the window: Slack has it, the DB does not
    assert report.kills["reactions.add"] == 1 and report.kills["chat.update"] == 1
    assert report.doubles == {}
    assert report.posts == 2
    assert report.lost == 0 and report.statuses == {"sent": 2}
    assert report.mismatched == 0


async def test_the_control_without_the_look_up_does_post_twice(tmp_path: object) -> None:
    """The same kill with recoveries unable to look (no history scopes): the harness sees the
    double post, so the test above could fail."""
    report = await run(
        str(tmp_path) + "/control.db",
        channels=1,
        weeks=1,
        plans=in_order("chat.postMessage"),
        look_up=False,
    )
    assert report.kills["chat.postMessage"] == 1
    assert report.posts == 2 and len(report.doubles) == 1
