"""How the price dataset's entries become models: which provider owns a model, which entries
(snapshots, aliases, resellers) are the same model, and what a model costs on a given day.

A first-party provider's own model (its `model_match` claims the id) anchors a group; dated
snapshots and "-latest" aliases of it join it (`snapshot_of`), and so does every reseller entry
that names it, by id or by the owner's `match` clauses, as genai-prices itself would price it.
Models no first party sells are grouped by `served_model_of`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.catalogue.model_ids import (
    model_key,
    release_of,
    served_model_of,
    slug_of,
    snapshot_of,
    without_org,
)
from bot.catalogue.names import variants_beyond

FIRST_PARTY = frozenset(
    {
        "anthropic",
        "arcee",
        "cohere",
        "deepseek",
        "elevenlabs",
        "google",
        "meta",
        "minimax",
        "mistral",
        "moonshotai",
        "openai",
        "perplexity",
        "voyageai",
        "x-ai",
        "zai",
        "zhipuai",
    }
)
"""Providers that sell their own models. Everyone else in the dataset is a reseller or a cloud."""


@dataclass(slots=True)
class Entry:
    """One model of one provider in the dataset, with its price on the day read."""

    provider: Any
    model: Any
    price: tuple[float, float] | None


@dataclass(slots=True)
class Group:
    """The dataset entries that are one model: its owner's (if a first party sells it) and every
    snapshot, alias and reseller entry of it."""

    key: str
    owner: Entry | None = None
    members: list[Entry] = field(default_factory=list)


def _pair(prices: Any) -> tuple[float, float] | None:
    values = []
    for name in ("input_mtok", "output_mtok"):
        value = getattr(prices, name, None)
        value = getattr(value, "base", value)  # tiered: the price below the first tier
        if value is None:
            return None
        values.append(float(value))
    return (values[0], values[1])


HALF_HOURS = tuple(dt.time(h, m, tzinfo=dt.UTC) for h in range(24) for m in (0, 30))


def prices_through_the_day(model: Any, day: dt.date) -> Counter[tuple[float, float]]:
    """How many half hours of `day` (UTC) each (input, output) price holds for, read with
    genai-prices' own rules (dated prices, time-of-day discounts)."""
    if not isinstance(model.prices, list):
        pair = _pair(model.prices)
        return Counter({pair: len(HALF_HOURS)} if pair is not None else {})
    counts: Counter[tuple[float, float]] = Counter()
    if not any(hasattr(c.constraint, "start_time") for c in model.prices):
        # dated prices only: one reading holds all day (sampling costs a start 0.3 s)
        pair = _pair(model.get_prices(dt.datetime.combine(day, HALF_HOURS[24])))
        return Counter({pair: len(HALF_HOURS)} if pair is not None else {})
    for moment in HALF_HOURS:
        pair = _pair(model.get_prices(dt.datetime.combine(day, moment)))
        if pair is not None:
            counts[pair] += 1
    return counts


def price_on(model: Any, day: dt.date) -> tuple[float, float] | None:
    """A model's standard (input, output) USD per 1M tokens on `day`, or None when it has no
    token price: the price that holds for most of the day. An off-peak discount (DeepSeek's, a
    few UTC hours at half price) is not the price most requests pay; see `off_peak_on`.
    Long-context tiers do not count either."""
    counts = prices_through_the_day(model, day)
    if not counts:
        return None
    return max(counts, key=lambda pair: (counts[pair], pair))


def off_peak_on(model: Any, day: dt.date) -> tuple[float, float] | None:
    """The cheapest price some hours of `day` get, when it is below the standard price."""
    counts = prices_through_the_day(model, day)
    if len(counts) < 2:
        return None
    standard = max(counts, key=lambda pair: (counts[pair], pair))
    cheapest = min(counts, key=lambda pair: (pair[0] + pair[1], pair))
    return cheapest if cheapest[0] + cheapest[1] < standard[0] + standard[1] else None


MAKER_WORDS = {
    "deepseek": "deepseek",
    "llama": "meta",
    "qwen": "alibaba",
    "qwq": "alibaba",
    "glm": "zai",
    "kimi": "moonshotai",
    "gemma": "google",
    "gemini": "google",
    "claude": "anthropic",
    "gpt": "openai",
    "grok": "x-ai",
    "mistral": "mistral",
    "mixtral": "mistral",
    "minimax": "minimax",
    "nemotron": "nvidia",
    "phi": "microsoft",
}
"""A model family's first word and the provider id of its maker. A first-party provider that
sells another maker's model ("deepseek/deepseek-v4-pro" on Arcee, Perplexity) resells it."""
_SAME_MAKER = {"zhipuai": "zai", "meta": "meta"}


UNITS = (
    ("input_audio_hours", 1 / 60, "minute of audio"),
    ("audio_hours", 1 / 60, "minute of audio"),
    ("input_mchars", 1.0, "1M characters"),
    ("input_document_kpages", 1.0, "1,000 pages"),
    ("input_mtok", 1.0, "1M input tokens"),
)
"""Prices in other units than input and output tokens, in the unit a buyer reads them in."""


