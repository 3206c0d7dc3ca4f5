"""`verdict` in a real terminal, as a person meets it: a "did you mean" as a numbered pick
through a pseudo-terminal (`os.openpty`), and the card fitted to the terminal's width
($COLUMNS). Scripts (no TTY) keep the message and exit code 2."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.adapters.test_cli import verdict

TYPO = "opsu 4.5 vs gpt-5.1"
"""Three tools may be meant by "opsu 4.5": Grok 4.5, Claude Opus 4.5, Composer 2.5."""


class Terminal:
    """A `verdict` process whose stdin, stdout and stderr are one pseudo-terminal."""

    def __init__(
        self, *args: str, cwd: Path, columns: int = 80, env: dict[str, str] | None = None
    ) -> None:
        self.main, sub = os.openpty()
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("VERDICT_")}
        full_env.update(COLUMNS=str(columns), LINES="24", **(env or {}))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", *args],
            stdin=sub,
            stdout=sub,
            stderr=sub,
            cwd=cwd,
            env=full_env,
            close_fds=True,
        )
        os.close(sub)
        self.seen = b""
        self.mark = 0

    def read_until(self, wanted: bytes, timeout: float = 30.0) -> str:
        """Everything shown so far, once `wanted` has been shown after the last thing waited
        for (each wait starts where the previous one ended)."""
        deadline = time.monotonic() + timeout
        while wanted not in self.seen[self.mark :]:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"never saw {wanted!r}; saw {self.seen.decode()!r}")
            ready, _, _ = select.select([self.main], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.main, 4096)
                except OSError:  # the process ended and the terminal closed
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"ended before {wanted!r}: {self.seen.decode()!r}")
                self.seen += chunk
        self.mark = self.seen.index(wanted, self.mark) + len(wanted)
        return self.seen.decode()

    def type(self, line: str) -> None:
        os.write(self.main, line.encode() + b"\n")

    def send(self, keys: str) -> None:
        """Keys as typed, without an Enter of their own (Tab, an arrow's escape code)."""
        os.write(self.main, keys.encode())

    def finish(self, timeout: float = 30.0) -> tuple[int, str]:
        """The exit code and everything the terminal showed."""
        deadline = time.monotonic() + timeout
        while True:
            ready, _, _ = select.select([self.main], [], [], 0.1)
            chunk = b""
            if ready:
                try:
                    chunk = os.read(self.main, 4096)
                except OSError:
                    chunk = b""
                self.seen += chunk
            if not chunk and self.process.poll() is not None:
                break
            if time.monotonic() > deadline:
                self.process.kill()
                raise AssertionError(f"still running: {self.seen.decode()!r}")
        os.close(self.main)
        return self.process.wait(), self.seen.decode().replace("\r\n", "\n")


def test_a_did_you_mean_in_a_terminal_is_a_numbered_pick(tmp_path: Path) -> None:
    terminal = Terminal("compare", TYPO, cwd=tmp_path)
    asked = terminal.read_until(b"(Enter to cancel): ")
    assert '  2. Claude Opus 4.5 (for "opsu 4.5")' in asked.replace("\r\n", "\n")
    terminal.type("2")
    code, shown = terminal.finish()
    assert code == 0, shown
    assert "Claude Opus 4.5 vs GPT-5.1 — verdict:" in shown
    # The card's own "Full reviews" command names what was picked, ready to run again.
    assert 'Full reviews: verdict compare "claude-opus-4-5 vs gpt-5.1" --full' in shown
    assert "verdict compare 'grok-4-5 vs gpt-5.1'" not in shown  # offered once, as the pick


def test_a_pick_declined_with_enter_exits_2_and_shows_no_card(tmp_path: Path) -> None:
    terminal = Terminal("compare", TYPO, cwd=tmp_path)
    terminal.read_until(b"(Enter to cancel): ")
    terminal.type("")
    code, shown = terminal.finish()
    assert code == 2
    assert "verdict:" not in shown.split("(Enter to cancel): ", 1)[1]


def test_an_answer_that_is_no_choice_is_asked_again(tmp_path: Path) -> None:
    terminal = Terminal("compare", TYPO, cwd=tmp_path)
    terminal.read_until(b"(Enter to cancel): ")
    terminal.type("7")
    again = terminal.read_until(b"'7' is not a number from 1 to 3.\r\nPick 1-3")
    assert again.count("  1. Grok 4.5") == 1  # the choices stay where they were
    terminal.type("1")
    code, shown = terminal.finish()
    assert code == 0 and "Grok 4.5 vs GPT-5.1" in shown


def test_without_a_terminal_a_did_you_mean_stays_a_message_and_exit_2(tmp_path: Path) -> None:
    result = verdict("compare", TYPO, cwd=tmp_path)
    assert result.returncode == 2
    assert "Pick" not in result.stderr
    assert "  verdict compare 'claude-opus-4-5 vs gpt-5.1'" in result.stderr.splitlines()


FOUR = "gemini 3 pro vs claude opus 4.5 vs gpt-5.1 vs grok 4"


def test_a_wide_terminal_shows_whole_names_and_prices(tmp_path: Path) -> None:
    narrow = verdict("compare", FOUR, cwd=tmp_path, env={"COLUMNS": "80"}).stdout.splitlines()
    wide = verdict("compare", FOUR, cwd=tmp_path, env={"COLUMNS": "140"}).stdout.splitlines()
    assert any(line.startswith("Gemini 3 Pro Prev… ") for line in narrow)
    assert any(line.startswith("Gemini 3 Pro Preview  ") for line in wide)
    assert not any("…" in line for line in wide if line.startswith("  "))  # notes whole too
    # Every line but the last, the command to copy, which is never wrapped.
    assert max(len(line) for line in narrow[:-1]) <= 80
    assert 80 < max(len(line) for line in wide[:-1]) <= 140


def test_the_full_reviews_command_is_never_wrapped(tmp_path: Path) -> None:
    shown = verdict("compare", FOUR, cwd=tmp_path, env={"COLUMNS": "60"}).stdout.splitlines()
    assert shown[-1] == f'Full reviews: verdict compare "{FOUR}" --full'
    assert all(len(line) <= 60 for line in shown[:3])  # the headline and reason wrap


@pytest.mark.parametrize("columns", [66, 60, 44])
def test_a_narrow_terminal_keeps_every_line_inside_it_and_the_reason_whole(
    tmp_path: Path, columns: int
) -> None:
    """A split pane or a phone: the table drops its category and context columns, then gives
    each tool its own wrapped line; the reason is never cut to make room."""
    query = "claude opus 4.5 vs gpt-5.5 vs gemini 3.5 flash"
    wide = verdict("compare", query, cwd=tmp_path, env={"COLUMNS": "120"}).stdout.splitlines()
    shown = verdict("compare", query, cwd=tmp_path, env={"COLUMNS": str(columns)}).stdout
    lines = shown.splitlines()
    assert all(len(line) <= columns for line in lines[:-1]), shown
    reason = wide[1]  # the reason, on one line at 120 columns
    assert " ".join(" ".join(lines).split()).find(" ".join(reason.split())) >= 0, shown
    assert "…" not in " ".join(lines[:4])
    for price in ("$10.00/1M", "$11.25/1M", "$3.38/1M"):
        assert price in shown


def test_a_narrow_terminal_keeps_a_shutdown_warning_under_the_table(tmp_path: Path) -> None:
    query = "gpt-4o vs gpt-4.1 vs claude opus 4.5 vs gemini 3.5 flash"
    shown = verdict("compare", query, cwd=tmp_path, env={"COLUMNS": "50"}).stdout
    assert "\n  GPT-4o: Deprecated since 2026-10-14" in shown, shown
    assert all(len(line) <= 50 for line in shown.splitlines()[:-1]), shown


def test_verdict_list_in_a_terminal_goes_through_the_pager(tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    pager = f"{sys.executable} -c 'import sys; open(sys.argv[1], \"w\").write(sys.stdin.read())'"
    terminal = Terminal("list", cwd=tmp_path, env={"PAGER": f"{pager} {paged}"})
    code, shown = terminal.finish()
    assert code == 0, shown
    lines = paged.read_text().splitlines()
    assert len(lines) > 700 and lines[-1].endswith("not yet")
    assert "claude-haiku-4-5" not in shown  # the list went to the pager, not past the reader


def test_verdict_list_piped_is_printed_whole(tmp_path: Path) -> None:
    result = verdict("list", cwd=tmp_path, env={"PAGER": "false"})
    assert result.returncode == 0 and len(result.stdout.splitlines()) > 700
