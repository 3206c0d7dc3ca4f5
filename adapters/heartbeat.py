"""A running bot's sign of life for a container's health check: every few seconds the bot's own
event loop rewrites a small file (so a stuck loop goes stale, not just a dead process), and
`verdict health` reads it: fresh, and the bot's own health URL answering where it has one.

Socket Mode and Discord listen on no port, so a `/healthz` poll cannot tell whether they live;
the file can. Where the bot does serve HTTP (Slack's HTTP mode, the web pages), the file names
the URL to ask, so one `verdict health` fits every mode.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
import sys
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from adapters.exit_codes import EXIT_CHECK_FAILED, EXIT_OK
from adapters.state import state_dir

log = logging.getLogger(__name__)

EVERY_SECONDS = 10.0
"""How often a live bot rewrites its file."""
STALE_SECONDS = 60.0
"""A file older than this means the bot's loop has stopped turning (or it is disconnected)."""

Alive = Callable[[], bool | Awaitable[bool]]


def heartbeat_file(platform: str, directory: Path | None = None) -> Path:
    """One file per platform and host: in a container the host name is the container's, so a
    data volume shared with (or left by) another container never answers for this one."""
    return (directory or state_dir()) / f"heartbeat-{platform}@{socket.gethostname()}.json"


@dataclass(frozen=True)
class Beat:
    platform: str
    at: float
    """Unix time of the last beat."""
    probe: str | None
    """A URL of the bot's own that answers 200 while it is healthy, if it serves one."""


def write_beat(path: Path, beat: Beat) -> None:
    """Replace the file whole (a reader never sees half of it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(beat.__dict__), encoding="utf-8")
    partial.replace(path)


@asynccontextmanager
async def heartbeat(
    platform: str,
    *,
    probe: str | None = None,
    alive: Alive | None = None,
    directory: Path | None = None,
    every: float = EVERY_SECONDS,
) -> AsyncIterator[Path]:
    """Beat from the running loop while the block runs; the file is removed on a clean stop.
    `alive` (e.g. "the gateway is connected") skips beats while it says no, so the file goes
    stale when the bot has lost its platform. A file that cannot be written is logged once and
    never stops the bot."""
    path = heartbeat_file(platform, directory)

    async def beat_forever() -> None:
        warned = False
        while True:
            ok = True
            if alive is not None:
                answer = alive()
                ok = bool(await answer) if isinstance(answer, Awaitable) else bool(answer)
            if ok:
                try:
                    write_beat(path, Beat(platform, time.time(), probe))
                except OSError as error:
                    if not warned:
                        log.warning("cannot write the heartbeat %s: %s", path, error)
                        warned = True
            await asyncio.sleep(every)

    task = asyncio.create_task(beat_forever())
    try:
        yield path
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        with contextlib.suppress(OSError):
            path.unlink()


def read_beats(directory: Path | None = None, platform: str | None = None) -> list[Beat]:
    """The heartbeat files there are (one platform's, or all); unreadable ones are skipped."""
    folder = directory or state_dir()
    pattern = heartbeat_file(platform or "*", folder).name
    beats = []
    for path in sorted(folder.glob(pattern)):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            beats.append(Beat(str(data["platform"]), float(data["at"]), data.get("probe")))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return beats


def _probe(url: str, timeout: float) -> str | None:
    """None when `url` answers 2xx; else why not, in a few words."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return None if 200 <= response.status < 300 else f"{url} answered {response.status}"
    except urllib.error.HTTPError as error:
        return f"{url} answered {error.code}"
    except (OSError, ValueError) as error:
        return f"{url} did not answer ({type(error).__name__})"


def health(
    *,
    platform: str | None = None,
    directory: Path | None = None,
    now: float | None = None,
    stale: float = STALE_SECONDS,
    timeout: float = 4.0,
) -> list[str]:
    """What is wrong with the running bot(s), one line each; empty when healthy."""
    beats = read_beats(directory, platform)
    if not beats:
        where = heartbeat_file(platform or "*", directory)
        return [f"no heartbeat at {where}: is the bot running (verdict discord, slack, web)?"]
    moment = time.time() if now is None else now
    problems = []
    for beat in beats:
        age = moment - beat.at
        if age > stale:
            problems.append(f"{beat.platform}: last heartbeat {age:.0f} s ago (over {stale:.0f})")
        elif beat.probe is not None and (why := _probe(beat.probe, timeout)) is not None:
            problems.append(f"{beat.platform}: {why}")
    return problems


def report_health(platform: str | None = None) -> int:
    """`verdict health`: "healthy" and exit 0, or each problem on stderr and exit 1."""
    problems = health(platform=platform)
    for problem in problems:
        print(f"unhealthy: {problem}", file=sys.stderr)
    if not problems:
        print("healthy")
    return EXIT_CHECK_FAILED if problems else EXIT_OK
