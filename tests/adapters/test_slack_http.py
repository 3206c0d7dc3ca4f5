"""`verdict slack`'s HTTP server on 127.0.0.1 with signed requests: a 200 to a reaction event
means the vote is stored; a store that cannot commit answers 500 and Slack's retry counts once;
malformed and abusive requests get short answers, never a traceback or a stuck server."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import sqlite3
import time
import urllib.parse
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.bot import EVENTS_PATH, Background, SlackVerdicts, build_app, direct_events
from adapters.slack.http import HttpLimits, SlackHttpServer
from bot.catalogue import Catalogue
from bot.votes import EditCoalescer, Store
from tests.adapters.test_slack import CHANNEL, SECRET, SlackHarness, _compare
from tests.fake_slack import BOT_USER, FakeSlack

FORM = "application/x-www-form-urlencoded"
LIMITS = HttpLimits(header_seconds=0.5, body_seconds=0.5, max_connections=20, max_body_bytes=20_000)


class Served(SlackHarness):
    server: SlackHttpServer
    port: int
    db: Path


@pytest.fixture
async def served(tmp_path: Path, catalogue: Catalogue) -> AsyncIterator[Served]:
    fake = FakeSlack()
    client = AsyncWebClient(token="xoxb-test", base_url=await fake.start())
    store = await Store.open(tmp_path / "slack.db")
    services = SlackVerdicts(
        client, catalogue, store, bot_user_id=BOT_USER, edits=EditCoalescer(interval=0.2)
    )
    background = Background()
    app = build_app(lambda: services, client=client, signing_secret=SECRET, background=background)
    server = SlackHttpServer(
        app,
        signing_secret=SECRET,
        healthy=store.healthy,
        path=EVENTS_PATH,
        limits=LIMITS,
        direct=direct_events(lambda: services),
    )
    port = await server.start("127.0.0.1", 0)
    harness = Served(fake, services, f"http://127.0.0.1:{port}{EVENTS_PATH}")
    harness.server, harness.port, harness.db = server, port, tmp_path / "slack.db"
    yield harness
    await harness.session.close()
    await server.drain(5)
    await background.drain(5)
    await services.edits.drain()
    await store.close()
    await fake.stop()


async def _tally(served: Served, ts: str) -> tuple[int, ...]:
    card = await served.services.store.find_card("slack", CHANNEL, ts)
    assert card is not None
    return await served.services.store.card_tally(card.id)


async def test_a_200_to_a_reaction_means_its_vote_is_already_stored(served: Served) -> None:
    ts = await _compare(served, "claude 3.5 haiku vs gpt-4o-mini")
    for n in range(20):
        response = await served.reaction(
            f"U{n}", "one", ts, event_ts=f"1700000100.{n:06d}", event_id=f"Ev{n}"
        )
        assert response.status == 200
        assert await _tally(served, ts) == (n + 1, 0)  # read at once: no waiting, no polling


async def test_a_store_that_cannot_commit_answers_500_and_the_retry_counts_once(
    served: Served,
) -> None:
    ts = await _compare(served, "claude 3.5 haiku vs gpt-4o-mini")
    with sqlite3.connect(served.db) as outside:  # the disk "fails" for every vote
        outside.execute(
            "CREATE TRIGGER broken BEFORE INSERT ON vote_reactions "
            "BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END"
        )
    first = await served.reaction("U1", "two", ts, event_ts="1700000200.000001", event_id="Ev1")
    assert first.status >= 500
    assert await _tally(served, ts) == (0, 0)
    with sqlite3.connect(served.db) as outside:
        outside.execute("DROP TRIGGER broken")
    for retry in (1, 2):
        again = await served.reaction(
            "U1", "two", ts, event_ts="1700000200.000001", event_id="Ev1", retry=retry
        )
        assert again.status == 200
        assert await _tally(served, ts) == (0, 1)


async def test_a_replayed_signed_compare_posts_once(served: Served) -> None:
    for _ in range(5):
        response = await served.command(
            "/compare", "claude 3.5 haiku vs gpt-4o", trigger="13345.replayed"
        )
        assert response.status == 200
    await asyncio.sleep(0.5)
    assert len(served.fake.of("chat.postMessage")) == 1


async def _raw(served: Served, request: bytes, *, read_timeout: float = 5.0) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
    try:
        writer.write(request)
        await writer.drain()
        return await asyncio.wait_for(reader.read(65_536), read_timeout)
    finally:
        writer.close()


def _signed(body: bytes, content_type: str, *, timestamp: str | None = None) -> bytes:
    ts = timestamp or str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(
        timestamp=ts, body=body.decode("utf-8", "replace")
    )
    head = (
        f"POST {EVENTS_PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: {content_type}\r\n"
        f"X-Slack-Request-Timestamp: {ts}\r\nX-Slack-Signature: {signature}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


@pytest.mark.parametrize(
    ("body", "content_type", "timestamp", "status"),
    [
        (b'{"type": "event_callback", ', "application/json", None, 400),
        (b"[1, 2, 3]", "application/json", None, 400),
        (b'"just a string"', "application/json", None, 400),
        (b'{"type": "\xff\xfe"}', "application/json", None, 400),
        (b"[" * 100_00 + b"]" * 100_00, "application/json", None, 400),
        (b"payload=notjson", "application/x-www-form-urlencoded", None, 400),
        (b"payload=%5B1%5D", "application/x-www-form-urlencoded", None, 400),
        (b"{}", "application/json", "soon", 401),
        (b"{}", "application/json", "1e9", 401),
    ],
)
async def test_malformed_requests_get_a_short_answer_and_one_log_line(
    served: Served,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    content_type: str,
    timestamp: str | None,
    status: int,
) -> None:
    with caplog.at_level(logging.INFO):
        answer = await _raw(served, _signed(body, content_type, timestamp=timestamp))
    assert answer.startswith(f"HTTP/1.1 {status} ".encode())
    problems = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(problems) == 1 and problems[0].exc_info is None
    assert "Traceback" not in caplog.text


async def test_a_body_over_the_limit_is_refused_unread(served: Served) -> None:
    body = b'{"a": "' + b"x" * (LIMITS.max_body_bytes + 10) + b'"}'
    answer = await _raw(served, _signed(body, "application/json"))
    assert answer.startswith(b"HTTP/1.1 413 ")


async def test_slow_and_idle_clients_are_cut_off_and_cannot_keep_slack_out(
    served: Served,
) -> None:
    """Slow-loris: connections that never finish their headers are closed after the header
    timeout; past the cap, each new connection sheds the oldest idle one, so Slack's requests,
    which arrive whole, are answered however many slow clients keep reconnecting."""
    idle = [await asyncio.open_connection("127.0.0.1", served.port) for _ in range(40)]
    for _, writer in idle:
        writer.write(b"POST /slack/events HTTP/1.1\r\nHost: x\r\n")  # ... and never the rest
    await asyncio.sleep(0.1)
    assert served.server.open_connections <= LIMITS.max_connections
    assert served.server.load.connections_shed >= 40 - LIMITS.max_connections
    ts = await _compare(served, "claude 3.5 haiku vs gpt-4o-mini")
    vote = await served.reaction("U1", "one", ts, event_ts="1700000100.000001", event_id="Ev1")
    assert vote.status == 200 and await _tally(served, ts) == (1, 0)
    healthy = await _raw(served, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", read_timeout=2)
    assert healthy.startswith(b"HTTP/1.1 200 ")
    for reader, _ in idle:  # each is closed by the server: reading ends instead of timing out
        with contextlib.suppress(ConnectionResetError):  # shed: reset, not closed politely
            await asyncio.wait_for(reader.read(), LIMITS.header_seconds * 4)
    for _, writer in idle:
        writer.close()
    await asyncio.sleep(0.1)
    assert served.server.open_connections <= 1  # the harness's own kept-alive session


async def test_past_the_cap_with_every_connection_at_work_a_new_one_gets_503(
    served: Served,
) -> None:
    """Only idle connections are shed: a request being worked on is never cut."""
    gate = asyncio.Event()
    served.server._direct["reaction_added"] = lambda _body: gate.wait()  # work that waits
    body = b'{"type": "event_callback", "event_id": "Ev", "event": {"type": "reaction_added"}}'
    working = [
        await asyncio.open_connection("127.0.0.1", served.port)
        for _ in range(LIMITS.max_connections)
    ]
    for _, writer in working:
        writer.write(_signed(body, "application/json"))
    await asyncio.sleep(0.3)
    busy = await _raw(served, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", read_timeout=2)
    assert busy.startswith(b"HTTP/1.1 503 ")
    gate.set()
    for reader, writer in working:
        assert (await asyncio.wait_for(reader.read(), 5)).startswith(b"HTTP/1.1 200 ")
        writer.close()


async def test_healthz_says_whether_the_store_answers(served: Served) -> None:
    ok = await _raw(served, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    assert ok.startswith(b"HTTP/1.1 200 ") and ok.endswith(b"ok")
    await served.services.store.db.close()
    down = await _raw(served, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    assert down.startswith(b"HTTP/1.1 503 ")
    served.services.store.db = (await Store.open(served.db)).db  # for the fixture's close


def test_the_server_binds_loopback_unless_told_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    from adapters.slack.settings import SlackSettings
    from bot.settings import read_settings

    monkeypatch.delenv("HOST", raising=False)
    assert read_settings(SlackSettings).host == "127.0.0.1"
    monkeypatch.setenv("HOST", "0.0.0.0")
    assert read_settings(SlackSettings).host == "0.0.0.0"


async def test_kill_9_and_sigterm_of_verdict_slack_lose_no_acknowledged_vote() -> None:
    """A short run of `python -m benchmarks.slack_durability`: the real process, SIGKILLed
    mid-stream and restarted, then stopped with SIGTERM, which must drain and exit 0."""
    from benchmarks.slack_durability import run

    result = await run(kills=1, seconds=1.0, senders=8)
    assert len(result.acknowledged) > 50
    assert result.lost == 0
    assert result.sigterm_exit == 0


async def test_keep_alive_head_and_unknown_paths_answer_cleanly(served: Served) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
    try:
        writer.write(
            b"HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        writer.write(b"GET /slack/events HTTP/1.1\r\nHost: x\r\n\r\n")
        await writer.drain()
        answers = b""
        while answers.count(b"HTTP/1.1 ") < 3:
            answers += await asyncio.wait_for(reader.read(65_536), 5)
    finally:
        writer.close()
    assert re.findall(rb"HTTP/1\.1 (\d{3})", answers) == [b"200", b"404", b"405"]


def _event(**event: object) -> bytes:
    return json.dumps(
        {"type": "event_callback", "event_id": "EvX", "team_id": "T1", "event": event}
    ).encode()


def _form(**fields: str) -> bytes:
    return urllib.parse.urlencode(fields).encode()


REACTION = {"type": "reaction_added", "reaction": "one", "event_ts": "1700000000.000100"}
ITEM = {"type": "message", "channel": CHANNEL, "ts": "1700000000.000001"}
PRESS = {"type": "block_actions", "user": {"id": "U1"}, "trigger_id": "t", "team": {"id": "T1"}}
ACTIONS = [{"action_id": "verdict_close", "value": "x", "type": "button"}]


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (_event(**REACTION, item=ITEM), "application/json", 200),  # no user
        (_event(**REACTION, user="U1"), "application/json", 200),  # no item
        (_event(**{**REACTION, "event_ts": "soon"}, user="U1", item=ITEM), "application/json", 200),
        (_event(**{**REACTION, "event_ts": "nan"}, user="U1", item=ITEM), "application/json", 200),
        (_event(**REACTION, user="U1", item={"type": "message"}), "application/json", 200),
        (_form(command="/compare", text="a vs b", user_id="U1"), FORM, 400),  # no channel_id
        (_form(command="/verdicts", text="now", channel_id=CHANNEL), FORM, 400),  # no user_id
        (_form(payload=json.dumps({**PRESS, "actions": ACTIONS})), FORM, 400),  # no channel
        (
            _form(payload=json.dumps({**PRESS, "channel": {"id": CHANNEL}, "user": None})),
            FORM,
            400,
        ),
    ],
)
async def test_signed_but_malformed_slack_bodies_get_400_or_200_never_500(
    served: Served,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    content_type: str,
    status: int,
) -> None:
    with caplog.at_level(logging.INFO):
        answer = await _raw(served, _signed(body, content_type))
    assert answer.startswith(f"HTTP/1.1 {status} ".encode()), answer[:200]
    assert "Traceback" not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert served.fake.of("chat.postMessage") == []
    assert await served.services.store.vote_rows() == []


async def _raw_to(port: int, request: bytes, read_timeout: float = 5.0) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        await writer.drain()
        return await asyncio.wait_for(reader.read(65_536), read_timeout)
    finally:
        writer.close()


@pytest.mark.parametrize("max_late", [4, 0])
async def test_while_saturated_commands_are_acked_at_once_and_never_503(
    served: Served, max_late: int
) -> None:
    """Slack retries only Events API deliveries: a 503 to a command or a press loses it. While
    every place in flight is taken, a signed command is acked 200 at once and worked on once
    there is room (its answer goes privately, as always), or, with the queue full, its asker
    reads that the bot is busy. An event delivery still gets 503, which Slack retries."""
    gate = asyncio.Event()

    async def held(_body: dict[str, object]) -> None:
        await gate.wait()

    saturated = SlackHttpServer(
        served.server.app,
        signing_secret=SECRET,
        healthy=served.services.store.healthy,
        path=EVENTS_PATH,
        limits=HttpLimits(max_in_flight=2, retry_share=0.0, max_late=max_late),
        direct={"reaction_added": held},
    )
    port = await saturated.start("127.0.0.1", 0)
    event = _event(**REACTION, user="U1", item=ITEM)
    holding = [
        asyncio.create_task(_raw_to(port, _signed(event, "application/json"))) for _ in range(2)
    ]
    await asyncio.sleep(0.3)
    assert saturated.in_flight == 2
    assert (await _raw_to(port, _signed(event, "application/json"))).startswith(b"HTTP/1.1 503 ")
    command = _form(
        command="/compare",
        text="smolvlm2 vs mistral-medium-3",
        channel_id=CHANNEL,
        user_id="U1",
        response_url=served.fake.response_url(),
        trigger_id="13345.late",
    )
    started = time.perf_counter()
    answer = await _raw_to(port, _signed(command, FORM))
    assert time.perf_counter() - started < 1.0
    assert answer.startswith(b"HTTP/1.1 200 ")
    gate.set()
    for task in holding:
        await task
    if max_late:
        assert answer.endswith(b"\r\n\r\n")  # an empty ack: the card comes when there is room
        for _ in range(100):
            if served.fake.of("chat.postMessage"):
                break
            await asyncio.sleep(0.05)
        assert len(served.fake.of("chat.postMessage")) == 1
    else:
        assert answer.endswith(b"Verdict is busy right now: try again in a moment.")
        await asyncio.sleep(0.3)
        assert served.fake.of("chat.postMessage") == []
    await saturated.drain(5)


async def test_a_flood_of_unsigned_requests_writes_a_few_log_lines_not_one_each(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    forged = (
        f"POST {EVENTS_PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "X-Slack-Request-Timestamp: 1\r\nX-Slack-Signature: v0=00\r\nContent-Length: 2\r\n\r\n{}"
    ).encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
    with caplog.at_level(logging.INFO):
        for _ in range(10):
            writer.write(forged * 50)
            await writer.drain()
            answered = 0
            while answered < 50:
                answered += (await reader.read(65_536)).count(b"HTTP/1.1 401 ")
    writer.close()
    lines = [r for r in caplog.records if r.name == "adapters.slack.http"]
    assert 1 <= len(lines) <= 10


async def test_the_web_pages_in_the_same_process_cannot_take_slack_s_descriptors(
    served: Served, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`verdict slack` with VERDICT_PUBLIC_URL serves the pages from its own process: a crowd
    of half-open connections on the pages' port stays within the pages' share of the process's
    descriptors (here a budget of 60 beside the reserve), and Slack's events still get in."""
    from adapters.fd_budget import BUDGET, RESERVED
    from adapters.web import WebSite, start_web
    from adapters.web.listener import WebLimits
    from bot.compare import Comparer

    monkeypatch.setattr(BUDGET, "_limit", lambda: RESERVED + 60 + 2 * (64 + 8))
    site = WebSite(Comparer(catalogue), served.services.store, public_url="https://v.example")
    pages = await start_web(site, "127.0.0.1", 0, WebLimits(max_connections=30, backlog=8))
    crowd = []
    try:
        for _ in range(120):
            _, writer = await asyncio.open_connection("127.0.0.1", pages.port)
            writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n")
            crowd.append(writer)
        await asyncio.sleep(0.2)
        assert pages.open_connections <= 30
        assert BUDGET.room() >= 0
        ts = await _compare(served, "claude 3.5 haiku vs gpt-4o-mini")
        vote = await served.reaction("U1", "one", ts, event_ts="1700000100.000001", event_id="E1")
        assert vote.status == 200 and await _tally(served, ts) == (1, 0)
    finally:
        for writer in crowd:
            writer.close()
        await pages.cleanup()
