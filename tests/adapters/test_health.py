"""`verdict health`, the image's health check: a running bot's heartbeat file, written from its
event loop, and its own /healthz where it serves HTTP; driven against a real web server on
127.0.0.1 and the real `verdict` command."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from adapters.heartbeat import health, heartbeat, heartbeat_file, read_beats
from adapters.web import WebSite, start_web
from bot.catalogue import Catalogue
from bot.compare import Comparer
from bot.votes import Store


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_a_bot_with_no_port_is_healthy_while_its_loop_beats(tmp_path: Path) -> None:
    async with heartbeat("discord", directory=tmp_path, every=0.05):
        await asyncio.sleep(0.1)
        assert await asyncio.to_thread(health, directory=tmp_path) == []
        # Ten minutes on, with no new beat (a stuck loop), it is not.
        [problem] = health(directory=tmp_path, now=time.time() + 600)
        assert problem.startswith("discord: last heartbeat")
    # A clean stop takes the file away: nothing claims to be alive.
    [problem] = health(directory=tmp_path)
    assert "no heartbeat" in problem


async def test_a_disconnected_bot_stops_beating(tmp_path: Path) -> None:
    connected = True
    async with heartbeat("slack", directory=tmp_path, every=0.02, alive=lambda: connected) as path:
        await asyncio.sleep(0.05)
        written = path.stat().st_mtime_ns
        connected = False
        await asyncio.sleep(0.1)
        assert path.stat().st_mtime_ns == written


async def test_an_http_bot_is_unhealthy_when_its_database_is(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    store = await Store.open(tmp_path / "votes.db")
    port = _free_port()
    listener = await start_web(WebSite(Comparer(catalogue), store), "127.0.0.1", port)
    try:
        probe = f"http://127.0.0.1:{port}/healthz"
        async with heartbeat("web", directory=tmp_path, probe=probe):
            await asyncio.sleep(0.05)
            assert await asyncio.to_thread(health, directory=tmp_path) == []
            await store.close()  # the database gone: /healthz says 503
            [problem] = await asyncio.to_thread(health, directory=tmp_path)
            assert problem == f"web: {probe} answered 503"
    finally:
        await listener.cleanup()


def test_verdict_health_exits_1_with_one_line_when_no_bot_runs(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path)}
    command = [sys.executable, "-m", "bot", "health"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert done.stderr.startswith("unhealthy: no heartbeat at ")
    assert len(done.stderr.splitlines()) == 1


async def test_verdict_health_exits_0_while_a_bot_beats(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path)}
    async with heartbeat("discord", directory=tmp_path / "verdict"):
        await asyncio.sleep(0.05)
        assert read_beats(tmp_path / "verdict")
        assert heartbeat_file("discord", tmp_path / "verdict").exists()
        command = [sys.executable, "-m", "bot", "health", "discord"]
        done = await asyncio.to_thread(
            subprocess.run, command, env=env, capture_output=True, text=True, check=False
        )
    assert (done.returncode, done.stdout) == (0, "healthy\n")


def test_a_stopped_web_process_leaves_no_heartbeat_behind(tmp_path: Path) -> None:
    """`docker stop` sends SIGTERM: `verdict web` stops cleanly (exit 0) and removes its
    heartbeat, so a health check never reads a dead process's file as a live bot."""
    port = _free_port()
    env = {
        **os.environ,
        "XDG_STATE_HOME": str(tmp_path),
        "VERDICT_DB": str(tmp_path / "votes.db"),
        "VERDICT_CACHE_DIR": str(tmp_path / "cache"),
    }
    command = [sys.executable, "-m", "bot", "web", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    beat = heartbeat_file("web", tmp_path / "verdict")
    try:
        deadline = time.monotonic() + 60
        while not beat.exists():
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "no heartbeat within 60 s"
            time.sleep(0.1)
        process.terminate()
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()
        process.wait()
    assert not beat.exists()
