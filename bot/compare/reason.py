"""Why a card picks what it picks: the differences a person can act on, in their words.

Each phrase is built from what decided the verdict (a reviewer's take, a price ratio, a context
or modality difference, a vote margin), never from arithmetic alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.catalogue import Tool, blended_usd_per_mtok

NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}
CONTEXT_CLASSES = ((32_000, "up to 32K tokens"), (200_000, "up to 200K tokens"))
"""Price only decides between tools that hold about as much text; above these, "over 200K"."""
PLURALS = {"image": "images"}
WORTH_SAYING = 1.5
"""A ratio below this is not a difference worth a line on the card."""


def and_list(parts: Sequence[str]) -> str:
    if len(parts) <= 2:
        return " and ".join(parts)
    return ", ".join(parts[:-1]) + f" and {parts[-1]}"


def number_word(n: int) -> str:
    return NUMBER_WORDS.get(n, str(n))


def count_word(n: int) -> str:
    """ "both" for two tools, "all three" and "all four" above."""
    return "both" if n == 2 else f"all {number_word(n)}"


def tokens(n: int) -> str:
    """A context window as people say it: 8K, 128K, 1M."""
    if n >= 1_000_000:
        return f"{n / 1_048_576:.0f}M" if n % 1_000_000 else f"{n // 1_000_000}M"
    return f"{round(n / 1000)}K" if n >= 1000 else str(n)


def context_class(tool: Tool) -> str | None:
    window = tool.facts.context_window
    if window is None:
        return None
    for limit, label in CONTEXT_CLASSES:
        if window <= limit:
            return label
    return "over 200K tokens"


def _times(ratio: float) -> str:
    return f"{ratio:.0f}×" if ratio >= 10 or round(ratio, 1) == round(ratio) else f"{ratio:.1f}×"


def _output_price(tool: Tool) -> float | None:
    if tool.pricing.model == "per-token":
        return tool.pricing.output_usd_per_mtok
    cheapest = next((o for o in tool.offers if o.output_usd_per_mtok is not None), None)
    return cheapest.output_usd_per_mtok if cheapest else None


def price_difference(winner: Tool, other: Tool) -> str | None:
    """ "is 5× cheaper per output token than B", or free weights against a bill; None if the
    winner is not clearly cheaper. Every phrase is a predicate: "{winner} {phrase}"."""
    theirs = _output_price(other)
    if winner.pricing.model == "self-hosted" and other.pricing.model != "self-hosted":
        if theirs:
            return (
                f"costs nothing per token, being free weights, against ${theirs:.2f} per 1M "
                f"output tokens for {other.name}"
            )
        return None
    mine = _output_price(winner)
    if mine and theirs and round(theirs / mine, 2) >= WORTH_SAYING:
        return f"is {_times(theirs / mine)} cheaper per output token than {other.name}"
    if mine == 0 and theirs:
        return f"is free, against ${theirs:.2f} per 1M output tokens for {other.name}"
    blended_mine, blended_theirs = (
        blended_usd_per_mtok(winner.pricing),
        blended_usd_per_mtok(other.pricing),
    )
    if blended_mine and blended_theirs and round(blended_theirs / blended_mine, 2) >= WORTH_SAYING:
        return f"is {_times(blended_theirs / blended_mine)} cheaper than {other.name}, blended"
    return None


def context_difference(winner: Tool, other: Tool) -> str | None:
    mine, theirs = winner.facts.context_window, other.facts.context_window
    if mine and theirs and round(mine / theirs, 2) >= WORTH_SAYING:
        return f"holds {_times(mine / theirs)} the context of {other.name}, {tokens(mine)} tokens"
    return None


def modality_difference(winner: Tool, other: Tool) -> str | None:
    extra = [PLURALS.get(m, m) for m in winner.facts.modalities if m not in other.facts.modalities]
    if extra and other.facts.modalities:
        return f"reads {and_list(extra)}, which {other.name} does not"
    return None


def differences(winner: Tool, others: Sequence[Tool], *, limit: int = 2) -> list[str]:
    """What the winner has over the others, most telling first: price, context, modalities."""
    found: list[str] = []
    for find in (price_difference, modality_difference, context_difference):
        for other in others:
            phrase = find(winner, other)
            if phrase is not None:
                found.append(phrase)
                break
    return found[:limit]


def strengths(tool: Tool, others: Sequence[Tool]) -> str:
    """What a tool is the pick for, when the answer depends: its best use, and, between two
    tools, its edge over the other (with more, the edges would crowd out the uses)."""
    edge = differences(tool, others, limit=1) if len(others) == 1 else []
    if not tool.panel:  # known only from the price data: no use of ours to name
        return f"{tool.name}, which {edge[0]}" if edge else f"{tool.name} on your own trial"
    return f"{tool.name} for {tool.best_for}" + (f" (it {edge[0]})" if edge else "")
