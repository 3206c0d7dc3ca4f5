"""Which module owns each table: the only module whose SQL writes it, or reads it as a query's
main table (a read may JOIN other tables; it belongs to the owner of the table it reads FROM).
Another module that needs a table calls a named function of its owner. `tests/storage/
test_table_owners.py` reads every module's SQL and fails on a statement outside its owner."""

from __future__ import annotations

VOTES = "bot.votes.store"
POLLS = "bot.polls.store"
WEEKLY = "bot.weekly.store"
TOOL_REQUESTS = "bot.tool_requests.store"

TABLE_OWNERS: dict[str, str] = {
    # cards and the votes on them, with every running tally the vote writer keeps exact
    "meta": VOTES,  # the voter-hash key (PostgreSQL) and from which card voters are per card
    "cards": VOTES,  # with their poll columns, which `bot.polls` sets through the owner
    "card_tools": VOTES,
    "votes": VOTES,
    "vote_events": VOTES,
    "vote_reactions": VOTES,
    "tool_counts": VOTES,
    "pair_counts": VOTES,
    "choice_counts": VOTES,
    "requests": VOTES,  # the request log, written as a card is asked for; the weekly pick reads it
    "vote_batch": VOTES,  # the vote writer's per-connection scratch tables
    "vote_delta": VOTES,
    "vote_change": VOTES,
    # closing a card exactly once, and each channel's poll settings
    "card_closes": POLLS,
    "channel_settings": POLLS,
    # weekly verdicts: who subscribed, and the exactly-once claim of each week's post
    "subscriptions": WEEKLY,
    "weekly_posts": WEEKLY,
    # tools people asked for that the catalogue lacks
    "tool_requests": TOOL_REQUESTS,
    # which migrations a PostgreSQL database has run (SQLite keeps it in PRAGMA user_version)
    "schema_version": "bot.storage.database",
}

OWNER_PARTS: dict[str, str] = {"bot.votes.batch": VOTES}
"""Modules whose statements their owner runs as its own: the vote writer's batch transaction
is a generator of statements that only `Store` runs (`Store._commit_votes`)."""

SCHEMA_MODULES = frozenset({"bot.storage.migrations", "bot.storage.old_triggers"})
"""The schema itself: it creates, alters and fills every table as it migrates."""
