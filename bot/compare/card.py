"""Builds the verdict card: the side-by-side numbers, where reviewers split, and the pick."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.catalogue import (
    EntryPrice,
    Offer,
    Panel,
    ProductFacts,
    Ship,
    Tool,
    ToolKind,
    blended_usd_per_mtok,
    cost_key,
    price_figure,
    pricing_read,
)
from bot.compare.kinds import across_kinds
from bot.compare.reason import (
    and_list,
    context_class,
    differences,
    price_difference,
    strengths,
)
from bot.votes import CommunityTally

COMMUNITY_MIN_VOTES = 10
"""Below this many votes a tool's community share is noise and does not decide a verdict."""


REASON_BUDGET = 240
"""Characters a reason may grow to with an extra difference: about three lines of a terminal."""


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True)


class ToolColumn(_Value):
    slug: str
    name: str
    category: str
    tagline: str
    reviewed: bool
    """False for a tool known only from the price dataset: no panel numbers are shown."""
    panel_ship_pct: int | None = Field(ge=0, le=100)
    panel_ships: int
    panel_size: int
    community: CommunityTally
    entry_price: EntryPrice
    pricing_read: str
    blended_usd_per_mtok: float | None = None
    """Per million tokens, input weighted 3:1; for a dataset tool, its cheapest provider's."""
    best_for: str
    context_window: int | None = None
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
    decided_by: Literal["panel", "community", "price", "tie"]
    situations: tuple[str, ...] = ()
    """On a tie: "A for …", one per tied tool."""
    quoted: tuple[str, ...] = ()
    """Personas whose take on the pick the reason quotes (the card need not repeat it)."""


class VerdictCard(_Value):
    tools: tuple[ToolColumn, ...]
    reviewer_split: tuple[PersonaSplit, ...]
    verdict: Verdict

    @property
    def title(self) -> str:
        return " vs ".join(column.name for column in self.tools)


def lifecycle_note(tool: Tool, known: Mapping[str, Tool]) -> str | None:
    """One line for a deprecated or retired tool, naming what replaces it."""
    life = tool.lifecycle
    if life.status == "active":
        return None
    named = life.successor
    successor = known[named].name if named is not None and named in known else named
    if life.status == "retired":
        head = f"Retired on {life.retired_on}" if life.retired_on else "Retired"
    else:
        head = f"Deprecated since {life.deprecated_on}" if life.deprecated_on else "Deprecated"
    return f"{head}; use {successor} instead." if successor else f"{head}."


def _blended(tool: Tool) -> float | None:
    own = blended_usd_per_mtok(tool.pricing)
    if own is not None or tool.pricing.model == "self-hosted":
        return own
    for offer in tool.offers:
        if offer.input_usd_per_mtok is not None and offer.output_usd_per_mtok is not None:
            return (3 * offer.input_usd_per_mtok + offer.output_usd_per_mtok) / 4
    return None


def _column(
    tool: Tool, tally: CommunityTally, panel: Panel, known: Mapping[str, Tool]
) -> ToolColumn:
    reviews = [tool.panel[p] for p in panel.slugs if p in tool.panel]
    ships = sum(review.verdict == "ship" for review in reviews)
    size = len(reviews)
    return ToolColumn(
        slug=tool.slug,
        name=tool.name,
        category=tool.category,
        tagline=tool.tagline,
        reviewed=size > 0,
        panel_ship_pct=round(100 * ships / size) if size else None,
        panel_ships=ships,
        panel_size=size,
        community=tally,
        entry_price=tool.entry_price,
        pricing_read=pricing_read(tool),
        blended_usd_per_mtok=_blended(tool),
        best_for=tool.best_for,
        context_window=tool.facts.context_window,
        lifecycle_note=lifecycle_note(tool, known),
        served_by=tool.offers,
        kind=tool.kind,
        product=tool.product,
        licence=tool.licence,
    )


def _splits(tools: Sequence[Tool], panel: Panel) -> tuple[PersonaSplit, ...]:
    rows = []
    for persona in panel.personas:
        takes = tuple(
            ToolTake(
                slug=t.slug,
                name=t.name,
                verdict=t.panel[persona.slug].verdict,
                take=t.panel[persona.slug].take,
            )
            for t in tools
            if persona.slug in t.panel
        )
        split = len({take.verdict for take in takes}) > 1
        rows.append(
            PersonaSplit(
                persona=persona.slug,
                name=persona.name,
                lens=persona.lens,
                split=split,
                takes=takes,
            )
        )
    return tuple(rows)


def _panel_verdict(
    winner: Tool, column: ToolColumn, others: Sequence[tuple[Tool, ToolColumn]], panel: Panel
) -> Verdict:
    """The panel decided: the score, then the reviewer who tips it, in their own words."""
    against = [f"{c.panel_ships} of {c.panel_size} for {t.name}" for t, c in others]
    reason = (
        f"{column.panel_ships} of {column.panel_size} reviewers ship {winner.name}, "
        f"against {and_list(against)}."
    )

    def skips_others(persona: str) -> int:
        return sum(
            t.panel.get(persona) is not None and t.panel[persona].verdict == "skip"
            for t, _ in others
        )

    deciders = [
        p
        for p in panel.personas
        if p.slug in winner.panel
        and winner.panel[p.slug].verdict == "ship"
        and skips_others(p.slug)
    ]
    quoted: tuple[str, ...] = ()
    if deciders:
        tipping = max(deciders, key=lambda p: skips_others(p.slug))
        reason += f" {tipping.name} tips it: “{winner.panel[tipping.slug].take}”"
        quoted = (tipping.slug,)
    edge = differences(winner, [t for t, _ in others], limit=1)
    if edge:
        also = f"It is also {edge[0][3:]}" if edge[0].startswith("is ") else f"It also {edge[0]}"
        if len(reason) + len(also) <= REASON_BUDGET:  # the quote already says why; keep it short
            reason += f" {also}."
    return Verdict(pick=winner.slug, reason=reason, decided_by="panel", quoted=quoted)


