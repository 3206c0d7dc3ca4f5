"""A small mock of Slack's Web API on 127.0.0.1 that records every call, as bolt-python's own
tests do (`tests/mock_web_api_server`). The bot's `AsyncWebClient` is pointed at it."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.loopback import serve

BOT_USER = "UBOT"
BOT_SCOPES = (
    "commands,chat:write,reactions:read,reactions:write,"
    "files:write,users:read,channels:history,groups:history"
)
"""What installing from the manifests grants."""
NOT_IN_CHANNEL = ("chat.postMessage", "chat.postEphemeral", "reactions.add", "chat.update")


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
    scopes: str = BOT_SCOPES
    """What auth.test reports in its `x-oauth-scopes` header, as Slack does."""
    outside: set[str] = field(default_factory=set)
    """Channels the bot was never invited to: posting there fails with `not_in_channel`."""
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)
    """What conversations.info describes; an unknown id is `channel_not_found`."""
    channel_lookup_error: str | None = None
    """Make conversations.info fail with this error (e.g. `missing_scope`)."""
    reject_app_token: bool = False
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    """What users.info describes (e.g. `{"is_admin": True}`); an unknown id is a plain member."""
    history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Messages posted per channel, newest first, as conversations.history lists them."""
    history_error: str | None = None
    """Make conversations.history fail with this error (e.g. `missing_scope`)."""
    users_error: str | None = None
    """Make users.info fail with this error (e.g. `missing_scope`)."""
    responses: list[dict[str, Any]] = field(default_factory=list)
    """What was sent to a slash command's response_url (`response_url()` gives one)."""
    acks: list[dict[str, Any]] = field(default_factory=list)
    """What the app sent back over Socket Mode (envelope acks)."""
    delay: float = 0.0
    """Seconds every Web API call takes before it answers (a slow Slack)."""
    update_delays: list[float] = field(default_factory=list)
    """Seconds each coming chat.update takes to reach Slack, first first: a slow update is
    applied (and recorded) after updates that were sent later but arrived sooner."""
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)
    _envelopes: itertools.count = field(default_factory=lambda: itertools.count(1))
    uploads: dict[str, bytes] = field(default_factory=dict)
    """Files uploaded to the URL files.getUploadURLExternal handed out, by file id."""
    shared: list[dict[str, Any]] = field(default_factory=list)
    """Files completed (files.completeUploadExternal): id, title, and the channel they went to."""
    upload_error: str | None = None
    """Make files.getUploadURLExternal fail with this error (e.g. `missing_scope`)."""
    _file_ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    answering: Callable[[Call], None] | None = None
    """Called once a call has taken effect, just before its answer goes back (e.g. to kill
    the calling process there: Slack has the message, the bot never hears so)."""

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle)  # slack_sdk GETs some
        app.router.add_post("/respond/{id}", self._respond)
        app.router.add_get("/socket", self._socket)
        app.router.add_post("/upload/{file_id}", self._upload)
        self._runner, port = await serve(app)
        self.base_url = f"http://127.0.0.1:{port}/api/"
        return self.base_url

    def response_url(self) -> str:
        return self.base_url.replace("/api/", "/respond/1")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        """Socket Mode: the app connects here (apps.connections.open said so), Slack says hello,
        then pushes envelopes the app must ack."""
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_json({"type": "hello", "num_connections": 1})
        async for message in socket:
            if message.type == web.WSMsgType.TEXT:
                self.acks.append(json.loads(message.data))
        return socket

    async def socket_connected(self, timeout: float = 30.0) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while not self._sockets:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("nothing connected over Socket Mode")
            await asyncio.sleep(0.05)

    async def push_command(self, command: str, text: str, *, channel: str, user: str) -> str:
        """Deliver a slash command over Socket Mode, as Slack does; returns its envelope id."""
        envelope_id = f"env-{next(self._envelopes)}"
        payload = {
            "token": "x",
            "team_id": "T1",
            "channel_id": channel,
            "user_id": user,
            "command": command,
            "text": text,
            "response_url": self.response_url(),
            "trigger_id": f"trigger-{envelope_id}",  # Slack gives every command its own
        }
        await self._sockets[-1].send_json(
            {
                "envelope_id": envelope_id,
                "type": "slash_commands",
                "accepts_response_payload": True,
                "payload": payload,
            }
        )
        return envelope_id

    async def _upload(self, request: web.Request) -> web.Response:
        """Step 2 of files_upload_v2: the bytes, POSTed to the URL step 1 handed out."""
        self.uploads[request.match_info["file_id"]] = await request.read()
        return web.Response(text="OK - uploaded")

    async def _respond(self, request: web.Request) -> web.Response:
        self.responses.append(await request.json())
        return web.Response(text="ok")

    async def stop(self) -> None:
        for socket in self._sockets:
            await socket.close()
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
        if method == "chat.update" and self.update_delays:
            await asyncio.sleep(self.update_delays.pop(0))
        self.calls.append(Call(method, args))
        if self.delay:
            await asyncio.sleep(self.delay)
        body: dict[str, Any] = {"ok": True}
        if method == "auth.test" and self.reject_token:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        if method in NOT_IN_CHANNEL and args.get("channel") in self.outside:
            return web.json_response({"ok": False, "error": "not_in_channel"})
        if method == "apps.connections.open":
            if self.reject_app_token:
                return web.json_response({"ok": False, "error": "invalid_auth"})
            socket_url = self.base_url.replace("http://", "ws://").replace("/api/", "/socket")
            return web.json_response({"ok": True, "url": socket_url})
        if method == "conversations.info":
            if self.channel_lookup_error is not None:
                return web.json_response({"ok": False, "error": self.channel_lookup_error})
            found = self.channels.get(str(args.get("channel")))
            if found is None:
                return web.json_response({"ok": False, "error": "channel_not_found"})
            return web.json_response({"ok": True, "channel": found})
        if method == "conversations.history":
            if self.history_error is not None:
                return web.json_response({"ok": False, "error": self.history_error})
            found = self.history.get(str(args.get("channel")), [])
            shown = [
                {k: v for k, v in m.items() if k != "metadata" or args.get("include_all_metadata")}
                for m in found[: int(args.get("limit", 100))]
            ]
            return web.json_response({"ok": True, "messages": shown})
        if method == "users.info":
            if self.users_error is not None:
                return web.json_response({"ok": False, "error": self.users_error})
            user = str(args.get("user"))
            described = {"id": user, "is_admin": False, "is_owner": False}
            return web.json_response({"ok": True, "user": described | self.users.get(user, {})})
        if method == "auth.test":
            headers = {"x-oauth-scopes": self.scopes}
            body |= {
                "user_id": BOT_USER,
                "bot_id": "B1",
                "team_id": "T1",
                "user": "verdict",
                "team": "Team",
                "url": "https://team.slack.com/",
            }
            return web.json_response(body, headers=headers)
        elif method == "chat.postMessage":
            body |= {"channel": args.get("channel"), "ts": f"1700000000.{next(self._ts):06d}"}
            metadata = args.get("metadata")
            metadata = json.loads(metadata) if isinstance(metadata, str) else metadata
            self.history.setdefault(str(args.get("channel")), []).insert(
                0, {"ts": body["ts"], "user": BOT_USER, "metadata": metadata or None}
            )
        elif method == "chat.update":
            body |= {"channel": args.get("channel"), "ts": args.get("ts")}
        elif method == "chat.postEphemeral":
            body |= {"message_ts": "1700000000.999999"}
        elif method == "files.getUploadURLExternal":
            if self.upload_error is not None:
                return web.json_response({"ok": False, "error": self.upload_error})
            file_id = f"F{next(self._file_ids):08d}"
            upload_url = self.base_url.replace("/api/", f"/upload/{file_id}")
            body |= {"upload_url": upload_url, "file_id": file_id}
        elif method == "files.completeUploadExternal":
            files = args.get("files")
            files = json.loads(files) if isinstance(files, str) else files or []
            for shared in files:
                self.shared.append({**shared, "channel": args.get("channel_id")})
            body |= {"files": [{"id": f["id"], "title": f.get("title")} for f in files]}
        if self.answering is not None:
            self.answering(self.calls[-1])
        return web.json_response(body)
