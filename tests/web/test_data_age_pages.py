"""The tool page and the comparison page say how old a tool's dataset facts are, by the day
each dataset was collected (never the day the page was served)."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from bot.catalogue import Catalogue, Source
from tests.web.conftest import Web

AGE = "Data: prices: genai-prices 0.2.3 (bundled); specs: models.dev data of 2026-05-21"


@pytest.fixture
def web_catalogue(catalogue: Catalogue) -> Catalogue:
    base = catalogue.by_slug["gpt-4o-mini"]
    generated = base.model_copy(
        update={
            "slug": "data-mini",
            "name": "Data Mini",
            "aliases": [],
            "sources": [
                Source(
                    url="https://openai.com/api/pricing",
                    supports=["pricing"],
                    dataset="genai-prices 0.2.3",
                ),
                Source(
                    url="https://models.dev/api.json",
                    supports=["facts.modalities"],
                    read_on=dt.date(2026, 5, 21),
                    dataset="models.dev",
                ),
            ],
        }
    )
    tools = tuple(sorted((*catalogue.tools, generated), key=lambda t: t.slug))
    return Catalogue(
        panel=catalogue.panel,
        tools=tools,
        weekly=catalogue.weekly,
        panel_rules=catalogue.panel_rules,
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
