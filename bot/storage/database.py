"""The two databases the store runs on, behind one small interface.

SQLite (aiosqlite) is the embedded default; PostgreSQL (asyncpg) lets several bot processes
share one store. The store writes its SQL once, with `?` placeholders, in the subset both
understand; each migration exists in both dialects and they stay in step.
"""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
import urllib.parse
from collections.abc import AsyncIterator, Generator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

import aiosqlite

from bot.storage.migrations import (
    POSTGRES_MIGRATIONS,
    POSTGRES_SCRATCH,
    SQLITE_MIGRATIONS,
    SQLITE_SCRATCH,
    Dialect,
)

Row = tuple[Any, ...]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Step:
    """One statement of a `Steps` script: `fetch` returns its rows, `execute` the rows changed,
    `executemany` nothing, `copy` appends `params` (rows) to the table named by `sql`."""

    kind: Literal["fetch", "execute", "executemany", "copy"]
    sql: str
    params: Sequence[Any] = ()
    columns: Sequence[str] = ()


Steps = Generator[Step, Any, T]
"""A transaction written as a generator: it yields statements, receives each one's result and
returns the transaction's. The database runs it (see `Database.run_steps`)."""
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 5000",
    # A voting rush rewrites the same hot pages batch after batch: with checkpoints every 8,192
    # pages (32 MiB of WAL) rather than SQLite's 1,000, a checkpoint copies each page once for
    # many batches instead of after nearly every one (10–25% more votes/s measured).
    "PRAGMA wal_autocheckpoint = 8192",
)
CONNECT_TIMEOUT = 10.0
"""Seconds to reach PostgreSQL before saying so, rather than hanging a command."""
ANALYSIS_LIMIT = 1000
"""Rows SQLite's ANALYZE reads per index (`PRAGMA analysis_limit`): estimates good enough
for the planner's choices, in milliseconds even at 10M votes."""
STALE_SHARE = 0.1
"""PostgreSQL tables changed by more than this share since their last ANALYZE are analyzed
when the bot starts, rather than whenever autovacuum comes round."""
MIGRATION_LOCK = 7_007_001
"""PostgreSQL advisory lock key: one process migrates while the others wait."""


class DatabaseError(Exception):
    """The database cannot be opened or used; the message says why, without secrets."""


class NotSetUp(DatabaseError):
    """Opened read-only, the database has no tables yet: nothing has been stored in it."""


class Transaction(Protocol):
    async def fetch(self, sql: str, params: Sequence[object] = ()) -> list[Row]: ...

    async def execute(self, sql: str, params: Sequence[object] = ()) -> int:
        """Run one statement; returns how many rows it changed."""
        ...

    async def executemany(self, sql: str, rows: Sequence[Sequence[object]]) -> None: ...

    async def copy_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[object]]
    ) -> None:
        """Append many rows to one table the fastest way the database offers (COPY on
        PostgreSQL), e.g. a batch of votes into its scratch table."""
        ...


