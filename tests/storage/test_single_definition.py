"""The schema written once (`bot.storage.migrations`) builds exactly what the two hand-written
dialects built before it (`tests/storage/schema_v10.py`, frozen): a fresh database has the same
tables, columns, types, defaults, constraints and indexes to the byte, and a database that an
older bot left at any version, with its votes, upgrades to the same schema and the same rows."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import pytest

from bot.storage import SCHEMA_VERSION, is_postgres_url, open_database
from bot.storage.migrations import MIGRATIONS, SPELLINGS, Migration, spelled
from bot.votes import Store
from bot.weekly import WeeklyStore
from tests.conftest import fresh_postgres_database
from tests.storage import schema_v10 as frozen

Dump = dict[str, Any]

# What a bot of schema version 1 had stored: three cards (the third shows one tool twice), votes
# cast, moved and retracted through the event log (its triggers kept the tallies), a logged
# request and a weekly subscription.
V1_DATA = (
    "INSERT INTO meta (key, value) VALUES ('voter_salt', '" + "ab" * 32 + "')",
    "INSERT INTO cards (platform, channel, message_id, asked_by, created_at) VALUES "
    "('slack', 'C1', '1.1', 'h-asker', '2025-01-06T10:00:00+00:00'), "
    "('discord', 'D1', '777', 'h-asker', '2025-01-07T10:00:00+00:00'), "
    "('console', 'term', '3', 'h-other', '2025-01-08T10:00:00+00:00')",
    "INSERT INTO card_tools (card_id, position, slug) VALUES "
    "(1, 0, 'gpt-4o'), (1, 1, 'claude-3-5-haiku'), "
    "(2, 0, 'claude-3-5-haiku'), (2, 1, 'gpt-4o'), (2, 2, 'smolvlm2'), "
    "(3, 0, 'gpt-4o'), (3, 1, 'gpt-4o')",
    "INSERT INTO tool_stats (slug) VALUES ('gpt-4o'), ('claude-3-5-haiku'), ('smolvlm2')",
    "INSERT INTO vote_events (event_key, card_id, voter, added, choice, event_time, seen_at) "
    "VALUES "
    "('e1', 1, 'ann', 1, 0, 10.0, 10.0), ('e2', 1, 'bob', 1, 1, 11.0, 11.0), "
    "('e3', 1, 'cy', 1, 0, 12.0, 12.0), ('e4', 1, 'ann', 0, 0, 13.0, 13.0), "
    "('e5', 1, 'ann', 1, 1, 14.0, 14.0), ('e6', 2, 'ann', 1, 2, 15.0, 15.0), "
    "('e7', 2, 'dee', 1, 0, 16.0, 16.0), ('e8', 2, 'cy', 1, 1, 17.0, 17.0), "
    "('e9', 2, 'cy', 0, 1, 18.0, 18.0), ('e10', 3, 'bob', 1, 1, 19.0, 19.0)",
    "INSERT INTO requests (platform, channel, tools, asked_at) VALUES "
    "('slack', 'C1', '[\"claude-3-5-haiku\", \"gpt-4o\"]', '2025-01-06T10:00:00+00:00')",
    "INSERT INTO subscriptions (platform, channel, weekday, hour, timezone, subscribed_by, "
    "created_at) VALUES ('slack', 'C1', 0, 9, 'Europe/Paris', 'h-asker', "
    "'2025-01-06T10:00:00+00:00')",
)


def test_each_migration_is_spelled_for_both_dialects_with_nothing_left_to_fill() -> None:
    for number, migration in enumerate(MIGRATIONS, 1):
        assert set(migration.sqlite) == set(migration.postgresql), number
        for dialect in SPELLINGS:
            assert "{" not in migration.spelled(dialect), (number, dialect)


def test_a_word_no_dialect_spells_fails_loudly() -> None:
    with pytest.raises(KeyError, match="bigserial"):
        Migration("CREATE TABLE t (id {bigserial});").spelled("sqlite")
    assert spelled("x {bigint} {without_rowid}", "postgresql") == "x BIGINT "


# --- building databases the old way, and reading them back whole ----------------------------


async def _old_way(location: str, versions: range, migrations: Sequence[str] = ()) -> None:
    """Run the frozen migrations (or `migrations`) numbered in `versions` (1-based) the way
    the bot of 44010d3 ran them: each in one transaction with its version number."""
    steps = migrations or (
        frozen.POSTGRES_MIGRATIONS if is_postgres_url(location) else frozen.SQLITE_MIGRATIONS
    )
    if not is_postgres_url(location):
        connection = sqlite3.connect(location)
        try:
            for number in versions:
                connection.executescript(
                    f"BEGIN; {steps[number - 1]}; PRAGMA user_version = {number}; COMMIT;"
                )
        finally:
            connection.close()
        return
    import asyncpg

    server = await asyncpg.connect(location)
    try:
        await server.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        for number in versions:
            async with server.transaction():
                await server.execute(steps[number - 1])
                await server.execute("INSERT INTO schema_version (version) VALUES ($1)", number)
    finally:
        await server.close()


async def _run(location: str, statements: Sequence[str]) -> None:
    if not is_postgres_url(location):
        connection = sqlite3.connect(location)
        try:
            with connection:
                for statement in statements:
                    connection.execute(statement)
        finally:
            connection.close()
        return
    import asyncpg

    server = await asyncpg.connect(location)
    try:
        async with server.transaction():
            for statement in statements:
                await server.execute(statement)
    finally:
        await server.close()


async def _new_way(location: str) -> None:
    """Open the database as the bot does now: it runs the migrations it has not seen."""
    db = await open_database(location)
    await db.close()


def _sqlite_dump(location: str) -> Dump:
    """Every schema object's own SQL text as SQLite keeps it (columns, types, defaults,
    checks, keys, indexes), the version, and every row of every table."""
    connection = sqlite3.connect(location)
    try:
        schema = connection.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master "
            "WHERE name NOT LIKE 'sqlite_stat%' ORDER BY type, name"
        ).fetchall()
        tables = [name for kind, name, _, _ in schema if kind == "table"]
        return {
            "schema": schema,
            "version": connection.execute("PRAGMA user_version").fetchall(),
            "rows": {
                table: _sorted_rows(connection.execute(f"SELECT * FROM {table}"))
                for table in tables
            },
        }
    finally:
        connection.close()


_POSTGRES_CATALOG = {
    "tables": "SELECT relname, relkind, relpersistence FROM pg_class "
    "WHERE relnamespace = 'public'::regnamespace",
    "columns": "SELECT c.relname, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), "
    "a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated "
    "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
    "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
    "WHERE c.relnamespace = 'public'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped",
    "constraints": "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
    "FROM pg_constraint WHERE connamespace = 'public'::regnamespace",
    "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
    "sequences": "SELECT sequencename, data_type, start_value, increment_by, max_value "
    "FROM pg_sequences WHERE schemaname = 'public'",
    "owned_sequences": "SELECT s.relname, t.relname, a.attname FROM pg_depend d "
    "JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' "
    "JOIN pg_class t ON t.oid = d.refobjid "
    "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid "
    "WHERE s.relnamespace = 'public'::regnamespace",
    "functions": "SELECT proname, pg_get_functiondef(oid) FROM pg_proc "
    "WHERE pronamespace = 'public'::regnamespace",
    "triggers": "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal",
}
"""PostgreSQL's own account of a schema: each object as the server would write it back."""


