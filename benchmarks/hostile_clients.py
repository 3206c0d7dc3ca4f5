"""Slow and half-open clients against a real `verdict slack`: are Slack's events still answered?

    python -m benchmarks.hostile_clients [--seconds 20] [--rate 20]

Runs the real `verdict slack` (HTTP mode, the web pages served from the same process since
VERDICT_PUBLIC_URL is set) on 127.0.0.1 with Slack's Web API faked on loopback, and the server's
descriptor limit at the usual 1,024. Two scenarios, each on a fresh process:

- `web port, 1,100 half-open`: 1,100 connections to the web pages' port that send part of a
  request head and then nothing, each reopened as soon as the server closes it;
- `Slack port, 700 slow`: the same with 700 connections to the Slack port itself.

Meanwhile legitimate signed reaction events arrive at `--rate` a second, each on a new
connection. Prints, per scenario, the share of events answered 200 within Slack's 3 s, the
slowest answer, and how fast the server's log grew. Targets: at least 99 % within 3 s, at most
100 log lines a minute. Loopback only; bounded in connections (at most 1,100) and time.

Only this client process raises its own descriptor limit (it holds the 1,100 connections); the
server keeps 1,024, since its own caps are what is being tested.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from slack_sdk.signature import SignatureVerifier

from benchmarks.slack_process import free_port, slack_env
from tests.fake_slack import FakeSlack

SECRET = "hostile-secret"
CHANNEL = "CHOSTILE"
SERVER_FD_LIMIT = 1024
DEADLINE_SECONDS = 3.0


@dataclass
class Outcome:
    name: str
    events: int = 0
    on_time: int = 0
    slowest: float = 0.0
    log_lines: int = 0
    seconds: float = 0.0
    attackers_open: int = 0
    peak_fds: int = 0
    """The server's open descriptors at most (sampled from /proc every 0.2 s)."""
    statuses: dict[int, int] = field(default_factory=dict)
    """How the events were answered (0: no answer, cut off or refused)."""
    latencies: list[float] = field(default_factory=list)

    @property
    def on_time_pct(self) -> float:
        return 100.0 * self.on_time / self.events if self.events else 0.0

    @property
    def log_per_minute(self) -> float:
        return self.log_lines * 60.0 / self.seconds if self.seconds else 0.0


def _signed(body: str, content_type: str = "application/json") -> dict[str, str]:
    ts = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
    }


def _reaction(n: int, ts: str) -> str:
    return json.dumps(
        {
            "type": "event_callback",
            "team_id": "T1",
            "event_id": f"EvH{n}",
            "event": {
                "type": "reaction_added",
                "user": f"U{n}",
                "reaction": ("one", "two")[n % 2],
                "item": {"type": "message", "channel": CHANNEL, "ts": ts},
                "event_ts": f"{1_700_000_000 + n}.000001",
            },
        }
    )


def _server_limits() -> None:
    """In the server's process, before it runs: the usual 1,024 descriptors, soft and hard, so
    it cannot raise them: its own caps are what is being tested."""
    resource.setrlimit(resource.RLIMIT_NOFILE, (SERVER_FD_LIMIT, SERVER_FD_LIMIT))


async def _start(env: dict[str, str], port: int, cwd: Path, log: Path) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "slack"],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
        preexec_fn=_server_limits,
    )
    deadline = time.monotonic() + 30
    async with aiohttp.ClientSession() as session:
        while True:
            with contextlib.suppress(aiohttp.ClientError):
                async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return process
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("verdict slack did not start")
            await asyncio.sleep(0.1)


async def _attacker(port: int, head: bytes, stop: asyncio.Event, open_now: list[int]) -> None:
    """One slow client: a partial request head, then nothing; reopened when closed."""
    while not stop.is_set():
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.2)
            continue
        open_now[0] += 1
        try:
            writer.write(head)
            reading = asyncio.ensure_future(reader.read())
            stopping = asyncio.ensure_future(stop.wait())
            await asyncio.wait({reading, stopping}, return_when=asyncio.FIRST_COMPLETED)
            for waiting in (reading, stopping):
                waiting.cancel()
        except OSError:
            pass
        finally:
            open_now[0] -= 1
            writer.close()
        await asyncio.sleep(0.05)


