"""A small mock of Slack's Web API on 127.0.0.1 that records every call, as bolt-python's own
tests do (`tests/mock_web_api_server`). The bot's `AsyncWebClient` is pointed at it."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.loopback import serve

BOT_USER = "UBOT"


@dataclass
class Call:
    method: str
    args: dict[str, Any]


@dataclass
class FakeSlack:
    calls: list[Call] = field(default_factory=list)
    _ts: itertools.count = field(default_factory=lambda: itertools.count(1))
    _runner: web.AppRunner | None = None
    base_url: str = ""
    reject_token: bool = False

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/api/{method}", self._handle)
        self._runner, port = await serve(app)
        self.base_url = f"http://127.0.0.1:{port}/api/"
        return self.base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            args |= await request.json()
        else:
            args |= dict(await request.post())
        for key in ("blocks",):
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        self.calls.append(Call(method, args))
        body: dict[str, Any] = {"ok": True}
        if method == "auth.test" and self.reject_token:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        if method == "auth.test":
            body |= {
                "user_id": BOT_USER,
                "bot_id": "B1",
                "team_id": "T1",
                "user": "verdict",
                "team": "Team",
                "url": "https://team.slack.com/",
            }
        elif method == "chat.postMessage":
            body |= {"channel": args.get("channel"), "ts": f"1700000000.{next(self._ts):06d}"}
        elif method == "chat.update":
            body |= {"channel": args.get("channel"), "ts": args.get("ts")}
        elif method == "chat.postEphemeral":
            body |= {"message_ts": "1700000000.999999"}
        return web.json_response(body)
