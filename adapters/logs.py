"""Logging for the long-running commands, and the one start-up line that says what runs where.

Text for a person at a terminal, `VERDICT_LOG_FORMAT=json` (one object per line) for a log
collector. Every line passes through a redactor that knows the tokens from the settings, so a
library that logs a request (or a traceback that quotes one) cannot leak a secret.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, SecretStr

from bot.settings import Settings
from bot.storage import is_postgres_url

REDACTED = "[redacted]"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
STARTUP_LOGGER = "verdict"


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC, ISO 8601), level, logger, message, and the
    traceback as one string when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class RedactingFormatter(logging.Formatter):
    """Wraps another formatter and blanks out every secret in what it produced."""

    def __init__(self, inner: logging.Formatter, secrets: Iterable[str]) -> None:
        super().__init__()
        self.inner = inner
        # Longest first, so a secret that contains another is blanked whole.
        self.secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        text = self.inner.format(record)
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text


def secrets_of(settings: Settings, *also: BaseModel) -> list[str]:
    """Every secret value the settings hold (the core's, and `also` a platform's own, with its
    tokens) and a database password."""
    found = [
        value.get_secret_value()
        for model in (settings, *also)
        for value in (getattr(model, name) for name in type(model).model_fields)
        if isinstance(value, SecretStr)
    ]
    if is_postgres_url(settings.db):
        password = urlsplit(settings.db).password
        if password:
            found.append(password)
    return found


LIBRARY_LOGGERS = ("discord", "slack_sdk", "slack_bolt", "aiohttp", "asyncio", "h11")


def configure_logging(
    settings: Settings, stream: TextIO | None = None, *, also: Iterable[BaseModel] = ()
) -> logging.Handler:
    """Send every logger's records to stderr (or `stream`) in the chosen format, redacted of
    the secrets in `settings` and in `also` (a platform's own settings).

    Replaces handlers a previous call installed, so calling it twice does not double lines.
    """
    inner: logging.Formatter = (
        JsonFormatter() if settings.log_format == "json" else logging.Formatter(TEXT_FORMAT)
    )
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(RedactingFormatter(inner, secrets_of(settings, *also)))
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_verdict", False)]:
        root.removeHandler(old)
    handler._verdict = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    # The libraries' own chatter ("logging in using static token", a retry handler found, one
    # line per HTTP request and health check) would drown the lines that matter; their
    # warnings and errors still show, and everything comes back with VERDICT_LOG_LEVEL=DEBUG.
    quiet = max(logging.WARNING, logging.getLevelName(settings.log_level))
    for library in LIBRARY_LOGGERS:
        logging.getLogger(library).setLevel(
            logging.DEBUG if settings.log_level == "DEBUG" else quiet
        )
    return handler


def describe_database(location: str) -> str:
    """Where the data lives, for people: SQLite's absolute path, or the PostgreSQL URL with
    its password hidden."""
    if is_postgres_url(location):
        parts = urlsplit(location)
        netloc = parts.netloc
        if parts.password:
            netloc = netloc.replace(f":{parts.password}@", ":***@", 1)
        return f"PostgreSQL {urlunsplit((parts.scheme, netloc, parts.path, '', ''))}"
    path = location.removeprefix("sqlite:///") if location.startswith("sqlite:///") else location
    return f"SQLite {Path(path).resolve()}"


def startup_line(*, platform: str, mode: str, database: str, tools: int) -> str:
    """The one line that says the bot is up and what runs where, e.g.
    `verdict slack is up: HTTP on 0.0.0.0:3000 at /slack/events; database SQLite /srv/verdict.db;
    catalogue 42 tools`."""
    return (
        f"verdict {platform} is up: {mode}; database {describe_database(database)}; "
        f"catalogue {tools} tools"
    )


def announce(line: str) -> None:
    """Log the start-up line where operators look for it."""
    logging.getLogger(STARTUP_LOGGER).info(line)
