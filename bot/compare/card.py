"""Builds the verdict card: the side-by-side numbers, where reviewers split, and the pick."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ConfigDict, Field

from bot.catalogue import (
    FIRST_PARTY,
    EntryPrice,
    Offer,
    Panel,
    PanelRules,
    ProductFacts,
    Ship,
    Tool,
    ToolKind,
    data_age,
    live_successor,
    pricing_read,
)
from bot.compare.decide import COMMUNITY_MIN_VOTES, Contender, DecidedBy, decide
from bot.compare.panel_takes import Take, panel_takes
from bot.compare.signals import Status, blended_price, fact_values, known_facts
from bot.compare.use_cases import UseCase
from bot.votes import CommunityTally

__all__ = [
    "COMMUNITY_MIN_VOTES",
    "PersonaSplit",
    "ToolColumn",
    "ToolTake",
    "Verdict",
    "VerdictCard",
    "build_card",
]


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True)


class ToolColumn(_Value):
    slug: str
    name: str
    category: str
    tagline: str
    reviewed: bool
    """False for a tool no reviewer has written about: its panel is computed from facts."""
    panel_ship_pct: int | None = Field(ge=0, le=100)
    panel_ships: int
    panel_size: int
    panel_from_facts: int = 0
    """How many of the panel's takes are computed from facts (no reviewer wrote them)."""
    community: CommunityTally
    entry_price: EntryPrice
    pricing_read: str
    blended_usd_per_mtok: float | None = None
    """Per million tokens, input weighted 3:1; for a dataset tool, its cheapest provider's."""
    unit_price: tuple[float, str] | None = None
    """(USD, unit) for a price in another unit than tokens ("minute of audio", "1M
    characters"): shown in its unit, never weighed against a per-token price."""
    best_for: str
    context_window: int | None = None
    status: Status = "active"
    """On the day the card was built."""
    lifecycle_note: str | None = None
    """One line when the tool is deprecated or retired, naming its successor."""
    served_by: tuple[Offer, ...] = ()
    """API providers serving the model, cheapest first."""
    kind: ToolKind = "model"
    product: ProductFacts | None = None
    """A product's own facts (seat and usage prices, licence, self-hosting, what it works
    with), from which the layout builds its row; None for a model."""
    licence: str = ""


class ToolTake(_Value):
    slug: str
    name: str
    verdict: Ship
    take: str
    from_facts: bool = False
    """Computed by the persona's rules from facts: shown as such, never as a reviewer's words."""
    fact: str | None = None
    """For a computed take, the fact that decided it."""


class PersonaSplit(_Value):
    """One persona's verdicts on every tool in the card; `split` when they differ."""

    persona: str
    name: str
    lens: str
    split: bool
    takes: tuple[ToolTake, ...]


class Verdict(_Value):
    pick: str | None
    reason: str
    """Why, in words a person can act on; on a tie, the situations each tool is right for."""
    decided_by: DecidedBy
    situations: tuple[str, ...] = ()
    """On "it depends": "A if …", one per tool a person could pick, each naming a fact."""
    quoted: tuple[str, ...] = ()
    """Personas whose take on the pick the reason quotes (the card need not repeat it)."""
    instead: tuple[str, ...] = ()
    """With a retired tool on the card: the same comparison with its live successor, offered."""


class VerdictCard(_Value):
    tools: tuple[ToolColumn, ...]
    reviewer_split: tuple[PersonaSplit, ...]
    verdict: Verdict
    use_case: UseCase | None = None
    """What the comparison was asked for ("for coding"); shown in the card's first line."""
    data_age: str | None = None
    """How old the dataset facts on the card are ("prices: genai-prices data of 2026-12-02"),
    by the day each was collected; shown in the footer. None when every fact is reviewed."""

    @property
    def title(self) -> str:
        return " vs ".join(column.name for column in self.tools)


def lifecycle_note(tool: Tool, known: Mapping[str, Tool], today: dt.date) -> str | None:
    """One line for a deprecated or retired tool: since when, its shutdown date, and the live
    tool that replaces it."""
    life = tool.lifecycle
    status = tool.status_on(today)
    if status == "active":
        return None
    live = live_successor(tool, known, today)
    # A successor the catalogue does not know is still named, as the data gives it.
    unknown = life.successor if life.successor not in known else None
    successor = live.name if live else unknown
    if status == "retired":
        head = f"Retired on {life.retired_on}" if life.retired_on else "Retired"
        if life.retired_on is None and life.retired_by is not None:
            head = f"Retired by {life.retired_by} at the latest"  # the maker gave no day
    else:
        head = f"Deprecated since {life.deprecated_on}" if life.deprecated_on else "Deprecated"
        if life.retired_on:
            head += f", shuts down {life.retired_on}"
    return f"{head}; use {successor} instead." if successor else f"{head}."