class Database(Protocol):
    dialect: Dialect

    async def fetch(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        """A read outside any transaction (sees only committed data)."""
        ...

    def transaction(self) -> Any:
        """`async with db.transaction() as tx:` — committed on exit, rolled back on error."""
        ...

    async def run_steps(self, steps: Steps[T]) -> T:
        """Run `steps` as one transaction; committed when it returns, rolled back on error.
        SQLite runs the whole script in one hop on its connection's thread, off the event loop:
        a busy loop answers each hop only after all its ready work, so per-statement awaits
        would make a batch of votes wait many loop turns."""
        ...

    async def refresh_statistics(self) -> None:
        """Gather the statistics the query planner chooses plans by. Without them SQLite reads
        the hidden-card part of the tallies by scanning every card holding a tool (25 ms
        instead of 1 ms at 10M votes). Done after migrations, at start and periodically."""
        ...

    async def close(self) -> None: ...


def is_postgres_url(location: str) -> bool:
    return location.startswith(("postgresql://", "postgres://"))


def sqlite_path(location: str | Path) -> str:
    """A bare path or `sqlite:///path`."""
    text = str(location)
    return text.removeprefix("sqlite:///") if text.startswith("sqlite:///") else text


def exists(location: str | Path) -> bool:
    """Whether there is a database to read: a server URL is taken to exist, a file must."""
    return is_postgres_url(str(location)) or Path(sqlite_path(location)).is_file()


MIN_READABLE_VERSION = 3
"""The oldest schema a read-only open can read (its queries need the sharded tallies)."""


async def open_database(location: str | Path, *, read_only: bool = False) -> Database:
    """Open (and migrate) the database; `read_only` opens it for reading only: no migration,
    no file created, nothing written, so it works on a read-only file or mount."""
    if is_postgres_url(str(location)):
        return await PostgresDatabase.open(str(location), read_only=read_only)
    return await SqliteDatabase.open(sqlite_path(location), read_only=read_only)


async def read_schema_version(location: str | Path) -> int | None:
    """The schema version of an existing database, read without creating or migrating it
    (`verdict doctor` must change nothing). None when there is no database yet; 0 for an
    empty PostgreSQL database the bot has not set up."""
    if is_postgres_url(str(location)):
        return await _postgres_schema_version(str(location))
    path = Path(sqlite_path(location))
    if not path.is_file():
        return None
    return await asyncio.to_thread(_sqlite_schema_version, path)


def _sqlite_schema_version(path: Path) -> int:
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise DatabaseError(f"cannot open {path}: {error}") from None
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        row = connection.execute("PRAGMA user_version").fetchone()
    except sqlite3.Error as error:
        raise DatabaseError(f"cannot read {path}: {error}") from None
    finally:
        connection.close()
    return int(row[0]) if row else 0


async def _postgres_schema_version(url: str) -> int:
    import asyncpg

    try:
        connection = await asyncpg.connect(url, timeout=CONNECT_TIMEOUT)
    except (TimeoutError, OSError, asyncpg.PostgresError, ValueError) as error:
        raise DatabaseError(f"cannot reach the PostgreSQL database: {error}") from None
    try:
        if await connection.fetchval("SELECT to_regclass('schema_version')") is None:
            return 0
        return int(await connection.fetchval("SELECT max(version) FROM schema_version") or 0)
    except asyncpg.PostgresError as error:
        raise DatabaseError(f"cannot read the PostgreSQL database: {error}") from None
    finally:
        await connection.close()


# --- SQLite ---------------------------------------------------------------------------


class _SqliteTransaction:
    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection

    async def fetch(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        async with self._connection.execute(sql, tuple(params)) as cursor:
            return [tuple(row) for row in await cursor.fetchall()]

    async def execute(self, sql: str, params: Sequence[object] = ()) -> int:
        cursor = await self._connection.execute(sql, tuple(params))
        return cursor.rowcount

    async def executemany(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        await self._connection.executemany(sql, [tuple(r) for r in rows])

    async def copy_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[object]]
    ) -> None:
        marks = ",".join("?" * len(columns))
        await self._connection.executemany(
            f"INSERT INTO {table} ({','.join(columns)}) VALUES ({marks})", rows
        )


class SqliteDatabase:
    """One writing and one reading connection; WAL lets reads run beside a write.

    Reads take turns on the reading connection: a statement left half-read while another
    flow reads would hold the connection's snapshot open, and a later read could then miss a
    write its own flow had already committed. One whole statement at a time means every read
    starts a fresh snapshot that holds everything committed before it began.
    """

    dialect: Dialect = "sqlite"

    def __init__(self, writer: aiosqlite.Connection, reader: aiosqlite.Connection) -> None:
        self._writer = writer
        self._reader = reader
        self._lock = asyncio.Lock()
        self._read_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str, *, read_only: bool = False) -> SqliteDatabase:
        mode = "ro" if read_only else "rwc"
        uri = f"file:{urllib.parse.quote(str(Path(path).absolute()))}?mode={mode}"
        try:
            # Fails here, in this thread, when the file cannot be opened (a missing directory,
            # no permission): a failed aiosqlite connect leaves a worker thread that reports
            # into the closed event loop after the command has exited.
            _probe(uri)
        except sqlite3.Error as error:
            if not (read_only and not os.access(Path(path).absolute().parent, os.W_OK)):
                raise DatabaseError(f"cannot open {path}: {_why(path, error)}") from None
            # A read-only directory (a read-only mount, a backup): SQLite cannot make the WAL
            # index beside the file, and nobody can be writing there, so read it as immutable.
            uri += "&immutable=1"
            try:
                _probe(uri)
            except sqlite3.Error as second:
                raise DatabaseError(f"cannot open {path}: {_why(path, second)}") from None
        opened: list[aiosqlite.Connection] = []
        try:
            writer = await aiosqlite.connect(uri, uri=True)
            opened.append(writer)
            if read_only:
                await writer.execute("PRAGMA query_only = ON")
                await _check_readable(writer)
                return cls(writer, writer)
            await _configure(writer)
            await _migrate_sqlite(writer)
            await writer.executescript(SQLITE_SCRATCH)
            await _analyze_sqlite(writer)
            reader = await aiosqlite.connect(uri, uri=True)
            opened.append(reader)
            await _configure(reader)
        except (sqlite3.DatabaseError, DatabaseError) as error:
            for connection in opened:  # an open connection's thread would keep the process alive
                await connection.close()
            if isinstance(error, DatabaseError):
                raise
            raise DatabaseError(f"cannot open {path}: {error}") from error
        return cls(writer, reader)

    async def fetch(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        async with self._read_lock, self._reader.execute(sql, tuple(params)) as cursor:
            return [tuple(row) for row in await cursor.fetchall()]

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_SqliteTransaction]:
        """Takes the write lock at once (BEGIN IMMEDIATE): a transaction that reads before it
        writes, like a batch of votes checking which cards are closed, then cannot lose the
        race to another process's write between its read and its write."""
        async with self._lock:
            await self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield _SqliteTransaction(self._writer)
            except BaseException:
                await self._writer.rollback()
                raise
            await self._writer.commit()

    async def run_steps(self, steps: Steps[T]) -> T:
        """The whole transaction (BEGIN IMMEDIATE, the statements, COMMIT with its fsync) runs
        in one hop on the writing connection's own thread, so the event loop goes on accepting
        and acknowledging events meanwhile; the caller resumes once it has committed.

        The thread must win the GIL back from a busy loop after every call into SQLite (up to
        the interpreter's 5 ms switch interval), so the scripts run here are a few set-based
        statements, never one call per row (`bot.votes.batch`)."""
        async with self._lock:
            # aiosqlite runs functions on its connection's thread in order; `_execute` is how
            # its own methods hand work over (it has no public one for a whole script).
            outcome: T = await self._writer._execute(  # type: ignore[no-untyped-call]
                _run_transaction, self._writer._conn, steps
            )
            return outcome

    async def refresh_statistics(self) -> None:
        async with self._lock:
            await _analyze_sqlite(self._writer)

    async def close(self) -> None:
        if self._reader is not self._writer:
            await self._reader.close()
        await self._writer.close()


