"""Speech, embedding and document models come back from the price data, priced in their own
units (per minute of audio, per 1M characters, per 1M input tokens) and never weighed against
a per-token price."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from bot.catalogue import Tool, cost_key, known_tools, price_figure, pricing_read
from bot.catalogue.pricing import unit_cost_key

TODAY = dt.date(2026, 12, 3)


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Tool]:
    tools, _ = known_tools(TODAY, cache_dir=tmp_path_factory.mktemp("cache"))
    return {t.slug: t for t in tools}


def test_a_transcriber_is_priced_per_minute_of_audio(known: dict[str, Tool]) -> None:
    whisper = known["whisper-1"]
    assert whisper.pricing.model == "per-unit"
    assert whisper.pricing.unit == "minute of audio"
    assert whisper.pricing.usd_per_unit == 0.006  # $0.36 an hour
    assert whisper.category == "speech"
    assert price_figure(whisper) == "$0.006 per minute of audio"
    assert "pricing" in whisper.cited_fields()


def test_a_voice_is_priced_per_million_characters(known: dict[str, Tool]) -> None:
    tts = known["tts-1"]
    assert (tts.pricing.usd_per_unit, tts.pricing.unit) == (15.0, "1M characters")
    assert tts.category == "speech"


def test_an_embedding_model_is_priced_per_million_input_tokens(known: dict[str, Tool]) -> None:
    embed = known["text-embedding-3-large"]
    assert (embed.pricing.usd_per_unit, embed.pricing.unit) == (0.13, "1M input tokens")
    assert embed.category == "embedding"
    assert "not per token" in pricing_read(embed)


def test_prices_in_other_units_are_never_weighed_against_per_token_prices(
    known: dict[str, Tool],
) -> None:
    whisper, gpt5 = known["whisper-1"], known["gpt-5"]
    assert cost_key(whisper)[0] == math.inf  # never "cheaper" than a per-token model
    assert unit_cost_key(whisper)[0] != unit_cost_key(gpt5)[0]
    groq = known["whisper-large-v3"]
    assert unit_cost_key(groq) < unit_cost_key(whisper)  # same unit: compared
