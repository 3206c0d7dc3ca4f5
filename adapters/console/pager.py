"""Long output through the reader's pager, as `git log` and `man` do: $PAGER (else `less`) when
stdout is a terminal, straight to stdout when it is not (a pipe, a file, a test)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from typing import TextIO


def page(text: str, *, out: TextIO = sys.stdout) -> None:
    """Show `text` (a trailing newline is added). In a terminal, with more lines than it has
    rows, through $PAGER; `less` quits at once when the text fits (LESS=FRX unless set)."""
    rows = shutil.get_terminal_size(fallback=(80, 24)).lines
    if not _is_terminal(out) or text.count("\n") + 1 < rows:
        print(text, file=out)
        return
    command = shlex.split(os.environ.get("PAGER") or "less")
    if not command or shutil.which(command[0]) is None:
        print(text, file=out)
        return
    env = {**os.environ}
    env.setdefault("LESS", "FRX")  # quit if one screen, keep colours, leave the text on screen
    try:
        pager = subprocess.Popen(command, stdin=subprocess.PIPE, env=env, text=True)
    except OSError:
        print(text, file=out)
        return
    try:
        if pager.stdin is not None:  # always, with stdin=PIPE
            pager.stdin.write(text + "\n")
            pager.stdin.close()
    except BrokenPipeError:  # the reader quit the pager before the end: fine
        pass
    pager.wait()


def _is_terminal(out: TextIO) -> bool:
    try:
        return out.isatty()
    except (AttributeError, ValueError):
        return False