def unit_price_on(model: Any, day: dt.date) -> tuple[float, str] | None:
    """(USD, unit) for a model with no per-token input and output price: a transcriber per
    minute of audio, a voice per 1M characters, an embedding model per 1M input tokens."""
    prices = model.prices
    if isinstance(prices, list):
        prices = model.get_prices(dt.datetime.combine(day, dt.time(12, tzinfo=dt.UTC)))
    if _pair(prices) is not None:
        return None
    for name, factor, unit in UNITS:
        value = getattr(prices, name, None)
        value = getattr(value, "base", value)
        if value is not None and float(value) > 0:
            return (round(float(value) * factor, 6), unit)
    return None


def _owns(provider: Any, model_id: str) -> bool:
    """A first party owns the models it makes, never another maker's it also sells."""
    if provider.id not in FIRST_PARTY:
        return False
    if provider.model_match is not None and not provider.model_match.is_match(model_id):
        return False
    org = model_id.lower().rsplit("/", 1)[0] if "/" in model_id else provider.id
    if org.split("/")[-1] not in (provider.id, _SAME_MAKER.get(provider.id, provider.id)):
        return False  # "thinkingmachines/inkling-small" on Arcee: another maker's model
    name = without_org(model_id).lower()
    first = re.split(r"[-_.\s\d]", name, maxsplit=1)[0]
    maker = MAKER_WORDS.get(first)
    return maker is None or maker == _SAME_MAKER.get(provider.id, provider.id)


_VERSION_WORD = re.compile(r"^v?\d+(?:\.\d+)*$")
"""A word of a name that is a version number ("3", "3.1"), not a size ("14B")."""


def owned_model_id(model: Any) -> str:
    """The id a maker's model is known by: its snapshot, except that a year-month release the
    maker names with a version of its own ("mistral-large-2512", "Mistral Large 3 2512") reads as
    that name ("mistral-large-3"), so a cloud's "mistral-large-3-675b" finds it. A release its
    name gives no version ("codestral-2508", "Codestral 2508") stays as it is."""
    snapshot = snapshot_of(without_org(model.id))  # Perplexity's "perplexity/sonar" is "sonar"
    _, release = release_of(snapshot)
    if release is None:
        return snapshot
    words = [w for w in str(model.name or "").split() if w != release]
    if any(_VERSION_WORD.match(w) for w in words[1:]):
        return slug_of(" ".join(words))
    return snapshot


@dataclass(slots=True)
class _Releases:
    """The owners' year-month releases, to place a reseller's released id: "Devstral-2-123B-
    Instruct-2512" is Mistral's devstral-2512; "Mistral-Nemo-Instruct-2407" is the one Mistral
    NeMo; "mistral-large-2402" is none of the Mistral Large models sold today."""

    by_release: dict[tuple[str, str], Group] = field(default_factory=dict)
    released_stems: set[str] = field(default_factory=set)
    named: set[str] = field(default_factory=set)
    """Keys of owners whose name gives their release a version ("mistral large 3")."""

    def add(self, model: Any, group: Group) -> None:
        if owned_model_id(model) != snapshot_of(without_org(model.id)):
            self.named.add(group.key)
        for model_id in {model.id} | equals_clauses(Entry(None, model, None)):
            stem, release = release_of(snapshot_of(model_id))
            if release is not None:
                self.by_release.setdefault((model_key(stem), release), group)
                self.released_stems.add(model_key(stem))

    def place(self, served: str, owners: dict[str, Group]) -> Group | None:
        """The owner's group a reseller's `served_model_of` id is, if any: by its release
        (the longest matching stem), else by a size tag the maker's own name leaves out
        ("mistral-large-3-675b" for "Mistral Large 3")."""
        stem, release = release_of(served)
        if release is None:
            size = _SIZE.search(served)
            if size is None:
                return None
            key = model_key(served[: size.start()])
            return owners.get(key) if key in self.named else None
        words = stem.split("-")
        for end in range(len(words), 0, -1):  # "devstral-2-123b", "devstral-2", "devstral"
            found = self.by_release.get((model_key("-".join(words[:end])), release))
            if found is not None:
                return found
        if model_key(stem) in self.released_stems:
            return None  # another release of a model its maker sells in several
        return owners.get(model_key(stem))


_SIZE = re.compile(r"-\d+(?:\.\d+)?[bm]$")


