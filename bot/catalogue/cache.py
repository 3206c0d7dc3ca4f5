"""The parsed-catalogue cache: a start reads one file instead of parsing every TOML file.

Building a 10,000-tool catalogue (parsing and checking the files, the dataset layer, the merge)
takes about 1.4 s and its matcher index 0.15 s more; reading both back from a pickle 0.3 s. The
cache is a convenience, never a source of truth: it is keyed by a fingerprint
of every file the catalogue is read from (name, size, modification and change times, inode),
taken before they are parsed, plus everything else the result depends on (the day prices are read
for, the genai-prices version, the source files of this package, pydantic's and Python's
versions). Any change in them is a miss. A missing, corrupt, foreign or unwritable cache file is
parsed around in silence; only a sound catalogue is written.

Indexes over the catalogue that higher layers build (the name matcher's normalised names,
aliases and word postings: `register_index`) are saved in the same file and loaded with it, so a
warm start neither parses the files nor rebuilds the matcher. They are keyed by the source files
of the modules that build them as well: an edited matcher loads the catalogue and rebuilds only
its index.

A pickle runs code when it is loaded, so the file is trusted like the code itself: it is written
readable by its owner only, and a file owned by someone else or writable by others is ignored.
"""

from __future__ import annotations

import contextlib
import copyreg
import datetime as dt
import hashlib
import os
import pickle
import sys
import tempfile
import threading
import time
import types
import typing
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from bot.catalogue.lifecycle import LIFECYCLE_FILE
from bot.catalogue.loader import (
    PANEL_FILE,
    PANEL_RULES_FILE,
    PRODUCTS_DIR,
    TOOLS_DIR,
    WEEKLY_FILE,
    no_cyclic_gc,
)
from bot.catalogue.models import Catalogue
from bot.catalogue.trusted_files import open_trusted
from bot.errors import Problem

CACHE_SCHEMA = 2
"""Bump when what is cached changes shape in a way the fingerprint cannot see."""

RACY_SECONDS = 2.0
"""A file modified this recently may change again within the file system's timestamp
resolution without its fingerprint changing (git's "racily clean" problem); a catalogue holding
one is not written to the cache until it has settled."""

STALE_DAYS = 30
"""Cache files of other catalogue directories untouched this long are removed when one is
written (test runs and old checkouts otherwise pile up)."""

MAGIC = b"verdict-catalogue\n"
MAX_CACHE_BYTES = 512 * 1024 * 1024
"""Far above a 10,000-tool catalogue's pickle; a bigger file is not ours to read."""

Build = Callable[[], tuple[Catalogue | None, list[Problem]]]
BuildIndex = Callable[[Catalogue], object]

_INDEXES: dict[str, tuple[BuildIndex, tuple[Path, ...]]] = {}
"""The registered indexes, in registration order (a later one may use an earlier one)."""
_KEPT: dict[int, tuple[weakref.ref[Catalogue], dict[str, object]]] = {}
"""Indexes of the catalogues alive in this process (by `id`: hashing a frozen catalogue would
hash every tool), loaded with them from the cache or built on first use."""
_KEPT_LOCK = threading.Lock()


last_timings: dict[str, float] = {}
"""Seconds the last `cached_catalogue` spent reading the cache, building the catalogue, building
its indexes and writing the cache (those it did), wall clock: for `benchmarks.startup`."""
last_cpu_timings: dict[str, float] = {}
"""The same parts in this process's CPU seconds, which a busy machine inflates less."""


@contextlib.contextmanager
def _timed(part: str) -> Iterator[None]:
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        last_timings[part] = time.perf_counter() - wall
        last_cpu_timings[part] = time.process_time() - cpu


def register_index(name: str, build: BuildIndex, *sources: Path) -> None:
    """Save `build(catalogue)` with every catalogue this process writes to the cache, and load
    it with the catalogue instead of building it again (see `catalogue_index`). `sources` are the
    files of the code that builds it: the saved index is used only while they are unchanged."""
    _INDEXES[name] = (build, tuple(sources))