def _tie(leaders: Sequence[Tool]) -> Verdict:
    situations = tuple(strengths(t, [o for o in leaders if o is not t]) for t in leaders)
    return Verdict(
        pick=None,
        reason=f"Pick {'; '.join(situations)}.",
        decided_by="tie",
        situations=situations,
    )


def _decide(columns: Sequence[ToolColumn], tools: Sequence[Tool], panel: Panel) -> Verdict:
    """Panel ship share first; then the community, once every contender has enough votes;
    then the lower price. If all three tie, the answer honestly depends on the job.

    A tool not reviewed yet has no panel score to weigh, so with one on the card the panel is
    skipped, and price decides only between tools of the same context class (a cheap 8K model
    is not a cheaper 1M one)."""
    pairs = list(zip(tools, columns, strict=True))
    unreviewed = [t.name for t, c in pairs if not c.reviewed]
    if unreviewed:
        leaders = pairs
        verb = "is" if len(unreviewed) == 1 else "are"
        preface = f"{and_list(unreviewed)} {verb} not reviewed yet"
    else:
        top = max(c.panel_ship_pct or 0 for c in columns)
        leaders = [(t, c) for t, c in pairs if (c.panel_ship_pct or 0) == top]
        if len(leaders) == 1:
            winner, column = leaders[0]
            others = [(t, c) for t, c in pairs if t is not winner]
            return _panel_verdict(winner, column, others, panel)
        lead = leaders[0][1]
        alike = all(
            (c.panel_ships, c.panel_size) == (lead.panel_ships, lead.panel_size) for _, c in leaders
        )
        each = (
            f"{lead.panel_ships} of {lead.panel_size} ship each"
            if alike
            else f"{lead.panel_ship_pct}% ship each"
        )
        who = (
            "The panel is split evenly"
            if len(leaders) == len(pairs)
            else f"{and_list([t.name for t, _ in leaders])} tie on the panel"
        )
        preface = f"{who} ({each})"

    if all(c.community.votes >= COMMUNITY_MIN_VOTES for _, c in leaders):
        best = max(c.community.ship_pct or 0 for _, c in leaders)
        top_voted = [(t, c) for t, c in leaders if (c.community.ship_pct or 0) == best]
        if len(top_voted) == 1:
            winner, column = top_voted[0]
            against = [
                f"{c.community.ship_pct or 0}% of {c.community.votes} for {t.name}"
                for t, c in leaders
                if t is not winner
            ]
            return Verdict(
                pick=winner.slug,
                reason=(
                    f"{preface}, so the community decides: {winner.name} won {best}% of "
                    f"{column.community.votes} votes, against {and_list(against)}."
                ),
                decided_by="community",
            )

    contenders = [t for t, _ in leaders]
    # A context window the data does not give is no evidence of a different class.
    classes = {context_class(t) for t in contenders} - {None}
    if unreviewed and len(classes) > 1:
        return _tie(contenders)  # different context classes: price alone would mislead
    costs = {t.slug: cost_key(t) for t in contenders}
    cheapest = min(costs.values())
    cheapest_tools = [t for t in contenders if costs[t.slug] == cheapest]
    if len(cheapest_tools) == 1 and len(contenders) > 1:  # a price needs another to beat
        winner = cheapest_tools[0]
        # Against the next cheapest: the one a price-minded reader would otherwise pick.
        runner_up = min((t for t in contenders if t is not winner), key=cost_key)
        phrase = price_difference(winner, runner_up)
        why = (
            f"{winner.name} {phrase}"
            if phrase
            else f"{winner.name} costs less: {price_figure(winner)}, against "
            f"{price_figure(runner_up)} for {runner_up.name}"
        )
        same = len(classes) == 1 and all(context_class(t) for t in contenders)
        within = f" within the same context class ({classes.pop()})" if unreviewed and same else ""
        return Verdict(
            pick=winner.slug,
            reason=f"{preface}, so price decides{within}: {why}.",
            decided_by="price",
        )
    return _tie(contenders)


def build_card(
    tools: Sequence[Tool],
    tallies: Mapping[str, CommunityTally],
    *,
    panel: Panel,
    known: Mapping[str, Tool] | None = None,
) -> VerdictCard:
    """The card for `tools`, in the order given. Tools missing from `tallies` have no votes;
    `known` (the catalogue by slug) names the successor of a retired tool."""
    known = known or {}
    columns = tuple(_column(t, tallies.get(t.slug, CommunityTally()), panel, known) for t in tools)
    return VerdictCard(
        tools=columns,
        reviewer_split=_splits(tools, panel),
        verdict=across_kinds(_decide(columns, tools, panel), tools),
    )