def group_entries(providers: Sequence[Any], as_of: dt.date) -> list[Group]:
    owners: dict[str, Group] = {}
    claimers: dict[str, list[tuple[Any, Group]]] = {}
    releases = _Releases()
    rest: list[Entry] = []
    for provider in providers:
        for model in provider.models:
            entry = Entry(provider, model, price_on(model, as_of))
            if _owns(provider, model.id):
                if _is_moving_alias(model):
                    continue
                key = model_key(owned_model_id(model))
                group = owners.setdefault(key, Group(key))
                undated = snapshot_of(model.id) == model.id.lower()
                if (
                    group.owner is None
                    or (undated and not _is_undated(group.owner))
                    or (undated and "/" in group.owner.model.id and "/" not in model.id)
                ):
                    group.owner = entry
                group.members.append(entry)
                claimers.setdefault(provider.id, []).append((model, group))
                releases.add(model, group)
            else:
                rest.append(entry)

    first_party = [p for p in providers if p.id in FIRST_PARTY and p.model_match is not None]
    served: dict[str, Group] = {}
    for entry in rest:
        light = snapshot_of(without_org(snapshot_of(entry.model.id)))
        found: Group | None = owners.get(model_key(light)) or _claimed_by(
            first_party, claimers, light
        )
        cloud = CLOUD_VENDOR.match(entry.model.id.lower())
        if found is None and cloud is not None:
            # Bedrock's "deepseek.r1-v1:0" is DeepSeek's R1: the vendor prefix names the maker
            named = snapshot_of(f"{cloud.group(1)}-{cloud.group(2)}")
            found = owners.get(model_key(named)) or _claimed_by(first_party, claimers, named)
        if found is None:
            served_id = served_model_of(entry.model.id)
            found = owners.get(model_key(served_id)) or releases.place(served_id, owners)
        if (
            found is not None
            and found.owner is not None
            and derived_from(entry.model.id, found.owner.model.id)
        ):
            found = None  # a distill or fine-tune of the owner's model is a model of its own
        if found is not None:
            found.members.append(entry)
            continue
        if entry.model.id.startswith("~") or entry.model.id.lower().endswith("-latest"):
            continue  # a moving alias of something we do not know: not a model of its own
        key = model_key(served_model_of(entry.model.id))
        if key:
            served.setdefault(key, Group(key)).members.append(entry)
    return [*owners.values(), *served.values()]


_DERIVED = re.compile(
    r"distill|abliterat|uncensored|fine-?tun|(?:^|[-_])ft(?:$|[-_:])|1776|lora|merge|chimera",
    flags=re.IGNORECASE,
)
_FAMILIES = ("llama", "qwen", "mistral", "gemma", "phi", "mixtral")


def derived_from(model_id: str, base_id: str) -> bool:
    """Whether a reseller's id names a model made from `base_id` rather than `base_id` itself:
    a distill ("DeepSeek-R1-Distill-Llama-8B"), a fine-tune ("r1-1776"), or one family's model
    trained into another's ("deepseek-r1-0528-qwen3-8b"). Its price is not the base's."""
    # without a cloud's vendor prefix: Bedrock's "mistral.devstral-2-123b" is no Mistral-family
    # model trained into Devstral
    name = snapshot_of(without_org(model_id))
    base = snapshot_of(without_org(base_id))
    if _DERIVED.search(name) and not _DERIVED.search(base):
        return True
    if variants_beyond(served_model_of(name), base):
        return True  # "gpt-5-codex" matched by GPT-5's price rule is still GPT-5 Codex
    return any(family in name and family not in base for family in _FAMILIES)


CLOUD_VENDOR = re.compile(r"^(?:(?:global|us|eu|apac|au|jp|ca)\.)?([a-z]+)\.([a-z0-9][^/]*)$")
"""A cloud's "<vendor>.<model>" id (Bedrock): the vendor and the model as the vendor names it."""


def _is_moving_alias(model: Any) -> bool:
    """Mistral's "mistral-medium-latest" entry answers to nothing but itself: it names whichever
    model is newest, which the dataset does not say, so it is no model of its own."""
    if not model.id.lower().endswith("-latest"):
        return False
    # "mistral-ocr-latest" also answers to "mistral-ocr-latest-completion": the same alias
    alone = {model.id, f"{model.id}-completion"}
    clauses = equals_clauses(Entry(None, model, None))
    return model.id in clauses and clauses <= alone and _only_equals(model.match)


def _only_equals(clause: Any) -> bool:
    if hasattr(clause, "equals"):
        return True
    return hasattr(clause, "or_") and all(_only_equals(c) for c in clause.or_)


def _is_undated(entry: Entry) -> bool:
    undated: bool = snapshot_of(entry.model.id) == entry.model.id.lower()
    return undated


def _claimed_by(
    first_party: Sequence[Any], claimers: dict[str, list[tuple[Any, Group]]], model_id: str
) -> Group | None:
    """The owner's model whose `match` clause accepts a reseller's id, as genai-prices would."""
    for provider in first_party:
        if not provider.model_match.is_match(model_id):
            continue
        for model, group in claimers.get(provider.id, []):
            if model.match.is_match(model_id):
                return group
    return None


def equals_clauses(entry: Entry | None) -> set[str]:
    """The exact ids an owner's model answers to ("grok-4", "grok-4-latest" for grok-4-0709)."""
    if entry is None:
        return set()
    found: set[str] = set()
    pending = [entry.model.match]
    while pending:
        clause = pending.pop()
        if hasattr(clause, "equals"):
            found.add(clause.equals)
        pending.extend(getattr(clause, "or_", ()))
    return found
