"""What the command line prints is safe for a terminal and valid UTF-8, whatever was typed."""

from __future__ import annotations

from pathlib import Path


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
