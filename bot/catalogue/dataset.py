"""The generated layer: every model in the genai-prices dataset as one comparable `Tool`.

One tool per model, not per snapshot or reseller. A first-party provider's own model (Anthropic's
Claude, Google's Gemini: the provider's `model_match` claims the id) anchors a tool; dated
snapshots and "-latest" aliases of it join it (`snapshot_of`), and so does every reseller entry
that names it, by id or by the owner's `match` clauses. Models no first party sells (open weights
on Groq, Together, Hugging Face providers, …) are grouped by `served_model_of`. Each provider
serving a tool becomes one `Offer`, cheapest first.

Pure: it reads provider objects shaped like `genai_prices.types.Provider` and a date, and
returns tools. Reading the package and caching the result is `known_models.py`'s job.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.catalogue.grouping import (
    Entry,
    Group,
    equals_clauses,
    group_entries,
    off_peak_on,
    owned_model_id,
    unit_price_on,
)
from bot.catalogue.makers import maker_of
from bot.catalogue.model_ids import (
    model_key,
    names_a_release,
    served_model_of,
    slug_of,
    snapshot_of,
    without_org,
)
from bot.catalogue.models import (
    EntryPrice,
    Facts,
    Lifecycle,
    Offer,
    Pricing,
    Source,
    Tool,
)
from bot.catalogue.names import compact, variants_beyond
from bot.catalogue.pricing import blended_usd_per_mtok

CATEGORY_WORDS = (
    ("embed", "embedding"),
    ("rerank", "reranker"),
    ("moderation", "moderation"),
    ("guard", "moderation"),
    ("ocr", "ocr"),
    ("tts", "speech"),
    ("whisper", "speech"),
    ("transcribe", "speech"),
    ("audio", "speech"),
    ("realtime", "speech"),
    ("voice", "speech"),
    ("eleven", "speech"),
    ("image", "image-generation"),
    ("dall-e", "image-generation"),
    ("imagen", "image-generation"),
)
"""The dataset has no category field; a word in the id says what a model is for, else "llm"."""

NOT_STATED = "not stated in the price dataset"
DATASET_URL = "https://github.com/pydantic/genai-prices"


@dataclass(frozen=True, slots=True)
class DatasetInfo:
    """Which dataset the generated layer was read from, and the day its prices were read for."""

    version: str
    as_of: dt.date
    fetched_on: dt.date | None = None
    """The day the refresh fetched the price data; None for the package's bundled snapshot,
    which carries no date of its own (`as_of` is only the day its prices were read for)."""

    @property
    def label(self) -> str:
        fetched = f", data fetched {self.fetched_on.isoformat()}" if self.fetched_on else ""
        return f"genai-prices {self.version}{fetched}"

    @property
    def source_name(self) -> str:
        """What a card names the price data by: the fetched data by its date (`read_on`), the
        bundled snapshot by its package version."""
        return "genai-prices" if self.fetched_on else f"genai-prices {self.version}"

    def sources(self, url: str, *, deprecated: bool) -> list[Source]:
        """What a model from this dataset cites: its provider's page, and the dataset itself."""
        supports = ["pricing", "facts.context_window", *(["lifecycle"] if deprecated else [])]
        page = Source(url=url, supports=supports, read_on=self.fetched_on, dataset=self.source_name)
        return [page, self.source]

    @property
    def source(self) -> Source:
        """The dataset itself, cited under every model it gave: its name is in the sources
        with its date, not in the taglines a reader sees."""
        return Source(
            url=DATASET_URL, supports=["pricing"], read_on=self.fetched_on, dataset=self.source_name
        )


def _category(model_id: str) -> str:
    lowered = model_id.lower()
    for word, category in CATEGORY_WORDS:
        if word in lowered:
            return category
    return "llm"


def _pretty(model_id: str) -> str:
    """ "llama-3.3-70b" -> "Llama 3.3 70B": a readable name when the dataset gives none."""
    words = []
    for part in model_id.replace("_", "-").split("-"):
        size = part[:-1].replace(".", "").isdigit() and part[-1:] in ("b", "m", "k")
        if size or part in ("gpt", "glm", "vl", "oss"):
            words.append(part.upper())
        else:
            words.append(part[:1].upper() + part[1:])
    return " ".join(w for w in words if w)


def _offer(entry: Entry, as_of: dt.date) -> Offer | None:
    if entry.price is None:
        return None
    urls = entry.provider.pricing_urls or []
    return Offer(
        provider=entry.provider.id,
        provider_name=entry.provider.name,
        model_id=entry.model.id,
        input_usd_per_mtok=entry.price[0],
        output_usd_per_mtok=entry.price[1],
        url=urls[0] if urls else None,
        as_of=as_of,
    )


