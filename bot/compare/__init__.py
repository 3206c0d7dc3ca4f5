"""The /compare flow: parse what was typed (query), resolve names to tools (matching), build
the verdict card (card); `Comparer` ties them to one catalogue."""

from bot.compare.across_kinds import KindAwareMatcher
from bot.compare.card import PersonaSplit, ToolColumn, ToolTake, Verdict, VerdictCard, build_card
from bot.compare.comparer import Comparer
from bot.compare.decide import successor_comparison
from bot.compare.kinds import kind_label
from bot.compare.links import canonical_slugs, comparison_path, comparison_url, tool_path
from bot.compare.matching import Matcher
from bot.compare.query import CompareRequest, parse_query, split_last_name, split_use_case
from bot.compare.reason import and_list, count_word, number_word, tokens
from bot.compare.use_cases import UseCase

__all__ = [
    "CompareRequest",
    "Comparer",
    "KindAwareMatcher",
    "Matcher",
    "PersonaSplit",
    "ToolColumn",
    "ToolTake",
    "UseCase",
    "Verdict",
    "VerdictCard",
    "and_list",
    "build_card",
    "canonical_slugs",
    "comparison_path",
    "comparison_url",
    "count_word",
    "kind_label",
    "number_word",
    "parse_query",
    "split_last_name",
    "split_use_case",
    "successor_comparison",
    "tokens",
    "tool_path",
]
