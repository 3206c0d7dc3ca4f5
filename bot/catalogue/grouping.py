"""How the price dataset's entries become models: which provider owns a model, which entries
(snapshots, aliases, resellers) are the same model, and what a model costs on a given day.

A first-party provider's own model (its `model_match` claims the id) anchors a group; dated
snapshots and "-latest" aliases of it join it (`snapshot_of`), and so does every reseller entry
that names it, by id or by the owner's `match` clauses, as genai-prices itself would price it.
Models no first party sells are grouped by `served_model_of`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.catalogue.model_ids import model_key, served_model_of, snapshot_of, without_org

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


def price_on(model: Any, day: dt.date) -> tuple[float, float] | None:
    """A model's (input, output) USD per 1M tokens on `day`, or None when it has no token price.

    Of dated prices the latest that has started counts; off-peak (time-of-day) discounts and
    long-context tiers do not: the card shows the price most requests pay.
    """
    prices = model.prices
    if isinstance(prices, list):
        chosen = None
        chosen_start = dt.date.min
        for conditional in prices:
            constraint = conditional.constraint
            start = getattr(constraint, "start_date", None)
            if constraint is None:
                if chosen is None:
                    chosen = conditional.prices
            elif start is not None and start <= day and start >= chosen_start:
                chosen, chosen_start = conditional.prices, start
        prices = chosen
    if prices is None:
        return None
    values = []
    for name in ("input_mtok", "output_mtok"):
        value = getattr(prices, name, None)
        value = getattr(value, "base", value)  # tiered: the price below the first tier
        if value is None:
            return None
        values.append(float(value))
    return (values[0], values[1])


def _owns(provider: Any, model_id: str) -> bool:
    if provider.id not in FIRST_PARTY:
        return False
    return provider.model_match is None or provider.model_match.is_match(model_id)


def group_entries(providers: Sequence[Any], as_of: dt.date) -> list[Group]:
    owners: dict[str, Group] = {}
    claimers: dict[str, list[tuple[Any, Group]]] = {}
    rest: list[Entry] = []
    for provider in providers:
        for model in provider.models:
            entry = Entry(provider, model, price_on(model, as_of))
            if _owns(provider, model.id):
                if _is_moving_alias(model):
                    continue
                key = model_key(snapshot_of(model.id))
                group = owners.setdefault(key, Group(key))
                undated = snapshot_of(model.id) == model.id.lower()
                if group.owner is None or (undated and not _is_undated(group.owner)):
                    group.owner = entry
                group.members.append(entry)
                claimers.setdefault(provider.id, []).append((model, group))
            else:
                rest.append(entry)

    first_party = [p for p in providers if p.id in FIRST_PARTY and p.model_match is not None]
    served: dict[str, Group] = {}
    for entry in rest:
        light = snapshot_of(without_org(snapshot_of(entry.model.id)))
        claimed = owners.get(model_key(light)) or _claimed_by(first_party, claimers, light)
        if claimed is None:
            claimed = owners.get(model_key(served_model_of(entry.model.id)))
        if claimed is not None:
            claimed.members.append(entry)
            continue
        if entry.model.id.startswith("~") or entry.model.id.lower().endswith("-latest"):
            continue  # a moving alias of something we do not know: not a model of its own
        key = model_key(served_model_of(entry.model.id))
        if key:
            served.setdefault(key, Group(key)).members.append(entry)
    return [*owners.values(), *served.values()]


def _is_moving_alias(model: Any) -> bool:
    """Mistral's "mistral-medium-latest" entry answers to nothing but itself: it names whichever
    model is newest, which the dataset does not say, so it is no model of its own."""
    if not model.id.lower().endswith("-latest"):
        return False
    return equals_clauses(Entry(None, model, None)) == {model.id} and hasattr(model.match, "equals")


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
