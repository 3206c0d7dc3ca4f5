"""Cards across kinds: an app (a product) and a model on one card are compared only where they
are comparable: reviews and votes, yes; a seat price against a per-token price, no.

Kept apart from `card.py` (whose decision rules change on their own): `build_card` passes its
verdict through `across_kinds`, and the layout asks `kind_label` how to name each side.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.catalogue import Tool
from bot.compare.reason import and_list

if TYPE_CHECKING:  # card.py imports this module
    from bot.compare.card import Verdict

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


def across_kinds(verdict: Verdict, tools: Sequence[Tool]) -> Verdict:
    """The verdict, unless it was decided by comparing a product's price with a model's: then
    there is no pick, and the reason says why and gives both prices as they are."""
    if not mixed(tools) or verdict.decided_by != "price":
        return verdict
    # The title names each tool's kind already ("ChatGPT (app) vs GPT-5 (model)"), and each
    # row shows its own price in its own unit: the reason only says why they are not weighed.
    kinds = and_list([_article(kind_label(t.kind, t.category)) for t in tools])
    situations = tuple(f"{t.name} for {t.best_for}" for t in tools if t.panel)
    reason = f"{kinds[0].upper()}{kinds[1:]}: price does not decide."
    if situations:
        reason += f" Pick {'; '.join(situations)}."
    return verdict.model_copy(
        update={"pick": None, "reason": reason, "decided_by": "tie", "situations": situations}
    )


def _article(word: str) -> str:
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"
