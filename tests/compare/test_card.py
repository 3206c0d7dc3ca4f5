"""The verdict card: numbers side by side, where reviewers split, and a pick a reader can audit."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bot.catalogue import Catalogue, Lifecycle, Offer, Pricing, Review, Tool
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
    """Two live tools: lifecycle decides before the panel, and these tests are about the rest."""
    live = Lifecycle()
    return (
        catalogue.by_slug["gpt-4o-mini"].model_copy(update={"lifecycle": live}),
        catalogue.by_slug["claude-3-5-haiku"].model_copy(update={"lifecycle": live}),
    )


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
    assert card.verdict.reason == (
        "The panel is split evenly (2 of 4 ship each). Same capability class, so price decides: "
        "GPT-4o mini is 6.7× cheaper per output token than Claude 3.5 Haiku."
    )


def test_a_full_tie_says_depends_with_each_tools_best_use(catalogue: Catalogue) -> None:
    a = _with_panel(catalogue.by_slug["qwen2-vl-2b"], 3)
    b = _with_panel(catalogue.by_slug["qwen2-vl-7b"], 3)
    card = build_card([a, b], {}, panel=catalogue.panel)
    assert card.verdict.pick is None
    assert card.verdict.decided_by == "depends"
    assert "Pick Qwen2-VL 2B for multilingual OCR" in card.verdict.reason
    assert "; Qwen2-VL 7B for self-hosted" in card.verdict.reason
    assert len(card.verdict.situations) == 2
    rendered = text.render_card(card)
    assert rendered.lower().count("depends") == 1  # said once, then the two situations


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
    rows = [line.split() for line in text.render_card(card).splitlines()[3:6]]
    assert rows[0][:4] == ["Tool", "Category", "Panel", "Community"]
    assert rows[1][3] == "—" and rows[2][5] == "—"


def test_the_example_card_picks_and_explains(comparer: Comparer) -> None:
    card = comparer.compare("smolvlm2 vs mistral-medium-3")
    rendered = text.render_card(card)
    assert rendered.splitlines()[0] == "SmolVLM2 vs Mistral Medium 3 — verdict: ship SmolVLM2."
    assert card.verdict.reason == (
        "3 of 4 reviewers ship SmolVLM2, against 2 of 4 for Mistral Medium 3. The Buyer tips "
        "it: “No per-token bill at all; the cost is a GPU you may already own.”"
    )
    assert "paid $0.80/1M" in rendered  # entry price and the blended price
    assert "≠ The Buyer ships SmolVLM2, skips Mistral Medium 3: “$0.40 in and $2 out" in rendered
    assert "= The Builder and The Futurist: ship both; The Skeptic: skip both" in rendered
    assert "The Skeptic ships" not in rendered  # agreeing reviewers are one line, not four


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
def test_text_card_shows_every_tool_name_and_category(comparer: Comparer, query: str) -> None:
    card = comparer.compare(query)
    rendered = text.render_card(card)
    for column in card.tools:
        assert any(
            line.startswith(column.name) and column.category in line
            for line in rendered.splitlines()
        )


def test_markdown_card_is_a_table_with_one_column_per_tool(comparer: Comparer) -> None:
    rendered = markdown.render_card(
        comparer.compare("gpt-4o vs claude 3.5 haiku vs gemini 2.0 flash")
    )
    assert rendered.startswith("**GPT-4o vs Claude 3.5 Haiku vs Gemini 2.0 Flash — verdict:")
    header = next(line for line in rendered.splitlines() if line.startswith("| Tool"))
    assert header == "| Tool | Category | Panel | Community | Price | Context |"
    assert (
        sum(
            line.startswith("| Gemini") or line.startswith("| GPT")
            for line in rendered.splitlines()
        )
        == 2
    )


def test_json_card_follows_the_cli_contract(comparer: Comparer) -> None:
    data = json.loads(json_format.render_card(comparer.compare("claude 3.5 haiku vs gpt-4o-mini")))
    assert [t["slug"] for t in data["tools"]] == ["claude-3-5-haiku", "gpt-4o-mini"]
    for tool in data["tools"]:
        assert isinstance(tool["panel_ship_pct"], int) and 0 <= tool["panel_ship_pct"] <= 100
        assert tool["community"] == {"votes": 0, "ship_pct": None, "interval_pct": None}
        assert tool["entry_price"] in {"free", "freemium", "paid", "open-weights"}
        assert tool["name"]
    assert isinstance(data["reviewer_split"], list) and data["reviewer_split"]
    assert data["verdict"]["pick"] in {"claude-3-5-haiku", "gpt-4o-mini", None}
    assert data["verdict"]["reason"]


def _unreviewed(tool: Tool, **facts: object) -> Tool:
    """The tool as the price dataset alone would know it: no panel reviews."""
    update: dict[str, object] = {"panel": {}}
    if facts:
        update["facts"] = tool.facts.model_copy(update=facts)
    return tool.model_copy(update=update)


def test_an_unreviewed_tool_says_so_and_never_shows_a_made_up_share(
    catalogue: Catalogue, pair: tuple[Tool, Tool]
) -> None:
    """Without rules to judge it by, its panel says so; with them, its share is marked."""
    a, b = _unreviewed(pair[0]), pair[1]
    card = build_card([a, b], {}, panel=catalogue.panel)
    assert card.tools[0].reviewed is False and card.tools[0].panel_ship_pct is None
    rendered = text.render_card(card)
    row = next(line for line in rendered.splitlines() if line.startswith("GPT-4o mini  "))
    assert "too few facts" in row and "%" not in row
    assert "too few facts" in markdown.render_card(card)
    card = build_card([a, b], {}, panel=catalogue.panel, rules=catalogue.panel_rules)
    rendered = text.render_card(card).splitlines()
    row = next(line for line in rendered if line.startswith("GPT-4o mini  "))
    assert f"{card.tools[0].panel_ship_pct}% from facts" in row


def test_with_an_unreviewed_tool_price_decides_within_one_context_class(
    catalogue: Catalogue, pair: tuple[Tool, Tool]
) -> None:
    a = _priced(_unreviewed(pair[0], context_window=128_000), 0.15, 0.60)
    b = _priced(
        pair[1].model_copy(
            update={"facts": pair[1].facts.model_copy(update={"context_window": 200_000})}
        ),
        0.80,
        4.00,
    )
    card = build_card([a, b], {}, panel=catalogue.panel)
    assert card.verdict.pick == a.slug and card.verdict.decided_by == "price"
    assert card.verdict.reason == (
        "Same capability class, so price decides: GPT-4o mini is 6.7× cheaper per output token "
        "than Claude 3.5 Haiku."
    )


def test_an_unpublished_context_window_does_not_stop_price_deciding(
    catalogue: Catalogue, pair: tuple[Tool, Tool]
) -> None:
    """The price data leaves some context windows out; that is no evidence of another class."""
    a = _priced(_unreviewed(pair[0], context_window=None), 0.15, 0.60)
    b = _priced(_unreviewed(pair[1], context_window=200_000), 0.80, 4.00)
    card = build_card([a, b], {}, panel=catalogue.panel)
    assert card.verdict.pick == a.slug and card.verdict.decided_by == "price"
    assert card.verdict.reason == (
        "Same capability class, so price decides: GPT-4o mini is 6.7× cheaper per output token "
        "than Claude 3.5 Haiku."
    )
    assert "not reviewed yet" not in " ".join(card.verdict.situations)


def test_with_an_unreviewed_tool_the_community_decides_before_price(
    catalogue: Catalogue, pair: tuple[Tool, Tool]
) -> None:
    a, b = _priced(_unreviewed(pair[0]), 0.15, 0.60), pair[1]
    votes = {
        a.slug: CommunityTally(votes=30, ship_pct=20),
        b.slug: CommunityTally(votes=30, ship_pct=80),
    }
    card = build_card([a, b], votes, panel=catalogue.panel)
    assert card.verdict.pick == b.slug and card.verdict.decided_by == "community"
    assert card.verdict.reason == (
        "The community decides: Claude 3.5 Haiku won 80% of 30 votes, against 20% of 30 for "
        "GPT-4o mini, a margin beyond the 95% interval."
    )


def test_an_unreviewed_tool_of_another_context_class_depends_with_the_two_situations(
    catalogue: Catalogue,
) -> None:
    live = Lifecycle()
    cheap = _priced(_unreviewed(catalogue.by_slug["gpt-4o-mini"]), 0.15, 0.60)
    cheap = cheap.model_copy(update={"lifecycle": live})
    long = catalogue.by_slug["gemini-2-0-flash"].model_copy(update={"lifecycle": live})
    card = build_card([cheap, _priced(long, 0.30, 2.40)], {}, panel=catalogue.panel)
    assert card.verdict.pick is None and card.verdict.decided_by == "depends"
    assert card.verdict.situations == (  # a fact on each side, never "on your own trial"
        "GPT-4o mini if the bill matters (4× cheaper per output token)",
        "Gemini 2.0 Flash if you need the room (1M tokens)",
    )


def test_a_retired_model_says_so_in_one_line_and_names_its_successor(
    catalogue: Catalogue, comparer: Comparer
) -> None:
    old = catalogue.by_slug["claude-3-5-sonnet"].model_copy(
        update={
            "lifecycle": Lifecycle(
                status="retired", retired_on=dt.date(2025, 10, 22), successor="claude-3-5-haiku"
            )
        }
    )
    mini = catalogue.by_slug["smolvlm2"]  # active: no lifecycle line
    card = build_card([old, mini], {}, panel=catalogue.panel, known=catalogue.by_slug)
    # Claude 3.5 Haiku is retired too: the live successor down the chain is named.
    assert card.tools[0].lifecycle_note == "Retired on 2025-10-22; use Claude Haiku 4.5 instead."
    assert card.tools[1].lifecycle_note is None
    lines = text.render_card(card).splitlines()
    assert [line for line in lines if "Retired" in line] == [
        "  Claude 3.5 Sonnet: Retired on 2025-10-22; use Claude Haiku 4.5 instead."
    ]
    deprecated = old.model_copy(
        update={"lifecycle": Lifecycle(status="deprecated", successor="brand-new-model")}
    )
    card = build_card([deprecated, mini], {}, panel=catalogue.panel, known=catalogue.by_slug)
    assert card.tools[0].lifecycle_note == "Deprecated; use brand-new-model instead."


def test_the_row_shows_the_cheapest_providers_compactly(
    catalogue: Catalogue, pair: tuple[Tool, Tool]
) -> None:
    offers = tuple(
        Offer(
            provider=p, provider_name=n, model_id="m", input_usd_per_mtok=i, output_usd_per_mtok=o
        )
        for p, n, i, o in [
            ("groq", "Groq", 0.59, 0.79),
            ("together", "Together", 0.88, 0.88),
            ("deepinfra", "DeepInfra", 0.9, 0.9),
        ]
    )
    served = pair[0].model_copy(update={"offers": offers, "lifecycle": Lifecycle()})
    card = build_card([served, pair[1]], {}, panel=catalogue.panel)
    assert card.tools[0].served_by == offers
    notes = [line for line in text.render_card(card).splitlines() if "served by" in line]
    assert notes == ["  GPT-4o mini: served by Groq $0.59/$0.79, Together $0.88/$0.88 and 1 more"]


def test_a_reason_names_a_context_or_modality_difference_when_there_is_room(
    comparer: Comparer,
) -> None:
    before_gpt5_shutdown_near = dt.date(2026, 6, 1)
    card = comparer.compare("mistral-large vs gpt-5", today=before_gpt5_shutdown_near)
    assert card.verdict.pick == "gpt-5"
    assert card.verdict.reason.endswith("It also reads images, which Mistral Large does not.")
    months_before = comparer.compare("gpt-5 mini vs gpt-4o", today=before_gpt5_shutdown_near)
    assert months_before.verdict.reason.endswith(
        "It is also 5× cheaper per output token than GPT-4o."
    )


def test_reviewers_who_agree_are_one_line(catalogue: Catalogue, pair: tuple[Tool, Tool]) -> None:
    a, b = _with_panel(pair[0], 4), _with_panel(pair[1], 4)
    card = build_card([a, b], {}, panel=catalogue.panel)
    lines = text.render_card(card).splitlines()
    assert "= All four reviewers: ship both" in lines
    assert not [line for line in lines if line.startswith("≠")]


def test_a_reviewer_without_a_review_of_every_tool_agrees_only_on_what_they_reviewed(
    catalogue: Catalogue, pair: tuple[Tool, Tool]
) -> None:
    a = _with_panel(pair[0], 4)
    b = _with_panel(pair[1], 4)
    b = b.model_copy(update={"panel": {k: v for k, v in b.panel.items() if k != "buyer"}})
    card = build_card([a, b], {}, panel=catalogue.panel)
    assert card.verdict.reason.startswith("The panel is split evenly (100% ship each)")
    assert (
        "= The Builder, The Skeptic and The Futurist: ship both; The Buyer: ship GPT-4o mini"
        in " ".join(text.render_card(card).split())
    )


def test_a_retired_model_served_by_providers_keeps_its_lifecycle_line_whole(
    catalogue: Catalogue, pair: tuple[Tool, Tool]
) -> None:
    offers = (
        Offer(
            provider="deepinfra",
            provider_name="DeepInfra",
            model_id="m",
            input_usd_per_mtok=0.05,
            output_usd_per_mtok=0.1,
        ),
    )
    old = pair[0].model_copy(
        update={
            "offers": offers,
            "lifecycle": Lifecycle(
                status="deprecated", deprecated_on=dt.date(2025, 12, 1), successor="gpt-4o"
            ),
        }
    )
    card = build_card([old, pair[1]], {}, panel=catalogue.panel, known=catalogue.by_slug)
    notes = [line for line in text.render_card(card).splitlines() if line.startswith("  GPT")]
    assert notes == ["  GPT-4o mini: Deprecated since 2025-12-01; use GPT-4o instead."]
    assert "served by DeepInfra $0.05/$0.10" in markdown.render_card(card)


def test_a_model_shutting_down_within_weeks_is_not_the_pick(merged_catalogue: Catalogue) -> None:
    """GPT-5's API shuts down on 2026-12-11: eight days before, a team should not start on it,
    whatever its context window; months before, it is weighed like any other."""
    comparer = Comparer(merged_catalogue)
    eight_days_before = dt.date(2026, 12, 3)
    card = comparer.compare("gpt-5 vs claude opus 4.5", today=eight_days_before)
    assert card.verdict.pick == "claude-opus-4-5"
    assert "GPT-5 shuts down on 2026-12-11, in 8 days (successor: GPT-5.5)" in card.verdict.reason
    months_before = comparer.compare("gpt-5 vs claude opus 4.5", today=dt.date(2026, 6, 1))
    assert months_before.verdict.pick == "gpt-5"


def test_a_closing_pick_that_alone_does_the_job_says_when_it_closes(
    merged_catalogue: Catalogue,
) -> None:
    """For vision only GPT-4o mini reads images: it still wins, and the reason says its API
    shuts down in 42 days, after the fact that makes it win."""
    card = Comparer(merged_catalogue).compare(
        "gpt-4o mini vs mistral-large for vision", today=dt.date(2026, 12, 3)
    )
    assert card.verdict.pick == "gpt-4o-mini"
    assert card.verdict.reason.startswith("Mistral Large does not read images.")
    assert card.verdict.reason.endswith("GPT-4o mini shuts down on 2027-01-14, in 42 days.")


def test_a_deprecated_model_with_no_shutdown_day_is_not_picked_on_price(
    merged_catalogue: Catalogue,
) -> None:
    """A maker's deprecation with no day announced means it may go any day: a cheaper
    deprecated model loses to a live one that does the job, and the reason says why."""
    base = Comparer(merged_catalogue).resolve_query("gpt-5.5 vs claude opus 4.5")
    cheap_but_going = base[1].model_copy(
        update={
            "pricing": base[0].pricing.model_copy(
                update={"input_usd_per_mtok": 0.1, "output_usd_per_mtok": 0.4}
            ),
            "offers": (),
            "lifecycle": Lifecycle(status="deprecated"),
        }
    )
    card = build_card(
        [cheap_but_going, base[0]],
        {},
        panel=merged_catalogue.panel,
        known=merged_catalogue.by_slug,
        today=dt.date(2026, 12, 3),
    )
    assert card.verdict.pick == base[0].slug
    assert "is deprecated, with no shutdown day announced" in card.verdict.reason
    live = cheap_but_going.model_copy(update={"lifecycle": Lifecycle()})
    card = build_card(
        [live, base[0]],
        {},
        panel=merged_catalogue.panel,
        known=merged_catalogue.by_slug,
        today=dt.date(2026, 12, 3),
    )
    assert "deprecated" not in card.verdict.reason  # the same model live: its bill is weighed
    assert "if the bill matters" in card.verdict.reason


def test_the_makers_own_price_is_served_first_a_far_cheaper_reseller_after_it(
    merged_catalogue: Catalogue,
) -> None:
    """A reseller at a quarter of Anthropic's price is listed, but after Anthropic's own offer:
    the first price read is the one the card's price cell quotes."""
    opus = Comparer(merged_catalogue).tool("claude opus 4.5")
    assert opus.dataset and opus.dataset.startswith("anthropic/")
    cheap = Offer(
        provider="quicksilver",
        provider_name="QuickSilver Pro",
        model_id="claude-opus-4-5",
        input_usd_per_mtok=1.0,
        output_usd_per_mtok=5.0,
    )
    opus = opus.model_copy(update={"offers": (cheap, *opus.offers)})
    other = Comparer(merged_catalogue).tool("gpt-4o")
    card = build_card(
        [opus, other], {}, panel=merged_catalogue.panel, known=merged_catalogue.by_slug
    )
    served = [line for line in text.render_card(card).splitlines() if "Claude Opus 4.5: " in line]
    assert served and served[0].startswith("  Claude Opus 4.5: served by Anthropic $5.00/$25.00")
    assert card.tools[0].served_by[1].provider_name == "QuickSilver Pro"
