"""Hostile catalogue files: each is one clear problem line, never a hang, a blow-up or a
traceback, and the line is safe to print in a terminal."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.catalogue import check_catalogue, loader


def _problems(root: Path) -> list[str]:
    catalogue, problems = check_catalogue(root)
    assert catalogue is None
    return [str(p) for p in problems]


def test_toml_nested_past_the_parsers_depth_is_one_problem(catalogue_copy: Path) -> None:
    (catalogue_copy / "tools" / "deep.toml").write_text("x = " + "[" * 5000 + "]" * 5000)
    [problem] = [p for p in _problems(catalogue_copy) if "deep.toml" in p]
    assert "nested too deeply" in problem


def test_a_symlink_to_dev_zero_is_refused_without_reading_it(catalogue_copy: Path) -> None:
    (catalogue_copy / "tools" / "zero.toml").symlink_to("/dev/zero")
    [problem] = [p for p in _problems(catalogue_copy) if "zero.toml" in p]
    assert "not a regular file" in problem


def test_a_huge_file_is_refused_by_size(catalogue_copy: Path) -> None:
    (catalogue_copy / "tools" / "huge.toml").write_text("# " + "x" * 3_000_000)
    [problem] = [p for p in _problems(catalogue_copy) if "huge.toml" in p]
    assert "larger than" in problem


def test_a_fifo_named_like_a_tool_file_does_not_hang(catalogue_copy: Path) -> None:
    os.mkfifo(catalogue_copy / "tools" / "pipe.toml")
    result: list[list[str]] = []
    worker = threading.Thread(target=lambda: result.append(_problems(catalogue_copy)), daemon=True)
    worker.start()
    worker.join(10)
    assert result, "check_catalogue hung on a FIFO"
    [problem] = [p for p in result[0] if "pipe.toml" in p]
    assert "not a regular file" in problem


@pytest.mark.parametrize("value", ["inf", "nan", "-inf", "+inf", "[nan]", "1e400", "1_0e3_0_9"])
def test_infinite_or_nan_prices_are_refused(catalogue_copy: Path, value: str) -> None:
    path = catalogue_copy / "tools" / "gpt-4o.toml"
    path.write_text(
        path.read_text().replace("input_usd_per_mtok = 2.50", f"input_usd_per_mtok = {value}")
    )
    problems = _problems(catalogue_copy)
    if value == "[nan]":  # not a number at all: the model says so; the non-finite check too
        assert any("gpt-4o.toml: pricing.input_usd_per_mtok.0" in p for p in problems)
        return
    assert any("gpt-4o.toml: pricing.input_usd_per_mtok" in p and "finite" in p for p in problems)


def test_words_like_inf_and_nan_in_prose_load_as_written(catalogue_copy: Path) -> None:
    path = catalogue_copy / "tools" / "gpt-4o.toml"
    text = path.read_text()
    tagline = next(line for line in text.splitlines() if line.startswith("tagline"))
    path.write_text(text.replace(tagline, 'tagline = "inf nan info: fast inference on a nano"'))
    catalogue, problems = check_catalogue(catalogue_copy)
    assert problems == [] and catalogue is not None
    assert catalogue.by_slug["gpt-4o"].tagline == "inf nan info: fast inference on a nano"


def test_the_fast_parser_reads_the_catalogue_as_the_reference_parser_does(
    catalogue_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """rtoml reads what tomli would: the catalogue is the same with tomli alone (as where rtoml
    is not installed), also from a file saved with Windows line ends."""
    path = catalogue_copy / "tools" / "gpt-4o.toml"
    lines = path.read_text().replace(" \\\n", "\n").splitlines()  # the description's own lines
    path.write_bytes("\r\n".join(lines).encode() + b"\r\n")
    fast = check_catalogue(catalogue_copy)
    assert fast[0] is not None
    assert "\n" in fast[0].by_slug["gpt-4o"].description.strip()
    assert "\r" not in fast[0].by_slug["gpt-4o"].description
    monkeypatch.setattr(loader, "_fast_parser", lambda: None)
    assert check_catalogue(catalogue_copy) == fast


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param(lambda text: text + '\nname = "again"\n', id="a key twice"),
        pytest.param(lambda text: text + "\n[pricing\n", id="an unclosed table"),
        pytest.param(lambda text: "\ufeff" + text, id="a byte-order mark"),
        pytest.param(lambda text: text + "\nx = 1e400\n", id="a number too large"),
    ],
)
def test_a_broken_file_gets_the_reference_parsers_words_with_either_parser(
    catalogue_copy: Path, monkeypatch: pytest.MonkeyPatch, broken: Callable[[str], str]
) -> None:
    path = catalogue_copy / "tools" / "gpt-4o.toml"
    path.write_text(broken(path.read_text()))
    fast = [p for p in _problems(catalogue_copy) if "gpt-4o.toml" in p]
    monkeypatch.setattr(loader, "_fast_parser", lambda: None)
    assert fast and [p for p in _problems(catalogue_copy) if "gpt-4o.toml" in p] == fast


def test_an_alias_that_is_another_tools_slug_is_reported_against_the_alias(
    catalogue_copy: Path,
) -> None:
    """`gpt-4o-mini` listing "gpt-4o" as an alias is the mistake, not gpt-4o's own slug."""
    path = catalogue_copy / "tools" / "gpt-4o-mini.toml"
    text = path.read_text()
    path.write_text(text.replace("aliases = [", 'aliases = ["GPT-4o", ', 1))
    [problem] = [p for p in _problems(catalogue_copy) if "collides" in p]
    assert problem.startswith("catalogue/tools/gpt-4o-mini.toml: aliases: ")


def test_file_names_with_escape_sequences_are_shown_printable(catalogue_copy: Path) -> None:
    (catalogue_copy / "tools" / "evil\x1b]0;pwned\x07\x1b[2J.toml").write_text("not = [valid")
    problems = _problems(catalogue_copy)
    assert not any(c in p for p in problems for c in "\x1b\x07")
    assert any("evil\\x1b]0;pwned\\x07\\x1b[2J.toml" in p for p in problems)
