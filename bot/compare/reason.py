"""Why a card picks what it picks: the differences a person can act on, in their words.

Each phrase is built from what decided the verdict (a reviewer's take, a price ratio, a context
or modality difference, a vote margin), never from arithmetic alone.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.catalogue import Tool, blended_usd_per_mtok, product_price_figure

if TYPE_CHECKING:
    from bot.compare.use_cases import UseCase
    from bot.votes import CommunityTally

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
    mine = _output_price(winner)
    if winner.pricing.model == "self-hosted" and other.pricing.model != "self-hosted":
        if not theirs:
            return None
        if mine and round(theirs / mine, 2) >= WORTH_SAYING:  # hosts sell it: say what they charge
            return (
                f"has free weights, and hosts sell it at ${mine:.2f} per 1M output tokens "
                f"against ${theirs:.2f} for {other.name}"
            )
        return (  # free per token only on your own hardware: say so, not "costs nothing"
            f"has free weights to run on your own hardware, against ${theirs:.2f} per 1M "
            f"output tokens for {other.name}"
        )
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


AGAINST_WORDS = ("deprecat", "shut", "retire", "sunset", "end of life", "replaced")
"""Words that argue against a tool's future: a take with them never tips the pick to it."""
WEAKNESS_WORDS = (
    "costly",
    "expensive",
    "pricey",
    "overpriced",
    "premium pric",
    "steep",
    "line item",
    "slow",
    "weak",
    "lags",
    "struggl",
    "flaky",
    "breaks",
)
"""Words that name a weakness: a take that ships a tool while naming one of its weaknesses
("Costly, and newer models exist, but …") concedes a point against it, so it is no reason to
pick it either; the reason's own fact says why instead."""
_WEAKNESS = re.compile(r"\b(?:" + "|".join(WEAKNESS_WORDS) + ")", re.IGNORECASE)
CONCESSION = re.compile(r"\b(?:but|though|although|however|yet|except)\b", re.IGNORECASE)
"""A ship take that turns on "but" concedes something against the tool first."""


def supports(take: str) -> bool:
    """Whether a take that ships a tool may be quoted as the reason to pick it: it names no
    threat to the tool's future, no weakness of its own, and concedes nothing."""
    if any(word in take.casefold() for word in AGAINST_WORDS):
        return False
    return _WEAKNESS.search(take) is None and CONCESSION.search(take) is None


NEEDS = {
    "vision": ("reads images", "does not read images"),
    "agents": ("calls tools", "has no tool calling"),
    "reasoning": ("reasons before it answers", "does not reason before it answers"),
    "long-context": ("holds 200K tokens or more", "holds under 200K tokens"),
    "self-hosting": ("has open weights", "has no open weights"),
    "coding": ("calls tools and holds 64K tokens", "lacks tool calling or a 64K context"),
}
"""Per use case, what a tool that fits it has, and what one that does not lacks."""
CAPABILITY_WORDS = {
    "images": "reads images",
    "tool_calling": "calls tools",
    "reasoning": "reasons before it answers",
    "structured_output": "returns structured output",
}


def joined(parts: Sequence[str]) -> str:
    return " ".join(p for p in parts if p)


def _neither(tools: Sequence[Tool]) -> str:
    names = [t.name for t in tools]
    if len(names) == 2:
        return f"Neither {names[0]} nor {names[1]}"
    return f"None of {and_list(names)}"


def retired(first: Tool, tools: Sequence[Tool], successors: Sequence[Tool | None]) -> str:
    """ "Claude 3.5 Sonnet was retired on 2025-10-28 (its successor: Claude Sonnet 4.5)." """
    parts = []
    for tool, successor in zip(tools, successors, strict=True):
        when = tool.lifecycle.retired_on
        on = f" on {when.isoformat()}" if when else ""
        after = f" (successor: {successor.name})" if successor else ""
        parts.append(f"{tool.name} was retired{on}{after}")
    return "; ".join(parts) + "."


