"""The ways people phrase a comparison, and the short answers for ones we cannot read."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.compare import Comparer, parse_query
from bot.errors import AmbiguousTool, BadQuery, UnknownTool, Unresolved

ACCEPTED = [
    ("smolvlm2 vs mistral-medium-3", ("smolvlm2", "mistral-medium-3")),
    ("A vs. B", ("A", "B")),
    ("a VS b", ("a", "b")),
    ("a versus b", ("a", "b")),
    ("a v b", ("a", "b")),
    ("a v. b", ("a", "b")),
    ("a or b", ("a", "b")),
    ("a | b", ("a", "b")),
    ("a|b", ("a", "b")),
    ("a, b and c", ("a", "b", "c")),
    ("a, b, c, d", ("a", "b", "c", "d")),
    ("compare a vs b", ("a", "b")),
    ("Compare: a vs b", ("a", "b")),
    ("/compare a vs b", ("a", "b")),
    ("a vs b?", ("a", "b")),
    ("a vs b ??", ("a", "b")),
    ('"gpt-4o" vs "claude 3.5 sonnet"', ("gpt-4o", "claude 3.5 sonnet")),
    ("“gpt-4o” vs ‘haiku’", ("gpt-4o", "haiku")),
    ("`gpt-4o` vs `haiku`", ("gpt-4o", "haiku")),
    ("   gpt-4o     vs\t\thaiku   ", ("gpt-4o", "haiku")),
    ("mistral\u2010medium\u20133 vs gpt\u20144o", ("mistral-medium-3", "gpt-4o")),
    ("claude 3.5 sonnet vs. gpt-4o.", ("claude 3.5 sonnet", "gpt-4o")),
    ("a vs b vs c vs d", ("a", "b", "c", "d")),
]


@pytest.mark.parametrize(("typed", "names"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_common_phrasings_split_into_names(typed: str, names: tuple[str, ...]) -> None:
    assert parse_query(typed).names == names


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "Name two to four tools"),
        ("   ", "Name two to four tools"),
        ("?", "Name two to four tools"),
        ("vs", "Name two to four tools"),
        ("compare", "Name two to four tools"),
        ("gpt-4o", 'Only one tool in "gpt-4o"'),
        ("gpt-4o vs", 'Only one tool in "gpt-4o"'),
        ("a, b, c, d, e", "at most 4"),
        ("x" * 301, "under 300"),
    ],
)
def test_unreadable_questions_get_a_short_clear_answer(typed: str, says: str) -> None:
    with pytest.raises(BadQuery) as caught:
        parse_query(typed)
    assert says in caught.value.message
    assert len(caught.value.message) < 200


def test_one_name_answer_says_how_to_ask() -> None:
    with pytest.raises(BadQuery) as caught:
        parse_query("haiku")
    assert "haiku vs another-tool" in caught.value.message


def test_the_same_tool_twice_is_refused_after_matching(comparer: Comparer) -> None:
    with pytest.raises(BadQuery) as caught:
        comparer.compare("claude-3-5-haiku vs claude 3.5 haiku")
    assert "both Claude 3.5 Haiku" in caught.value.message


def test_a_300_character_question_is_still_read() -> None:
    long_name = "a" * 290
    assert parse_query(f"{long_name} vs b").names == (long_name, "b")


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=400))
def test_no_text_makes_the_parser_raise_anything_but_bad_query(text: str) -> None:
    try:
        request = parse_query(text)
    except BadQuery:
        return
    assert 2 <= len(request.names) <= 4
    assert all(name.strip() for name in request.names)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30),
        min_size=0,
        max_size=6,
    ).map(" vs ".join)
)
def test_no_text_makes_a_whole_comparison_raise_anything_unexpected(
    comparer: Comparer, text: str
) -> None:
    with contextlib.suppress(BadQuery, UnknownTool, AmbiguousTool, Unresolved):
        comparer.compare(text)


@pytest.mark.parametrize(
    "asked",
    [
        "which is better, gpt-4o or claude 3.5 sonnet?",
        "Which one is better: gpt-4o or claude 3.5 sonnet",
        "what's better, gpt-4o or claude 3.5 sonnet?",
        "which is better between gpt-4o and claude 3.5 sonnet?",
        "gpt-4o or claude 3.5 sonnet",
        "gpt-4o vs. claude 3.5 sonnet",
        "compare gpt-4o and claude 3.5 sonnet",
        "gpt-4o versus claude 3.5 sonnet",
        "gpt-4o — claude 3.5 sonnet",
        "gpt-4o – claude 3.5 sonnet",
        "gpt-4o ― claude 3.5 sonnet",
        "gpt-4o - claude 3.5 sonnet",
        "gpt-4o 对比 claude 3.5 sonnet",
        "gpt-4o と claude 3.5 sonnet",
        "gpt-4oとclaude 3.5 sonnet",
    ],
)
def test_natural_phrasings_compare_the_same_two_tools(comparer: Comparer, asked: str) -> None:
    assert [t.slug for t in comparer.resolve_query(asked)] == ["gpt-4o", "claude-3-5-sonnet"]


def test_hyphens_inside_names_still_join_words(comparer: Comparer) -> None:
    assert [t.slug for t in comparer.resolve_query("gpt‑4o‑mini vs claude-3-5-haiku")] == [
        "gpt-4o-mini",
        "claude-3-5-haiku",
    ]
