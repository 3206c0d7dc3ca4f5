"""What the Slack benchmarks share: a free loopback port and the environment that points a real
`verdict slack` process in HTTP mode at a loopback fake Slack."""

from __future__ import annotations

import os
import socket
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def slack_env(*, api: str, token: str, secret: str, port: int, db: str | Path) -> dict[str, str]:
    """This process's environment, without Socket Mode, for HTTP mode on `port`."""
    env = {
        **os.environ,
        "SLACK_API_URL": api,
        "SLACK_BOT_TOKEN": token,
        "SLACK_SIGNING_SECRET": secret,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "VERDICT_DB": str(db),
    }
    env.pop("SLACK_APP_TOKEN", None)
    return env