async def _analyze_sqlite(connection: aiosqlite.Connection) -> None:
    """Statistics are an optimisation: a damaged page they cannot read is left for the
    integrity check (`Store.open(check=True)`) and the reads that reach it to report."""
    try:
        await connection.executescript(
            f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}; ANALYZE; PRAGMA optimize;"
        )
    except sqlite3.DatabaseError:
        return


def _run_transaction(connection: sqlite3.Connection, steps: Steps[T]) -> T:
    connection.execute("BEGIN IMMEDIATE")
    try:
        value = _run_statements(connection, steps)
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    return value


def _run_statements(connection: sqlite3.Connection, steps: Steps[T]) -> T:
    result: Any = None
    while True:
        try:
            step = steps.send(result)
        except StopIteration as finished:
            value: T = finished.value
            return value
        if step.kind == "fetch":
            result = connection.execute(step.sql, tuple(step.params)).fetchall()
        elif step.kind == "execute":
            result = connection.execute(step.sql, tuple(step.params)).rowcount
        elif step.kind == "executemany":
            result = connection.executemany(step.sql, step.params)
        else:
            marks = ",".join("?" * len(step.columns))
            columns = ",".join(step.columns)
            sql = f"INSERT INTO {step.sql} ({columns}) VALUES ({marks})"
            result = connection.executemany(sql, step.params)


