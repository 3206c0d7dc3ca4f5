"""The capabilities layer: what a model reads and writes, its limits, tool calling, structured
output, reasoning, open weights, release date and knowledge cutoff, from models.dev (MIT).

The price dataset knows what a model costs; models.dev knows what it can do. Both name models by
the ids providers sell them under, so a generated tool takes its capabilities from the models.dev
entry with the same id, the maker's own entry first (a reseller may cap the context or drop image
input). Every fact added is backed by a `Source` dated with the day the models.dev data was
collected, never the day it is read.

A model newer than the data (Claude Opus 4.8 when models.dev knows 4.7) may borrow the
capabilities of its family's latest known member, and then says so: `capabilities_as_for`.

Pure: `index_models_dev` reads the published JSON shape (provider id -> {"models": {id: {...}}});
fetching it and reading the bundled copy is `capabilities_data.py`'s job.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.catalogue.grouping import FIRST_PARTY
from bot.catalogue.model_ids import (
    model_key,
    names_a_release,
    served_model_of,
    snapshot_of,
    without_org,
)
from bot.catalogue.models import Lifecycle, Source, Tool
from bot.catalogue.names import MODALITY_WORDS, VARIANT_WORDS, compact, normalise

SOURCE_URL = "https://models.dev/api.json"
"""models.dev's published dataset, which the bundled copy and the refresh both are."""

MAKERS = frozenset(
    {
        "alibaba",
        "anthropic",
        "cohere",
        "deepseek",
        "google",
        "minimax",
        "mistral",
        "moonshotai",
        "openai",
        "xai",
        "zai",
        "zhipuai",
        "perplexity",
        "meta",
        "llama",
        "nvidia",
        "amazon-bedrock",
    }
)
"""models.dev providers that sell their own models: their entry is the model's own."""

CAPABILITY_FIELDS = (
    "facts.context_window",
    "facts.modalities",
    "facts.output_modalities",
    "facts.output_limit",
    "facts.tool_calling",
    "facts.structured_output",
    "facts.reasoning",
    "facts.open_weights",
    "facts.knowledge_cutoff",
)


@dataclass(frozen=True, slots=True)
class Capabilities:
    """One models.dev entry, reduced to what a card can say."""

    provider: str
    model_id: str
    name: str
    family: str
    modalities: tuple[str, ...]
    output_modalities: tuple[str, ...]
    context_window: int | None
    output_limit: int | None
    tool_calling: bool | None
    structured_output: bool | None
    reasoning: bool | None
    open_weights: bool | None
    knowledge_cutoff: str | None
    released: dt.date | None
    deprecated: bool

    @property
    def known_fields(self) -> int:
        return sum(
            value is not None
            for value in (
                self.context_window,
                self.tool_calling,
                self.structured_output,
                self.knowledge_cutoff,
                self.released,
            )
        )


@dataclass(slots=True)
class CapabilityIndex:
    """models.dev entries by the key a tool's ids read as; the date its data was collected."""

    read_on: dt.date
    label: str
    exact: dict[str, Capabilities] = field(default_factory=dict)
    """Every entry by its id as written (`model_key` of it): the maker's first."""
    own: dict[str, Capabilities] = field(default_factory=dict)
    """The maker's own entries, by `model_key(snapshot_of(id))`."""
    served: dict[str, Capabilities] = field(default_factory=dict)
    """Every entry, by `model_key(served_model_of(id))`: the best-described one wins."""
    shapes: dict[str, list[tuple[tuple[int, ...], Capabilities]]] = field(default_factory=dict)
    """The maker's entries by id shape ("claude-opus-#-#"), for a model newer than the data."""

    def lookup(self, ids: Iterable[str], *, maker_only: bool = False) -> Capabilities | None:
        """The entry for the first id that has one. `maker_only` (a model its maker sells):
        only the maker's own entries, since a reseller's "gemini-pro" may be any Gemini Pro."""
        # A moving alias ("mistral-medium-latest") names whichever model is newest: never a key.
        ids = [i for i in ids if i and not i.lower().endswith("-latest")]
        for model_id in ids:
            found = self.exact.get(model_key(without_org(model_id)))
            # a year-month release ("mistral-small-24b-instruct-2501") names one model exactly,
            # whoever lists it; a bare "gemini-pro" from a reseller may be any Gemini Pro
            exact = names_a_release(model_id)
            if found is not None and (not maker_only or found.provider in MAKERS or exact):
                return found
        for model_id in ids:
            found = self.own.get(model_key(snapshot_of(model_id)))
            if found is not None:
                return found
        if maker_only:
            return None
        for model_id in ids:
            found = self.served.get(model_key(served_model_of(model_id)))
            if found is not None:
                return found
        return None

    def latest_in_family(self, model_id: str) -> Capabilities | None:
        """The newest known member of a model's family, when the model is newer than all of
        them ("claude-opus-4-8" after "claude-opus-4-7"); None when it is not newer."""
        shape, version = _shape(snapshot_of(without_org(model_id)))
        members = self.shapes.get(shape)
        if not members or not version:
            return None
        newest_version, newest = max(members, key=lambda m: m[0])
        return newest if version > newest_version else None


