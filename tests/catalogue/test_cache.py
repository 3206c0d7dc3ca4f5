"""The parsed-catalogue cache, seen as a user sees it: `verdict` answers from the files as they
are now, whatever happened to the cache file (edited, added or removed tools, a damaged or
foreign cache, a cache directory that cannot be written)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import bot.catalogue.cache as cache_module
from bot.catalogue import Catalogue, Tool, check_catalogue, load_catalogue
from bot.catalogue.cache import cached_catalogue, catalogue_index, register_index
from bot.errors import Problem
from bot.settings import bundled_catalogue_dir

PAIR = "smolvlm2 vs mistral-medium-3"


def verdict(*args: str, catalogue: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VERDICT_")}
    env.update(VERDICT_CATALOGUE=str(catalogue), VERDICT_CACHE_DIR=str(cache))
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=catalogue.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def settled(root: Path) -> None:
    """Date every file a day back, as in a checkout that is not being edited right now (a file
    written this very second is never cached: see `RACY_SECONDS`)."""
    day_ago = time.time() - 86_400
    for path in [root, *root.rglob("*")]:
        os.utime(path, (day_ago, day_ago))


def cache_files(cache: Path) -> list[Path]:
    return sorted(cache.glob("catalogue-*.pickle"))


def compare(catalogue: Path, cache: Path) -> str:
    shown = verdict("compare", PAIR, catalogue=catalogue, cache=cache)
    assert shown.returncode == 0, shown.stderr
    assert shown.stderr == ""
    return shown.stdout


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def test_a_second_start_reads_the_cache_and_answers_the_same(
    catalogue_copy: Path, cache: Path
) -> None:
    settled(catalogue_copy)
    first = compare(catalogue_copy, cache)
    [written] = cache_files(cache)
    assert written.stat().st_mode & 0o077 == 0  # a pickle is code: its owner's alone
    assert compare(catalogue_copy, cache) == first
    assert cache_files(cache) == [written]


def test_an_edited_price_shows_in_the_next_compare(catalogue_copy: Path, cache: Path) -> None:
    settled(catalogue_copy)
    assert "paid $0.80/1M" in compare(catalogue_copy, cache)
    assert cache_files(cache)
    tool = catalogue_copy / "tools" / "mistral-medium-3.toml"
    tool.write_text(
        tool.read_text().replace("input_usd_per_mtok = 0.40", "input_usd_per_mtok = 4.40")
    )
    assert "paid $0.80/1M" not in compare(catalogue_copy, cache)
    shown = verdict("tool", "mistral-medium-3", catalogue=catalogue_copy, cache=cache).stdout
    assert "$4.40 in / $2.00 out" in shown


def test_an_edit_of_the_same_size_with_its_old_time_put_back_is_still_seen(
    catalogue_copy: Path, cache: Path
) -> None:
    settled(catalogue_copy)
    compare(catalogue_copy, cache)
    tool = catalogue_copy / "tools" / "mistral-medium-3.toml"
    before = tool.stat()
    tool.write_text(tool.read_text().replace("= 0.40", "= 4.40"))
    os.utime(tool, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert tool.stat().st_size == before.st_size
    shown = verdict("tool", "mistral-medium-3", catalogue=catalogue_copy, cache=cache).stdout
    assert "$4.40 in" in shown


def test_an_added_tool_is_known_and_a_removed_one_is_not(catalogue_copy: Path, cache: Path) -> None:
    settled(catalogue_copy)
    compare(catalogue_copy, cache)
    tools = catalogue_copy / "tools"
    renamed = {"slug": '"tinyvlm"', "name": '"TinyVLM"', "aliases": "[]"}
    lines = []
    for line in (tools / "smolvlm2.toml").read_text().splitlines():
        key = line.split(" = ")[0]
        lines.append(f"{key} = {renamed[key]}" if key in renamed else line)
    (tools / "tinyvlm.toml").write_text("\n".join(lines) + "\n")
    added = verdict("compare", "tinyvlm vs mistral-medium-3", catalogue=catalogue_copy, cache=cache)
    assert added.returncode == 0, added.stderr
    assert "TinyVLM vs Mistral Medium 3" in added.stdout

    (tools / "tinyvlm.toml").unlink()
    removed = verdict(
        "compare", "tinyvlm vs mistral-medium-3", catalogue=catalogue_copy, cache=cache
    )
    assert removed.returncode != 0
    assert "TinyVLM vs" not in removed.stdout


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="cut-short"),
        pytest.param(lambda data: data[:50] + b"\x00" * (len(data) - 50), id="zeroed"),
        pytest.param(lambda data: b"not a cache at all", id="garbage"),
        pytest.param(lambda data: b"", id="empty"),
    ],
)
def test_a_damaged_cache_file_is_ignored_without_a_word(
    catalogue_copy: Path, cache: Path, damage: object
) -> None:
    settled(catalogue_copy)
    first = compare(catalogue_copy, cache)
    [written] = cache_files(cache)
    written.write_bytes(damage(written.read_bytes()))  # type: ignore[operator]
    assert compare(catalogue_copy, cache) == first


def test_a_cache_directory_that_cannot_be_written_is_no_error(
    catalogue_copy: Path, tmp_path: Path
) -> None:
    settled(catalogue_copy)
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    assert "Mistral Medium 3" in compare(catalogue_copy, blocked / "cache")


def test_a_broken_catalogue_still_reports_every_problem_after_a_cached_start(
    catalogue_copy: Path, cache: Path
) -> None:
    settled(catalogue_copy)
    compare(catalogue_copy, cache)
    tool = catalogue_copy / "tools" / "mistral-medium-3.toml"
    tool.write_text(
        tool.read_text().replace("input_usd_per_mtok = 0.40", "input_usd_per_mtok = -1")
    )
    broken = verdict("compare", PAIR, catalogue=catalogue_copy, cache=cache)
    assert broken.returncode == 3
    assert (
        "mistral-medium-3.toml" in broken.stderr and "pricing.input_usd_per_mtok" in broken.stderr
    )


class _Counted:
    """`check_catalogue` on a directory, counting how often the files were really parsed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.parses = 0

    def __call__(self) -> tuple[Catalogue | None, list[Problem]]:
        self.parses += 1
        return check_catalogue(self.root)