def only_live(tool: Tool) -> str:
    return f"{tool.name} is the one you can still use."


def closing_soon(tools: Sequence[Tool], successors: Sequence[Tool | None], today: dt.date) -> str:
    """ "GPT-5 shuts down on 2026-12-11, in 8 days (successor: GPT-5.5)." """
    parts = []
    for tool, successor in zip(tools, successors, strict=True):
        after = f" (successor: {successor.name})" if successor else ""
        when = tool.lifecycle.retired_on
        if when is None:
            parts.append(f"{tool.name} is deprecated, with no shutdown day announced{after}")
            continue
        days = (when - today).days
        in_days = f"in {days} day{'' if days == 1 else 's'}"
        parts.append(f"{tool.name} shuts down on {when.isoformat()}, {in_days}{after}")
    return "; ".join(parts) + "." if parts else ""


def only_lasting(tool: Tool) -> str:
    return f"{tool.name} is the one that stays."


def shutdown_words(tool: Tool) -> str:
    when = tool.lifecycle.retired_on
    return f"shuts down on {when.isoformat()}" if when else "is deprecated"


def deprecated_tiebreak(winner: Tool, lost: Sequence[Tool], why: str) -> str:
    """ "The panel ties, and GPT-5 shuts down on 2026-12-11: ship GPT-5.1." """
    gone = and_list([f"{t.name} {shutdown_words(t)}" for t in lost])
    return f"{why}, and {gone}, so {winner.name} wins."


def panel_tie_words() -> str:
    return "The panel ties"


def community_tie_words() -> str:
    return "The community is a tie"


def facts_tie_words() -> str:
    return "The facts tie"


def none_fit(tools: Sequence[Tool], use_case: UseCase) -> str:
    need = NEEDS[use_case.value][0]
    return f"{_neither(tools)} {need}, so none fits {use_case.label.removeprefix('for ')}."


def unknown_fit(tools: Sequence[Tool], use_case: UseCase) -> str:
    need = NEEDS[use_case.value][0]
    who = "either" if len(tools) == 2 else "any of them"
    return f"The data does not say whether {who} {need}."


def lacks(no: Sequence[Tool], use_case: UseCase, unknown: Sequence[Tool] = ()) -> str:
    """ "GPT-4o mini does not read images; the data does not say whether Foo does." """
    parts = []
    if no:
        parts.append(f"{and_list([t.name for t in no])} {NEEDS[use_case.value][1]}")
    if unknown:
        need = NEEDS[use_case.value][0]
        parts.append(f"the data does not say whether {and_list([t.name for t in unknown])} {need}")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def fits(tool: Tool, use_case: UseCase) -> str:
    return f"{tool.name} {NEEDS[use_case.value][0]}, so it wins {use_case.label}."


def may_fit(tool: Tool, use_case: UseCase) -> str:
    return (
        f"{tool.name} is the only one that may fit {use_case.label.removeprefix('for ')}; "
        f"check that it {NEEDS[use_case.value][0]}."
    )


def lead_persona(tool: Tool, persona: str, take: str, use_case: UseCase) -> str:
    return (
        f"The panel ties; {use_case.label} {persona} decides, shipping only {tool.name}: “{take}”"
    )


def panel_tie(tools: Sequence[Tool], scores: Sequence[tuple[int, int]], everyone: bool) -> str:
    ships, size = scores[0]
    alike = all(s == scores[0] for s in scores)
    each = f"{ships} of {size} ship each" if alike else f"{round(100 * ships / size)}% ship each"
    who = (
        "The panel is split evenly"
        if everyone
        else f"{and_list([t.name for t in tools])} tie on the panel"
    )
    return f"{who} ({each})."


