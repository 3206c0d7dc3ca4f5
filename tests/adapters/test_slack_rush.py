"""`verdict slack` under a voting rush, over real HTTP on 127.0.0.1: the server takes on only
as many requests as its cap, answers the rest 503 with Retry-After at once while the admitted
votes still commit, Slack's retry of a refused event counts once, votes skip Bolt but not the
signature check, and commands' background work is bounded too."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.bot import (
    BUSY,
    EVENTS_PATH,
    Background,
    SlackVerdicts,
    build_app,
    direct_events,
)
from adapters.slack.http import HttpLimits, SlackHttpServer
from bot.catalogue import Catalogue
from bot.votes import EditCoalescer, Store
from tests.adapters.test_slack import CHANNEL, SECRET, SlackHarness, _compare
from tests.fake_slack import BOT_USER, FakeSlack

CAP = 4
FIRST = 3
"""Of the CAP places, what first deliveries may take; the last is kept for Slack's retries."""


class Rushed(SlackHarness):
    server: SlackHttpServer
    background: Background
    db: Path


@pytest.fixture
async def rushed(tmp_path: Path, catalogue: Catalogue) -> AsyncIterator[Rushed]:
    fake = FakeSlack()
    client = AsyncWebClient(token="xoxb-test", base_url=await fake.start())
    store = await Store.open(tmp_path / "rush.db")
    services = SlackVerdicts(
        client, catalogue, store, bot_user_id=BOT_USER, edits=EditCoalescer(interval=0.2)
    )
    background = Background(limit=2)
    app = build_app(lambda: services, client=client, signing_secret=SECRET, background=background)
    server = SlackHttpServer(
        app,
        signing_secret=SECRET,
        healthy=store.healthy,
        path=EVENTS_PATH,
        limits=HttpLimits(max_in_flight=CAP, max_queue_seconds=2.0),
        direct=direct_events(lambda: services),
    )
    port = await server.start("127.0.0.1", 0)
    harness = Rushed(fake, services, f"http://127.0.0.1:{port}{EVENTS_PATH}")
    harness.server, harness.background, harness.db = server, background, tmp_path / "rush.db"
    yield harness
    await harness.session.close()
    await server.drain(5)
    await background.drain(5)
    await services.edits.drain()
    await store.close()
    await fake.stop()


@contextmanager
def disk_held(db: Path) -> Iterator[None]:
    """Another process holds the database's write lock: commits wait (reads go on, WAL)."""
    # Waits for the lock: the /compare before may still be logging its request.
    outside = sqlite3.connect(db, isolation_level=None, timeout=10.0)
    outside.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        outside.execute("ROLLBACK")
        outside.close()


async def _tally(rushed: Rushed, ts: str) -> tuple[int, ...]:
    card = await rushed.services.store.find_card("slack", CHANNEL, ts)
    assert card is not None
    return await rushed.services.store.card_tally(card.id)


def _vote(rushed: Rushed, n: int, ts: str, retry: int | None = None) -> asyncio.Task[int]:
    async def send() -> int:
        response = await rushed.reaction(
            f"U07RUSH{n:04d}",
            "one",
            ts,
            event_ts=f"1700000300.{n:06d}",
            event_id=f"Ev07RUSH{n:04d}",
            retry=retry,
        )
        return response.status

    return asyncio.create_task(send())


async def _answer(rushed: Rushed, body: str, content_type: str) -> tuple[int, str]:
    """Status and text of the answer to a signed request."""
    ts = str(int(time.time()))
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body),
    }
    async with rushed.session.post(rushed.url, data=body.encode(), headers=headers) as response:
        return response.status, await response.text()


