"""The product and cross-kind questions teams ask, against the real product files
(`catalogue/products/`) over the real generated layer: each name gets the right tool, a fair
"did you mean" (the right tool among the choices, or a word that names both kinds), or a clean
unknown where the catalogue has no such tool. A confident wrong answer fails the table.

Until the product files are merged, point `VERDICT_TEST_PRODUCTS` at a directory of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from bot.catalogue import check_with_known_models
from bot.compare import Comparer, parse_query
from bot.errors import AmbiguousTool, UnknownTool, VerdictError
from bot.render import text
from bot.render.layout import CARD_CHARS, CARD_LINES
from tests.product_files import with_repo_products

DAY = dt.date(2026, 12, 3)
ASK = frozenset({"<ask>"})
"""The word names a product and a model (or several products): the bot must ask."""
UNKNOWN = frozenset({"<unknown>"})
"""No such tool: the bot must not answer with another one."""


def one(*slugs: str) -> frozenset[str]:
    """Any of these slugs is right (the files may spell a slug either way)."""
    return frozenset(slugs)


QUESTIONS: list[tuple[str, tuple[frozenset[str], ...]]] = [
    # coding assistants and agents
    ("cursor vs github copilot", (one("cursor"), one("github-copilot"))),
    ("claude code vs codex cli", (one("claude-code"), one("codex-cli"))),
    ("claude code vs cursor", (one("claude-code"), one("cursor"))),
    ("windsurf vs cursor", (one("windsurf"), one("cursor"))),
    ("curser vs windsurf", (one("cursor"), one("windsurf"))),
    ("gemini cli vs claude code", (one("gemini-cli"), one("claude-code"))),
    ("aider vs cline", (one("aider"), one("cline"))),
    ("continue vs cline", (one("continue", "continue-dev"), one("cline"))),
    ("devin vs codex cli", (one("devin"), one("codex-cli"))),
    ("kiro vs cursor", (one("kiro"), one("cursor"))),
    ("zed vs cursor", (one("zed"), one("cursor"))),
    ("copilot vs cursor", (ASK, one("cursor"))),
    (
        "github copilot vs claude code vs cursor",
        (one("github-copilot"), one("claude-code"), one("cursor")),
    ),
    ("openai codex cli vs aider", (one("codex-cli"), one("aider"))),
    # chat and search assistants
    ("chatgpt vs claude", (one("chatgpt"), ASK)),
    ("chatgpt vs claude app", (one("chatgpt"), one("claude-app"))),
    ("chatgpt vs gemini", (one("chatgpt"), ASK)),
    ("chatgpt vs gemini app", (one("chatgpt"), one("gemini-app"))),
    ("perplexity vs chatgpt", (ASK, one("chatgpt"))),
    ("perplexity app vs chatgpt", (one("perplexity"), one("chatgpt"))),
    ("le chat vs chatgpt", (one("le-chat"), one("chatgpt"))),
    ("microsoft copilot vs chatgpt", (one("microsoft-copilot"), one("chatgpt"))),
    ("grok vs chatgpt", (ASK, one("chatgpt"))),
    ("deepseek vs chatgpt", (ASK, one("chatgpt"))),
    ("chat gpt vs claude.ai", (one("chatgpt"), one("claude-app"))),
    ("bard vs chatgpt", (one("gemini-app"), one("chatgpt"))),
    ("meta ai vs chatgpt", (one("meta-ai-app"), one("chatgpt"))),
    ("grok app vs deepseek app", (one("grok-app"), one("deepseek-app"))),
    ("replit agent vs devin", (one("replit-agent"), one("devin"))),
    # an app and a model on one card
    ("chatgpt vs gpt-5", (one("chatgpt"), one("gpt-5"))),
    ("chatgpt vs gpt-4o", (one("chatgpt"), one("gpt-4o"))),
    ("cursor vs claude sonnet 4.5", (one("cursor"), one("claude-sonnet-4-5"))),
    ("claude app vs claude sonnet 4.5", (one("claude-app"), one("claude-sonnet-4-5"))),
    ("ollama vs llama 3.3 70b", (one("ollama"), one("llama-3-3-70b"))),
    ("le chat vs mistral medium 3", (one("le-chat"), one("mistral-medium-3"))),
    ("perplexity app vs sonar", (one("perplexity"), one("sonar"))),
    ("sonar vs sonar pro", (one("sonar"), one("sonar-pro"))),
    ("gpt-4o vs claude haiku 4.5", (one("gpt-4o"), one("claude-haiku-4-5"))),
    ("smolvlm2 vs lm studio", (one("smolvlm2"), one("lm-studio"))),
    # frameworks
    ("langchain vs llamaindex", (one("langchain"), one("llamaindex"))),
    ("langchian vs llama index", (one("langchain"), one("llamaindex"))),
    ("langgraph vs crewai", (one("langgraph"), one("crewai"))),
    ("crewai vs autogen", (one("crewai"), one("autogen"))),
    ("dspy vs langchain", (one("dspy"), one("langchain"))),
    ("pydantic ai vs langchain", (one("pydantic-ai"), one("langchain"))),
    ("haystack vs llamaindex", (one("haystack"), one("llamaindex"))),
    ("semantic kernel vs langchain", (one("semantic-kernel"), one("langchain"))),
    ("openai agents sdk vs langgraph", (one("openai-agents-sdk"), one("langgraph"))),
    ("vercel ai sdk vs langchain", (one("vercel-ai-sdk"), one("langchain"))),
    # vector databases
    ("pinecone vs weaviate", (one("pinecone"), one("weaviate"))),
    ("qdrant vs milvus", (one("qdrant"), one("milvus"))),
    ("chroma vs pgvector", (one("chroma", "chromadb"), one("pgvector"))),
    ("lancedb vs chroma", (one("lancedb"), one("chroma", "chromadb"))),
    ("pinecon vs qdrant", (one("pinecone"), one("qdrant"))),
    # local runtimes and serving
    ("ollama vs lm studio", (one("ollama"), one("lm-studio"))),
    ("llama.cpp vs ollama", (one("llama-cpp"), one("ollama"))),
    ("vllm vs sglang", (one("vllm"), one("sglang"))),
    ("vllm vs text generation inference", (one("vllm"), one("text-generation-inference"))),
    # gateways and observability
    ("litellm vs openrouter", (one("litellm"), one("openrouter"))),
    ("langsmith vs langfuse", (one("langsmith"), one("langfuse"))),
    ("arize phoenix vs langfuse", (one("arize-phoenix", "phoenix"), one("langfuse"))),
    ("helicone vs portkey", (one("helicone"), one("portkey"))),
    ("braintrust vs langsmith", (one("braintrust"), one("langsmith"))),
    ("litellm vs portkey vs openrouter", (one("litellm"), one("portkey"), one("openrouter"))),
    # speech, image and video
    ("whisper vs deepgram", (one("whisper", "openai-whisper", "<ask>"), one("deepgram"))),
    ("openai whisper vs elevenlabs", (one("openai-whisper", "whisper"), ASK)),
    ("deepgram vs assemblyai", (one("deepgram"), one("assemblyai"))),
    ("elevenlabs vs deepgram", (one("elevenlabs"), one("deepgram"))),
    ("midjourney vs dall-e 3", (one("midjourney"), one("dall-e-3", "chatgpt-images"))),
    ("midjourney vs chatgpt images", (one("midjourney"), one("chatgpt-images"))),
    ("stable diffusion vs flux", (one("stable-diffusion"), one("flux", "flux-bfl"))),
    ("runway vs midjourney", (one("runway"), one("midjourney"))),
    ("midjourney vs stable diffusion", (one("midjourney"), one("stable-diffusion"))),
    ("flux vs midjourney", (one("flux", "flux-1", "flux-bfl"), one("midjourney"))),
    # names nobody has catalogued: a clean unknown, never another tool
    ("qwxyzzy vs cursor", (UNKNOWN, one("cursor"))),
    ("frobnicator pro vs ollama", (UNKNOWN, one("ollama"))),
    ("plokta vs langchain", (UNKNOWN, one("langchain"))),
]


@dataclass
class Outcomes:
    right: list[str] = field(default_factory=list)
    confident_wrong: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    """A tool the catalogue holds that the answer neither gave nor offered."""
    not_held: list[str] = field(default_factory=list)
    """Answered fairly for a tool the catalogue does not hold (yet)."""


@pytest.fixture(scope="module")
def comparer(tmp_path_factory: pytest.TempPathFactory) -> Comparer:
    root = with_repo_products(tmp_path_factory.mktemp("questions") / "catalogue")
    if root is None:
        pytest.skip("no product files: catalogue/products/ (or VERDICT_TEST_PRODUCTS) is empty")
    catalogue, problems = check_with_known_models(root, as_of=DAY)
    assert catalogue is not None, "\n".join(map(str, problems))
    return Comparer(catalogue)


def _judge(comparer: Comparer, typed: str, wanted: frozenset[str], out: Outcomes) -> str | None:
    """The slug `typed` resolved to (None if the bot asked or did not know), judged."""
    held = {s for s in wanted if s in comparer.catalogue.by_slug}
    label = f"{typed!r}"
    try:
        tool = comparer.tool(typed)
    except AmbiguousTool as error:
        offered = {s.slug for s in error.suggestions}
        if wanted == ASK or "<ask>" in wanted or offered & held:
            out.right.append(label)
        elif held:
            out.missed.append(f"{label}: asked {sorted(offered)}, wanted {sorted(held)}")
        else:
            out.not_held.append(label)
        return None
    except UnknownTool as error:
        offered = {s.slug for s in error.suggestions}
        if wanted == UNKNOWN or offered & held:
            out.right.append(label)
        elif held:
            out.missed.append(f"{label}: unknown, wanted {sorted(held)}")
        else:
            out.not_held.append(label)
        return None
    if tool.slug in wanted:
        out.right.append(label)
    else:
        out.confident_wrong.append(f"{label} -> {tool.slug} ({tool.kind}), wanted {sorted(wanted)}")
    return tool.slug


def test_the_table_holds_at_least_60_questions() -> None:
    assert len(QUESTIONS) >= 60


def test_no_product_or_cross_kind_question_gets_a_confident_wrong_answer(
    comparer: Comparer,
) -> None:
    out = Outcomes()
    for question, wanted in QUESTIONS:
        names = parse_query(question).names
        assert len(names) == len(wanted), question
        for typed, accepted in zip(names, wanted, strict=True):
            _judge(comparer, typed, accepted, out)
    assert out.confident_wrong == []
    assert out.missed == []
    print(
        f"{len(out.right)} right, {len(out.not_held)} not in the catalogue yet "
        f"(answered as unknown or asked)"
    )


def test_every_fully_known_question_gets_its_card_naming_each_kind(comparer: Comparer) -> None:
    shown = 0
    for question, wanted in QUESTIONS:
        if any(w in (ASK, UNKNOWN) for w in wanted):
            continue
        try:
            tools = comparer.resolve_query(question)
        except VerdictError:
            continue  # not in the catalogue yet: judged by the test above
        assert all(t.slug in w for t, w in zip(tools, wanted, strict=True)), question
        card = comparer.card_for(tools, {})
        lines = text.render_card(card).split("\n")
        assert len(lines) <= CARD_LINES[len(tools)], question
        if len(tools) == 2:
            assert len("\n".join(lines)) <= CARD_CHARS[2], question
        if len({t.kind for t in tools}) > 1:
            assert "(model)" in lines[0], lines[0]
            assert card.verdict.decided_by != "price", question
        shown += 1
    assert shown >= 30


SETTLED_BY_THE_OTHER_SIDE = [
    ("chatgpt vs claude", ("chatgpt", "claude-app")),
    ("cursor vs windsurf", ("cursor", "windsurf")),
    ("perplexity vs chatgpt", ("perplexity", "chatgpt")),
    ("gemini vs chatgpt", ("gemini-app", "chatgpt")),
]
"""Alone, each first word asks (an app and a maker's models share it); beside an app, a person
means the app of that name."""


def test_an_app_on_the_other_side_settles_a_name_shared_with_models(comparer: Comparer) -> None:
    for question, slugs in SETTLED_BY_THE_OTHER_SIDE:
        assert tuple(t.slug for t in comparer.resolve_query(question)) == slugs, question
    for still_asks in ("perplexity vs gpt-4o", "claude vs gemini", "copilot vs chatgpt"):
        with pytest.raises(VerdictError):
            comparer.resolve_query(still_asks)
