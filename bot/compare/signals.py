"""The facts a verdict is decided by, read from a tool on a given day: None when the data does
not say (never "no"), so a rule can tell "lacks it" from "unknown"."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from bot.catalogue import Tool, blended_usd_per_mtok

Status = Literal["active", "deprecated", "retired"]


def status(tool: Tool, today: dt.date) -> Status:
    return tool.status_on(today)


def reads_images(tool: Tool) -> bool | None:
    """True or False once the data lists what the tool reads; None when it lists nothing."""
    if not tool.facts.modalities:
        return None
    return "image" in tool.facts.modalities


def open_weights(tool: Tool) -> bool | None:
    if tool.facts.open_weights is not None:
        return tool.facts.open_weights
    if tool.pricing.model == "self-hosted" or tool.entry_price.value == "open-weights":
        return True
    if tool.licence.casefold() == "proprietary":  # the licence says the weights are closed
        return False
    return None


def providers(tool: Tool) -> int | None:
    """How many API providers serve it; None for a tool the price data does not list."""
    return len(tool.offers) or None


def days_since_release(tool: Tool, today: dt.date) -> int | None:
    return (today - tool.released).days if tool.released is not None else None


def shutdown_on(tool: Tool) -> dt.date | None:
    return tool.lifecycle.retired_on


def days_to_shutdown(tool: Tool, today: dt.date) -> int | None:
    when = shutdown_on(tool)
    return (when - today).days if when is not None else None


def blended_price(tool: Tool) -> float | None:
    """USD per 1M tokens, input weighted 3:1: its own price, else its cheapest provider's."""
    own = blended_usd_per_mtok(tool.pricing)
    if own is not None or tool.pricing.model == "self-hosted":
        return own
    for offer in tool.offers:
        if offer.input_usd_per_mtok is not None and offer.output_usd_per_mtok is not None:
            return (3 * offer.input_usd_per_mtok + offer.output_usd_per_mtok) / 4
    return None


TIER_WORDS = {
    "small": ("mini", "nano", "lite", "flash", "haiku", "small", "tiny", "micro", "instant"),
    "large": ("opus", "pro", "ultra", "large", "max", "heavy"),
}
"""The size tier a vendor names a model by: a small model is not a cheaper large one, so price
decides only within a tier. A name with neither (or both) says nothing."""
TIER_RANK = {"small": 0, "large": 1}


def _words(tool: Tool) -> set[str]:
    return set(re.split(r"[^a-z0-9.]+", tool.name.casefold())) - {""}


def tier(tool: Tool) -> str | None:
    words = _words(tool)
    found = {name for name, marks in TIER_WORDS.items() if words & set(marks)}
    return found.pop() if len(found) == 1 else None


def larger_tier(tool: Tool, other: Tool) -> bool:
    """`tool` is a larger model than `other` by name: "Opus" over "Flash", or the family's
    plain model over its "mini" ("GPT-5.4" over "GPT-5.4 mini")."""
    mine, theirs = tier(tool), tier(other)
    if mine and theirs:
        return TIER_RANK[mine] > TIER_RANK[theirs]
    if mine is None and theirs == "small":
        return _words(other) - set(TIER_WORDS["small"]) == _words(tool)
    return False


def fact_values(tool: Tool, today: dt.date) -> dict[str, bool | int | float | str | None]:
    """Every fact a panel rule may test (`PanelRuleFact`), by name."""
    return {
        "status": status(tool, today),
        "tool_calling": tool.facts.tool_calling,
        "structured_output": tool.facts.structured_output,
        "reasoning": tool.facts.reasoning,
        "open_weights": open_weights(tool),
        "reads_images": reads_images(tool),
        "context_window": tool.facts.context_window,
        "providers": providers(tool),
        "days_since_release": days_since_release(tool, today),
        "days_to_shutdown": days_to_shutdown(tool, today),
        "blended_price": blended_price(tool),
    }


def known_facts(values: dict[str, bool | int | float | str | None]) -> int:
    """How many facts the data gives (status is always known, so it does not count)."""
    return sum(value is not None for name, value in values.items() if name != "status")
