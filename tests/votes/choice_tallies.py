"""Reading the leaderboard's counts back in a form tests compare: by slugs, not numbers, and
the `choice_counts` rows beside what every card's own tally says they must be."""

from __future__ import annotations

from bot.votes import Store
from bot.votes.batch import tool_set
from bot.votes.choices import ChoiceCounts

Counted = dict[tuple[tuple[str, ...], str], int]


def counted(counts: ChoiceCounts) -> Counted:
    """Counts as {(sorted tool set, pick): votes}, whatever the slugs' numbering and row order."""
    by_choice: Counted = {}
    for members, pick, votes in zip(counts.members, counts.picks, counts.votes, strict=True):
        shown = tuple(sorted(counts.slugs[i] for i in members if i >= 0))
        key = (shown, counts.slugs[pick])
        by_choice[key] = by_choice.get(key, 0) + int(votes)
    return {key: votes for key, votes in by_choice.items() if votes}


async def kept_rows(store: Store, *, zeros: bool = False) -> dict[tuple[str, str], int]:
    """`choice_counts` per tool set and winner, summed over its shards (which shard a vote
    lands on is the writer's business: on PostgreSQL, whichever its transaction holds)."""
    rows = await store.fetch(
        "SELECT tools, winner, sum(votes) FROM choice_counts GROUP BY tools, winner"
    )
    return {(shown, winner): int(votes) for shown, winner, votes in rows if votes or zeros}


async def rows_from_cards(store: Store, *, zeros: bool = False) -> dict[tuple[str, str], int]:
    """What `choice_counts` must hold, summed from every card's own tally (with `zeros`, the
    rows without votes too: registering a card makes them)."""
    cards: dict[int, list[tuple[str, int]]] = {}
    for card_id, slug, votes in await store.fetch(
        "SELECT card_id, slug, votes FROM card_tools ORDER BY card_id, position"
    ):
        cards.setdefault(card_id, []).append((slug, votes))
    expected: dict[tuple[str, str], int] = {}
    for tools in cards.values():
        shown = tool_set(slug for slug, _ in tools)
        for slug, votes in tools:
            key = (shown, slug)
            expected[key] = expected.get(key, 0) + votes
    return {key: votes for key, votes in expected.items() if votes or zeros}
