"""Resolves what a person typed to one catalogue tool, or says why it cannot.

Order of evidence: an exact name/alias hit; the same for a vendor's dated or aliased id read as
its model ("gpt-4o-2024-08-06", "claude-3-5-haiku-latest": `snapshot_of`); then every typed word
found in one tool's name (so "haiku" or "medium mistral 3" work); then the same after fixing
typos in words; then a fuzzy score over whole names. Version numbers are never fuzzed: "gpt 4.1"
must not become GPT-4o, nor "claude 9 opus" any Opus. When two tools fit about equally, we ask
rather than guess.

Family names without a version ("claude opus", "gemini flash") are ambiguous on purpose: the
question lists the newest active models of the family first (highest version number, then the
plain model before its variants), deprecated and retired ones last. A family's "newest" changes
every few months, and a silent pick would make last month's card disagree with today's.
"""

from __future__ import annotations

import heapq
import math
import sys
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.catalogue import (
    MODALITY_WORDS,
    VARIANT_WORDS,
    Tool,
    compact,
    is_number,
    no_cyclic_gc,
    normalise,
    served_model_of,
    snapshot_of,
)
from bot.errors import AmbiguousTool, Suggestion, UnknownTool

CONFIDENT_SCORE = 85.0
"""A whole-name fuzzy score at or above this is a match, if no other tool is close behind."""
AMBIGUITY_MARGIN = 5.0
"""Tools scoring within this of the best one make the answer ambiguous."""
SUGGESTION_SCORE = 55.0
WORD_FIX_SCORE = 80.0
"""A typed word this close to a known word is read as that word ("sonet" -> "sonnet")."""
MAX_CANDIDATES = 5
FUZZY_LIMIT = 20
"""How many of the closest names are weighed, at most."""
MAX_SUGGESTIONS = 3


@dataclass(frozen=True, slots=True)
class _Choice:
    """One distinct normalised text and every tool answering to it, in catalogue order."""

    tools: tuple[int, ...]
    text: str
    words: frozenset[str]
    version: tuple[str, ...]


SIZE_UNITS = frozenset({"b", "m", "k", "x"})

VARIANT_SLIP_SCORE = 70.0
"""A typed word this close to a variant word is a slip of it: "mini" typed as "imni" is 75."""


def version_of(words: Sequence[str]) -> tuple[str, ...]:
    """The version numbers in a name, in order: "claude 3 5 haiku" -> ("3", "5"). Ordered, so
    4.5 is never 5.4. A size ("70 b") and a date ("20241022") are not part of it. A typed
    version must be a tool's whole version: "claude sonnet 4" is not Claude Sonnet 4.5, and
    "llama 3.3 8b" is not Llama 3 8B."""
    found = []
    for i, word in enumerate(words):
        size = i + 1 < len(words) and words[i + 1] in SIZE_UNITS
        if is_number(word) and len(word) <= 3 and not size:
            found.append(word)
    return tuple(found)


def unasked_variants(name_words: Iterable[str], typed_words: Iterable[str]) -> set[str]:
    """The variant and modality words of a name that the query did not type (nor a typo of)."""
    typed = set(typed_words)
    # a slip of the variant ("mni", "imni" for "mini") still names it; another variant does not
    slips = [t for t in typed if len(t) >= 3 and t not in VARIANT_WORDS and t not in MODALITY_WORDS]
    return {
        word
        for word in name_words
        if (word in VARIANT_WORDS or word in MODALITY_WORDS)
        and word not in typed
        and not any(fuzz.ratio(word, t) >= VARIANT_SLIP_SCORE for t in slips)
    }


def length_window(size: int, cutoff: float) -> tuple[int, int]:
    """The shortest and longest texts that can score `cutoff` by `fuzz.ratio` against a text of
    `size` characters (it is at most 200 * min(a, b) / (a + b)), rounded outwards."""
    ratio = cutoff / 100
    if ratio <= 0:
        return 0, sys.maxsize
    return math.floor(size * ratio / (2 - ratio)), math.ceil(size * (2 - ratio) / ratio)


def _choice_texts(tool: Tool) -> list[str]:
    names = [tool.slug, tool.name, *tool.aliases]
    return [*names, f"{tool.vendor} {tool.name}"]