def _offer_cost(offer: Offer) -> tuple[float, str]:
    pricing = Pricing(
        model="per-token",
        input_usd_per_mtok=offer.input_usd_per_mtok,
        output_usd_per_mtok=offer.output_usd_per_mtok,
    )
    return (blended_usd_per_mtok(pricing) or 0.0, offer.provider)


def offers_of(entries: Iterable[Entry], as_of: dt.date, prefer: str | None = None) -> list[Offer]:
    """One offer per provider, cheapest first; a provider's id matching `prefer` wins over
    its cheaper snapshots (OpenAI's "gpt-4o", not its older "gpt-4o-2024-05-13")."""
    best: dict[str, Offer] = {}
    for entry in entries:
        if ":" in without_org(entry.model.id) and not entry.model.id.endswith(":0"):
            continue  # "…:batch", "…:free": a variant with its own terms, not the offer itself
        offer = _offer(entry, as_of)
        if offer is None:
            continue
        current = best.get(offer.provider)
        preferred = prefer is not None and entry.model.id == prefer
        if (
            current is None
            or preferred
            or (current.model_id != prefer and _offer_cost(offer) < _offer_cost(current))
        ):
            best[offer.provider] = offer
    return sorted(best.values(), key=_offer_cost)


def _tool(group: Group, info: DatasetInfo) -> Tool | None:
    prefer = group.owner.model.id if group.owner is not None else None
    offers = offers_of(group.members, info.as_of, prefer)
    primary = group.owner if group.owner is not None else None
    if primary is not None and primary.price is not None:
        price = primary.price
        source_provider = primary.provider
        off_peak = off_peak_on(primary.model, info.as_of)
        note = (
            f"off-peak ${off_peak[0]:g} in / ${off_peak[1]:g} out at set UTC hours"
            if off_peak
            else ""
        )
    elif offers:
        cheapest = offers[0]
        assert cheapest.input_usd_per_mtok is not None  # offers are only made from prices
        assert cheapest.output_usd_per_mtok is not None
        price = (cheapest.input_usd_per_mtok, cheapest.output_usd_per_mtok)
        source_provider = next(
            e.provider for e in group.members if e.provider.id == cheapest.provider
        )
        note = f"cheapest of {len(offers)} provider{'s' if len(offers) != 1 else ''}"
    else:
        return _unit_priced_tool(group, info)

    aliases: list[str] = []
    if primary is not None:
        model_id = owned_model_id(primary.model)
        aliases = _release_aliases(primary, model_id)
        name = primary.model.name or _pretty(model_id)
        description = (primary.model.description or "").strip()
        context = primary.model.context_window
        deprecated = bool(primary.model.deprecated)
        dataset_id = f"{primary.provider.id}/{primary.model.id}"
    else:
        model_id = _served_id(group)
        name = _served_name(group, model_id)
        description = ""
        context = max((e.model.context_window or 0 for e in group.members), default=0) or None
        deprecated = all(e.model.deprecated for e in group.members)
        first = group.members[0]
        dataset_id = f"{first.provider.id}/{first.model.id}"
    slug = slug_of(model_id)
    if not slug or not compact(name):
        return None
    vendor = maker_of(group)
    urls = source_provider.pricing_urls or []
    if not urls:
        return None
    served = f"served by {len(offers)} provider{'s' if len(offers) != 1 else ''}"
    tagline = f"{name} by {vendor}, {served}"[:100]
    if not description:
        description = f"{name}, a model by {vendor}; {served}."
    model_ids = _model_ids(group, primary, {slug, name, *aliases})
    return Tool(
        slug=slug,
        name=name[:80],
        aliases=aliases,
        vendor=vendor,
        category=_category(model_id),
        tagline=tagline,
        description=description[:2000],
        licence=NOT_STATED,
        released=None,
        entry_price=EntryPrice.PAID,
        pricing=Pricing(
            model="per-token",
            input_usd_per_mtok=price[0],
            output_usd_per_mtok=price[1],
            note=note,
            as_of=info.as_of,
        ),
        best_for="not reviewed yet",
        facts=Facts(context_window=context),
        sources=info.sources(urls[0], deprecated=deprecated),
        panel={},
        lifecycle=Lifecycle(status="deprecated" if deprecated else "active"),
        offers=tuple(offers),
        model_ids=tuple(model_ids),
        dataset=dataset_id,
    )


