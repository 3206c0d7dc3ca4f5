"""Voter hashes cannot be reversed by someone holding only the database file: the key (pepper)
lives in a separate file next to it, readable by its owner only."""

from __future__ import annotations

import hashlib
import sqlite3
import stat
from pathlib import Path

from bot.votes import Store


async def test_the_pepper_is_a_private_file_beside_the_database_not_in_it(tmp_path: Path) -> None:
    db = tmp_path / "verdict.db"
    store = await Store.open(db)
    first = store.hash_user("slack", "U1")
    await store.close()
    pepper = tmp_path / "verdict.db.pepper"
    assert stat.S_IMODE(pepper.stat().st_mode) == 0o600
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT key FROM meta").fetchall() == [("voters_per_card_from",)]
        assert pepper.read_text().strip() not in db.read_bytes().decode("latin-1")
    again = await Store.open(db)
    assert again.hash_user("slack", "U1") == first
    await again.close()


async def test_an_older_database_keeps_its_voter_hashes_when_the_salt_moves_out(
    tmp_path: Path,
) -> None:
    db = tmp_path / "verdict.db"
    store = await Store.open(db)
    await store.close()
    (tmp_path / "verdict.db.pepper").unlink()
    salt = "ab" * 32
    with sqlite3.connect(db) as connection:  # as a bot before this change left it
        connection.execute("INSERT INTO meta (key, value) VALUES ('voter_salt', ?)", (salt,))
    old_hash = hashlib.blake2b(b"slack\0U1", key=bytes.fromhex(salt), digest_size=16).hexdigest()
    upgraded = await Store.open(db)
    assert upgraded.hash_user("slack", "U1") == old_hash
    await upgraded.close()
    assert (tmp_path / "verdict.db.pepper").read_text().strip() == salt
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT * FROM meta WHERE key = 'voter_salt'").fetchall() == []
