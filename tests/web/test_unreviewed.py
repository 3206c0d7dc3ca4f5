"""A tool known only from the price dataset: no panel numbers, but who serves it and whether
it is still around."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from bot.catalogue import Catalogue, Lifecycle, Offer
from tests.web.conftest import Web


@pytest.fixture
def web_catalogue(catalogue: Catalogue) -> Catalogue:
    base = catalogue.by_slug["gpt-4o-mini"]
    unreviewed = base.model_copy(
        update={
            "slug": "old-mini",
            "name": "Old Mini",
            "aliases": [],
            "panel": {},
            "released": None,  # the price data gives no release date
            "lifecycle": Lifecycle(
                status="retired", retired_on=dt.date(2026, 2, 1), successor="gpt-4o-mini"
            ),
            "offers": (
                Offer(
                    provider="groq",
                    provider_name="Groq",
                    model_id="old-mini-8k",
                    input_usd_per_mtok=0.05,
                    output_usd_per_mtok=0.08,
                    url="https://groq.com/pricing",
                ),
                Offer(provider="together", provider_name="Together", model_id="old/mini"),
            ),
        }
    )
    tools = tuple(sorted((*catalogue.tools, unreviewed), key=lambda t: t.slug))
    return Catalogue(
        panel=catalogue.panel,
        tools=tools,
        weekly=catalogue.weekly,
        panel_rules=catalogue.panel_rules,
    )


async def test_an_unreviewed_tool_says_so_and_shows_who_serves_it(web: Web) -> None:
    status, body = await web.get("/c/gpt-4o-vs-old-mini")
    assert status == 200
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())
    # Every persona judges it from facts, marked so, never as a reviewer's words.
    assert "0% ship (0 of 4), 4 from facts" in text
    assert text.count("Computed from facts") == len(web.site.catalogue.panel.personas)
    assert "Not reviewed yet." not in text
    assert "Verdict: ship GPT-4o." in text
    assert "Retired on 2026-02-01; use GPT-4o mini instead." in text
    assert "Served by" in text
    assert "Groq old-mini-8k $0.05 in / $0.08 out" in text
    assert "Together old/mini — in / — out" in text
    assert '<a href="https://groq.com/pricing" rel="nofollow noopener">Groq</a>' in body


async def test_an_unreviewed_tool_has_its_own_page(web: Web) -> None:
    status, body = await web.get("/t/old-mini")
    assert status == 200
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())
    assert "from facts" in text and "Released not stated" in text
