"""Real kill -9 during weekly runs: is every channel-week posted exactly once?

    python -m benchmarks.weekly_kills [--channels 20] [--weeks 10] [--seed 27] [--db URL]
                                      [--no-look-up]

The weekly scheduler runs in a real child process (`python -m benchmarks.weekly_kills
worker`: the Slack adapter's `SlackVerdicts` on a real SQLite file, or PostgreSQL with
`--db`), posting to Slack's Web API faked on 127.0.0.1 in this process, which outlives every
child as Slack does. This process drives the clock: each tick is one hour of a Monday when
some channels are due. A tick's child is sent SIGKILL at a random point, up to three times,
each time restarted (after the dead one's 10-minute lease): at a random moment of its run, or
exactly when Slack has taken a call (the card posted, a vote reaction seeded, the last week's
card closed) and before the child hears back. Then it counts cards per channel-week in
Slack and rows in the database: 0 double posts and 0 lost weeks is the bar. Loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.votes import Store
from bot.weekly import WeeklyStore
from bot.weekly.scheduler import LEASE_SECONDS
from tests.fake_slack import Call, FakeSlack

PROJECT = Path(__file__).resolve().parents[1]
MONDAY = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
HOURS = 4
"""Channels are due at hours 0..HOURS-1 of Monday: a tick posts several at once."""
DEATHS_PER_TICK = 3
"""A tick's child dies at most this often; the next one lives, so every week gets its chance."""
CALL_KILLS = ("chat.postMessage", "reactions.add", "chat.update")
"""Slack calls after which a child may be killed before it hears Slack's answer."""
PLANS: tuple[str | None, ...] = ("timer", *CALL_KILLS, None)
READY = "ready"


@dataclass
class Report:
    ticks: int = 0
    starts: int = 0
    kills: Counter[str] = field(default_factory=Counter)
    posts: int = 0
    doubles: dict[tuple[str, str], int] = field(default_factory=dict)
    lost: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    mismatched: int = 0
    """Channel-weeks whose recorded card is not the one Slack shows."""
    seconds: float = 0.0

    def table(self, channel_weeks: int) -> str:
        rows = [
            ("channel-weeks", str(channel_weeks)),
            ("ticks", str(self.ticks)),
            ("child processes started", str(self.starts)),
            ("SIGKILLs", f"{sum(self.kills.values())} ({_kills(self.kills)})"),
            ("cards posted in Slack", str(self.posts)),
            ("double posts", str(sum(n - 1 for n in self.doubles.values()))),
            ("lost weeks", str(self.lost)),
            ("weekly_posts rows", _kills(Counter(self.statuses))),
            ("recorded card is not Slack's", str(self.mismatched)),
            ("wall time", f"{self.seconds:.1f} s"),
        ]
        width = max(len(name) for name, _ in rows)
        return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def _kills(counts: Counter[str]) -> str:
    return ", ".join(f"{name} {n}" for name, n in sorted(counts.items())) or "none"


