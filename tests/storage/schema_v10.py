"""Today's schema as it was written before the single definition (commit 44010d3, version 10),
frozen: the reference the schema tests migrate "the old way" with. Never edit it; a new
migration goes into `bot/storage/migrations.py` only.
"""

from __future__ import annotations

COUNTER_SHARDS = 16
"""Rows each tool's running tally is spread over; a card always adds to the same one."""

TOOL_SET_SEPARATOR = " "
"""Joins a card's sorted tool slugs into its tool set's key (`choice_counts.tools`): no slug
holds a space (`bot.catalogue.models.SLUG_PATTERN`)."""


def _fill_pair_counts(collate: str) -> str:
    """Pair tallies from each card's own tallies (both dialects): `first` sorts before
    `second` the way Python sorts them (code points, hence PostgreSQL's "C" collation), and
    `votes` counts every vote on the cards holding both, a third tool's too."""
    return f"""
    INSERT INTO pair_counts (first, second, shard, first_wins, second_wins, votes)
    SELECT a.slug, b.slug, a.card_id % {COUNTER_SHARDS}, sum(a.votes), sum(b.votes), sum(s.votes)
    FROM card_tools a
    JOIN card_tools b ON b.card_id = a.card_id AND b.slug{collate} > a.slug{collate}
    JOIN (SELECT card_id, sum(votes) AS votes FROM card_tools GROUP BY card_id) s
        ON s.card_id = a.card_id
    GROUP BY a.slug, b.slug, a.card_id % {COUNTER_SHARDS};
"""


def _fill_choice_counts(concat: str, collate: str) -> str:
    """Leaderboard tallies from each card's own tallies: one row per tool of every card,
    votes included or not, so that the vote writer only ever updates rows. The tool set is
    concatenated in a window ordered by slug (an ordered aggregate SQLite before 3.44 lacks),
    in Python's order, as the writer spells it."""
    return f"""
    INSERT INTO choice_counts (tools, winner, shard, votes)
    SELECT tools, slug, card_id % {COUNTER_SHARDS}, sum(votes) FROM (
        SELECT card_id, slug, votes, {concat}(slug, '{TOOL_SET_SEPARATOR}') OVER (
            PARTITION BY card_id ORDER BY slug{collate}, position
            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS tools
        FROM card_tools
    ) card_sets
    GROUP BY tools, slug, card_id % {COUNTER_SHARDS};
"""


FILL_CHOICE_COUNTS = {
    "sqlite": _fill_choice_counts("group_concat", ""),
    "postgresql": _fill_choice_counts("string_agg", ' COLLATE "C"'),
}
"""Also used by benchmarks that write card tallies in bulk."""

