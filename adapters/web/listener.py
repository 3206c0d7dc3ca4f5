"""The web pages' own listener: what one visitor may take, so that a crowd of slow or
half-open clients on the pages' port can never use up the process's file descriptors or time
that the chat listener in the same process needs (`verdict slack` and `verdict discord` serve
the pages beside the chat platform when VERDICT_PUBLIC_URL is set).

aiohttp's server gives each connection a task and waits for its request without limit; here:
- at most `max_connections` are open; at the cap, a new connection closes the one that has
  waited longest without a request being worked on (idle shedding), or is refused when every
  connection is busy, so the pages never hold more descriptors than that;
- a connection must send its whole request head within `header_seconds` of connecting or of
  its previous answer (aiohttp's keep-alive timer, armed from the connection's start), and an
  unread body is drained for at most `linger_seconds`;
- at most `max_in_flight` pages are built at once; more are answered 503 at once;
- a request aiohttp cannot parse (a 20,000-character URL, a broken header) is answered 400 and
  logged in one rate-limited line, not aiohttp's traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, cast

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.web_protocol import RequestHandler

from adapters.fd_budget import BUDGET
from adapters.quiet_log import QuietLog, quiet_asyncio

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class WebLimits:
    """What the pages' port may take. A page is a few kilobytes asked for with a GET."""

    header_seconds: float = 10.0
    linger_seconds: float = 2.0
    max_connections: int = 256
    """Far below the usual 1,024 descriptors: the rest is the chat listener's (and never more
    than the process's descriptors allow, adapters/fd_budget.py)."""
    max_in_flight: int = 32
    backlog: int = 32


@dataclass(slots=True)
class WebLoad:
    shed: int = 0
    refused: int = 0
    busy: int = 0
    open_now: int = 0
    peak_open: int = 0
    _busy_handlers: set[object] = field(default_factory=set)


class _Refused(asyncio.Protocol):
    """A connection past the cap with none to shed: 503 and closed, no task, no parser."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        with contextlib.suppress(Exception):
            cast(asyncio.WriteTransport, transport).write(
                b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                b"Connection: close\r\nRetry-After: 1\r\n\r\n"
            )
        transport.close()


class _MalformedInOneLine(logging.LoggerAdapter):  # type: ignore[type-arg]  # generic in 3.11+
    """aiohttp's server logger, except that a request it could not parse is one quiet line: a
    stranger's malformed request is not a fault of ours (every other bad URL is one line too),
    and a traceback per request would let anyone fill the log."""

    def __init__(self, logger: logging.Logger, quiet: QuietLog) -> None:
        super().__init__(logger, {})
        self.quiet = quiet

    def exception(self, msg: object, *args: object, **kwargs: Any) -> None:
        error = kwargs.get("exc_info")
        if isinstance(error, HttpProcessingError):
            why = str(error.message).split(":", 1)[0][:120]  # never the 20,000 characters
            self.quiet.warning(
                "web: 400 to a malformed request (%s: %s)", type(error).__name__, why
            )
            return
        self.logger.exception(msg, *args, **kwargs)


class PageListener:
    """Serves an aiohttp app on host:port within `limits`. `await start(host, port)` returns
    the port; `await cleanup()` closes it."""

    def __init__(self, app: web.Application, limits: WebLimits | None = None) -> None:
        self.limits = limits or WebLimits()
        self.load = WebLoad()
        self._open: OrderedDict[RequestHandler, float | None] = OrderedDict()
        """Open connections, oldest first: when each was accepted while it is not yet
        connected, then None."""
        self._in_flight = 0
        self._quiet = QuietLog(log)
        app.middlewares.insert(0, self._middleware)
        self.runner = web.AppRunner(
            app,
            access_log=None,
            logger=_MalformedInOneLine(logging.getLogger("aiohttp.server"), self._quiet),
            keepalive_timeout=self.limits.header_seconds,
            lingering_time=self.limits.linger_seconds,
        )
        self._server: asyncio.Server | None = None

    async def start(self, host: str, port: int) -> int:
        await self.runner.setup()
        quiet_asyncio()
        BUDGET.join(self, lambda: len(self._open), self.limits.backlog)
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            self._protocol, host, port, backlog=self.limits.backlog, reuse_address=True
        )
        return int(self._server.sockets[0].getsockname()[1])

    async def cleanup(self) -> None:
        """Stop listening and close every connection (as `web.AppRunner.cleanup`)."""
        BUDGET.leave(self)
        if self._server is not None:
            self._server.close()
        await self.runner.cleanup()

    @property
    def port(self) -> int:
        """The port listened on (after `start`)."""
        return int(self._server.sockets[0].getsockname()[1]) if self._server else 0

    @property
    def open_connections(self) -> int:
        self._forget_closed()
        return len(self._open)

    def _forget_closed(self) -> None:
        """Drop the connections that have closed. A handler has no transport until the loop
        calls its `connection_made` (soon after it is created) and none again once closed."""
        now = time.monotonic()
        for handler, since in list(self._open.items()):
            if handler.transport is not None:
                if since is not None:
                    self._open[handler] = None  # connected: live from now on
            elif since is None or now - since > 5.0:  # closed, or never connected
                del self._open[handler]

    def _protocol(self) -> asyncio.BaseProtocol:
        """Called by the loop for each accepted connection, before it is read from."""
        self._forget_closed()
        at_cap = len(self._open) >= self.limits.max_connections or BUDGET.room() < 0
        if at_cap and not self._shed_one():
            self.load.refused += 1
            self._quiet.warning("web: refused a connection, all %d busy", len(self._open))
            return _Refused()
        server = self.runner.server
        if server is None:  # start() sets it up before the socket listens
            raise RuntimeError("the page listener accepted a connection before its setup")
        handler = server()
        self._open[handler] = time.monotonic()
        self.load.peak_open = max(self.load.peak_open, len(self._open))
        return handler

    def _shed_one(self) -> bool:
        busy = self.load._busy_handlers
        for handler in self._open:
            if handler not in busy:
                del self._open[handler]
                handler.force_close()
                self.load.shed += 1
                return True
        return False

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if self._in_flight >= self.limits.max_in_flight:
            self.load.busy += 1
            return web.Response(status=503, text="busy, retry later", headers={"Retry-After": "1"})
        protocol = request.protocol
        self._in_flight += 1
        self.load._busy_handlers.add(protocol)
        try:
            return await handler(request)
        finally:
            self._in_flight -= 1
            self.load._busy_handlers.discard(protocol)
