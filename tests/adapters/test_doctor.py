"""`verdict doctor` against the loopback fakes of Slack and Discord, real SQLite files and a real
(or unreachable) PostgreSQL: one test per failure an admin meets, and no secret in any output."""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp.web
import pytest

from adapters.cli import main
from bot.storage import SCHEMA_VERSION
from tests.conftest import fresh_postgres_database
from tests.fake_discord import FakeDiscord
from tests.fake_slack import BOT_SCOPES, FakeSlack
from tests.loopback import serve

SLACK_TOKEN = "xoxb-1111-secret-bot-token"
APP_TOKEN = "xapp-1-secret-app-token"
SIGNING_SECRET = "secret-signing-value"
DISCORD_TOKEN = "MTAw.secret-discord-token"
SECRETS = (SLACK_TOKEN, APP_TOKEN, SIGNING_SECRET, DISCORD_TOKEN)
SETTINGS = (
    "SLACK_BOT_TOKEN",
    "SLACK_APP_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_API_URL",
    "DISCORD_TOKEN",
    "DISCORD_GUILD_ID",
    "DISCORD_API_URL",
    "VERDICT_DB",
    "VERDICT_CATALOGUE",
    "VERDICT_PUBLIC_URL",
    "VERDICT_LOG_FORMAT",
    "VERDICT_LOG_LEVEL",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Only what each test sets, a database in tmp_path, and the root logger as it was."""
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VERDICT_DB", str(tmp_path / "verdict.db"))
    monkeypatch.setenv("VERDICT_LOG_LEVEL", "DEBUG")  # the most a log could ever show
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
async def slack(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    monkeypatch.setenv("SLACK_API_URL", await fake.start())
    monkeypatch.setenv("SLACK_BOT_TOKEN", SLACK_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    yield fake
    await fake.stop()


@pytest.fixture
async def discord_api(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    import discord.http

    fake = FakeDiscord()
    monkeypatch.setenv("DISCORD_API_URL", await fake.start())
    monkeypatch.setenv("DISCORD_TOKEN", DISCORD_TOKEN)
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)  # restored after
    yield fake
    await fake.stop()


async def doctor(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    """Run `verdict doctor ARGS` as the command line does; its lines, and no secret anywhere."""
    code = await asyncio.to_thread(main, ["doctor", *args])
    captured = capsys.readouterr()
    for secret in SECRETS:
        assert secret not in captured.out and secret not in captured.err
    return code, captured.out.splitlines()


def line(lines: list[str], name: str) -> str:
    [found] = [x for x in lines if x.split(":", 1)[0].split(None, 1)[1] == name]
    return found


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- Slack ----------------------------------------------------------------------------


async def test_a_good_slack_set_up_passes_every_check(
    slack: FakeSlack, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines = await doctor(capsys, "slack")
    assert code == 0, lines
    assert all(x.startswith(("ok ", "skip ")) for x in lines), lines
    assert line(lines, "slack token") == (
        "ok    slack token: Slack accepts SLACK_BOT_TOKEN: bot @verdict in Team"
    )
    assert "commands, chat:write, reactions:read, reactions:write, files:write" in line(
        lines, "slack scopes"
    )
    assert "/invite @verdict" in line(lines, "slack channel")
    assert "does not exist yet" in line(lines, "database")
    # Counted as the start-up line counts: the reviewed files and the price data's models.
    served = re.fullmatch(
        r"ok    catalogue: (\d+) tools: 88 reviewed \(the bundled catalogue\) and (\d+) more "
        r"from the price data",
        line(lines, "catalogue"),
    )
    assert served is not None and int(served[1]) == 88 + int(served[2]) > 500


async def test_a_bad_slack_token_says_where_to_copy_it(
    slack: FakeSlack, capsys: pytest.CaptureFixture[str]
) -> None:
    slack.reject_token = True
    code, lines = await doctor(capsys, "slack")
    assert code == 1
    assert line(lines, "slack token").startswith(
        "FAIL  slack token: Slack refused SLACK_BOT_TOKEN (invalid_auth); copy the Bot User"
    )


async def test_a_token_that_is_not_a_bot_token_is_named(
    slack: FakeSlack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxp-secret-bot-token-but-user")
    code, lines = await doctor(capsys, "slack")
    assert code == 1
    assert "starts with xoxb-" in line(lines, "slack settings")
    assert "xoxp-secret" not in "\n".join(lines)


async def test_an_unreachable_slack_api_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", SLACK_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_API_URL", f"http://127.0.0.1:{closed_port()}/api/")
    code, lines = await doctor(capsys, "slack")
    assert code == 1
    assert line(lines, "slack token").startswith("FAIL  slack token: cannot reach Slack at")


async def test_a_missing_scope_is_named_with_the_way_to_grant_it(
    slack: FakeSlack, capsys: pytest.CaptureFixture[str]
) -> None:
    slack.scopes = BOT_SCOPES.replace("reactions:write,", "")
    code, lines = await doctor(capsys, "slack")
    assert code == 1
    assert line(lines, "slack scopes") == (
        "FAIL  slack scopes: the app lacks reactions:write: paste the manifest again (or add "
        "them under OAuth & Permissions → Scopes), then Reinstall to Workspace"
    )


async def test_a_scope_a_feature_needs_is_named_with_what_it_is_for(
    slack: FakeSlack, capsys: pytest.CaptureFixture[str]
) -> None:
    # An app installed before the leaderboard's chart and the weekly recovery existed.
    slack.scopes = "commands,chat:write,reactions:read,reactions:write,users:read"
    code, lines = await doctor(capsys, "slack")
    assert code == 1
    assert line(lines, "slack scopes") == (
        "FAIL  slack scopes: the app lacks files:write (the leaderboard's chart), "
        "channels:history and groups:history (finding a weekly card after a crash): paste the "
        "manifest again (or add them under OAuth & Permissions → Scopes), then Reinstall to "
        "Workspace"
    )


async def test_a_channel_without_the_bot_says_how_to_invite_it(
    slack: FakeSlack, capsys: pytest.CaptureFixture[str]
) -> None:
    slack.channels = {
        "C1": {"id": "C1", "name": "ai-tools", "is_member": True},
        "C2": {"id": "C2", "name": "random", "is_member": False},
    }
    code, lines = await doctor(capsys, "slack", "--channel", "C1")
    assert code == 0
    assert line(lines, "slack channel") == "ok    slack channel: the bot is in #ai-tools"
    code, lines = await doctor(capsys, "slack", "--channel", "C2")
    assert code == 1
    assert line(lines, "slack channel") == (
        "FAIL  slack channel: the bot is not in #random: in Slack, open it and type "
        "/invite @verdict"
    )
    code, lines = await doctor(capsys, "slack", "--channel", "C404")
    assert code == 1 and "cannot see C404" in line(lines, "slack channel")


async def test_a_channel_the_token_may_not_look_up_is_skipped_with_the_manual_check(
    slack: FakeSlack, capsys: pytest.CaptureFixture[str]
) -> None:
    slack.channel_lookup_error = "missing_scope"
    code, lines = await doctor(capsys, "slack", "--channel", "C1")
    assert code == 0
    assert line(lines, "slack channel").startswith("skip  slack channel: the bot may not look up")
    assert "/invite @verdict" in line(lines, "slack channel")


async def test_socket_mode_checks_the_app_token(
    slack: FakeSlack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SLACK_SIGNING_SECRET")
    monkeypatch.setenv("SLACK_APP_TOKEN", APP_TOKEN)
    code, lines = await doctor(capsys, "slack")
    assert code == 0, lines
    assert line(lines, "slack settings") == (
        "ok    slack settings: Socket Mode (SLACK_APP_TOKEN is set)"
    )
    assert line(lines, "slack socket mode").startswith("ok")
    slack.reject_app_token = True
    code, lines = await doctor(capsys, "slack")
    assert code == 1
    assert "Slack refused SLACK_APP_TOKEN (invalid_auth)" in line(lines, "slack socket mode")


async def test_neither_signing_secret_nor_app_token_says_which_to_set(
    slack: FakeSlack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SLACK_SIGNING_SECRET")
    code, lines = await doctor(capsys, "slack")
    assert code == 1
    assert "SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN" in line(lines, "slack settings")


# --- Discord --------------------------------------------------------------------------


async def test_a_good_discord_set_up_passes_every_check(
    discord_api: FakeDiscord, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines = await doctor(capsys, "discord")
    assert code == 0, lines
    assert line(lines, "discord token") == (
        "ok    discord token: Discord accepts DISCORD_TOKEN: bot verdict"
    )
    assert line(lines, "discord permissions").startswith(
        "ok    discord permissions: server Team: Send Messages, Embed Links, Add Reactions"
    )
    assert discord_api.calls("GET", "/users/@me/guilds")


async def test_a_bad_discord_token_says_how_to_get_a_new_one(
    discord_api: FakeDiscord, capsys: pytest.CaptureFixture[str]
) -> None:
    discord_api.reject_token = True
    code, lines = await doctor(capsys, "discord")
    assert code == 1
    assert "Discord refused DISCORD_TOKEN; in the Developer Portal open Bot → Reset Token" in (
        line(lines, "discord token")
    )


async def test_an_unreachable_discord_api_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import discord.http

    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setenv("DISCORD_TOKEN", DISCORD_TOKEN)
    monkeypatch.setenv("DISCORD_API_URL", f"http://127.0.0.1:{closed_port()}/api/v10")
    code, lines = await doctor(capsys, "discord")
    assert code == 1
    assert line(lines, "discord token").startswith("FAIL  discord token: cannot reach Discord at")


async def test_a_missing_discord_permission_is_named_with_where_to_grant_it(
    discord_api: FakeDiscord, capsys: pytest.CaptureFixture[str]
) -> None:
    discord_api.guilds = [{"id": "3000", "name": "Team", "permissions": str(116800 - 64)}]
    code, lines = await doctor(capsys, "discord")
    assert code == 1
    assert line(lines, "discord permissions").startswith(
        "FAIL  discord permissions: in server Team the bot lacks Add Reactions: "
        "Server Settings → Roles → verdict, or invite it again: "
        "https://discord.com/oauth2/authorize?client_id=2000&scope=bot+applications.commands"
        "&permissions=116800"
    )


async def test_a_server_without_attach_files_is_told_the_chart_needs_it(
    discord_api: FakeDiscord, capsys: pytest.CaptureFixture[str]
) -> None:
    # Invited with the older link, which did not ask for Attach Files.
    discord_api.guilds = [{"id": "3000", "name": "Team", "permissions": "84032"}]
    code, lines = await doctor(capsys, "discord")
    assert code == 1
    assert line(lines, "discord permissions").startswith(
        "FAIL  discord permissions: in server Team the bot lacks Attach Files (the "
        "leaderboard's chart): Server Settings → Roles → verdict, or invite it again: "
    )


async def test_a_bot_in_no_server_gets_its_invite_link(
    discord_api: FakeDiscord, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    discord_api.guilds = []
    code, lines = await doctor(capsys, "discord")
    assert code == 1
    assert "the bot is in no server yet; invite it: https://discord.com/oauth2/authorize?" in (
        line(lines, "discord permissions")
    )
    discord_api.guilds = [{"id": "3000", "name": "Team", "permissions": "8"}]  # Administrator
    monkeypatch.setenv("DISCORD_GUILD_ID", "3001")
    code, lines = await doctor(capsys, "discord")
    assert code == 1
    assert "not in server 3001 (DISCORD_GUILD_ID)" in line(lines, "discord permissions")
    monkeypatch.setenv("DISCORD_GUILD_ID", "3000")
    code, lines = await doctor(capsys, "discord")
    assert code == 0, lines


# --- Database, catalogue, public URL ------------------------------------------------


async def test_an_unreachable_database_is_named_without_its_password(
    slack: FakeSlack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VERDICT_DB", f"postgresql://verdict:pw-secret@127.0.0.1:{closed_port()}/v")
    code, lines = await doctor(capsys, "slack")
    assert code == 1
    assert line(lines, "database").startswith(
        "FAIL  database: cannot reach the PostgreSQL database:"
    )
    assert "pw-secret" not in "\n".join(lines)


async def test_a_database_newer_than_the_bot_says_upgrade(
    slack: FakeSlack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "verdict.db"
    with sqlite3.connect(db) as connection:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    code, lines = await doctor(capsys, "slack")
    assert code == 1
    assert line(lines, "database") == (
        f"FAIL  database: SQLite {db} has schema version {SCHEMA_VERSION + 1}, newer than this "
        f"bot's {SCHEMA_VERSION}: upgrade the bot (or point VERDICT_DB at this version's database)"
    )


async def test_a_file_that_is_not_a_database_fails_and_is_left_alone(
    slack: FakeSlack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "verdict.db"
    db.write_text("not a database")
    code, lines = await doctor(capsys, "slack")
    assert code == 1 and line(lines, "database").startswith("FAIL  database: cannot read")
    assert db.read_text() == "not a database"


async def test_a_current_database_is_read_without_being_changed(
    slack: FakeSlack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.votes import Store

    store = await Store.open(tmp_path / "verdict.db")
    await store.close()
    before = (tmp_path / "verdict.db").read_bytes()
    code, lines = await doctor(capsys, "slack")
    assert code == 0, lines
    assert line(lines, "database").endswith(f"schema version {SCHEMA_VERSION}")
    assert (tmp_path / "verdict.db").read_bytes() == before


async def test_a_postgresql_database_newer_than_the_bot_says_upgrade(
    slack: FakeSlack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncpg

    async with fresh_postgres_database() as url:
        connection = await asyncpg.connect(url)
        try:
            await connection.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
            await connection.execute("INSERT INTO schema_version VALUES ($1)", SCHEMA_VERSION + 1)
        finally:
            await connection.close()
        monkeypatch.setenv("VERDICT_DB", url)
        code, lines = await doctor(capsys, "slack")
    assert code == 1
    assert f"has schema version {SCHEMA_VERSION + 1}, newer" in line(lines, "database")


async def test_a_broken_catalogue_is_named_with_its_first_problem(
    slack: FakeSlack,
    catalogue_copy: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (catalogue_copy / "tools" / "gpt-4o.toml").write_text("name = [unclosed\n")
    monkeypatch.setenv("VERDICT_CATALOGUE", str(catalogue_copy))
    code, lines = await doctor(capsys, "slack")
    assert code == 1
    found = line(lines, "catalogue")
    assert found.startswith(f"FAIL  catalogue: 1 problem(s) in {catalogue_copy}, first: ")
    assert "gpt-4o.toml" in found and "`verdict catalogue check` lists them all" in found


async def test_the_public_url_must_be_https_and_answer_on_healthz(
    slack: FakeSlack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async def healthy(_: aiohttp.web.Request) -> aiohttp.web.Response:
        return aiohttp.web.Response(text="ok")

    app = aiohttp.web.Application()
    app.router.add_get("/healthz", healthy)
    runner, port = await serve(app)
    try:
        monkeypatch.setenv("VERDICT_PUBLIC_URL", f"http://127.0.0.1:{port}")
        code, lines = await doctor(capsys, "slack")
        assert code == 0 and line(lines, "public url").startswith("ok")
    finally:
        await runner.cleanup()
    code, lines = await doctor(capsys, "slack")
    assert code == 1 and "nothing answers at http://127.0.0.1:" in line(lines, "public url")
    monkeypatch.setenv("VERDICT_PUBLIC_URL", "http://verdict.example.com")
    code, lines = await doctor(capsys, "slack")
    assert code == 1 and "must be https://" in line(lines, "public url")


async def test_offline_checks_only_settings_and_data(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", DISCORD_TOKEN)
    monkeypatch.setenv("DISCORD_API_URL", f"http://127.0.0.1:{closed_port()}/api/v10")
    code, lines = await doctor(capsys, "discord", "--offline")
    assert code == 0, lines
    assert [x.split(":")[0] for x in lines] == [
        "ok    discord settings",
        "ok    discord intents",
        "ok    database",
        "ok    catalogue",
        "ok    data",
    ]


async def test_no_platform_token_at_all_says_which_to_set(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, lines = await doctor(capsys)
    assert code == 1
    assert lines[0] == (
        "FAIL  settings: no DISCORD_TOKEN or SLACK_BOT_TOKEN is set; set one "
        "(docs/running.md: Discord, Slack)"
    )


async def test_json_logs_at_debug_never_hold_a_token(
    slack: FakeSlack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Libraries log requests at DEBUG; the redactor blanks the tokens wherever they appear."""
    import json

    monkeypatch.setenv("VERDICT_LOG_FORMAT", "json")
    code = await asyncio.to_thread(main, ["doctor", "slack"])
    captured = capsys.readouterr()
    assert code == 0
    logged = [json.loads(x) for x in captured.err.splitlines() if x.startswith("{")]
    assert logged, "the Slack client logs its requests at DEBUG"
    assert all(SLACK_TOKEN not in x["message"] for x in logged)
    logging.getLogger("probe").info("token is %s", SLACK_TOKEN)
    assert SLACK_TOKEN not in capsys.readouterr().err
