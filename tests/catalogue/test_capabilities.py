"""The capabilities layer: models.dev's facts on every model it knows, cited and dated with the
day its data was collected; a newer model borrows only when it says so; refreshed over a
loopback fake of models.dev, never the network."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.catalogue import Catalogue, Tool, known_tools, merge_layers
from bot.catalogue.capabilities import SOURCE_URL
from bot.catalogue.capabilities_data import (
    REFRESHED_FILE,
    CapabilityRefreshError,
    bundled_index,
    fetch_models_dev,
)
from tests.loopback import serve

TODAY = dt.date(2026, 12, 3)


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Tool]:
    tools, _ = known_tools(TODAY, cache_dir=tmp_path_factory.mktemp("cache"))
    return {t.slug: t for t in tools}


def _capability_source(tool: Tool):  # type: ignore[no-untyped-def]
    found = [s for s in tool.sources if str(s.url) == SOURCE_URL]
    assert len(found) == 1, tool.sources
    return found[0]


def test_a_current_model_reads_images_calls_tools_and_says_where_and_when_that_was_read(
    known: dict[str, Tool],
) -> None:
    sonnet = known["claude-sonnet-4-5"]
    assert "image" in sonnet.facts.modalities
    assert sonnet.facts.output_modalities == ["text"]
    assert sonnet.facts.tool_calling is True
    assert sonnet.facts.reasoning is True
    assert sonnet.facts.open_weights is False
    assert sonnet.facts.knowledge_cutoff is not None
    assert sonnet.released == dt.date(2025, 9, 29)
    source = _capability_source(sonnet)
    assert {"facts.modalities", "facts.tool_calling", "released"} <= set(source.supports)
    bundled = bundled_index()
    assert bundled is not None
    # the day the bundled data was collected, never the day it is read
    assert source.read_on == bundled.read_on
    assert source.read_on < TODAY


def test_open_weights_models_say_so(known: dict[str, Tool]) -> None:
    llama = known["llama-3-3-70b"]
    assert llama.facts.open_weights is True
    assert llama.released is not None


def test_every_fact_the_layer_adds_is_cited(known: dict[str, Tool]) -> None:
    for tool in known.values():
        cited = tool.cited_fields()
        for field in tool.fact_fields():
            if field in ("licence", "pricing"):
                continue
            assert field in cited, (tool.slug, field)


def test_a_model_newer_than_the_data_borrows_from_its_family_and_says_so(
    known: dict[str, Tool],
) -> None:
    newer = known["claude-opus-4-8"]
    assert newer.facts.capabilities_as_for == "Claude Opus 4.7"
    assert newer.facts.tool_calling is True
    assert newer.released is None  # a release date is never borrowed
    assert newer.facts.knowledge_cutoff is None
    assert "facts.capabilities_as_for" in _capability_source(newer).supports
    # a model the data knows never borrows
    assert known["claude-opus-4-1"].facts.capabilities_as_for is None


def test_a_model_nobody_describes_stays_unknown_not_no(known: dict[str, Tool]) -> None:
    unknown = [t for t in known.values() if not any(str(s.url) == SOURCE_URL for s in t.sources)]
    assert unknown
    for tool in unknown:
        assert tool.facts.tool_calling is None
        assert tool.facts.open_weights is None
        assert tool.facts.modalities == []


def test_categories_come_from_what_a_model_reads_and_writes(known: dict[str, Tool]) -> None:
    assert known["gpt-image-1"].category == "image-generation"
    assert known["voxtral-small-24b-2507"].category == "speech"
    assert known["gpt-5"].category == "llm"


def test_a_reviewed_file_keeps_its_facts_and_gains_the_ones_it_lacks(
    catalogue: Catalogue, known: dict[str, Tool]
) -> None:
    full = merge_layers(catalogue, list(known.values()))
    gpt5 = full.by_slug["gpt-5"]
    reviewed = catalogue.by_slug["gpt-5"]
    assert gpt5.reviewed
    assert gpt5.facts.context_window == reviewed.facts.context_window
    assert reviewed.facts.tool_calling is None
    assert gpt5.facts.tool_calling is True
    source = _capability_source(gpt5)
    assert "facts.tool_calling" in source.supports
    assert source.read_on is not None and source.read_on < TODAY


FETCHED = {
    "anthropic": {
        "id": "anthropic",
        "name": "Anthropic",
        "models": {
            "claude-opus-4-8": {
                "id": "claude-opus-4-8",
                "name": "Claude Opus 4.8",
                "family": "claude-opus",
                "attachment": True,
                "reasoning": True,
                "tool_call": True,
                "structured_output": True,
                "open_weights": False,
                "knowledge": "2026-06",
                "release_date": "2026-10-01",
                "last_updated": "2026-10-01",
                "modalities": {"input": ["text", "image", "pdf"], "output": ["text"]},
                "limit": {"context": 1000000, "output": 128000},
            }
        },
    }
}


@pytest.fixture
async def models_dev() -> AsyncIterator[tuple[str, list[str]]]:
    """A loopback models.dev: /api.json answers with FETCHED, /broken with an error page."""
    hits: list[str] = []

    async def api(request: web.Request) -> web.Response:
        hits.append(request.path)
        return web.json_response(FETCHED)

    async def broken(request: web.Request) -> web.Response:
        hits.append(request.path)
        return web.Response(status=200, text="<html>maintenance</html>", content_type="text/html")

    app = web.Application()
    app.router.add_get("/api.json", api)
    app.router.add_get("/broken", broken)
    runner, port = await serve(app)
    try:
        yield f"http://127.0.0.1:{port}", hits
    finally:
        await runner.cleanup()


async def test_a_refresh_fetches_models_dev_into_the_cache_and_dates_it_by_the_fetch(
    models_dev: tuple[str, list[str]], tmp_path: Path
) -> None:
    base, hits = models_dev
    fetched_on = dt.date(2026, 12, 2)
    await asyncio.to_thread(fetch_models_dev, tmp_path, today=fetched_on, url=f"{base}/api.json")
    assert hits == ["/api.json"]
    stored = json.loads((tmp_path / REFRESHED_FILE).read_text())
    assert stored["read_on"] == "2026-12-02"

    tools, _ = known_tools(TODAY, cache_dir=tmp_path)
    opus = next(t for t in tools if t.slug == "claude-opus-4-8")
    assert opus.facts.capabilities_as_for is None  # known now, no longer borrowed
    assert opus.facts.knowledge_cutoff == "2026-06"
    assert opus.released == dt.date(2026, 10, 1)
    assert _capability_source(opus).read_on == fetched_on


async def test_a_failed_refresh_keeps_the_copy_already_fetched(
    models_dev: tuple[str, list[str]], tmp_path: Path
) -> None:
    base, _ = models_dev
    await asyncio.to_thread(
        fetch_models_dev, tmp_path, today=dt.date(2026, 12, 2), url=f"{base}/api.json"
    )
    before = (tmp_path / REFRESHED_FILE).read_bytes()
    with pytest.raises(CapabilityRefreshError, match="did not send JSON"):
        await asyncio.to_thread(fetch_models_dev, tmp_path, today=TODAY, url=f"{base}/broken")
    with pytest.raises(CapabilityRefreshError, match="could not fetch"):
        await asyncio.to_thread(fetch_models_dev, tmp_path, today=TODAY, url=f"{base}/missing")
    assert (tmp_path / REFRESHED_FILE).read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [REFRESHED_FILE]


def test_a_model_carries_its_makers_spelling_not_the_price_datas_lower_case(
    known: dict[str, Tool],
) -> None:
    """The price data spells OpenAI's models "gpt 4.1"; models.dev, the maker's "GPT-4.1".
    A bare id never replaces a written-out name."""
    assert known["gpt-4-1"].name == "GPT-4.1"
    assert "name" in _capability_source(known["gpt-4-1"]).supports
    assert known["gpt-4-1-mini"].name == "GPT-4.1 mini"
    assert known["o4-mini"].name == "o4-mini"  # the price data calls it "o4 Mini High"
    spelled = [t.name for t in known.values() if t.slug.startswith("qwen3-235b-a22b")]
    assert spelled and all(" " in name for name in spelled), spelled
    assert all(name == name.strip() for name in (t.name for t in known.values()))
