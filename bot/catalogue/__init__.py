"""The catalogue: what a tool is (models), how a catalogue directory is read and checked
(loader) and kept once parsed (cache), how names are normalised for matching (names) and how
prices read (pricing); the generated layer from the genai-prices dataset (model_ids, dataset,
known_models) and how it sits under the reviewed files (layers); drafts of new reviewed files
(scaffold, hub)."""

from bot.catalogue.cache import catalogue_index, register_index
from bot.catalogue.dataset import DatasetInfo, derive_tools
from bot.catalogue.freshness import data_age
from bot.catalogue.grouping import FIRST_PARTY, price_on
from bot.catalogue.hub import HubError, draft_from_hub
from bot.catalogue.known_models import check_with_known_models, default_cache_dir, known_tools
from bot.catalogue.layers import (
    dataset_disagreements,
    lifecycle_problems,
    merge_layers,
    pair_layers,
)
from bot.catalogue.lifecycle import Shutdown, live_successor, read_shutdowns
from bot.catalogue.listing import in_listing_order, listing_key
from bot.catalogue.loader import check_catalogue, load_catalogue, no_cyclic_gc
from bot.catalogue.model_ids import model_key, served_model_of, slug_of, snapshot_of
from bot.catalogue.models import (
    PRODUCT_CATEGORIES,
    Catalogue,
    EntryPrice,
    Facts,
    Lifecycle,
    Offer,
    Panel,
    PanelRule,
    PanelRules,
    Persona,
    Pricing,
    ProductFacts,
    Review,
    Ship,
    Source,
    Tool,
    ToolKind,
    WeeklyEntry,
)
from bot.catalogue.names import (
    MODALITY_WORDS,
    VARIANT_WORDS,
    compact,
    is_number,
    normalise,
    tokens,
    variants_beyond,
)
from bot.catalogue.pricing import (
    blended_usd_per_mtok,
    cost_key,
    price_figure,
    pricing_read,
    product_price_figure,
)
from bot.catalogue.refresh import PriceRefresh
from bot.catalogue.scaffold import Draft, draft_from_tool, scaffold_toml

__all__ = [
    "FIRST_PARTY",
    "MODALITY_WORDS",
    "PRODUCT_CATEGORIES",
    "VARIANT_WORDS",
    "Catalogue",
    "DatasetInfo",
    "Draft",
    "EntryPrice",
    "Facts",
    "HubError",
    "Lifecycle",
    "Offer",
    "Panel",
    "PanelRule",
    "PanelRules",
    "Persona",
    "PriceRefresh",
    "Pricing",
    "ProductFacts",
    "Review",
    "Ship",
    "Shutdown",
    "Source",
    "Tool",
    "ToolKind",
    "WeeklyEntry",
    "blended_usd_per_mtok",
    "catalogue_index",
    "check_catalogue",
    "check_with_known_models",
    "compact",
    "cost_key",
    "data_age",
    "dataset_disagreements",
    "default_cache_dir",
    "derive_tools",
    "draft_from_hub",
    "draft_from_tool",
    "in_listing_order",
    "is_number",
    "known_tools",
    "lifecycle_problems",
    "listing_key",
    "live_successor",
    "load_catalogue",
    "merge_layers",
    "model_key",
    "no_cyclic_gc",
    "normalise",
    "pair_layers",
    "price_figure",
    "price_on",
    "pricing_read",
    "product_price_figure",
    "read_shutdowns",
    "register_index",
    "scaffold_toml",
    "served_model_of",
    "slug_of",
    "snapshot_of",
    "tokens",
    "variants_beyond",
]
