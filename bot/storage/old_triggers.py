"""The per-row vote triggers of schema versions 1 to 5, in each dialect's own language: SQLite
triggers, PostgreSQL functions. History: migration 6 replaced them by the store's batch writer
(`bot.votes.batch`) and dropped them. They stay because every database passes through those
versions, an old one as an old bot left it and a new one on its way to the current schema, and
because tests build databases as those bots did. Placed into `migrations.MIGRATIONS` by name;
`{shards}` is filled like the rest of the schema.
"""

# 1: a reaction event sets the voter's choice; a choice moves the card's and tools' tallies.

SQLITE_1 = """
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
"""

POSTGRES_1 = """
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
"""


# 3: the tallies move to sharded rows (SQLite drops its two tally triggers before the old table).

SQLITE_3_DROPPED = """
    DROP TRIGGER vote_cast;
    DROP TRIGGER vote_changed;
"""

SQLITE_3 = """
    CREATE TRIGGER vote_cast AFTER INSERT ON votes WHEN NEW.choice IS NOT NULL
    BEGIN
        UPDATE card_tools SET votes = votes + 1
            WHERE card_id = NEW.card_id AND position = NEW.choice;
        UPDATE tool_counts SET votes = votes + 1
            WHERE shard = NEW.card_id % {shards}
              AND slug IN (SELECT slug FROM card_tools WHERE card_id = NEW.card_id);
        UPDATE tool_counts SET wins = wins + 1
            WHERE shard = NEW.card_id % {shards}
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
            WHERE shard = NEW.card_id % {shards}
              AND slug IN (SELECT slug FROM card_tools WHERE card_id = NEW.card_id);
        UPDATE tool_counts SET wins = wins - 1
            WHERE shard = NEW.card_id % {shards}
              AND slug = (SELECT slug FROM card_tools
                          WHERE card_id = OLD.card_id AND position = OLD.choice);
        UPDATE tool_counts SET wins = wins + 1
            WHERE shard = NEW.card_id % {shards}
              AND slug = (SELECT slug FROM card_tools
                          WHERE card_id = NEW.card_id AND position = NEW.choice);
    END;
"""

POSTGRES_3 = """
    CREATE OR REPLACE FUNCTION vote_tallied() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        old_choice INTEGER := CASE WHEN TG_OP = 'UPDATE' THEN OLD.choice END;
        counter INTEGER := NEW.card_id % {shards};
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
"""


# 4: the vote order rule, through `vote_reactions`.

SQLITE_4 = """
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
"""

POSTGRES_4 = """
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
"""


# 6: all of them dropped; the batch writer applies votes from here on.

SQLITE_6 = """
    DROP TRIGGER vote_event_applied;
    DROP TRIGGER vote_cast;
    DROP TRIGGER vote_changed;
"""

POSTGRES_6 = """
    DROP TRIGGER vote_event_applied ON vote_events;
    DROP FUNCTION vote_event_applied();
    DROP TRIGGER vote_tallied ON votes;
    DROP FUNCTION vote_tallied();
"""