async def _postgres_dump(location: str) -> Dump:
    import asyncpg

    server = await asyncpg.connect(location)
    try:
        dump: Dump = {
            part: _sorted_rows(await server.fetch(query))
            for part, query in _POSTGRES_CATALOG.items()
        }
        tables = [
            name
            for (name,) in await server.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
        ]
        dump["rows"] = {
            table: _sorted_rows(await server.fetch(f"SELECT * FROM {table}")) for table in tables
        }
        return dump
    finally:
        await server.close()


def _sorted_rows(rows: Any) -> list[tuple[Any, ...]]:
    return sorted((tuple(row) for row in rows), key=repr)


async def _dump(location: str) -> Dump:
    return await _postgres_dump(location) if is_postgres_url(location) else _sqlite_dump(location)


@pytest.fixture(params=["sqlite", "postgresql"])
async def two_databases(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[tuple[str, str]]:
    """Two empty databases of one dialect: one for the old way, one for the new."""
    if request.param == "sqlite":
        yield str(tmp_path / "old.db"), str(tmp_path / "new.db")
        return
    async with AsyncExitStack() as stack:
        first = await stack.enter_async_context(fresh_postgres_database())
        second = await stack.enter_async_context(fresh_postgres_database())
        yield first, second


# --- the comparisons ----------------------------------------------------------------------


async def test_a_fresh_database_has_todays_schema_to_the_byte(
    two_databases: tuple[str, str],
) -> None:
    old, new = two_databases
    await _old_way(old, range(1, SCHEMA_VERSION + 1))
    await _new_way(new)
    old_dump, new_dump = await _dump(old), await _dump(new)
    assert old_dump["rows"]  # a schema read back whole (the tables are there, and meta's row)
    assert new_dump == old_dump


async def test_the_comparison_sees_a_changed_default(two_databases: tuple[str, str]) -> None:
    """The dump can fail: one default spelt differently in migration 1 shows."""
    old, changed = two_databases
    await _old_way(old, range(1, SCHEMA_VERSION + 1))
    steps = frozen.POSTGRES_MIGRATIONS if is_postgres_url(old) else frozen.SQLITE_MIGRATIONS
    edited = (steps[0].replace("DEFAULT 'UTC'", "DEFAULT 'GMT'"), *steps[1:])
    await _old_way(changed, range(1, SCHEMA_VERSION + 1), edited)
    assert await _dump(changed) != await _dump(old)


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
async def test_a_database_an_older_bot_left_upgrades_to_what_the_old_migrations_made(
    two_databases: tuple[str, str], version: int
) -> None:
    """Both start as a version 1 database with votes in it; the old migrations take one to the
    current version, the old ones to `version` and then the new ones take the other."""
    reference, upgraded = two_databases
    for location in (reference, upgraded):
        await _old_way(location, range(1, 2))
        await _run(location, V1_DATA)
    await _old_way(reference, range(2, SCHEMA_VERSION + 1))
    await _old_way(upgraded, range(2, version + 1))
    await _new_way(upgraded)
    expected, found = await _dump(reference), await _dump(upgraded)
    assert found["rows"]["choice_counts"]  # the tallies were filled from the votes
    assert found == expected


async def test_a_version_1_database_built_the_old_way_keeps_every_vote_after_the_upgrade(
    db_location: str,
) -> None:
    await _old_way(db_location, range(1, 2))
    await _run(db_location, V1_DATA)
    store = await Store.open(db_location)
    try:
        # card 1: ann moved to haiku, bob haiku, cy gpt-4o; card 2: ann smolvlm2, dee haiku, cy
        # retracted; card 3 (gpt-4o twice): bob for the second
        assert [await store.card_tally(card) for card in (1, 2, 3)] == [(1, 2), (1, 0, 1), (0, 1)]
        pair = await store.head_to_head("gpt-4o", "claude-3-5-haiku")
        assert (pair.first_wins, pair.second_wins, pair.votes) == (1, 3, 5)
        tallies = await store.tool_tallies(["gpt-4o", "claude-3-5-haiku", "smolvlm2"])
        assert {slug: t.votes for slug, t in tallies.items()} == {
            "gpt-4o": 6,
            "claude-3-5-haiku": 5,
            "smolvlm2": 2,
        }
        assert len(await store.vote_rows()) == 6
        [subscription] = await WeeklyStore(store).subscriptions()
        assert (subscription.channel, subscription.timezone) == ("C1", "Europe/Paris")
    finally:
        await store.close()
