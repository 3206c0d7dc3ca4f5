"""The schema, written once for both dialects: numbered migrations in the SQL both SQLite and
PostgreSQL understand, with the few words they spell differently (`Spelling`) filled in per
dialect. SQLite tracks the version in PRAGMA user_version, PostgreSQL in a `schema_version`
table. A newer bot opens an older database by running only the migrations it has not seen.
Since migration 6 the store's vote writer applies each batch of reaction events with a few
set-based statements over a per-connection scratch table (`SCRATCH`), and keeps every tally
exact inside the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Literal

from bot.storage import old_triggers

Dialect = Literal["sqlite", "postgresql"]

COUNTER_SHARDS = 16
"""Rows each tool's running tally is spread over; a card always adds to the same one."""

TOOL_SET_SEPARATOR = " "
"""Joins a card's sorted tool slugs into its tool set's key (`choice_counts.tools`): no slug
holds a space (`bot.catalogue.models.SLUG_PATTERN`)."""


@dataclass(frozen=True, slots=True)
class Spelling:
    """What the two dialects spell differently; the schema's SQL names these fields in braces
    (`{bigint}`), and `spelled` fills them in."""

    serial: str
    """A primary key the database numbers (a row id)."""
    bigint: str
    """A 64-bit integer: card ids and event keys."""
    double: str
    """A 64-bit float: event times."""
    without_rowid: str
    """After a table's closing parenthesis: store the rows in primary-key order (SQLite)."""
    code_points: str
    """After a text column: compare it by code point, the way Python sorts."""
    concat: str
    """The aggregate that joins text with a separator."""
    scratch_rows: str
    """After a scratch table's closing parenthesis: its rows last one transaction."""


SPELLINGS: dict[Dialect, Spelling] = {
    "sqlite": Spelling(
        serial="INTEGER PRIMARY KEY",
        bigint="INTEGER",
        double="REAL",
        without_rowid=" WITHOUT ROWID",
        code_points="",  # SQLite's default collation (BINARY) compares code points
        concat="group_concat",
        scratch_rows="",  # the vote writer empties them itself
    ),
    "postgresql": Spelling(
        serial="BIGSERIAL PRIMARY KEY",
        bigint="BIGINT",
        double="DOUBLE PRECISION",
        without_rowid="",
        code_points=' COLLATE "C"',
        concat="string_agg",
        scratch_rows=" ON COMMIT DELETE ROWS",
    ),
}


def spelled(sql: str, dialect: Dialect, parts: Mapping[str, str] | None = None) -> str:
    """`sql` for one dialect: its `{words}` spelled as the dialect does, `{shards}` and
    `{separator}` filled, and each named part (already written in the dialect) put in."""
    words = {
        **asdict(SPELLINGS[dialect]),
        "shards": str(COUNTER_SHARDS),
        "separator": TOOL_SET_SEPARATOR,
    }
    filled = {name: text.format_map(words) for name, text in (parts or {}).items()}
    return sql.format_map({**words, **filled})


@dataclass(frozen=True, slots=True)
class Migration:
    """One numbered step of the schema: `sql` for both dialects, and the parts only one dialect
    has (the per-row vote triggers of versions 1 to 5, `old_triggers`), which `sql` names in
    braces where they go. Both dialects must name the same parts."""

    sql: str
    sqlite: Mapping[str, str] = field(default_factory=dict)
    postgresql: Mapping[str, str] = field(default_factory=dict)

    def spelled(self, dialect: Dialect) -> str:
        return spelled(self.sql, dialect, self.sqlite if dialect == "sqlite" else self.postgresql)


