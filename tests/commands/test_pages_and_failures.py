"""Decisions every chat shares and only marks up: which /tools pages a reader can turn to,
and what a person reads when the store fails under a press."""

from __future__ import annotations

import pytest

from bot import commands
from bot.catalogue import Catalogue
from bot.compare import Comparer


def test_tools_pages_offer_next_then_both_then_previous(catalogue: Catalogue) -> None:
    comparer = Comparer(catalogue)
    first = commands.ask_tools(comparer, "").page
    assert first.pages >= 3
    assert first.turns == (("Next", 2),)
    assert commands.ask_tools(comparer, "", 2).page.turns == (("Previous", 1), ("Next", 3))
    last = commands.ask_tools(comparer, "", first.pages).page
    assert last.turns == (("Previous", first.pages - 1),)


def test_a_filter_that_matches_nothing_offers_no_page_to_turn_to(catalogue: Catalogue) -> None:
    page = commands.ask_tools(Comparer(catalogue), "no-such-vendor-anywhere").page
    assert page.total == 0 and page.turns == ()


async def test_a_failing_press_is_answered_with_the_failure_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def store_down() -> str:
        raise OSError("disk I/O error")

    assert await commands.or_failed(store_down(), commands.PRESS_FAILED) == commands.PRESS_FAILED
    assert "disk I/O error" in caplog.text

    async def stored() -> str:
        return "Your vote: 1️⃣"

    assert await commands.or_failed(stored(), commands.PRESS_FAILED) == "Your vote: 1️⃣"
