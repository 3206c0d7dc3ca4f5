"""Builds the verdict card: the side-by-side numbers, where reviewers split, and the pick."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.catalogue import EntryPrice, Offer, Panel, Ship, Tool, cost_key, price_figure, pricing_read
from bot.votes import CommunityTally

COMMUNITY_MIN_VOTES = 10
"""Below this many votes a tool's community share is noise and does not decide a verdict."""


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
    best_for: str
    context_window: int | None = None
    lifecycle_note: str | None = None
    """One line when the tool is deprecated or retired, naming its successor."""
    served_by: tuple[Offer, ...] = ()
    """API providers serving the model, cheapest first."""


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
    decided_by: Literal["panel", "community", "price", "tie"]


class VerdictCard(_Value):
    tools: tuple[ToolColumn, ...]
    reviewer_split: tuple[PersonaSplit, ...]
    verdict: Verdict

    @property
    def title(self) -> str:
        return " vs ".join(column.name for column in self.tools)


def _column(tool: Tool, tally: CommunityTally, panel: Panel) -> ToolColumn:
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
        best_for=tool.best_for,
        context_window=tool.facts.context_window,
        served_by=tool.offers,
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


def _and_list(parts: Sequence[str]) -> str:
    if len(parts) <= 2:
        return " and ".join(parts)
    return ", ".join(parts[:-1]) + f" and {parts[-1]}"


def _panel_score(column: ToolColumn) -> str:
    return f"{column.panel_ships} of {column.panel_size}"


def _decide(columns: Sequence[ToolColumn], tools: Sequence[Tool]) -> Verdict:
    """Panel ship share first; then the community, once every contender has enough votes;
    then the lower price. If all three tie, the answer honestly depends on the job."""
    by_slug = {tool.slug: tool for tool in tools}
    top = max(c.panel_ship_pct or 0 for c in columns)
    leaders = [c for c in columns if (c.panel_ship_pct or 0) == top]
    if len(leaders) == 1:
        winner = leaders[0]
        others = [f"{_panel_score(c)} for {c.name}" for c in columns if c is not winner]
        return Verdict(
            pick=winner.slug,
            reason=(
                f"{_panel_score(winner)} panel reviewers say ship {winner.name}, "
                f"against {_and_list(others)}."
            ),
            decided_by="panel",
        )

    tied = f"The panel is tied at {_panel_score(leaders[0])} ship"
    if all(c.community.votes >= COMMUNITY_MIN_VOTES for c in leaders):
        best = max(c.community.ship_pct or 0 for c in leaders)
        community_leaders = [c for c in leaders if (c.community.ship_pct or 0) == best]
        if len(community_leaders) == 1:
            winner = community_leaders[0]
            others = [
                f"{c.community.ship_pct or 0}% of {c.community.votes} for {c.name}"
                for c in leaders
                if c is not winner
            ]
            return Verdict(
                pick=winner.slug,
                reason=(
                    f"{tied}; the community backs {winner.name} with {best}% of "
                    f"{winner.community.votes} votes, against {_and_list(others)}."
                ),
                decided_by="community",
            )

    costs = {c.slug: cost_key(by_slug[c.slug]) for c in leaders}
    cheapest = min(costs.values())
    cheapest_leaders = [c for c in leaders if costs[c.slug] == cheapest]
    if len(cheapest_leaders) == 1:
        winner = cheapest_leaders[0]
        others = [
            f"{price_figure(by_slug[c.slug])} for {c.name}" for c in leaders if c is not winner
        ]
        return Verdict(
            pick=winner.slug,
            reason=(
                f"{tied}, and {winner.name} costs less: {price_figure(by_slug[winner.slug])}, "
                f"against {_and_list(others)}."
            ),
            decided_by="price",
        )

    picks = [f"{c.name} for {c.best_for}" for c in leaders]
    return Verdict(pick=None, reason=f"Depends: pick {_and_list(picks)}.", decided_by="tie")


def build_card(
    tools: Sequence[Tool], tallies: Mapping[str, CommunityTally], *, panel: Panel
) -> VerdictCard:
    """The card for `tools`, in the order given. Tools missing from `tallies` have no votes."""
    columns = tuple(_column(t, tallies.get(t.slug, CommunityTally()), panel) for t in tools)
    return VerdictCard(
        tools=columns,
        reviewer_split=_splits(tools, panel),
        verdict=_decide(columns, tools),
    )
