"""A catalogue with one current model no reviewer has written about, as the price data knows
it: every persona's take on it is computed from facts."""

from __future__ import annotations

from bot.catalogue import Catalogue, Lifecycle


def with_unreviewed(
    catalogue: Catalogue, slug: str = "new-mini", name: str = "New Mini"
) -> Catalogue:
    base = catalogue.by_slug["gpt-4o-mini"]
    unreviewed = base.model_copy(
        update={
            "slug": slug,
            "name": name,
            "aliases": [],
            "panel": {},
            "released": None,
            "lifecycle": Lifecycle(),
        }
    )
    tools = tuple(sorted((*catalogue.tools, unreviewed), key=lambda t: t.slug))
    return Catalogue(
        panel=catalogue.panel,
        tools=tools,
        weekly=catalogue.weekly,
        panel_rules=catalogue.panel_rules,
    )
