"""Where a comparison and a tool live on the web: one canonical address per comparison.

The canonical order is the tools' slugs sorted alphabetically, whatever order they were asked
in, so "A vs B" and "B vs A" share one page, one cache entry and one link to paste.
"""

from __future__ import annotations

from collections.abc import Iterable

SEPARATOR = "-vs-"


def canonical_slugs(slugs: Iterable[str]) -> tuple[str, ...]:
    """The order a comparison's page uses: slugs sorted alphabetically."""
    return tuple(sorted(slugs))


def comparison_path(slugs: Iterable[str], *, use_case: str | None = None) -> str:
    """`/c/a-vs-b[-vs-c…]`, in the canonical order; `?for=coding` with a use case."""
    path = "/c/" + SEPARATOR.join(canonical_slugs(slugs))
    return f"{path}?for={use_case}" if use_case else path


def tool_path(slug: str) -> str:
    return f"/t/{slug}"


def comparison_url(public_url: str, slugs: Iterable[str], *, use_case: str | None = None) -> str:
    """The full page's address under the bot's public base URL (e.g. https://verdict.example)."""
    return public_url.rstrip("/") + comparison_path(slugs, use_case=use_case)
