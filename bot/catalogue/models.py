"""The catalogue's shared vocabulary: tools, their pricing and facts, and the review panel."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class EntryPrice(StrEnum):
    """What it costs to start using a tool, cheapest first."""

    FREE = "free"
    OPEN_WEIGHTS = "open-weights"
    FREEMIUM = "freemium"
    PAID = "paid"


Ship = Literal["ship", "skip"]


class _Frozen(BaseModel):
    # Schemas are built on first validation: a start served from the parsed-catalogue cache
    # (`cache.py`) validates nothing and skips building them.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Pricing(_Frozen):
    """How a tool is paid for. Per-token prices are USD per million tokens."""

    model: Literal["per-token", "per-unit", "self-hosted", "subscription", "usage", "free"]
    """"usage" and "free" are for products (`Tool.kind == "product"`): billed by use in the
    product's own unit (`ProductFacts.usage_unit`), or free software. "per-unit" is a model
    priced in its own unit (speech, embedding, document models: `unit`)."""
    input_usd_per_mtok: float | None = Field(default=None, ge=0)
    output_usd_per_mtok: float | None = Field(default=None, ge=0)
    usd_per_unit: float | None = Field(default=None, ge=0)
    unit: str | None = Field(default=None, min_length=1, max_length=40)
    """What a "per-unit" price is per ("minute of audio", "1M characters", "1M input tokens"):
    speech, embedding and document models are priced in their own units, never per token."""
    free_tier: bool = False
    note: str = Field(default="", max_length=120)
    as_of: dt.date | None = None
    """The day these prices were read for; facts age, so a dataset price says when it held."""

    @model_validator(mode="after")
    def _per_token_needs_prices(self) -> Pricing:
        if self.model == "per-token" and (
            self.input_usd_per_mtok is None or self.output_usd_per_mtok is None
        ):
            raise ValueError("per-token pricing needs input_usd_per_mtok and output_usd_per_mtok")
        if self.model == "per-unit" and (self.usd_per_unit is None or self.unit is None):
            raise ValueError("per-unit pricing needs usd_per_unit and unit")
        return self


class Facts(_Frozen):
    """Checkable facts; each one present must be backed by a source.

    `None` means unknown, never "no": a card may say "no tool calling" only from a `False`.
    """

    parameters: str | None = None
    context_window: int | None = Field(default=None, gt=0)
    modalities: list[str] = Field(default_factory=list)
    """What the tool reads ("text", "image", "audio", "video", "pdf")."""
    output_modalities: list[str] = Field(default_factory=list)
    """What the tool writes ("text", "image", "audio")."""
    output_limit: int | None = Field(default=None, gt=0)
    tool_calling: bool | None = None
    structured_output: bool | None = None
    reasoning: bool | None = None
    open_weights: bool | None = None
    knowledge_cutoff: str | None = Field(default=None, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
    benchmarks: dict[str, str] = Field(default_factory=dict)
    capabilities_as_for: str | None = None
    """Set when the capabilities are borrowed from the family's latest known member (its name):
    the card must then say "as for <name>"."""


class Source(_Frozen):
    """A public URL and the fields it backs (`released`, `pricing`, `facts.parameters`, …)."""

    url: HttpUrl
    supports: list[str] = Field(min_length=1)
    read_on: dt.date | None = None
    """The day the data behind this source was collected (never the day it was loaded)."""
    dataset: str | None = None
    """The dataset the facts come from, as a reader names it ("genai-prices 0.2.3",
    "models.dev"), for a generated fact; None for a page a person read."""


class Review(_Frozen):
    """One panel persona's review of one tool. Our own writing."""

    verdict: Ship
    take: str = Field(min_length=1, max_length=140)
    body: str = Field(min_length=1, max_length=1000)


class Persona(_Frozen):
    """A reviewer on the panel, and the lens they judge through."""

    slug: str = Field(pattern=SLUG_PATTERN)
    name: str = Field(min_length=1, max_length=40)
    lens: str = Field(min_length=1, max_length=200)


class Panel(_Frozen):
    personas: list[Persona] = Field(min_length=1)

    @property
    def slugs(self) -> list[str]:
        return [p.slug for p in self.personas]


PanelRuleFact = Literal[
    "status",
    "tool_calling",
    "structured_output",
    "reasoning",
    "open_weights",
    "reads_images",
    "context_window",
    "providers",
    "days_since_release",
    "days_to_shutdown",
    "blended_price",
]
"""What a computed take may be decided by: facts read from a tool on a day (see
`bot/compare/signals.py`); `catalogue/panel_rules.toml` names them."""


class Condition(_Frozen):
    """One test on one fact: equal to `is`, at least `at_least`, below `below`. An unknown
    fact (None) passes no test: a rule never guesses."""

    fact: PanelRuleFact
    is_: bool | str | None = Field(default=None, alias="is")
    at_least: float | None = None
    below: float | None = None

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        if (self.is_, self.at_least, self.below) == (None, None, None):
            raise ValueError("a condition needs one of is, at_least, below")
        return self


