"""A small stand-in for Discord's HTTP API on 127.0.0.1, recording every request.

discord.py talks to it for real (its HTTP client, rate-limit handling and payloads), because
tests point `discord.http.Route.BASE` here. It answers with just enough JSON for discord.py to
build its objects. It keeps the messages posted in each channel (listed newest first by
`GET /channels/{id}/messages`, as Discord does) and honours an enforced nonce: a second message
from the bot with a nonce it remembers is not created, the first one is returned.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from tests.loopback import serve

BOT_ID = "1000"
APP_ID = "2000"
GUILD_ID = "3000"
CHANNEL_ID = "4000"


def _json(data: object, status: int = 200) -> web.Response:
    # discord.py parses a body as JSON only when the content type is exactly this.
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"}
    )


@dataclass
class Seen:
    method: str
    path: str
    body: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    """Attachments of a multipart request, by file name."""


@dataclass
class FakeDiscord:
    requests: list[Seen] = field(default_factory=list)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(500_000))
    _runner: web.AppRunner | None = None
    base_url: str = ""
    reject_token: bool = False
    guilds: list[dict[str, Any]] = field(
        default_factory=lambda: [{"id": GUILD_ID, "name": "Team", "permissions": "116800"}]
    )
    """The servers the bot is in, with its permissions there, as `/users/@me/guilds` lists them."""
    closed_channels: set[str] = field(default_factory=set)
    """Channels where the bot lacks Send Messages: posting there is 403 Missing Permissions."""
    refuse_files: bool = False
    """The bot lacks Attach Files: a message with a file is 403 Missing Permissions."""
    channel_guilds: dict[str, str] = field(default_factory=dict)
    """Channels `GET /channels/{id}` knows, with the server each is in; others are 404."""
    posted: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Messages created per channel, oldest first (never their nonce: Discord does not keep it)."""
    nonces: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Enforced nonces Discord still remembers, with the message each created. Discord forgets
    them after a few minutes: `forget_nonces` stands for that time passing."""
    unreadable_channels: set[str] = field(default_factory=set)
    """Channels whose history the bot may not read (no Read Message History): 403."""
    drop_reply_once: bool = False
    """Create the next message, then cut the connection before answering (the bot never hears
    that Discord accepted it)."""

    def forget_nonces(self) -> None:
        self.nonces.clear()

    def messages_in(self, channel_id: str) -> list[dict[str, Any]]:
        return self.posted.get(channel_id, [])

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner, port = await serve(app)
        self.base_url = f"http://127.0.0.1:{port}/api/v10"
        return self.base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def calls(self, method: str, fragment: str = "") -> list[Seen]:
        return [r for r in self.requests if r.method == method and fragment in r.path]

    def _message(
        self, channel_id: str, body: dict[str, Any], message_id: str | None = None
    ) -> dict[str, Any]:
        return {
            "id": message_id or str(next(self._ids)),
            "channel_id": channel_id,
            "type": 0,
            "content": body.get("content") or "",
            "author": {
                "id": BOT_ID,
                "username": "verdict",
                "discriminator": "0",
                "avatar": None,
                "bot": True,
            },
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "mentions": [],
            "mention_roles": [],
            "pinned": False,
            "mention_everyone": False,
            "tts": False,
            "timestamp": "2026-11-24T10:00:00+00:00",
            "edited_timestamp": None,
            "flags": body.get("flags") or 0,
            "components": body.get("components") or [],
        }

    def _create(self, request: web.Request, channel_id: str, body: dict[str, Any]) -> web.Response:
        nonce = body.get("nonce")
        if body.get("enforce_nonce") and nonce is not None and str(nonce) in self.nonces:
            return _json(self.nonces[str(nonce)])  # Discord's answer: the message it already has
        message = self._message(channel_id, body)
        self.posted.setdefault(channel_id, []).append(message)
        if body.get("enforce_nonce") and nonce is not None:
            self.nonces[str(nonce)] = message
        if self.drop_reply_once:
            self.drop_reply_once = False
            if request.transport is not None:
                request.transport.close()
        return _json(message | ({"nonce": nonce} if nonce is not None else {}))

    def _history(self, channel_id: str, query: Any) -> web.Response:
        if channel_id in self.unreadable_channels:
            return _json({"message": "Missing Access", "code": 50001}, status=403)
        limit = int(query.get("limit", 50))
        newest_first = list(reversed(self.messages_in(channel_id)))
        if "before" in query:
            newest_first = [m for m in newest_first if int(m["id"]) < int(query["before"])]
        return _json(newest_first[:limit])

    async def _handle(self, request: web.Request) -> web.Response:
        path = request.path.removeprefix("/api/v10")
        files: dict[str, bytes] = {}
        if request.content_type == "multipart/form-data":
            body, files = await _multipart(request)
        else:
            raw = await request.read()
            body = json.loads(raw) if raw and request.content_type == "application/json" else {}
        self.requests.append(Seen(request.method, path, body, files))
        if files and self.refuse_files:
            return _json({"message": "Missing Permissions", "code": 50013}, status=403)
        parts = path.strip("/").split("/")
        if path == "/users/@me" and self.reject_token:
            return _json({"message": "401: Unauthorized", "code": 0}, status=401)
        if path == "/users/@me/guilds":
            return _json(
                [{"icon": None, "owner": False, "features": [], **guild} for guild in self.guilds]
            )
        if path == "/users/@me":
            return _json(
                {
                    "id": BOT_ID,
                    "username": "verdict",
                    "discriminator": "0",
                    "avatar": None,
                    "bot": True,
                }
            )
        if path in ("/gateway/bot", "/gateway"):
            # A gateway nobody answers on (port 9, discard): the client keeps retrying it, as
            # through a network outage, until it is stopped.
            limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
            return _json({"url": "ws://127.0.0.1:9", "shards": 1, "session_start_limit": limit})
        if path == "/oauth2/applications/@me":
            return _json(
                {
                    "id": APP_ID,
                    "name": "verdict",
                    "description": "",
                    "icon": None,
                    "bot_public": True,
                    "bot_require_code_grant": False,
                    "owner": {"id": "1", "username": "owner", "discriminator": "0", "avatar": None},
                    "verify_key": "0" * 64,
                    "flags": 0,
                }
            )
        if parts[0] == "applications" and parts[-1] == "commands" and request.method == "PUT":
            declared = body if isinstance(body, list) else []
            return _json(
                [
                    {"id": str(n), "application_id": APP_ID, "version": "1", **command}
                    for n, command in enumerate(declared, 1)
                ]
            )
        if parts[0] == "interactions" and parts[-1] == "callback":
            return _json(
                {
                    "interaction": {"id": parts[1], "type": 2},
                    "resource": {"type": body.get("type", 4)},
                }
            )
        if parts[0] == "webhooks" and request.method == "POST":
            return _json(self._message(CHANNEL_ID, body))
        if parts[0] == "channels" and "reactions" in parts:
            return web.Response(status=204)
        if parts[0] == "channels" and parts[1] in self.closed_channels:
            return _json({"message": "Missing Permissions", "code": 50013}, status=403)
        if parts[0] == "channels" and len(parts) == 2 and request.method == "GET":
            if parts[1] not in self.channel_guilds:
                return _json({"message": "Unknown Channel", "code": 10003}, status=404)
            return _json(
                {
                    "id": parts[1],
                    "type": 0,
                    "guild_id": self.channel_guilds[parts[1]],
                    "name": "elsewhere",
                    "position": 0,
                    "permission_overwrites": [],
                }
            )
        if parts[0] == "channels" and parts[-1] == "messages" and request.method == "GET":
            return self._history(parts[1], request.query)
        if parts[0] == "channels" and request.method == "POST":
            return self._create(request, parts[1], body)
        if parts[0] == "channels" and request.method == "PATCH":
            edited = self._message(parts[1], body, message_id=parts[3])
            kept = self.posted.get(parts[1], [])
            self.posted[parts[1]] = [edited if m["id"] == parts[3] else m for m in kept]
            return _json(edited)
        return _json({"message": "Unknown route", "code": 0}, status=404)


async def _multipart(request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
    """A message with files, as discord.py sends it: `payload_json` and one part per file."""
    body: dict[str, Any] = {}
    files: dict[str, bytes] = {}
    reader = await request.multipart()
    async for part in reader:
        if not isinstance(part, aiohttp.BodyPartReader):
            continue
        data = await part.read()
        if part.name == "payload_json":
            body = json.loads(data)
        elif part.filename:
            files[part.filename] = bytes(data)
    return body, files
