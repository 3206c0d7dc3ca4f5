"""The verdict card: numbers side by side, where reviewers split, and a pick a reader can audit."""

from __future__ import annotations

import json

import pytest

from bot.catalogue import Catalogue, Pricing, Review, Tool
from bot.compare import Comparer, build_card
from bot.render import json_format, markdown, text
from bot.votes import CommunityTally


def _with_panel(tool: Tool, ships: int) -> Tool:
    """A copy of `tool` whose first `ships` personas say ship and the rest skip."""
    panel = {
        persona: Review(verdict="ship" if i < ships else "skip", take=review.take, body=review.body)
        for i, (persona, review) in enumerate(tool.panel.items())
    }
    return tool.model_copy(update={"panel": panel})


def _priced(tool: Tool, input_usd: float, output_usd: float) -> Tool:
    pricing = Pricing(
        model="per-token", input_usd_per_mtok=input_usd, output_usd_per_mtok=output_usd
    )
    return tool.model_copy(update={"pricing": pricing})


@pytest.fixture
def pair(catalogue: Catalogue) -> tuple[Tool, Tool]:
    return catalogue.by_slug["gpt-4o-mini"], catalogue.by_slug["claude-3-5-haiku"]


def test_panel_ship_pct_is_the_share_of_reviewers_saying_ship(
    catalogue: Catalogue, pair: tuple[Tool, Tool]
) -> None:
    a, b = _with_panel(pair[0], 3), _with_panel(pair[1], 1)
    card = build_card([a, b], {}, panel=catalogue.panel)
    assert [c.panel_ship_pct for c in card.tools] == [75, 25]


def test_the_panel_decides_first_and_the_reason_shows_the_numbers(
    catalogue: Catalogue, pair: tuple[Tool, Tool]
) -> None:
    a, b = _with_panel(pair[0], 1), _with_panel(pair[1], 4)
    votes = {
        a.slug: CommunityTally(votes=100, ship_pct=90),
        b.slug: CommunityTally(votes=100, ship_pct=10),
    }
    card = build_card([a, b], votes, panel=catalogue.panel)
    assert card.verdict.pick == b.slug
    assert card.verdict.decided_by == "panel"
    assert "4 of 4" in card.verdict.reason and "1 of 4" in card.verdict.reason


def test_a_panel_tie_goes_to_the_community_once_both_have_ten_votes(
    catalogue: Catalogue, pair: tuple[Tool, Tool]
) -> None:
    a, b = _with_panel(pair[0], 2), _with_panel(pair[1], 2)
    votes = {
        a.slug: CommunityTally(votes=40, ship_pct=35),
        b.slug: CommunityTally(votes=40, ship_pct=65),
    }
    card = build_card([a, b], votes, panel=catalogue.panel)
    assert card.verdict.pick == b.slug
    assert card.verdict.decided_by == "community"
    assert "65%" in card.verdict.reason


def test_fewer_than_ten_votes_do_not_decide_and_price_does(
    catalogue: Catalogue, pair: tuple[Tool, Tool]
) -> None:
    a = _priced(_with_panel(pair[0], 2), 0.15, 0.60)
    b = _priced(_with_panel(pair[1], 2), 0.80, 4.00)
    votes = {
        a.slug: CommunityTally(votes=9, ship_pct=10),
        b.slug: CommunityTally(votes=9, ship_pct=90),
    }
    card = build_card([a, b], votes, panel=catalogue.panel)
    assert card.verdict.pick == a.slug
    assert card.verdict.decided_by == "price"
    assert "$0.15 in" in card.verdict.reason


def test_a_full_tie_says_depends_with_each_tools_best_use(catalogue: Catalogue) -> None:
    a = _with_panel(catalogue.by_slug["qwen2-vl-2b"], 3)
    b = _with_panel(catalogue.by_slug["qwen2-vl-7b"], 3)
    card = build_card([a, b], {}, panel=catalogue.panel)
    assert card.verdict.pick is None
    assert card.verdict.decided_by == "tie"
    assert card.verdict.reason.startswith("Depends: pick Qwen2-VL 2B for multilingual OCR")
    assert "Qwen2-VL 7B for self-hosted" in card.verdict.reason