def _cached(root: Path, cache: Path, build: _Counted) -> Catalogue | None:
    found, _ = cached_catalogue(root, cache_dir=cache, depends_on="test", build=build)
    return found


def test_files_written_this_second_are_parsed_until_they_settle(
    catalogue_copy: Path, cache: Path
) -> None:
    tool = catalogue_copy / "tools" / "smolvlm2.toml"
    tool.write_text(tool.read_text())  # just now: may change again within the same tick
    parse = _Counted(catalogue_copy)
    _cached(catalogue_copy, cache, parse)
    _cached(catalogue_copy, cache, parse)
    assert parse.parses == 2 and not cache_files(cache)
    settled(catalogue_copy)
    first = _cached(catalogue_copy, cache, parse)
    again = _cached(catalogue_copy, cache, parse)
    assert parse.parses == 3 and again == first


def test_a_cache_file_others_may_write_is_not_trusted(catalogue_copy: Path, cache: Path) -> None:
    settled(catalogue_copy)
    parse = _Counted(catalogue_copy)
    _cached(catalogue_copy, cache, parse)
    [written] = cache_files(cache)
    written.chmod(0o666)
    _cached(catalogue_copy, cache, parse)
    assert parse.parses == 2


def test_another_day_or_dataset_is_another_key(catalogue_copy: Path, cache: Path) -> None:
    settled(catalogue_copy)
    parse = _Counted(catalogue_copy)
    for depends_on in ("as_of=2026-01-01", "as_of=2026-01-02", "as_of=2026-01-02"):
        cached_catalogue(catalogue_copy, cache_dir=cache, depends_on=depends_on, build=parse)
    assert parse.parses == 2


def test_a_cached_catalogue_is_the_parsed_one(catalogue_copy: Path, cache: Path) -> None:
    settled(catalogue_copy)
    parse = _Counted(catalogue_copy)
    parsed = _cached(catalogue_copy, cache, parse)
    loaded = _cached(catalogue_copy, cache, parse)
    assert parse.parses == 1
    assert loaded == parsed and loaded is not parsed
    assert loaded is not None and parsed is not None
    assert loaded.by_slug.keys() == parsed.by_slug.keys()
    assert [t.model_dump() for t in loaded.tools] == [t.model_dump() for t in parsed.tools]


def test_a_copied_catalogue_elsewhere_has_its_own_cache(catalogue_copy: Path, cache: Path) -> None:
    settled(catalogue_copy)
    other = catalogue_copy.parent / "other"
    shutil.copytree(catalogue_copy, other)
    settled(other)
    compare(catalogue_copy, cache)
    compare(other, cache)
    assert len(cache_files(cache)) == 2


