"""The schema, read back from the databases themselves: a fresh SQLite file and a fresh
PostgreSQL database end with the same tables, columns and indexes, and a database left at any
older version upgrades in place to exactly what a fresh one has."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.storage import SCHEMA_VERSION
from bot.votes import Store
from tests.conftest import fresh_postgres_database
from tests.storage.schema_v10 import POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS

Shape = dict[str, object]
"""Tables (name → columns: name → (kind, nullable)) and the indexes made on purpose (name →
table, columns, condition or not): what a query can rely on, in either dialect."""

KINDS = {
    "integer": "integer",
    "bigint": "integer",
    "text": "text",
    "real": "real",
    "double precision": "real",
}


def _sqlite_shape(path: Path) -> Shape:
    connection = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        columns = {
            table: {
                name: (KINDS[kind.lower()], not (notnull or pk))
                for _, name, kind, notnull, _, pk in connection.execute(
                    f"PRAGMA table_info({table})"
                )
            }
            for table in tables
        }
        indexes = {
            name: (
                table,
                tuple(c for _, _, c in connection.execute(f"PRAGMA index_info({name})")),
                " WHERE " in sql,
            )
            for name, table, sql in connection.execute(
                "SELECT name, tbl_name, sql FROM sqlite_master "
                "WHERE type = 'index' AND sql IS NOT NULL"
            )
        }
    finally:
        connection.close()
    return {"tables": columns, "indexes": indexes}


async def _postgres_shape(url: str) -> Shape:
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch(
            "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns"
            " WHERE table_schema = 'public' AND table_name <> 'schema_version'"
        )
        columns: dict[str, dict[str, tuple[str, bool]]] = {}
        for row in rows:
            columns.setdefault(row["table_name"], {})[row["column_name"]] = (
                KINDS[row["data_type"]],
                row["is_nullable"] == "YES",
            )
        made = await connection.fetch(
            """
            SELECT i.relname AS name, t.relname AS "table", x.indpred IS NOT NULL AS partial,
                   array(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY k(attnum, n)
                         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                         ORDER BY k.n) AS columns
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_namespace s ON s.oid = t.relnamespace
            WHERE s.nspname = 'public'
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
            """
        )
        indexes = {r["name"]: (r["table"], tuple(r["columns"]), r["partial"]) for r in made}
    finally:
        await connection.close()
    return {"tables": columns, "indexes": indexes}


def _sqlite_at(path: Path, version: int) -> None:
    """A SQLite file as a bot of schema `version` left it (the frozen migrations)."""
    connection = sqlite3.connect(path)
    try:
        for number in range(version):
            connection.executescript(
                f"BEGIN; {SQLITE_MIGRATIONS[number]}; PRAGMA user_version = {number + 1}; COMMIT;"
            )
    finally:
        connection.close()


async def _postgres_at(url: str, version: int) -> None:
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        await connection.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        for number in range(version):
            await connection.execute(POSTGRES_MIGRATIONS[number])
            await connection.execute("INSERT INTO schema_version VALUES ($1)", number + 1)
    finally:
        await connection.close()


async def _fresh_sqlite(tmp_path: Path) -> Shape:
    store = await Store.open(tmp_path / "fresh.db")
    await store.close()
    return _sqlite_shape(tmp_path / "fresh.db")


def test_the_shape_reader_sees_what_a_migration_adds(tmp_path: Path) -> None:
    """The comparison can fail: versions 6 and 7 differ by the poll tables."""
    _sqlite_at(tmp_path / "six.db", 6)
    _sqlite_at(tmp_path / "seven.db", 7)
    six, seven = _sqlite_shape(tmp_path / "six.db"), _sqlite_shape(tmp_path / "seven.db")
    assert six != seven
    assert "card_closes" in str(seven["tables"]) and "card_closes" not in str(six["tables"])


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
async def test_a_sqlite_file_at_every_older_version_upgrades_in_place(
    tmp_path: Path, version: int
) -> None:
    old = tmp_path / f"v{version}.db"
    _sqlite_at(old, version)
    store = await Store.open(old)
    await store.close()
    assert _sqlite_shape(old) == await _fresh_sqlite(tmp_path)


async def test_fresh_sqlite_and_postgresql_have_the_same_tables_columns_and_indexes(
    tmp_path: Path,
) -> None:
    async with fresh_postgres_database() as url:
        store = await Store.open(url)
        await store.close()
        assert await _postgres_shape(url) == await _fresh_sqlite(tmp_path)


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
async def test_a_postgresql_database_at_every_older_version_upgrades_in_place(
    tmp_path: Path, version: int
) -> None:
    async with fresh_postgres_database() as url:
        await _postgres_at(url, version)
        store = await Store.open(url)
        await store.close()
        assert await _postgres_shape(url) == await _fresh_sqlite(tmp_path)
