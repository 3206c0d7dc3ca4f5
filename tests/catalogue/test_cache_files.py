"""The caches open only regular files of their own, bounded in size: a FIFO in place of a cache
file does not hang a start, a link to /dev/zero is not read, and a known-models JSON another
user could have written is ignored, so its names never reach the trusted pickle."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bot.catalogue.known_models import _read_cache, check_with_known_models
from bot.catalogue.trusted_files import read_trusted
from tests.catalogue.test_cache import cache_files, compare, settled

POISON = "Poisoned Name From Another User"


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def test_a_fifo_in_place_of_the_catalogue_cache_does_not_hang_a_start(
    catalogue_copy: Path, cache: Path
) -> None:
    settled(catalogue_copy)
    first = compare(catalogue_copy, cache)  # writes the cache file
    [written] = cache_files(cache)
    written.unlink()
    os.mkfifo(written)
    assert compare(catalogue_copy, cache) == first  # the CLI run has a 60 s timeout


def test_a_fifo_or_a_device_link_is_never_read(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.json"
    zero.symlink_to("/dev/zero")
    assert read_trusted(fifo, 1024) is None
    assert read_trusted(zero, 1024) is None
    assert _read_cache(fifo) is None and _read_cache(zero) is None


def test_a_file_over_its_limit_is_not_read(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b"x" * 2048)
    big.chmod(0o600)
    assert read_trusted(big, 1024) is None
    assert read_trusted(big, 4096) == b"x" * 2048


def _poison_known_models(cache: Path) -> list[Path]:
    """Every known-models JSON in `cache`, with one tool renamed to POISON."""
    files = sorted(cache.glob("known-models-*.json"))
    for path in files:
        tools = json.loads(path.read_text())
        tools[0]["name"] = POISON
        path.write_text(json.dumps(tools))
    return files


@pytest.mark.parametrize("how", ["writable by others", "owned by another user"])
def test_an_untrusted_known_models_cache_never_reaches_the_pickle(
    catalogue_copy: Path, cache: Path, how: str
) -> None:
    import datetime as dt

    day = dt.date(2026, 11, 24)
    settled(catalogue_copy)
    check_with_known_models(catalogue_copy, as_of=day, cache_dir=cache)
    for pickle_file in cache_files(cache):
        pickle_file.unlink()  # the next start builds the catalogue again from the JSON
    [poisoned] = _poison_known_models(cache)
    if how == "writable by others":
        poisoned.chmod(0o666)
    else:
        if os.getuid() != 0:
            pytest.skip("only root can give a file to another user")
        os.chown(poisoned, 65534, 65534)
    catalogue, problems = check_with_known_models(catalogue_copy, as_of=day, cache_dir=cache)
    assert catalogue is not None and problems == []
    assert all(tool.name != POISON for tool in catalogue.tools)
    [pickle_file] = cache_files(cache)
    assert POISON.encode() not in pickle_file.read_bytes()


def test_catalogue_check_shows_a_file_name_s_escape_sequences_escaped(
    catalogue_copy: Path,
) -> None:
    from tests.adapters.test_cli import verdict

    hostile = catalogue_copy / "tools" / "evil\x1b]0;pwned\x07\x1b[2J.toml"
    hostile.write_text("this is = = not toml\n")
    result = verdict("catalogue", "check", str(catalogue_copy), cwd=catalogue_copy.parent)
    assert result.returncode != 0
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "evil\\x1b]0;pwned\\x07\\x1b[2J.toml" in result.stderr