def catalogue_index(catalogue: Catalogue, name: str) -> object:
    """The registered index `name` of `catalogue`: the one loaded with it from the cache, or
    built now and kept while the catalogue lives."""
    kept = _kept(catalogue)
    if name not in kept:
        build, _ = _INDEXES[name]
        kept.setdefault(name, build(catalogue))
    return kept[name]


def _kept(catalogue: Catalogue) -> dict[str, object]:
    key = id(catalogue)
    with _KEPT_LOCK:
        found = _KEPT.get(key)
        if found is not None and found[0]() is catalogue:
            return found[1]
        kept: dict[str, object] = {}
        _KEPT[key] = (weakref.ref(catalogue, lambda _: _forget(key)), kept)
        return kept


def _forget(key: int) -> None:
    with _KEPT_LOCK:
        found = _KEPT.get(key)
        if found is not None and found[0]() is None:
            del _KEPT[key]


def _index_key() -> str:
    """What the saved indexes depend on beyond the catalogue: which are registered, and the
    source files that build them (size and modification time, as `package_source`)."""
    parts = []
    for name, (_, sources) in _INDEXES.items():
        parts.append(name)
        for source in sources:
            try:
                info = source.stat()
            except OSError:
                return ""  # cannot be checked: never trusted
            parts.append(f"{source.name}:{info.st_size}:{info.st_mtime_ns}")
    return ",".join(parts)


def cached_catalogue(
    root: Path, *, cache_dir: Path, depends_on: str, build: Build
) -> tuple[Catalogue | None, list[Problem]]:
    """The catalogue cached for `root`'s files as they are now, or `build()`'s (then cached).

    `depends_on` names what else the result depends on (the dataset version and day); it is
    part of the key.
    """
    path = cache_dir / f"catalogue-{_digest(str(Path(root).resolve()))[:24]}.pickle"
    fingerprint = _fingerprint(Path(root), depends_on)
    index_key = _index_key()
    last_timings.clear()
    last_cpu_timings.clear()
    if fingerprint is not None:
        with _timed("read"):
            found = _read(path, fingerprint.key)
        if found is not None:
            saved, saved_key, indexes = found
            if saved_key == index_key and index_key:
                _kept(saved).update(indexes)
            return saved, []
    # Building, indexing and pickling allocate hundreds of thousands of objects that all stay
    # alive: the cyclic collector would walk them again and again for nothing (a third of a
    # cold 10,000-tool start).
    with no_cyclic_gc():
        with _timed("build"):
            catalogue, problems = build()
        if (
            catalogue is not None
            and fingerprint is not None
            and fingerprint.newest_ns < fingerprint.taken_ns - int(RACY_SECONDS * 1e9)
        ):
            # Built now, kept for this process, and saved: the next start loads them.
            with _timed("index"):
                indexes = {name: catalogue_index(catalogue, name) for name in _INDEXES}
            with _timed("write"):
                _write(path, fingerprint.key, (catalogue, index_key, indexes))
    return catalogue, problems


class _Fingerprint:
    """The key, the newest modification time among the files and when they were looked at:
    the files are read after that, so a file older than `RACY_SECONDS` then cannot change again
    under the same timestamp, however long the parse takes."""

    __slots__ = ("key", "newest_ns", "taken_ns")

    def __init__(self, key: bytes, newest_ns: int, taken_ns: int) -> None:
        self.key = key
        self.newest_ns = newest_ns
        self.taken_ns = taken_ns


