"""One owner per table (`bot.storage.owners`): the SQL in every module of `bot/` and
`adapters/` is read, and a statement that writes a table outside its owner, or reads FROM one
as its main table, fails the test; a read may JOIN other owners' tables. SQL keywords are
written in capitals in this code base, which is how the reader tells SQL from prose."""

from __future__ import annotations

import ast
import importlib
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.storage.migrations import SQLITE_MIGRATIONS, SQLITE_SCRATCH
from bot.storage.owners import OWNER_PARTS, SCHEMA_MODULES, TABLE_OWNERS

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("bot", "adapters")

_WRITES = re.compile(
    r"\b(?:INSERT INTO|UPDATE|DELETE FROM|ALTER TABLE|DROP TABLE(?: IF EXISTS)?"
    r"|CREATE (?:TEMP )?TABLE(?: IF NOT EXISTS)?|CREATE INDEX \w+ ON)\s+(\w+)"
)
_READS = re.compile(r"\b(?:FROM|JOIN)\s+(\w+)")


@dataclass(frozen=True)
class Foreign:
    module: str
    line: int
    table: str
    owner: str
    how: str  # "writes" or "reads from"

    def __str__(self) -> str:
        return f"{self.module}:{self.line} {self.how} {self.table}, owned by {self.owner}"


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _texts(source: str) -> Iterator[tuple[int, str]]:
    """Each string literal (an f-string with its holes as `?`) and its line, docstrings aside.
    Adjacent literals are one string already; pieces joined at run time are read one by one."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    inside_fstrings = {
        id(part)
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        for part in ast.walk(node)
        if part is not node
    }
    for node in ast.walk(tree):
        if id(node) in docstrings or id(node) in inside_fstrings:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value
        elif isinstance(node, ast.JoinedStr):
            yield (
                node.lineno,
                "".join(
                    part.value if isinstance(part, ast.Constant) else "?" for part in node.values
                ),
            )


def foreign_sql(module: str, source: str) -> list[Foreign]:
    """The statements in `source` that `module` may not hold: a write to a table another module
    owns, or a read whose main table (the first named FROM) another module owns."""
    if module in SCHEMA_MODULES:
        return []
    acting_as = OWNER_PARTS.get(module, module)
    found = []
    for line, text in _texts(source):
        written = [t for t in _WRITES.findall(text) if t in TABLE_OWNERS]
        for table in written:
            if TABLE_OWNERS[table] != acting_as:
                found.append(Foreign(module, line, table, TABLE_OWNERS[table], "writes"))
        read = [t for t in _READS.findall(text) if t in TABLE_OWNERS]
        if read and not written and TABLE_OWNERS[read[0]] != acting_as:
            found.append(Foreign(module, line, read[0], TABLE_OWNERS[read[0]], "reads from"))
    return found


def _sources() -> Iterator[tuple[str, str]]:
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield _module_name(path), path.read_text()


def test_no_module_but_a_tables_owner_holds_sql_against_it() -> None:
    foreign = [f for module, source in _sources() for f in foreign_sql(module, source)]
    assert not foreign, "SQL outside its table's owner:\n" + "\n".join(map(str, foreign))


def test_the_scan_reads_the_sql_it_must() -> None:
    """The scan is not vacuous: it finds each owner's own statements on its tables."""
    named_by: dict[str, set[str]] = {}
    for module, source in _sources():
        for _, text in _texts(source):
            for table in _WRITES.findall(text) + _READS.findall(text):
                named_by.setdefault(table, set()).add(OWNER_PARTS.get(module, module))
    for table in ("cards", "vote_reactions", "card_closes", "weekly_posts", "tool_requests"):
        assert TABLE_OWNERS[table] in named_by[table], table


def test_the_scan_catches_a_foreign_write_and_a_foreign_main_table() -> None:
    source = '''
"""A docstring may say UPDATE cards SET anything."""
RECAP = "UPDATE cards SET recap = ? WHERE id = ?"
def settle(table):
    return f"INSERT INTO choice_counts (tools) SELECT {table} FROM card_tools"
OWN = "SELECT k.card_id FROM card_closes k JOIN cards c ON c.id = k.card_id"
THEIRS = ("SELECT c.id FROM cards c "
          "LEFT JOIN card_closes k ON k.card_id = c.id")
'''
    found = {(f.table, f.how, f.line) for f in foreign_sql("bot.polls.store", source)}
    assert found == {
        ("cards", "writes", 3),
        ("choice_counts", "writes", 5),
        ("cards", "reads from", 7),
    }
    assert foreign_sql("bot.votes.batch", "X = 'UPDATE cards SET closed_at = 1'") == []
    assert foreign_sql("adapters.console.chat", "X = 'DELETE FROM votes'") != []


def test_every_table_has_one_owner_and_every_owner_exists(tmp_path: Path) -> None:
    database = tmp_path / "schema.db"
    connection = sqlite3.connect(database)
    try:
        for number, migration in enumerate(SQLITE_MIGRATIONS, 1):
            connection.executescript(f"BEGIN; {migration}; PRAGMA user_version = {number}; COMMIT;")
        connection.executescript(SQLITE_SCRATCH)
        tables = {
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "UNION SELECT name FROM sqlite_temp_master WHERE type = 'table'"
            )
        }
    finally:
        connection.close()
    assert set(TABLE_OWNERS) == tables | {"schema_version"}  # PostgreSQL's version table
    for owner in {*TABLE_OWNERS.values(), *OWNER_PARTS}:
        importlib.import_module(owner)
