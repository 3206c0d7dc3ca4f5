"""The generated layer's I/O: read the pinned genai-prices snapshot, derive tools, cache them.

Importing genai-prices' data costs about 0.2 s and deriving the tools as much again, so the
derived tools are written to a small JSON cache keyed by the package version, the day prices were
read for, and this module's schema; a later start reads that file instead (see
`benchmarks/matching.py` for what that costs). A cache that cannot be read or written is
rebuilt or skipped, never an error: the dataset is always at hand.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from bot.catalogue.cache import cached_catalogue, depends_on, package_source
from bot.catalogue.capabilities import add_capabilities
from bot.catalogue.capabilities_data import capability_index, capability_key
from bot.catalogue.dataset import DatasetInfo, derive_tools
from bot.catalogue.freshness import PRICES_FILE, fetched_on
from bot.catalogue.layers import merge_layers
from bot.catalogue.lifecycle import read_shutdowns
from bot.catalogue.loader import check_catalogue
from bot.catalogue.models import Catalogue, Tool
from bot.catalogue.trusted_files import read_trusted
from bot.errors import Problem

MAX_CACHE_BYTES = 64 * 1024 * 1024
"""Far above the dataset's few megabytes; a bigger file is not ours to read."""
CACHE_SCHEMA = 20
"""Bump when `derive_tools` changes what it produces, so old caches are not reused."""


@functools.cache
def _tools_adapter() -> TypeAdapter[list[Tool]]:
    """Built on first use: a start served from the catalogue cache never validates a tool, and
    the models' schemas are deferred (`models._Frozen`) so it never builds them either."""
    return TypeAdapter(list[Tool])


def dataset_version() -> str:
    try:
        return version("genai-prices")
    except PackageNotFoundError:  # pragma: no cover - a declared dependency
        return "unknown"


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "verdict-bot"


def _cache_file(cache_dir: Path, info: DatasetInfo) -> Path:
    capabilities = hashlib.sha256(_data_key(cache_dir).encode()).hexdigest()[:12]
    day = info.as_of.isoformat()
    version = dataset_version()  # the file name's; the data's own key is `capabilities`
    return cache_dir / f"known-models-{version}-{day}-{capabilities}-v{CACHE_SCHEMA}.json"


def bundled_providers() -> list[Any]:
    """The providers of the snapshot genai-prices is using (the bundled one)."""
    from genai_prices import data_snapshot

    return list(data_snapshot.get_snapshot().providers)


@functools.lru_cache(maxsize=2)
def _refreshed(path: Path, stamp: tuple[int, int]) -> list[Any] | None:
    from genai_prices.types import _providers_from_raw

    try:
        raw = json.loads(path.read_bytes())["data"]
        return list(_providers_from_raw(raw))
    except Exception:  # a damaged file: the bundled data serves
        return None


def refreshed_providers(cache_dir: Path | None) -> list[Any] | None:
    """The price data the refresh fetched into `cache_dir` (`refresh.py`), if any."""
    if cache_dir is None:
        return None
    path = cache_dir / PRICES_FILE
    try:
        info = path.stat()
    except OSError:
        return None
    return _refreshed(path, (info.st_size, info.st_mtime_ns))


def _data_key(cache_dir: Path | None) -> str:
    """What the generated layer's data is, cheaply: the package versions and refreshed files."""
    stamp = None
    if cache_dir is not None:
        with contextlib.suppress(OSError):
            info = (cache_dir / PRICES_FILE).stat()
            stamp = (info.st_size, info.st_mtime_ns)
    # The code that derives the layer too: an upgraded or edited bot never reads the layer an
    # older one derived (names, makers and lifecycle rules change with it).
    return f"{capability_key(cache_dir)};prices={stamp};code={package_source()}"


def known_tools(
    as_of: dt.date,
    *,
    cache_dir: Path | None = None,
    providers: Sequence[Any] | None = None,
) -> tuple[list[Tool], DatasetInfo]:
    """Every model in the dataset as a tool, with prices as of `as_of` and the capabilities
    models.dev gives it.

    The data is the freshest at hand: what the refresh fetched into `cache_dir` (`refresh.py`),
    else the bundled packages. With `providers` given (a test's own data, a fetch not yet
    stored) they are derived afresh and nothing is cached; otherwise through the cache in
    `cache_dir`.
    """
    fetched = fetched_on(cache_dir) if cache_dir is not None else None
    refreshed = refreshed_providers(cache_dir) if providers is None else None
    fetched = fetched if refreshed is not None else None
    info = DatasetInfo(version=dataset_version(), as_of=as_of, fetched_on=fetched)
    if providers is not None:
        return _derive(providers, info, cache_dir), info
    path = _cache_file(cache_dir, info) if cache_dir is not None else None
    if path is not None:
        cached = _read_cache(path)
        if cached is not None:
            return cached, info
    tools = _derive(refreshed or bundled_providers(), info, cache_dir)
    if path is not None:
        _write_cache(path, tools)
    return tools, info


def _derive(providers: Sequence[Any], info: DatasetInfo, cache_dir: Path | None) -> list[Tool]:
    return add_capabilities(derive_tools(providers, info), capability_index(cache_dir))


def _read_cache(path: Path) -> list[Tool] | None:
    """The cached tools, only from a regular file of ours of bounded size: its names end up in
    the pickled catalogue, which is trusted like code (see `trusted_files`)."""
    raw = read_trusted(path, MAX_CACHE_BYTES)
    if raw is None:
        return None
    try:
        return _tools_adapter().validate_json(raw)
    except (ValidationError, ValueError):
        return None


def _write_cache(path: Path, tools: list[Tool]) -> None:
    """Write atomically (a temporary file renamed into place): two processes starting at once
    must never read half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        plain = _tools_adapter().dump_python(tools, mode="json", exclude_defaults=True)
        payload = json.dumps(plain)
        with tempfile.NamedTemporaryFile(
            "w", dir=path.parent, prefix=".known-models-", delete=False, encoding="utf-8"
        ) as handle:
            handle.write(payload)
        os.replace(handle.name, path)
    except OSError:
        return
    _prune_other_caches(path)


def check_with_known_models(
    root: Path, *, as_of: dt.date, cache_dir: Path | None = None
) -> tuple[Catalogue | None, list[Problem]]:
    """`check_catalogue` on the reviewed files, then the generated layer merged under them.

    With a `cache_dir`, the merged catalogue is cached there too (see `cache.py`): a start with
    unchanged files reads one file instead of parsing each."""

    def build() -> tuple[Catalogue | None, list[Problem]]:
        catalogue, problems = check_catalogue(root)
        shutdowns, lifecycle_problems = read_shutdowns(Path(root))
        if catalogue is None or lifecycle_problems:
            return None, [*problems, *lifecycle_problems]
        tools, _ = known_tools(as_of, cache_dir=cache_dir)
        return merge_layers(catalogue, tools, shutdowns), []

    if cache_dir is None:
        return build()
    context = depends_on(as_of, f"{dataset_version()};{_data_key(cache_dir)}")
    return cached_catalogue(Path(root), cache_dir=cache_dir, depends_on=context, build=build)


def _prune_other_caches(keep: Path) -> None:
    """Yesterday's cache files are dead weight once today's is written."""
    for old in keep.parent.glob("known-models-*.json"):
        if old != keep:
            with contextlib.suppress(OSError):
                old.unlink()
