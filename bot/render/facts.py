"""A tool's checkable facts as labelled rows, the same on the terminal page and the web page."""

from __future__ import annotations

from bot.catalogue import Tool

NOT_STATED = "not stated"


def released(tool: Tool) -> str:
    """The release date; tools known only from the price data may have none."""
    return tool.released.isoformat() if tool.released else NOT_STATED


def stated_facts(tool: Tool) -> list[tuple[str, str]]:
    """Parameters, context, modalities and benchmark scores, each only where the tool has it."""
    facts: list[tuple[str, str]] = []
    if tool.facts.parameters:
        facts.append(("Parameters", tool.facts.parameters))
    if tool.facts.context_window:
        facts.append(("Context", f"{tool.facts.context_window:,} tokens"))
    if tool.facts.modalities:
        facts.append(("Modalities", ", ".join(tool.facts.modalities)))
    facts.extend(("Benchmark", f"{name}: {score}") for name, score in tool.facts.benchmarks.items())
    return facts + product_facts(tool)


def product_facts(tool: Tool) -> list[tuple[str, str]]:
    """A product's own facts (its price in its own unit is the tool's pricing line): hosting,
    what it works with and runs on, and the day they were read."""
    product = tool.product
    if product is None:
        return []
    hosting = "self-hostable" if product.self_hostable else "hosted only"
    facts = [
        ("Hosting", f"{hosting}; {'open source' if product.open_source else 'closed source'}"),
        ("Works with", ", ".join(product.works_with)),
    ]
    if product.runs_on:
        facts.append(("Runs on", ", ".join(product.runs_on)))
    facts.append(("Read on", product.read_on.isoformat()))
    return facts
