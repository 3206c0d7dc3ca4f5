"""A voting rush against the real `verdict slack` process, over loopback HTTP, as Slack sends it.

    python -m benchmarks.slack [--events 30000] [--connections 320] [--db URL]

Starts `verdict slack` (HTTP mode) with Slack's Web API faked on 127.0.0.1, posts cards with
/compare, then rushes it from `--connections` concurrent keep-alive connections with signed
`reaction_added` / `reaction_removed` events carrying realistic ids (Ev…, U…, T…, event_ts):
votes added, moved and retracted by many voters over many cards, a third of them on the busiest
card. A 503/429 or a 500 is delivered again after its Retry-After with `X-Slack-Retry-Num`, as
Slack retries; an answer later than Slack's 3 s counts as a timeout and is retried too. Each
voter's events go in order, so the votes the 200s promise can be computed and compared with the
store afterwards. Prints targets (issue 13) beside the measured figures. The full documented run
is `--events 100000`; the default keeps to about three minutes on a 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import signal
import string
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from slack_sdk.signature import SignatureVerifier

from benchmarks.slack_process import free_port, slack_env
from bot.votes import Store
from tests.fake_slack import BOT_USER, FakeSlack

SECRET = "rush-signing-secret"
TEAM = "T07RUSHTEAM"
APP = "A07RUSHAPP1"
QUERIES = (
    "claude 3.5 haiku vs gpt-4o-mini",
    "smolvlm2 vs mistral-medium-3",
    "claude 3.5 haiku vs gpt-4o",
    "gpt-4o vs gpt-4o-mini vs claude 3.5 haiku",
)
NAMES = ("one", "two", "three", "four")
SLACK_TIMEOUT = 3.0
MAX_DELIVERIES = 30
"""Slack gives up after 3 retries; the benchmark keeps going, so every event is settled, and
reports how many needed more than Slack would have made."""
TARGET_EVENTS_PER_SECOND = 2_000
TARGET_RSS_MB = 200


@dataclass
class Card:
    channel: str
    ts: str
    tools: int


@dataclass
class Result:
    events: int = 0
    acknowledged: int = 0
    deliveries: int = 0
    status: Counter[int] = field(default_factory=Counter)
    timeouts: int = 0
    beyond_slack_retries: int = 0
    unsettled: int = 0
    latencies: list[float] = field(default_factory=list)
    per_second: Counter[int] = field(default_factory=Counter)
    seconds: float = 0.0
    rss_start_mb: float = 0.0
    rss_peak_mb: float = 0.0
    rss_final_mb: float = 0.0
    server_cpu: float = 0.0
    """CPU seconds the server used per second of the rush (1.0 is one core, busy)."""
    loop_cpu: float = 0.0
    """The same for its main thread alone (the event loop: HTTP, Slack, the core's Python);
    the rest is the database threads."""
    peak_in_flight: int | None = None
    server_busy: int | None = None
    expected_votes: int = 0
    stored_votes: int = 0
    mismatched: int = 0
    sigterm_exit: int | None = None


class Ballots:
    """What the store should hold once the acknowledged events are applied in order: the
    same rule as the schema (the latest added reaction counts, unless it was removed)."""

    def __init__(self) -> None:
        self.reactions: dict[tuple[str, str, str], dict[int, list[float | None]]] = {}

    def apply(self, card: Card, user: str, choice: int, added: bool, event_time: float) -> None:
        marks = self.reactions.setdefault((card.channel, card.ts, user), {})
        added_at, removed_at = marks.get(choice, [None, None])
        if added:
            added_at = event_time if added_at is None else max(added_at, event_time)
        else:
            removed_at = event_time if removed_at is None else max(removed_at, event_time)
        marks[choice] = [added_at, removed_at]

    def votes(self) -> dict[tuple[str, str, str], int]:
        current = {}
        for key, marks in self.reactions.items():
            on = [(a, c) for c, (a, _) in marks.items() if a is not None]
            if not on:
                continue
            added_at, choice = max(on)
            removed_at = marks[choice][1]
            if removed_at is None or removed_at < added_at:
                current[key] = choice
        return current


def _ids(rng: random.Random, prefix: str, length: int) -> str:
    alphabet = string.ascii_uppercase + string.digits
    return prefix + "".join(rng.choices(alphabet, k=length))


def _cpu_seconds(pid: int, thread: int | None = None) -> float:
    """CPU seconds of a process (or one of its threads) so far."""
    where = f"/proc/{pid}/task/{thread}/stat" if thread is not None else f"/proc/{pid}/stat"
    with contextlib.suppress(OSError):
        fields = Path(where).read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return 0.0


def _rss_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process, in MB."""
    fields = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in {"VmRSS", "VmHWM"}:
                fields[name] = int(value.split()[0]) / 1024
    return fields.get("VmRSS", 0.0), fields.get("VmHWM", 0.0)


class Connection:
    """One keep-alive HTTP/1.1 connection speaking just enough to post to the bot, cheaply."""

    def __init__(self, port: int) -> None:
        self.port = port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def post(self, body: bytes, headers: str) -> tuple[int, float | None]:
        """Status and Retry-After of one answer; raises OSError/TimeoutError on failure."""
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self._reader is not None
        self._writer.write(
            (
                f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "User-Agent: Slackbot 1.0 (+https://api.slack.com/robots)\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n{headers}\r\n"
            ).encode()
            + body
        )
        head = await self._reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length, retry_after, close = 0, None, False
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "retry-after":
                retry_after = float(value)
            elif name == "connection" and value.strip().lower() == "close":
                close = True
        if length:
            await self._reader.readexactly(length)
        if close:
            self.close()
        return status, retry_after

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None


async def _start(
    env: dict[str, str], port: int, cwd: Path, log: Path, profile: Path | None = None
) -> asyncio.subprocess.Process:
    profiler = ("-m", "cProfile", "-o", str(profile)) if profile is not None else ()
    with log.open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            *profiler,
            "-m",
            "bot",
            "slack",
            env=env,
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    deadline = time.monotonic() + 60
    async with aiohttp.ClientSession() as session:
        while True:
            with contextlib.suppress(aiohttp.ClientError):
                async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return process
            if time.monotonic() > deadline or process.returncode is not None:
                raise RuntimeError(f"verdict slack did not start; see {log}")
            await asyncio.sleep(0.1)


def _signed(body: bytes, verifier: SignatureVerifier, extra: str = "") -> str:
    ts = str(int(time.time()))
    signature = verifier.generate_signature(timestamp=ts, body=body.decode())
    return f"X-Slack-Request-Timestamp: {ts}\r\nX-Slack-Signature: {signature}\r\n{extra}"


async def _post_cards(fake: FakeSlack, port: int, cards: int, rng: random.Random) -> list[Card]:
    verifier = SignatureVerifier(SECRET)
    url = f"http://127.0.0.1:{port}/slack/events"
    channels = [_ids(rng, "C07", 8) for _ in range(cards)]
    async with aiohttp.ClientSession() as session:
        for n, channel in enumerate(channels):
            body = urllib.parse.urlencode(
                {
                    "token": "x",
                    "team_id": TEAM,
                    "api_app_id": APP,
                    "channel_id": channel,
                    "user_id": _ids(rng, "U07", 8),
                    "command": "/compare",
                    "text": QUERIES[n % len(QUERIES)],
                    "response_url": fake.response_url(),
                    "trigger_id": f"{rng.randrange(10**12)}.{rng.randrange(10**12)}.{n:08x}",
                }
            ).encode()
            ts = str(int(time.time()))
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Slack-Request-Timestamp": ts,
                "X-Slack-Signature": verifier.generate_signature(timestamp=ts, body=body.decode()),
            }
            async with session.post(url, data=body, headers=headers) as response:
                response.raise_for_status()
    expected = sum(len(QUERIES[n % len(QUERIES)].split(" vs ")) for n in range(cards))
    deadline = time.monotonic() + 60
    while len(fake.of("reactions.add")) < expected:
        if time.monotonic() > deadline:
            raise RuntimeError("verdict slack did not post every card")
        await asyncio.sleep(0.05)
    by_channel: dict[str, list[str]] = {}
    for call in fake.of("reactions.add"):
        by_channel.setdefault(str(call.args["channel"]), []).append(str(call.args["timestamp"]))
    return [Card(channel, stamps[0], len(stamps)) for channel, stamps in by_channel.items()]


