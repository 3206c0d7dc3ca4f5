"""`verdict chat`'s prompt as a shell's: line editing and history (the stdlib's readline; arrow
keys move and recall instead of arriving as escape codes), the history kept across sessions
in the user's state directory, and Tab completing the commands and the tools' names."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from adapters.state import state_dir
from bot.commands.channel import ACTIONS

COMMANDS = (
    "/compare",
    "/tool",
    "/tools",
    "/leaderboard",
    "/verdicts",
    "/help",
    "/quit",
    ":reviews",
    ":pick",
    ":request",
    ":react",
    ":unreact",
    ":vote",
    ":close",
)
"""Every command the terminal chat knows (its HELP), for Tab."""
NAMING_COMMANDS = frozenset({"/compare", "/tool", ":request"})
"""Commands whose words are tools' names."""
VERDICTS_ACTIONS = (*sorted(ACTIONS), "settings", "close")
"""/verdicts' actions: the core's, and the two the terminal's poll desk adds."""
HISTORY_LINES = 1000
PROMPT = "> "


def history_file() -> Path:
    return state_dir() / "chat_history"


def completions(typed: str, slugs: Sequence[str]) -> list[str]:
    """What Tab may finish the last word of `typed` (the line up to the cursor) as: a command
    at the start of the line; after /compare, /tool or :request, a tool's slug (or "vs" after
    a tool of a comparison); after /verdicts, its actions."""
    words = typed.split(" ")
    current = words[-1].casefold()
    if len(words) == 1:
        return [c for c in COMMANDS if c.startswith(current)]
    command = words[0]
    if command == "/verdicts" and len(words) == 2:
        return [a for a in VERDICTS_ACTIONS if a.startswith(current)]
    if command not in NAMING_COMMANDS:
        return []
    found = [s for s in slugs if s.startswith(current)] if current else []
    earlier = [w for w in words[1:-1] if w]
    if command == "/compare" and earlier and earlier[-1] != "vs" and "vs".startswith(current):
        found.insert(0, "vs")
    return found


class LineReader:
    """Reads what the person types, one line at a time (blocking: run it in a thread). In a
    terminal it edits lines with readline and keeps the history in `history`; elsewhere (a pipe,
    a test's StringIO) it reads plain lines and prints the prompt itself."""

    def __init__(
        self,
        *,
        slugs: Callable[[], Sequence[str]],
        stdin: TextIO = sys.stdin,
        out: TextIO = sys.stdout,
        history: Path | None = None,
    ) -> None:
        self.stdin = stdin
        self.out = out
        self.history = history if history is not None else history_file()
        self._readline = _readline() if _is_the_terminal(stdin) else None
        if self._readline is not None:
            self._set_up(self._readline, slugs)

    def _set_up(self, readline: Any, slugs: Callable[[], Sequence[str]]) -> None:
        with contextlib.suppress(OSError):  # a first session has no history yet
            readline.read_history_file(self.history)
        readline.set_history_length(HISTORY_LINES)
        found: list[str] = []

        def complete(text: str, state: int) -> str | None:
            if state == 0:
                typed = readline.get_line_buffer()[: readline.get_endidx()]
                # Python's readline appends no space after a completed word; a shell does.
                found[:] = [f"{word} " for word in completions(typed, slugs())]
            return found[state] if state < len(found) else None

        readline.set_completer_delims(" ")
        readline.set_completer(complete)
        # libedit (macOS's Python) spells the binding differently from GNU readline.
        if "libedit" in (readline.__doc__ or ""):
            readline.parse_and_bind("bind ^I rl_complete")
        else:
            readline.parse_and_bind("tab: complete")

    def read(self) -> str | None:
        """The next line typed, without its newline; None at the end of input (Ctrl-D)."""
        if self._readline is not None:
            try:
                return input(PROMPT)
            except EOFError:
                print(file=self.out)
                return None
        print(PROMPT, end="", file=self.out, flush=True)
        line = self.stdin.readline()
        return line.rstrip("\n") if line else None

    def close(self) -> None:
        """Keep this session's lines for the next one (a history that cannot be written is
        not worth an error at goodbye)."""
        if self._readline is None:
            return
        with contextlib.suppress(OSError):
            self.history.parent.mkdir(parents=True, exist_ok=True)
            self._readline.write_history_file(self.history)


@contextlib.contextmanager
def line_reader(
    *, slugs: Callable[[], Sequence[str]], stdin: TextIO = sys.stdin, out: TextIO = sys.stdout
) -> Iterator[LineReader]:
    reader = LineReader(slugs=slugs, stdin=stdin, out=out)
    try:
        yield reader
    finally:
        reader.close()


def _is_the_terminal(stdin: TextIO) -> bool:
    """readline edits the process's own terminal: only when `stdin` is that terminal."""
    try:
        return stdin is sys.stdin and stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _readline() -> Any:
    """The readline module, or None where Python has none."""
    try:
        import readline
    except ImportError:  # Python built without it (some Windows builds): plain lines
        return None
    return readline
