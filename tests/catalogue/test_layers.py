"""Reviewed files over the generated layer: the file wins, and takes the offers it lacks."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.catalogue import (
    Catalogue,
    Lifecycle,
    Pricing,
    Tool,
    dataset_disagreements,
    known_tools,
    lifecycle_problems,
    merge_layers,
)

TODAY = dt.date(2026, 11, 24)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[Tool]:
    return known_tools(TODAY, cache_dir=tmp_path_factory.mktemp("cache"))[0]


@pytest.fixture(scope="module")
def full(catalogue: Catalogue, generated: list[Tool]) -> Catalogue:
    return merge_layers(catalogue, generated)


def test_a_reviewed_file_wins_over_the_generated_tool_and_gains_its_offers(
    catalogue: Catalogue, full: Catalogue
) -> None:
    reviewed = catalogue.by_slug["gpt-4o"]
    merged = full.by_slug["gpt-4o"]
    assert merged.reviewed and merged.panel == reviewed.panel
    assert merged.pricing == reviewed.pricing
    assert {o.provider for o in merged.offers} >= {"openai"}
    assert merged.dataset == "openai/gpt-4o"
    assert [t.slug for t in full.tools].count("gpt-4o") == 1


def test_the_full_catalogue_holds_both_layers_once_each(
    catalogue: Catalogue, full: Catalogue
) -> None:
    assert len(full.tools) > 700
    assert {t.slug for t in catalogue.tools} <= set(full.by_slug)
    assert sum(t.reviewed for t in full.tools) == len(catalogue.tools)
    assert len({t.slug for t in full.tools}) == len(full.tools)


def test_a_file_naming_its_dataset_model_links_to_it_whatever_its_slug(
    catalogue: Catalogue, generated: list[Tool]
) -> None:
    mine = catalogue.by_slug["smolvlm2"].model_copy(
        update={
            "slug": "my-llama",
            "name": "My Llama",
            "aliases": [],
            "dataset": "groq/llama-3.3-70b-versatile",
        }
    )
    merged = merge_layers(catalogue.model_copy(update={"tools": (mine,)}), generated)
    assert "llama-3-3-70b" not in merged.by_slug
    assert len(merged.by_slug["my-llama"].offers) > 5


def test_facts_the_dataset_states_differently_are_warnings(
    catalogue: Catalogue, generated: list[Tool]
) -> None:
    sonnet = next(t for t in generated if t.slug == "claude-sonnet-4-5")
    stale = catalogue.by_slug["gpt-4o"].model_copy(
        update={
            "slug": "claude-sonnet-4-5",
            "name": "Claude Sonnet 4.5",
            "aliases": [],
            "dataset": sonnet.dataset,
            "pricing": Pricing(model="per-token", input_usd_per_mtok=2.0, output_usd_per_mtok=15.0),
        }
    )
    warnings = dataset_disagreements([stale], generated)
    fields = {w.field for w in warnings}
    assert "pricing" in fields
    (price,) = [w for w in warnings if w.field == "pricing"]
    assert "$2 in / $15 out here, $3 / $15 in the dataset" in price.message
    assert "as of 2026-11-24" in price.message
    assert dataset_disagreements([sonnet], generated) == []


def test_a_successor_must_be_a_known_tool(catalogue: Catalogue, full: Catalogue) -> None:
    retired = catalogue.by_slug["claude-3-5-sonnet"].model_copy(
        update={"lifecycle": Lifecycle(status="retired", successor="claude-sonnet-9")}
    )
    broken = full.model_copy(update={"tools": (*full.tools, retired)})
    broken.__dict__.pop("by_slug", None)
    assert [p.field for p in lifecycle_problems(broken)] == ["lifecycle.successor"]
    fine = retired.model_copy(
        update={"lifecycle": Lifecycle(status="retired", successor="claude-sonnet-4-5")}
    )
    assert lifecycle_problems(full.model_copy(update={"tools": (*full.tools, fine)})) == []
