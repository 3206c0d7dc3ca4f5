"""The "Verify your set-up" walk-through (docs/running.md), replayed word for word against the
fakes of Slack and Discord: every `$` line is run (exports set the environment, `verdict …` runs
the real command) and every `>` line is typed in Slack, and what the docs say came back must come
back.

The README is what the admin typed and saw; this file is the world around them (which scopes the
app had, which servers the bot was in), changed between steps the way the README tells it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from adapters.cli import main
from tests.fake_discord import FakeDiscord
from tests.fake_slack import BOT_SCOPES, FakeSlack

ROOT = Path(__file__).resolve().parents[1]
SHOWN_AS = "/srv/verdict"
"""Where the README's admin works; the test works in tmp_path and shows it as this."""
CHANNELS = {"#random": "C0RANDOM"}


def walkthrough() -> list[list[str]]:
    """The text blocks of the walk-through (docs/running.md), in order."""
    readme = (ROOT / "docs" / "running.md").read_text()
    section = readme.split("### A walk-through, word for word", 1)[1].split("\n## ", 1)[0]
    return [block.splitlines() for block in re.findall(r"```text\n(.*?)```", section, re.S)]


def world_before_each_doctor(slack: FakeSlack, discord: FakeDiscord) -> list[Callable[[], None]]:
    """What is true of Slack and Discord before each `verdict doctor` of the walk-through."""

    def scopes_without_reactions_write() -> None:
        slack.scopes = BOT_SCOPES.replace("reactions:write,", "")

    def reinstalled_from_the_manifest() -> None:
        slack.scopes = BOT_SCOPES

    def bot_in_no_server() -> None:
        discord.guilds = []

    def invited_with_the_link() -> None:
        discord.guilds = [{"id": "3000", "name": "Team", "permissions": "116800"}]

    return [
        lambda: None,
        scopes_without_reactions_write,
        reinstalled_from_the_manifest,
        bot_in_no_server,
        invited_with_the_link,
    ]


def secret_for(placeholder: str) -> str:
    """`xoxb-…` in the README becomes a real-looking value (HTTP headers take no `…`)."""
    return placeholder.replace("…", "walkthrough-secret-value")


AGE = re.compile(r"\((?:\d+ days? ago|today)\)")
"""How old the data is, as the doctor says it: one more day each day, so not compared."""


def shown(text: str, workdir: Path) -> str:
    return AGE.sub("(age)", text.replace(str(workdir), SHOWN_AS))


async def doctor(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """`verdict doctor …` through the command line's own entry point, in this process (a new
    Python process per check would cost the suite seconds; `verdict slack` below is one)."""
    code = await asyncio.to_thread(main, args)
    assert code in (0, 1)
    return capsys.readouterr().out


async def wait_for(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("Slack saw nothing in time")
        await asyncio.sleep(0.05)


@pytest.fixture
def own_process_state(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """The environment, working directory, Discord API base and log handlers, as they were."""
    import discord.http

    for name in [k for k in os.environ if k.startswith(("VERDICT_", "SLACK_", "DISCORD_"))]:
        monkeypatch.delenv(name)
    monkeypatch.delenv("PORT", raising=False)
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield monkeypatch
    root.handlers[:] = handlers
    root.setLevel(level)


async def test_the_readme_walkthrough_happens_as_written(
    tmp_path: Path, own_process_state: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    workdir = tmp_path.resolve()
    own_process_state.chdir(workdir)
    slack, discord = FakeSlack(outside=set(CHANNELS.values())), FakeDiscord()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("VERDICT_", "SLACK_", "DISCORD_")) and k != "PORT"
    }
    env["SLACK_API_URL"] = await slack.start()
    env["DISCORD_API_URL"] = await discord.start()
    for name in ("SLACK_API_URL", "DISCORD_API_URL"):
        own_process_state.setenv(name, env[name])
    worlds = iter(world_before_each_doctor(slack, discord))
    running: asyncio.subprocess.Process | None = None
    channel = ""
    blocks = walkthrough()
    assert len(blocks) >= 5, "the README's walk-through lost its transcripts"
    try:
        for block in blocks:
            lines = iter(block)
            line = next(lines, None)
            while line is not None:
                if line.startswith("In #"):  # where the admin is typing now
                    channel = CHANNELS[line.split()[1].rstrip(":")]
                    line = next(lines, None)
                elif line.startswith("$ cd "):
                    assert line == f"$ cd {SHOWN_AS}"
                    line = next(lines, None)
                elif line.startswith("$ export "):
                    name, _, value = line.removeprefix("$ export ").partition("=")
                    env[name] = secret_for(value)
                    own_process_state.setenv(name, env[name])
                    line = next(lines, None)
                elif line.startswith("$ verdict doctor"):
                    next(worlds)()
                    said = await doctor(line.split()[2:], capsys)
                    expected = []
                    line = next(lines, None)
                    while line is not None and not line.startswith(("$", ">", "In #")):
                        expected.append(line)
                        line = next(lines, None)
                    assert shown(said, workdir).splitlines() == [
                        AGE.sub("(age)", x) for x in expected
                    ]
                elif line.startswith("$ verdict slack"):
                    running = await asyncio.create_subprocess_exec(
                        sys.executable, "-m", "bot", "slack", env=env, cwd=workdir,
                        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
                    )  # fmt: skip
                    expected_up = next(lines).split(" ", 2)[2]  # after the time stamp
                    assert running.stderr is not None
                    said_up = ""
                    while "is up" not in said_up:
                        raw = await asyncio.wait_for(running.stderr.readline(), 30)
                        assert raw, "verdict slack stopped before saying it is up"
                        said_up = raw.decode().rstrip("\n")
                    assert shown(said_up, workdir).split(" ", 2)[2] == expected_up
                    await slack.socket_connected()
                    line = next(lines, None)
                elif line == "> /invite @verdict":
                    slack.outside.discard(channel)
                    line = next(lines, None)
                elif line.startswith("> /compare "):
                    answered, posted = len(slack.responses), len(slack.of("chat.postMessage"))
                    await slack.push_command(
                        "/compare", line.removeprefix("> /compare "), channel=channel, user="U1"
                    )
                    outcome = next(lines)
                    if outcome.startswith("(only you) "):
                        await wait_for(lambda n=answered: len(slack.responses) > n)
                        assert slack.responses[-1]["text"] == outcome.removeprefix("(only you) ")
                    else:
                        card, _, votes = outcome.removeprefix("(in the channel) ").partition("  [")
                        await wait_for(lambda: len(slack.of("reactions.add")) >= 2)
                        post = slack.of("chat.postMessage")[posted:][0]
                        assert post.args["text"] == card
                        names = [f":{c.args['name']}:" for c in slack.of("reactions.add")]
                        assert votes == f"{' '.join(names)} to vote]"
                    line = next(lines, None)
                else:
                    pytest.fail(f"the walk-through has a line this test cannot follow: {line!r}")
    finally:
        if running is not None:
            running.terminate()
            await running.wait()
        await slack.stop()
        await discord.stop()