def test_reviewer_split_marks_only_personas_whose_verdicts_differ(
    catalogue: Catalogue, pair: tuple[Tool, Tool]
) -> None:
    a, b = _with_panel(pair[0], 2), _with_panel(pair[1], 3)
    card = build_card([a, b], {}, panel=catalogue.panel)
    assert [row.split for row in card.reviewer_split] == [False, False, True, False]
    assert [t.slug for t in card.reviewer_split[2].takes] == [a.slug, b.slug]


def test_no_votes_show_a_dash(comparer: Comparer) -> None:
    card = comparer.compare("smolvlm2 vs mistral-medium-3")
    assert all(c.community.votes == 0 and c.community.ship_pct is None for c in card.tools)
    community_line = next(
        line for line in text.render_card(card).splitlines() if line.startswith("Community")
    )
    assert community_line.split()[1:] == ["—", "—"]


def test_the_example_card_picks_and_explains(comparer: Comparer) -> None:
    card = comparer.compare("smolvlm2 vs mistral-medium-3")
    rendered = text.render_card(card)
    assert rendered.startswith("SmolVLM2 vs Mistral Medium 3")
    assert "Verdict: ship SmolVLM2." in rendered
    assert "$0.40 in / $2.00 out per 1M" in rendered
    assert "≠ The Buyer (split)" in rendered


FOUR_WAYS = [
    "smolvlm2, mistral-medium-3, moondream2 and paligemma-2",
    "qwen2-vl-2b | qwen2-vl-7b | internvl2-8b | gpt-4o-mini",
    "gpt-4o vs claude-3-5-haiku vs claude-3-5-sonnet vs gemini-2-0-flash",
    "mistral-large vs gpt-4o vs smolvlm2",
]


@pytest.mark.parametrize("query", FOUR_WAYS)
def test_text_card_fits_80_columns_for_up_to_four_tools(comparer: Comparer, query: str) -> None:
    rendered = text.render_card(comparer.compare(query))
    widest = max(len(line) for line in rendered.splitlines())
    assert widest <= 80, rendered


@pytest.mark.parametrize("query", FOUR_WAYS)
def test_text_card_keeps_every_word_of_each_column(comparer: Comparer, query: str) -> None:
    card = comparer.compare(query)
    rendered_words = text.render_card(card).split()
    for column in card.tools:
        for word in column.best_for.split():
            assert word in rendered_words


def test_markdown_card_is_a_table_with_one_column_per_tool(comparer: Comparer) -> None:
    rendered = markdown.render_card(
        comparer.compare("gpt-4o vs claude 3.5 haiku vs gemini 2.0 flash")
    )
    header = next(line for line in rendered.splitlines() if line.startswith("| |"))
    assert header.count("|") == 5
    assert "**Verdict:" in rendered


def test_json_card_follows_the_cli_contract(comparer: Comparer) -> None:
    data = json.loads(json_format.render_card(comparer.compare("claude 3.5 haiku vs gpt-4o-mini")))
    assert [t["slug"] for t in data["tools"]] == ["claude-3-5-haiku", "gpt-4o-mini"]
    for tool in data["tools"]:
        assert isinstance(tool["panel_ship_pct"], int) and 0 <= tool["panel_ship_pct"] <= 100
        assert tool["community"] == {"votes": 0, "ship_pct": None}
        assert tool["entry_price"] in {"free", "freemium", "paid", "open-weights"}
        assert tool["name"]
    assert isinstance(data["reviewer_split"], list) and data["reviewer_split"]
    assert data["verdict"]["pick"] in {"claude-3-5-haiku", "gpt-4o-mini", None}
    assert data["verdict"]["reason"]
