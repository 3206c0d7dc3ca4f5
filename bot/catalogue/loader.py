"""Reads a catalogue directory (TOML files) into models, collecting every problem at once.

A file is parsed by `rtoml` (Rust, three times faster than tomli: 0.4 s against 1.2 s for
10,000 tool files) when it holds no `inf` or `nan`; `tomli` (compiled, or the standard library's
`tomllib` it was copied into) reads every other file and every file rtoml refuses, so the errors
a person sees are tomli's words, and a non-finite number is still named by its field.
"""

from __future__ import annotations

import functools
import gc
import math
import os
import re
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from bot.catalogue.models import (
    PRODUCT_CATEGORIES,
    Catalogue,
    Panel,
    PanelRules,
    Tool,
    WeeklyEntry,
)
from bot.catalogue.names import compact
from bot.errors import CatalogueError, Problem

try:
    import tomli as toml_parser
except ImportError:  # pragma: no cover - tomli is a declared dependency
    import tomllib as toml_parser  # type: ignore[no-redef]

PANEL_FILE = "panel.toml"
WEEKLY_FILE = "weekly.toml"
PANEL_RULES_FILE = "panel_rules.toml"
TOOLS_DIR = "tools"
PRODUCTS_DIR = "products"
"""Products (apps, frameworks, databases, runtimes, services), one per file; optional."""

M = TypeVar("M", bound=BaseModel)


MAX_FILE_BYTES = 1_000_000
"""A catalogue file larger than this is refused unread (the largest real one is ~10 KB)."""


def printable(text: str) -> str:
    """Text safe to print in a terminal: control characters (escape sequences) shown as
    `\\x1b`-style escapes instead of acting on the terminal."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def _display(path: Path, root: Path) -> str:
    """The path as problems show it: from the catalogue directory's own name down."""
    shown = str(Path(root.name, path.relative_to(root))) if root.name else str(path)
    return printable(shown)


class _Floats:
    """TOML's float reader that notes an `inf` or `nan`, so only a file holding one is walked
    to name the field (the walk costs a quarter of a big catalogue's parse)."""

    __slots__ = ("non_finite",)

    def __init__(self) -> None:
        self.non_finite = False

    def __call__(self, text: str) -> float:
        value = float(text)
        if not math.isfinite(value):
            self.non_finite = True
        return value


_NON_FINITE = re.compile(r"(?<![\w.+-])[+-]?(?:inf|nan)(?![\w.+-])")
"""A bare `inf` or `nan` token: the only way TOML writes a non-finite number other than one
too large, which rtoml refuses ("overflowed") and so leaves to tomli."""


@functools.cache
def _fast_parser() -> ModuleType | None:
    """rtoml, imported on the first parse: a start served from the cache never loads it."""
    try:
        import rtoml
    except ImportError:  # pragma: no cover - a declared dependency; tomli serves alone
        return None
    return rtoml


def _parse(text: str, floats: _Floats) -> dict[str, Any]:
    """The file's TOML, by rtoml when it can be trusted to read what tomli would, else by tomli
    with its float reader noting non-finite numbers. Checked against tomli on 40,000 mutated
    catalogue files: none read differently, none accepted that tomli refuses, once Windows line
    ends are made "\n" (as tomli reads them in strings) and a file opening with a byte-order
    mark (which rtoml alone skips) is left to tomli."""
    fast_parser = _fast_parser()
    if (
        fast_parser is not None
        and not text.startswith("\ufeff")
        and not (("inf" in text or "nan" in text) and _NON_FINITE.search(text))
    ):
        try:
            # tomli reads a Windows line end in a multi-line string as "\n"; rtoml keeps it.
            parsed: dict[str, Any] = fast_parser.loads(text.replace("\r\n", "\n"))
        except Exception:  # refused: tomli reads it again and says what is wrong
            pass
        else:
            return parsed
    return toml_parser.loads(text, parse_float=floats)


