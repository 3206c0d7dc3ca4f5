"""Broken database files: one clear line and exit code 4, never a traceback, never a change."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from adapters.cli import main
from bot.votes import KEYCAPS, ReactionEvent, Store, StoreError, VoteWrite, handle_reaction


async def _corrupt_database(path: Path) -> None:
    store = await Store.open(path)
    for n in range(300):
        card = await store.register_card(
            platform="slack",
            channel="C",
            message_id=f"m{n}",
            tools=("gpt-4o", "haiku"),
            asked_by="a",
        )
        event = ReactionEvent(
            platform="slack",
            channel="C",
            message_id=card.message_id,
            user_id="U",
            emoji=KEYCAPS[0],
            added=True,
            event_time=1.0,
        )
        await handle_reaction(store, event, bot_user_id=None, arrival_time=lambda: 0.0)
    # The leaderboard reads only its own tallies: a few rows here, on their first page.
    [(tallies,)] = await store.fetch(
        "SELECT rootpage FROM sqlite_master WHERE name = 'choice_counts'"
    )
    await store.close()
    data = bytearray(path.read_bytes())
    page = 4096
    torn = [*range(len(data) // 2 // page * page, len(data), page), (tallies - 1) * page]
    for start in torn:
        data[start : start + 16] = b"\xa5" * 16  # torn b-tree page headers: second half, tallies
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("command", [["leaderboard"], ["export", "votes"]])
def test_reading_a_corrupt_database_is_one_line_and_exit_4(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    db = tmp_path / "votes.db"
    asyncio.run(_corrupt_database(db))
    monkeypatch.setenv("VERDICT_DB", str(db))
    assert main(command) == 4
    err = capsys.readouterr().err
    assert err.startswith("verdict: ") and err.count("\n") == 1 and "Traceback" not in err


async def test_long_running_commands_check_the_file_before_starting(tmp_path: Path) -> None:
    db = tmp_path / "votes.db"
    await _corrupt_database(db)
    unchecked = await Store.open(db)  # opens: the damage is where the votes are
    await unchecked.close()
    with pytest.raises(StoreError, match=r"malformed|integrity check"):
        await Store.open(db, check=True)


def test_a_database_in_a_missing_directory_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VERDICT_DB", str(tmp_path / "no" / "such" / "dir" / "votes.db"))
    monkeypatch.setattr("sys.stdin", open("/dev/null"))  # noqa: SIM115
    assert main(["chat"]) == 4
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Event loop is closed" not in err and "Traceback" not in err


def _votes_db(path: Path, monkeypatch: pytest.MonkeyPatch, version: int | None = None) -> None:
    """A vote database as a bot of schema `version` (default: this one) left it."""
    import bot.storage.database
    from bot.storage import SQLITE_MIGRATIONS

    async def fill() -> None:
        store = await Store.open(path)
        voter = store.hash_user("slack", "U")
        if version is None:
            card = await store.register_card(
                platform="slack",
                channel="C",
                message_id="m",
                tools=("gpt-4o", "haiku"),
                asked_by="a",
            )
            await store.record_vote(VoteWrite(card.id, voter, True, 1, 1.0, "k"))
            await store.close()
            return
        async with store.db.transaction() as tx:  # as that bot wrote it, triggers and all
            [(card_id,)] = await tx.fetch(
                "INSERT INTO cards (platform, channel, message_id, asked_by, created_at) "
                "VALUES ('slack', 'C', 'm', 'a', 't') RETURNING id"
            )
            for position, slug in enumerate(("gpt-4o", "haiku")):
                await tx.execute(
                    "INSERT INTO card_tools (card_id, position, slug) VALUES (?, ?, ?)",
                    (card_id, position, slug),
                )
                await tx.execute(
                    "INSERT INTO tool_counts (slug, shard) VALUES (?, ?)", (slug, card_id % 16)
                )
            await tx.execute(
                "INSERT INTO vote_events (event_key, card_id, voter, added, choice, event_time, "
                "seen_at) VALUES ('k', ?, ?, 1, 1, 1.0, 0)",
                (card_id, voter),
            )
        await store.close()

    with monkeypatch.context() as patch:
        patch.setattr(bot.storage.database, "SQLITE_MIGRATIONS", SQLITE_MIGRATIONS[:version])
        asyncio.run(fill())


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_reading_commands_work_on_a_read_only_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _votes_db(tmp_path / "votes.db", monkeypatch)
    os.chmod(tmp_path, 0o555)
    os.chmod(tmp_path / "votes.db", 0o444)
    try:
        _read_only_commands_answer(tmp_path, monkeypatch, capsys)
    finally:
        os.chmod(tmp_path, 0o755)


def test_reading_commands_never_migrate_or_write_an_older_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Reading commands open the file read-only: no migration, no journal, no new files."""
    _votes_db(tmp_path / "votes.db", monkeypatch, version=3)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    _read_only_commands_answer(tmp_path, monkeypatch, capsys)
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert after.pop("votes.db-wal", b"") == b""  # SQLite's empty read index, nothing written
    after.pop("votes.db-shm", None)
    assert after == before


def _read_only_commands_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VERDICT_DB", str(tmp_path / "votes.db"))
    assert main(["compare", "gpt-4o vs claude 3.5 haiku", "--json"]) == 0
    assert '"votes":1' in capsys.readouterr().out.replace(" ", "")
    assert main(["export", "votes", "--format", "json"]) == 0
    assert '"haiku"' in capsys.readouterr().out
    assert main(["leaderboard"]) == 0


async def test_an_unresponsive_postgresql_is_one_line_with_a_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import bot.storage.database

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # accepts, never answers

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    monkeypatch.setattr(bot.storage.database, "CONNECT_TIMEOUT", 0.5)
    try:
        with pytest.raises(StoreError) as raised:
            await Store.open(f"postgresql://verdict@127.0.0.1:{port}/verdict")
    finally:
        server.close()
    message = str(raised.value)
    assert message.startswith("cannot open the PostgreSQL database: ")
    assert message.endswith("TimeoutError: no answer within 0.5 s")


def test_a_full_disk_in_verdict_chat_is_one_line_and_exit_4(tmp_path: Path) -> None:
    """The disk fills up mid-session (a file-size limit stands in for a full disk)."""
    import resource
    import signal
    import subprocess
    import sys

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))

    commands = "".join(
        f"/compare gpt-4o vs claude 3.5 haiku\n:react u{n} {n} 1\n" for n in range(1, 400)
    )
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat"],
        input=commands.encode(),
        capture_output=True,
        cwd=tmp_path,
        env={**os.environ, "VERDICT_DB": str(tmp_path / "v.db")},
        preexec_fn=small_disk,
        check=False,
        timeout=120,
    )
    err = result.stderr.decode()
    assert result.returncode == 4, err[-2000:]
    assert err.startswith("verdict: ") and err.count("\n") == 1 and "Traceback" not in err


def test_reading_commands_on_a_database_never_set_up_answer_with_no_votes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "votes.db").write_bytes(b"")  # e.g. touched by a deployment script
    monkeypatch.setenv("VERDICT_DB", str(tmp_path / "votes.db"))
    assert main(["leaderboard"]) == 0
    assert "from 0 votes" in capsys.readouterr().out
    assert main(["compare", "gpt-4o vs claude 3.5 haiku"]) == 0
    assert (tmp_path / "votes.db").read_bytes() == b""
