"""One catalogue from two layers: the reviewed TOML files on top of the generated dataset tools.

A reviewed file wins over the generated tool for the same model and takes from it what it lacks
(the "served by" offers, the ids providers sell it under). The same model means: the file names it
(`dataset = "provider/model-id"`), or its slug or name reads as the generated tool's model
("gpt-4o", "Claude Haiku 3.5"). Aliases are never guessed from: an old alias such as
"mistral-large-latest" may point at a newer model today.

Names stay unambiguous across layers: a dataset id or generated name that reads like a reviewed
tool's is dropped or replaced, so matching never has two owners for one exact name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from bot.catalogue.capabilities import fill_from_facts
from bot.catalogue.lifecycle import Shutdown, apply_shutdowns, successor_problems
from bot.catalogue.model_ids import model_key, snapshot_of
from bot.catalogue.models import Catalogue, Tool
from bot.catalogue.names import compact
from bot.errors import Problem

PRICE_TOLERANCE = 0.005
"""USD per 1M tokens below which two prices are the same price written differently."""


def _model_keys(tool: Tool) -> set[str]:
    return {model_key(snapshot_of(tool.slug)), model_key(snapshot_of(tool.name))}


class _GeneratedIndex:
    def __init__(self, generated: Sequence[Tool]) -> None:
        self.by_id: dict[str, Tool] = {}
        self.by_key: dict[str, Tool] = {}
        self.by_model_id: dict[str, Tool] = {}
        for tool in generated:
            if tool.dataset is not None:
                self.by_id.setdefault(tool.dataset.lower(), tool)
            for offer in tool.offers:
                self.by_id.setdefault(f"{offer.provider}/{offer.model_id}".lower(), tool)
            for model_id in tool.model_ids:
                self.by_model_id.setdefault(model_id.lower(), tool)
            for key in _model_keys(tool):
                self.by_key.setdefault(key, tool)

    def twin_of(self, reviewed: Tool) -> Tool | None:
        """The generated tool for the same model as a reviewed file, if any."""
        if reviewed.dataset is not None:
            found = self.by_id.get(reviewed.dataset.lower())
            if found is not None:
                return found
            model_id = reviewed.dataset.partition("/")[2]
            return self.by_model_id.get(model_id.lower()) or self.by_key.get(
                model_key(snapshot_of(model_id))
            )
        for key in _model_keys(reviewed):
            if key in self.by_key:
                return self.by_key[key]
        return None


def pair_layers(reviewed: Iterable[Tool], generated: Sequence[Tool]) -> list[tuple[Tool, Tool]]:
    """(reviewed, generated) pairs naming the same model."""
    index = _GeneratedIndex(generated)
    pairs = []
    for tool in reviewed:
        if tool.is_product:
            continue  # an app is never the dataset's model of a similar name (ChatGPT, Whisper)
        twin = index.twin_of(tool)
        if twin is not None:
            pairs.append((tool, twin))
    return pairs


def merge_layers(
    catalogue: Catalogue, generated: Sequence[Tool], shutdowns: Sequence[Shutdown] = ()
) -> Catalogue:
    """The reviewed catalogue with every generated tool it does not already hold, the
    lifecycle file's shutdowns (`lifecycle.py`) applied to the generated ones."""
    generated = apply_shutdowns(generated, shutdowns)
    pairs = pair_layers(catalogue.tools, generated)
    twins = {r.slug: g for r, g in pairs}
    replaced = {g.slug for g in twins.values()}

    taken: set[str] = set()
    for tool in catalogue.tools:
        taken.update(compact(text) for text in _answers_to(tool))

    kept: list[Tool] = []
    for tool in generated:
        if tool.slug in replaced or compact(tool.slug) in taken:
            continue
        if compact(tool.name) in taken:
            tool = tool.model_copy(update={"name": tool.slug})
        if any(compact(alias) in taken for alias in tool.aliases):
            free = [a for a in tool.aliases if compact(a) not in taken]
            tool = tool.model_copy(update={"aliases": free})
        taken.update(compact(text) for text in _answers_to(tool))
        kept.append(tool)

    given: set[str] = set()
    merged: list[Tool] = []
    for tool in catalogue.tools:
        twin = twins.get(tool.slug)
        if twin is None:
            merged.append(tool)
            continue
        update: dict[str, object] = {"dataset": tool.dataset or twin.dataset}
        if not tool.offers:
            update["offers"] = twin.offers
        if twin.slug not in given:
            # Two reviewed files may share one dataset model (Mistral Medium 3 and 3.1 are one
            # dataset entry); its ids then go to the first only.
            given.add(twin.slug)
            update["model_ids"] = (*tool.model_ids, *_free_ids(twin, taken))
        merged.append(fill_from_facts(tool.model_copy(update=update), twin))

    for tool in kept:
        merged.append(tool.model_copy(update={"model_ids": _free_ids(tool, taken)}))

    return Catalogue(
        panel=catalogue.panel,
        tools=tuple(sorted(merged, key=lambda t: t.slug)),
        weekly=catalogue.weekly,
        panel_rules=catalogue.panel_rules,
    )


