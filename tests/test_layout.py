"""The core's shape: no platform or adapter imports in `bot/`, and imports that only run down
the layers (catalogue and storage at the bottom; votes and compare above; chat, platform,
weekly and render above those; adapters on top), each through a subpackage's public face."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[1] / "bot"
FORBIDDEN_ROOTS = ("adapters", "discord", "slack_bolt", "slack_sdk", "slack")

ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "settings": set(),
    "typed": {"errors"},
    "catalogue": {"errors"},
    "storage": {"errors"},
    "votes": {"errors", "catalogue", "storage"},
    "compare": {"errors", "typed", "catalogue", "votes"},
    "polls": {"errors", "typed", "storage", "votes"},
    "platform": {"errors", "catalogue", "votes", "compare", "polls"},
    "tool_requests": {"errors", "catalogue", "votes", "compare"},
    "chat": {"errors", "catalogue", "votes", "compare", "platform", "polls", "tool_requests"},
    "poll_flows": {"errors", "catalogue", "votes", "compare", "platform", "polls", "chat"},
    "render": {"errors", "catalogue", "votes", "compare", "platform", "polls"},
    "weekly": {
        "errors",
        "typed",
        "catalogue",
        "storage",
        "votes",
        "compare",
        "platform",
        "chat",
        "polls",
        "poll_flows",
    },
    "commands": {
        "errors",
        "tool_requests",
        "catalogue",
        "votes",
        "compare",
        "polls",
        "platform",
        "chat",
        "poll_flows",
        "render",
        "weekly",
    },
    "__main__": set(),
    "__init__": set(),
}
"""Which parts of the core each part may import."""


def _modules() -> list[Path]:
    return sorted(BOT.rglob("*.py"))


def _part(path: Path) -> str:
    """The part of the core a file belongs to: its subpackage, or its own name at the top."""
    relative = path.relative_to(BOT)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
    return found


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(BOT.parent)))
def test_core_module_imports_no_platform_and_no_adapter(path: Path) -> None:
    for module in _imports(path):
        assert module.split(".")[0] not in FORBIDDEN_ROOTS, f"{path.name} imports {module}"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(BOT.parent)))
def test_core_imports_run_down_the_layers_through_public_faces(path: Path) -> None:
    part = _part(path)
    for module in _imports(path):
        parts = module.split(".")
        if parts[0] != "bot" or len(parts) == 1:
            continue
        target = parts[1]
        if target == part:
            continue
        assert target in ALLOWED[part], f"bot/{part} must not import bot.{target} ({path.name})"
        assert len(parts) == 2, f"{path.name} reaches into {module}; import from bot.{target}"


def test_the_layer_table_names_every_part_of_the_core() -> None:
    assert {_part(p) for p in _modules()} <= set(ALLOWED)


def test_a_forbidden_import_is_caught(tmp_path: Path) -> None:
    """The check itself can fail: a module importing an adapter is reported."""
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text("def later():\n    from adapters.console.chat import run_chat\n")
    assert "adapters.console.chat" in _imports(sneaky)


# The edges: one package per platform, one list of platforms, and imports that run down.

ADAPTERS = BOT.parent / "adapters"
PLATFORM_PACKAGES = {"console", "discord", "slack", "web"}
ADAPTER_ALLOWED: dict[str, set[str]] = {
    "__init__": set(),
    "exit_codes": set(),
    "logs": set(),
    "fd_budget": set(),  # the process's descriptors, shared by every listener
    "quiet_log": set(),  # rate-limited log lines for traffic from strangers
    "state": set(),  # the user's state directory (XDG)
    "heartbeat": {"exit_codes", "state"},  # a running bot's sign of life, for `verdict health`
    "platform": {"doctor"},  # the doctor's report type, for type checking only
    "doctor": {"logs"},
    "web": {"exit_codes", "platform", "logs", "fd_budget", "quiet_log", "heartbeat"},
    "console": {"exit_codes", "platform", "state"},
    "discord": {"exit_codes", "platform", "doctor", "logs", "web", "heartbeat"},
    "slack": {
        "exit_codes",
        "platform",
        "doctor",
        "logs",
        "web",
        "fd_budget",
        "quiet_log",
        "heartbeat",
    },
    "registry": {"platform", "doctor"},  # for type checking only
    "diagnose": {"doctor", "platform", "registry"},
    "request_commands": {"exit_codes"},
    "commands": {
        "exit_codes",
        "platform",
        "registry",
        "diagnose",
        "doctor",
        "logs",
        "console",
        "request_commands",
    },
    "cli": {"registry", "commands", "heartbeat"},
}
"""Which part of `adapters/` may import which (lazy imports inside functions count too): the
platforms sit on the shared pieces and never import the list of platforms or the command line;
the web pages, served beside a chat bot, are the one platform others may start."""


def _adapter_modules() -> list[Path]:
    return sorted(ADAPTERS.rglob("*.py"))


def _adapter_part(path: Path) -> str:
    relative = path.relative_to(ADAPTERS)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


@pytest.mark.parametrize("path", _adapter_modules(), ids=lambda p: str(p.relative_to(BOT.parent)))
def test_adapter_imports_run_down_the_layers(path: Path) -> None:
    part = _adapter_part(path)
    for module in _imports(path):
        parts = module.split(".")
        if parts[0] != "adapters" or len(parts) == 1 or parts[1] == part:
            continue
        assert parts[1] in ADAPTER_ALLOWED[part], f"adapters/{part} must not import {module}"


def test_the_adapter_layer_table_names_every_part_and_has_no_circle() -> None:
    assert {_adapter_part(p) for p in _adapter_modules()} <= set(ADAPTER_ALLOWED)
    seen: dict[str, int] = {}  # 1 on the path being walked, 2 done

    def walk(part: str, path: tuple[str, ...]) -> None:
        assert seen.get(part) != 1, f"import circle: {' -> '.join((*path, part))}"
        if seen.get(part) == 2:
            return
        seen[part] = 1
        for below in ADAPTER_ALLOWED[part]:
            walk(below, (*path, part))
        seen[part] = 2

    for part in ADAPTER_ALLOWED:
        walk(part, ())


def test_every_platform_is_one_package_with_an_entry_in_the_list() -> None:
    import importlib

    from adapters.registry import PLATFORMS, chat_platforms

    assert {p.name for p in PLATFORMS} == PLATFORM_PACKAGES
    for platform in PLATFORMS:
        assert platform.entry == f"adapters.{platform.name}.entry"
        assert callable(importlib.import_module(platform.entry).run)
    for platform in chat_platforms():
        assert callable(importlib.import_module(platform.entry).doctor)


def test_the_command_line_loads_no_platform_library_before_a_command_runs() -> None:
    import subprocess
    import sys

    script = (
        "import sys, adapters.cli; "
        "print(sorted(m for m in ('discord', 'slack_bolt', 'aiohttp.web', 'jinja2') "
        "if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


SQL = re.compile(
    r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE)\b"
)


@pytest.mark.parametrize("path", _adapter_modules(), ids=lambda p: str(p.relative_to(BOT.parent)))
def test_no_adapter_writes_sql(path: Path) -> None:
    """The tables belong to the core's stores (`bot/votes/store.py`, `bot/polls/store.py`,
    `bot/weekly/store.py`); a platform asks them."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            assert not SQL.search(node.value), f"{path.name} holds SQL: {node.value[:60]!r}"


def test_the_sql_check_can_fail() -> None:
    assert SQL.search("SELECT message_id FROM cards WHERE platform = ?")