def panel_win(
    winner: Tool,
    score: tuple[int, int],
    others: Sequence[tuple[Tool, int, int]],
    tipping: tuple[str, str] | None,
    other_tools: Sequence[Tool],
    said: int = 0,
) -> str:
    """The score, then the reviewer who tips it, in their own words, then one fact if it fits."""
    against = [f"{ships} of {size} for {t.name}" for t, ships, size in others]
    text = f"{score[0]} of {score[1]} reviewers ship {winner.name}, against {and_list(against)}."
    if tipping is not None:
        text += f" {tipping[0]} tips it: “{tipping[1]}”"
    edge = differences(winner, other_tools, limit=1)
    if edge:
        also = f"It is also {edge[0][3:]}" if edge[0].startswith("is ") else f"It also {edge[0]}"
        if said + len(text) + len(also) <= REASON_BUDGET:  # `said`: what the reason says before
            text += f" {also}."
    return text


REASON_BUDGET = 240
"""Characters a reason may grow to with an extra difference: about three lines of a terminal."""


def share(tally: CommunityTally) -> str:
    """ "62% of 40 votes (95%: 47–76)": the share, its votes, and how sure."""
    text = f"{tally.ship_pct or 0}% of {tally.votes} votes"
    if tally.interval_pct is not None:
        text += f" (95%: {tally.interval_pct[0]}–{tally.interval_pct[1]})"
    return text


def community_win(
    winner: Tool, tally: CommunityTally, others: Sequence[tuple[Tool, CommunityTally]]
) -> str:
    """The intervals are on the card's rows; the reason says the margin is beyond them."""
    against = and_list([f"{t.ship_pct or 0}% of {t.votes} for {tool.name}" for tool, t in others])
    return (
        f"The community decides: {winner.name} won {tally.ship_pct or 0}% of {tally.votes} "
        f"votes, against {against}, a margin beyond the 95% interval."
    )


def community_tie(tied: Sequence[tuple[Tool, CommunityTally]]) -> str:
    """The shares are on the card's rows with their intervals; the reason only calls it."""
    if len(tied) == 2:
        return "The community ties (margin inside the 95% intervals)."
    names = and_list([tool.name for tool, _ in tied])
    return f"{names} tie with the community (margins inside the 95% intervals)."


def panel_and_community_tie(panel_tie_note: str) -> str:
    """ "The panel is split evenly (2 of 4 ship each)." -> "… and the community ties." """
    return panel_tie_note.removesuffix(".") + "; the community ties too."


def clearly_cheaper(low: float, high: float) -> bool:
    if low == 0:
        return high > 0
    return round(high / low, 2) >= WORTH_SAYING


def cheaper(winner: Tool, runner_up: Tool, for_budget: bool) -> str:
    if winner.is_product and runner_up.is_product:  # seat against seat, in their own unit
        figures = (
            f"{product_price_figure(winner)}, against {product_price_figure(runner_up)} "
            f"for {runner_up.name}"
        )
        if for_budget:
            return f"On a budget, {winner.name} wins: {figures}."
        return (
            f"Both are products, so the seat price decides: {winner.name} is the cheaper seat, "
            f"{figures}."
        )
    phrase = price_difference(winner, runner_up) or f"costs less than {runner_up.name}"
    if for_budget:
        return f"On a budget, {winner.name} wins: it {phrase}."
    return f"Same capability class, so price decides: {winner.name} {phrase}."


def context_rank(tool: Tool) -> int | None:
    window = tool.facts.context_window
    if window is None:
        return None
    for rank, (limit, _) in enumerate(CONTEXT_CLASSES):
        if window <= limit:
            return rank
    return len(CONTEXT_CLASSES)


def _edge_words(edge: str, tool: Tool, other: Tool) -> str:
    if edge == "context":
        return context_difference(tool, other) or f"holds more than {other.name}"
    if edge == "tier":
        return f"is a larger model tier than {other.name}"
    return CAPABILITY_WORDS[edge]