def _answers_to(tool: Tool) -> list[str]:
    """What the matcher reads as this tool exactly (see `compare.matching`)."""
    return [tool.slug, tool.name, *tool.aliases, f"{tool.vendor} {tool.name}"]


def _free_ids(tool: Tool, taken: set[str]) -> tuple[str, ...]:
    """The dataset ids no other tool already answers to; each claimed as it is given."""
    free = []
    for model_id in tool.model_ids:
        key = compact(model_id)
        if key and key not in taken:
            taken.add(key)
            free.append(model_id)
    return tuple(free)


def _differs(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and abs(a - b) > PRICE_TOLERANCE


def dataset_disagreements(reviewed: Iterable[Tool], generated: Sequence[Tool]) -> list[Problem]:
    """Facts in reviewed files that the dataset states differently, as warnings for a person to
    check: the dataset may be newer (a price cut) or wrong; either way someone should look."""
    warnings: list[Problem] = []
    for tool, twin in pair_layers(reviewed, generated):
        shown = f"tools/{tool.slug}.toml"
        source = twin.dataset or twin.slug
        as_of = twin.pricing.as_of.isoformat() if twin.pricing.as_of else "today"
        mine, theirs = tool.pricing, twin.pricing
        if mine.model == "per-token" and (
            _differs(mine.input_usd_per_mtok, theirs.input_usd_per_mtok)
            or _differs(mine.output_usd_per_mtok, theirs.output_usd_per_mtok)
        ):
            warnings.append(
                Problem(
                    shown,
                    "pricing",
                    f"${mine.input_usd_per_mtok:g} in / ${mine.output_usd_per_mtok:g} out here, "
                    f"${theirs.input_usd_per_mtok:g} / ${theirs.output_usd_per_mtok:g} in the "
                    f"dataset ({source}, as of {as_of})",
                )
            )
        here, there = tool.facts.context_window, twin.facts.context_window
        if here is not None and there is not None and here != there:
            warnings.append(
                Problem(
                    shown,
                    "facts.context_window",
                    f"{here:,} tokens here, {there:,} in the dataset ({source})",
                )
            )
        if tool.lifecycle.status == "active" and twin.lifecycle.status != "active":
            warnings.append(
                Problem(shown, "lifecycle", f"active here, {twin.lifecycle.status} in the dataset")
            )
    return warnings


def lifecycle_problems(catalogue: Catalogue, day: dt.date | None = None) -> list[Problem]:
    """A successor must be a tool the catalogue knows, or the card would name nothing; with a
    `day`, its chain must end at a model still served that day."""
    problems = [] if day is None else successor_problems(catalogue.by_slug, day)
    for tool in catalogue.tools:
        successor = tool.lifecycle.successor
        if successor is not None and successor not in catalogue.by_slug:
            problems.append(
                Problem(
                    f"tools/{tool.slug}.toml", "lifecycle.successor", f'unknown tool "{successor}"'
                )
            )
    return problems
