"""Matching across kinds, against the real generated layer with product files beside it: a
product's name never silently becomes a model, nor the reverse; a shared word asks."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.catalogue import Catalogue, check_with_known_models
from bot.compare import Comparer
from bot.compare.across_kinds import KindAwareMatcher
from bot.compare.matching import Matcher
from bot.errors import AmbiguousTool, VerdictError
from tests.product_files import with_fixture_products

DAY = dt.date(2026, 12, 3)


@pytest.fixture(scope="module")
def merged(tmp_path_factory: pytest.TempPathFactory) -> Catalogue:
    root = with_fixture_products(tmp_path_factory.mktemp("kinds") / "catalogue")
    catalogue, problems = check_with_known_models(root, as_of=DAY)
    assert catalogue is not None, problems
    return catalogue


@pytest.fixture(scope="module")
def comparer(merged: Catalogue) -> Comparer:
    return Comparer(merged)


def _asked(comparer: Comparer, typed: str) -> list[str]:
    with pytest.raises(AmbiguousTool) as caught:
        comparer.tool(typed)
    return [s.name for s in caught.value.suggestions]


def test_chatgpt_is_the_app_not_the_gpt_4o_model(comparer: Comparer) -> None:
    assert comparer.tool("chatgpt").slug == "chatgpt"
    assert comparer.tool("ChatGPT").kind == "product"


def test_a_model_name_stays_the_model(comparer: Comparer) -> None:
    assert comparer.tool("gpt-4o").slug == "gpt-4o"
    assert comparer.tool("sonar").kind == "model"
    assert comparer.tool("gemini 2.5 pro").kind == "model"


def test_perplexity_names_the_app_and_the_maker_of_models_so_it_asks(comparer: Comparer) -> None:
    offered = _asked(comparer, "perplexity")
    assert offered[0] == "Perplexity (app)"
    assert any(name.endswith("(model)") for name in offered[1:])


def test_gemini_asks_between_the_app_and_the_models_app_first(comparer: Comparer) -> None:
    offered = _asked(comparer, "gemini")
    assert offered[0] == "Gemini (app)"
    assert sum(name.endswith("(model)") for name in offered) >= 2
    assert len(offered) <= 5


def test_claude_offers_the_app_and_the_models(comparer: Comparer) -> None:
    offered = _asked(comparer, "claude")
    assert "Claude Code (agent)" in offered[:2]
    assert any("(model)" in name for name in offered)


def test_a_typo_in_a_product_name_still_finds_the_product(comparer: Comparer) -> None:
    assert comparer.tool("curser").slug == "cursor"
    assert comparer.tool("claud code").slug == "claude-code"


def test_an_app_and_its_model_compare_on_one_card(comparer: Comparer) -> None:
    tools = comparer.resolve_query("chatgpt vs gpt-5")
    assert [t.kind for t in tools] == ["product", "model"]


def test_without_products_the_answers_are_the_matchers_own(merged: Catalogue) -> None:
    models = [t for t in merged.tools if not t.is_product]
    matcher = Matcher(models)
    kinds = KindAwareMatcher(models, matcher)
    for typed in ("gpt-4o", "sonar", "claude haiku 4.5"):
        assert kinds.resolve(typed) is matcher.resolve(typed)
    assert "_model_matcher" not in kinds.__dict__  # never built without products


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=40))
def test_no_input_crashes_the_check_across_kinds(comparer: Comparer, typed: str) -> None:
    try:
        found = comparer.tool(typed)
    except VerdictError:
        return
    assert found.slug in comparer.catalogue.by_slug


def test_the_other_side_of_the_question_settles_the_kind(comparer: Comparer) -> None:
    """Against an app, "perplexity" is the Perplexity app; against a model it still asks,
    because Perplexity makes several models and none is the one meant."""
    tools = comparer.resolve_query("perplexity vs chatgpt")
    assert [t.slug for t in tools] == ["perplexity", "chatgpt"]
    assert [t.slug for t in comparer.resolve_query("chatgpt vs perplexity")][1] == "perplexity"
    with pytest.raises(AmbiguousTool):
        comparer.resolve_query("perplexity vs gpt-4o")
    # only an app named so settles it: here there is no Claude app, and Claude Code is not one
    with pytest.raises(AmbiguousTool):
        comparer.resolve_query("chatgpt vs claude")


def test_two_ambiguous_names_still_ask(comparer: Comparer) -> None:
    with pytest.raises(VerdictError):
        comparer.resolve_query("perplexity vs gemini")