class PanelRule(_Frozen):
    """When every condition holds, the persona takes `verdict`, in the words of `take`
    (placeholders `{fact}` name the facts the conditions test)."""

    when: list[Condition] = Field(min_length=1)
    verdict: Ship
    take: str = Field(min_length=1, max_length=140)

    @model_validator(mode="after")
    def _placeholders_are_tested(self) -> PanelRule:
        tested = {c.fact for c in self.when}
        for name in re.findall(r"{([^{}]*)}", self.take):
            if name not in tested:
                raise ValueError(f"take names {{{name}}}, which no condition of the rule tests")
        return self


class PanelRules(_Frozen):
    """Each persona's rules for a tool no reviewer has written about, first match wins.
    A persona with no matching rule has too few facts to judge."""

    personas: dict[str, list[PanelRule]] = Field(default_factory=dict)
    min_facts: int = Field(default=3, ge=1)
    """Below this many known facts, no persona judges the tool at all."""


class Lifecycle(_Frozen):
    """Whether a tool can still be used, since when, and what replaces it.

    A status other than "active" is a fact and needs a source backing `lifecycle`.
    """

    status: Literal["active", "deprecated", "retired"] = "active"
    deprecated_on: dt.date | None = None
    retired_on: dt.date | None = None
    """The shutdown date, past or announced: once it has passed the tool is retired."""
    retired_by: dt.date | None = None
    """For a shutdown whose day its maker no longer publishes: a sourced day by which the
    model was gone (its maker's model list, read that day, no longer had it)."""
    successor: str | None = Field(default=None, pattern=SLUG_PATTERN)
    """The slug of the tool that replaces this one (it may be a dataset-generated tool)."""
    note: str = Field(default="", max_length=120)

    def status_on(self, day: dt.date) -> Literal["active", "deprecated", "retired"]:
        """The status on `day`: computed when read, so a shutdown date that passes retires it."""
        shut = self.retired_on or self.retired_by
        if self.status == "retired" or (shut is not None and shut <= day):
            return "retired"
        if self.status == "deprecated" or (
            self.deprecated_on is not None and self.deprecated_on <= day
        ):
            return "deprecated"
        if self.retired_on is not None:
            return "deprecated"
        return "active"


class Offer(_Frozen):
    """One provider serving a model by API, at its own price (USD per million tokens)."""

    provider: str
    """The provider's id in the price dataset ("groq", "together", "openai")."""
    provider_name: str
    model_id: str
    """The id to call this model by at that provider."""
    input_usd_per_mtok: float | None = Field(default=None, ge=0)
    output_usd_per_mtok: float | None = Field(default=None, ge=0)
    url: HttpUrl | None = None
    """Where the provider publishes the price."""
    as_of: dt.date | None = None
    """The day this price was read for."""


PRODUCT_CATEGORIES = frozenset(
    {
        "coding-assistant",
        "coding-agent",
        "chat-assistant",
        "agent-framework",
        "vector-database",
        "local-runtime",
        "serving-engine",
        "llm-gateway",
        "observability",
        "speech-to-text",
        "text-to-speech",
        "image-generation",
        "video-generation",
        "search-assistant",
        "no-code-builder",
    }
)
"""The closed set of categories a product file may use (see the product schema)."""

ToolKind = Literal["model", "product"]


class ProductFacts(_Frozen):
    """What a product (an app, framework, database, runtime or service) is, beyond a model's
    facts: how it is paid for, whether a team can run it, what it works with.

    Every field present is a fact and needs a source (`product.<field>` in a source's
    `supports`); `read_on` is the day these facts were read."""

    seat_usd_per_month: float | None = Field(default=None, ge=0)
    """The cheapest paid plan, per person per month (USD)."""
    usage_priced: bool
    usage_unit: str = ""
    """What usage is billed in: "per audio minute", "per image", "per 1M characters"."""
    usage_usd: float | None = Field(default=None, ge=0)
    """The entry usage price in `usage_unit` (USD)."""
    self_hostable: bool
    open_source: bool
    works_with: list[str] = Field(min_length=1, max_length=8)
    runs_on: list[str] = Field(default_factory=list, max_length=6)
    models: list[str] = Field(default_factory=list)
    """Catalogue slugs of models it can use (links, not facts)."""
    maker_models: list[str] = Field(default_factory=list)
    """For an app that fronts its maker's models (ChatGPT fronts GPT models)."""
    read_on: dt.date

    @field_validator("works_with", "runs_on")
    @classmethod
    def _short_items(cls, items: list[str]) -> list[str]:
        for item in items:
            if not item.strip() or len(item) > 40:
                raise ValueError(f'"{item}" must be a short, non-blank item (at most 40 chars)')
        return items

    @field_validator("models", "maker_models")
    @classmethod
    def _slugs(cls, slugs: list[str]) -> list[str]:
        for slug in slugs:
            if not re.fullmatch(SLUG_PATTERN, slug):
                raise ValueError(f'"{slug}" is not a catalogue slug')
        return slugs

    @model_validator(mode="after")
    def _usage_price_has_a_unit(self) -> ProductFacts:
        if self.usage_usd is not None and not self.usage_unit.strip():
            raise ValueError("usage_usd needs usage_unit (what the price is per)")
        return self

    def fact_fields(self) -> list[str]:
        """The fields present, as `product.<field>`; links to other tools are not facts."""
        present = []
        for name, value in self:
            if name in ("models", "maker_models", "read_on"):
                continue
            if value not in (None, [], ""):
                present.append(f"product.{name}")
        return present