_VERSION = re.compile(r"\d+(?:[-.]\d+)*")
_SIZE = re.compile(r"\d(?:b|m|k|x\d+b)\b|\d{6,}")


def _shape(model_id: str) -> tuple[str, tuple[int, ...]]:
    """ "claude-opus-4-7" -> ("claude-opus-#", (4, 7)): the family and its version, compared as
    ordered numbers (5 after 4.7). An id with a size ("qwen3-32b") or a long number has no
    family here: a 35B model never borrows a 27B one's capabilities."""
    text = model_id.lower()
    if _SIZE.search(text):
        return text, ()
    found = _VERSION.findall(text)
    if len(found) != 1 or sum(c.isalpha() for c in text) < 3:
        return text, ()  # "r1-1776": too little name to call a family
    return _VERSION.sub("#", text), tuple(int(n) for n in re.split(r"[-.]", found[0]))


def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _positive(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and value > 0 else None


def _day(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if len(text) == 7:
            return dt.date.fromisoformat(f"{text}-01")
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


_VL = re.compile(r"(?:^|[-_./])vl(?:$|[-_.])", flags=re.IGNORECASE)
_CUTOFF = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _capabilities(provider: str, raw: Mapping[str, Any]) -> Capabilities | None:
    model_id = raw.get("id")
    if not isinstance(model_id, str) or not model_id:
        return None
    modalities = raw.get("modalities") or {}
    limit = raw.get("limit") or {}
    knowledge = raw.get("knowledge")
    knowledge = knowledge if isinstance(knowledge, str) and _CUTOFF.match(knowledge) else None
    return Capabilities(
        provider=provider,
        model_id=model_id,
        name=str(raw.get("name") or model_id),
        family=str(raw.get("family") or ""),
        modalities=tuple(str(m) for m in modalities.get("input") or ()),
        output_modalities=tuple(str(m) for m in modalities.get("output") or ()),
        context_window=_positive(limit.get("context")),
        output_limit=_positive(limit.get("output")),
        tool_calling=_flag(raw.get("tool_call")),
        structured_output=_flag(raw.get("structured_output")),
        reasoning=_flag(raw.get("reasoning")),
        open_weights=_flag(raw.get("open_weights")),
        knowledge_cutoff=knowledge,
        released=_day(raw.get("release_date")),
        deprecated=raw.get("status") == "deprecated",
    )


def index_models_dev(raw: Mapping[str, Any], *, read_on: dt.date, label: str) -> CapabilityIndex:
    """The models.dev data (`api.json`'s shape) indexed for `lookup`."""
    index = CapabilityIndex(read_on=read_on, label=label)
    for provider_id in sorted(raw):
        provider = raw[provider_id]
        models = provider.get("models") if isinstance(provider, Mapping) else None
        if not isinstance(models, Mapping):
            continue
        for model_id in sorted(models):
            entry = models[model_id]
            if not isinstance(entry, Mapping):
                continue
            caps = _capabilities(provider_id, entry)
            if caps is None or caps.model_id.lower().endswith("-latest"):
                continue  # a moving alias describes whichever model it points at today
            exact = model_key(without_org(caps.model_id))
            if exact not in index.exact or (
                provider_id in MAKERS and index.exact[exact].provider not in MAKERS
            ):
                index.exact[exact] = caps
            if provider_id in MAKERS and "/" not in caps.model_id:
                key = model_key(snapshot_of(caps.model_id))
                current = index.own.get(key)
                # The undated id ("claude-opus-4-1") over its snapshots and "-latest" twins.
                if current is None or (_undated(caps) and not _undated(current)):
                    index.own[key] = caps
                shape, version = _shape(snapshot_of(caps.model_id))
                if version:
                    index.shapes.setdefault(shape, []).append((version, caps))
            key = model_key(served_model_of(caps.model_id))
            current = index.served.get(key)
            if current is None or _better(caps, current):
                index.served[key] = caps
    return index


def _undated(caps: Capabilities) -> bool:
    return snapshot_of(caps.model_id) == caps.model_id.lower()


def _better(new: Capabilities, old: Capabilities) -> bool:
    """Of resellers' entries for one model: the maker's, else the best described, else the
    largest context (a reseller may cap it)."""
    return (new.provider in MAKERS, new.known_fields, new.context_window or 0) > (
        old.provider in MAKERS,
        old.known_fields,
        old.context_window or 0,
    )


def category_from_modalities(caps: Capabilities, fallback: str) -> str:
    """What a model is for, from what it reads and writes; the id's words only when the data
    does not say. Embedding, reranking and moderation models "write" text in models.dev, so
    those keep the category their id gave."""
    if fallback in ("embedding", "reranker", "moderation"):
        return fallback
    out = set(caps.output_modalities)
    read = set(caps.modalities)
    if not out:
        return fallback
    if "image" in out:
        return "image-generation"
    if "video" in out:
        return "video-generation"
    if "audio" in out or ("audio" in read and not read & {"image", "video", "pdf"}):
        return "speech"  # a voice model, a transcriber, an audio-understanding model (Voxtral)
    if "image" in read and _VL.search(caps.model_id):
        return "vision-language"  # named so by its maker (Qwen2.5-VL) and reads images
    return "llm"


def _ids_of(tool: Tool) -> list[str]:
    ids = []
    if tool.dataset is not None:
        ids.append(tool.dataset.partition("/")[2])
    ids.append(tool.slug)
    ids.extend(tool.model_ids)
    ids.extend(o.model_id for o in tool.offers)
    return ids


def capabilities_of(tool: Tool, index: CapabilityIndex) -> tuple[Capabilities | None, bool]:
    """The models.dev entry for a tool, and whether it is borrowed from the family's newest."""
    owner = tool.dataset.partition("/")[0] if tool.dataset is not None else ""
    found = index.lookup(_ids_of(tool), maker_only=owner in FIRST_PARTY)
    if found is not None:
        return found, False
    if tool.dataset is not None:
        borrowed = index.latest_in_family(tool.dataset.partition("/")[2])
        if borrowed is not None:
            return borrowed, True
    return None, False


def with_capabilities(tool: Tool, index: CapabilityIndex, *, fill_only: bool = False) -> Tool:
    """The tool with models.dev's facts added, each cited with the data's collection date.

    `fill_only` (a reviewed file): only fields the file leaves unknown are filled, and its
    lifecycle, category and release date stay as reviewed.
    """
    caps, borrowed = capabilities_of(tool, index)
    if caps is None:
        return tool
    facts = tool.facts
    found: dict[str, object] = {
        "context_window": None if borrowed else caps.context_window,
        "modalities": list(caps.modalities),
        "output_modalities": list(caps.output_modalities),
        "output_limit": None if borrowed else caps.output_limit,
        "tool_calling": caps.tool_calling,
        "structured_output": caps.structured_output,
        "reasoning": caps.reasoning,
        "open_weights": caps.open_weights,
        "knowledge_cutoff": None if borrowed else caps.knowledge_cutoff,
    }
    update: dict[str, object] = {}
    for name, value in found.items():
        if value in (None, []):
            continue
        current = getattr(facts, name)
        if fill_only and current not in (None, []):
            continue
        if not fill_only and name == "context_window" and current is not None:
            continue  # the price dataset's context stays; models.dev fills the gaps
        update[name] = value
    if borrowed and update:
        update["capabilities_as_for"] = caps.name
    supports = [f"facts.{name}" for name in update if name != "capabilities_as_for"]
    if borrowed and update:
        supports.append("facts.capabilities_as_for")
    tool_update: dict[str, object] = {}
    if not fill_only and not borrowed:
        if tool.released is None and caps.released is not None:
            tool_update["released"] = caps.released
            supports.append("released")
        if caps.deprecated and caps.provider in MAKERS and tool.lifecycle.status == "active":
            tool_update["lifecycle"] = Lifecycle(
                status="deprecated", note=f"models.dev lists {caps.model_id} as deprecated"
            )
            supports.append("lifecycle")
        tool_update["category"] = category_from_modalities(caps, tool.category)
        if _better_spelled(caps.name.strip(), tool.name) or _truer(caps, tool.name):
            tool_update["name"] = caps.name.strip()
            supports.append("name")
    if not supports:
        return tool.model_copy(update=tool_update) if tool_update else tool
    source = Source(url=SOURCE_URL, supports=supports, read_on=index.read_on, dataset="models.dev")
    return tool.model_copy(
        update={
            **tool_update,
            "facts": facts.model_copy(update=update) if update else facts,
            "sources": [*tool.sources, source],
        }
    )


def _better_spelled(name: str, current: str) -> bool:
    """models.dev's name is the same words with the maker's capitals ("GPT-4.1" where the price
    data says "gpt 4.1"); a bare id ("qwen3-235b-a22b-instruct-2507") never replaces a name."""
    capitals = sum(c.isupper() for c in name)
    return compact(name) == compact(current) and capitals > sum(c.isupper() for c in current)


EFFORT_WORDS = frozenset({"minimal", "low", "medium", "high", "xhigh"})
"""Reasoning-effort settings: a name carrying one claims a setting, not the model."""


def _truer(caps: Capabilities, current: str) -> bool:
    """The price data's name claims an effort or variant its model's id lacks ("o4 Mini High"
    for OpenAI's o4-mini) and models.dev's name keeps to the id ("o4-mini"): the id is what
    is billed."""
    id_words = set(normalise(caps.model_id).split())
    claimed = set(normalise(current).split()) - id_words
    return (
        bool(claimed)
        and claimed <= EFFORT_WORDS | VARIANT_WORDS | MODALITY_WORDS
        and not set(normalise(caps.name).split()) - id_words
    )


def add_capabilities(tools: Sequence[Tool], index: CapabilityIndex | None) -> list[Tool]:
    """Every generated tool with what models.dev knows of it."""
    if index is None:
        return list(tools)
    return [with_capabilities(tool, index) for tool in tools]


def fill_from_facts(reviewed: Tool, twin: Tool) -> Tool:
    """A reviewed file's unknown facts filled from its generated twin's cited ones."""
    update: dict[str, object] = {}
    supports: dict[str, list[str]] = {}
    cited = {field: source for source in twin.sources for field in source.supports}
    for name, value in twin.facts:
        if value in (None, [], {}) or getattr(reviewed.facts, name) not in (None, [], {}):
            continue
        source = cited.get(f"facts.{name}")
        if source is None or source.read_on is None:
            continue  # only dated, sourced facts cross layers
        update[name] = value
        supports.setdefault(str(source.url), []).append(f"facts.{name}")
    if not update:
        return reviewed
    by_url = {str(s.url): s for s in twin.sources}
    sources = [
        Source(
            url=by_url[url].url,
            supports=fields,
            read_on=by_url[url].read_on,
            dataset=by_url[url].dataset,
        )
        for url, fields in supports.items()
    ]
    return reviewed.model_copy(
        update={
            "facts": reviewed.facts.model_copy(update=update),
            "sources": [*reviewed.sources, *sources],
        }
    )
