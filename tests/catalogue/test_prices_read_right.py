"""Prices read right: the standard rate, not a time-of-day discount; a distill or fine-tune is
never sold as its base model."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.catalogue import Tool, known_tools
from bot.catalogue.grouping import derived_from

TODAY = dt.date(2026, 12, 3)


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Tool]:
    tools, _ = known_tools(TODAY, cache_dir=tmp_path_factory.mktemp("cache"))
    return {t.slug: t for t in tools}


def test_deepseeks_standard_rate_is_the_price_and_the_off_peak_discount_a_note(
    known: dict[str, Tool],
) -> None:
    r1 = known["deepseek-reasoner"]
    assert (r1.pricing.input_usd_per_mtok, r1.pricing.output_usd_per_mtok) == (0.55, 2.19)
    assert "off-peak $0.135 in / $0.55 out" in r1.pricing.note
    chat = known["deepseek-chat"]
    assert (chat.pricing.input_usd_per_mtok, chat.pricing.output_usd_per_mtok) == (0.27, 1.1)


def test_a_model_without_a_discount_has_no_off_peak_note(known: dict[str, Tool]) -> None:
    assert "off-peak" not in known["claude-sonnet-4-5"].pricing.note


def test_a_distill_is_never_an_offer_of_its_base(known: dict[str, Tool]) -> None:
    r1 = known["deepseek-reasoner"]
    for model_id in (*r1.model_ids, *(o.model_id for o in r1.offers)):
        assert "distill" not in model_id.lower()
        assert "qwen" not in model_id.lower() and "llama" not in model_id.lower()
    distill = known["deepseek-r1-distill-llama-8b"]
    assert distill.slug != r1.slug
    assert all("distill" in o.model_id.lower() for o in distill.offers)


@pytest.mark.parametrize(
    ("model_id", "base", "derived"),
    [
        ("deepseek-ai/DeepSeek-R1-Distill-Llama-8B", "deepseek-reasoner", True),
        ("deepseek-r1-0528-qwen3-8b", "deepseek-reasoner", True),
        ("perplexity/r1-1776", "deepseek-r1", True),
        ("tngtech/deepseek-r1t-chimera", "deepseek-reasoner", True),
        ("deepseek-ai/DeepSeek-R1-0528", "deepseek-reasoner", False),
        ("meta-llama/Llama-3.3-70B-Instruct", "llama-3.3-70b", False),
    ],
)
def test_derivatives_are_told_from_the_model_itself(
    model_id: str, base: str, derived: bool
) -> None:
    assert derived_from(model_id, base) is derived