def _read_toml(path: Path, shown: str, problems: list[Problem]) -> dict[str, Any] | None:
    floats = _Floats()
    try:
        data = _read_regular_file(path)
        parsed = _parse(data.decode("utf-8"), floats)
    except _NotReadable as exc:
        problems.append(Problem(shown, "file", str(exc)))
    except RecursionError:
        problems.append(Problem(shown, "toml", "not valid TOML: nested too deeply"))
    except toml_parser.TOMLDecodeError as exc:
        problems.append(Problem(shown, "toml", f"not valid TOML: {printable(str(exc))}"))
    except OSError as exc:
        problems.append(Problem(shown, "file", f"cannot read: {exc.strerror or exc}"))
    except UnicodeDecodeError:
        problems.append(Problem(shown, "file", "not UTF-8 text"))
    else:
        if floats.non_finite:
            problems.extend(
                Problem(shown, field, "not a finite number") for field in _non_finite(parsed)
            )
        return parsed
    return None


class _NotReadable(Exception):
    """A path that is not a catalogue file: a device, a FIFO, a directory, or far too big."""


def _read_regular_file(path: Path) -> bytes:
    """Read a regular file of at most MAX_FILE_BYTES. Opened without blocking, so a FIFO
    named `*.toml` cannot hang the load, and checked before reading, so a link to /dev/zero
    cannot fill memory."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise _NotReadable("not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise _NotReadable(f"larger than {MAX_FILE_BYTES:,} bytes")
        data = _read_to_end(descriptor, info.st_size)
    finally:
        os.close(descriptor)
    if len(data) > MAX_FILE_BYTES:
        raise _NotReadable(f"larger than {MAX_FILE_BYTES:,} bytes")
    return data


def _read_to_end(descriptor: int, size: int) -> bytes:
    """At most MAX_FILE_BYTES + 1 bytes of an open file, asking for the size it said it had
    (one read and the one that sees its end, rather than a megabyte buffer per file)."""
    chunks: list[bytes] = []
    read = 0
    wanted = min(size, MAX_FILE_BYTES) + 1
    while read <= MAX_FILE_BYTES:
        chunk = os.read(descriptor, wanted)
        if not chunk:
            break
        chunks.append(chunk)
        read += len(chunk)
        wanted = MAX_FILE_BYTES + 1 - read
    return b"".join(chunks)


def _non_finite(value: object, at: str = "") -> Iterator[str]:
    """Fields holding `inf` or `nan` (valid TOML, never a price or a fact)."""
    if isinstance(value, float) and not math.isfinite(value):
        yield at or "(file)"
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _non_finite(item, f"{at}.{key}" if at else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _non_finite(item, f"{at}.{index}")


def _validate(
    model: type[M], data: dict[str, Any], shown: str, problems: list[Problem]
) -> M | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            field = ".".join(str(part) for part in error["loc"]) or "(file)"
            message = error["msg"]
            if error["type"] == "missing":
                message = "missing"
            problems.append(Problem(shown, field, message))
        return None


_REPEATED_TEXT = ("vendor", "category", "licence", "kind")
_REPEATED_LISTS = (("facts", "modalities"), ("facts", "output_modalities"))


def _share_repeated(data: dict[str, Any]) -> dict[str, Any]:
    """The parsed file with the texts that repeat across tools (a persona's slug, a vendor, a
    licence, what a source supports) made one object each, in place: the catalogue then holds,
    and its cache pickles, one copy instead of one per tool (about 8 MB over 10,000 tools). The
    models keep the very objects given (validation does not copy a string)."""
    share = sys.intern
    for key in _REPEATED_TEXT:
        value = data.get(key)
        if type(value) is str:
            data[key] = share(value)
    panel = data.get("panel")
    if type(panel) is dict:
        data["panel"] = {share(k) if type(k) is str else k: v for k, v in panel.items()}
    sources = data.get("sources")
    if type(sources) is list:
        for source in sources:
            if type(source) is dict:
                _share_items(source, "supports")
    for table, key in _REPEATED_LISTS:
        found = data.get(table)
        if type(found) is dict:
            _share_items(found, key)
    pricing = data.get("pricing")
    if type(pricing) is dict and type(pricing.get("note")) is str:
        pricing["note"] = share(pricing["note"])
    return data


def _share_items(table: dict[str, Any], key: str) -> None:
    items = table.get(key)
    if type(items) is list:
        table[key] = [sys.intern(item) if type(item) is str else item for item in items]


def _check_tool(tool: Tool, file_path: Path, shown: str, panel: Panel) -> list[Problem]:
    problems: list[Problem] = []
    if tool.slug != file_path.stem:
        problems.append(
            Problem(shown, "slug", f'"{tool.slug}" does not match the file name "{file_path.stem}"')
        )
    for persona in tool.panel:
        if persona not in panel.slugs:
            known = ", ".join(panel.slugs)
            problems.append(Problem(shown, f"panel.{persona}", f"unknown persona (known: {known})"))
    for persona in panel.slugs:
        if persona not in tool.panel:
            problems.append(Problem(shown, f"panel.{persona}", "missing review"))
    cited = tool.cited_fields()
    for fact in tool.fact_fields():
        if fact not in cited:
            problems.append(Problem(shown, fact, "no source backs this fact"))
    return problems


def _check_product(tool: Tool, shown: str) -> list[Problem]:
    """What a product file owes beyond a model file: its kind, a category from the closed set,
    and every source dated (`read_on`), since product pages change without notice."""
    problems: list[Problem] = []
    if tool.category not in PRODUCT_CATEGORIES:
        known = ", ".join(sorted(PRODUCT_CATEGORIES))
        problems.append(
            Problem(shown, "category", f'"{tool.category}" is not a product category ({known})')
        )
    for index, source in enumerate(tool.sources):
        if source.read_on is None:
            problems.append(
                Problem(shown, f"sources.{index}.read_on", "missing: the day this page was read")
            )
    return problems


def _read_tool_files(
    root: Path, directory: str, panel: Panel | None, problems: list[Problem]
) -> list[tuple[Tool, str]]:
    """Every `*.toml` in `root/directory`, validated; products/ also against the product rules."""
    tools: list[tuple[Tool, str]] = []
    in_dir = f"{_display(root / directory, root)}{os.sep}"
    for path in sorted((root / directory).glob("*.toml"), key=lambda p: p.name):
        shown = in_dir + printable(path.name)
        data = _read_toml(path, shown, problems)
        if data is None:
            continue
        if "released" not in data:
            # Optional on `Tool` (dataset tools have no date) but required of a reviewed file.
            problems.append(Problem(shown, "released", "missing"))
        if directory == TOOLS_DIR:
            if data.get("kind", "model") != "model":
                problems.append(
                    Problem(shown, "kind", "a product belongs in products/, not tools/")
                )
                continue
            if "facts" not in data:
                problems.append(Problem(shown, "facts", "missing"))
        else:
            if data.get("kind") != "product":
                wrong = 'a file in products/ needs kind = "product"'
                problems.append(Problem(shown, "kind", wrong))
                continue
            if "product" not in data:
                problems.append(Problem(shown, "product", "missing: the [product] table"))
                continue
        tool = _validate(Tool, _share_repeated(data), shown, problems)
        if tool is None:
            continue
        if panel is not None:
            problems.extend(_check_tool(tool, path, shown, panel))
        if directory == PRODUCTS_DIR:
            problems.extend(_check_product(tool, shown))
        tools.append((tool, shown))
    return tools


def _check_collisions(tools: list[tuple[Tool, str]]) -> list[Problem]:
    """An alias or name that normalises to another tool's name or alias would make matching lie.

    Every slug and name is registered before any alias: an alias that takes another tool's
    name is the alias's mistake, so it is reported in the alias's file, not the other's."""
    problems: list[Problem] = []
    owner: dict[str, tuple[str, str, str]] = {}
    seen: dict[str, set[str]] = {}
    identities = [(t, shown, label, text) for t, shown in tools for label, text in _identity(t)]
    aliases = [(t, shown, "aliases", alias) for t, shown in tools for alias in t.aliases]
    for tool, shown, label, text in identities + aliases:
        seen_here = seen.setdefault(shown, set())
        key = compact(text)
        if not key:
            problems.append(Problem(shown, label, f'"{printable(text)}" has no letters or digits'))
            continue
        if key in seen_here:
            continue
        seen_here.add(key)
        if key in owner:
            other_slug, other_shown, other_text = owner[key]
            problems.append(
                Problem(
                    shown,
                    label,
                    f'"{printable(text)}" collides with "{printable(other_text)}" of '
                    f"{printable(other_slug)} ({other_shown})",
                )
            )
        else:
            owner[key] = (tool.slug, shown, text)
    return problems