def _fingerprint(root: Path, depends_on: str) -> _Fingerprint | None:
    """None when a file cannot be looked at; the loader then reports it, uncached."""
    taken = time.time_ns()
    hasher = hashlib.sha256()
    for part in (str(CACHE_SCHEMA), depends_on, sys.version, _pydantic_version(), package_source()):
        hasher.update(part.encode() + b"\0")
    newest = 0
    try:
        for name, info in _catalogue_files(root):
            hasher.update(name.encode(errors="surrogateescape") + b"\0")
            if info is None:
                continue
            newest = max(newest, info.st_mtime_ns)
            described = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)
            hasher.update(repr(described).encode())
    except OSError:
        return None
    return _Fingerprint(hasher.digest(), newest, taken)


def _catalogue_files(root: Path) -> Iterator[tuple[str, os.stat_result | None]]:
    """Every file the loader reads, with its status (links followed, as the loader reads);
    None for an optional file that is absent."""
    for name in (PANEL_FILE, WEEKLY_FILE, LIFECYCLE_FILE, PANEL_RULES_FILE):
        try:
            yield name, os.stat(root / name)
        except FileNotFoundError:
            yield f"{name} (absent)", None
    for directory, required in ((TOOLS_DIR, True), (PRODUCTS_DIR, False)):
        folder = root / directory
        if not required and not folder.is_dir():
            yield f"{directory} (absent)", None
            continue
        yield directory, os.stat(folder)
        with os.scandir(folder) as entries:
            found = sorted(
                (entry.name, entry.stat()) for entry in entries if entry.name.endswith(".toml")
            )
        yield from ((f"{directory}/{name}", info) for name, info in found)


def package_source() -> str:
    """The source files of this package as they are installed: an edited loader or model in a
    checkout misses the cache even though the package version did not change."""
    package = Path(__file__).resolve().parent
    parts = []
    for path in sorted(package.glob("*.py")):
        info = path.stat()
        parts.append(f"{path.name}:{info.st_size}:{info.st_mtime_ns}")
    return ",".join(parts)


def _pydantic_version() -> str:
    import pydantic

    return str(pydantic.VERSION)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode(errors="surrogateescape")).hexdigest()


Saved = tuple[Catalogue, str, dict[str, object]]
"""What a cache file holds: the catalogue, the `_index_key` its indexes were built under, and
the indexes by name (sharing the catalogue's tool objects: one pickle)."""


def _read(path: Path, key: bytes) -> Saved | None:
    handle = open_trusted(path, MAX_CACHE_BYTES)  # a regular file of ours, bounded
    if handle is None:
        return None
    try:
        with handle:
            if handle.read(len(MAGIC) + len(key)) != MAGIC + key:
                return None
            with no_cyclic_gc():
                found = pickle.load(handle)
    # A damaged pickle can raise nearly anything (EOFError, UnpicklingError, AttributeError,
    # ImportError, ValueError, MemoryError, ...); whatever it is, the files are parsed instead.
    except Exception:
        return None
    if (
        isinstance(found, tuple)
        and len(found) == 3
        and isinstance(found[0], Catalogue)
        and isinstance(found[1], str)
        and isinstance(found[2], dict)
    ):
        return found[0], found[1], found[2]
    return None


def _write(path: Path, key: bytes, saved: Saved) -> None:
    """Written atomically (a temporary file renamed into place): two processes starting at once
    never read half a file."""
    written: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "wb", dir=path.parent, prefix=".catalogue-", delete=False
        ) as handle:
            written = handle.name
            handle.write(MAGIC + key)
            _Sharing(handle).dump(saved)
        os.replace(written, path)
    except (OSError, pickle.PicklingError, RecursionError):
        if written is not None:
            with contextlib.suppress(OSError):
                os.unlink(written)
        return
    _prune_stale(path)


