"""Reads a tool's pricing the way a buyer would: one line, and an order for "which is cheaper"."""

from __future__ import annotations

import math

from bot.catalogue.models import Pricing, Tool

BUDGET_BELOW_USD = 0.50
PREMIUM_FROM_USD = 3.00
"""Bands for a blended per-token price (three parts input to one part output), USD per 1M."""


def blended_usd_per_mtok(pricing: Pricing) -> float | None:
    """One number per 1M tokens, weighting input 3:1 as chat and RAG traffic usually does."""
    if pricing.input_usd_per_mtok is None or pricing.output_usd_per_mtok is None:
        return None
    return (3 * pricing.input_usd_per_mtok + pricing.output_usd_per_mtok) / 4


def _usd(amount: float) -> str:
    return f"${amount:.2f}"


SHORT_UNIT = 24
"""A usage unit longer than this is prose, too long to quote in a price figure."""


def _amount(usd: float) -> str:
    """ "$20", "$19.99", "$0.0043": as many decimals as the price has, up to four."""
    if usd == int(usd):
        return f"${usd:.0f}"
    return f"${usd:.4f}".rstrip("0") if usd < 0.01 else f"${usd:.2f}"


def product_price_figure(tool: Tool) -> str:
    """A product's short price, in its own unit: "free tier, $20/seat/month", "$0.0043 per
    audio minute", "free, open source (MIT)". Never per token unless that is its unit."""
    product = tool.product
    if product is None:  # a model: its pricing note says it
        return tool.pricing.note or tool.entry_price.value
    parts: list[str] = []
    if tool.pricing.model == "free" or (
        tool.pricing.model == "self-hosted" and product.seat_usd_per_month is None
    ):
        parts.append(f"free, open source ({tool.licence})" if product.open_source else "free")
    elif tool.pricing.free_tier:
        parts.append("free tier")
    if product.seat_usd_per_month is not None:
        parts.append(f"{_amount(product.seat_usd_per_month)}/seat/month")
    unit = product.usage_unit.strip()
    if product.usage_priced and product.usage_usd is not None and 0 < len(unit) <= SHORT_UNIT:
        parts.append(f"{_amount(product.usage_usd)} {unit}")
    elif product.usage_priced:
        # A unit written as a sentence ("per 1M tokens at your provider's rate") belongs on the
        # tool's page (its pricing note), not in a verdict's reason.
        parts.append("plus usage" if parts else "pay per use")
    return ", ".join(parts) or tool.pricing.note or tool.entry_price.value


def price_figure(tool: Tool) -> str:
    """The short price: "$0.40 in / $2.00 out per 1M tokens" or "free weights"."""
    pricing = tool.pricing
    if tool.is_product:
        return product_price_figure(tool)
    if pricing.model == "self-hosted":
        return "free weights, self-hosted"
    if pricing.model == "per-unit" and pricing.usd_per_unit is not None:
        return f"${pricing.usd_per_unit:.4g} per {pricing.unit}"
    blended = blended_usd_per_mtok(pricing)
    if blended is None:
        return pricing.note or "subscription"
    assert pricing.input_usd_per_mtok is not None and pricing.output_usd_per_mtok is not None
    return (
        f"{_usd(pricing.input_usd_per_mtok)} in / "
        f"{_usd(pricing.output_usd_per_mtok)} out per 1M tokens"
    )


def pricing_read(tool: Tool) -> str:
    """A one-line read: the figure and what it means for the bill."""
    pricing = tool.pricing
    if tool.is_product:
        return product_price_figure(tool)
    if pricing.model == "self-hosted":
        return f"Free weights ({tool.licence}); you pay for the hardware"
    if pricing.model == "per-unit":
        return f"{price_figure(tool)}: priced per {pricing.unit}, not per token"
    blended = blended_usd_per_mtok(pricing)
    if blended is None:
        return price_figure(tool)
    if blended < BUDGET_BELOW_USD:
        band = "budget"
    elif blended < PREMIUM_FROM_USD:
        band = "mid-range"
    else:
        band = "premium"
    free = ", free tier" if pricing.free_tier else ""
    return f"{price_figure(tool)}{free}: {band}"


def cost_key(tool: Tool) -> tuple[float, int]:
    """Sorts cheapest first: blended per-token price, then a free tier before none.

    Self-hosted weights count as zero: the hardware bill depends on the buyer, not the tool.
    A price that cannot be compared (a subscription) sorts last, and so does a price in another
    unit (per minute of audio, per 1M characters): it is never weighed against per-token prices.
    `unit_cost_key` orders tools priced in one unit among themselves. A product sorts by its
    seat price (free software first); it is compared only with other products (`compare.kinds`).
    """
    pricing = tool.pricing
    if tool.product is not None:
        if pricing.model == "free" or (
            pricing.model == "self-hosted" and tool.product.seat_usd_per_month is None
        ):
            return (0.0, 0)
        seat = tool.product.seat_usd_per_month
        return (math.inf if seat is None else seat, 0 if pricing.free_tier else 1)
    if pricing.model == "self-hosted":
        return (0.0, 0)
    blended = blended_usd_per_mtok(pricing)
    return (math.inf if blended is None else blended, 0 if pricing.free_tier else 1)


def unit_cost_key(tool: Tool) -> tuple[str, float]:
    """Orders tools priced in the same unit, cheapest first; (unit, price), so tools in
    different units never sort as if comparable (compare the unit first)."""
    pricing = tool.pricing
    if pricing.model != "per-unit" or pricing.usd_per_unit is None or pricing.unit is None:
        return ("1M tokens (blended)", cost_key(tool)[0])
    return (pricing.unit, pricing.usd_per_unit)
