"""The HTTP server in front of the Slack app: Slack's signed requests in, Bolt's answers out, and
nothing a stranger on the network can use to hold it up or crash it.

Every request must arrive whole in time (headers, then body), within a size limit, over one of a
capped number of connections; a request that is not well-formed, not UTF-8, not signed, or whose
JSON is not an object is answered 400/401 with one log line, before Bolt sees it. `/healthz`
answers 200 while the store answers. `drain()` stops accepting and lets accepted requests finish.

Under a rush the server takes only the work it can finish within Slack's 3 seconds: at most
`max_in_flight` requests are worked on at once, and none is taken while the oldest of them has
waited `max_queue_seconds`; past that, an event delivery is answered 503 with `Retry-After` at
once, before any signature or JSON work, and Slack delivers it again later
(`X-Slack-Retry-Num`). Slack gives up after its third retry, so a quarter of the places are kept
for retries: a first delivery still has chances left. Slack never retries a command or a button
press, so those are acked at once and queued instead (`max_late`), answered privately when run.
At the connection cap, the connection idle longest (no whole request yet) is shed for the new
one. Log lines caused by strangers are rate-limited (adapters/quiet_log.py). Set with
VERDICT_SLACK_MAX_IN_FLIGHT (default 256) and VERDICT_SLACK_MAX_QUEUE_SECONDS (default 1.0).
Events named in `direct` (reaction votes) skip Bolt: the signature is checked here, the JSON
parsed once and the handler called; everything else (URL verification, commands, buttons, other
events) goes through Bolt.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
import json
import logging
import urllib.parse
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import h11
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

from adapters.fd_budget import BUDGET
from adapters.quiet_log import QuietLog, quiet_asyncio

log = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
DirectHandler = Callable[[dict[str, Any]], Awaitable[None]]
"""Handles one signed `event_callback` body; returns once its work is done (then 200)."""


@dataclass(frozen=True, slots=True)
class HttpLimits:
    """What one client may take. Slack's requests are a few kilobytes and arrive at once."""

    header_seconds: float = 10.0
    """From connecting (or the previous answer, on a kept-alive connection) to the headers."""
    body_seconds: float = 10.0
    """From the headers to the end of the body."""
    max_connections: int = 4096
    """Open connections, at most, and never more than the process's descriptors allow beside
    its other listeners (adapters/fd_budget.py: about 860 with the usual 1,024); at the cap the
    connection idle longest is shed for a new one."""
    backlog: int = 64
    """Connections the kernel holds before they are accepted, and taken at once at most."""
    max_in_flight: int = 256
    """Slack requests worked on at once (one per connection at a time); more wait for Slack's
    retry (503). Enough for ~0.1 s of votes at 2,000/s: a deeper queue only adds latency."""
    max_queue_seconds: float = 1.0
    """No new work while the oldest request in flight has waited this long: the work is not
    keeping up, and what is taken now would not be answered within Slack's 3 s."""
    retry_share: float = 0.25
    """Of `max_in_flight`, the places only Slack's retries may take."""
    retry_after_seconds: int = 1
    max_late: int = 256
    """Commands and button presses acked while saturated and worked on once there is room:
    Slack never retries those (only Events API deliveries), so they are queued, not 503'd.
    Past this many waiting, a command's asker reads `busy_text` at once."""
    late_seconds: float = 120.0
    """A queued command not started within this long is dropped (logged): its signature
    would soon be stale, and its asker has long moved on."""
    busy_text: str = "Verdict is busy right now: try again in a moment."
    max_body_bytes: int = 1_000_000
    max_header_bytes: int = 16_384
    write_seconds: float = 10.0
    """To hand an answer to a client that does not read it."""
    health_seconds: float = 2.0


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()