class Matcher:
    """Built once per catalogue; every query after that reuses the processed choices."""

    def __init__(self, tools: Sequence[Tool]) -> None:
        self.tools: tuple[Tool, ...] = tuple(tools)
        with no_cyclic_gc():
            self._index()

    def _index(self) -> None:
        self._exact: dict[str, int] = {}
        self._ids: dict[str, int] = {}
        self._slugs = {tool.slug: index for index, tool in enumerate(self.tools)}
        # A 10,000-tool catalogue has ~40k name texts but only ~23k distinct ones (a slug and
        # its name normalise alike): each distinct text is normalised and scored once.
        owners: dict[str, list[int]] = {}
        for index, tool in enumerate(self.tools):
            for model_id in tool.model_ids:
                # Exact keys only (see `Tool.model_ids`); a name or alias wins a clash.
                self._ids.setdefault(compact(model_id), index)
                self._ids.setdefault(compact(snapshot_of(model_id, latest=False)), index)
            for text in _choice_texts(tool):
                normal = normalise(text)
                key = normal.replace(" ", "")
                if not key:
                    continue
                self._exact.setdefault(key, index)
                found = owners.setdefault(normal, [])
                if not found or found[-1] != index:
                    found.append(index)
        self._choices: list[_Choice] = []
        self._by_word: dict[str, list[int]] = {}
        for choice_id, (normal, owned_by) in enumerate(owners.items()):
            split = normal.split()
            words = frozenset(split)
            self._choices.append(_Choice(tuple(owned_by), normal, words, version_of(split)))
            for word in words:
                self._by_word.setdefault(word, []).append(choice_id)
        self._texts = list(owners)
        self._tool_choices: list[list[int]] = [[] for _ in self.tools]
        for choice_id, choice in enumerate(self._choices):
            for owner in choice.tools:
                self._tool_choices[owner].append(choice_id)
        self._length_order = sorted(range(len(self._texts)), key=lambda c: len(self._texts[c]))
        self._texts_by_length = [self._texts[c] for c in self._length_order]
        self._lengths = [len(text) for text in self._texts_by_length]
        self._fixable_words = sorted(w for w in self._by_word if w.isalpha() and len(w) >= 3)

    @property
    def choice_texts(self) -> list[str]:
        """The normalised names, slugs and aliases searched; for benchmarks and diagnostics."""
        return self._texts

    def suggest(self, typed: str, limit: int = 25) -> list[Tool]:
        """Tools for an autocomplete list: names starting with what was typed first, then the
        closest fuzzy matches. Never raises; empty input lists tools alphabetically."""
        query = normalise(typed)
        if not query:
            return sorted(self.tools, key=lambda t: t.name.casefold())[:limit]
        found: list[int] = []
        seen: set[int] = set()

        def add(tool: int) -> None:
            if tool not in seen:
                seen.add(tool)
                found.append(tool)

        for choice in self._choices:
            if choice.text.startswith(query):
                for tool in choice.tools:
                    add(tool)
                if len(found) >= limit:
                    break
        if len(found) < limit:
            for _, _, choice_id in process.extract(
                query, self._texts, scorer=fuzz.partial_ratio, limit=limit * 4, score_cutoff=75
            ):
                for tool in self._choices[choice_id].tools:
                    add(tool)
        return [self.tools[t] for t in found[:limit]]

    def resolve(self, typed: str) -> Tool:
        """The one tool `typed` means; raises `AmbiguousTool` or `UnknownTool` otherwise."""
        query = normalise(typed)
        if not query:
            raise UnknownTool(typed, [])
        slug = self._slugs.get(typed.strip().lower()) if "-" in typed else None
        if slug is not None and not self._retired(slug):
            return self.tools[slug]  # its slug, as a did-you-mean offers it: never ask again
        key = query.replace(" ", "")
        exact = self._exact.get(key)
        if exact is None and not any(c.isspace() for c in typed.strip()):
            # Provider ids answer only when typed as an id: "mistral-medium" is Mistral's API id
            # for Medium 3.1, but "mistral medium" is the family, and asks which one.
            exact = self._ids.get(key)
            if exact is None:
                snapshot = compact(snapshot_of(typed, latest=False))
                exact = self._exact.get(snapshot, self._ids.get(snapshot))
        words = query.split()
        as_id = "/" in typed
        if exact is not None and self._is_identity(
            exact, normalise(served_model_of(typed)).split() if as_id else words, key, as_id=as_id
        ):
            if "/" in typed:
                return self.tools[exact]  # a provider's full id names one model exactly
            if (
                "-" in typed
                and typed.strip().lower() == self.tools[exact].slug
                and not self._retired(exact)
            ):
                return self.tools[exact]  # its slug, as a did-you-mean offers it: never ask again
            return self._unless_family_has_newer(exact, words, typed)

        if len(key) == 1:
            # One letter is a word inside many names ("Amazon Q Developer", "Palmyra X5"); unless
            # it is a tool's whole name it names nothing: never a confident answer.
            raise UnknownTool(typed, [])

        found = self._by_all_words(words, typed)
        if found is not None:
            return found

        fixed = self._fix_typos(words)
        if fixed != words:
            exact = self._exact.get("".join(fixed))
            if exact is not None and self._is_identity(exact, fixed, "".join(fixed)):
                return self._unless_family_has_newer(exact, fixed, typed)
            found = self._by_all_words(fixed, typed)
            if found is not None:
                return found

        return self._by_fuzzy_score(query, words, typed)

    def _is_identity(self, tool: int, words: list[str], key: str, *, as_id: bool = False) -> bool:
        """Whether an exact hit on a slug, alias or provider id names this tool and not a
        sibling: a typed variant the tool's name lacks ("gpt-5-codex" is an id GPT-5's price
        rule matches, not GPT-5), or a bare word where the name carries a version ("gemini
        pro" typed, "Gemini 1.0 Pro" found by its old slug), is a family, not an identity."""
        found = self.tools[tool]
        names = [normalise(t).split() for t in (found.name, *found.aliases)]
        if any("".join(n) == key for n in names):
            return True  # typed as its name or an alias, exactly
        name_words = {w for n in names for w in n}
        typed_variants = {w for w in words if w in VARIANT_WORDS or w in MODALITY_WORDS}
        if typed_variants - name_words:
            return False
        if as_id or "latest" in words:
            return True  # a provider's full id ("mistralai/…"), or the alias it moves today
        if version_of(words) or not version_of(normalise(found.name).split()):
            return True
        return self._family(words) == {tool}  # "grok-code-fast": the family has one model

    def _retired(self, tool: int) -> bool:
        return self.tools[tool].lifecycle.status == "retired"

    def _family(self, words: list[str]) -> set[int]:
        """Tools one of whose names holds every typed word and no variant the query lacks."""
        postings = [self._by_word.get(word) for word in set(words)]
        if not postings or any(p is None for p in postings):
            return set()
        choice_ids = set(postings[0]).intersection(*postings[1:])  # type: ignore[arg-type]
        return {
            tool
            for c in choice_ids
            if not unasked_variants(self._choices[c].words, words)
            for tool in self._choices[c].tools
        }

    def _unless_family_has_newer(self, tool: int, words: list[str], typed: str) -> Tool:
        """A version-less name ("mistral large") hits an old model while its family has newer
        active ones with versions (Mistral Large 3): the query names the family, so ask, newest
        first, rather than answer with last year's model."""
        found = self.tools[tool]
        if version_of(words) or found.released is None:
            return found
        newer = [
            t
            for t in self._family(words)
            if t != tool
            and self.tools[t].lifecycle.status == "active"
            and self.tools[t].released is not None
            and self.tools[t].released > found.released  # type: ignore[operator]
            and version_of(normalise(self.tools[t].name).split())
        ]
        if not newer:
            return found
        raise AmbiguousTool(typed, self._newest_first([tool, *newer])[:MAX_CANDIDATES])

    def _by_all_words(self, words: list[str], typed: str) -> Tool | None:
        """Tools one of whose names contains every typed word; None if no tool does."""
        postings = [self._by_word.get(word) for word in set(words)]
        if not postings or any(p is None for p in postings):
            return None
        postings.sort(key=len)  # type: ignore[arg-type]
        wanted_counts = Counter(words)
        version = version_of(words)
        choice_ids = {
            c
            for c in set(postings[0]).intersection(*postings[1:])  # type: ignore[arg-type]
            # "llama 3.3 8b" needs two 3s: a word set alone would read it as "llama 3 8b"
            if wanted_counts <= Counter(self._choices[c].text.split())
            and (not version or self._choices[c].version == version)
        }
        if not choice_ids:
            return None
        plain = {c for c in choice_ids if not unasked_variants(self._choices[c].words, words)}
        if not plain:
            # Every fit is a variant the query did not name (only "GPT-5.1 Codex Mini" for
            # "gpt 5.1 codex"): a sibling is never the answer; offer it as a did-you-mean.
            siblings = {tool for c in choice_ids for tool in self._choices[c].tools}
            if len(siblings) == 1:
                raise UnknownTool(typed, [self._suggestion(siblings.pop())])
            raise AmbiguousTool(typed, self._newest_first(siblings)[:MAX_CANDIDATES])
        typed_words = set(words)
        maker_only = any(
            typed_words <= set(normalise(self.tools[t].vendor).split())
            for c in choice_ids
            for t in self._choices[c].tools
        )  # "google": every model the maker sells, variants too
        if (
            plain != choice_ids
            and not maker_only
            and all(
                all(
                    is_number(w) or len(w) >= 2 or w in SIZE_UNITS
                    for w in self._choices[c].words - typed_words
                )
                for c in plain
            )
        ):
            # The plain model wins over its variants ("gemini 3 pro": Gemini 3 Pro Preview, not
            # its Image variant), unless it differs by a letter glued to a number: "gpt 4" is
            # neither GPT-4o nor GPT-4o mini.
            choice_ids = plain
        tools = {tool for c in choice_ids for tool in self._choices[c].tools}
        if len(tools) == 1:
            only = tools.pop()
            # "chatgpt" found only in "ChatGPT 4o": a product word, not this model's name
            if (
                not version
                and version_of(self._choices[next(iter(choice_ids))].text.split())
                and not any(
                    self._choices[c].text.replace(" ", "") == "".join(words) for c in choice_ids
                )
            ):
                raise UnknownTool(typed, [self._suggestion(only)])
            return self._unless_family_has_newer(only, words, typed)
        wanted = sorted(words)
        same_words = {
            tool
            for c in choice_ids
            if sorted(self._choices[c].text.split()) == wanted
            for tool in self._choices[c].tools
            if self._is_identity(tool, words, "".join(words))
        }
        if len(same_words) == 1:
            return self.tools[same_words.pop()]
        raise AmbiguousTool(typed, self._newest_first(tools)[:MAX_CANDIDATES])

    def _fix_typos(self, words: list[str]) -> list[str]:
        fixed: list[str] = []
        for word in words:
            if word in self._by_word or not word.isalpha() or len(word) < 4:
                fixed.append(word)
                continue
            best = process.extract(
                word,
                self._fixable_words,
                scorer=fuzz.ratio,
                limit=2,
                score_cutoff=WORD_FIX_SCORE,
            )
            clear_winner = len(best) == 1 or (len(best) == 2 and best[0][1] > best[1][1])
            fixed.append(best[0][0] if best and clear_winner else word)
        return fixed

    def _by_fuzzy_score(self, query: str, words: list[str], typed: str) -> Tool:
        version = version_of(words)
        numbers = Counter(w for w in words if is_number(w))

        def fits(choice: _Choice) -> bool:
            # every typed number (sizes too) is in the name, the version is the whole version,
            # and the name has no variant the query did not type ("codex" is not "codex mini")
            return (
                numbers <= Counter(w for w in choice.text.split() if is_number(w))
                and (not version or choice.version == version)
                and not unasked_variants(choice.words, words)
                and not unasked_variants(words, choice.words)  # "gpt 4o mini search" needs mini
            )

        best_by_tool: dict[int, float] = {}
        for score, choice_id in self._closest(query, CONFIDENT_SCORE):
            for tool in self._choices[choice_id].tools:
                best_by_tool.setdefault(tool, score)
        confident = [
            (tool, score)
            for tool, score in best_by_tool.items()
            if any(self._fits_near(query, c, fits) for c in self._tool_choices[tool])
        ]
        if confident:
            top_score = confident[0][1]
            close = [tool for tool, score in confident if score >= top_score - AMBIGUITY_MARGIN]
            if len(close) == 1:
                return self.tools[close[0]]
            raise AmbiguousTool(typed, [self._suggestion(t) for t in close[:MAX_CANDIDATES]])

        # No name is close enough to answer: the whole catalogue is searched for suggestions.
        suggestions: list[int] = []
        for _, _, choice_id in process.extract(
            query,
            self._texts,
            scorer=fuzz.ratio,
            limit=FUZZY_LIMIT,
            score_cutoff=SUGGESTION_SCORE,
        ):
            for tool in self._choices[choice_id].tools:
                if tool not in suggestions and len(suggestions) < MAX_SUGGESTIONS:
                    suggestions.append(tool)
        for tool in self._sharing_words(query.split(), MAX_SUGGESTIONS):
            if len(suggestions) >= MAX_SUGGESTIONS:
                break
            if tool not in suggestions:
                suggestions.append(tool)
        raise UnknownTool(typed, [self._suggestion(t) for t in suggestions])

    def _fits_near(self, query: str, choice_id: int, fits: Callable[[_Choice], bool]) -> bool:
        """A name of the tool, close enough to be a suggestion, carries the typed numbers."""
        choice = self._choices[choice_id]
        return fits(choice) and fuzz.ratio(query, choice.text) >= SUGGESTION_SCORE

    def _closest(self, query: str, cutoff: float) -> list[tuple[float, int]]:
        """The best `FUZZY_LIMIT` choices scoring at least `cutoff`, as (score, choice id), best
        first and ties in catalogue order.

        Only texts whose length allows the cutoff are scored (`length_window`): at 85 a
        12-letter query needs a text of 8 to 17 letters. With a high cutoff that skips most
        names of a big catalogue, whose lengths spread more than its typos do.
        """
        shortest, longest = length_window(len(query), cutoff)
        low = bisect_left(self._lengths, shortest)
        high = bisect_right(self._lengths, longest)
        found = process.extract(
            query,
            self._texts_by_length[low:high],
            scorer=fuzz.ratio,
            limit=None,
            score_cutoff=cutoff,
        )
        order = self._length_order
        ranked = sorted((-score, order[low + at]) for _, score, at in found)
        return [(-negative, choice_id) for negative, choice_id in ranked[:FUZZY_LIMIT]]

    def _sharing_words(self, words: Iterable[str], limit: int) -> list[int]:
        """Up to `limit` tools sharing a non-numeric word with the query, most shared first."""
        counts: dict[int, int] = {}
        for word in set(words):
            if is_number(word) or len(word) < 2:
                continue
            for tool in {t for c in self._by_word.get(word, ()) for t in self._choices[c].tools}:
                counts[tool] = counts.get(tool, 0) + 1
        return heapq.nsmallest(
            limit + MAX_SUGGESTIONS, counts, key=lambda tool: (-counts[tool], self.tools[tool].slug)
        )

    def _newest_first(self, tools: Iterable[int]) -> list[Suggestion]:
        """Active before deprecated or retired; a higher version first; the plain model (fewest
        words) before its variants; reviewed before generated; then by slug."""

        def order(tool: int) -> tuple[int, tuple[int, ...], int, int, str]:
            found = self.tools[tool]
            words = normalise(found.name).split()
            sizes = {i for i, w in enumerate(words[1:]) if w in ("b", "m", "k", "x")}
            numbers = [
                -int(w)
                for i, w in enumerate(words)
                if is_number(w) and len(w) <= 3 and i not in sizes  # "70 b" is a size
            ][:3]
            version = tuple(numbers + [0] * (3 - len(numbers)))  # 5.5 before 5 before 4.8
            return (
                # retiring or gone (a shutdown date, past or announced) after the living
                found.lifecycle.status != "active" or found.lifecycle.retired_on is not None,
                version,
                len(words),
                not found.reviewed,
                found.slug,
            )

        return [self._suggestion(t) for t in sorted(tools, key=order)]

    def _suggestion(self, tool: int) -> Suggestion:
        return Suggestion(slug=self.tools[tool].slug, name=self.tools[tool].name)