_FILL_PAIR_COUNTS = """
    INSERT INTO pair_counts (first, second, shard, first_wins, second_wins, votes)
    SELECT a.slug, b.slug, a.card_id % {shards}, sum(a.votes), sum(b.votes), sum(s.votes)
    FROM card_tools a
    JOIN card_tools b ON b.card_id = a.card_id AND b.slug{code_points} > a.slug{code_points}
    JOIN (SELECT card_id, sum(votes) AS votes FROM card_tools GROUP BY card_id) s
        ON s.card_id = a.card_id
    GROUP BY a.slug, b.slug, a.card_id % {shards};
"""
"""Pair tallies from each card's own tallies: `first` sorts before `second` the way Python
sorts them (code points), and `votes` counts every vote on the cards holding both, a third
tool's too."""

_FILL_CHOICE_COUNTS = """
    INSERT INTO choice_counts (tools, winner, shard, votes)
    SELECT tools, slug, card_id % {shards}, sum(votes) FROM (
        SELECT card_id, slug, votes, {concat}(slug, '{separator}') OVER (
            PARTITION BY card_id ORDER BY slug{code_points}, position
            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS tools
        FROM card_tools
    ) card_sets
    GROUP BY tools, slug, card_id % {shards};
"""
"""Leaderboard tallies from each card's own tallies: one row per tool of every card, votes
included or not, so that the vote writer only ever updates rows. The tool set is concatenated
in a window ordered by slug (an ordered aggregate SQLite before 3.44 lacks), in Python's order,
as the writer spells it."""

FILL_CHOICE_COUNTS: dict[Dialect, str] = {
    dialect: spelled(_FILL_CHOICE_COUNTS, dialect) for dialect in SPELLINGS
}
"""Also used by benchmarks that write card tallies in bulk."""