class BadRequest(Exception):
    """A request we answer without Bolt: its status and a short reason for the log line."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(slots=True)
class Load:
    """What the server took on and turned away since it started (logged when it stops)."""

    answered: int = 0
    busy: int = 0
    """Answered 503 because the server was saturated (Slack retries those)."""
    connections_refused: int = 0
    """Connections answered 503 and closed at once: past `max_connections` with none idle to
    shed, or stopping."""
    connections_shed: int = 0
    """Idle connections (no whole request yet) closed to make room for a new one at the cap."""
    peak_in_flight: int = 0
    late: int = 0
    """Commands and presses acked at once while saturated, worked on later."""
    late_dropped: int = 0


class SlackHttpServer:
    """Serves one Bolt app at `path`, and `/healthz`. Start with `await server.start(host,
    port)`; stop with `await server.drain()`. `direct` maps event types (`reaction_added`) to
    handlers called without Bolt."""

    def __init__(
        self,
        app: AsyncApp,
        *,
        signing_secret: str,
        healthy: Callable[[], Awaitable[bool]],
        path: str = "/slack/events",
        limits: HttpLimits | None = None,
        direct: Mapping[str, DirectHandler] | None = None,
    ) -> None:
        self.app = app
        self.path = path
        self.limits = limits or HttpLimits()
        self.load = Load()
        self._verifier = SignatureVerifier(signing_secret)
        self._healthy = healthy
        self._direct = dict(direct or {})
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self._idle: dict[asyncio.Task[None], asyncio.StreamWriter] = {}
        """Connections without a whole request to work on, longest idle first: sheddable."""
        self._shed: set[asyncio.Task[None]] = set()
        self._in_flight: dict[int, float] = {}
        """Admission number -> when it was admitted; dicts keep order, so the first is oldest."""
        self._admissions = itertools.count()
        self._first_deliveries = max(
            1, round(self.limits.max_in_flight * (1 - self.limits.retry_share))
        )
        self._busy = Answer(
            503,
            b"busy, retry later",
            headers=(("retry-after", str(self.limits.retry_after_seconds)),),
        )
        self._closing = False
        self._quiet = QuietLog(log)
        """Lines caused by unauthenticated or malformed traffic: rate-limited."""
        self._late: collections.deque[tuple[float, str, str, dict[str, str]]] = collections.deque()
        self._late_ready = asyncio.Event()
        self._late_worker: asyncio.Task[None] | None = None

    @property
    def open_connections(self) -> int:
        return len(self._connections)

    @property
    def in_flight(self) -> int:
        """Slack requests being worked on now; never more than `limits.max_in_flight`."""
        return len(self._in_flight)

    async def start(self, host: str, port: int) -> int:
        """Listen on host:port (port 0 picks a free one); returns the port."""
        quiet_asyncio()
        BUDGET.join(self, lambda: len(self._connections), self.limits.backlog)
        self._server = await asyncio.start_server(
            self._accept, host, port, limit=65_536, backlog=self.limits.backlog
        )
        self._late_worker = asyncio.create_task(self._work_late())
        return int(self._server.sockets[0].getsockname()[1])

    async def drain(self, timeout: float = 30.0) -> None:
        """Stop accepting, close idle connections, and wait (bounded) for requests in flight."""
        self._closing = True
        BUDGET.leave(self)
        if self._server is not None:
            self._server.close()
        for writer in list(self._idle.values()):
            writer.close()
        if self._connections:
            await asyncio.wait(list(self._connections), timeout=timeout)
        for task in list(self._connections):
            task.cancel()
        if self._late_worker is not None:
            self._late_ready.set()
            await asyncio.wait([self._late_worker], timeout=timeout)
            self._late_worker.cancel()
        log.info(
            "slack http: %d requests answered, %d turned away as busy (503), at most %d in "
            "flight; %d connections refused",
            self.load.answered,
            self.load.busy,
            self.load.peak_in_flight,
            self.load.connections_refused,
        )

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is None:  # asyncio always runs the callback in a task
            writer.close()
            return
        if not self._closing and self._at_cap():
            self._shed_oldest_idle()
        if self._closing or self._at_cap():
            self.load.connections_refused += 1
            writer.write(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n")
            writer.write(b"Connection: close\r\nRetry-After: 1\r\n\r\n")
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer.drain(), 1.0)
            writer.close()
            return
        self._connections.add(task)
        try:
            await self._serve(reader, writer, task)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self._connections.discard(task)
            self._idle.pop(task, None)
            self._shed.discard(task)
            writer.close()

    def _at_cap(self) -> bool:
        """At this listener's own cap, or the process's descriptors are all spoken for."""
        return len(self._connections) >= self.limits.max_connections or BUDGET.room() < 0

    def _shed_oldest_idle(self) -> None:
        """At the cap, make room by closing the connection that has waited longest without a
        whole request (headers and body) to work on: a slow or half-open client, or one kept
        alive with nothing to say. A connection whose request is being worked on is never
        shed. So a crowd of slow clients cannot keep Slack out: each new connection pushes the
        oldest idle one out, and Slack's requests, which arrive whole, are never idle long."""
        for task, writer in self._idle.items():
            self._idle.pop(task)
            self._connections.discard(task)
            self._shed.add(task)
            self.load.connections_shed += 1
            writer.transport.abort()  # its reader sees the end; `_serve` returns quietly
            return

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, task: asyncio.Task[None]
    ) -> None:
        loop = asyncio.get_running_loop()
        connection = h11.Connection(
            h11.SERVER, max_incomplete_event_size=self.limits.max_header_bytes
        )
        while not self._closing:
            self._idle[task] = writer
            try:
                deadline = loop.time() + self.limits.header_seconds
                request = await self._next(connection, reader, deadline)
                if not isinstance(request, h11.Request):
                    return  # the client closed the connection
                answer = await self._answer(connection, reader, request, loop.time(), task)
            except TimeoutError:
                log.debug("closed a connection that did not send its request in time")
                return
            except h11.RemoteProtocolError as error:
                self._idle.pop(task, None)
                if task in self._shed:
                    return  # we closed it to make room: nobody to answer
                self._quiet.warning("rejected a malformed HTTP request: %s", error)
                answer = Answer(400, b"malformed request")
            except Exception:  # our own failure: 500 (Slack retries), logged with its cause
                log.exception("slack request failed")
                answer = Answer(500, b"internal error")
            if connection.our_state is not h11.SEND_RESPONSE:
                return
            await self._send(connection, writer, answer)
            if connection.our_state is not h11.DONE or connection.their_state is not h11.DONE:
                return
            connection.start_next_cycle()

    async def _next(
        self, connection: h11.Connection, reader: asyncio.StreamReader, deadline: float
    ) -> object:
        while True:
            event = connection.next_event()
            if event is not h11.NEED_DATA:
                return event
            if deadline <= asyncio.get_running_loop().time():
                raise TimeoutError
            async with asyncio.timeout_at(deadline):  # unlike wait_for, no task per read
                data = await reader.read(65_536)
            connection.receive_data(data)

    async def _answer(
        self,
        connection: h11.Connection,
        reader: asyncio.StreamReader,
        request: h11.Request,
        started: float,
        task: asyncio.Task[None],
    ) -> Answer:
        """The answer to `request`; the connection stays sheddable (`_idle`) until its request
        is whole, then it is work and is never shed."""
        target = request.target.decode("latin-1")
        path, _, query = target.partition("?")
        method = request.method.decode("latin-1")
        headers = {
            name.decode("latin-1"): value.decode("latin-1") for name, value in request.headers
        }
        if path == HEALTH_PATH and method in {"GET", "HEAD"}:
            await self._skip_body(connection, reader, started)
            self._idle.pop(task, None)
            health = await self._health()
            return Answer(health.status) if method == "HEAD" else health
        if path != self.path:
            await self._skip_body(connection, reader, started)
            return Answer(404, b"not found")
        if method != "POST":
            await self._skip_body(connection, reader, started)
            return Answer(405, b"method not allowed", headers=(("allow", "POST"),))
        declared = headers.get("content-length", "0")
        if declared.isdigit() and int(declared) > self.limits.max_body_bytes:
            self._quiet.warning("rejected a request body of %s bytes", declared)
            return Answer(413, b"request body too large", headers=(("connection", "close"),))
        try:
            body = await self._body(connection, reader, started + self.limits.body_seconds)
        except BadRequest as error:
            self._quiet.warning("rejected a Slack request: %s", error.reason)
            return Answer(error.status, error.reason.encode())
        self._idle.pop(task, None)  # a whole request: work from now on, never shed
        # Admitted only once the body is here: a client trickling its body holds a connection
        # (capped, timed out), never a place in the work queue.
        admitted = self._admit(
            asyncio.get_running_loop().time(), retry="x-slack-retry-num" in headers
        )
        if admitted is None:
            if not _is_event_delivery(headers):
                return self._ack_late(body, query, headers)
            self.load.busy += 1
            return self._busy
        try:
            return await self._slack(body, query, headers)
        except BadRequest as error:
            self._quiet.warning("rejected a Slack request: %s", error.reason)
            return Answer(error.status, error.reason.encode())
        finally:
            del self._in_flight[admitted]
            self.load.answered += 1

    def _ack_late(self, body: bytes, query: str, headers: dict[str, str]) -> Answer:
        """A command or button press while saturated: Slack never retries these, so a 503
        would lose them. Once its signature holds, it is acked now and queued (bounded); its
        listener answers privately when it runs, as it always does after the ack."""
        try:
            text = self._verified(body, headers)
        except BadRequest as error:
            self._quiet.warning("rejected a Slack request: %s", error.reason)
            return Answer(error.status, error.reason.encode())
        if len(self._late) >= self.limits.max_late or self._closing:
            self.load.busy += 1
            return Answer(200, self.limits.busy_text.encode())
        self._late.append((asyncio.get_running_loop().time(), text, query, headers))
        self._late_ready.set()
        self.load.late += 1
        return Answer(200)

    async def _work_late(self) -> None:
        """Runs queued commands and presses in order, each once a place in flight is free."""
        loop = asyncio.get_running_loop()
        while True:
            while not self._late:
                if self._closing:
                    return
                self._late_ready.clear()
                await self._late_ready.wait()
            queued_at, text, query, headers = self._late.popleft()
            if loop.time() - queued_at > self.limits.late_seconds:
                self.load.late_dropped += 1
                self._quiet.warning("dropped a queued Slack command that waited too long to start")
                continue
            admitted = self._admit(loop.time(), retry=True)
            while admitted is None:
                await asyncio.sleep(0.05)
                admitted = self._admit(loop.time(), retry=True)
            try:
                await self.app.async_dispatch(
                    AsyncBoltRequest(body=text, query=query, headers=headers)
                )
            except Exception:  # a listener's own failure: logged, the queue goes on
                log.exception("a queued Slack command failed")
            finally:
                del self._in_flight[admitted]
                self.load.answered += 1

    def _admit(self, now: float, *, retry: bool) -> int | None:
        """An admission number, or None when saturated: too many in flight, or the oldest has
        waited too long. Costs a few dict operations, so refusing stays cheap under a rush."""
        in_flight = self._in_flight
        if len(in_flight) >= (self.limits.max_in_flight if retry else self._first_deliveries):
            return None
        if in_flight and now - next(iter(in_flight.values())) > self.limits.max_queue_seconds:
            return None
        number = next(self._admissions)
        in_flight[number] = now
        if len(in_flight) > self.load.peak_in_flight:
            self.load.peak_in_flight = len(in_flight)
        return number

    async def _body(
        self, connection: h11.Connection, reader: asyncio.StreamReader, deadline: float
    ) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            event = await self._next(connection, reader, deadline)
            if isinstance(event, h11.Data):
                size += len(event.data)
                if size > self.limits.max_body_bytes:
                    raise BadRequest(413, "request body too large")
                chunks.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                return b"".join(chunks)
            else:
                raise BadRequest(400, "request body cut short")

    async def _skip_body(
        self, connection: h11.Connection, reader: asyncio.StreamReader, started: float
    ) -> None:
        with contextlib.suppress(BadRequest):
            await self._body(connection, reader, started + self.limits.body_seconds)

    async def _health(self) -> Answer:
        try:
            healthy = await asyncio.wait_for(self._healthy(), self.limits.health_seconds)
        except Exception as error:  # any failure to answer is "not healthy", said once
            self._quiet.warning("health check: the store does not answer: %r", error)
            healthy = False
        return Answer(200, b"ok") if healthy else Answer(503, b"store unavailable")

    def _verified(self, body: bytes, headers: dict[str, str]) -> str:
        """The body as text, once it is UTF-8 and signed by Slack within the last 5 minutes."""
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest(400, "the body is not UTF-8") from None
        timestamp = headers.get("x-slack-request-timestamp", "")
        if not (timestamp.isascii() and timestamp.isdigit()):
            raise BadRequest(401, "no valid X-Slack-Request-Timestamp")
        signature = headers.get("x-slack-signature", "")
        if not self._verifier.is_valid(body=text, timestamp=timestamp, signature=signature):
            raise BadRequest(401, "bad or stale signature")
        return text

    async def _slack(self, body: bytes, query: str, headers: dict[str, str]) -> Answer:
        text = self._verified(body, headers)
        payload = _check_payload(text, headers.get("content-type", ""))
        direct = self._direct_handler(payload)
        if direct is not None and payload is not None:
            return await self._run_direct(direct, payload)
        response = await self.app.async_dispatch(
            AsyncBoltRequest(body=text, query=query, headers=headers)
        )
        content_type = response.headers.get("content-type", ["text/plain; charset=utf-8"])[0]
        extra = tuple(
            (name, value)
            for name, value in response.first_headers_without_set_cookie().items()
            if name.lower() not in {"content-type", "content-length"}
        )
        return Answer(response.status, response.body.encode(), content_type, extra)

    def _direct_handler(self, payload: dict[str, Any] | None) -> DirectHandler | None:
        if not self._direct or payload is None or payload.get("type") != "event_callback":
            return None
        event = payload.get("event")
        kind = event.get("type") if isinstance(event, dict) else None
        return self._direct.get(kind) if isinstance(kind, str) else None

    async def _run_direct(self, handler: DirectHandler, payload: dict[str, Any]) -> Answer:
        """As Bolt would answer with `process_before_response`: 200 once the handler is done,
        500 (one log line, Slack retries) when it fails or runs out of time."""
        try:
            await handler(payload)
        except Exception as error:
            log.error("slack event %s failed: %r", payload.get("event_id"), error)
            return Answer(500, b"internal error")
        return Answer(200)

    async def _send(
        self, connection: h11.Connection, writer: asyncio.StreamWriter, answer: Answer
    ) -> None:
        headers = [
            ("content-type", answer.content_type),
            ("content-length", str(len(answer.body))),
            *answer.headers,
        ]
        if self._closing:
            headers.append(("connection", "close"))
        parts = [connection.send(h11.Response(status_code=answer.status, headers=headers))]
        if answer.body:
            parts.append(connection.send(h11.Data(data=answer.body)))
        parts.append(connection.send(h11.EndOfMessage()))
        writer.write(b"".join(part for part in parts if part))  # one send, not three
        if writer.transport.get_write_buffer_size():  # only a client that does not read
            async with asyncio.timeout(self.limits.write_seconds):
                await writer.drain()


def _is_event_delivery(headers: Mapping[str, str]) -> bool:
    """Events API deliveries are JSON and retried by Slack; commands and button presses are
    forms and never retried."""
    return headers.get("content-type", "").split(";")[0].strip().lower() == "application/json"


def _check_payload(text: str, content_type: str) -> dict[str, Any] | None:
    """Slack sends a JSON object, or a form whose `payload` (if any) is a JSON object. Returns
    the JSON body's object (a form's is left to Bolt)."""
    if content_type.split(";")[0].strip().lower() == "application/json":
        return _json_object(text)
    try:
        form = urllib.parse.parse_qs(text, keep_blank_values=True, strict_parsing=False)
    except ValueError:
        raise BadRequest(400, "the form body cannot be read") from None
    if "payload" in form:
        _json_object(form["payload"][0])
    return None


def _json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except RecursionError:
        raise BadRequest(400, "the JSON is nested too deeply") from None
    except ValueError:
        raise BadRequest(400, "the body is not JSON") from None
    if not isinstance(value, dict):
        raise BadRequest(400, "the JSON is not an object")
    return value
