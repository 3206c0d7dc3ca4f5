"""Kill -9 loop: does every vote `verdict slack` acknowledged survive?

    python -m benchmarks.slack_durability [--kills 6] [--seconds 2] [--senders 32] [--db URL]

Runs the real `verdict slack` (HTTP mode) on 127.0.0.1 with Slack's Web API faked on loopback,
streams signed reaction events at it from `--senders` concurrent clients (each event a new voter),
kills it with SIGKILL `--kills` times at random moments and restarts it, then stops it with
SIGTERM. Prints what Slack was told (200s) beside what the database holds. Acknowledged and
stored must be equal: a vote committed but not acknowledged (killed in between) is allowed,
Slack would retry it and the retry counts once. Loopback only; bounded in kills and time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from slack_sdk.signature import SignatureVerifier

from benchmarks.slack_process import free_port, slack_env
from bot.votes import Store
from tests.fake_slack import BOT_USER, FakeSlack

SECRET = "durability-secret"
CHANNEL = "CDURABLE"


@dataclass
class Result:
    kills: int = 0
    sent: int = 0
    acknowledged: set[tuple[str, int]] = field(default_factory=set)
    refused: int = 0
    stored_acknowledged: int = 0
    stored_unacknowledged: int = 0
    sigterm_exit: int | None = None

    @property
    def lost(self) -> int:
        return len(self.acknowledged) - self.stored_acknowledged


def _signed(body: str) -> dict[str, str]:
    ts = str(int(time.time()))
    return {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body),
    }


def _reaction(user: str, choice: int, ts: str, n: int) -> str:
    return json.dumps(
        {
            "type": "event_callback",
            "team_id": "T1",
            "api_app_id": "A1",
            "event_id": f"EvD{n}",
            "event_time": int(time.time()),
            "event": {
                "type": "reaction_added",
                "user": user,
                "reaction": ("one", "two")[choice],
                "item": {"type": "message", "channel": CHANNEL, "ts": ts},
                "item_user": BOT_USER,
                "event_ts": f"{1_700_000_000 + n}.000001",
            },
        }
    )


async def _start(env: dict[str, str], port: int, cwd: Path) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "slack",
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return process
            except aiohttp.ClientError:
                pass
            if time.monotonic() > deadline or process.returncode is not None:
                raise RuntimeError("verdict slack did not start")
            await asyncio.sleep(0.1)


async def run(
    kills: int = 6,
    seconds: float = 2.0,
    senders: int = 32,
    seed: int = 11,
    db_url: str | None = None,
) -> Result:
    rng = random.Random(seed)
    result = Result()
    fake = FakeSlack()
    api = await fake.start()
    workdir = Path(tempfile.mkdtemp(prefix="verdict-durability-"))
    db: str | Path = db_url or workdir / "votes.db"
    port = free_port()
    env = slack_env(api=api, token="xoxb-durability", secret=SECRET, port=port, db=db)
    url = f"http://127.0.0.1:{port}/slack/events"
    counter = iter(range(10**9))
    ts = ""
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session:
            for round_ in range(kills + 1):
                process = await _start(env, port, workdir)
                if not ts:
                    body = (
                        f"command=%2Fcompare&text=smolvlm2+vs+mistral-medium-3&channel_id={CHANNEL}"
                        "&user_id=U0&team_id=T1&trigger_id=durable&response_url=x"
                    )
                    headers = _signed(body) | {"Content-Type": "application/x-www-form-urlencoded"}
                    async with session.post(url, data=body, headers=headers) as response:
                        response.raise_for_status()
                    card_deadline = time.monotonic() + 30
                    while not fake.of("reactions.add"):  # the card is posted and stored
                        if time.monotonic() > card_deadline:
                            raise RuntimeError("verdict slack posted no card to vote on")
                        await asyncio.sleep(0.05)
                    ts = str(fake.of("reactions.add")[0].args["timestamp"])
                stop = asyncio.Event()

                async def sender(stop: asyncio.Event = stop, ts: str = ts) -> None:
                    while not stop.is_set():
                        n = next(counter)
                        user, choice = f"U{n}", n % 2
                        body = _reaction(user, choice, ts, n)
                        result.sent += 1
                        try:
                            async with session.post(url, data=body, headers=_signed(body)) as r:
                                await r.read()
                                if r.status == 200:
                                    result.acknowledged.add((user, choice))
                                else:
                                    result.refused += 1
                        except (aiohttp.ClientError, TimeoutError):
                            result.refused += 1
                            await asyncio.sleep(0.02)

                tasks = [asyncio.create_task(sender()) for _ in range(senders)]
                await asyncio.sleep(rng.uniform(0.3, 1.0) * seconds)
                last = round_ == kills
                process.send_signal(signal.SIGTERM if last else signal.SIGKILL)
                if last:
                    result.sigterm_exit = await asyncio.wait_for(process.wait(), 60)
                else:
                    result.kills += 1
                    await process.wait()
                stop.set()
                await asyncio.gather(*tasks)
        store = await Store.open(db)
        try:
            rows = await store.vote_rows()
            stored = {(v.voter, v.tools.index(v.choice)) for v in rows}
            cards = {v.card_id for v in rows}
            hashed = {  # as the export shows a voter: keyed per card (see Store.voter_on)
                (store.exported_voter(card, store.voter_on("slack", u, card)), c)
                for u, c in result.acknowledged
                for card in cards
            }
        finally:
            await store.close()
        result.stored_acknowledged = len(hashed & stored)
        result.stored_unacknowledged = len(stored - hashed)
    finally:
        await fake.stop()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=6, help="SIGKILLs before the final SIGTERM")
    parser.add_argument("--seconds", type=float, default=2.0, help="longest run between kills")
    parser.add_argument("--senders", type=int, default=32, help="concurrent Slack clients")
    parser.add_argument("--db", help="an empty throwaway postgresql://… database, not SQLite")
    args = parser.parse_args()
    result = asyncio.run(
        run(
            kills=min(args.kills, 50),
            seconds=min(args.seconds, 30.0),
            senders=min(args.senders, 256),
            db_url=args.db,
        )
    )
    rows = [
        ("kill -9s, then one SIGTERM", str(result.kills)),
        ("reaction events sent", str(result.sent)),
        ("acknowledged (HTTP 200)", str(len(result.acknowledged))),
        ("not acknowledged (refused or cut off)", str(result.refused)),
        ("acknowledged and stored", str(result.stored_acknowledged)),
        ("acknowledged but lost", str(result.lost)),
        ("stored, never acknowledged (Slack retries)", str(result.stored_unacknowledged)),
        ("exit code after SIGTERM", str(result.sigterm_exit)),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value:>8}")
    sys.exit(0 if result.lost == 0 and result.sigterm_exit == 0 else 1)


if __name__ == "__main__":
    main()
