"""The two Slack manifests (HTTP and Socket Mode) describe the same app: same commands, scopes,
events and interactivity; only where Slack sends requests differs. A command added to one and
not the other fails here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from adapters.slack.bot import ADMIN_SCOPE, CHART_SCOPE, HISTORY_SCOPES
from adapters.slack.checks import SLACK_SCOPES

ADAPTERS = Path(__file__).resolve().parents[2] / "adapters" / "slack"
REQUEST_URL = "https://YOUR-HOST/slack/events"


def manifest(name: str) -> dict[str, Any]:
    return json.loads((ADAPTERS / name).read_text())


def without_urls(value: Any) -> Any:
    """The manifest with every request URL and the Socket Mode switch taken out."""
    if isinstance(value, dict):
        return {
            k: without_urls(v)
            for k, v in value.items()
            if k not in {"url", "request_url", "socket_mode_enabled"}
        }
    if isinstance(value, list):
        return [without_urls(v) for v in value]
    return value


def test_http_and_socket_mode_manifests_describe_the_same_app() -> None:
    http = manifest("manifest.json")
    socket = manifest("manifest.socket.json")
    assert without_urls(http) == without_urls(socket)
    # files:write only uploads the leaderboard chart (without it the text still goes);
    # users:read only tells workspace admins apart (without it, only SLACK_ADMIN_USER_IDS
    # manage channels); the history scopes only find a weekly card a crashed attempt posted.
    # The bot runs without them, and the doctor names each one missing with what it is for.
    assert sorted(socket["oauth_config"]["scopes"]["bot"]) == sorted(
        (*SLACK_SCOPES, CHART_SCOPE, ADMIN_SCOPE, *HISTORY_SCOPES)
    )


def test_http_sends_everything_to_the_events_path_and_socket_mode_needs_no_url() -> None:
    http = manifest("manifest.json")
    socket = manifest("manifest.socket.json")
    assert http["settings"]["socket_mode_enabled"] is False
    assert socket["settings"]["socket_mode_enabled"] is True
    assert all(c["url"] == REQUEST_URL for c in http["features"]["slash_commands"])
    assert http["settings"]["event_subscriptions"]["request_url"] == REQUEST_URL
    if http["settings"]["interactivity"].get("is_enabled"):
        assert http["settings"]["interactivity"]["request_url"] == REQUEST_URL
    assert "YOUR-HOST" not in json.dumps(socket)
