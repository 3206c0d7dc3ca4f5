"""Where the `verdict` command keeps what is the user's own and not data (the terminal chat's
history, a running bot's heartbeat): the XDG state directory."""

from __future__ import annotations

import os
from pathlib import Path


def state_dir() -> Path:
    """`$XDG_STATE_HOME/verdict`, else `~/.local/state/verdict` (in the image, under the data
    volume, which is the user's home there)."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "verdict"