def _unit_priced_tool(group: Group, info: DatasetInfo) -> Tool | None:
    """A model priced in another unit than tokens (per minute of audio, per 1M characters, per
    1M input tokens): its maker's price, or the first provider's, shown in that unit."""
    entries = [group.owner] if group.owner is not None else []
    entries += [e for e in group.members if e is not group.owner]
    for entry in entries:
        found = unit_price_on(entry.model, info.as_of)
        urls = entry.provider.pricing_urls or []
        if found is None or not urls:
            continue
        usd, unit = found
        model_id = owned_model_id(entry.model) if entry is group.owner else _served_id(group)
        slug = slug_of(model_id)
        name = (
            (entry.model.name or _pretty(model_id)) if entry is group.owner else _pretty(model_id)
        )
        if not slug or not compact(name):
            return None
        vendor = maker_of(group)
        aliases = _release_aliases(entry, model_id) if entry is group.owner else []
        return Tool(
            slug=slug,
            name=name[:80],
            aliases=aliases,
            vendor=vendor,
            category=_category(model_id),
            tagline=f"{name} by {vendor}, priced per {unit}"[:100],
            description=f"{name}, a model by {vendor}, priced per {unit}.",
            licence=NOT_STATED,
            released=None,
            entry_price=EntryPrice.PAID,
            pricing=Pricing(
                model="per-unit", usd_per_unit=usd, unit=unit, note="", as_of=info.as_of
            ),
            best_for="not reviewed yet",
            facts=Facts(context_window=entry.model.context_window),
            sources=info.sources(urls[0], deprecated=entry.model.deprecated),
            panel={},
            lifecycle=Lifecycle(status="deprecated" if entry.model.deprecated else "active"),
            model_ids=tuple(_model_ids(group, group.owner, {slug, name, *aliases})),
            dataset=f"{entry.provider.id}/{entry.model.id}",
        )
    return None


def _release_aliases(primary: Entry, model_id: str) -> list[str]:
    """The maker's year-month ids of its model ("mistral-large-2512" for Mistral Large 3,
    "mistral-small-2506" for Small 3.2): other names of it, which the matcher takes as names,
    since a release number is no version it could check against the name's."""
    found = set()
    for clause in {primary.model.id} | equals_clauses(primary):
        release_id = snapshot_of(without_org(clause))
        if names_a_release(release_id) and compact(release_id) != compact(model_id):
            found.add(release_id)
    return sorted(found)


def _model_ids(group: Group, primary: Entry | None, own: set[str]) -> list[str]:
    """The ids a tool answers to, one per spelling that is not a snapshot of another: the matcher
    reads a dated or variant id ("gpt-4o-2024-08-06", "…:free") as its `snapshot_of` form."""
    ids = {e.model.id for e in group.members} | equals_clauses(primary)
    # An id naming a variant the tool's name lacks ("gpt-5-codex" in GPT-5's price rule) is a
    # price-match clause, not a name of this model.
    ids = {i for i in ids if not variants_beyond(snapshot_of(i), " ".join(own))}
    taken = {compact(o) for o in own}
    kept: dict[str, str] = {}
    for model_id in sorted(ids, key=lambda i: (len(i), i)):
        undated = snapshot_of(model_id, latest=False)  # the matcher's reading of a typed id
        key = compact(undated)
        if key and key not in taken and key not in kept:
            kept[key] = model_id if compact(model_id) == key else undated
    return sorted(kept.values(), key=str.lower)


def _served_id(group: Group) -> str:
    """The most common reseller spelling of an unowned model, for its slug ("llama-3.3-70b")."""
    counts = Counter(served_model_of(e.model.id) for e in group.members)
    return min(counts, key=lambda i: (-counts[i], len(i), i))


def _served_name(group: Group, model_id: str) -> str:
    names = [
        e.model.name.strip()
        for e in group.members
        if e.model.name and model_key(served_model_of(e.model.name.replace(" ", "-"))) == group.key
    ]
    return min(names, key=lambda n: (len(n), n)) if names else _pretty(model_id)


def derive_tools(providers: Sequence[Any], info: DatasetInfo) -> list[Tool]:
    """Every priced model in the dataset as one tool, slugs and names unique, sorted by slug."""
    tools: list[Tool] = []
    taken: set[str] = set()
    groups = group_entries(providers, info.as_of)
    # Owned models first: when two groups want one name, the vendor's own model keeps it.
    groups.sort(key=lambda g: (g.owner is None, g.key))
    for group in groups:
        tool = _tool(group, info)
        if tool is None or tool.slug in taken:
            continue
        name_key = compact(tool.name)
        if name_key in taken:
            tool = tool.model_copy(update={"name": _pretty(tool.slug)[:80]})
            name_key = compact(tool.name)
            if name_key in taken:
                continue
        taken.update({tool.slug, name_key, compact(tool.slug)})
        tools.append(tool)
    return sorted(tools, key=lambda t: t.slug)
