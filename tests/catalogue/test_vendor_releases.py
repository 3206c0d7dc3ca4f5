"""A vendor's year-month suffix names a release, not a date: Mistral Large 2 (2407/2411) and Large
3 (2512), Small 1 (2402) and Small 4 (2603), Qwen3-235B-A22B of April and its 2507 release are each
a tool of their own, at their own price, with the maker's own offer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.catalogue import Catalogue, Tool
from bot.catalogue.audit import audit
from tests.catalogue.test_catalogue_commands import verdict

TODAY = dt.date(2026, 12, 3)
CATALOGUE = Path(__file__).resolve().parents[2] / "catalogue"


def _offers(tool: Tool) -> dict[str, tuple[float | None, float | None]]:
    return {o.model_id: (o.input_usd_per_mtok, o.output_usd_per_mtok) for o in tool.offers}


def test_mistral_large_3_is_its_own_tool_sold_by_mistral_itself(
    merged_catalogue: Catalogue,
) -> None:
    large3 = merged_catalogue.by_slug["mistral-large-3"]
    assert large3.vendor == "Mistral"
    assert (large3.pricing.input_usd_per_mtok, large3.pricing.output_usd_per_mtok) == (0.5, 1.5)
    offers = _offers(large3)
    assert offers["mistral-large-2512"] == (0.5, 1.5)  # Mistral's own offer
    assert "mistral.mistral-large-3-675b-instruct" in offers  # Bedrock's, the same model
    large2 = merged_catalogue.by_slug["mistral-large"]
    assert (large2.pricing.input_usd_per_mtok, large2.pricing.output_usd_per_mtok) == (2.0, 6.0)
    assert not {"mistralai/mistral-large-2512", "mistral.mistral-large-2402-v1:0"} & set(
        _offers(large2)
    )


def test_mistral_small_releases_are_not_folded_together(merged_catalogue: Catalogue) -> None:
    small4 = merged_catalogue.by_slug["mistral-small-4"]
    assert "mistral-small-2603" in _offers(small4)
    assert "mistral.mistral-small-2402-v1:0" not in _offers(small4)
    small1 = merged_catalogue.by_slug["mistral-small-2402"]  # Bedrock's Mistral Small (24.02)
    assert (small1.pricing.input_usd_per_mtok, small1.pricing.output_usd_per_mtok) == (1.0, 3.0)
    small3 = merged_catalogue.by_slug["mistral-small-3"]
    assert "mistral-small-24b-instruct-2501" in _offers(small3)
    old = merged_catalogue.by_slug[
        "ministral-8b"
    ]  # Ministral 8B of October 2024, not Ministral 3 8B
    assert "ministral-8b-2512" not in _offers(old)
    assert "ministral-8b-2512" in _offers(merged_catalogue.by_slug["ministral-3-8b"])


def test_qwen3_235b_april_and_2507_are_two_tools(merged_catalogue: Catalogue) -> None:
    april, july = (
        merged_catalogue.by_slug["qwen3-235b-a22b"],
        merged_catalogue.by_slug["qwen3-235b-a22b-2507"],
    )
    assert not any("2507" in model_id for model_id in _offers(april))
    assert all("2507" in model_id for model_id in _offers(july))
    assert "Qwen/Qwen3-235B-A22B-Instruct-2507" in _offers(july)
    thinking = merged_catalogue.by_slug["qwen3-235b-a22b-thinking-2507"]
    assert all("Thinking" in m or "thinking" in m for m in _offers(thinking))


def test_the_compare_card_names_the_models_asked_for(tmp_path: Path) -> None:
    result = verdict("compare", "mistral large 3 vs qwen3-235b-a22b-2507", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Mistral Large 3" in result.stdout
    assert "Qwen3 235B A22B Instruct 2507" in result.stdout
    assert "Mistral $0.50/$1.50" in result.stdout  # Mistral's own offer is on the card


def test_the_audit_finds_no_model_listed_twice(merged_catalogue: Catalogue) -> None:
    report = audit(merged_catalogue, TODAY)
    assert report.duplicates == ()
    assert (
        "perplexity-sonar" not in merged_catalogue.by_slug
        and "ministral-14b" not in merged_catalogue.by_slug
    )
    assert "perplexity/sonar" in {
        o.model_id for o in merged_catalogue.by_slug["sonar"].offers
    } | set(merged_catalogue.by_slug["sonar"].model_ids)


@pytest.mark.parametrize(
    ("slug", "maker"),
    [
        ("nova-pro", "Amazon"),  # Bedrock's "amazon.nova-pro-v1:0"
        ("palmyra-x4", "Writer"),  # "writer.palmyra-x4-v1:0"
        ("pixtral-large-2502", "Mistral"),
        ("text-embedding-3-large", "OpenAI"),
        ("c4ai-aya-expanse-32b", "Cohere"),
        ("grok-4-5-fast", "xAI"),
    ],
)
def test_a_model_whose_id_names_its_maker_is_not_maker_not_stated(
    merged_catalogue: Catalogue, slug: str, maker: str
) -> None:
    assert merged_catalogue.by_slug[slug].vendor == maker


def test_a_resellers_entry_for_a_named_release_fills_the_makers_model(
    merged_catalogue: Catalogue,
) -> None:
    small3 = merged_catalogue.by_slug["mistral-small-3"]  # models.dev lists it only under resellers
    assert small3.facts.context_window is not None
    assert "text" in small3.facts.modalities
