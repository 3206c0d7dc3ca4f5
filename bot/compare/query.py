"""Turns what a person typed after /compare into 2 to 4 tool names, or a `BadQuery`."""

from __future__ import annotations

import re
import unicodedata

from pydantic import BaseModel, ConfigDict, Field

from bot.compare.use_cases import UseCase
from bot.errors import BadQuery

MAX_QUERY_LENGTH = 300
MIN_TOOLS = 2
MAX_TOOLS = 4
EXAMPLE = "smolvlm2 vs mistral-medium-3"

_LONG_DASH = r"[\u2012-\u2015\u2e3a\u2e3b\ufe58]"
_LONG_DASHES = re.compile(rf"\s+{_LONG_DASH}+\s*|\s*{_LONG_DASH}+\s+")
"""A dash with a space beside it separates names ("A — B", "A – B"); without one it is a
hyphen typed as a dash ("mistral–medium–3"), which joins words."""
_DASHES = re.compile(r"[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")
_QUOTES = re.compile(r"[\"'`\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u00ab\u00bb]")
_LEADING_COMPARE = re.compile(
    r"^\s*(?:/?compare|which(?:\s+one)?\s+is\s+better|what\s*s\s+better|what\s+is\s+better"
    r"|(?:which|what)\s+should\s+i\s+(?:use|pick|choose)|should\s+i\s+(?:use|pick))\b"
    r"(?:\s*[,:]?\s*between\b)?[\s,:]*",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(
    r"\s+(?:vs\.?|versus|v\.?|or|and|with|-{1,2})\s+"
    r"|\s*(?:\||,|;|&|\bvs\.?(?=\s|$)|对比|對比|还是|還是|と)\s*",
    re.IGNORECASE,
)


USE_CASE_PHRASES: dict[UseCase, tuple[str, ...]] = {
    UseCase.CODING: (
        "coding",
        "code",
        "code review",
        "code reviews",
        "reviewing code",
        "writing code",
        "programming",
        "pair programming",
        "software engineering",
        "software development",
        "development",
        "developers",
        "a coding assistant",
        "refactoring",
        "debugging",
        "agentic coding",
    ),
    UseCase.VISION: (
        "vision",
        "images",
        "image input",
        "image understanding",
        "reading images",
        "screenshots",
        "photos",
        "ocr",
        "visual tasks",
        "charts",
        "multimodal",
    ),
    UseCase.AGENTS: (
        "agents",
        "agent",
        "agentic work",
        "agentic tasks",
        "ai agents",
        "tool use",
        "tool calling",
        "function calling",
        "automation",
        "workflows",
    ),
    UseCase.REASONING: (
        "reasoning",
        "hard reasoning",
        "thinking",
        "math",
        "maths",
        "mathematics",
        "logic",
        "hard problems",
        "multi-step problems",
        "puzzles",
    ),
    UseCase.LONG_CONTEXT: (
        "long context",
        "long-context",
        "large context",
        "big context",
        "long documents",
        "long docs",
        "large documents",
        "long files",
        "whole codebases",
        "big codebases",
        "books",
    ),
    UseCase.SELF_HOSTING: (
        "self-hosting",
        "self hosting",
        "selfhosting",
        "self-hosted",
        "self hosted",
        "self-host",
        "self host",
        "on-prem",
        "on prem",
        "on-premises",
        "local use",
        "running locally",
        "local",
        "offline use",
        "open weights",
    ),
    UseCase.BUDGET: (
        "cheap",
        "budget",
        "a budget",
        "a tight budget",
        "low cost",
        "low-cost",
        "cost",
        "price",
        "the price",
        "saving money",
        "the money",
        "value for money",
        "cheapness",
    ),
}
"""What people type after "for" to say what the comparison is for, by use case."""

_PHRASE_TO_USE = {p: u for u, phrases in USE_CASE_PHRASES.items() for p in phrases}
_USE_CASE = re.compile(
    r"(?:\bfor\s+(?:(?:the|my|our)\s+)?|\bon\s+(?=a\s+(?:tight\s+)?budget\b))(?P<phrase>"
    + "|".join(re.escape(p) for p in sorted(_PHRASE_TO_USE, key=len, reverse=True))
    + r")(?=\s*(?:$|[,.?!;:)]|for\s|vs\b|or\s))",
    re.IGNORECASE,
)
"""Fixed phrases in one alternation, no nested repeats: linear in the text's length."""
_FOR_WORDS = re.compile(r"\sfor\s+(?P<what>[^\d\s][^\d]*)$", re.IGNORECASE)
USE_CASE_HELP = (
    "for coding, for vision, for agents, for reasoning, for long context, for self-hosting or "
    "for cheap"
)


class CompareRequest(BaseModel):
    """The names a person asked to compare, in the order they typed them."""

    model_config = ConfigDict(frozen=True)

    names: tuple[str, ...] = Field(min_length=MIN_TOOLS, max_length=MAX_TOOLS)
    use_case: UseCase | None = None


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _LONG_DASHES.sub(" vs ", text)
    text = _DASHES.sub("-", text)
    text = _QUOTES.sub(" ", text)
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(text.split())


def _check_length(text: str) -> None:
    if len(text) > MAX_QUERY_LENGTH:
        raise BadQuery(
            f"That question is {len(text)} characters long; keep it under {MAX_QUERY_LENGTH}."
        )


def split_use_case(text: str) -> tuple[str, UseCase | None]:
    """The comparison without its use case, and the use case: "A vs B for coding", "which is
    better for coding, A or B?", "A or B for code review", "A vs B on a budget". What follows a
    last "for" with no digit in it and no use case is refused with the use cases we know;
    with a digit it is left for the vote's duration ("for 24h")."""
    _check_length(text)
    found = list(_USE_CASE.finditer(text))
    uses = {_PHRASE_TO_USE[m["phrase"].casefold()] for m in found}
    if len(uses) > 1:
        raise BadQuery(f"Ask for one use case at a time: {USE_CASE_HELP}.")
    for match in reversed(found):
        text = f"{text[: match.start()]} {text[match.end() :]}"
    text = " ".join(text.split())
    tail = _FOR_WORDS.search(text)
    if tail is not None:
        what = _shorten(tail["what"].strip(" ?!."), 40)
        raise BadQuery(
            f'"{what}" is not a length of time. Say how long the vote stays open (for 90m, '
            f"for 24h, for 2d), or what the tools are for ({USE_CASE_HELP})."
        )
    return text, uses.pop() if uses else None


def _shorten(name: str, limit: int = 60) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def parse_query(text: str) -> CompareRequest:
    """Split a comparison into names, read the way people ask: "A vs B", "A vs. B", "A versus
    B", "A or B", "A, B and C", "compare A and B", "which is better, A or B?", "A — B" (any
    long dash), "A 对比 B", "A と B"; with a use case ("A vs B for coding", see
    `split_use_case`)."""
    text, use_case = split_use_case(text)
    cleaned = _LEADING_COMPARE.sub("", _clean(text)).strip().rstrip("?!. ").strip()
    if not cleaned:
        raise BadQuery(f"Name two to four tools to compare, for example: {EXAMPLE}")
    names = [part.strip(" -.?!:") for part in _SEPARATORS.split(f" {cleaned} ")]
    names = [name for name in names if name]
    if not names:
        raise BadQuery(f"Name two to four tools to compare, for example: {EXAMPLE}")
    if len(names) < MIN_TOOLS:
        shown = _shorten(names[0])
        raise BadQuery(
            f'Only one tool in "{shown}". Ask like this: {shown} vs another-tool '
            f"(for example: {EXAMPLE})."
        )
    if len(names) > MAX_TOOLS:
        raise BadQuery(
            f"That is {len(names)} tools; a card compares at most {MAX_TOOLS}. Drop a few."
        )
    return CompareRequest(names=tuple(names), use_case=use_case)


def split_last_name(text: str) -> tuple[str, str]:
    """Split a comparison being typed into what comes before the last name, and that name:
    "gpt-4o vs cla" -> ("gpt-4o vs ", "cla"). Autocomplete suggests names for the second part."""
    last_end = 0
    for match in _SEPARATORS.finditer(text):
        last_end = match.end()
    return text[:last_end], text[last_end:].lstrip()
