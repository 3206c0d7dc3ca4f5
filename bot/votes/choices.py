"""What the leaderboard's fit needs from the votes: how often each tool was picked out of each
set of tools shown together, summed over cards in SQL from the cards' running tallies.

A card's tools and its per-position tally (`card_tools.votes`, kept exact by the store) are all
the fit needs, so the read costs the number of cards, not the number of votes, and returns one
row per distinct (tool set, pick).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.votes.store import Store, StoredVote

COUNTED_CARDS = "SELECT id FROM cards"
"""The cards whose votes the leaderboard counts: the one place to filter them (e.g. leave out
cards whose results stay hidden until they close)."""

_SEPARATOR = " "
"""Slugs never hold a space (they are URL path parts)."""


@dataclass(frozen=True, slots=True)
class ChoiceCount:
    """`votes` votes picked `choice` on cards showing exactly `tools`."""

    tools: frozenset[str]
    choice: str
    votes: int


def _query(dialect: str) -> str:
    # SQLite before 3.44 has no ORDER BY inside group_concat: the text's order may vary from
    # card to card, so `_merged` puts equal sets back together in Python (few rows by then).
    joined = (
        f"string_agg(t.slug, '{_SEPARATOR}' ORDER BY t.slug)"
        if dialect == "postgresql"
        else f"group_concat(t.slug, '{_SEPARATOR}')"
    )
    return (
        f"WITH counted AS ({COUNTED_CARDS}), "
        f"sets AS (SELECT t.card_id, {joined} AS tools FROM card_tools t "
        "JOIN counted c ON c.id = t.card_id GROUP BY t.card_id) "
        "SELECT s.tools, t.slug, sum(t.votes) FROM card_tools t "
        "JOIN sets s ON s.card_id = t.card_id "
        "WHERE t.votes > 0 GROUP BY s.tools, t.slug"
    )


async def read_choice_counts(store: Store) -> list[ChoiceCount]:
    """Every current vote, counted by (tool set, pick). Retracted votes are not in the
    tallies, so they are not here either."""
    rows = await store.fetch(_query(store.db.dialect))
    return _merged((frozenset(t.split(_SEPARATOR)), choice, int(n)) for t, choice, n in rows)


def count_choices(votes: Iterable[StoredVote]) -> list[ChoiceCount]:
    """The same counts from vote rows (the export's shape), for data already in memory."""
    return _merged((frozenset(v.tools), v.choice, 1) for v in votes)


def _merged(rows: Iterable[tuple[frozenset[str], str, int]]) -> list[ChoiceCount]:
    totals: Counter[tuple[frozenset[str], str]] = Counter()
    for tools, choice, votes in rows:
        totals[tools, choice] += votes
    return [ChoiceCount(tools, choice, votes) for (tools, choice), votes in totals.items()]
