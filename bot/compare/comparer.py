"""The /compare flow every adapter shares: parse the text, resolve names, build the card."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from bot.catalogue import Catalogue, Tool, catalogue_index, compact, register_index
from bot.compare import across_kinds, matching
from bot.compare.across_kinds import KindAwareMatcher
from bot.compare.card import VerdictCard, build_card
from bot.compare.matching import Matcher
from bot.compare.query import CompareRequest, parse_query, split_use_case
from bot.compare.use_cases import UseCase
from bot.errors import AmbiguousTool, BadQuery, Unresolved, VerdictError
from bot.typed import at_the_door
from bot.votes import CommunityTally


def _matcher(catalogue: Catalogue) -> Matcher:
    return Matcher(catalogue.tools)


def _kinds(catalogue: Catalogue) -> KindAwareMatcher:
    matcher = _index(catalogue, MATCHER, Matcher, _matcher)
    return KindAwareMatcher(catalogue.tools, matcher).build_all()


MATCHER = "matcher"
KINDS = "kinds"
# Saved with the catalogue cache and loaded with it: a warm start does not rebuild them.
register_index(MATCHER, _matcher, Path(matching.__file__))
register_index(KINDS, _kinds, Path(matching.__file__), Path(across_kinds.__file__))
IndexT = TypeVar("IndexT")


def _index(
    catalogue: Catalogue, name: str, kind: type[IndexT], build: Callable[[Catalogue], IndexT]
) -> IndexT:
    """The catalogue's index `name`, loaded or built once (`bot.catalogue.cache`)."""
    found = catalogue_index(catalogue, name)
    return found if isinstance(found, kind) else build(catalogue)


class _Loaded:
    """One catalogue and the matcher over its tools, swapped as one (built lazily: a command
    that never matches a name, and start-up, do not pay for it; loaded with the catalogue
    when it comes from the cache)."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue

    @cached_property
    def matcher(self) -> Matcher:
        return _index(self.catalogue, MATCHER, Matcher, _matcher)

    @cached_property
    def kinds(self) -> KindAwareMatcher:
        """The matcher, asking where a product and a model share a name (`across_kinds`)."""
        return _index(self.catalogue, KINDS, KindAwareMatcher, _kinds)


class Comparer:
    """A loaded catalogue with its matcher, answering compare and tool look-ups.

    A running bot builds one at start-up and hands it to every surface it serves (chat, web
    pages); a price refresh swaps its catalogue whole (`replace_catalogue`), from the refresh's
    thread, with one assignment: a reader sees the old catalogue and matcher or the new pair."""

    def __init__(self, catalogue: Catalogue) -> None:
        self._loaded = _Loaded(catalogue)

    @property
    def catalogue(self) -> Catalogue:
        return self._loaded.catalogue

    @property
    def matcher(self) -> Matcher:
        return self._loaded.matcher

    @property
    def kinds(self) -> KindAwareMatcher:
        return self._loaded.kinds

    def replace_catalogue(self, catalogue: Catalogue) -> None:
        """Answer from `catalogue` from now on (fresh prices). The new matcher is built before
        the swap, so a question in flight sees the old catalogue or the new one, never half."""
        loaded = _Loaded(catalogue)
        loaded.kinds  # noqa: B018  (built here with its matcher, off the readers' path)
        self._loaded = loaded

    def resolve_all(self, request: CompareRequest) -> list[Tool]:
        """Every name resolved, or one error naming every name that did not (a single
        problem is raised as itself, carrying the query so it can offer choices back)."""
        tools = []
        problems: list[VerdictError] = []
        for position, name in enumerate(request.names):
            try:
                tools.append(self.kinds.resolve(name))
            except VerdictError as error:
                error.query = request.names
                problems.append(error)
                unsettled = position
        if len(problems) == 1 and (settled := self._settled_by_the_others(problems[0], tools)):
            tools.insert(unsettled, settled)
            problems = []
        if len(problems) == 1:
            raise problems[0]
        if problems:
            raise Unresolved(request.names, problems)
        first_typed: dict[str, str] = {}
        for typed, tool in zip(request.names, tools, strict=True):
            if tool.slug in first_typed:
                raise BadQuery(
                    f'"{first_typed[tool.slug]}" and "{typed}" are both {tool.name}; '
                    "name different tools to compare."
                )
            first_typed[tool.slug] = typed
        return tools

    def _settled_by_the_others(self, problem: VerdictError, others: list[Tool]) -> Tool | None:
        """A name that is both a product and a model's maker, where every other name on the card
        is of one kind and the question offers exactly one tool of that kind: "cursor vs
        windsurf" is the Cursor app against the Windsurf app, not a question about Cursor's
        Composer models. "perplexity vs gpt-5" still asks, as Perplexity makes several models.
        The one settled on must be named so ("claude" is Claude (app), never Claude Code)."""
        if not isinstance(problem, AmbiguousTool) or not others:
            return None
        kinds = {t.is_product for t in others}
        offered = [self.kinds.by_slug[s.slug] for s in problem.suggestions]
        if len(kinds) != 1 or len({t.is_product for t in offered}) < 2:
            return None
        typed = compact(problem.typed)
        same = [  # "chatgpt vs claude": the app named so, not Claude Code
            t for t in offered if t.is_product in kinds and typed in map(compact, _own_names(t))
        ]
        return same[0] if len(same) == 1 else None

    def resolve_query(self, text: str) -> list[Tool]:
        """The tools a comparison names, in the order typed; raises our typed errors."""
        return self.resolve_all(parse_query(text))

    def compare(
        self,
        text: str,
        tallies: Mapping[str, CommunityTally] | None = None,
        *,
        today: dt.date | None = None,
    ) -> VerdictCard:
        """The card for a typed comparison, with its use case ("A vs B for coding")."""
        text, use_case = split_use_case(text)
        return self.card_for(
            self.resolve_query(text), tallies or {}, use_case=use_case, today=today
        )

    def card_for(
        self,
        tools: Sequence[Tool],
        tallies: Mapping[str, CommunityTally],
        *,
        use_case: UseCase | None = None,
        today: dt.date | None = None,
    ) -> VerdictCard:
        """The card as it stands on `today` (UTC today by default): lifecycle is read then."""
        return build_card(
            tools,
            tallies,
            panel=self.catalogue.panel,
            known=self.catalogue.by_slug,
            rules=self.catalogue.panel_rules,
            use_case=use_case,
            today=today,
        )

    def tool(self, name: str) -> Tool:
        return self.kinds.resolve(at_the_door(name))


def _own_names(tool: Tool) -> list[str]:
    """Its name, the name without a kind in brackets ("Claude (app)": "Claude"), its aliases."""
    return [tool.name, tool.name.split(" (")[0], *tool.aliases]
