"""`verdict list` decided in the core: one vendor in any case, one category, the reviewed
ones, retired tools left out unless asked (and counted), and a vendor or category the
catalogue lacks refused with what it knows."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.catalogue import Catalogue
from bot.errors import BadQuery
from bot.render import list_tools

TODAY = dt.date(2026, 12, 3)


def test_a_vendor_in_any_case_lists_only_its_tools(catalogue: Catalogue) -> None:
    listed = list_tools(catalogue, TODAY, vendor="anthropic", retired=True)
    assert listed.tools and {t.vendor for t in listed.tools} == {"Anthropic"}
    assert listed.retired_hidden == 0


def test_retired_tools_are_left_out_and_counted_unless_asked(catalogue: Catalogue) -> None:
    everything = list_tools(catalogue, TODAY, retired=True)
    current = list_tools(catalogue, TODAY)
    retired = [t for t in everything.tools if t.status_on(TODAY) == "retired"]
    assert retired, "the bundled catalogue has retired tools"
    assert current.retired_hidden == len(retired)
    assert len(current.tools) + current.retired_hidden == len(everything.tools)
    assert not any(t.status_on(TODAY) == "retired" for t in current.tools)


def test_the_summary_counts_what_the_panel_reviewed(catalogue: Catalogue) -> None:
    listed = list_tools(catalogue, TODAY, category="llm", reviewed=True)
    assert listed.tools and all(t.reviewed and t.category == "llm" for t in listed.tools)
    assert (
        listed.summary == f"{len(listed.tools)} tools, {len(listed.tools)} reviewed by the "
        "panel, 0 not yet"
    )


def test_an_unknown_vendor_suggests_the_closest_and_an_unknown_category_names_all(
    catalogue: Catalogue,
) -> None:
    with pytest.raises(BadQuery, match=r'No tools by "antropic"\. Did you mean Anthropic'):
        list_tools(catalogue, TODAY, vendor="antropic")
    with pytest.raises(BadQuery, match=r'No category "llms"\. Known: .*llm'):
        list_tools(catalogue, TODAY, category="llms")
