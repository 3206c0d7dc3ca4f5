"""The generated layer: every dataset model one tool, with its offers, prices, dates and status."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest
from genai_prices import types as gp

from bot.catalogue import DatasetInfo, Tool, derive_tools, known_tools, price_on
from bot.catalogue.known_models import CACHE_SCHEMA

TODAY = dt.date(2026, 11, 24)


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Tool]:
    tools, _ = known_tools(TODAY, cache_dir=tmp_path_factory.mktemp("cache"))
    return {t.slug: t for t in tools}


def test_the_dataset_gives_hundreds_of_tools_one_per_model(known: dict[str, Tool]) -> None:
    assert len(known) > 700
    for slug in ["gpt-5", "claude-sonnet-4-5", "gemini-2-5-flash", "deepseek-v3-2", "kimi-k2-6"]:
        assert slug in known
    assert "gpt-4o-2024-08-06" not in known
    assert "claude-3-5-haiku-latest" not in known
    assert "openai/gpt-4o" in known["gpt-4o"].model_ids  # dated ids: tests/compare


def test_an_open_weights_model_is_one_tool_served_by_every_provider_cheapest_first(
    known: dict[str, Tool],
) -> None:
    llama = known["llama-3-3-70b"]
    assert llama.vendor == "Meta"
    providers = {o.provider for o in llama.offers}
    assert {"groq", "cerebras", "together", "huggingface_groq"} <= providers
    assert len(providers) == len(llama.offers)
    blended = [(3 * o.input_usd_per_mtok + o.output_usd_per_mtok) / 4 for o in llama.offers]  # type: ignore[operator]
    assert blended == sorted(blended)
    ids = {i.lower() for i in llama.model_ids}
    assert "meta-llama/llama-3.3-70b-instruct" in ids
    assert "llama-3.3-70b-versatile" in ids
    # a different size or version is a different tool, never an offer of this one
    assert all("8b" not in o.model_id.lower() and "3.1" not in o.model_id for o in llama.offers)
    assert "llama-3-1-70b" in known or "llama-3-1-8b" in known


def test_a_first_party_model_is_priced_from_its_vendor_with_source_and_date(
    known: dict[str, Tool],
) -> None:
    sonnet = known["claude-sonnet-4-5"]
    assert sonnet.vendor == "Anthropic"
    assert (sonnet.pricing.input_usd_per_mtok, sonnet.pricing.output_usd_per_mtok) == (3.0, 15.0)
    assert sonnet.pricing.as_of == TODAY
    assert str(sonnet.sources[0].url).startswith("https://www.anthropic.com/pricing")
    assert "pricing" in sonnet.sources[0].supports
    assert sonnet.facts.context_window == 200_000
    assert sonnet.dataset == "anthropic/claude-sonnet-4-5"
    assert not sonnet.reviewed
    assert sonnet.released == dt.date(
        2025, 9, 29
    )  # from models.dev (tests/catalogue/test_capabilities)


def test_the_dataset_is_named_in_the_sources_not_in_what_a_reader_sees(
    known: dict[str, Tool],
) -> None:
    for tool in known.values():
        assert "genai-prices" not in tool.tagline and "genai-prices" not in tool.description
        [dataset] = [s for s in tool.sources if "genai-prices" in str(s.url)]
        # The bundled copy does not say when it was collected: no date rather than today's.
        assert dataset.read_on is None


def test_the_datasets_deprecated_flag_becomes_the_lifecycle(known: dict[str, Tool]) -> None:
    assert known["gemini-2-0-flash"].lifecycle.status == "deprecated"
    assert known["gemini-2-5-flash"].lifecycle.status == "active"


def test_slugs_and_names_are_unique(known: dict[str, Tool]) -> None:
    names = [t.name.casefold() for t in known.values()]
    assert len(names) == len(set(names))


def _provider(pid: str, models: list[gp.ModelInfo], match: object = None) -> gp.Provider:
    return gp.Provider(
        id=pid,
        name=pid.title(),
        api_pattern="",
        pricing_urls=[f"https://{pid}.example/pricing"],
        model_match=match,  # type: ignore[arg-type]
        models=models,
    )


def test_the_price_on_a_day_is_the_latest_that_has_started() -> None:
    model = gp.ModelInfo(
        id="m",
        match=gp.ClauseEquals(equals="m"),
        prices=[
            gp.ConditionalPrice(
                prices=gp.ModelPrice(input_mtok=Decimal(1), output_mtok=Decimal(2))
            ),
            gp.ConditionalPrice(
                constraint=gp.StartDateConstraint(start_date=dt.date(2026, 11, 1)),
                prices=gp.ModelPrice(input_mtok=Decimal(3), output_mtok=Decimal(4)),
            ),
            gp.ConditionalPrice(
                constraint=gp.StartDateConstraint(start_date=dt.date(2027, 1, 1)),
                prices=gp.ModelPrice(input_mtok=Decimal(5), output_mtok=Decimal(6)),
            ),
        ],
    )
    assert price_on(model, dt.date(2026, 10, 1)) == (1.0, 2.0)
    assert price_on(model, TODAY) == (3.0, 4.0)
    assert price_on(model, dt.date(2027, 2, 1)) == (5.0, 6.0)


def test_a_reseller_entry_joins_the_owners_model_through_its_match_clause() -> None:
    owner = _provider(
        "anthropic",
        [
            gp.ModelInfo(
                id="claude-opus-4-0",
                name="Claude Opus 4",
                match=gp.ClauseOr(
                    or_=[
                        gp.ClauseStartsWith(starts_with="claude-opus-4-0"),
                        gp.ClauseStartsWith(starts_with="claude-4-opus"),
                    ]
                ),
                prices=gp.ModelPrice(input_mtok=Decimal(15), output_mtok=Decimal(75)),
            )
        ],
        match=gp.ClauseContains(contains="claude"),
    )
    cloud = _provider(
        "google",
        [
            gp.ModelInfo(
                id="claude-4-opus",
                match=gp.ClauseContains(contains="claude-4-opus"),
                prices=gp.ModelPrice(input_mtok=Decimal(14), output_mtok=Decimal(75)),
            )
        ],
        match=gp.ClauseContains(contains="gemini"),  # Google sells Claude, but owns Gemini
    )
    tools = derive_tools([owner, cloud], DatasetInfo("test", TODAY))
    assert [t.slug for t in tools] == ["claude-opus-4-0"]
    assert [o.provider for o in tools[0].offers] == ["google", "anthropic"]
    assert tools[0].pricing.input_usd_per_mtok == 15.0  # the vendor's own price


def test_the_cache_is_written_once_and_read_back_the_same(tmp_path: Path) -> None:
    first, info = known_tools(TODAY, cache_dir=tmp_path)
    files = list(tmp_path.glob("known-models-*.json"))
    assert len(files) == 1
    assert files[0].name.startswith(f"known-models-{info.version}-{TODAY.isoformat()}-")
    assert files[0].name.endswith(f"-v{CACHE_SCHEMA}.json")
    second, _ = known_tools(TODAY, cache_dir=tmp_path)
    assert second == first


def test_a_corrupt_cache_is_rebuilt_not_an_error(tmp_path: Path) -> None:
    known_tools(TODAY, cache_dir=tmp_path)
    (cache,) = tmp_path.glob("known-models-*.json")
    cache.write_text("{not json")
    tools, _ = known_tools(TODAY, cache_dir=tmp_path)
    assert len(tools) > 700
    tomorrow, _ = known_tools(TODAY + dt.timedelta(days=1), cache_dir=tmp_path)
    assert len(list(tmp_path.glob("known-models-*.json"))) == 1
    assert tomorrow[0].pricing.as_of == TODAY + dt.timedelta(days=1)


def test_an_upgraded_or_edited_bot_derives_the_layer_again(tmp_path: Path) -> None:
    """The layer's cache is keyed by the code that derives it: after a change to the name or
    lifecycle rules the next start must not read what the older code derived."""
    import bot.catalogue.dataset as dataset

    known_tools(TODAY, cache_dir=tmp_path)
    (before,) = tmp_path.glob("known-models-*.json")
    source = Path(dataset.__file__)
    kept = source.stat()
    try:
        os.utime(source, ns=(kept.st_atime_ns, kept.st_mtime_ns + 1_000_000_000))
        known_tools(TODAY, cache_dir=tmp_path)
        (after,) = tmp_path.glob("known-models-*.json")
    finally:
        os.utime(source, ns=(kept.st_atime_ns, kept.st_mtime_ns))
    assert after.name != before.name
