"""Matching across kinds: a product's name never silently becomes a model of a similar name,
nor a model's name a product; where a word names both, we ask.

A narrow layer over `Matcher` (which resolves names within one list of tools and is free to
change how): the whole catalogue is matched as before, then the answer is checked against the
other kind.

- A product typed by one of its own names is that product, unless the words are also a model's
  own name or its maker ("perplexity" is the app and the maker of the Sonar models): then ask.
- A model stands unless one of a product's names carries every typed word ("whisper": the
  model and "Whisper (open-source package)").
- Any other product hit (by some of the words, a fixed typo, a fuzzy score) stands only if no
  model carries every typed word ("gemini" names the app and the models: ask).
- A question that lists several tools lists both kinds, products first, each named by kind.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property

from bot.catalogue import Tool, compact, normalise
from bot.compare.kinds import kind_label
from bot.compare.matching import MAX_CANDIDATES, Matcher
from bot.errors import AmbiguousTool, Suggestion, VerdictError

PRODUCTS_FIRST = 2
"""At most this many products open a mixed question, so the models still show."""


def _answers(tool: Tool) -> list[str]:
    """The names a tool answers to exactly (as `Matcher` reads them)."""
    return [tool.slug, tool.name, *tool.aliases, f"{tool.vendor} {tool.name}"]


def _words(tool: Tool) -> list[frozenset[str]]:
    return [frozenset(normalise(text).split()) for text in _answers(tool)]


class KindAwareMatcher:
    """Resolves a typed name as `Matcher.resolve` does; asks where a product and a model
    share it."""

    def __init__(self, tools: Sequence[Tool], matcher: Matcher) -> None:
        self.matcher = matcher
        self.by_slug = {t.slug: t for t in tools}
        self._products = [t for t in tools if t.is_product]
        self._models = [t for t in tools if not t.is_product] if self._products else []
        self._exact = {compact(text): t.slug for t in tools for text in _answers(t)}
        self._product_words = _postings(self._products)
        self._model_words = _postings(self._models)
        self._model_names = {compact(text) for t in self._models for text in _answers(t)}
        self._model_vendors = {compact(t.vendor) for t in self._models}

    @cached_property
    def _product_matcher(self) -> Matcher:
        return Matcher(self._products)

    @cached_property
    def _model_matcher(self) -> Matcher:
        """Built on first need (a product asked for with model words), never for a catalogue
        without products."""
        return Matcher(self._models)

    def build_all(self) -> KindAwareMatcher:
        """Build the per-kind matchers now rather than on first need: an index saved with the
        catalogue cache then holds them too, and a warm start builds no matcher at all."""
        if self._products:
            self._product_matcher  # noqa: B018
            self._model_matcher  # noqa: B018
        return self

    def resolve(self, typed: str) -> Tool:
        """The one tool `typed` means; `AmbiguousTool` when it names a product and a model."""
        if not self._products:
            return self.matcher.resolve(typed)
        words = frozenset(normalise(typed).split())
        try:
            found = self.matcher.resolve(typed)
        except AmbiguousTool as error:
            raise self._with_other_kind(typed, words, error) from None
        key = compact(typed)
        if found.is_product:
            own_name = self._exact.get(key) == found.slug
            if own_name and key not in self._model_names and key not in self._model_vendors:
                return found
            others = self._carrying(self._model_matcher, self._model_words, typed, words)
        elif self._exact.get(key) == found.slug and _typed_as_an_id(typed):
            return found  # a provider's exact API id ("deepseek-chat") is the model it names
        else:
            # Even a model's own name asks when a product carries every word of it: "whisper"
            # is the Whisper model and "Whisper (open-source package)".
            others = self._carrying(self._product_matcher, self._product_words, typed, words)
        if not others:
            return found
        first = [found, *others] if found.is_product else [*others, found]
        raise AmbiguousTool(typed, _labelled(_unique(first)[:MAX_CANDIDATES]))

    def _with_other_kind(
        self, typed: str, words: frozenset[str], error: AmbiguousTool
    ) -> AmbiguousTool:
        """The question with the products the words name first, then the models offered."""
        offered = [self.by_slug[s.slug] for s in error.suggestions if s.slug in self.by_slug]
        products = [t for t in offered if t.is_product]
        products += self._carrying(self._product_matcher, self._product_words, typed, words)
        # Only a product whose own name holds the words is put first: "claude" offers Claude
        # (app), not Cline (an alias mentions Claude); "openai" or "mistral", a maker's name,
        # keeps its models' places.
        products = [t for t in products if words <= frozenset(normalise(t.name).split())]
        products = _unique(products)[:PRODUCTS_FIRST]
        models = [t for t in offered if not t.is_product]
        if len(models) < MAX_CANDIDATES - len(products):
            # Products may have filled the question ("openai": ChatGPT, Codex CLI, …) while the
            # maker's models went unoffered: the models' own matcher names them.
            models += self._carrying(self._model_matcher, self._model_words, typed, words)
        if not models:
            return error  # products only ("copilot"): the question stands as asked
        both = _unique([*products, *models])[:MAX_CANDIDATES]
        return AmbiguousTool(typed, _labelled(both))

    def _carrying(
        self, matcher: Matcher, postings: dict[str, set[int]], typed: str, words: frozenset[str]
    ) -> list[Tool]:
        """Tools of the other kind that one of their names carries every typed word of, in the
        order that kind's matcher offers them. The word index answers "none" (most questions)
        without running the matcher, whose fuzzy search would find nothing of use."""
        if not words or not words <= postings.keys():
            return []
        if not set.intersection(*(postings[w] for w in words)):
            return []  # no one name holds every word
        try:
            offered = [matcher.resolve(typed)]
        except AmbiguousTool as error:
            offered = [self.by_slug[s.slug] for s in error.suggestions if s.slug in self.by_slug]
        except VerdictError:
            return []
        return [t for t in offered if any(words <= names for names in _words(t))]


def _typed_as_an_id(typed: str) -> bool:
    """One token joined by "-", "." or "/" ("deepseek-chat", "gpt-4o"), as an API id is
    written; a bare word ("whisper") or words with spaces read as a name."""
    text = typed.strip()
    return bool(text) and not any(c.isspace() for c in text) and any(c in "-./" for c in text)


def _postings(tools: Iterable[Tool]) -> dict[str, set[int]]:
    """Each word of the tools' names, and the names (numbered) holding it: the names holding
    every typed word are the intersection of the words' sets."""
    found: dict[str, set[int]] = {}
    number = 0
    for tool in tools:
        for names in _words(tool):
            for word in names:
                found.setdefault(word, set()).add(number)
            number += 1
    return found


def _unique(tools: Iterable[Tool]) -> list[Tool]:
    seen: set[str] = set()
    out = []
    for tool in tools:
        if tool.slug not in seen:
            seen.add(tool.slug)
            out.append(tool)
    return out


def _labelled(tools: Sequence[Tool]) -> list[Suggestion]:
    """Each offered tool named with its kind when the list mixes kinds: "Perplexity (app)",
    "Sonar (model)"."""
    mixed = len({t.kind for t in tools}) > 1
    out = []
    for tool in tools:
        label = kind_label(tool.kind, tool.category)
        named = not mixed or tool.name.endswith(f"({label})")
        name = tool.name if named else f"{tool.name} ({label})"
        out.append(Suggestion(slug=tool.slug, name=name))
    return out