async def _rush(
    port: int,
    cards: list[Card],
    *,
    events: int,
    connections: int,
    voters: int,
    busiest_share: float,
    rng: random.Random,
    result: Result,
    ballots: Ballots,
) -> None:
    verifier = SignatureVerifier(SECRET)
    users = [_ids(rng, "U07", 8) for _ in range(voters)]
    busiest = cards[0]
    budget = iter(range(events))
    last = [0]
    started = time.perf_counter()

    def event_ts() -> str:
        """Slack's event_ts: seconds with microseconds, never repeated here."""
        last[0] = max(time.time_ns() // 1_000, last[0] + 1)
        return f"{last[0] // 1_000_000}.{last[0] % 1_000_000:06d}"

    async def client(index: int) -> None:
        mine = users[index::connections]
        local = random.Random(rng.randrange(2**32))
        connection = Connection(port)
        try:
            for _ in budget:
                user = local.choice(mine)
                card = busiest if local.random() < busiest_share else local.choice(cards)
                choice = local.randrange(card.tools)
                added = local.random() < 0.7
                stamp = event_ts()
                body = json.dumps(
                    {
                        "token": "x",
                        "team_id": TEAM,
                        "context_team_id": TEAM,
                        "api_app_id": APP,
                        "type": "event_callback",
                        "event_id": _ids(local, "Ev07", 8),
                        "event_time": int(float(stamp)),
                        "event_context": _ids(local, "4-", 40),
                        "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
                        "is_ext_shared_channel": False,
                        "event": {
                            "type": "reaction_added" if added else "reaction_removed",
                            "user": user,
                            "reaction": NAMES[choice],
                            "item": {"type": "message", "channel": card.channel, "ts": card.ts},
                            "item_user": BOT_USER,
                            "event_ts": stamp,
                        },
                    }
                ).encode()
                result.events += 1
                if await _deliver(connection, body, verifier, result, started):
                    ballots.apply(card, user, choice, added, float(stamp))
                else:
                    result.unsettled += 1
        finally:
            connection.close()

    await asyncio.gather(*(client(i) for i in range(connections)))
    result.seconds = time.perf_counter() - started


async def _deliver(
    connection: Connection,
    body: bytes,
    verifier: SignatureVerifier,
    result: Result,
    started: float,
) -> bool:
    """Deliver one event until it is answered 200, as Slack retries; False if never."""
    reason = ""
    for attempt in range(MAX_DELIVERIES):
        extra = (
            f"X-Slack-Retry-Num: {attempt}\r\nX-Slack-Retry-Reason: {reason}\r\n" if attempt else ""
        )
        if attempt == 4:
            result.beyond_slack_retries += 1
        sent = time.perf_counter()
        result.deliveries += 1
        try:
            status, retry_after = await asyncio.wait_for(
                connection.post(body, _signed(body, verifier, extra)), SLACK_TIMEOUT
            )
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError):
            result.timeouts += 1
            connection.close()
            reason = "http_timeout"
            await asyncio.sleep(0.5)
            continue
        now = time.perf_counter()
        result.status[status] += 1
        if status == 200:
            result.acknowledged += 1
            result.latencies.append(now - sent)
            result.per_second[int(now - started)] += 1
            return True
        reason = "http_error"
        await asyncio.sleep(retry_after if retry_after is not None else 1.0)
    return False