class Tool(_Frozen):
    """One AI tool, as stored in `catalogue/tools/<slug>.toml` (a model) or
    `catalogue/products/<slug>.toml` (a product: `kind = "product"` and a `[product]` table)."""

    slug: str = Field(pattern=SLUG_PATTERN)
    name: str = Field(min_length=1, max_length=80)
    aliases: list[str] = Field(default_factory=list)
    vendor: str = Field(min_length=1)
    category: str = Field(pattern=SLUG_PATTERN)
    tagline: str = Field(min_length=1, max_length=100)
    description: str = Field(min_length=1, max_length=2000)
    licence: str = Field(min_length=1)
    released: dt.date | None = None
    """Required in a reviewed file (the loader says so); the price dataset does not know it."""
    entry_price: EntryPrice
    pricing: Pricing
    best_for: str = Field(min_length=1, max_length=120)
    facts: Facts = Field(default_factory=Facts)
    """Required of a model file (the loader says so); a product states its facts in `product`."""
    kind: ToolKind = "model"
    product: ProductFacts | None = None
    sources: list[Source] = Field(min_length=1)
    panel: dict[str, Review]
    lifecycle: Lifecycle = Field(default_factory=Lifecycle)
    model_ids: tuple[str, ...] = ()
    """The ids providers sell this model under ("gpt-4o-2024-08-06", "meta-llama/Llama-3.3-70B-
    Instruct"), from the dataset. Matched exactly, never word by word: a reseller's "fp8" tag
    must not make "llama 3.3 8b" look like this model."""
    offers: tuple[Offer, ...] = ()
    """Providers serving this model, cheapest first ("served by"); filled from the dataset."""
    dataset: str | None = Field(default=None, pattern=r"^[a-z0-9_.-]+/[A-Za-z0-9_.:@/-]+$")
    """The same model in the genai-prices dataset, as "provider/model-id" (e.g.
    "anthropic/claude-sonnet-4-5"): this reviewed file then wins over the generated tool."""

    @field_validator("aliases")
    @classmethod
    def _aliases_not_blank(cls, aliases: list[str]) -> list[str]:
        if any(not a.strip() for a in aliases):
            raise ValueError("an alias is blank")
        return aliases

    @model_validator(mode="after")
    def _product_table_fits_the_kind(self) -> Tool:
        if self.kind == "product" and self.product is None:
            raise ValueError('kind = "product" needs a [product] table')
        if self.kind == "model" and self.product is not None:
            raise ValueError('a [product] table needs kind = "product"')
        return self

    @property
    def is_product(self) -> bool:
        return self.kind == "product"

    @property
    def reviewed(self) -> bool:
        """True for a tool the panel has reviewed; False for one known only from the dataset."""
        return bool(self.panel)

    def status_on(self, day: dt.date) -> Literal["active", "deprecated", "retired"]:
        return self.lifecycle.status_on(day)

    @property
    def retired(self) -> bool:
        """Retired today (the shutdown date has passed). Flows with a clock use `status_on`."""
        return self.lifecycle.status_on(dt.date.today()) == "retired"

    def cited_fields(self) -> set[str]:
        return {field for source in self.sources for field in source.supports}

    def fact_fields(self) -> list[str]:
        """The fields that state facts and so need a source."""
        present = ["licence", "pricing"]
        if self.released is not None:
            present.insert(1, "released")
        if self.lifecycle.status != "active":
            present.append("lifecycle")
        for name, value in self.facts:
            if value not in (None, [], {}):
                present.append(f"facts.{name}")
        if self.product is not None:
            present.extend(self.product.fact_fields())
        return present


class WeeklyEntry(_Frozen):
    """A curated weekly comparison; with `date`, only for the week holding that date."""

    tools: tuple[str, ...] = Field(min_length=2, max_length=4)
    date: dt.date | None = None


class Catalogue(_Frozen):
    """All tools (sorted by slug), the panel that reviews them, and the curated weekly queue."""

    panel: Panel
    tools: tuple[Tool, ...]
    weekly: tuple[WeeklyEntry, ...] = ()
    panel_rules: PanelRules = Field(default_factory=PanelRules)
    """How each persona judges a tool from its facts where no reviewer has (panel_rules.toml)."""

    @cached_property
    def by_slug(self) -> dict[str, Tool]:
        return {t.slug: t for t in self.tools}
