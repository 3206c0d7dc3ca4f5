"""The core's shape: no platform or adapter imports in `bot/`, and imports that only run down
the layers (catalogue and storage at the bottom; votes and compare above; chat, platform,
weekly and render above those; adapters on top), each through a subpackage's public face."""

from __future__ import annotations

import ast
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
    "chat": {"errors", "catalogue", "votes", "compare", "platform", "polls"},
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
    sneaky.write_text("def later():\n    from adapters.console import run_chat\n")
    assert "adapters.console" in _imports(sneaky)
