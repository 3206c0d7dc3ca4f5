"""The `verdict` command's exit codes (docs/using.md, "The command line"), below every command so
the parser and the commands share them without importing each other."""

from __future__ import annotations

EXIT_OK = 0
"""Answered, or a bot stopped by SIGTERM after draining."""
EXIT_CHECK_FAILED = 1
"""`verdict doctor` found something to fix."""
EXIT_UNANSWERABLE = 2
"""A question that cannot be answered (or bad usage)."""
EXIT_CATALOGUE = 3
"""Catalogue problems."""
EXIT_STORE = 4
"""The vote database cannot be opened, read or written (corrupt, full, missing, unreachable)."""
EXIT_SETTINGS = 5
"""A setting (a token, an id) is missing or refused, or the chat platform cannot be reached."""
