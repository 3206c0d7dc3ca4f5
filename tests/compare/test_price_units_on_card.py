"""A price in another unit (per minute of audio, per 1M characters, per 1,000 pages) shows in
its unit on the card and is never weighed against a per-token price: no "cheaper", no "at no
higher price" across units."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.catalogue import Catalogue, Facts, check_with_known_models
from bot.compare import Comparer
from bot.render import text
from bot.render.layout import layout
from bot.settings import bundled_catalogue_dir

TODAY = dt.date(2026, 12, 3)


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Catalogue:
    catalogue, problems = check_with_known_models(
        bundled_catalogue_dir(), as_of=TODAY, cache_dir=tmp_path_factory.mktemp("cache")
    )
    assert catalogue is not None, problems
    return catalogue


def test_the_price_cell_shows_each_unit(full: Catalogue) -> None:
    card = Comparer(full).card_for(
        [full.by_slug["whisper-1"], full.by_slug["tts-1"], full.by_slug["gpt-5"]], {}, today=TODAY
    )
    prices = [row.price for row in layout(card).rows]
    assert prices == ["paid $0.006/min", "paid $15/1M chars", "paid $3.44/1M"]


def test_a_transcriber_and_a_token_priced_model_are_never_called_cheaper(full: Catalogue) -> None:
    # Enough facts that the card judges the transcriber rather than saying "too few facts".
    whisper = full.by_slug["whisper-1"].model_copy(
        update={
            "released": dt.date(2023, 3, 1),
            "licence": "MIT",
            "facts": Facts(modalities=["audio"], output_modalities=["text"], open_weights=True),
        }
    )
    for pair in ([whisper, full.by_slug["gpt-5-5"]], [full.by_slug["gpt-5-5"], whisper]):
        card = Comparer(full).card_for(pair, {}, today=TODAY)
        shown = text.render_card(card)
        assert card.verdict.decided_by != "price", shown
        assert "cheaper" not in shown and "no higher price" not in shown, shown
        assert "$0.006/min" in shown


def test_within_one_unit_the_cheaper_is_still_named(full: Catalogue) -> None:
    card = Comparer(full).card_for(
        [full.by_slug["whisper-1"], full.by_slug["whisper-large-v3"]], {}, today=TODAY
    )
    prices = [row.price for row in layout(card).rows]
    assert prices == ["paid $0.006/min", "paid $0.00185/min"]
