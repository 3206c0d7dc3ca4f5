"""A price in another unit (per minute of audio, per 1M characters, per 1,000 pages) shows in
its unit on the card and is never weighed against a per-token price: no "cheaper", no "at no
higher price" across units."""

from __future__ import annotations

import datetime as dt

from bot.catalogue import Catalogue, Facts
from bot.compare import Comparer
from bot.render import text
from bot.render.layout import layout

TODAY = dt.date(2026, 12, 3)


def test_the_price_cell_shows_each_unit(merged_catalogue: Catalogue) -> None:
    card = Comparer(merged_catalogue).card_for(
        [
            merged_catalogue.by_slug["whisper-1"],
            merged_catalogue.by_slug["tts-1"],
            merged_catalogue.by_slug["gpt-5"],
        ],
        {},
        today=TODAY,
    )
    prices = [row.price for row in layout(card).rows]
    assert prices == ["paid $0.006/min", "paid $15/1M chars", "paid $3.44/1M"]


def test_a_transcriber_and_a_token_priced_model_are_never_called_cheaper(
    merged_catalogue: Catalogue,
) -> None:
    # Enough facts that the card judges the transcriber rather than saying "too few facts".
    whisper = merged_catalogue.by_slug["whisper-1"].model_copy(
        update={
            "released": dt.date(2023, 3, 1),
            "licence": "MIT",
            "facts": Facts(modalities=["audio"], output_modalities=["text"], open_weights=True),
        }
    )
    for pair in (
        [whisper, merged_catalogue.by_slug["gpt-5-5"]],
        [merged_catalogue.by_slug["gpt-5-5"], whisper],
    ):
        card = Comparer(merged_catalogue).card_for(pair, {}, today=TODAY)
        shown = text.render_card(card)
        assert card.verdict.decided_by != "price", shown
        assert "cheaper" not in shown and "no higher price" not in shown, shown
        assert "$0.006/min" in shown


def test_within_one_unit_the_cheaper_is_still_named(merged_catalogue: Catalogue) -> None:
    card = Comparer(merged_catalogue).card_for(
        [merged_catalogue.by_slug["whisper-1"], merged_catalogue.by_slug["whisper-large-v3"]],
        {},
        today=TODAY,
    )
    prices = [row.price for row in layout(card).rows]
    assert prices == ["paid $0.006/min", "paid $0.00185/min"]