async def scenario(
    name: str, *, attack_web: bool, attackers: int, seconds: float, rate: float
) -> Outcome:
    outcome = Outcome(name)
    fake = FakeSlack()
    api = await fake.start()
    workdir = Path(tempfile.mkdtemp(prefix="verdict-hostile-"))
    port, web_port = free_port(), free_port()
    env = slack_env(api=api, token="xoxb-hostile", secret=SECRET, port=port, db=workdir / "v.db")
    env |= {
        "VERDICT_PUBLIC_URL": f"http://127.0.0.1:{web_port}",
        "VERDICT_WEB_HOST": "127.0.0.1",
        "VERDICT_WEB_PORT": str(web_port),
    }
    log = workdir / "server.log"
    process = await _start(env, port, workdir, log)
    url = f"http://127.0.0.1:{port}/slack/events"
    stop = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []
    try:
        body = (
            f"command=%2Fcompare&text=smolvlm2+vs+mistral-medium-3&channel_id={CHANNEL}"
            "&user_id=U0&team_id=T1&trigger_id=hostile&response_url=x"
        )
        form = "application/x-www-form-urlencoded"
        async with aiohttp.ClientSession() as session:
            async with session.post(url, data=body, headers=_signed(body, form)) as response:
                response.raise_for_status()
            while not fake.of("reactions.add"):
                await asyncio.sleep(0.05)
        ts = str(fake.of("reactions.add")[0].args["timestamp"])

        head = (
            b"GET / HTTP/1.1\r\nHost: x\r\n"
            if attack_web
            else b"POST /slack/events HTTP/1.1\r\nHost: x\r\n"
        )
        open_now = [0]
        target = web_port if attack_web else port
        for _ in range(attackers):
            tasks.append(asyncio.create_task(_attacker(target, head, stop, open_now)))
            await asyncio.sleep(0)

        async def sample_fds() -> None:
            fds = Path(f"/proc/{process.pid}/fd")
            while not stop.is_set():
                with contextlib.suppress(OSError):
                    outcome.peak_fds = max(outcome.peak_fds, len(list(fds.iterdir())))
                await asyncio.sleep(0.2)

        tasks.append(asyncio.create_task(sample_fds()))
        await asyncio.sleep(2.0)  # the crowd is in place
        lines_before = len(log.read_bytes().splitlines())
        started = time.monotonic()
        timeout = aiohttp.ClientTimeout(total=DEADLINE_SECONDS + 2)
        connector = aiohttp.TCPConnector(force_close=True, limit=0)
        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:

            async def event(n: int) -> None:
                payload = _reaction(n, ts)
                sent = time.monotonic()
                status = 0
                with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                    async with session.post(url, data=payload, headers=_signed(payload)) as r:
                        await r.read()
                        status = r.status
                took = time.monotonic() - sent
                outcome.statuses[status] = outcome.statuses.get(status, 0) + 1
                outcome.events += 1
                outcome.latencies.append(took)
                outcome.slowest = max(outcome.slowest, took)
                if status == 200 and took <= DEADLINE_SECONDS:
                    outcome.on_time += 1

            sending = []
            n = 0
            while time.monotonic() - started < seconds:
                n += 1
                sending.append(asyncio.create_task(event(n)))
                await asyncio.sleep(1.0 / rate)
            outcome.attackers_open = open_now[0]
            await asyncio.gather(*sending)
        outcome.seconds = time.monotonic() - started
        outcome.log_lines = len(log.read_bytes().splitlines()) - lines_before
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(30)
        if process.poll() is None:
            process.kill()
        await fake.stop()
    return outcome


async def run(seconds: float = 20.0, rate: float = 20.0) -> list[Outcome]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4096)), hard))  # ours only
    return [
        await scenario(
            "web port, 1,100 half-open", attack_web=True, attackers=1100, seconds=seconds, rate=rate
        ),
        await scenario(
            "Slack port, 700 slow", attack_web=False, attackers=700, seconds=seconds, rate=rate
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="events sent for this long")
    parser.add_argument("--rate", type=float, default=20.0, help="legitimate events a second")
    args = parser.parse_args()
    outcomes = asyncio.run(run(seconds=min(args.seconds, 120.0), rate=min(args.rate, 200.0)))
    header = (
        f"{'scenario':<28} {'events':>7} {'in 3 s':>8} {'slowest':>8} {'log/min':>8} "
        f"{'attackers open':>15} {'server fds':>11}  answers"
    )
    print(header)
    print("-" * len(header))
    for o in outcomes:
        print(
            f"{o.name:<28} {o.events:>7} {o.on_time_pct:>7.1f}% {o.slowest:>7.2f}s "
            f"{o.log_per_minute:>8.0f} {o.attackers_open:>15} {o.peak_fds:>11}  "
            + ", ".join(f"{k or 'none'}: {v}" for k, v in sorted(o.statuses.items()))
        )
    print("targets: >= 99 % of events within 3 s, <= 100 log lines a minute")
    good = all(o.on_time_pct >= 99.0 and o.log_per_minute <= 100 for o in outcomes)
    sys.exit(0 if good else 1)


if __name__ == "__main__":
    main()
