"""The most-wanted list: spellings of one tool grouped, each person counted once per community,
a request outweighing a name only typed in /compare."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.catalogue import compact
from bot.tool_requests import RequestRow, group_wanted


def row(name: str, who: str, where: str = "slack:T1", strength: str = "request") -> RequestRow:
    return RequestRow(
        community=where, name_key=compact(name), requester=who, name=name, strength=strength
    )


def test_spellings_of_one_tool_are_one_line_and_a_person_counts_once() -> None:
    wanted = group_wanted(
        [
            row("Midjourney", "ann"),
            row("midjourny", "ann"),  # ann again, misspelt: still one person
            row("MidJourney", "bob"),
            row("Mistral Le Chat", "cy"),
        ]
    )
    assert [(w.name, w.requests) for w in wanted] == [("Midjourney", 2), ("Mistral Le Chat", 1)]
    assert set(wanted[0].spellings) == {"Midjourney", "midjourny", "MidJourney"}


def test_each_community_counts_its_own_people() -> None:
    wanted = group_wanted([row("deepgram", "ann", "slack:T1"), row("deepgram", "ann", "discord:9")])
    assert (wanted[0].requests, wanted[0].communities) == (2, 2)


def test_a_typed_unknown_name_is_a_weaker_signal_that_a_request_outranks() -> None:
    wanted = group_wanted(
        [
            row("flux", "ann", strength="unknown"),
            row("flux", "bob", strength="unknown"),
            row("flux", "cy", strength="unknown"),
            row("suno", "dee"),
        ]
    )
    assert [(w.name, w.requests, w.unknown) for w in wanted] == [("suno", 1, 0), ("flux", 0, 3)]


def test_a_request_upgrades_the_same_persons_typed_name() -> None:
    wanted = group_wanted(
        [row("suno", "ann", strength="unknown"), row("Suno", "ann", strength="request")]
    )
    assert (wanted[0].requests, wanted[0].unknown) == (1, 0)


@given(st.lists(st.tuples(st.text(min_size=1, max_size=20), st.sampled_from("abc")), max_size=30))
def test_no_input_crashes_the_grouping_and_no_person_is_lost(
    typed: list[tuple[str, str]],
) -> None:
    rows = [row(name, who) for name, who in typed if compact(name)]
    wanted = group_wanted(rows)
    assert sum(w.requests for w in wanted) >= len({r.requester for r in rows})
