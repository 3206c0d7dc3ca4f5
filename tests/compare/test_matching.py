"""What people type for a tool, and what the matcher must answer: a tool, a question, or no."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.catalogue import Catalogue, known_tools, merge_layers, normalise
from bot.compare import KindAwareMatcher, Matcher
from bot.compare.matching import version_of
from bot.errors import AmbiguousTool, UnknownTool

# The reviewed files alone. Rows the current catalogue changed (family aliases such as "Claude
# Haiku" removed, Claude/Gemini/Mistral 4.5/2.5/3.1 added) moved to their new expectation:
# family words are now ambiguous, and versions that were unknown are known.
# (typed, expected): a slug is a confident match; ("ambiguous", {slugs}) must ask among at least
# those; ("unknown", slug or None) must refuse, suggesting that slug first-three when given.
CASES: list[tuple[str, object]] = [
    # exact slugs, names and aliases, any case or spacing
    ("smolvlm2", "smolvlm2"),
    ("SmolVLM 2", "smolvlm2"),
    ("smol vlm 2", "smolvlm2"),
    ("mistral-medium-3", "mistral-medium-3"),
    ("Mistral Medium", ("ambiguous", {"mistral-medium-3", "mistral-medium-3-1"})),
    ("MISTRAL MEDIUM 3", "mistral-medium-3"),
    ("Claude Haiku 3.5", "claude-3-5-haiku"),
    ("claude 3.5 haiku", "claude-3-5-haiku"),
    ("claude-3-5-haiku", "claude-3-5-haiku"),
    ("Gemini Flash 2.0", "gemini-2-0-flash"),
    ("gemini 2.0 flash", "gemini-2-0-flash"),
    ("gpt-4o", "gpt-4o"),
    ("GPT 4o", "gpt-4o"),
    ("gpt 4 o", "gpt-4o"),
    ("gpt-4o-mini", "gpt-4o-mini"),
    ("gpt 4o mini", "gpt-4o-mini"),
    ("4o mini", "gpt-4o-mini"),
    ("4o", "gpt-4o"),
    ("paligemma 2", "paligemma-2"),
    ("Qwen2-VL-7B", "qwen2-vl-7b"),
    ("qwen2 vl 2b", "qwen2-vl-2b"),
    ("internvl2-8b", "internvl2-8b"),
    ("moondream2", "moondream2"),
    ("mistral large", "mistral-large"),
    ("claude 3.5 sonnet", "claude-3-5-sonnet"),
    # vendors' own spellings: API ids and model-hub repos
    ("claude-3-5-haiku-20241022", "claude-3-5-haiku"),
    ("claude-3-5-sonnet-latest", "claude-3-5-sonnet"),
    ("gemini-2.0-flash-001", "gemini-2-0-flash"),
    ("mistral-medium-2505", "mistral-medium-3"),
    ("mistral-large-latest", ("unknown", "mistral-large")),  # moved to a newer model
    ("gpt-4o-mini-2024-07-18", "gpt-4o-mini"),
    ("Qwen/Qwen2-VL-7B-Instruct", "qwen2-vl-7b"),
    ("HuggingFaceTB/SmolVLM2-2.2B-Instruct", "smolvlm2"),
    ("vikhyatk/moondream2", "moondream2"),
    ("OpenGVLab/InternVL2-8B", "internvl2-8b"),
    # missing spaces
    ("claude3.5haiku", "claude-3-5-haiku"),
    ("gemini2flash", "gemini-2-0-flash"),
    ("gpt4omini", "gpt-4o-mini"),
    ("qwen2vl7b", "qwen2-vl-7b"),
    ("mistralmedium3", "mistral-medium-3"),
    # one distinctive word, or words swapped
    ("haiku", ("ambiguous", {"claude-haiku-4-5", "claude-3-5-haiku"})),
    ("sonnet", ("ambiguous", {"claude-sonnet-4-5", "claude-3-5-sonnet"})),
    ("flash", ("ambiguous", {"gemini-2-5-flash", "gemini-2-0-flash"})),
    ("moondream", "moondream2"),
    # a bare family word found only in a versioned name is a did-you-mean, never an answer
    ("paligemma", ("unknown", "paligemma-2")),
    ("medium mistral 3", "mistral-medium-3"),
    ("haiku claude 3.5", "claude-3-5-haiku"),
    ("flash gemini 2.0", "gemini-2-0-flash"),
    ("mini 4o gpt", "gpt-4o-mini"),
    ("7b qwen2 vl", "qwen2-vl-7b"),
    ("google flash", ("ambiguous", {"gemini-2-5-flash", "gemini-2-0-flash"})),
    # typos
    ("claude sonet", ("ambiguous", {"claude-sonnet-4-5", "claude-3-5-sonnet"})),
    ("claude hiaku", ("ambiguous", {"claude-haiku-4-5", "claude-3-5-haiku"})),
    ("hiku", ("ambiguous", {"claude-haiku-4-5", "claude-3-5-haiku"})),
    ("gemni flash", ("ambiguous", {"gemini-2-5-flash", "gemini-2-0-flash"})),
    ("mistral medum 3", "mistral-medium-3"),
    ("mistrl large", "mistral-large"),
    ("smolvml2", "smolvlm2"),
    ("moondreem 2", "moondream2"),
    ("palligemma 2", "paligemma-2"),
    ("internvl 2 8b", "internvl2-8b"),
    ("qwen2-vl-7", ("unknown", "qwen2-vl-7b")),  # "7" may be a version: never fuzzed
    # too vague: ask which one
    ("mistral", ("ambiguous", {"mistral-medium-3", "mistral-large"})),
    ("gpt 4", ("ambiguous", {"gpt-4o", "gpt-4o-mini"})),
    ("GPT-4", ("ambiguous", {"gpt-4o", "gpt-4o-mini"})),
    ("qwen2 vl", ("ambiguous", {"qwen2-vl-2b", "qwen2-vl-7b"})),
    ("qwen", ("ambiguous", {"qwen2-vl-2b", "qwen2-vl-7b"})),
    ("claude", ("ambiguous", {"claude-app", "claude-sonnet-4-5"})),  # the app and the models
    ("claude 3.5", ("ambiguous", {"claude-3-5-haiku", "claude-3-5-sonnet"})),
    ("openai", ("ambiguous", {"gpt-5", "gpt-4o"})),
    ("anthropic", ("ambiguous", {"claude-3-5-haiku", "claude-3-5-sonnet"})),
    ("google", ("ambiguous", {"gemini-2-0-flash", "paligemma-2"})),
    ("gpt", ("ambiguous", {"gpt-5", "gpt-4o"})),
    # other versions of a tool we know are different tools: never a confident wrong match
    ("gpt 5", "gpt-5"),
    ("gpt-4.1", ("unknown", None)),
    ("gemini 2.5 flash", "gemini-2-5-flash"),
    ("gemini 1.5 flash", ("unknown", "gemini-2-0-flash")),
    ("claude 3.7 sonnet", ("unknown", "claude-3-5-sonnet")),
    ("claude sonnet 4", ("unknown", "claude-3-5-sonnet")),
    ("qwen2.5 vl 7b", "qwen2-5-vl-7b"),
    ("qwen2-vl-72b", ("unknown", "qwen2-vl-7b")),
    ("mistral medium 3.1", "mistral-medium-3-1"),
    ("moondream 3", ("unknown", "moondream2")),
    # not in the catalogue at all
    ("llama 3", ("unknown", None)),
    ("claude opus", ("unknown", None)),
    # a bare maker word naming an app and a model: ask which
    ("deepseek", ("ambiguous", {"deepseek-app", "deepseek-v3-2"})),
    ("photoshop", ("unknown", None)),
    ("!!!", ("unknown", None)),
    ("x", ("unknown", None)),
    ("q", ("unknown", None)),  # a letter of "Amazon Q Developer" (Kiro), never Kiro
]


def test_the_table_is_big_enough() -> None:
    assert len(CASES) >= 60


@pytest.fixture(scope="module")
def matcher(catalogue: Catalogue) -> KindAwareMatcher:
    """The matcher a comparison uses: products and models told apart."""
    return KindAwareMatcher(catalogue.tools, Matcher(catalogue.tools))


@pytest.mark.parametrize(("typed", "expected"), CASES, ids=[c[0] for c in CASES])
def test_typed_name_gives_the_expected_outcome(
    matcher: KindAwareMatcher, typed: str, expected: object
) -> None:
    if isinstance(expected, str):
        assert matcher.resolve(typed).slug == expected
        return
    kind, detail = expected  # type: ignore[misc]
    if kind == "ambiguous":
        with pytest.raises(AmbiguousTool) as caught:
            matcher.resolve(typed)
        offered = {s.slug for s in caught.value.suggestions}
        assert detail <= offered
        assert typed in caught.value.message
    else:
        with pytest.raises(UnknownTool) as caught:
            matcher.resolve(typed)
        offered = [s.slug for s in caught.value.suggestions]
        assert len(offered) <= 3
        if detail is not None:
            assert detail in offered


def test_unknown_tool_message_offers_the_suggestions_by_name(matcher: KindAwareMatcher) -> None:
    with pytest.raises(UnknownTool) as caught:
        matcher.resolve("gemini 1.5 flash")
    assert "Gemini 2.0 Flash" in caught.value.message


def test_every_slug_name_and_alias_resolves_to_its_own_tool(
    matcher: KindAwareMatcher, catalogue: Catalogue
) -> None:
    for tool in catalogue.tools:
        for typed in [tool.slug, tool.name, *tool.aliases]:
            assert matcher.resolve(typed).slug == tool.slug, typed


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_no_text_makes_the_matcher_raise_anything_else(
    matcher: KindAwareMatcher, text: str
) -> None:
    with contextlib.suppress(UnknownTool, AmbiguousTool):
        matcher.resolve(text)


# The full catalogue: the reviewed files over every model in the price dataset (~800 tools).
# (typed, expected) as above.
CURRENT_CASES: list[tuple[str, object]] = [
    # names as people write them, any case or spacing
    ("claude sonnet 4.5", "claude-sonnet-4-5"),
    ("Claude Sonnet 4.5", "claude-sonnet-4-5"),
    ("sonnet 4.5", "claude-sonnet-4-5"),
    ("claude haiku 4.5", "claude-haiku-4-5"),
    ("haiku 4.5", "claude-haiku-4-5"),
    ("claude opus 4.1", "claude-opus-4-1"),
    ("gpt-5", "gpt-5"),
    ("gpt 5", "gpt-5"),
    ("GPT-5 mini", "gpt-5-mini"),
    ("gpt 5 mini", "gpt-5-mini"),
    ("gpt5 mini", "gpt-5-mini"),
    ("gpt 4.1", "gpt-4-1"),
    ("gpt-4.1-mini", "gpt-4-1-mini"),
    ("o3", "o3"),
    ("o4-mini", "o4-mini"),
    ("gemini 2.5 flash", "gemini-2-5-flash"),
    ("Gemini 2.5 Pro", "gemini-2-5-pro"),
    ("gemini 2.5 flash lite", "gemini-2-5-flash-lite"),
    ("mistral medium 3.1", "mistral-medium-3-1"),
    ("magistral medium", "magistral-medium"),
    ("codestral", "codestral"),
    ("llama 3.3 70b", "llama-3-3-70b"),
    ("Llama-3.3-70B", "llama-3-3-70b"),
    ("llama 3.1 8b", "llama-3-1-8b"),
    ("gpt-oss-120b", "gpt-oss-120b"),
    ("gpt oss 120b", "gpt-oss-120b"),
    ("gpt-oss-20b", "gpt-oss-20b"),
    ("deepseek v3.2", "deepseek-v3-2"),
    ("kimi k2.6", "kimi-k2-6"),
    ("grok 4", "grok-4"),
    ("grok 3 mini", "grok-3-mini"),
    ("command r plus", "command-r-plus"),
    ("glm 4.6", "glm-4-6"),
    ("minimax m2", "minimax-m2"),
    ("sonar pro", "sonar-pro"),
    # typos and missing spaces
    ("claude sonnt 4.5", "claude-sonnet-4-5"),
    ("gemni 2.5 flsh", "gemini-2-5-flash"),
    ("cluade haiku 4.5", "claude-haiku-4-5"),
    ("lama 3.3 70b", "llama-3-3-70b"),
    ("deepsek v3.2", "deepseek-v3-2"),
    ("gemini2.5pro", "gemini-2-5-pro"),
    ("claudesonnet4.5", "claude-sonnet-4-5"),
    # vendor + model
    ("anthropic claude sonnet 4.5", "claude-sonnet-4-5"),
    ("openai gpt-5", "gpt-5"),
    ("google gemini 2.5 pro", "gemini-2-5-pro"),
    ("meta llama 3.3 70b", "llama-3-3-70b"),
    ("xai grok 4", "grok-4"),
    # vendors' dated ids and moving aliases
    ("claude-sonnet-4-5-20250929", "claude-sonnet-4-5"),
    ("gpt-5-2025-08-07", "gpt-5"),
    ("gpt-4o-2024-08-06", "gpt-4o"),
    ("claude-3-5-haiku-latest", "claude-3-5-haiku"),
    ("grok-4-0709", "grok-4"),
    ("command-r-plus-08-2024", "command-r-plus"),
    ("gemini-2.5-flash", "gemini-2-5-flash"),
    # resellers' ids for the same open-weights model
    ("meta-llama/Llama-3.3-70B-Instruct", "llama-3-3-70b"),
    ("meta-llama/Llama-3.3-70B-Instruct-Turbo", "llama-3-3-70b"),
    ("llama-3.3-70b-versatile", "llama-3-3-70b"),
    ("openai/gpt-oss-120b", "gpt-oss-120b"),
    ("deepseek-ai/DeepSeek-V3.2", "deepseek-v3-2"),
    ("moonshotai/kimi-k2.6", "kimi-k2-6"),
    ("qwen2.5 vl 7b", "qwen2-5-vl-7b"),  # the reviewed file, over the dataset's tool
    ("Qwen/Qwen2.5-VL-7B-Instruct", "qwen2-5-vl-7b"),
    ("gemini-2.0-flash-001", "gemini-2-0-flash"),
    # Mistral's bare API id names the family now that 3.1 is retired: it asks, newest first
    ("mistral-medium", ("ambiguous", {"mistral-medium-3-5", "mistral-medium-3-1"})),
    ("mistralai/mistral-medium-3-1", "mistral-medium-3-1"),  # a full id names one model
    # a family without a version asks, newest active model first
    ("claude opus", ("ambiguous", {"claude-opus-5-5", "claude-opus-5"})),
    ("gemini flash", ("ambiguous", {"gemini-3-8-flash", "gemini-3-7-flash"})),
    ("haiku", ("ambiguous", {"claude-haiku-5-5", "claude-haiku-4-5"})),
    ("mistral medium", ("ambiguous", {"mistral-medium-3-5", "mistral-medium-3"})),
    # a moving alias the dataset does not resolve stays unknown
    ("mistral-medium-latest", ("unknown", "mistral-medium-3")),
    # versions that do not exist stay unknown, with the family as suggestions
    ("gpt-7", ("unknown", "gpt-5")),
    ("claude 9 opus", ("unknown", None)),
    ("gemini 9 flash", ("unknown", "gemini-2-5-flash")),
    ("llama 3.3 8b", ("unknown", "llama-3-3-70b")),
    ("llama 5 70b", ("unknown", "llama-3-3-70b")),
    ("gpt-5.9", ("unknown", None)),
    ("deepseek v9", ("unknown", "deepseek-v3-2")),
    ("photoshop", ("unknown", None)),
]


def test_the_current_table_is_big_enough() -> None:
    assert len([c for c in CURRENT_CASES if isinstance(c[1], str)]) >= 60


@pytest.fixture(scope="module")
def full_catalogue(catalogue: Catalogue, tmp_path_factory: pytest.TempPathFactory) -> Catalogue:
    tools, _ = known_tools(dt.date(2026, 11, 24), cache_dir=tmp_path_factory.mktemp("cache"))
    return merge_layers(catalogue, tools)


@pytest.fixture(scope="module")
def full_matcher(full_catalogue: Catalogue) -> Matcher:
    return Matcher(full_catalogue.tools)


@pytest.mark.parametrize(("typed", "expected"), CURRENT_CASES, ids=[c[0] for c in CURRENT_CASES])
def test_current_model_names_give_the_expected_outcome(
    full_matcher: Matcher, typed: str, expected: object
) -> None:
    test_typed_name_gives_the_expected_outcome(full_matcher, typed, expected)


def test_a_family_name_lists_the_newest_active_model_first(full_matcher: Matcher) -> None:
    with pytest.raises(AmbiguousTool) as caught:
        full_matcher.resolve("claude opus")
    offered = [s.slug for s in caught.value.suggestions]
    assert offered[:2] == ["claude-opus-5-5", "claude-opus-5"]
    assert "claude-3-opus" not in offered


def test_every_name_and_provider_id_in_the_full_catalogue_resolves_to_its_own_tool(
    full_matcher: Matcher, full_catalogue: Catalogue
) -> None:
    asked = 0
    for tool in full_catalogue.tools:
        for typed in [tool.slug, tool.name, *tool.aliases, *tool.model_ids]:
            try:
                assert full_matcher.resolve(typed).slug == tool.slug, typed
            except AmbiguousTool as error:
                # a version-less name whose family has newer models asks, newest first,
                # rather than answer with the old one ("mistral large", "qwen-max")
                assert not version_of(normalise(typed).split()), typed
                assert len(error.suggestions) >= 2, typed
                asked += 1
    assert asked <= 40


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_no_text_makes_the_full_matcher_raise_anything_else(
    full_matcher: Matcher, text: str
) -> None:
    with contextlib.suppress(UnknownTool, AmbiguousTool):
        full_matcher.resolve(text)
