"""Cards across kinds: an app (a product) and a model on one card are compared only where they
are comparable: reviews and votes, yes; a seat price against a per-token price, no.

`decide.py` asks `mixed` before any price step (price decides only within one kind: seat prices
between products, token prices between models) and words the card that nothing else decided
with `not_on_price`; the layout asks `kind_label` how to name each side.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.catalogue import Tool
from bot.compare.reason import and_list

KIND_LABELS = {
    "coding-agent": "agent",
    "agent-framework": "framework",
    "vector-database": "database",
    "local-runtime": "runtime",
    "serving-engine": "serving engine",
    "llm-gateway": "gateway",
    "observability": "service",
    "speech-to-text": "service",
    "text-to-speech": "service",
}
"""What a product is called beside a model; anything not listed is an app."""


def kind_label(kind: str, category: str) -> str:
    """ "model", "app", "framework", "database", …: the word a reader uses for it."""
    if kind != "product":
        return "model"
    return KIND_LABELS.get(category, "app")


def mixed(tools: Sequence[Tool]) -> bool:
    """True when the card holds both products and models."""
    return len({t.kind for t in tools}) > 1


def not_on_price(tools: Sequence[Tool]) -> str:
    """ "An app and a model: price does not decide." A seat price and a per-token price are
    not weighed against each other; each row shows its own price in its own unit."""
    labels = dict.fromkeys(_article(kind_label(t.kind, t.category)) for t in tools)
    kinds = and_list(list(labels))
    return f"{kinds[0].upper()}{kinds[1:]}: price does not decide."


def _article(word: str) -> str:
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"
