"""Each persona's take on a tool: the reviewer's own where one is written, else computed from
the tool's facts by that persona's rules (`catalogue/panel_rules.toml`), marked as such."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict

from bot.catalogue import Panel, PanelRule, PanelRules, Ship, Tool
from bot.compare.reason import tokens
from bot.compare.signals import fact_values, known_facts, shutdown_on

Value = bool | int | float | str | None


class Take(BaseModel):
    """One persona's verdict on one tool, and whether a reviewer wrote it."""

    model_config = ConfigDict(frozen=True)

    verdict: Ship
    take: str
    from_facts: bool = False
    """Computed by the persona's rules: the card and the page say "from facts"."""
    fact: str | None = None
    """For a computed take, the fact that decided it (the first condition's)."""


def _passes(value: Value, *, is_: object, at_least: float | None, below: float | None) -> bool:
    if value is None:
        return False
    if is_ is not None and value != is_:
        return False
    if at_least is not None and (isinstance(value, (bool, str)) or value < at_least):
        return False
    return below is None or (not isinstance(value, (bool, str)) and value < below)


def _age(days: int) -> str:
    if days < 60:
        return f"{days} day{'s' if days != 1 else ''}"
    if days < 730:
        return f"{round(days / 30.4)} months"
    return f"{days / 365.25:.0f} years"


def _shown(name: str, value: Value, tool: Tool) -> str:
    """A fact as a take says it: 400K, $3.44, 9 days, the shutdown date."""
    if name == "context_window" and isinstance(value, int):
        return tokens(value)
    if name == "blended_price" and isinstance(value, float | int):
        return f"${value:.2f}"
    if name == "days_since_release" and isinstance(value, int):
        return _age(value)
    if name == "days_to_shutdown":
        when = shutdown_on(tool)
        return when.isoformat() if when else str(value)
    return str(value)


def _matches(rule: PanelRule, values: Mapping[str, Value]) -> bool:
    return all(
        _passes(values[c.fact], is_=c.is_, at_least=c.at_least, below=c.below) for c in rule.when
    )


def computed_take(
    tool: Tool, persona: str, rules: PanelRules, values: Mapping[str, Value]
) -> Take | None:
    """The first of the persona's rules the tool's facts meet, or None: too few facts."""
    for rule in rules.personas.get(persona, []):
        if _matches(rule, values):
            shown: dict[str, str] = {
                c.fact: _shown(c.fact, values[c.fact], tool) for c in rule.when
            }
            return Take(
                verdict=rule.verdict,
                take=rule.take.format_map(shown),
                from_facts=True,
                fact=rule.when[0].fact,
            )
    return None


def panel_takes(tool: Tool, panel: Panel, rules: PanelRules, today: dt.date) -> dict[str, Take]:
    """Every persona's take that can be given: reviewed first, computed where none is written.
    A tool with fewer than `rules.min_facts` known facts gets no computed take at all."""
    takes = {
        slug: Take(verdict=review.verdict, take=review.take)
        for slug, review in tool.panel.items()
        if slug in panel.slugs
    }
    if len(takes) == len(panel.slugs):
        return takes
    values = fact_values(tool, today)
    if known_facts(values) < rules.min_facts:
        return takes
    for persona in panel.slugs:
        if persona not in takes:
            found = computed_take(tool, persona, rules, values)
            if found is not None:
                takes[persona] = found
    return takes
