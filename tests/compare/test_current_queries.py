"""Questions a team types today, against the whole catalogue (reviewed files, every dataset model,
models.dev's capabilities, the lifecycle file), as of 2026-12-03: each either names its model,
asks which one (newest living first), or says it is unknown with a did-you-mean. None gets a
confident wrong card. The eight confusions issue 21 found each have a test of their own below."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.catalogue import Catalogue, check_with_known_models
from bot.compare import KindAwareMatcher, Matcher
from bot.errors import AmbiguousTool, UnknownTool
from bot.settings import bundled_catalogue_dir

TODAY = dt.date(2026, 12, 3)

Expected = str | tuple[str, frozenset[str]]


def ask(*slugs: str) -> tuple[str, frozenset[str]]:
    """Asks which one; these slugs among the choices."""
    return ("ask", frozenset(slugs))


def unknown(*slugs: str) -> tuple[str, frozenset[str]]:
    """Unknown; these slugs offered as did-you-mean."""
    return ("unknown", frozenset(slugs))


QUERIES: list[tuple[str, Expected]] = [
    # current OpenAI names and ids
    ("gpt-5.5", "gpt-5-5"),
    ("gpt 5.5 pro", "gpt-5-5-pro"),
    ("gpt-5.4", "gpt-5-4"),
    ("gpt-5.4-nano", "gpt-5-4-nano"),
    ("gpt 5.3 codex", "gpt-5-3-codex"),
    ("gpt-5.2", "gpt-5-2"),
    ("gpt-5.1", "gpt-5-1"),
    ("gpt-5.1 codex mini", "gpt-5-1-codex-mini"),
    ("gpt-4.1 mini", "gpt-4-1-mini"),
    ("gpt-4.1-nano", "gpt-4-1-nano"),
    ("gpt 4o mini", "gpt-4o-mini"),
    ("o3-pro", "o3-pro"),
    ("o3 mini", "o3-mini"),
    ("o1 pro", "o1-pro"),
    ("gpt-oss-120b", "gpt-oss-120b"),
    ("gpt oss 20b", "gpt-oss-20b"),
    ("gpt-image-1", "gpt-image-1"),
    ("gpt-4o-mini-tts", "gpt-4o-mini-tts"),
    # Anthropic
    ("claude opus 4.6", "claude-opus-4-6"),
    ("claude-opus-4-5", "claude-opus-4-5"),
    ("opus 4.1", "claude-opus-4-1"),
    ("claude sonnet 4", "claude-sonnet-4-0"),
    ("claude-sonnet-4-6", "claude-sonnet-4-6"),
    ("claude haiku 3", "claude-3-haiku"),
    ("claude 3.5 sonnet", "claude-3-5-sonnet"),
    # Google
    ("gemini 3.5 flash", "gemini-3-5-flash"),
    ("gemini-3.1-pro-preview", "gemini-3-1-pro-preview"),
    ("gemini 3.1 flash lite", "gemini-3-1-flash-lite"),
    ("gemini 2.5 flash lite", "gemini-2-5-flash-lite"),
    ("gemini 2.5 pro", "gemini-2-5-pro"),
    ("gemini 3 pro", "gemini-3-pro-preview"),  # the text model, not its image variant
    # xAI, Meta, DeepSeek, Moonshot, Qwen, Z.ai, MiniMax
    ("grok 4.3", "grok-4-3"),
    ("grok-4.20", "grok-4-20"),
    ("grok 3 mini", "grok-3-mini"),
    ("llama 4 maverick", "llama-4-maverick"),
    ("llama 4 scout", "llama-4-scout"),
    ("llama 3.1 8b", "llama-3-1-8b"),
    ("llama 3.1 405b", "llama-3-1-405b"),
    ("deepseek v3.2", "deepseek-v3-2"),
    ("deepseek-chat", "deepseek-chat"),  # the API id, never the DeepSeek app
    ("chatgpt", "chatgpt"),  # the app (a product), never the GPT-4o model
    ("deepseek r1", "deepseek-reasoner"),
    ("deepseek v4 pro", "deepseek-v4-pro"),
    ("kimi k2.6", "kimi-k2-6"),
    ("kimi k2 thinking", "kimi-k2-thinking"),
    ("qwen3-coder", "qwen3-coder"),
    ("qwen3.6 plus", "qwen3-6-plus"),
    ("glm 5.1", "glm-5-1"),
    ("glm-4.7", "glm-4-7"),
    ("minimax m2.7", "minimax-m2-7"),
    # Mistral, Cohere, Amazon, Perplexity
    ("mistral large 3", "mistral-large-3"),
    ("mistral medium 3.5", "mistral-medium-3-5"),
    ("mistral small 3.2", "mistral-small-3-2-24b-instruct"),
    ("codestral", "codestral"),
    ("command a", "command-a"),
    ("command r7b", "command-r7b"),
    ("command r+", "command-r-plus"),
    ("command r plus", "command-r-plus"),
    ("nova pro", "nova-pro"),
    ("sonar pro", "sonar-pro"),
    # typos
    ("claud sonet 4.6", "claude-sonnet-4-6"),
    ("gemni 3.5 flsh", "gemini-3-5-flash"),
    ("lama 3.3 70b", "llama-3-3-70b"),
    # retired models are still named (the card says retired and names the successor)
    ("gpt-4.5", "gpt-4-5-preview"),
    ("gpt 4.5", "gpt-4-5-preview"),
    ("gpt-4.5-preview", "gpt-4-5-preview"),
    ("o1-preview", "o1-preview"),
    ("claude 3 opus", "claude-3-opus"),
    ("claude 3.7 sonnet", "claude-3-7-sonnet"),
    ("claude 2", "claude-2"),
    ("gemini 2.0 flash", "gemini-2-0-flash"),
    ("gemini 1.5 pro", "gemini-1-5-pro"),
    ("gemini-1.0-pro", "gemini-pro"),
    ("grok beta", "grok-beta"),
    ("grok-vision-beta", "grok-vision-beta"),
    ("llama2-70b-4096", "llama2-70b-4096"),
    # bare families and makers ask, newest living first
    ("gemini pro", ask("gemini-3-1-pro-preview")),
    ("mistral large", ask("mistral-large-3", "mistral-large")),
    ("mistral medium", ask("mistral-medium-3-5")),
    ("qwen", ask()),
    ("claude sonnet", ask("claude-sonnet-4-6")),
    ("claude opus", ask("claude-opus-4-7")),
    ("gemini flash", ask("gemini-3-5-flash")),
    ("grok", ask()),
    ("llama", ask()),
    ("claude", ask("claude-app")),  # the app and the models
    ("gpt", ask()),
    ("grok 4 fast", ask("grok-4-fast-reasoning", "grok-4-fast-non-reasoning")),
    ("qwen3 235b", ask("qwen3-235b-a22b")),
    ("palm 2", ask("palm-2-chat-bison")),
    # a variant or product nobody sells under that name: did you mean
    ("gpt 5.1 codex", unknown("gpt-5-1-codex-mini")),
    ("gpt-5-codex", unknown()),
    ("gpt-5.1-codex-max", unknown()),
    ("grok code fast", unknown("grok-code-fast-1")),
    ("gpt-7", unknown()),
]


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Catalogue:
    catalogue, problems = check_with_known_models(
        bundled_catalogue_dir(), as_of=TODAY, cache_dir=tmp_path_factory.mktemp("cache")
    )
    assert catalogue is not None, problems
    return catalogue


@pytest.fixture(scope="module")
def matcher(full: Catalogue) -> KindAwareMatcher:
    """The matcher a comparison uses: products and models told apart."""
    return KindAwareMatcher(full.tools, Matcher(full.tools))


def test_the_table_holds_at_least_eighty_distinct_queries() -> None:
    typed = [q for q, _ in QUERIES]
    assert len(typed) >= 80
    assert len(set(typed)) == len(typed)


@pytest.mark.parametrize(("typed", "expected"), QUERIES, ids=[q for q, _ in QUERIES])
def test_a_current_query_names_its_model_asks_or_says_unknown_never_a_wrong_one(
    matcher: KindAwareMatcher, full: Catalogue, typed: str, expected: Expected
) -> None:
    if isinstance(expected, str):
        assert expected in full.by_slug, expected
        assert matcher.resolve(typed).slug == expected
        return
    kind, slugs = expected
    if kind == "ask":
        with pytest.raises(AmbiguousTool) as asked:
            matcher.resolve(typed)
        offered = [s.slug for s in asked.value.suggestions]
        assert slugs <= set(offered), offered
        # newest living first: the first choice is retired only when every choice is
        alive = [s for s in offered if full.by_slug[s].status_on(TODAY) != "retired"]
        assert not alive or offered[0] == alive[0], offered
    else:
        with pytest.raises(UnknownTool) as missing:
            matcher.resolve(typed)
        assert slugs <= {s.slug for s in missing.value.suggestions}


# The eight confusions issue 21 found, one test each.


def test_gpt_4_5_is_gpt_4_5_never_gpt_5_4(matcher: KindAwareMatcher) -> None:
    assert matcher.resolve("gpt-4.5").slug == "gpt-4-5-preview"
    assert matcher.resolve("gpt-5.4").slug == "gpt-5-4"


def test_command_r_plus_keeps_its_plus(matcher: KindAwareMatcher) -> None:
    assert matcher.resolve("command r+").slug == "command-r-plus"
    assert matcher.resolve("command r").slug == "command-r"


def test_gpt_5_1_codex_is_never_answered_with_codex_mini(matcher: KindAwareMatcher) -> None:
    with pytest.raises(UnknownTool) as missing:
        matcher.resolve("gpt 5.1 codex")
    assert [s.slug for s in missing.value.suggestions] == ["gpt-5-1-codex-mini"]


def test_a_price_match_rule_is_not_an_identity(matcher: KindAwareMatcher, full: Catalogue) -> None:
    assert "gpt-5-codex" not in {i.lower() for i in full.by_slug["gpt-5"].model_ids}
    with pytest.raises(UnknownTool):
        matcher.resolve("gpt-5-codex")


def test_gemini_pro_asks_and_never_answers_with_a_retired_model(matcher: KindAwareMatcher) -> None:
    with pytest.raises(AmbiguousTool) as asked:
        matcher.resolve("gemini pro")
    assert asked.value.suggestions[0].slug == "gemini-3-1-pro-preview"


def test_chatgpt_is_the_app_never_gpt_4o(matcher: KindAwareMatcher) -> None:
    found = matcher.resolve("chatgpt")
    assert found.slug == "chatgpt"
    assert found.is_product


def test_mistral_large_asks_with_the_newest_first(matcher: KindAwareMatcher) -> None:
    with pytest.raises(AmbiguousTool) as asked:
        matcher.resolve("mistral large")
    assert asked.value.suggestions[0].slug == "mistral-large-3"


def test_qwen_asks_rather_than_answering_qwen_turbo(matcher: KindAwareMatcher) -> None:
    with pytest.raises(AmbiguousTool) as asked:
        matcher.resolve("qwen")
    assert "qwen" not in {s.slug for s in asked.value.suggestions[:1]}


FAMILY_WORDS = [
    "mistral large",
    "mistral small",
    "gemini pro",
    "gemini flash",
    "claude sonnet",
    "claude opus",
    "gpt mini",
    "llama",
    "qwen",
    "deepseek",
    "grok",
    "ministral",
]


@pytest.mark.parametrize("typed", FAMILY_WORDS)
def test_every_did_you_mean_answer_resolves_when_typed_back(
    matcher: KindAwareMatcher, typed: str
) -> None:
    """A pick offered as `verdict compare 'SLUG vs …'` must answer, never ask the same again."""
    try:
        matcher.resolve(typed)
    except AmbiguousTool as asked:
        for offered in asked.suggestions:
            if offered.slug.count("-") == 0:
                continue  # a one-word slug is a family word too ("qwen"): it may ask
            assert matcher.resolve(offered.slug).slug == offered.slug, (typed, offered)
    except UnknownTool:
        pass