def test_a_warm_start_loads_the_matcher_with_the_catalogue_instead_of_building_it(
    catalogue_copy: Path, cache: Path
) -> None:
    """A fresh process, as `verdict` starts: the matcher's index comes out of the cache file
    (its constructor never runs) and resolves names as the one built from the files does."""
    settled(catalogue_copy)
    first = compare(catalogue_copy, cache)  # parses, builds the index and saves both
    script = (
        "import datetime as dt, sys\n"
        "from pathlib import Path\n"
        "from bot.compare import Comparer, Matcher\n"
        "from bot.catalogue import check_with_known_models\n"
        "def refuse(*_):\n"
        "    raise SystemExit('the matcher was rebuilt')\n"
        "Matcher.__init__ = refuse\n"
        "today = dt.datetime.now(dt.UTC).date()\n"
        "catalogue, _ = check_with_known_models(Path(sys.argv[1]), as_of=today, "
        "cache_dir=Path(sys.argv[2]))\n"
        "print(','.join(t.slug for t in Comparer(catalogue).resolve_query(sys.argv[3])))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("VERDICT_")}
    ran = subprocess.run(
        [sys.executable, "-c", script, str(catalogue_copy), str(cache), PAIR],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "smolvlm2,mistral-medium-3"
    assert compare(catalogue_copy, cache) == first


def test_an_index_whose_code_changed_is_rebuilt_and_the_catalogue_still_loaded(
    catalogue_copy: Path, cache: Path, tmp_path: Path
) -> None:
    source = tmp_path / "index_code.py"
    source.write_text("# version 1\n")
    built: list[int] = []

    def slugs(catalogue: Catalogue) -> tuple[str, ...]:
        built.append(1)
        return tuple(t.slug for t in catalogue.tools)

    register_index("test-slugs", slugs, source)
    try:
        settled(catalogue_copy)
        parse = _Counted(catalogue_copy)
        parsed = _cached(catalogue_copy, cache, parse)
        assert parsed is not None and built == [1]  # built to be saved
        loaded = _cached(catalogue_copy, cache, parse)
        assert loaded is not None
        assert catalogue_index(loaded, "test-slugs") == catalogue_index(parsed, "test-slugs")
        assert built == [1]  # loaded, not built again
        source.write_text("# version 2, another size\n")
        again = _cached(catalogue_copy, cache, parse)
        assert again is not None and parse.parses == 1  # the catalogue itself still loads
        assert catalogue_index(again, "test-slugs") == tuple(t.slug for t in again.tools)
        assert built == [1, 1]
    finally:
        del cache_module._INDEXES["test-slugs"]


@pytest.fixture
def made_up_catalogue(tmp_path: Path) -> tuple[Path, list[Tool]]:
    """300 made-up reviewed tools shaped like real ones (`benchmarks.matching`), written as a
    checkout's files are (dated a day back), with the dataset layer under them as usual."""
    from benchmarks.matching import synthetic_tools, write_catalogue

    root = tmp_path / "made-up"
    root.mkdir()
    tools = synthetic_tools(load_catalogue(bundled_catalogue_dir()).tools, 300)
    write_catalogue(tools, root)
    return root, tools


def test_a_cold_and_a_warm_start_draw_the_same_card_over_a_made_up_catalogue(
    made_up_catalogue: tuple[Path, list[Tool]], cache: Path
) -> None:
    """The first start parses every file, builds the matcher and writes the cache; the second
    reads both back. A person sees the same card, word for word, reviews and sources too."""
    root, tools = made_up_catalogue
    first, second = tools[7], tools[201]
    typed = f"{first.name[:3]}{first.name[2:]} vs {second.name}"  # one slip, as people type
    asked = [("compare", typed, "--full"), ("compare", typed, "--json"), ("tool", second.slug)]
    cold = [verdict(*args, catalogue=root, cache=cache) for args in asked[:1]]
    [written] = cache_files(cache)
    cold += [verdict(*args, catalogue=root, cache=cache) for args in asked[1:]]
    warm = [verdict(*args, catalogue=root, cache=cache) for args in asked]
    for ran in cold + warm:
        assert ran.returncode == 0 and ran.stderr == "", ran.stderr
    assert [ran.stdout for ran in warm] == [ran.stdout for ran in cold]
    assert first.name in cold[0].stdout and second.name in cold[0].stdout
    assert "Full reviews" in cold[0].stdout and "The Skeptic" in cold[0].stdout
    assert cache_files(cache) == [written]


def test_a_loaded_catalogue_holds_each_repeated_text_and_field_set_once(
    made_up_catalogue: tuple[Path, list[Tool]], cache: Path
) -> None:
    """What keeps a warm 10,000-tool start within its memory: a licence, a persona's slug, what
    a source supports, and pydantic's set of given fields are one object each across tools,
    not one per tool, in the catalogue as parsed and as read back from the cache."""
    root, _ = made_up_catalogue
    parse = _Counted(root)
    parsed = _cached(root, cache, parse)
    loaded = _cached(root, cache, parse)
    assert parse.parses == 1 and loaded is not None and parsed is not None
    for catalogue in (parsed, loaded):
        tools = catalogue.tools
        assert len({id(t.licence) for t in tools if t.licence == "MIT"}) == 1
        assert len({id(slug) for t in tools for slug in t.panel}) == len(catalogue.panel.slugs)
        supports = {id(s) for t in tools for source in t.sources for s in source.supports}
        assert len(supports) == len({s for t in tools for src in t.sources for s in src.supports})
    reviews = [review for tool in loaded.tools for review in tool.panel.values()]
    assert len(reviews) == 1200
    assert len({id(review.__pydantic_fields_set__) for review in reviews}) == 1
    assert len({id(tool.lifecycle) for tool in loaded.tools}) == 1  # the default, shared
    assert [t.model_dump() for t in loaded.tools] == [t.model_dump() for t in parsed.tools]
