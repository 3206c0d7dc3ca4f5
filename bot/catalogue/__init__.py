"""The catalogue: what a tool is (models), how a catalogue directory is read and checked
(loader), how names are normalised for matching (names) and how prices read (pricing)."""

from bot.catalogue.loader import check_catalogue, load_catalogue
from bot.catalogue.models import (
    Catalogue,
    EntryPrice,
    Facts,
    Lifecycle,
    Offer,
    Panel,
    Persona,
    Pricing,
    Review,
    Ship,
    Source,
    Tool,
    WeeklyEntry,
)
from bot.catalogue.names import compact, is_number, normalise, tokens
from bot.catalogue.pricing import blended_usd_per_mtok, cost_key, price_figure, pricing_read

__all__ = [
    "Catalogue",
    "EntryPrice",
    "Facts",
    "Lifecycle",
    "Offer",
    "Panel",
    "Persona",
    "Pricing",
    "Review",
    "Ship",
    "Source",
    "Tool",
    "WeeklyEntry",
    "blended_usd_per_mtok",
    "check_catalogue",
    "compact",
    "cost_key",
    "is_number",
    "load_catalogue",
    "normalise",
    "price_figure",
    "pricing_read",
    "tokens",
]
