"""What an operator sees when the bot starts: one line saying what runs where, logs as text or
JSON, no library warning, no secret."""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest

from adapters.discord.bot import VerdictClient
from adapters.logs import describe_database, startup_line
from bot.catalogue import Catalogue
from tests.fake_slack import FakeSlack

BOT_TOKEN = "xoxb-secret-start-up-token"
SIGNING_SECRET = "secret-signing-start-up"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def read_until(stream: asyncio.StreamReader, marker: str, timeout: float = 30) -> list[str]:
    """Lines from a running process up to and including the first that holds `marker`."""
    lines: list[str] = []
    deadline = asyncio.get_running_loop().time() + timeout
    while not any(marker in x for x in lines):
        left = deadline - asyncio.get_running_loop().time()
        raw = await asyncio.wait_for(stream.readline(), max(left, 0.01))
        if not raw:
            raise AssertionError(f"the process ended before saying {marker!r}: {lines}")
        lines.append(raw.decode())
    return lines


@pytest.fixture
async def slack_api() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    await fake.start()
    yield fake
    await fake.stop()


async def start_slack(
    slack_api: FakeSlack, tmp_path: Path, **extra: str
) -> tuple[asyncio.subprocess.Process, list[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VERDICT_", "SLACK_"))}
    env |= {
        "SLACK_API_URL": slack_api.base_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "PORT": str(free_port()),
        "VERDICT_DB": str(tmp_path / "verdict.db"),
        **extra,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "slack",
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert process.stderr is not None
    try:
        lines = await read_until(process.stderr, "verdict slack is up")
    except BaseException:
        process.kill()
        await process.wait()
        raise
    return process, lines


async def stop(process: asyncio.subprocess.Process) -> str:
    process.terminate()
    _, rest = await process.communicate()
    return rest.decode()


async def test_slack_says_once_what_runs_where_without_the_library_warning(
    slack_api: FakeSlack, tmp_path: Path
) -> None:
    process, lines = await start_slack(slack_api, tmp_path)
    rest = await stop(process)
    said = "".join(lines) + rest
    [up] = [x for x in lines if "is up" in x]
    # the catalogue count is the reviewed files plus every dataset model (issue 10)
    assert re.search(
        rf"verdict slack is up: HTTP on 127\.0\.0\.1:{process_port(lines, up)} at /slack/events; "
        rf"database SQLite {re.escape(str(tmp_path / 'verdict.db'))}; catalogue \d{{3,}} tools$",
        up.rstrip(),
    )
    assert "will be unused" not in said
    assert BOT_TOKEN not in said and SIGNING_SECRET not in said


def process_port(lines: list[str], up: str) -> str:
    return up.split("127.0.0.1:", 1)[1].split(" ", 1)[0]


async def test_json_logs_are_one_object_per_line(slack_api: FakeSlack, tmp_path: Path) -> None:
    process, lines = await start_slack(slack_api, tmp_path, VERDICT_LOG_FORMAT="json")
    rest = await stop(process)
    records = [json.loads(x) for x in lines + rest.splitlines() if x.strip()]
    [up] = [r for r in records if r["message"].startswith("verdict slack is up: HTTP on")]
    assert up["level"] == "info" and up["logger"] == "verdict"
    assert up["time"].endswith("+00:00")
    assert BOT_TOKEN not in json.dumps(records)


def test_a_postgresql_database_is_described_without_its_password() -> None:
    assert describe_database("postgresql://verdict:hunter2@db:5432/verdict") == (
        "PostgreSQL postgresql://verdict:***@db:5432/verdict"
    )
    assert describe_database("sqlite:////srv/verdict/verdict.db") == (  # as SQLAlchemy reads it
        "SQLite /srv/verdict/verdict.db"
    )
    line = startup_line(platform="slack", mode="Socket Mode", database="/d/v.db", tools=3)
    assert line == "verdict slack is up: Socket Mode; database SQLite /d/v.db; catalogue 3 tools"


def test_discord_says_which_bot_in_how_many_servers(catalogue: Catalogue, tmp_path: Path) -> None:
    client = VerdictClient(catalogue, str(tmp_path / "d.db"), shard_count=4, shard_ids=[2, 3])
    me = {"id": "1000", "username": "verdict", "discriminator": "0", "avatar": None, "bot": True}
    client._connection.user = discord.ClientUser(state=client._connection, data=me)  # type: ignore[arg-type]
    assert client.startup_line() == (
        "verdict discord is up: gateway as verdict in 0 servers, shards [2, 3]; "
        f"database SQLite {tmp_path / 'd.db'}; catalogue {len(catalogue.tools)} tools"
    )


def test_discord_starts_without_warnings_about_voice_it_never_uses(
    catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(discord.VoiceClient, "warn_nacl", True)
    VerdictClient(catalogue, "unused.db")
    assert "voice will NOT be supported" not in caplog.text
