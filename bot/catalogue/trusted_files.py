"""Opening a cache file only when it can be trusted: a regular file (never a FIFO, a device or
a link to one: opening never blocks and reading never runs without bound), owned by this user
and writable by nobody else, and no bigger than its limit. Anything else is treated as absent,
so nothing read from a file another user could have written reaches a file this bot trusts
(the known-models JSON is merged into the pickled catalogue)."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO


def trusted(info: os.stat_result) -> bool:
    """A regular file of this user's that no one else may write."""
    if not stat.S_ISREG(info.st_mode) or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return False
    return not hasattr(os, "getuid") or info.st_uid == os.getuid()


def open_trusted(path: Path, max_bytes: int) -> BinaryIO | None:
    """`path` open for reading, or None when it is missing or cannot be trusted (see module).
    O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError:
        return None
    try:
        info = os.fstat(descriptor)
    except OSError:
        os.close(descriptor)
        return None
    if not trusted(info) or info.st_size > max_bytes:
        os.close(descriptor)
        return None
    return os.fdopen(descriptor, "rb")


def read_trusted(path: Path, max_bytes: int) -> bytes | None:
    """The whole of a trusted file of at most `max_bytes`, or None (see `open_trusted`)."""
    handle = open_trusted(path, max_bytes)
    if handle is None:
        return None
    try:
        with handle:
            data = handle.read(max_bytes + 1)  # a file that grew since fstat is still bounded
    except OSError:
        return None
    return data if len(data) <= max_bytes else None
