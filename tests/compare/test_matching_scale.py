"""Matching in a catalogue of 10,000 tools behaves as in the real one: slips still find their
tool, and the shortcuts that keep it fast (each distinct name scored once, names of impossible
lengths skipped) never hide a match."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rapidfuzz import fuzz

from benchmarks.matching import synthetic_tools, typo
from bot.catalogue import Tool, known_tools, load_catalogue, merge_layers
from bot.compare import Matcher
from bot.compare.matching import CONFIDENT_SCORE, SUGGESTION_SCORE, length_window
from bot.errors import AmbiguousTool, UnknownTool
from bot.settings import bundled_catalogue_dir


@pytest.fixture(scope="module")
def real_tools() -> list[Tool]:
    generated, _ = known_tools(dt.date.today())
    return list(merge_layers(load_catalogue(bundled_catalogue_dir()), generated).tools)


@pytest.fixture(scope="module")
def big(real_tools: list[Tool]) -> Matcher:
    return Matcher(real_tools + synthetic_tools(real_tools, 10_000))


def test_nearly_every_slip_in_a_made_up_name_finds_it_or_asks_with_it_among_the_choices(
    big: Matcher,
) -> None:
    # Not every one: "Nuumi 9" is one letter from "Numi 9" and from "Nunumi" (a vendor whose
    # "Pelpel 9 70b" then carries every typed word), as in any catalogue this big.
    rng = random.Random(5)
    found = 0
    slips = 200
    for tool in rng.sample(big.tools[-10_000:], slips):
        slipped = typo(tool.name, rng)
        try:
            found += big.resolve(slipped) == tool
        except AmbiguousTool as asked:
            found += tool.slug in {s.slug for s in asked.suggestions}
        except UnknownTool:
            pass
    assert found >= 0.95 * slips


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("claude sonnt 4.5", "claude-sonnet-4-5"),
        ("gemni 2.5 flsh", "gemini-2-5-flash"),
        ("mistral medum 3", "mistral-medium-3"),
        ("smolvlm2", "smolvlm2"),
    ],
)
def test_real_tools_are_found_among_ten_thousand_made_up_ones(
    big: Matcher, typed: str, slug: str
) -> None:
    assert big.resolve(typed).slug == slug


def test_a_family_word_still_asks_for_the_version(big: Matcher) -> None:
    with pytest.raises(AmbiguousTool) as asked:
        big.resolve("claude opus")
    assert all("opus" in s.slug for s in asked.value.suggestions)


def test_an_unknown_name_still_gets_suggestions(big: Matcher) -> None:
    with pytest.raises(UnknownTool) as refused:
        big.resolve("drodroxx 77 turbo")
    assert refused.value.suggestions


@given(
    st.text(alphabet="abcdefghij 0123", max_size=40),
    st.text(alphabet="abcdefghij 0123", max_size=40),
    st.sampled_from([CONFIDENT_SCORE, SUGGESTION_SCORE]),
)
def test_no_text_of_a_length_outside_the_window_reaches_the_cutoff(
    query: str, text: str, cutoff: float
) -> None:
    shortest, longest = length_window(len(query), cutoff)
    if fuzz.ratio(query, text) >= cutoff:
        assert shortest <= len(text) <= longest