MIGRATIONS: tuple[Migration, ...] = (
    # 1: cards, votes with their event log and running tallies, the request log, subscriptions.
    Migration(
        """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

    CREATE TABLE cards (
        id {serial},
        platform TEXT NOT NULL,
        channel TEXT NOT NULL,
        message_id TEXT NOT NULL,
        asked_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (platform, channel, message_id)
    );

    CREATE TABLE card_tools (
        card_id {bigint} NOT NULL REFERENCES cards(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        slug TEXT NOT NULL,
        votes INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (card_id, position)
    ){without_rowid};
    CREATE INDEX card_tools_by_slug ON card_tools (slug, card_id);

    CREATE TABLE tool_stats (
        slug TEXT PRIMARY KEY,
        votes INTEGER NOT NULL DEFAULT 0,
        wins INTEGER NOT NULL DEFAULT 0
    ){without_rowid};

    -- One row per voter per card: the current choice (NULL once retracted) and the time of the
    -- event that set it, so an older event arriving late cannot undo a newer one.
    CREATE TABLE votes (
        card_id {bigint} NOT NULL REFERENCES cards(id) ON DELETE CASCADE,
        voter TEXT NOT NULL,
        choice INTEGER,
        event_time {double} NOT NULL,
        PRIMARY KEY (card_id, voter)
    ){without_rowid};

    -- Every reaction event once: a redelivery has the same key and is ignored by the primary key.
    CREATE TABLE vote_events (
        event_key TEXT PRIMARY KEY,
        card_id {bigint} NOT NULL,
        voter TEXT NOT NULL,
        added INTEGER NOT NULL,
        choice INTEGER NOT NULL,
        event_time {double} NOT NULL,
        seen_at {double} NOT NULL
    ){without_rowid};
    CREATE INDEX vote_events_by_seen_at ON vote_events (seen_at);
    {vote_triggers}
    CREATE TABLE requests (
        id {serial},
        platform TEXT NOT NULL,
        channel TEXT NOT NULL,
        tools TEXT NOT NULL,
        asked_at TEXT NOT NULL
    );
    CREATE INDEX requests_by_time ON requests (asked_at);

    CREATE TABLE subscriptions (
        id {serial},
        platform TEXT NOT NULL,
        channel TEXT NOT NULL,
        weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
        hour INTEGER NOT NULL CHECK (hour BETWEEN 0 AND 23),
        timezone TEXT NOT NULL DEFAULT 'UTC',
        subscribed_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (platform, channel)
    );
    """,
        sqlite={"vote_triggers": old_triggers.SQLITE_1},
        postgresql={"vote_triggers": old_triggers.POSTGRES_1},
    ),
    # 2: one row per subscription and week: the claim that makes weekly posting exactly-once.
    Migration(
        """
    CREATE TABLE weekly_posts (
        subscription_id {bigint} NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
        week TEXT NOT NULL,
        tools TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('claimed', 'retry', 'sent', 'skipped')),
        claimed_by TEXT NOT NULL,
        claimed_at {double} NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at {double} NOT NULL,
        message_id TEXT,
        card_id {bigint} REFERENCES cards(id),
        last_error TEXT,
        PRIMARY KEY (subscription_id, week)
    );
    -- Unsubscribing keeps the row (and so the channel's weekly history), switched off.
    ALTER TABLE subscriptions ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
    -- A weekly card's recap line, so the card keeps it when its tally is edited.
    ALTER TABLE cards ADD COLUMN recap TEXT;
    """
    ),
    # 3: per-tool tallies split over COUNTER_SHARDS rows, chosen by card, so that writers on
    # different cards (several processes on PostgreSQL) do not all wait on one row per tool.
    # (`WHERE true`: SQLite would read `ON CONFLICT` after a bare `FROM` as a join's.)
    Migration(
        """
    CREATE TABLE tool_counts (
        slug TEXT NOT NULL,
        shard INTEGER NOT NULL,
        votes INTEGER NOT NULL DEFAULT 0,
        wins INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (slug, shard)
    ){without_rowid};
    INSERT INTO tool_counts (slug, shard, votes, wins) SELECT slug, 0, votes, wins FROM tool_stats;
    INSERT INTO tool_counts (slug, shard)
        SELECT DISTINCT slug, card_id % {shards} FROM card_tools WHERE true
        ON CONFLICT DO NOTHING;
    {old_tally_triggers}
    DROP TABLE tool_stats;
    {tally_triggers}
    """,
        sqlite={
            "old_tally_triggers": old_triggers.SQLITE_3_DROPPED,
            "tally_triggers": old_triggers.SQLITE_3,
        },
        postgresql={"old_tally_triggers": "", "tally_triggers": old_triggers.POSTGRES_3},
    ),
    # 4: the vote order rule (docs/using.md, "Votes"). Each (card, voter, number) keeps the latest
    # time it was added and the latest time it was taken off; the vote is the number added
    # last, unless that number was taken off at or after that time. Both are maxima, so any
    # arrival order and any redelivery give what in-order delivery gives. A retraction from
    # before counts as every number taken off at its time. `timed` is 0 for events without a
    # platform time (Discord): arrival order stands in, and a number already on cannot be
    # added again, nor one already off taken off again, so a late copy changes nothing.
    Migration(
        """
    ALTER TABLE vote_events ADD COLUMN timed INTEGER NOT NULL DEFAULT 1;

    CREATE TABLE vote_reactions (
        card_id {bigint} NOT NULL REFERENCES cards(id) ON DELETE CASCADE,
        voter TEXT NOT NULL,
        choice INTEGER NOT NULL,
        added_at {double},
        removed_at {double},
        PRIMARY KEY (card_id, voter, choice)
    ){without_rowid};
    INSERT INTO vote_reactions (card_id, voter, choice, added_at)
        SELECT card_id, voter, choice, event_time FROM votes WHERE choice IS NOT NULL;
    INSERT INTO vote_reactions (card_id, voter, choice, removed_at)
        SELECT v.card_id, v.voter, t.position, v.event_time
        FROM votes v JOIN card_tools t ON t.card_id = v.card_id WHERE v.choice IS NULL;
    {vote_triggers}
    """,
        sqlite={"vote_triggers": old_triggers.SQLITE_4},
        postgresql={"vote_triggers": old_triggers.POSTGRES_4},
    ),
    # 5: a weekly channel may show its archive on the web (/weekly) under a name it chose;
    # NULL keeps it private.
    Migration(
        """
    ALTER TABLE subscriptions ADD COLUMN public_name TEXT;
    """
    ),
    # 6: votes are applied a whole batch at a time by the store's writer, not by per-row
    # triggers: the rule (migration 4) runs as one set-based upsert per batch and the tallies are
    # added once per batch. The event log keeps only what recognises a redelivery (a 64-bit key
    # and when it was seen). Migration 4's keys were derived differently and cannot be converted;
    # the log only bridges Slack's retries (minutes), which the vote order rule already makes
    # harmless, so it starts empty. Head-to-head counts per tool pair, sharded like tool_counts,
    # make a two-tool card's read independent of how many votes and cards hold the pair; counts
    # per (tool set, winner) make the leaderboard's read independent of how many cards there are.
    # `cards.closed_at` (NULL = open): votes for a closed card are refused at commit.
    Migration(
        """
    ALTER TABLE cards ADD COLUMN closed_at TEXT;
    ALTER TABLE vote_reactions ADD COLUMN timed INTEGER NOT NULL DEFAULT 1;
    {vote_triggers}
    DROP TABLE vote_events;
    CREATE TABLE vote_events (
        event_key {bigint} PRIMARY KEY,
        seen_at {double} NOT NULL
    );
    CREATE INDEX vote_events_by_seen_at ON vote_events (seen_at);

    CREATE TABLE pair_counts (
        first TEXT NOT NULL,
        second TEXT NOT NULL,
        shard INTEGER NOT NULL,
        first_wins INTEGER NOT NULL DEFAULT 0,
        second_wins INTEGER NOT NULL DEFAULT 0,
        votes INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (first, second, shard)
    ){without_rowid};
    """
        + _FILL_PAIR_COUNTS
        + """
    CREATE TABLE choice_counts (
        tools TEXT NOT NULL,
        winner TEXT NOT NULL,
        shard INTEGER NOT NULL,
        votes INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (tools, winner, shard)
    ){without_rowid};
    """
        + _FILL_CHOICE_COUNTS,
        sqlite={"vote_triggers": old_triggers.SQLITE_6},
        postgresql={"vote_triggers": old_triggers.POSTGRES_6},
    ),
    # 7: polls (issue 17). A card may close (`closed_at` from 6, NULL while open) at an end time
    # (`closes_at`); `results` 'closed' hides the split until then; `vote_mode` 'buttons' votes
    # through buttons instead of reactions. The row in `card_closes` is the claim that makes a
    # close exactly-once across processes and restarts, with the final tally it read under the
    # vote writer's locks; `shown` is set once the card's final line is on the platform.
    Migration(
        """
    ALTER TABLE cards ADD COLUMN closes_at TEXT;
    ALTER TABLE cards ADD COLUMN results TEXT NOT NULL DEFAULT 'live'
        CHECK (results IN ('live', 'closed'));
    ALTER TABLE cards ADD COLUMN vote_mode TEXT NOT NULL DEFAULT 'reactions'
        CHECK (vote_mode IN ('reactions', 'buttons'));
    CREATE INDEX cards_closing ON cards (closes_at) WHERE closed_at IS NULL;
    CREATE INDEX cards_hidden_open ON cards (id) WHERE results = 'closed' AND closed_at IS NULL;

    CREATE TABLE card_closes (
        card_id {bigint} PRIMARY KEY REFERENCES cards(id) ON DELETE CASCADE,
        closed_at TEXT NOT NULL,
        closed_by TEXT NOT NULL,
        final_votes TEXT NOT NULL,
        shown INTEGER NOT NULL DEFAULT 0
    );

    CREATE TABLE channel_settings (
        platform TEXT NOT NULL,
        channel TEXT NOT NULL,
        results TEXT NOT NULL DEFAULT 'live' CHECK (results IN ('live', 'closed')),
        votes TEXT NOT NULL DEFAULT 'reactions' CHECK (votes IN ('reactions', 'buttons')),
        PRIMARY KEY (platform, channel)
    );
    """
    ),
    # 8: tools people asked for that the catalogue lacks (issue 25), owned by
    # `bot.tool_requests`. One row per community, name and person: a person counts once per name
    # per community. `strength` 'request' is a pressed "Request it" (or `verdict request`);
    # 'unknown' a name typed in /compare that matched nothing, a weaker signal that a later
    # request upgrades. Requesters are stored as the store's salted hashes, like voters.
    Migration(
        """
    CREATE TABLE tool_requests (
        community TEXT NOT NULL,
        name_key TEXT NOT NULL,
        requester TEXT NOT NULL,
        name TEXT NOT NULL,
        strength TEXT NOT NULL CHECK (strength IN ('request', 'unknown')),
        first_at TEXT NOT NULL,
        last_at TEXT NOT NULL,
        PRIMARY KEY (community, name_key, requester)
    );
    CREATE INDEX tool_requests_by_name ON tool_requests (name_key);
    """
    ),
    # 9: the use case a card was asked for ("/compare A vs B for coding"; NULL when none), so
    # `/leaderboard coding` can rank the votes cast on cards asked for that use case.
    Migration(
        """
    ALTER TABLE cards ADD COLUMN use_case TEXT;
    CREATE INDEX cards_use_case ON cards (use_case, id) WHERE use_case IS NOT NULL;
    """
    ),
    # 10: voters are keyed per card from the next card on (`Store.voter_on`), so one person's
    # ids on two cards cannot be joined; cards voted on before keep their voters' hashes.
    Migration(
        """
    INSERT INTO meta (key, value)
    SELECT 'voters_per_card_from', CAST(COALESCE(MAX(id), 0) + 1 AS TEXT) FROM cards;
    """
    ),
)

