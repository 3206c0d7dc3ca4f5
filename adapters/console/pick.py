"""A "did you mean" as a numbered pick in a terminal (as `gh`, `npm init` and `pip` ask): the
choices numbered, a number read back. Only where a person is at the keyboard; a script (no TTY)
keeps the message and exit code 2 it relies on."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from bot.errors import Choice

TRIES = 3
"""Answers that are not a choice before the pick gives up (a cat on the keyboard ends)."""


def interactive(stdin: TextIO = sys.stdin, stderr: TextIO = sys.stderr) -> bool:
    """A person can answer: the question goes to stderr and the answer comes from stdin, so
    `verdict compare … | less` still asks, and `… < /dev/null` or a pipe never waits."""
    try:
        return stdin.isatty() and stderr.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


def choice_lines(choices: Sequence[Choice]) -> list[str]:
    """ "  1. Claude Opus 4.1 (for "claud")", one per choice."""
    return [f'  {i}. {c.label} (for "{c.typed}")' for i, c in enumerate(choices, start=1)]


def pick(
    choices: Sequence[Choice],
    *,
    read: Callable[[str], str] | None = None,
    out: TextIO = sys.stderr,
) -> Choice | None:
    """Ask for one of `choices` by number; None when the person declines (an empty answer,
    Ctrl-D, Ctrl-C, or three answers that are not a choice). `read` shows its prompt and returns
    the line typed (default: `input`, with the prompt on `out`)."""
    for line in choice_lines(choices):
        print(line, file=out)
    ask = read or _reader(out)
    for _ in range(TRIES):
        try:
            answer = ask(f"Pick 1-{len(choices)} (Enter to cancel): ").strip()
        except (EOFError, KeyboardInterrupt):
            print(file=out)
            return None
        if not answer:
            return None
        if answer.isdigit() and 1 <= int(answer) <= len(choices):
            return choices[int(answer) - 1]
        print(f"{answer[:20]!r} is not a number from 1 to {len(choices)}.", file=out)
    return None


def _reader(out: TextIO) -> Callable[[str], str]:
    def read(prompt: str) -> str:
        print(prompt, end="", file=out, flush=True)
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        return line

    return read
