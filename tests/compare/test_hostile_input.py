"""Hostile input to every parser a person's text reaches: a length cap before any parsing, so
the work is bounded whatever arrives (a Slack command body can be 1 MB); durations that would
overflow a timedelta are a clear answer; control characters are refused at the door.

Speed itself is measured in benchmarks/parsers.py (1 MB inputs, a table), not here: a timed
unit test would be flaky on a shared machine. What is asserted here is the property that makes
the time bounded: past the cap, every parser refuses before looking at the text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.console.chat import open_console
from bot.catalogue import Catalogue
from bot.compare import Comparer, parse_query
from bot.errors import VerdictError
from bot.polls import parse_duration, split_duration
from bot.polls.settings import parse_settings
from bot.typed import MAX_TYPED, at_the_door
from bot.weekly import subscribe_words
from tests.adapters.test_cli import verdict

ENTRY_POINTS = {
    "/compare (split_duration)": lambda c, text: split_duration(text),
    "/tool (Comparer.tool)": lambda c, text: c.tool(text),
}
PARSERS = {
    **ENTRY_POINTS,
    "parse_query": lambda c, text: parse_query(text),
    "parse_duration": lambda c, text: parse_duration(text),
    "parse_settings": lambda c, text: parse_settings(text.split()),
    "subscribe_words": lambda c, text: subscribe_words(text.split()),
}
HOSTILE_PIECES = st.sampled_from(
    [" ", "for ", "vs ", "999999w", "a", "-", "—", ",", "\u3000", "for 2d", "\t", "é"]
)


@pytest.mark.parametrize("name", sorted(ENTRY_POINTS))
@given(
    piece=st.one_of(HOSTILE_PIECES, st.text(min_size=1, max_size=20)),
    size=st.integers(MAX_TYPED + 1, 1_000_000),
)
@settings(max_examples=40, deadline=None)
def test_past_the_cap_every_entry_point_refuses_before_parsing(
    comparer: Comparer, name: str, piece: str, size: int
) -> None:
    text = (piece * (size // len(piece) + 1))[:size]
    with pytest.raises(VerdictError) as refused:
        ENTRY_POINTS[name](comparer, text)
    assert refused.value.message == (
        f"That is {size:,} characters long; keep it under {MAX_TYPED}."
    )


@pytest.mark.parametrize("name", sorted(PARSERS))
@given(text=st.one_of(st.text(max_size=MAX_TYPED), st.lists(HOSTILE_PIECES).map("".join)))
@settings(max_examples=60, deadline=None)
def test_every_parser_answers_or_raises_a_typed_error(
    comparer: Comparer, name: str, text: str
) -> None:
    try:
        PARSERS[name](comparer, text[:MAX_TYPED])
    except VerdictError as error:
        assert error.message


def test_forty_thousand_spaces_are_refused_by_their_length() -> None:
    text = "smolvlm2 vs mistral-medium-3" + " " * 40_000 + "x"
    with pytest.raises(VerdictError, match="40,029 characters long"):
        split_duration(text)


@pytest.mark.parametrize(
    "typed", ["999999w999999w", "999999w" * 40, "999999d 999999d 999999h", "999999 weeks 1d"]
)
def test_a_huge_duration_is_too_long_not_an_overflow(typed: str) -> None:
    with pytest.raises(VerdictError, match="too long: a vote stays open at most 32 days"):
        split_duration(f"smolvlm2 vs mistral-medium-3 for {typed}")


def test_the_cli_answers_a_huge_duration_with_a_message(tmp_path: Path) -> None:
    result = verdict("compare", "smolvlm2 vs mistral-medium-3 for 999999w999999w", cwd=tmp_path)
    assert result.returncode != 0
    assert "too long: a vote stays open at most 32 days" in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


async def test_the_terminal_chat_survives_a_huge_duration(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    async with open_console(db=tmp_path / "v.db", catalogue=catalogue) as session:
        await session.send("/compare smolvlm2 vs mistral-medium-3 for 999999w999999w")
        [answer] = session.pop_all()
        assert "too long" in answer.text
        await session.send("/compare smolvlm2 vs mistral-medium-3")
        assert session.pop_all()[0].text.startswith("SmolVLM2 vs Mistral Medium 3")


def test_control_characters_are_refused_at_the_door() -> None:
    with pytest.raises(VerdictError, match="control characters"):
        at_the_door("gpt-4o vs \x1b]0;pwned\x07claude")
    assert at_the_door("gpt-4o\tvs\nclaude") == "gpt-4o\tvs\nclaude"