class Child:
    """One worker process: started, told the time, killed with SIGKILL."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc

    @classmethod
    async def start(cls, db: str, slack_url: str) -> Child:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "benchmarks.weekly_kills",
            "worker",
            db,
            slack_url,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(PROJECT)},
            cwd=PROJECT,
        )
        child = cls(proc)
        line = await child.readline()
        if line != READY:
            raise RuntimeError(f"the weekly worker did not start (said {line!r})")
        return child

    async def readline(self) -> str | None:
        assert self.proc.stdout is not None
        line = await self.proc.stdout.readline()
        return line.decode().strip() if line else None

    def kill(self) -> None:
        if self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.proc.pid, signal.SIGKILL)

    async def tick(self, now: dt.datetime) -> str | None:
        """Run the scheduler once at `now`; its answer, or None if it died first."""
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(f"{now.isoformat()}\n".encode())
            await self.proc.stdin.drain()
        except (BrokenPipeError, ConnectionResetError):
            return None
        return await self.readline()

    async def stop(self) -> None:
        if self.proc.returncode is None and self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            await asyncio.wait_for(self.proc.wait(), 10)
        except TimeoutError:
            self.kill()
            await self.proc.wait()


async def run(
    db: str,
    *,
    channels: int = 20,
    weeks: int = 10,
    seed: int = 27,
    plans: Callable[[random.Random, int], str | None] | None = None,
    look_up: bool = True,
) -> Report:
    """Drive `channels` × `weeks` channel-weeks through killed children; count what Slack got.
    `plans(rng, deaths_so_far_in_tick)` picks where the next child dies (None: it lives).
    `look_up` False is the control: Slack refuses conversations.history (as without the
    history scopes), so a recovery cannot find the card a killed child posted."""
    rng = random.Random(seed)
    choose = plans or (lambda r, deaths: r.choice(PLANS) if deaths < DEATHS_PER_TICK else None)
    report = Report()
    started = time.monotonic()
    store = await Store.open(db)
    try:
        for n in range(channels):
            await WeeklyStore(store).subscribe(
                platform="slack",
                channel=f"C{n:03d}",
                weekday=0,
                hour=n % HOURS,
                timezone="UTC",
                user_id="UADMIN",
                now=MONDAY - dt.timedelta(days=1),
            )
    finally:
        await store.close()

    fake = FakeSlack(history_error=None if look_up else "missing_scope")
    slack_url = await fake.start()
    child: Child | None = None
    armed: dict[str, str | None] = {"call": None}

    def answering(call: Call) -> None:  # Slack has taken the call; the child never hears back
        if child is not None and armed["call"] == call.method:
            armed["call"] = None
            child.kill()

    fake.answering = answering
    durations = [0.2]
    try:
        for week in range(weeks):
            for hour in range(min(HOURS, channels)):
                now = MONDAY + dt.timedelta(days=7 * week, hours=hour, minutes=1)
                report.ticks += 1
                deaths = 0
                while True:
                    if child is None:
                        child = await Child.start(db, slack_url)
                        report.starts += 1
                    plan = choose(rng, deaths)
                    armed["call"] = plan if plan in CALL_KILLS else None
                    timer = None
                    if plan == "timer":
                        delay = rng.uniform(0, 1.2 * statistics.median(durations))
                        timer = asyncio.get_running_loop().call_later(delay, child.kill)
                    began = time.monotonic()
                    answer = await child.tick(now)
                    if timer is not None:
                        timer.cancel()
                    armed["call"] = None
                    if answer is not None:
                        durations.append(time.monotonic() - began)
                    else:  # killed: the next child comes after the dead one's lease
                        report.kills[str(plan)] += 1
                        deaths += 1
                        await child.proc.wait()
                        child = None
                        now += dt.timedelta(seconds=LEASE_SECONDS + 1)
                        continue
                    if child.proc.returncode is not None:  # the timer struck just after
                        await child.stop()
                        child = None
                    break
    finally:
        if child is not None:
            await child.stop()
        await fake.stop()
    report.seconds = time.monotonic() - started
    await _count(db, fake, report, channels * weeks)
    return report


async def _count(db: str, fake: FakeSlack, report: Report, channel_weeks: int) -> None:
    keyed: dict[tuple[str, str], list[str]] = {}
    for call in fake.of("chat.postMessage"):
        metadata = call.args.get("metadata")
        metadata = json.loads(metadata) if isinstance(metadata, str) else metadata or {}
        key = str((metadata.get("event_payload") or {}).get("key"))
        keyed.setdefault((str(call.args["channel"]), key), []).append("")
    ts_of = {
        (channel, key): [m["ts"] for m in reversed(messages) if _key_of(m) == key]
        for channel, messages in fake.history.items()
        for key in {_key_of(m) for m in messages}
    }
    report.posts = sum(len(v) for v in keyed.values())
    report.doubles = {k: len(v) for k, v in keyed.items() if len(v) > 1}
    store = await Store.open(db)
    try:
        rows = await store.fetch(
            "SELECT s.id, s.channel, p.week, p.status, c.message_id FROM weekly_posts p"
            " JOIN subscriptions s ON s.id = p.subscription_id"
            " LEFT JOIN cards c ON c.id = p.card_id",
            (),
        )
    finally:
        await store.close()
    report.statuses = dict(Counter(str(row[3]) for row in rows))
    sent = [row for row in rows if row[3] == "sent"]
    report.lost = channel_weeks - len(sent)
    report.mismatched = sum(
        ts_of.get((str(channel), f"vw{sub_id}-{week}")) != [str(message_id)]
        for sub_id, channel, week, _, message_id in sent
    )


def _key_of(message: dict[str, object]) -> str | None:
    metadata = message.get("metadata")
    if not isinstance(metadata, dict):
        return None
    payload = metadata.get("event_payload")
    return str(payload.get("key")) if isinstance(payload, dict) else None


async def worker(db: str, slack_url: str) -> None:
    """The child: the Slack adapter's weekly scheduler on `db`, its clock set by each line read
    on stdin (an ISO time); after each run it says how many posts went out."""
    from slack_sdk.web.async_client import AsyncWebClient

    from adapters.slack.bot import SlackVerdicts
    from bot.catalogue import load_catalogue
    from bot.settings import bundled_catalogue_dir
    from bot.votes import EditCoalescer
    from tests.fake_slack import BOT_USER

    now = [MONDAY]
    store = await Store.open(db, clock=lambda: now[0])
    client = AsyncWebClient(token="xoxb-test", base_url=slack_url)
    services = SlackVerdicts(
        client,
        load_catalogue(bundled_catalogue_dir()),
        store,
        bot_user_id=BOT_USER,
        clock=lambda: now[0],
        edits=EditCoalescer(interval=0.0),
    )
    print(READY, flush=True)
    loop = asyncio.get_running_loop()
    try:
        while (line := await loop.run_in_executor(None, sys.stdin.readline)).strip():
            now[0] = dt.datetime.fromisoformat(line.strip())
            results = await services.weekly.scheduler.run_once()
            print(json.dumps({"sent": sum(r.outcome == "sent" for r in results)}), flush=True)
    finally:  # an open store keeps its thread, and so the process, alive
        await services.edits.drain()
        await store.close()


def main() -> None:
    if sys.argv[1:2] == ["worker"]:
        asyncio.run(worker(sys.argv[2], sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=20)
    parser.add_argument("--weeks", type=int, default=10)
    parser.add_argument("--seed", type=int, default=27)
    parser.add_argument("--db", help="a PostgreSQL URL of an empty database (default: SQLite)")
    parser.add_argument(
        "--no-look-up", action="store_true", help="the control: recoveries cannot look for cards"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or str(Path(tmp) / "weekly.db")
        report = asyncio.run(
            run(
                db,
                channels=args.channels,
                weeks=args.weeks,
                seed=args.seed,
                look_up=not args.no_look_up,
            )
        )
    print(report.table(args.channels * args.weeks))
    bad = report.doubles or report.lost or report.mismatched
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