class _Sharing(pickle.Pickler):
    """Pickles every model's set of given fields once per distinct set, so the loaded catalogue
    shares them (the ~100,000 small sets pydantic keeps per model are a quarter of a big
    catalogue's memory otherwise), and equal models of plain values once (the default
    lifecycle, a persona): one object each rather than one per tool. Texts that repeat across
    tools (a licence, a persona's slug) are one object already (the loader shares them), which
    pickle's memo writes once. Safe because every model in the catalogue is frozen: nothing
    shared is ever changed in place.

    Hot: called for each of ~130,000 models in a 10,000-tool catalogue, so it does a fixed,
    small amount of work per model (what it may share is decided once per class) and hands the
    model's own `__dict__` to pickle rather than walking its fields."""

    def __init__(self, handle: Any) -> None:
        super().__init__(handle, protocol=pickle.HIGHEST_PROTOCOL)
        self._fields_sets: dict[frozenset[str], set[str]] = {}
        self._models: dict[tuple[object, ...], BaseModel] = {}
        self._kinds: dict[type, tuple[int, bool]] = {}

    def reducer_override(self, obj: Any) -> Any:
        kind = type(obj)
        shape = self._kinds.get(kind)
        if shape is None:
            shape = self._kinds.setdefault(kind, _shape(kind))
        if shape is _NOT_A_MODEL:
            return NotImplemented
        count, shared_when_equal = shape
        values = obj.__dict__
        if len(values) != count:  # a cached property (`Catalogue.by_slug`): rebuilt on demand
            values = {name: value for name, value in values.items() if name in kind.model_fields}
        given = frozenset(obj.__pydantic_fields_set__)
        if shared_when_equal:
            plain_values = tuple(values.values())
            key = (kind, given, plain_values, tuple(map(type, plain_values)))
            first = self._models.setdefault(key, obj)
            if first is not obj:
                return (_same, (first,))
        fields_set = self._fields_sets.get(given)
        if fields_set is None:
            fields_set = self._fields_sets.setdefault(given, set(given))
        state = {
            "__dict__": values,
            "__pydantic_extra__": obj.__pydantic_extra__,
            "__pydantic_fields_set__": fields_set,
            "__pydantic_private__": obj.__pydantic_private__,
        }
        # NEWOBJ and BUILD: the class's `__new__` and pydantic's own `__setstate__` on load.
        return (copyreg.__newobj__, (kind,), state)  # type: ignore[attr-defined]  # not in stubs


_NOT_A_MODEL = (-1, False)
"""The shape of a type the pickler saves its own way (a date, an enum, a URL)."""


def _shape(kind: type) -> tuple[int, bool]:
    """How `_Sharing` saves instances of `kind`: its number of fields, and whether equal
    instances are saved once: a model whose fields all hold `_PLAIN` values and all have
    defaults (the default lifecycle: equal instances are common; a review with its own prose
    never equals another, and hashing its text to find out would cost more than it saves)."""
    if not (isinstance(kind, type) and issubclass(kind, BaseModel)):
        return _NOT_A_MODEL
    fields = kind.model_fields.values()
    shared = all(_plain(f.annotation) and not f.is_required() for f in fields)
    return len(kind.model_fields), shared


_PLAIN = frozenset({str, int, bool, dt.date, type(None)})
"""Values that make a model shareable when equal. Not floats: -0.0 equals 0.0 but prints
differently, and equal prices across tools are rare anyway."""


def _plain(annotation: object) -> bool:
    """Whether a field so annotated can hold only `_PLAIN` values (a `Literal` of them, None)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return all(type(choice) in _PLAIN for choice in typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        return all(_plain(choice) for choice in typing.get_args(annotation))
    return annotation in _PLAIN


def _same(model: BaseModel) -> BaseModel:
    return model


def _prune_stale(keep: Path) -> None:
    limit = time.time() - STALE_DAYS * 86_400
    for old in keep.parent.glob("catalogue-*.pickle"):
        with contextlib.suppress(OSError):
            if old != keep and old.stat().st_mtime < limit:
                old.unlink()


def depends_on(as_of: dt.date, dataset_version: str) -> str:
    """What a merged catalogue depends on besides its files."""
    return f"as_of={as_of.isoformat()};genai-prices={dataset_version}"