async def _watch_rss(pid: int, result: Result, stop: asyncio.Event) -> None:
    while not stop.is_set():
        rss, hwm = _rss_mb(pid)
        result.rss_peak_mb = max(result.rss_peak_mb, hwm, rss)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.5)


async def _compare_store(
    db: str | Path, cards: list[Card], ballots: Ballots, result: Result
) -> None:
    store = await Store.open(db)
    try:
        ids: dict[int, Card] = {}
        for card in cards:
            record = await store.find_card("slack", card.channel, card.ts)
            if record is None:
                raise RuntimeError(f"card {card.channel}/{card.ts} was not stored")
            ids[record.id] = card
        stored = set()
        for vote in await store.vote_rows():
            if vote.card_id in ids:
                card = ids[vote.card_id]
                stored.add((card.channel, card.ts, vote.voter, vote.tools.index(vote.choice)))
        card_ids = {(card.channel, card.ts): card_id for card_id, card in ids.items()}
        expected = set()
        for (channel, ts, user), choice in ballots.votes().items():
            card_id = card_ids[(channel, ts)]  # the export keys each voter per card
            voter = store.exported_voter(card_id, store.voter_on("slack", user, card_id))
            expected.add((channel, ts, voter, choice))
    finally:
        await store.close()
    result.expected_votes = len(expected)
    result.stored_votes = len(stored)
    result.mismatched = len(expected ^ stored)


async def run(
    *,
    events: int = 30_000,
    connections: int = 320,
    voters: int = 20_000,
    cards: int = 40,
    busiest_share: float = 0.3,
    seed: int = 13,
    db_url: str | None = None,
    extra_env: dict[str, str] | None = None,
    profile: Path | None = None,
) -> Result:
    rng = random.Random(seed)
    result = Result()
    ballots = Ballots()
    fake = FakeSlack()
    api = await fake.start()
    workdir = Path(tempfile.mkdtemp(prefix="verdict-rush-"))
    db: str | Path = db_url or workdir / "votes.db"
    port = free_port()
    env = slack_env(api=api, token="xoxb-rush", secret=SECRET, port=port, db=db)
    env.update(extra_env or {})
    log = workdir / "verdict-slack.log"
    try:
        process = await _start(env, port, workdir, log, profile)
        stop = asyncio.Event()
        watcher = asyncio.create_task(_watch_rss(process.pid, result, stop))
        try:
            posted = await _post_cards(fake, port, cards, rng)
            result.rss_start_mb = _rss_mb(process.pid)[0]
            cpu = _cpu_seconds(process.pid)
            loop_cpu = _cpu_seconds(process.pid, process.pid)
            await _rush(
                port,
                posted,
                events=events,
                connections=connections,
                voters=voters,
                busiest_share=busiest_share,
                rng=rng,
                result=result,
                ballots=ballots,
            )
            result.rss_final_mb, hwm = _rss_mb(process.pid)
            result.server_cpu = (_cpu_seconds(process.pid) - cpu) / result.seconds
            result.loop_cpu = (_cpu_seconds(process.pid, process.pid) - loop_cpu) / result.seconds
            result.rss_peak_mb = max(result.rss_peak_mb, hwm)
        finally:
            stop.set()
            await watcher
            process.send_signal(signal.SIGTERM)
            result.sigterm_exit = await asyncio.wait_for(process.wait(), 60)
        text = log.read_text(errors="replace")
        busy = r"(\d+) turned away as busy \(503\), at most (\d+) in flight; (\d+) connections"
        if found := re.search(busy, text):
            result.server_busy = int(found[1]) + int(found[3])
            result.peak_in_flight = int(found[2])
        await _compare_store(db, posted, ballots, result)
    finally:
        await fake.stop()
    return result


