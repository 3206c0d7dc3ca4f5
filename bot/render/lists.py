"""The /tools answer on every surface: the catalogue filtered by name, vendor or category,
one page at a time (a chat message holds a page, not 2,500 tools)."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass

from bot.catalogue import Catalogue, Tool, in_listing_order, normalise
from bot.errors import BadQuery

PAGE_SIZE = 15


@dataclass(frozen=True)
class ToolPage:
    filter: str
    page: int
    """1-based."""
    pages: int
    total: int
    tools: tuple[Tool, ...]

    @property
    def next_page(self) -> int | None:
        return self.page + 1 if self.page < self.pages else None

    @property
    def previous_page(self) -> int | None:
        return self.page - 1 if self.page > 1 else None

    @property
    def turns(self) -> tuple[tuple[str, int], ...]:
        """The pages a reader can turn to from here, labelled: ("Previous", n), ("Next", n)."""
        offered = (("Previous", self.previous_page), ("Next", self.next_page))
        return tuple((label, number) for label, number in offered if number is not None)


def parse_tools_args(text: str) -> tuple[str, int]:
    """ "vision 2" → ("vision", 2): a trailing number is the page."""
    words = text.split()
    if words and words[-1].isdigit():
        return " ".join(words[:-1]), max(1, int(words[-1]))
    return " ".join(words), 1


def _matches(tool: Tool, wanted: str) -> bool:
    fields = (tool.name, tool.slug, tool.vendor, tool.category, *tool.aliases)
    return all(any(word in normalise(f) for f in fields) for word in wanted.split())


def tool_page(
    catalogue: Catalogue, text: str = "", page: int | None = None, *, today: dt.date | None = None
) -> ToolPage:
    """The tools whose name, slug, vendor, category or alias holds every word of the filter,
    current and reviewed first (`in_listing_order`, as `verdict list`); `today` (UTC today by
    default) is the day the tools' lifecycle is read on."""
    wanted, typed_page = parse_tools_args(text)
    found = (
        [t for t in catalogue.tools if _matches(t, normalise(wanted))]
        if wanted
        else list(catalogue.tools)
    )
    found = in_listing_order(found, today or dt.datetime.now(dt.UTC).date())
    pages = max(1, -(-len(found) // PAGE_SIZE))
    number = min(page or typed_page, pages)
    start = (number - 1) * PAGE_SIZE
    return ToolPage(
        filter=wanted,
        page=number,
        pages=pages,
        total=len(found),
        tools=tuple(found[start : start + PAGE_SIZE]),
    )


def page_heading(page: ToolPage) -> str:
    scope = f' matching "{page.filter}"' if page.filter else ""
    if not page.total:
        return f"No tool{scope}. Try a vendor (openai), a category (llm) or part of a name."
    plural = "s" if page.total != 1 else ""
    return f"{page.total} tool{plural}{scope}, page {page.page} of {page.pages}"


def tool_line(tool: Tool) -> str:
    return f"{tool.name} ({tool.slug}) · {tool.vendor} · {tool.category}"


def render_tool_page(page: ToolPage, *, next_hint: str = "/tools") -> str:
    """Plain text, for the terminal."""
    lines = [page_heading(page), *(f"  {tool_line(t)}" for t in page.tools)]
    if page.next_page is not None:
        spaced = f"{page.filter} " if page.filter else ""
        lines.append(f"More: {next_hint} {spaced}{page.next_page}")
    return "\n".join(lines)


@dataclass(frozen=True)
class ToolList:
    """`verdict list`: the tools shown, and how many retired ones were left out."""

    tools: tuple[Tool, ...]
    retired_hidden: int

    @property
    def summary(self) -> str:
        reviewed = sum(t.reviewed for t in self.tools)
        shown = len(self.tools)
        return f"{shown} tools, {reviewed} reviewed by the panel, {shown - reviewed} not yet"


def list_tools(
    catalogue: Catalogue,
    today: dt.date,
    *,
    vendor: str | None = None,
    category: str | None = None,
    reviewed: bool = False,
    retired: bool = False,
) -> ToolList:
    """The catalogue by one vendor (any case) and one category, only the reviewed ones if
    asked, current and reviewed first (`in_listing_order`, as /tools), retired ones only with
    `retired`. Raises `BadQuery` for a vendor or category the catalogue lacks."""
    tools = list(catalogue.tools)
    if vendor is not None:
        tools = [t for t in tools if t.vendor.casefold() == vendor.casefold()]
        if not tools:
            vendors = sorted({t.vendor for t in catalogue.tools}, key=str.casefold)
            close = difflib.get_close_matches(vendor, vendors, n=3, cutoff=0.5)
            hint = f" Did you mean {', '.join(close)}?" if close else ""
            raise BadQuery(f'No tools by "{vendor}".{hint}')
    if category is not None:
        categories = sorted({t.category for t in catalogue.tools})
        if category not in categories:
            raise BadQuery(f'No category "{category}". Known: {", ".join(categories)}.')
        tools = [t for t in tools if t.category == category]
    if reviewed:
        tools = [t for t in tools if t.reviewed]
    shown = in_listing_order(tools, today, retired=retired)
    return ToolList(tools=tuple(shown), retired_hidden=len(tools) - len(shown))
