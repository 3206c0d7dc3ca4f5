"""What a comparison is for, read the way people ask: "for coding", "which is better for
coding, A or B?", "A or B for code review", "on a budget"; a duration stays a duration."""

from __future__ import annotations

import contextlib
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.commands import split_ask
from bot.compare import UseCase, parse_query, split_use_case
from bot.compare.query import MAX_QUERY_LENGTH
from bot.errors import BadQuery, VerdictError


@pytest.mark.parametrize(
    ("typed", "names", "use_case"),
    [
        ("gpt-4o vs claude for coding", ("gpt-4o", "claude"), UseCase.CODING),
        ("which is better for coding, gpt-4o or claude?", ("gpt-4o", "claude"), UseCase.CODING),
        ("gpt-4o or claude for code review", ("gpt-4o", "claude"), UseCase.CODING),
        (
            "What should I use for self-hosting: llama or qwen",
            ("llama", "qwen"),
            UseCase.SELF_HOSTING,
        ),
        ("gpt-4o vs smolvlm2 for vision", ("gpt-4o", "smolvlm2"), UseCase.VISION),
        ("gpt-4o vs smolvlm2 for images", ("gpt-4o", "smolvlm2"), UseCase.VISION),
        ("a vs b for agents", ("a", "b"), UseCase.AGENTS),
        ("a vs b for tool calling", ("a", "b"), UseCase.AGENTS),
        ("o3 vs o4-mini for reasoning", ("o3", "o4-mini"), UseCase.REASONING),
        ("gpt-4.1 or o3 for math", ("gpt-4.1", "o3"), UseCase.REASONING),
        ("a vs b for long context", ("a", "b"), UseCase.LONG_CONTEXT),
        ("a vs b for long documents", ("a", "b"), UseCase.LONG_CONTEXT),
        ("a vs b for cheap", ("a", "b"), UseCase.BUDGET),
        ("a vs b for budget", ("a", "b"), UseCase.BUDGET),
        ("a vs b on a budget", ("a", "b"), UseCase.BUDGET),
        ("a vs b FOR Coding", ("a", "b"), UseCase.CODING),
        ("a vs b", ("a", "b"), None),
    ],
)
def test_a_use_case_is_read_however_it_is_asked(
    typed: str, names: tuple[str, ...], use_case: UseCase | None
) -> None:
    request = parse_query(typed)
    assert request.names == names
    assert request.use_case is use_case


def test_a_duration_stays_a_duration_beside_a_use_case() -> None:
    ask = split_ask("a vs b for coding for 24h")
    assert (ask.text, ask.use_case, ask.lasts and ask.lasts.total_seconds()) == (
        "a vs b",
        UseCase.CODING,
        86_400,
    )
    ask = split_ask("a vs b for 24h")
    assert ask.use_case is None and ask.lasts is not None


def test_an_unknown_use_case_is_refused_with_the_known_ones() -> None:
    with pytest.raises(BadQuery, match="for coding, for vision"):
        split_use_case("a vs b for writing sonnets")


def test_two_use_cases_at_once_are_refused() -> None:
    with pytest.raises(BadQuery, match="one use case at a time"):
        split_use_case("a vs b for coding for vision")


def test_a_long_question_is_refused_before_any_pattern_runs() -> None:
    with pytest.raises(BadQuery, match="characters long"):
        split_use_case("for " * 200)


@given(st.text(max_size=MAX_QUERY_LENGTH))
@settings(max_examples=300, deadline=None)
def test_no_text_crashes_the_use_case_reader(typed: str) -> None:
    with contextlib.suppress(VerdictError):
        split_ask(typed)


def test_the_reader_stays_fast_on_adversarial_text() -> None:
    """Linear: a cap-length text of near-misses reads in well under a millisecond each."""
    nasty = ("for code " * 40)[: MAX_QUERY_LENGTH - 20] + " for"
    started = time.perf_counter()
    for _ in range(200):
        with contextlib.suppress(VerdictError):
            split_use_case(nasty)
    assert (time.perf_counter() - started) / 200 < 0.002