async def _until(check: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


async def test_a_saturated_server_refuses_at_once_while_admitted_votes_still_commit(
    rushed: Rushed,
) -> None:
    ts = await _compare(rushed, "claude 3.5 haiku vs gpt-4o-mini")
    with disk_held(rushed.db):
        admitted = [_vote(rushed, n, ts) for n in range(FIRST)]
        await _until(lambda: rushed.server.in_flight == FIRST)
        async with rushed.session.post(
            rushed.url, data=b"{}", headers={"Content-Type": "application/json"}
        ) as refused:  # not even signed: a full server spends nothing on it
            assert refused.status == 503
            assert refused.headers["Retry-After"] == "1"
        assert not any(task.done() for task in admitted)  # answered while they still wait
        extra = await _vote(rushed, FIRST, ts)
        assert extra == 503
        assert not any(task.done() for task in admitted)
    assert await asyncio.gather(*admitted) == [200] * FIRST
    assert await _tally(rushed, ts) == (FIRST, 0)
    assert rushed.server.load.busy == 2


async def test_slacks_retries_have_places_kept_for_them(rushed: Rushed) -> None:
    """Slack gives up after its third retry; a first delivery still has chances left."""
    ts = await _compare(rushed, "claude 3.5 haiku vs gpt-4o-mini")
    with disk_held(rushed.db):
        admitted = [_vote(rushed, n, ts) for n in range(FIRST)]
        await _until(lambda: rushed.server.in_flight == FIRST)
        assert await _vote(rushed, 50, ts) == 503
        admitted.append(_vote(rushed, 50, ts, retry=1))
        await _until(lambda: rushed.server.in_flight == CAP)
        assert await _vote(rushed, 51, ts, retry=1) == 503
        assert rushed.server.in_flight == CAP
    assert await asyncio.gather(*admitted) == [200] * CAP
    assert await _tally(rushed, ts) == (CAP, 0)


async def test_slacks_retry_of_a_refused_event_counts_once(rushed: Rushed) -> None:
    ts = await _compare(rushed, "claude 3.5 haiku vs gpt-4o-mini")
    with disk_held(rushed.db):
        admitted = [_vote(rushed, n, ts) for n in range(FIRST)]
        await _until(lambda: rushed.server.in_flight == FIRST)
        assert await _vote(rushed, 99, ts) == 503
    await asyncio.gather(*admitted)
    for retry in (1, 2, 3):  # a slow answer to the first retry makes Slack send it again
        assert await _vote(rushed, 99, ts, retry=retry) == 200
    assert await _tally(rushed, ts) == (FIRST + 1, 0)


async def test_under_a_rush_in_flight_never_exceeds_the_cap_and_every_vote_lands(
    rushed: Rushed,
) -> None:
    ts = await _compare(rushed, "claude 3.5 haiku vs gpt-4o-mini")
    seen: list[int] = []
    sampling = True

    async def sample() -> None:
        while sampling:
            seen.append(rushed.server.in_flight)
            await asyncio.sleep(0)

    async def voter(n: int) -> int:
        deliveries = 0
        while True:
            deliveries += 1
            status = await _vote(rushed, n, ts, retry=deliveries - 1 or None)
            if status == 200:
                return deliveries
            assert status == 503
            await asyncio.sleep(0.02)

    sampler = asyncio.create_task(sample())
    with disk_held(rushed.db):
        voters = [asyncio.create_task(voter(n)) for n in range(40)]
        await _until(lambda: rushed.server.load.busy >= 40)
    deliveries = await asyncio.gather(*voters)
    sampling = False
    await sampler
    assert max(seen) <= rushed.server.load.peak_in_flight == CAP  # retries took the last place
    assert sum(deliveries) > 40  # some were refused and delivered again
    assert await _tally(rushed, ts) == (40, 0)


async def test_votes_skip_bolt_but_not_the_signature_check(rushed: Rushed) -> None:
    ts = await _compare(rushed, "claude 3.5 haiku vs gpt-4o-mini")
    body = json.dumps(
        {
            "type": "event_callback",
            "team_id": "T07RUSH",
            "event_id": "Ev07FORGED",
            "event": {
                "type": "reaction_added",
                "user": "U07FORGER",
                "reaction": "one",
                "item": {"type": "message", "channel": CHANNEL, "ts": ts},
                "event_ts": "1700000400.000001",
            },
        }
    )
    forged = await rushed.post(body, "application/json", secret="not-the-secret")
    stale = await rushed.post(body, "application/json", timestamp=int(time.time()) - 301)
    unsigned_headers = {"Content-Type": "application/json"}
    async with rushed.session.post(rushed.url, data=body, headers=unsigned_headers) as unsigned:
        assert unsigned.status == 401
    assert forged.status == 401 and stale.status == 401
    assert await _tally(rushed, ts) == (0, 0)
    signed = await rushed.post(body, "application/json")
    assert signed.status == 200
    assert await _tally(rushed, ts) == (1, 0)


async def test_url_verification_and_commands_still_go_through_bolt(rushed: Rushed) -> None:
    status, text = await _answer(
        rushed,
        json.dumps({"type": "url_verification", "token": "x", "challenge": "c-07"}),
        "application/json",
    )
    assert status == 200 and json.loads(text)["challenge"] == "c-07"
    ts = await _compare(rushed, "smolvlm2 vs mistral-medium-3")
    assert ts


async def test_a_full_background_pool_asks_the_user_to_try_again(rushed: Rushed) -> None:
    rushed.fake.delay = 0.5  # Slack answers slowly: each command's work stays under way
    answers: list[str] = []
    for n in range(4):
        body = (
            f"command=%2Ftools&text=&channel_id={CHANNEL}&user_id=U07ASKER{n}"
            f"&team_id=T1&trigger_id=t-busy-{n}&response_url=x"
        )
        status, text = await _answer(rushed, body, "application/x-www-form-urlencoded")
        assert status == 200
        answers.append(text)
        assert rushed.background.running <= rushed.background.limit
    assert [BUSY in answer for answer in answers] == [False, False, True, True]
    await rushed.background.drain(5)
    assert len(rushed.fake.of("chat.postEphemeral")) == 2


async def test_background_refuses_past_its_limit_without_leaking_the_work() -> None:
    background = Background(limit=1)
    release = asyncio.Event()
    ran: list[str] = []

    async def job(name: str) -> None:
        ran.append(name)
        await release.wait()

    assert background.spawn(job("first"))
    assert not background.spawn(job("second"))  # closed unstarted: no "never awaited"
    release.set()
    await background.drain(1)
    assert ran == ["first"]
    assert background.spawn(job("third"))
    await background.drain(1)
    assert ran == ["first", "third"]


def test_the_load_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from adapters.slack.settings import SlackSettings
    from bot.settings import SettingsError, read_settings

    monkeypatch.setenv("VERDICT_SLACK_MAX_IN_FLIGHT", "64")
    monkeypatch.setenv("VERDICT_SLACK_MAX_QUEUE_SECONDS", "0.5")
    monkeypatch.setenv("VERDICT_SLACK_MAX_BACKGROUND", "16")
    settings = read_settings(SlackSettings)
    assert (
        settings.max_in_flight,
        settings.max_queue_seconds,
        settings.max_background,
    ) == (64, 0.5, 16)
    monkeypatch.setenv("VERDICT_SLACK_MAX_IN_FLIGHT", "0")
    with pytest.raises(SettingsError, match="VERDICT_SLACK_MAX_IN_FLIGHT"):
        read_settings(SlackSettings)


async def test_the_rush_benchmark_stores_exactly_what_it_was_told() -> None:
    """A short `python -m benchmarks.slack` against the real process: every event answered
    200 once, refused ones delivered again, stored votes equal to what the 200s promise, and
    the server never had more in flight than its cap."""
    from benchmarks.slack import run

    result = await run(
        events=600,
        connections=24,
        voters=200,
        cards=3,
        extra_env={"VERDICT_SLACK_MAX_IN_FLIGHT": "8"},
    )
    assert result.acknowledged == result.events == 600
    assert result.unsettled == 0
    assert result.mismatched == 0 and result.stored_votes == result.expected_votes > 0
    assert result.peak_in_flight is not None and result.peak_in_flight <= 8
    assert result.sigterm_exit == 0


@pytest.mark.parametrize(
    ("event", "status"),
    [
        ({"type": "reaction_added"}, 200),  # no item: nothing to count, nothing to retry
        ({"type": "reaction_added", "item": {"type": "file", "file": "F07"}}, 200),
        ({"type": ["reaction_added"]}, 404),  # not a vote: Bolt's answer to an unknown event
    ],
)
async def test_odd_signed_events_get_a_plain_answer_without_a_traceback(
    rushed: Rushed, caplog: pytest.LogCaptureFixture, event: dict[str, object], status: int
) -> None:
    body = json.dumps({"type": "event_callback", "event_id": "Ev07ODD", "event": event})
    answer, _ = await _answer(rushed, body, "application/json")
    assert answer == status
    assert "Traceback" not in caplog.text
