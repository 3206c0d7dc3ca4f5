"""`docker stop` sends SIGTERM: `verdict discord` closes its client (card edits drained, the
store closed) and exits 0. Run in its own process against the fake Discord on 127.0.0.1, whose
gateway never answers, so the client is retrying it when the signal comes."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

from tests.fake_discord import FakeDiscord

BOT = """
import asyncio, sys
import discord
from adapters.discord.bot import VerdictClient, _run
from bot.catalogue import load_catalogue
from bot.settings import bundled_catalogue_dir

discord.http.Route.BASE = sys.argv[1]
client = VerdictClient(load_catalogue(bundled_catalogue_dir()), sys.argv[2], guild_id=None)
asyncio.run(_run(client, "not-a-real-token"))
print("closed" if client.is_closed() else "still open", flush=True)
"""


async def test_sigterm_closes_the_client_and_exits_0(tmp_path: Path) -> None:
    fake = FakeDiscord()
    base = await fake.start()
    try:
        bot = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            BOT,
            base,
            str(tmp_path / "discord.db"),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(600):  # logged in, commands declared, the gateway asked for
            if any(r.path == "/gateway/bot" for r in fake.requests) or bot.returncode is not None:
                break
            await asyncio.sleep(0.05)
        assert bot.returncode is None, await bot.communicate()
        bot.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(bot.communicate(), 30)
    finally:
        await fake.stop()
    assert (bot.returncode, out.decode()) == (0, "closed\n"), err.decode()[-2000:]
