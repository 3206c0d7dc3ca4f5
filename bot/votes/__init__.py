"""Community votes: which reactions are votes (rules), where cards and votes are kept (store),
what they add up to (tally, leaderboard, export), and how tally edits are paced (coalesce)."""

from bot.votes.batch import VoteWrite
from bot.votes.choices import ChoiceCounts, count_choices, read_choice_counts
from bot.votes.coalesce import EditCoalescer
from bot.votes.export import votes_csv, votes_json
from bot.votes.leaderboard import (
    MEANING,
    Leaderboard,
    LeaderboardEntry,
    Leaderboards,
    build_leaderboard,
    check_category,
    entry_summary,
    freshness_note,
    leaderboards_of,
    rank_choices,
    scope_note,
)
from bot.votes.rules import (
    KEYCAPS,
    SLACK_NAMES,
    ReactionEvent,
    VoteOutcome,
    choice_for,
    handle_reaction,
    vote_emoji,
)
from bot.votes.store import (
    AlsoInTransaction,
    CardRecord,
    Clock,
    HeadToHead,
    NothingStored,
    Store,
    StoredVote,
    StoreError,
    utc_now,
)
from bot.votes.tally import CommunityTally

__all__ = [
    "KEYCAPS",
    "MEANING",
    "SLACK_NAMES",
    "AlsoInTransaction",
    "CardRecord",
    "ChoiceCounts",
    "Clock",
    "CommunityTally",
    "EditCoalescer",
    "HeadToHead",
    "Leaderboard",
    "LeaderboardEntry",
    "Leaderboards",
    "NothingStored",
    "ReactionEvent",
    "Store",
    "StoreError",
    "StoredVote",
    "VoteOutcome",
    "VoteWrite",
    "build_leaderboard",
    "check_category",
    "choice_for",
    "count_choices",
    "entry_summary",
    "freshness_note",
    "handle_reaction",
    "leaderboards_of",
    "rank_choices",
    "read_choice_counts",
    "scope_note",
    "utc_now",
    "vote_emoji",
    "votes_csv",
    "votes_json",
]
