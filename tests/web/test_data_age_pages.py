"""The tool page and the comparison page say how old a tool's dataset facts are, by the day
each dataset was collected (never the day the page was served)."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from bot.catalogue import Catalogue, Source
from tests.unreviewed import with_unreviewed
from tests.web.conftest import Web

AGE = "Data: prices: genai-prices 0.2.3 (bundled); specs: models.dev data of 2026-05-21"


@pytest.fixture
def web_catalogue(catalogue: Catalogue) -> Catalogue:
    """A model known from the datasets: its prices from the bundled genai-prices, its specs
    from models.dev's data of 2026-05-21."""
    merged = with_unreviewed(catalogue, "data-mini", "Data Mini")
    sources = [
        Source(
            url="https://openai.com/api/pricing", supports=["pricing"], dataset="genai-prices 0.2.3"
        ),
        Source(
            url="https://models.dev/api.json",
            supports=["facts.modalities"],
            read_on=dt.date(2026, 5, 21),
            dataset="models.dev",
        ),
    ]
    tool = merged.by_slug["data-mini"].model_copy(update={"sources": sources})
    tools = tuple(tool if t.slug == "data-mini" else t for t in merged.tools)
    return Catalogue(
        panel=merged.panel, tools=tools, weekly=merged.weekly, panel_rules=merged.panel_rules
    )


def _text(body: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


async def test_a_tool_page_says_how_old_its_data_is(web: Web) -> None:
    status, body = await web.get("/t/data-mini")
    assert status == 200
    text = _text(body)
    assert AGE in text
    assert "facts.modalities, as of 2026-05-21" in text  # the source's own collection day


async def test_a_comparison_page_says_it_under_the_tool_and_not_for_reviewed_facts(
    web: Web,
) -> None:
    status, body = await web.get("/c/data-mini-vs-gpt-4o")
    assert status == 200
    text = _text(body)
    assert text.count(AGE) == 1  # GPT-4o's facts are reviewed: no dataset age for it
