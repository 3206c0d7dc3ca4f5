"""Shutdowns the datasets miss: a reviewed, sourced list (`catalogue/lifecycle.toml`) of models
their makers have retired or will retire, applied to the generated layer by model id.

The price dataset flags some models deprecated and models.dev marks a few; neither says when a
model stopped answering. This file does, each entry citing the maker's deprecation page. Status
is still computed when read (`Lifecycle.status_on`): an entry with a shutdown date ahead keeps
its model deprecated until the day passes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, model_validator

from bot.catalogue.model_ids import model_key, snapshot_of, without_org
from bot.catalogue.models import SLUG_PATTERN, Lifecycle, Source, Tool
from bot.errors import Problem

LIFECYCLE_FILE = "lifecycle.toml"


class Shutdown(BaseModel):
    """One retirement as the maker announced it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ids: list[str] = Field(min_length=1)
    """The maker's model ids ("gpt-4.5-preview"); snapshots and resellers' ids of them match."""
    retired_on: dt.date | None = None
    """The shutdown day, as the maker announced it."""
    retired_by: dt.date | None = None
    """For a shutdown whose day the maker no longer publishes: the day of the cited source
    that shows the model gone. Never a guessed day: one of the two dates is required."""
    deprecated_on: dt.date | None = None
    successor: str | None = Field(default=None, pattern=SLUG_PATTERN)
    url: HttpUrl
    read_on: dt.date
    """The day the source was read."""
    note: str = Field(default="", max_length=120)

    @model_validator(mode="after")
    def _dated(self) -> Shutdown:
        if (self.retired_on is None) == (self.retired_by is None):
            raise ValueError(
                "needs one of retired_on (the announced day) or retired_by (a sourced day)"
            )
        return self


class Shutdowns(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    shutdown: list[Shutdown] = Field(default_factory=list)


def read_shutdowns(root: Path) -> tuple[list[Shutdown], list[Problem]]:
    """The catalogue directory's lifecycle file (absent: none), or what is wrong with it."""
    from bot.catalogue.loader import toml_parser  # type: ignore[attr-defined]

    path = Path(root) / LIFECYCLE_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return [], []
    except OSError as exc:
        return [], [Problem(LIFECYCLE_FILE, "file", str(exc))]
    try:
        return list(Shutdowns.model_validate(toml_parser.loads(text)).shutdown), []
    except toml_parser.TOMLDecodeError as exc:
        return [], [Problem(LIFECYCLE_FILE, "toml", f"not valid TOML: {exc}")]
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return [], [Problem(LIFECYCLE_FILE, where, first["msg"])]


def _key(model_id: str) -> str:
    return model_key(snapshot_of(without_org(snapshot_of(model_id))))


def _index(shutdowns: Iterable[Shutdown]) -> dict[str, Shutdown]:
    return {_key(model_id): entry for entry in shutdowns for model_id in entry.ids}


def _tool_keys(tool: Tool) -> list[str]:
    keys = []
    if tool.dataset is not None:
        keys.append(_key(tool.dataset.partition("/")[2]))
    keys.append(_key(tool.slug))
    return keys


def apply_shutdowns(tools: Sequence[Tool], shutdowns: Sequence[Shutdown]) -> list[Tool]:
    """Generated tools with the lifecycle the file gives their model, cited."""
    if not shutdowns:
        return list(tools)
    index = _index(shutdowns)
    out = []
    for tool in tools:
        entry = next((index[k] for k in _tool_keys(tool) if k in index), None)
        if entry is None or tool.reviewed:
            out.append(tool)
            continue
        lifecycle = Lifecycle(
            status="deprecated",  # retired once its day has passed (`Lifecycle.status_on`)
            deprecated_on=entry.deprecated_on,
            retired_on=entry.retired_on,
            retired_by=entry.retired_by,
            successor=entry.successor,
            note=entry.note,
        )
        source = Source(url=entry.url, supports=["lifecycle"], read_on=entry.read_on)
        out.append(
            tool.model_copy(update={"lifecycle": lifecycle, "sources": [*tool.sources, source]})
        )
    return out


def live_successor(tool: Tool, by_slug: Mapping[str, Tool], day: dt.date) -> Tool | None:
    """The first tool down the successor chain that is not retired on `day` (None: the chain
    breaks, loops or ends at a retired model)."""
    seen = {tool.slug}
    current = tool
    while current.lifecycle.successor is not None:
        nxt = by_slug.get(current.lifecycle.successor)
        if nxt is None or nxt.slug in seen:
            return None
        if nxt.status_on(day) != "retired":
            return nxt
        seen.add(nxt.slug)
        current = nxt
    return None


def successor_problems(by_slug: Mapping[str, Tool], day: dt.date) -> list[Problem]:
    """Every named successor chain must end at a model still served on `day`."""
    problems = []
    for tool in by_slug.values():
        if tool.lifecycle.successor is None or tool.lifecycle.successor not in by_slug:
            continue  # an unknown successor is `layers.lifecycle_problems`' to report
        if live_successor(tool, by_slug, day) is None:
            shown = f"tools/{tool.slug}.toml" if tool.reviewed else LIFECYCLE_FILE
            problems.append(
                Problem(
                    shown,
                    "lifecycle.successor",
                    f'"{tool.lifecycle.successor}" leads only to retired models on {day}',
                )
            )
    return problems