def _identity(tool: Tool) -> tuple[tuple[str, str], tuple[str, str]]:
    return (("slug", tool.slug), ("name", tool.name))


def check_catalogue(root: Path) -> tuple[Catalogue | None, list[Problem]]:
    """Validate a catalogue directory; returns the catalogue (if sound) and every problem found."""
    with no_cyclic_gc():
        return _check_catalogue(Path(root))


def _check_catalogue(root: Path) -> tuple[Catalogue | None, list[Problem]]:
    problems: list[Problem] = []
    if not root.is_dir():
        return None, [Problem(str(root), "(catalogue)", "not a directory")]

    panel_path = root / PANEL_FILE
    panel_shown = _display(panel_path, root)
    panel: Panel | None = None
    if not panel_path.is_file():
        problems.append(Problem(panel_shown, "(file)", "missing: the panel personas live here"))
    else:
        data = _read_toml(panel_path, panel_shown, problems)
        if data is not None:
            panel = _validate(Panel, data, panel_shown, problems)

    if not any((root / TOOLS_DIR).glob("*.toml")):
        problems.append(Problem(_display(root / TOOLS_DIR, root), "(dir)", "no tool files"))
    tools = _read_tool_files(root, TOOLS_DIR, panel, problems)
    tools += _read_tool_files(root, PRODUCTS_DIR, panel, problems)

    problems.extend(_check_collisions(tools))
    weekly = _read_weekly(root, {t.slug for t, _ in tools}, problems)
    rules = _read_panel_rules(root, panel, problems)
    if problems or panel is None:
        return None, problems
    catalogue = Catalogue(
        panel=panel,
        tools=tuple(sorted((t for t, _ in tools), key=_slug)),
        weekly=weekly,
        panel_rules=rules,
    )
    return catalogue, []


