"""The card and the tool page say how old their dataset facts are, by the day each was
collected (never today): in the footer of every surface, within the card's budget."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path

import pytest

from bot.catalogue import Catalogue, known_tools
from bot.catalogue.freshness import PRICES_FILE, data_age
from bot.compare import Comparer, VerdictCard
from bot.render import text
from bot.render.layout import CARD_CHARS, CARD_LINES
from tests.adapters.test_card_budget import SURFACES
from tests.catalogue.test_catalogue_commands import verdict
from tests.catalogue.test_refresh import FRESH

TODAY = dt.date(2026, 12, 3)
CAPABILITIES_DAY = "2026-05-21"  # the newest last_updated in the bundled models.dev data


def _card(merged_catalogue: Catalogue, *slugs: str) -> VerdictCard:
    return Comparer(merged_catalogue).card_for(
        [merged_catalogue.by_slug[s] for s in slugs], {}, today=TODAY
    )


def test_the_bundled_data_is_named_by_its_package_and_the_specs_by_their_day(
    merged_catalogue: Catalogue,
) -> None:
    card = _card(merged_catalogue, "mistral-large-3", "qwen3-235b-a22b-2507")
    assert card.data_age is not None
    assert card.data_age.startswith("prices: genai-prices 0.2.3 (bundled)")
    assert f"specs: models.dev data of {CAPABILITIES_DAY}" in card.data_age
    assert TODAY.isoformat() not in card.data_age  # never "as of today"


def test_refreshed_prices_carry_the_day_they_were_fetched(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    payload = '{"read_on": "2026-11-20", "data": ' + json.dumps(FRESH) + "}"
    (cache / PRICES_FILE).write_text(payload)
    tools, _ = known_tools(TODAY, cache_dir=cache)
    [opus] = [t for t in tools if t.slug == "claude-opus-4-1"]
    assert data_age([opus]) == (
        f"prices: genai-prices data of 2026-11-20; specs: models.dev data of {CAPABILITIES_DAY}"
    )


def test_a_card_of_reviewed_facts_only_has_no_data_line(catalogue: Catalogue) -> None:
    card = Comparer(catalogue).card_for(
        [catalogue.by_slug["smolvlm2"], catalogue.by_slug["mistral-medium-3"]], {}
    )
    assert card.data_age is None


@pytest.mark.parametrize("surface", list(SURFACES))
def test_every_surface_shows_the_data_age_within_the_budget(
    merged_catalogue: Catalogue, surface: str
) -> None:
    wordy = ["mistral-large-3", "qwen3-235b-a22b-2507", "gpt-5", "claude-opus-4-7", "whisper-1"]
    for pair in itertools.permutations(wordy, 2):
        card = _card(merged_catalogue, *pair)
        lines = SURFACES[surface](card)
        shown = "\n".join(lines)
        assert card.data_age is not None and card.data_age in shown.replace("\\", ""), shown
        assert len(lines) <= CARD_LINES[2], shown
        if surface != "markdown":
            assert sum(len(line) for line in lines) <= CARD_CHARS[2], shown


def test_the_cli_card_and_tool_page_end_with_the_data_age(tmp_path: Path) -> None:
    card = verdict("compare", "mistral large 3 vs qwen3-235b-a22b-2507", cwd=tmp_path)
    assert card.returncode == 0, card.stderr
    *_, age, hint = card.stdout.splitlines()
    assert age.startswith("prices: genai-prices 0.2.3 (bundled)"), card.stdout
    assert hint.startswith("Full reviews: verdict compare"), card.stdout
    page = verdict("tool", "mistral-large-3", cwd=tmp_path)
    assert page.returncode == 0, page.stderr
    assert f"specs: models.dev data of {CAPABILITIES_DAY}" in page.stdout


def test_the_text_card_keeps_its_footer_last(merged_catalogue: Catalogue) -> None:
    """The data age closes the card, above only the command to copy, which is never wrapped."""
    card = _card(merged_catalogue, "gpt-5", "whisper-1")
    lines = text.render_card(card, footer="Full reviews: …").splitlines()
    assert lines[-2] == card.data_age and lines[-1] == "Full reviews: …"
