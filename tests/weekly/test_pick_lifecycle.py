"""The weekly pick over the full catalogue: never a retired model, and only reviewed tools in the
rotation, however many dataset models the catalogue holds."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.catalogue import Catalogue, WeeklyEntry, known_tools, merge_layers
from bot.weekly import WeekWindow, pick_for_week

MONDAY = dt.date(2026, 11, 23)
WINDOW = WeekWindow(
    week="2026-W48",
    due=dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC),
    ends=dt.datetime(2026, 11, 30, tzinfo=dt.UTC),
    first_day=MONDAY,
    last_day=MONDAY + dt.timedelta(days=6),
)


@pytest.fixture(scope="module")
def full(catalogue: Catalogue, tmp_path_factory: pytest.TempPathFactory) -> Catalogue:
    tools, _ = known_tools(dt.date(2026, 11, 24), cache_dir=tmp_path_factory.mktemp("cache"))
    return merge_layers(catalogue, tools).model_copy(update={"weekly": ()})


def test_the_rotation_never_picks_a_retired_or_unreviewed_tool(full: Catalogue) -> None:
    history: list[tuple[str, ...]] = []
    for _ in range(40):
        pick = pick_for_week(full, WINDOW, history, [])
        assert pick is not None and pick.reason == "rotation"
        for slug in pick.tools:
            tool = full.by_slug[slug]
            assert tool.reviewed, slug
            assert tool.lifecycle.status != "retired", slug
        history.insert(0, pick.tools)


def test_a_requested_or_queued_comparison_with_a_retired_model_is_passed_over(
    full: Catalogue,
) -> None:
    retired = next(t.slug for t in full.tools if t.lifecycle.status == "retired")
    queued = full.model_copy(update={"weekly": (WeeklyEntry(tools=(retired, "gpt-5")),)})
    asked = [(retired, "gpt-5")] * 9 + [("gpt-5", "claude-haiku-4-5")]
    pick = pick_for_week(queued, WINDOW, [], asked)
    assert pick is not None
    assert (pick.tools, pick.reason) == (("claude-haiku-4-5", "gpt-5"), "requested")
