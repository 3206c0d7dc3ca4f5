"""`verdict chat` at a real terminal (a pseudo-terminal): Tab completes commands and tools'
names, the arrow keys edit and recall lines instead of arriving as "Unknown command", and the
history outlives the session (in the user's state directory)."""

from __future__ import annotations

from pathlib import Path

from adapters.console.chat import open_console
from adapters.console.line_editing import completions
from bot.catalogue import Catalogue
from tests.adapters.test_cli_terminal import Terminal

SLUGS = ["claude-opus-4-5", "claude-sonnet-4-5", "mistral-medium-3", "smolvlm2"]


def test_tab_offers_commands_then_tools_then_vs() -> None:
    assert completions("/comp", SLUGS) == ["/compare"]
    assert completions(":re", SLUGS) == [":reviews", ":request", ":react"]
    assert completions("/compare claude-", SLUGS) == ["claude-opus-4-5", "claude-sonnet-4-5"]
    assert completions("/compare smolvlm2 v", SLUGS) == ["vs"]
    assert completions("/compare smolvlm2 vs m", SLUGS) == ["mistral-medium-3"]
    assert completions("/verdicts sub", SLUGS) == ["subscribe"]
    assert completions(":react alice 1 ", SLUGS) == []  # not a tool's name: nothing to offer


def test_a_session_with_tab_arrows_and_history(tmp_path: Path) -> None:
    env = {"XDG_STATE_HOME": str(tmp_path / "state"), "VERDICT_DB": str(tmp_path / "v.db")}
    chat = Terminal("chat", cwd=tmp_path, env=env)
    chat.read_until(b"> ")
    chat.send("/comp\t")
    chat.read_until(b"/compare ")
    chat.send("smolv\t")
    chat.read_until(b"smolvlm2 ")
    chat.type("vs mistral-medium-3")
    chat.read_until(b"--- card 1 ---")
    chat.read_until(b"\n> ")
    chat.send("\x1b[A\r")  # Up-arrow recalls the comparison; Enter asks it again
    chat.read_until(b"--- card 2 ---")
    chat.read_until(b"\n> ")
    chat.send("\x1b[D\r")  # Left-arrow on an empty line: nothing at all
    chat.type("/quit")
    code, shown = chat.finish()
    assert code == 0, shown
    assert "Unknown command" not in shown and "^[[" not in shown
    history = (tmp_path / "state" / "verdict" / "chat_history").read_text().splitlines()
    assert "/compare smolvlm2 vs mistral-medium-3" in history


async def test_without_line_editing_an_arrow_key_or_enter_is_answered_with_nothing(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    async with open_console(db=tmp_path / "chat.db", catalogue=catalogue) as chat:
        for typed in ("\x1b[A", "\x1b[B\x1b[A", "", "   "):
            await chat.send(typed)
            assert chat.pop_all() == []
        await chat.send("/comapre a vs b")
        [said] = chat.pop_all()
        assert said.text == "Unknown command '/comapre'. Type /help for the commands."