def _read_panel_rules(root: Path, panel: Panel | None, problems: list[Problem]) -> PanelRules:
    """How personas judge from facts, if the catalogue says; every persona must be the panel's."""
    path = root / PANEL_RULES_FILE
    if not path.is_file():
        return PanelRules()
    shown = _display(path, root)
    data = _read_toml(path, shown, problems)
    if data is None:
        return PanelRules()
    rules = _validate(PanelRules, data, shown, problems)
    if rules is None:
        return PanelRules()
    if panel is not None:
        for persona in rules.personas:
            if persona not in panel.slugs:
                known = ", ".join(panel.slugs)
                problems.append(
                    Problem(shown, f"personas.{persona}", f"unknown persona (known: {known})")
                )
    return rules


def _read_weekly(root: Path, slugs: set[str], problems: list[Problem]) -> tuple[WeeklyEntry, ...]:
    """The curated weekly queue, if the catalogue has one; every entry must name known tools."""
    path = root / WEEKLY_FILE
    if not path.is_file():
        return ()
    shown = _display(path, root)
    data = _read_toml(path, shown, problems)
    if data is None:
        return ()
    queue = data.get("queue", [])
    if not isinstance(queue, list) or set(data) - {"queue"}:
        problems.append(Problem(shown, "queue", "expected only [[queue]] entries"))
        return ()
    entries: list[WeeklyEntry] = []
    for index, item in enumerate(queue):
        # Entries are checked one by one, so one bad entry does not hide the others' problems.
        field = f"queue.{index}"
        entry_problems: list[Problem] = []
        entry = _validate(WeeklyEntry, item, shown, entry_problems)
        problems.extend(Problem(p.path, f"{field}.{p.field}", p.message) for p in entry_problems)
        if entry is None:
            continue
        for slug in entry.tools:
            if slug not in slugs:
                problems.append(Problem(shown, f"{field}.tools", f'unknown tool "{slug}"'))
        if len(set(entry.tools)) != len(entry.tools):
            problems.append(Problem(shown, f"{field}.tools", "names a tool twice"))
        entries.append(entry)
    return tuple(entries)


def _slug(tool: Tool) -> str:
    return tool.slug


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic collector during a bulk load.

    Loading allocates tens of thousands of objects that all stay alive; the collector would scan
    them again and again for nothing (about a quarter of a 10,000-file load, and more than half
    of building the name index over it). Reference counting still frees garbage as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_catalogue(root: Path) -> Catalogue:
    """Load a catalogue or raise `CatalogueError` with every problem found."""
    catalogue, problems = check_catalogue(root)
    if catalogue is None:
        raise CatalogueError(problems)
    return catalogue
