"""The databases under the store: SQLite or PostgreSQL behind one small interface (database),
the schema as numbered migrations written once for both dialects (migrations), and which
module owns each table (owners)."""

from bot.storage.database import (
    Database,
    DatabaseError,
    NotSetUp,
    Step,
    Steps,
    Transaction,
    exists,
    is_postgres_url,
    open_database,
    read_schema_version,
    sqlite_path,
)
from bot.storage.migrations import (
    COUNTER_SHARDS,
    FILL_CHOICE_COUNTS,
    POSTGRES_MIGRATIONS,
    SCHEMA_VERSION,
    SQLITE_MIGRATIONS,
    TOOL_SET_SEPARATOR,
    Dialect,
)

__all__ = [
    "COUNTER_SHARDS",
    "FILL_CHOICE_COUNTS",
    "POSTGRES_MIGRATIONS",
    "SCHEMA_VERSION",
    "SQLITE_MIGRATIONS",
    "TOOL_SET_SEPARATOR",
    "Database",
    "DatabaseError",
    "Dialect",
    "NotSetUp",
    "Step",
    "Steps",
    "Transaction",
    "exists",
    "is_postgres_url",
    "open_database",
    "read_schema_version",
    "sqlite_path",
]