def _probe(uri: str) -> None:
    connection = sqlite3.connect(uri, uri=True)
    try:
        connection.execute("PRAGMA schema_version").fetchone()
    finally:
        connection.close()


def _why(path: str, error: sqlite3.Error) -> str:
    directory = Path(path).absolute().parent
    if not directory.is_dir():
        return f"the directory {directory} does not exist"
    return str(error)


async def _check_readable(db: aiosqlite.Connection) -> None:
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    version = int(row[0]) if row else 0
    _refuse_newer(version, len(SQLITE_MIGRATIONS))
    if version == 0:
        raise NotSetUp("the database is empty")
    if version < MIN_READABLE_VERSION:
        raise DatabaseError(
            f"the database has schema version {version}; start the bot (or `verdict chat`) "
            "once to upgrade it"
        )


async def _configure(db: aiosqlite.Connection) -> None:
    for pragma in SQLITE_PRAGMAS:
        await db.execute(pragma)


async def _migrate_sqlite(db: aiosqlite.Connection) -> None:
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    version = int(row[0]) if row else 0
    _refuse_newer(version, len(SQLITE_MIGRATIONS))
    for number in range(version, len(SQLITE_MIGRATIONS)):
        await db.executescript(
            f"BEGIN; {SQLITE_MIGRATIONS[number]}; PRAGMA user_version = {number + 1}; COMMIT;"
        )


def _refuse_newer(version: int, known: int) -> None:
    if version > known:
        raise DatabaseError(
            f"the database has schema version {version}, newer than this bot's {known}; "
            "upgrade the bot"
        )


# --- PostgreSQL -----------------------------------------------------------------------


@lru_cache(maxsize=256)
def to_postgres(sql: str) -> str:
    """`?` placeholders become `$1`, `$2`, … (the store's SQL has no `?` inside literals)."""
    counter = iter(range(1, 10_000))
    return re.sub(r"\?", lambda _: f"${next(counter)}", sql)


