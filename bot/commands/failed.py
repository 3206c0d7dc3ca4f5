"""What a person is told when the store fails under their press or command: one wording for
every chat, and never a traceback. A deferred press must always get an answer."""

from __future__ import annotations

import logging
from collections.abc import Awaitable

log = logging.getLogger(__name__)

PRESS_FAILED = "Your vote could not be recorded just now; nothing changed. Please press again."
CLOSE_FAILED = "The vote could not be closed just now; please try again."
REQUEST_FAILED = "Your request could not be stored just now; please try again."
SOMETHING_WENT_WRONG = "Something went wrong on our side; nothing was lost. Please try again."


async def or_failed(answer: Awaitable[str], failed: str) -> str:
    """The answer `answer` gives, or `failed` when it raises (logged with its cause)."""
    try:
        return await answer
    except Exception:
        log.exception("answered %r", failed)
        return failed
