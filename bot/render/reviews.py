"""What "Full reviews" shows for one tool on a card, shared by every surface: each persona's
reviewed take with its body, or where no reviewer wrote one, the take computed from facts."""

from __future__ import annotations

from dataclasses import dataclass

from bot.catalogue import Catalogue
from bot.compare import VerdictCard
from bot.render.layout import FROM_FACTS, NOT_REVIEWED, TOO_FEW_FACTS

TOO_FEW_FACTS_TO_JUDGE = "Too few facts to judge: no review, and the data says too little."
"""A tool with neither a review nor enough facts for any persona's rules."""
NO_TAKE = f"{TOO_FEW_FACTS.capitalize()} to judge."
"""One persona whose rules the tool's known facts do not meet."""


@dataclass(frozen=True)
class FullReview:
    """One persona's take on one tool; `body` is None for a take computed from facts, and
    `verdict` None where that persona's rules found too few facts to judge."""

    persona: str
    verdict: str | None
    take: str
    body: str | None

    @property
    def who(self) -> str:
        """ "The Skeptic", or "The Skeptic (from facts)" so no reader takes it for a review."""
        return self.persona if self.body is not None else f"{self.persona} ({FROM_FACTS})"


def full_reviews(card: VerdictCard, catalogue: Catalogue, slug: str) -> list[FullReview]:
    """Every persona's take on the card's tool `slug`, in the panel's order: the reviewer's own
    where written, else the card's take from facts, else `NO_TAKE`;
    [] when no persona has a take at all."""
    tool = catalogue.by_slug.get(slug)
    computed = {
        split.persona: take
        for split in card.reviewer_split
        for take in split.takes
        if take.slug == slug and take.from_facts
    }
    out = []
    for persona in catalogue.panel.personas:
        review = tool.panel.get(persona.slug) if tool is not None else None
        if review is not None:
            out.append(FullReview(persona.name, review.verdict, review.take, review.body))
        elif persona.slug in computed:
            take = computed[persona.slug]
            out.append(FullReview(persona.name, take.verdict, take.take, None))
        else:
            out.append(FullReview(persona.name, None, NO_TAKE, None))
    return out if any(r.verdict is not None for r in out) else []


def has_full_reviews(card: VerdictCard) -> bool:
    """Whether "Full reviews" would open anything: a reviewed tool, or a take from facts."""
    return any(column.reviewed or column.panel_from_facts for column in card.tools)


def no_reviews(catalogue: Catalogue, slug: str) -> str:
    """What "Full reviews" says of a tool with no take at all."""
    return (
        NOT_REVIEWED.capitalize() + "." if slug not in catalogue.by_slug else TOO_FEW_FACTS_TO_JUDGE
    )
