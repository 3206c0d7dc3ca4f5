"""Every current frontier model has a four-persona panel on its card and its page: written by
reviewers where they have, computed from facts (and marked so) where they have not."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from adapters.web import pages
from bot.catalogue import Catalogue, check_with_known_models, default_cache_dir
from bot.compare import Comparer
from bot.render import markdown, text
from bot.render.layout import layout
from bot.settings import bundled_catalogue_dir

TODAY = dt.date(2026, 12, 3)
FRONTIER = (
    "claude-opus-5-5",
    "claude-sonnet-5-5",
    "claude-opus-5",
    "gpt-5-6-sol",
    "gpt-6-sol",
    "gpt-5-5",
    "gemini-3-8-flash",
    "gemini-3-5-flash",
    "grok-4-3",
    "claude-sonnet-4-6",
    "claude-opus-4-5",
    "gpt-5-1",
)
"""Current frontier models of the merged catalogue (reviewed files over the price dataset), each
served on TODAY by the lifecycle data (Grok 4 was, until xAI retired it)."""


@pytest.fixture(scope="module")
def merged() -> Catalogue:
    catalogue, problems = check_with_known_models(
        bundled_catalogue_dir(), as_of=TODAY, cache_dir=default_cache_dir()
    )
    assert catalogue is not None, problems
    return catalogue


def test_every_current_frontier_model_has_four_personas_on_card_and_page(
    merged: Catalogue,
) -> None:
    comparer = Comparer(merged)
    personas = len(merged.panel.personas)
    present = [s for s in FRONTIER if s in merged.by_slug]
    assert len(present) >= 10
    # the list follows the lifecycle data: a model retired today is no longer current frontier
    assert {s: merged.by_slug[s].status_on(TODAY) for s in present} == dict.fromkeys(
        present, "active"
    )
    for a, b in itertools.combinations(present, 2):
        tools = [merged.by_slug[a], merged.by_slug[b]]
        card = comparer.card_for(tools, {}, today=TODAY)
        for column in card.tools:
            assert column.panel_size == personas, column.slug
            assert column.status != "retired"
        assert all(len(p.takes) == 2 for p in card.reviewer_split)
        rendered = text.render_card(card)
        assert "not reviewed yet" not in rendered and "too few facts" not in rendered
        assert "on your own trial" not in rendered
        shape = layout(card)
        assert all("from facts" in s.stance for s in shape.splits)  # none reads as a reviewer's
        page = pages.comparison_page(card, tools, merged, None)
        for row in page["scorecard"]:
            assert all(cell["review"] is not None for cell in row["cells"]), row["name"]
            assert all(cell["review"]["from_facts"] for cell in row["cells"])


def test_a_computed_take_names_the_fact_that_decided_it(merged: Catalogue) -> None:
    card = Comparer(merged).card_for(
        [merged.by_slug["claude-opus-5-5"], merged.by_slug["gpt-5-6-sol"]], {}, today=TODAY
    )
    takes = [t for p in card.reviewer_split for t in p.takes]
    assert takes and all(t.from_facts and t.fact for t in takes)
    assert all(t.take.startswith(("Ship: ", "Skip: ")) for t in takes)
    assert "from facts" in markdown.render_card(card)
    reviews = text.render_reviews(card, merged)  # what "Full reviews" opens
    assert reviews.count("(from facts): ") == 2 * len(merged.panel.personas)
    assert "not reviewed yet" not in reviews


def test_a_tool_with_too_few_facts_says_so_instead_of_guessing(catalogue: Catalogue) -> None:
    bare = catalogue.by_slug["smolvlm2"].model_copy(
        update={
            "slug": "bare",
            "name": "Bare",
            "panel": {},
            "released": None,
            "facts": catalogue.by_slug["smolvlm2"].facts.model_copy(
                update={"context_window": None, "modalities": []}
            ),
            "offers": (),
        }
    )
    card = Comparer(catalogue).card_for([bare, catalogue.by_slug["gpt-4o"]], {}, today=TODAY)
    assert card.tools[0].panel_size == 0
    assert card.verdict.pick is None  # free weights, but nothing else known: no guess
    assert card.verdict.reason.startswith("Too few facts to judge Bare")
    row = next(line for line in text.render_card(card).splitlines() if line.startswith("Bare  "))
    assert "too few facts" in row