SQLITE_MIGRATIONS: tuple[str, ...] = (
    # 1: cards, votes with their event log and running tallies, the request log, subscriptions.
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

    CREATE TABLE cards (
        id INTEGER PRIMARY KEY,
        platform TEXT NOT NULL,
        channel TEXT NOT NULL,
        message_id TEXT NOT NULL,
        asked_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (platform, channel, message_id)
    );

    CREATE TABLE card_tools (
        card_id INTEGER NOT NULL REFERENCES cards(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        slug TEXT NOT NULL,
        votes INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (card_id, position)
    ) WITHOUT ROWID;
    CREATE INDEX card_tools_by_slug ON card_tools (slug, card_id);

    CREATE TABLE tool_stats (
        slug TEXT PRIMARY KEY,
        votes INTEGER NOT NULL DEFAULT 0,
        wins INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID;

    -- One row per voter per card: the current choice (NULL once retracted) and the time of the
    -- event that set it, so an older event arriving late cannot undo a newer one.
    CREATE TABLE votes (
        card_id INTEGER NOT NULL REFERENCES cards(id) ON DELETE CASCADE,
        voter TEXT NOT NULL,
        choice INTEGER,
        event_time REAL NOT NULL,
        PRIMARY KEY (card_id, voter)
    ) WITHOUT ROWID;

    -- Every reaction event once: a redelivery has the same key and is ignored by the primary key.
    CREATE TABLE vote_events (
        event_key TEXT PRIMARY KEY,
        card_id INTEGER NOT NULL,
        voter TEXT NOT NULL,
        added INTEGER NOT NULL,
        choice INTEGER NOT NULL,
        event_time REAL NOT NULL,
        seen_at REAL NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX vote_events_by_seen_at ON vote_events (seen_at);

    CREATE TRIGGER vote_event_added AFTER INSERT ON vote_events WHEN NEW.added = 1
    BEGIN
        INSERT INTO votes (card_id, voter, choice, event_time)
        VALUES (NEW.card_id, NEW.voter, NEW.choice, NEW.event_time)
        ON CONFLICT (card_id, voter) DO UPDATE
            SET choice = excluded.choice, event_time = excluded.event_time
            WHERE excluded.event_time >= votes.event_time;
    END;

    CREATE TRIGGER vote_event_removed AFTER INSERT ON vote_events WHEN NEW.added = 0
    BEGIN
        INSERT INTO votes (card_id, voter, choice, event_time)
        VALUES (NEW.card_id, NEW.voter, NULL, NEW.event_time)
        ON CONFLICT (card_id, voter) DO UPDATE
            SET choice = NULL, event_time = excluded.event_time
            WHERE votes.choice = NEW.choice AND excluded.event_time >= votes.event_time;
    END;

    CREATE TRIGGER vote_cast AFTER INSERT ON votes WHEN NEW.choice IS NOT NULL
    BEGIN
        UPDATE card_tools SET votes = votes + 1
            WHERE card_id = NEW.card_id AND position = NEW.choice;
        UPDATE tool_stats SET votes = votes + 1
            WHERE slug IN (SELECT slug FROM card_tools WHERE card_id = NEW.card_id);
        UPDATE tool_stats SET wins = wins + 1
            WHERE slug = (SELECT slug FROM card_tools
                          WHERE card_id = NEW.card_id AND position = NEW.choice);
    END;

    CREATE TRIGGER vote_changed AFTER UPDATE OF choice ON votes
    WHEN OLD.choice IS NOT NEW.choice
    BEGIN
        UPDATE card_tools SET votes = votes - 1
            WHERE card_id = OLD.card_id AND position = OLD.choice;
        UPDATE card_tools SET votes = votes + 1
            WHERE card_id = NEW.card_id AND position = NEW.choice;
        UPDATE tool_stats
            SET votes = votes + (NEW.choice IS NOT NULL) - (OLD.choice IS NOT NULL)
            WHERE slug IN (SELECT slug FROM card_tools WHERE card_id = NEW.card_id);
        UPDATE tool_stats SET wins = wins - 1
            WHERE slug = (SELECT slug FROM card_tools
                          WHERE card_id = OLD.card_id AND position = OLD.choice);
        UPDATE tool_stats SET wins = wins + 1
            WHERE slug = (SELECT slug FROM card_tools
                          WHERE card_id = NEW.card_id AND position = NEW.choice);
    END;

    CREATE TABLE requests (
        id INTEGER PRIMARY KEY,
        platform TEXT NOT NULL,
        channel TEXT NOT NULL,
        tools TEXT NOT NULL,
        asked_at TEXT NOT NULL
    );
    CREATE INDEX requests_by_time ON requests (asked_at);

    CREATE TABLE subscriptions (
        id INTEGER PRIMARY KEY,
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
    # 2: one row per subscription and week: the claim that makes weekly posting exactly-once.
    """
    CREATE TABLE weekly_posts (
        subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
        week TEXT NOT NULL,
        tools TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('claimed', 'retry', 'sent', 'skipped')),
        claimed_by TEXT NOT NULL,
        claimed_at REAL NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at REAL NOT NULL,
        message_id TEXT,
        card_id INTEGER REFERENCES cards(id),
        last_error TEXT,
        PRIMARY KEY (subscription_id, week)
    );
    -- Unsubscribing keeps the row (and so the channel's weekly history), switched off.
    ALTER TABLE subscriptions ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
    -- A weekly card's recap line, so the card keeps it when its tally is edited.
    ALTER TABLE cards ADD COLUMN recap TEXT;
    """,
    # 3: per-tool tallies split over COUNTER_SHARDS rows, chosen by card, so that writers on
    # different cards (several processes on PostgreSQL) do not all wait on one row per tool.
    f"""
    CREATE TABLE tool_counts (
        slug TEXT NOT NULL,
        shard INTEGER NOT NULL,
        votes INTEGER NOT NULL DEFAULT 0,
        wins INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (slug, shard)
    ) WITHOUT ROWID;
    INSERT INTO tool_counts (slug, shard, votes, wins) SELECT slug, 0, votes, wins FROM tool_stats;
    INSERT INTO tool_counts (slug, shard)
        SELECT DISTINCT slug, card_id % {COUNTER_SHARDS} FROM card_tools WHERE true
        ON CONFLICT DO NOTHING;
    DROP TRIGGER vote_cast;
    DROP TRIGGER vote_changed;
    DROP TABLE tool_stats;

    CREATE TRIGGER vote_cast AFTER INSERT ON votes WHEN NEW.choice IS NOT NULL
    BEGIN
        UPDATE card_tools SET votes = votes + 1
            WHERE card_id = NEW.card_id AND position = NEW.choice;
        UPDATE tool_counts SET votes = votes + 1
            WHERE shard = NEW.card_id % {COUNTER_SHARDS}
              AND slug IN (SELECT slug FROM card_tools WHERE card_id = NEW.card_id);
        UPDATE tool_counts SET wins = wins + 1
            WHERE shard = NEW.card_id % {COUNTER_SHARDS}
              AND slug = (SELECT slug FROM card_tools
                          WHERE card_id = NEW.card_id AND position = NEW.choice);
    END;

    CREATE TRIGGER vote_changed AFTER UPDATE OF choice ON votes
    WHEN OLD.choice IS NOT NEW.choice
    BEGIN
        UPDATE card_tools SET votes = votes - 1
            WHERE card_id = OLD.card_id AND position = OLD.choice;
        UPDATE card_tools SET votes = votes + 1
            WHERE card_id = NEW.card_id AND position = NEW.choice;
        UPDATE tool_counts
            SET votes = votes + (NEW.choice IS NOT NULL) - (OLD.choice IS NOT NULL)
            WHERE shard = NEW.card_id % {COUNTER_SHARDS}
              AND slug IN (SELECT slug FROM card_tools WHERE card_id = NEW.card_id);
        UPDATE tool_counts SET wins = wins - 1
            WHERE shard = NEW.card_id % {COUNTER_SHARDS}
              AND slug = (SELECT slug FROM card_tools
                          WHERE card_id = OLD.card_id AND position = OLD.choice);
        UPDATE tool_counts SET wins = wins + 1
            WHERE shard = NEW.card_id % {COUNTER_SHARDS}
              AND slug = (SELECT slug FROM card_tools
                          WHERE card_id = NEW.card_id AND position = NEW.choice);
    END;
    """,
    # 4: the vote order rule (README, "Votes"). Each (card, voter, number) keeps the latest
    # time it was added and the latest time it was taken off; the vote is the number added
    # last, unless that number was taken off at or after that time. Both are maxima, so any
    # arrival order and any redelivery give what in-order delivery gives. A retraction from
    # before counts as every number taken off at its time. `timed` is 0 for events without a
    # platform time (Discord): arrival order stands in, and a number already on cannot be
    # added again, nor one already off taken off again, so a late copy changes nothing.
    """
    ALTER TABLE vote_events ADD COLUMN timed INTEGER NOT NULL DEFAULT 1;

    CREATE TABLE vote_reactions (
        card_id INTEGER NOT NULL REFERENCES cards(id) ON DELETE CASCADE,
        voter TEXT NOT NULL,
        choice INTEGER NOT NULL,
        added_at REAL,
        removed_at REAL,
        PRIMARY KEY (card_id, voter, choice)
    ) WITHOUT ROWID;
    INSERT INTO vote_reactions (card_id, voter, choice, added_at)
        SELECT card_id, voter, choice, event_time FROM votes WHERE choice IS NOT NULL;
    INSERT INTO vote_reactions (card_id, voter, choice, removed_at)
        SELECT v.card_id, v.voter, t.position, v.event_time
        FROM votes v JOIN card_tools t ON t.card_id = v.card_id WHERE v.choice IS NULL;

    DROP TRIGGER vote_event_added;
    DROP TRIGGER vote_event_removed;

    CREATE TRIGGER vote_event_applied AFTER INSERT ON vote_events
    BEGIN
        INSERT INTO vote_reactions (card_id, voter, choice, added_at, removed_at)
        VALUES (NEW.card_id, NEW.voter, NEW.choice,
                CASE WHEN NEW.added = 1 THEN NEW.event_time END,
                CASE WHEN NEW.added = 0 THEN NEW.event_time END)
        ON CONFLICT (card_id, voter, choice) DO UPDATE SET
            added_at = CASE
                WHEN NEW.added = 0 THEN vote_reactions.added_at
                WHEN vote_reactions.added_at IS NULL THEN NEW.event_time
                WHEN NEW.timed = 0 AND (vote_reactions.removed_at IS NULL
                     OR vote_reactions.removed_at < vote_reactions.added_at)
                    THEN vote_reactions.added_at
                ELSE max(vote_reactions.added_at, NEW.event_time) END,
            removed_at = CASE
                WHEN NEW.added = 1 THEN vote_reactions.removed_at
                WHEN NEW.timed = 0 AND (vote_reactions.added_at IS NULL
                     OR vote_reactions.removed_at >= vote_reactions.added_at)
                    THEN vote_reactions.removed_at
                WHEN vote_reactions.removed_at IS NULL THEN NEW.event_time
                ELSE max(vote_reactions.removed_at, NEW.event_time) END;

        INSERT INTO votes (card_id, voter, choice, event_time)
        SELECT card_id, voter,
               CASE WHEN removed_at IS NULL OR removed_at < added_at THEN choice END, added_at
        FROM vote_reactions
        WHERE card_id = NEW.card_id AND voter = NEW.voter AND added_at IS NOT NULL
        ORDER BY added_at DESC, choice DESC LIMIT 1
        ON CONFLICT (card_id, voter) DO UPDATE
            SET choice = excluded.choice, event_time = excluded.event_time
            WHERE votes.choice IS NOT excluded.choice OR votes.event_time <> excluded.event_time;
    END;
    """,
    # 5: a weekly channel may show its archive on the web (/weekly) under a name it chose;
    # NULL keeps it private.
    """
    ALTER TABLE subscriptions ADD COLUMN public_name TEXT;
    """,
    # 6: votes are applied a whole batch at a time by the store's writer, not by per-row
    # triggers: the rule (migration 4) runs as one set-based upsert per batch and the tallies are
    # added once per batch. The event log keeps only what recognises a redelivery (a 64-bit key
    # and when it was seen). Migration 4's keys were derived differently and cannot be converted;
    # the log only bridges Slack's retries (minutes), which the vote order rule already makes
    # harmless, so it starts empty. Head-to-head counts per tool pair, sharded like tool_counts,
    # make a two-tool card's read independent of how many votes and cards hold the pair; counts
    # per (tool set, winner) make the leaderboard's read independent of how many cards there are.
    # `cards.closed_at` (NULL = open): votes for a closed card are refused at commit.
    f"""
    ALTER TABLE cards ADD COLUMN closed_at TEXT;
    ALTER TABLE vote_reactions ADD COLUMN timed INTEGER NOT NULL DEFAULT 1;

    DROP TRIGGER vote_event_applied;
    DROP TRIGGER vote_cast;
    DROP TRIGGER vote_changed;
    DROP TABLE vote_events;
    CREATE TABLE vote_events (
        event_key INTEGER PRIMARY KEY,
        seen_at REAL NOT NULL
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
    ) WITHOUT ROWID;
    {_fill_pair_counts("")}

    CREATE TABLE choice_counts (
        tools TEXT NOT NULL,
        winner TEXT NOT NULL,
        shard INTEGER NOT NULL,
        votes INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (tools, winner, shard)
    ) WITHOUT ROWID;
    {FILL_CHOICE_COUNTS["sqlite"]}
    """,
    # 7: polls (issue 17). A card may close (`closed_at` from 6, NULL while open) at an end time
    # (`closes_at`); `results` 'closed' hides the split until then; `vote_mode` 'buttons' votes
    # through buttons instead of reactions. The row in `card_closes` is the claim that makes a
    # close exactly-once across processes and restarts, with the final tally it read under the
    # vote writer's locks; `shown` is set once the card's final line is on the platform.
    """
    ALTER TABLE cards ADD COLUMN closes_at TEXT;
    ALTER TABLE cards ADD COLUMN results TEXT NOT NULL DEFAULT 'live'
        CHECK (results IN ('live', 'closed'));
    ALTER TABLE cards ADD COLUMN vote_mode TEXT NOT NULL DEFAULT 'reactions'
        CHECK (vote_mode IN ('reactions', 'buttons'));
    CREATE INDEX cards_closing ON cards (closes_at) WHERE closed_at IS NULL;
    CREATE INDEX cards_hidden_open ON cards (id) WHERE results = 'closed' AND closed_at IS NULL;

    CREATE TABLE card_closes (
        card_id INTEGER PRIMARY KEY REFERENCES cards(id) ON DELETE CASCADE,
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
    """,
    # 8: tools people asked for that the catalogue lacks (issue 25), owned by
    # `bot.tool_requests`. One row per community, name and person: a person counts once per name
    # per community. `strength` 'request' is a pressed "Request it" (or `verdict request`);
    # 'unknown' a name typed in /compare that matched nothing, a weaker signal that a later
    # request upgrades. Requesters are stored as the store's salted hashes, like voters.
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
    """,
    # 9: the use case a card was asked for ("/compare A vs B for coding"; NULL when none), so
    # `/leaderboard coding` can rank the votes cast on cards asked for that use case.
    """
    ALTER TABLE cards ADD COLUMN use_case TEXT;
    CREATE INDEX cards_use_case ON cards (use_case, id) WHERE use_case IS NOT NULL;
    """,
    # 10: voters are keyed per card from the next card on (`Store.voter_on`), so one person's
    # ids on two cards cannot be joined; cards voted on before keep their voters' hashes.
    """
    INSERT INTO meta (key, value)
    SELECT 'voters_per_card_from', CAST(COALESCE(MAX(id), 0) + 1 AS TEXT) FROM cards;
    """,
)

POSTGRES_MIGRATIONS: tuple[str, ...] = (
    # 1: as SQLite's 1.
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

    CREATE TABLE cards (
        id BIGSERIAL PRIMARY KEY,
        platform TEXT NOT NULL,
        channel TEXT NOT NULL,
        message_id TEXT NOT NULL,
        asked_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (platform, channel, message_id)
    );

    CREATE TABLE card_tools (
        card_id BIGINT NOT NULL REFERENCES cards(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        slug TEXT NOT NULL,
        votes INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (card_id, position)
    );
    CREATE INDEX card_tools_by_slug ON card_tools (slug, card_id);

    CREATE TABLE tool_stats (
        slug TEXT PRIMARY KEY,
        votes INTEGER NOT NULL DEFAULT 0,
        wins INTEGER NOT NULL DEFAULT 0
    );

    CREATE TABLE votes (
        card_id BIGINT NOT NULL REFERENCES cards(id) ON DELETE CASCADE,
        voter TEXT NOT NULL,
        choice INTEGER,
        event_time DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (card_id, voter)
    );

    CREATE TABLE vote_events (
        event_key TEXT PRIMARY KEY,
        card_id BIGINT NOT NULL,
        voter TEXT NOT NULL,
        added INTEGER NOT NULL,
        choice INTEGER NOT NULL,
        event_time DOUBLE PRECISION NOT NULL,
        seen_at DOUBLE PRECISION NOT NULL
    );
    CREATE INDEX vote_events_by_seen_at ON vote_events (seen_at);

    CREATE FUNCTION vote_event_applied() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.added = 1 THEN
            INSERT INTO votes (card_id, voter, choice, event_time)
            VALUES (NEW.card_id, NEW.voter, NEW.choice, NEW.event_time)
            ON CONFLICT (card_id, voter) DO UPDATE
                SET choice = excluded.choice, event_time = excluded.event_time
                WHERE excluded.event_time >= votes.event_time;
        ELSE
            INSERT INTO votes (card_id, voter, choice, event_time)
            VALUES (NEW.card_id, NEW.voter, NULL, NEW.event_time)
            ON CONFLICT (card_id, voter) DO UPDATE
                SET choice = NULL, event_time = excluded.event_time
                WHERE votes.choice = NEW.choice AND excluded.event_time >= votes.event_time;
        END IF;
        RETURN NULL;
    END $$;
    CREATE TRIGGER vote_event_applied AFTER INSERT ON vote_events
        FOR EACH ROW EXECUTE FUNCTION vote_event_applied();

    CREATE FUNCTION vote_tallied() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        old_choice INTEGER := CASE WHEN TG_OP = 'UPDATE' THEN OLD.choice END;
    BEGIN
        IF old_choice IS NOT DISTINCT FROM NEW.choice THEN
            RETURN NULL;
        END IF;
        UPDATE card_tools SET votes = votes - 1
            WHERE card_id = NEW.card_id AND position = old_choice;
        UPDATE card_tools SET votes = votes + 1
            WHERE card_id = NEW.card_id AND position = NEW.choice;
        UPDATE tool_stats
            SET votes = votes + (NEW.choice IS NOT NULL)::int - (old_choice IS NOT NULL)::int
            WHERE slug IN (SELECT slug FROM card_tools WHERE card_id = NEW.card_id);
        UPDATE tool_stats SET wins = wins - 1
            WHERE slug = (SELECT slug FROM card_tools
                          WHERE card_id = NEW.card_id AND position = old_choice);
        UPDATE tool_stats SET wins = wins + 1
            WHERE slug = (SELECT slug FROM card_tools
                          WHERE card_id = NEW.card_id AND position = NEW.choice);
        RETURN NULL;
    END $$;
    CREATE TRIGGER vote_tallied AFTER INSERT OR UPDATE OF choice ON votes
        FOR EACH ROW EXECUTE FUNCTION vote_tallied();

    CREATE TABLE requests (
        id BIGSERIAL PRIMARY KEY,
        platform TEXT NOT NULL,
        channel TEXT NOT NULL,
        tools TEXT NOT NULL,
        asked_at TEXT NOT NULL
    );
    CREATE INDEX requests_by_time ON requests (asked_at);

    CREATE TABLE subscriptions (
        id BIGSERIAL PRIMARY KEY,
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
    # 2: as SQLite's 2.
    """
    CREATE TABLE weekly_posts (
        subscription_id BIGINT NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
        week TEXT NOT NULL,
        tools TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('claimed', 'retry', 'sent', 'skipped')),
        claimed_by TEXT NOT NULL,
        claimed_at DOUBLE PRECISION NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at DOUBLE PRECISION NOT NULL,
        message_id TEXT,
        card_id BIGINT REFERENCES cards(id),
        last_error TEXT,
        PRIMARY KEY (subscription_id, week)
    );
    ALTER TABLE subscriptions ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE cards ADD COLUMN recap TEXT;
    """,
    # 3: as SQLite's 3.
    f"""
    CREATE TABLE tool_counts (
        slug TEXT NOT NULL,
        shard INTEGER NOT NULL,
        votes INTEGER NOT NULL DEFAULT 0,
        wins INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (slug, shard)
    );
    INSERT INTO tool_counts (slug, shard, votes, wins) SELECT slug, 0, votes, wins FROM tool_stats;
    INSERT INTO tool_counts (slug, shard)
        SELECT DISTINCT slug, card_id % {COUNTER_SHARDS} FROM card_tools
        ON CONFLICT DO NOTHING;
    DROP TABLE tool_stats;

    CREATE OR REPLACE FUNCTION vote_tallied() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        old_choice INTEGER := CASE WHEN TG_OP = 'UPDATE' THEN OLD.choice END;
        counter INTEGER := NEW.card_id % {COUNTER_SHARDS};
    BEGIN
        IF old_choice IS NOT DISTINCT FROM NEW.choice THEN
            RETURN NULL;
        END IF;
        UPDATE card_tools SET votes = votes - 1
            WHERE card_id = NEW.card_id AND position = old_choice;
        UPDATE card_tools SET votes = votes + 1
            WHERE card_id = NEW.card_id AND position = NEW.choice;
        UPDATE tool_counts
            SET votes = votes + (NEW.choice IS NOT NULL)::int - (old_choice IS NOT NULL)::int
            WHERE shard = counter
              AND slug IN (SELECT slug FROM card_tools WHERE card_id = NEW.card_id);
        UPDATE tool_counts SET wins = wins - 1
            WHERE shard = counter
              AND slug = (SELECT slug FROM card_tools
                          WHERE card_id = NEW.card_id AND position = old_choice);
        UPDATE tool_counts SET wins = wins + 1
            WHERE shard = counter
              AND slug = (SELECT slug FROM card_tools
                          WHERE card_id = NEW.card_id AND position = NEW.choice);
        RETURN NULL;
    END $$;
    """,
    # 4: as SQLite's 4.
    """
    ALTER TABLE vote_events ADD COLUMN timed INTEGER NOT NULL DEFAULT 1;

    CREATE TABLE vote_reactions (
        card_id BIGINT NOT NULL REFERENCES cards(id) ON DELETE CASCADE,
        voter TEXT NOT NULL,
        choice INTEGER NOT NULL,
        added_at DOUBLE PRECISION,
        removed_at DOUBLE PRECISION,
        PRIMARY KEY (card_id, voter, choice)
    );
    INSERT INTO vote_reactions (card_id, voter, choice, added_at)
        SELECT card_id, voter, choice, event_time FROM votes WHERE choice IS NOT NULL;
    INSERT INTO vote_reactions (card_id, voter, choice, removed_at)
        SELECT v.card_id, v.voter, t.position, v.event_time
        FROM votes v JOIN card_tools t ON t.card_id = v.card_id WHERE v.choice IS NULL;

    CREATE OR REPLACE FUNCTION vote_event_applied() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO vote_reactions AS r (card_id, voter, choice, added_at, removed_at)
        VALUES (NEW.card_id, NEW.voter, NEW.choice,
                CASE WHEN NEW.added = 1 THEN NEW.event_time END,
                CASE WHEN NEW.added = 0 THEN NEW.event_time END)
        ON CONFLICT (card_id, voter, choice) DO UPDATE SET
            added_at = CASE
                WHEN NEW.added = 0 THEN r.added_at
                WHEN NEW.timed = 0 AND r.added_at IS NOT NULL
                     AND (r.removed_at IS NULL OR r.removed_at < r.added_at) THEN r.added_at
                ELSE greatest(r.added_at, NEW.event_time) END,
            removed_at = CASE
                WHEN NEW.added = 1 THEN r.removed_at
                WHEN NEW.timed = 0 AND (r.added_at IS NULL OR r.removed_at >= r.added_at)
                    THEN r.removed_at
                ELSE greatest(r.removed_at, NEW.event_time) END;

        INSERT INTO votes AS v (card_id, voter, choice, event_time)
        SELECT r.card_id, r.voter,
               CASE WHEN r.removed_at IS NULL OR r.removed_at < r.added_at THEN r.choice END,
               r.added_at
        FROM vote_reactions r
        WHERE r.card_id = NEW.card_id AND r.voter = NEW.voter AND r.added_at IS NOT NULL
        ORDER BY r.added_at DESC, r.choice DESC LIMIT 1
        ON CONFLICT (card_id, voter) DO UPDATE
            SET choice = excluded.choice, event_time = excluded.event_time
            WHERE v.choice IS DISTINCT FROM excluded.choice OR v.event_time <> excluded.event_time;
        RETURN NULL;
    END $$;
    """,
    # 5: as SQLite's 5.
    """
    ALTER TABLE subscriptions ADD COLUMN public_name TEXT;
    """,
    # 6: as SQLite's 6.
    f"""
    ALTER TABLE cards ADD COLUMN closed_at TEXT;
    ALTER TABLE vote_reactions ADD COLUMN timed INTEGER NOT NULL DEFAULT 1;

    DROP TRIGGER vote_event_applied ON vote_events;
    DROP FUNCTION vote_event_applied();
    DROP TRIGGER vote_tallied ON votes;
    DROP FUNCTION vote_tallied();
    DROP TABLE vote_events;
    CREATE TABLE vote_events (
        event_key BIGINT PRIMARY KEY,
        seen_at DOUBLE PRECISION NOT NULL
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
    );
    {_fill_pair_counts(' COLLATE "C"')}

    CREATE TABLE choice_counts (
        tools TEXT NOT NULL,
        winner TEXT NOT NULL,
        shard INTEGER NOT NULL,
        votes INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (tools, winner, shard)
    );
    {FILL_CHOICE_COUNTS["postgresql"]}
    """,
    # 7: as SQLite's 7.
    """
    ALTER TABLE cards ADD COLUMN closes_at TEXT;
    ALTER TABLE cards ADD COLUMN results TEXT NOT NULL DEFAULT 'live'
        CHECK (results IN ('live', 'closed'));
    ALTER TABLE cards ADD COLUMN vote_mode TEXT NOT NULL DEFAULT 'reactions'
        CHECK (vote_mode IN ('reactions', 'buttons'));
    CREATE INDEX cards_closing ON cards (closes_at) WHERE closed_at IS NULL;
    CREATE INDEX cards_hidden_open ON cards (id) WHERE results = 'closed' AND closed_at IS NULL;

    CREATE TABLE card_closes (
        card_id BIGINT PRIMARY KEY REFERENCES cards(id) ON DELETE CASCADE,
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
    """,
    # 8: tools people asked for that the catalogue lacks (issue 25), owned by
    # `bot.tool_requests`. One row per community, name and person: a person counts once per name
    # per community. `strength` 'request' is a pressed "Request it" (or `verdict request`);
    # 'unknown' a name typed in /compare that matched nothing, a weaker signal that a later
    # request upgrades. Requesters are stored as the store's salted hashes, like voters.
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
    """,
    # 9: as SQLite's 9.
    """
    ALTER TABLE cards ADD COLUMN use_case TEXT;
    CREATE INDEX cards_use_case ON cards (use_case, id) WHERE use_case IS NOT NULL;
    """,
    # 10: as SQLite's 10.
    """
    INSERT INTO meta (key, value)
    SELECT 'voters_per_card_from', CAST(COALESCE(MAX(id), 0) + 1 AS TEXT) FROM cards;
    """,
)

SQLITE_SCRATCH = """
    CREATE TEMP TABLE IF NOT EXISTS vote_batch (
        seq INTEGER NOT NULL,
        event_key INTEGER,
        card_id INTEGER NOT NULL,
        voter TEXT NOT NULL,
        added INTEGER NOT NULL,
        choice INTEGER NOT NULL,
        event_time REAL NOT NULL,
        timed INTEGER NOT NULL,
        round INTEGER NOT NULL
    );
    CREATE TEMP TABLE IF NOT EXISTS vote_delta (
        card_id INTEGER NOT NULL,
        choice INTEGER NOT NULL,
        n INTEGER NOT NULL
    );
"""
POSTGRES_SCRATCH = """
    CREATE TEMP TABLE IF NOT EXISTS vote_batch (
        seq INTEGER NOT NULL,
        event_key BIGINT,
        card_id BIGINT NOT NULL,
        voter TEXT NOT NULL,
        added INTEGER NOT NULL,
        choice INTEGER NOT NULL,
        event_time DOUBLE PRECISION NOT NULL,
        timed INTEGER NOT NULL,
        round INTEGER NOT NULL
    ) ON COMMIT DELETE ROWS;
    CREATE TEMP TABLE IF NOT EXISTS vote_delta (
        card_id BIGINT NOT NULL,
        choice INTEGER NOT NULL,
        n INTEGER NOT NULL
    ) ON COMMIT DELETE ROWS;
"""
"""One batch of reaction events on its way in, and the vote counts it changes (`vote_delta`),
per writing connection (not part of the schema:
made on every connection that writes, never migrated)."""

SCHEMA_VERSION = len(SQLITE_MIGRATIONS)
if len(POSTGRES_MIGRATIONS) != SCHEMA_VERSION:  # a packaging mistake, caught at import
    raise RuntimeError("the two dialects' migrations must stay in step")
