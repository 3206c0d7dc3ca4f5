"""What the command line prints is safe for a terminal and valid UTF-8, whatever was typed."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_verdict_tool_never_echoes_terminal_escapes_or_invalid_utf8(tmp_path: Path) -> None:
    import subprocess
    import sys

    def run(*args: str | bytes) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args], capture_output=True, cwd=tmp_path, check=False
        )

    shown = run("tool", "\x1b[31mhai\x1b]0;pwned\x07ku")
    assert shown.returncode == 2
    assert b"\x1b" not in shown.stdout + shown.stderr and b"\x07" not in shown.stderr
    assert b"\\x1b" in shown.stderr
    as_json = run("tool", b"\xff\xfe", "--json")
    assert as_json.returncode == 2
    as_json.stdout.decode("utf-8")  # valid UTF-8, whatever the arguments were
    as_json.stderr.decode("utf-8")


def test_verdict_discord_without_a_network_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    import discord

    from adapters.cli import main

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing answers there
    monkeypatch.setattr(discord.http.Route, "BASE", f"http://127.0.0.1:{port}/api/v10")
    monkeypatch.setenv("DISCORD_TOKEN", "secret-token-value")
    monkeypatch.setenv("VERDICT_DB", str(tmp_path / "d.db"))
    assert main(["discord"]) == 5
    err = capsys.readouterr().err
    assert err.startswith("verdict: cannot reach Discord") and err.count("\n") == 1
    assert "secret-token-value" not in err
