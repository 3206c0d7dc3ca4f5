"""`verdict web` as a user starts it: a real process serving the pages on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_verdict_web_serves_the_pages_on_the_configured_port(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "VERDICT_DB": str(tmp_path / "web.db"),
        "VERDICT_WEB_PORT": str(port),
        "VERDICT_PUBLIC_URL": "https://verdict.example",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "web"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in first_line, first_line
        deadline = time.monotonic() + 10
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/c/smolvlm2-vs-mistral-medium-3", timeout=5
                ) as response:
                    assert response.url.endswith("/c/mistral-medium-3-vs-smolvlm2")
                    body = response.read().decode()
                break
            except ConnectionError:
                assert time.monotonic() < deadline, "verdict web did not answer"
                time.sleep(0.1)
        assert "Verdict: ship SmolVLM2." in body
        assert 'content="https://verdict.example/c/mistral-medium-3-vs-smolvlm2"' in body
    finally:
        process.terminate()
        process.wait(timeout=10)