def capability_win(
    winner: Tool, others: Sequence[Tool], edges: Sequence[Sequence[str]], *, premium: float | None
) -> str:
    """ "GPT-5.1 holds 2× the context of Claude Opus 4.5, 400K tokens, at no higher price."
    `premium` is how much dearer the winner is than the cheapest other (0 when it is not; a
    winner more than `WORTH_SAYING` dearer does not win on capabilities), None when the prices
    are in other units or unknown: then nothing is said of the price."""
    said = [
        _edge_words(edge, winner, other)
        for other, found in zip(others, edges, strict=True)
        for edge in found[:1]
    ]
    unique = list(dict.fromkeys(said))
    price = _premium_words(winner, premium)
    return f"{winner.name} wins on capabilities{price}: it {and_list(unique)}."


def _premium_words(winner: Tool, premium: float | None) -> str:
    if premium is None:
        return ""
    percent = round(premium * 100)
    if percent <= 0:
        return " at no higher price"
    return f" at {percent}% more per {'seat' if winner.is_product else 'token'}"


def too_few_facts(tools: Sequence[Tool]) -> str:
    names = and_list([t.name for t in tools])
    return f"Too few facts to judge {names}: no review, and the data says too little."


def left_out(tools: Sequence[Tool]) -> str:
    """On a card of three or four, the tools the data says too little about sit out."""
    verb = "it is" if len(tools) == 1 else "they are"
    return f"Too few facts to judge {and_list([t.name for t in tools])}, so {verb} left out."


def no_fact_tips() -> str:
    """An app and a model nothing else decided: the votes on the card will."""
    return "No fact tips it; the votes on this card will."


def too_close(tools: Sequence[Tool]) -> str:
    """The headline already says "too close to call": the reason says why, and what decides."""
    both = count_word(len(tools)).capitalize()
    return (
        f"{both} in one capability class, at prices within {WORTH_SAYING}×: no fact tips it; "
        "the votes on this card will."
    )


SITUATIONS = {
    "context": "if you need the room",
    "tier": "for the hardest work",
    "images": "if you need images read",
    "tool_calling": "if you need tool calls",
    "reasoning": "for multi-step problems",
    "structured_output": "if you need structured output",
}


def needs_situation(tool: Tool, edge: str, other: Tool) -> str:
    """ "A if you need the room (400K tokens)", "A for the hardest work (a larger tier)"."""
    if edge == "context":
        fact = f"{tokens(tool.facts.context_window or 0)} tokens"
    elif edge == "tier":
        fact = "a larger model tier"
    else:  # the situation names the fact: only this one has it
        return f"{tool.name} {SITUATIONS[edge]}"
    return f"{tool.name} {SITUATIONS[edge]} ({fact})"


def short_price(tool: Tool, other: Tool) -> str | None:
    """ "free weights", "5× cheaper per output token": None when not clearly cheaper."""
    if tool.pricing.model == "self-hosted" and other.pricing.model != "self-hosted":
        return "free weights"
    mine, theirs = _output_price(tool), _output_price(other)
    if mine and theirs and round(theirs / mine, 2) >= WORTH_SAYING:
        return f"{_times(theirs / mine)} cheaper per output token"
    return None


def bill_situation(tool: Tool, other: Tool) -> str | None:
    """ "B if the bill matters (5× cheaper per output token)"; None if it is not cheaper."""
    fact = short_price(tool, other)
    return f"{tool.name} if the bill matters ({fact})" if fact else None


def best_use(tool: Tool) -> str:
    """ "A for multilingual OCR on small GPUs": the use its reviewers wrote it is best for."""
    return f"{tool.name} for {tool.best_for}"


def no_case(tools: Sequence[Tool]) -> str:
    """ "GPT-5.6 Sol has nothing the others lack.": on a split, the tools neither side names."""
    verb = "has" if len(tools) == 1 else "have"
    return f"{and_list([t.name for t in tools])} {verb} nothing the others lack."


def depends(situations: Sequence[str]) -> str:
    """The headline already says "it depends": the reason gives each side's case."""
    return f"Pick {'; '.join(situations)}."