def _percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def table(result: Result, *, in_flight_cap: int | None) -> list[tuple[str, str, str]]:
    rate = result.acknowledged / result.seconds if result.seconds else 0.0
    full = [n for second, n in result.per_second.items() if second < int(result.seconds)]
    refused = result.status[503] + result.status[429]
    other = sum(n for status, n in result.status.items() if status not in {200, 429, 503})
    return [
        ("events (each answered 200 once)", "all", f"{result.acknowledged:,} of {result.events:,}"),
        (
            "sustained events/s (200s / rush seconds)",
            f">= {TARGET_EVENTS_PER_SECOND:,}",
            f"{rate:,.0f} over {result.seconds:.1f} s",
        ),
        ("slowest full second (200s)", "", f"{min(full):,}" if full else "-"),
        (
            "ack latency p50 / p99 (200s)",
            "< 3 s",
            f"{_percentile(result.latencies, 0.5) * 1e3:.0f} / "
            f"{_percentile(result.latencies, 0.99) * 1e3:.0f} ms",
        ),
        (
            "RSS at start / peak / final",
            f"<= {TARGET_RSS_MB} MB",
            f"{result.rss_start_mb:.0f} / {result.rss_peak_mb:.0f} / {result.rss_final_mb:.0f} MB",
        ),
        (
            "max requests in flight (server)",
            f"<= {in_flight_cap or 'cap'}",
            str(result.peak_in_flight) if result.peak_in_flight is not None else "?",
        ),
        (
            "503/429 answers (client / server count)",
            "fast, retried",
            f"{refused:,} / {result.server_busy if result.server_busy is not None else '?'}",
        ),
        (
            "other non-200 / timeouts",
            "0",
            f"{other:,} / {result.timeouts:,}",
        ),
        ("deliveries (incl. retries)", "", f"{result.deliveries:,}"),
        (
            "events needing > 3 retries / never settled",
            "0 / 0",
            f"{result.beyond_slack_retries:,} / {result.unsettled:,}",
        ),
        (
            "stored votes == votes acknowledged events make",
            "equal",
            f"{result.stored_votes:,} vs {result.expected_votes:,} ({result.mismatched} differ)",
        ),
        (
            "server CPU in the rush: all / event loop",
            "",
            f"{result.server_cpu:.2f} / {result.loop_cpu:.2f} cores",
        ),
        ("exit code after SIGTERM", "0", str(result.sigterm_exit)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=30_000, help="reaction events to deliver")
    parser.add_argument("--connections", type=int, default=320, help="concurrent Slack clients")
    parser.add_argument("--voters", type=int, default=20_000)
    parser.add_argument("--cards", type=int, default=40)
    parser.add_argument("--db", help="an empty throwaway postgresql://… database, not SQLite")
    parser.add_argument("--profile", type=Path, help="run the server under cProfile, to FILE")
    args = parser.parse_args()
    result = asyncio.run(
        run(
            events=min(args.events, 1_000_000),
            connections=min(args.connections, 2_000),
            voters=max(1, args.voters),
            cards=max(1, min(args.cards, 500)),
            db_url=args.db,
            profile=args.profile.resolve() if args.profile else None,
        )
    )
    from adapters.slack.http import HttpLimits

    cap = int(os.environ.get("VERDICT_SLACK_MAX_IN_FLIGHT") or HttpLimits().max_in_flight)
    rows = table(result, in_flight_cap=cap)
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    print(f"{'':<{widths[0]}}  {'target':<{widths[1]}}  measured")
    for name, target, measured in rows:
        print(f"{name:<{widths[0]}}  {target:<{widths[1]}}  {measured}")
    ok = result.mismatched == 0 and result.unsettled == 0 and result.sigterm_exit == 0
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
