"""How a chat card gives way to its budget, decided once for Discord and Slack: the first step
that fits is taken, and when none does, the last (no notes, no quote, a short reason)."""

from __future__ import annotations

from bot.catalogue import Catalogue
from bot.compare import Comparer
from bot.platform import PostedCard
from bot.render.lines import GIVE_WAY, REASON_SHORT, CardSections, card_sections, fit_card


def _posted(catalogue: Catalogue) -> PostedCard:
    comparer = Comparer(catalogue)
    tools = comparer.resolve_query("claude 3.5 haiku vs gpt-4o-mini vs gemini 2.0 flash")
    return PostedCard(
        card=comparer.card_for(tools, {}), vote_emojis=("1", "2", "3"), card_votes=(0, 0, 0)
    )


def _fit(posted: PostedCard, size: int | None) -> tuple[CardSections, list[CardSections]]:
    tried: list[CardSections] = []

    def build(shown: CardSections) -> CardSections:
        tried.append(shown)
        return shown

    def measured(shown: CardSections) -> int:
        return size if size is not None else 10**6

    marks = {"strong": str, "italic": str, "escape": str}
    return fit_card(posted, posted.vote_emojis, build, measured, **marks), tried


def test_a_card_that_fits_is_shown_whole(catalogue: Catalogue) -> None:
    posted = _posted(catalogue)
    shown, tried = _fit(posted, 0)
    assert len(tried) == 1
    assert shown == card_sections(
        posted, posted.vote_emojis, 140, strong=str, italic=str, escape=str
    )


def test_a_card_that_never_fits_ends_on_the_last_step(catalogue: Catalogue) -> None:
    posted = _posted(catalogue)
    shown, tried = _fit(posted, None)
    assert len(tried) == len(GIVE_WAY)
    assert len(shown.reason) <= REASON_SHORT
    full = tried[0]
    assert len(shown.rows) <= len(full.rows) and len(shown.opinions or "") <= len(
        full.opinions or ""
    )