def _rowcount(status: str) -> int:
    """asyncpg reports "INSERT 0 1" / "UPDATE 3"; the last number is the rows changed."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class _PostgresTransaction:
    def __init__(self, connection: Any) -> None:
        self._connection = connection

    async def fetch(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        return [tuple(r) for r in await self._connection.fetch(to_postgres(sql), *params)]

    async def execute(self, sql: str, params: Sequence[object] = ()) -> int:
        return _rowcount(await self._connection.execute(to_postgres(sql), *params))

    async def executemany(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        await self._connection.executemany(to_postgres(sql), [tuple(r) for r in rows])

    async def copy_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[object]]
    ) -> None:
        await self._connection.copy_records_to_table(table, records=rows, columns=list(columns))


class PostgresDatabase:
    """A small asyncpg pool. Exactly-once guarantees come from constraints and transactions,
    so any number of bot processes may share one database."""

    dialect: Dialect = "postgresql"

    def __init__(self, pool: Any) -> None:
        self._pool = pool

    @classmethod
    async def open(cls, url: str, *, read_only: bool = False) -> PostgresDatabase:
        import asyncpg

        settings = {"default_transaction_read_only": "on"} if read_only else None
        try:
            pool = await asyncpg.create_pool(
                url,
                min_size=1,
                max_size=4,
                timeout=CONNECT_TIMEOUT,
                server_settings=settings,
                init=None if read_only else _make_scratch,
            )
        except (OSError, asyncpg.PostgresError, ValueError, TimeoutError) as error:
            reason = str(error) or f"no answer within {CONNECT_TIMEOUT:g} s"
            raise DatabaseError(
                f"cannot open the PostgreSQL database: {type(error).__name__}: {reason}"
            ) from None
        try:
            if read_only:
                known = await pool.fetchval("SELECT to_regclass('schema_version') IS NOT NULL")
                version = (
                    await pool.fetchval("SELECT max(version) FROM schema_version") if known else 0
                )
                _refuse_newer(version or 0, len(POSTGRES_MIGRATIONS))
                if not version:
                    raise NotSetUp("the database is empty")
                if version < MIN_READABLE_VERSION:
                    raise DatabaseError(
                        f"the database has schema version {version}; start the bot once to "
                        "upgrade it"
                    )
            else:
                await _migrate_postgres(pool)
        except BaseException:
            await pool.close()
            raise
        database = cls(pool)
        if not read_only:
            await database.refresh_statistics()
        return database

    async def fetch(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        return [tuple(r) for r in await self._pool.fetch(to_postgres(sql), *params)]

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_PostgresTransaction]:
        async with self._pool.acquire() as connection, connection.transaction():
            yield _PostgresTransaction(connection)

    async def run_steps(self, steps: Steps[T]) -> T:
        async with self._pool.acquire() as connection, connection.transaction():
            tx = _PostgresTransaction(connection)
            result: Any = None
            while True:
                try:
                    step = steps.send(result)
                except StopIteration as finished:
                    value: T = finished.value
                    return value
                if step.kind == "fetch":
                    result = await tx.fetch(step.sql, step.params)
                elif step.kind == "execute":
                    result = await tx.execute(step.sql, step.params)
                elif step.kind == "executemany":
                    await tx.executemany(step.sql, step.params)
                    result = None
                else:
                    await tx.copy_rows(step.sql, step.columns, step.params)
                    result = None

    async def refresh_statistics(self) -> None:
        """Tables much changed since autovacuum last analyzed them (a bulk load, a restore)."""
        async with self._pool.acquire() as connection:
            stale = await connection.fetch(
                "SELECT relname FROM pg_stat_user_tables WHERE n_mod_since_analyze > 1000 "
                "AND n_mod_since_analyze > $1 * greatest(n_live_tup, 1) ORDER BY relname",
                STALE_SHARE,
            )
            for (table,) in stale:
                await connection.execute(f'ANALYZE "{table}"')

    async def close(self) -> None:
        await self._pool.close()


async def _make_scratch(connection: Any) -> None:
    """Every writing connection gets the vote writer's scratch table. The first connection
    comes up before the migrations have run on an empty database, which is fine: the scratch
    table refers to nothing in the schema."""
    await connection.execute(POSTGRES_SCRATCH)


async def _migrate_postgres(pool: Any) -> None:
    async with pool.acquire() as connection:
        await connection.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
        try:
            await connection.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
            )
            version = await connection.fetchval("SELECT max(version) FROM schema_version") or 0
            _refuse_newer(version, len(POSTGRES_MIGRATIONS))
            for number in range(version, len(POSTGRES_MIGRATIONS)):
                async with connection.transaction():
                    await connection.execute(POSTGRES_MIGRATIONS[number])
                    await connection.execute(
                        "INSERT INTO schema_version (version) VALUES ($1)", number + 1
                    )
        finally:
            await connection.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)