SQLITE_MIGRATIONS: tuple[str, ...] = tuple(m.spelled("sqlite") for m in MIGRATIONS)
POSTGRES_MIGRATIONS: tuple[str, ...] = tuple(m.spelled("postgresql") for m in MIGRATIONS)
"""What each database runs (spelled once, at import: a misspelt word fails here)."""

SCHEMA_VERSION = len(MIGRATIONS)

_SCRATCH = """
    CREATE TEMP TABLE IF NOT EXISTS vote_batch (
        seq INTEGER NOT NULL,
        event_key {bigint},
        card_id {bigint} NOT NULL,
        voter TEXT NOT NULL,
        added INTEGER NOT NULL,
        choice INTEGER NOT NULL,
        event_time {double} NOT NULL,
        timed INTEGER NOT NULL,
        round INTEGER NOT NULL
    ){scratch_rows};
    CREATE TEMP TABLE IF NOT EXISTS vote_delta (
        card_id {bigint} NOT NULL,
        choice INTEGER NOT NULL,
        n INTEGER NOT NULL
    ){scratch_rows};
"""
SQLITE_SCRATCH = spelled(_SCRATCH, "sqlite") + (
    # PostgreSQL's writer holds these rows in a CTE instead (`bot.votes.batch`).
    """
    CREATE TEMP TABLE IF NOT EXISTS vote_change (
        card_id INTEGER NOT NULL,
        voter TEXT NOT NULL,
        was INTEGER,
        choice INTEGER,
        event_time REAL NOT NULL
    );
"""
)
POSTGRES_SCRATCH = spelled(_SCRATCH, "postgresql")
"""One batch of reaction events on its way in, each touched voter's vote before and after it
(`vote_change`), and the vote counts it changes (`vote_delta`),
per writing connection (not part of the schema:
made on every connection that writes, never migrated)."""