def _unit_price(tool: Tool) -> tuple[float, str] | None:
    pricing = tool.pricing
    if pricing.model != "per-unit" or pricing.usd_per_unit is None or pricing.unit is None:
        return None
    return (pricing.usd_per_unit, pricing.unit)


def _column(c: Contender, panel: Panel, known: Mapping[str, Tool], today: dt.date) -> ToolColumn:
    tool = c.tool
    size = len(c.takes)
    return ToolColumn(
        slug=tool.slug,
        name=tool.name,
        category=tool.category,
        tagline=tool.tagline,
        reviewed=tool.reviewed,
        panel_ship_pct=round(100 * c.ships / size) if size else None,
        panel_ships=c.ships,
        panel_size=size,
        panel_from_facts=sum(t.from_facts for t in c.takes.values()),
        community=c.tally,
        entry_price=tool.entry_price,
        pricing_read=pricing_read(tool),
        blended_usd_per_mtok=blended_price(tool),
        unit_price=_unit_price(tool),
        best_for=tool.best_for,
        context_window=tool.facts.context_window,
        status=c.status,
        lifecycle_note=lifecycle_note(tool, known, today),
        served_by=_maker_first(tool),
        kind=tool.kind,
        product=tool.product,
        licence=tool.licence,
    )


def _maker_first(tool: Tool) -> tuple[Offer, ...]:
    """The maker's own offer first (the price the card quotes), then the resellers cheapest
    first: a reseller far below the maker's price reads as an alternative, not as the price."""
    maker = tool.dataset.split("/", 1)[0] if tool.dataset else None
    if maker not in FIRST_PARTY:
        return tool.offers  # an open model's resellers: cheapest first
    own = [o for o in tool.offers if o.provider == maker]
    return (*own, *(o for o in tool.offers if o.provider != maker))


def _splits(
    tools: Sequence[Tool], takes: Mapping[str, Mapping[str, Take]], panel: Panel
) -> tuple[PersonaSplit, ...]:
    rows = []
    for persona in panel.personas:
        row = tuple(
            ToolTake(
                slug=t.slug,
                name=t.name,
                verdict=takes[t.slug][persona.slug].verdict,
                take=takes[t.slug][persona.slug].take,
                from_facts=takes[t.slug][persona.slug].from_facts,
                fact=takes[t.slug][persona.slug].fact,
            )
            for t in tools
            if persona.slug in takes[t.slug]
        )
        split = len({take.verdict for take in row}) > 1
        rows.append(
            PersonaSplit(
                persona=persona.slug, name=persona.name, lens=persona.lens, split=split, takes=row
            )
        )
    return tuple(rows)


def build_card(
    tools: Sequence[Tool],
    tallies: Mapping[str, CommunityTally],
    *,
    panel: Panel,
    known: Mapping[str, Tool] | None = None,
    rules: PanelRules | None = None,
    use_case: UseCase | None = None,
    today: dt.date | None = None,
) -> VerdictCard:
    """The card for `tools`, in the order given, as it stands on `today` (lifecycle is read
    then). Tools missing from `tallies` have no votes; `known` (the catalogue by slug) names
    the successor of a retired tool; `rules` compute the takes no reviewer wrote."""
    known = known or {}
    rules = rules or PanelRules()
    today = today or dt.datetime.now(dt.UTC).date()
    takes = {t.slug: panel_takes(t, panel, rules, today) for t in tools}
    contenders = [
        Contender(
            tool=t,
            status=t.status_on(today),
            takes=takes[t.slug],
            tally=tallies.get(t.slug, CommunityTally()),
            judged=t.reviewed or known_facts(fact_values(t, today)) >= rules.min_facts,
        )
        for t in tools
    ]
    columns = tuple(_column(c, panel, known, today) for c in contenders)
    decision = decide(contenders, panel=panel, use_case=use_case, known=known, today=today)
    return VerdictCard(
        tools=columns,
        reviewer_split=_splits(tools, takes, panel),
        verdict=Verdict(
            pick=decision.pick,
            reason=decision.reason,
            decided_by=decision.decided_by,
            situations=decision.situations,
            quoted=decision.quoted,
            instead=decision.instead,
        ),
        use_case=use_case,
        data_age=data_age(tools),
    )
